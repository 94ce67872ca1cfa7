public import CairnCore
public import Foundation
import SQLKit

extension TransactionStore {
    /// Records campaigns the events named, each with the earliest time seen; a campaign seen before keeps the earlier
    /// start, and a declared one keeps its own.
    public func recordCampaigns(_ seen: [String: Date], in workspace: WorkspaceID) async throws {
        try await sql.recordCampaigns(seen, in: workspace)
    }
}

extension SQLDatabase {
    func recordCampaigns(_ seen: [String: Date], in workspace: WorkspaceID) async throws {
        for (name, at) in seen.sorted(by: { $0.key < $1.key }) {
            try await raw("""
                INSERT INTO campaigns (workspace_id, name, started_at, source) VALUES (\(bind: workspace.rawValue), \(bind: name), \(bind: at.storageMillis), 'events')
                ON CONFLICT (workspace_id, name) DO UPDATE SET started_at = excluded.started_at
                WHERE excluded.started_at < campaigns.started_at AND campaigns.source = 'events'
                """).run()
        }
    }
}

extension Store {
    /// Declares a campaign with its start (replacing what events said of it).
    public func declare(_ campaign: Campaign, in workspace: WorkspaceID) async throws {
        try await database.withConnection { sql in
            try await sql.insert(into: "campaigns").columns("workspace_id", "name", "started_at", "source")
                .values(SQLBind(workspace.rawValue), SQLBind(campaign.name), SQLBind(campaign.startedAt.storageMillis), SQLBind(Campaign.Source.declared.rawValue))
                .onConflict(with: ["workspace_id", "name"]) { $0.set(excludedValueOf: "started_at").set(excludedValueOf: "source") }
                .run()
        }
    }

    /// Campaigns that began in [from, until), earliest first.
    public func campaigns(startedFrom from: Date, until: Date, in workspace: WorkspaceID) async throws -> [Campaign] {
        try await database.withConnection { sql in
            try await sql.select().columns("name", "started_at", "source").from("campaigns").where("workspace_id", .equal, workspace.rawValue)
                .where("started_at", .greaterThanOrEqual, from.storageMillis).where("started_at", .lessThan, until.storageMillis)
                .orderBy("started_at").orderBy("name").limit(500).all().map(Campaign.init(row:))
        }
    }

    /// The workspace's campaigns, latest start first.
    public func campaigns(in workspace: WorkspaceID, limit: Int) async throws -> [Campaign] {
        try await database.withConnection { sql in
            try await sql.select().columns("name", "started_at", "source").from("campaigns").where("workspace_id", .equal, workspace.rawValue)
                .orderBy("started_at", .descending).orderBy("name").limit(limit).all().map(Campaign.init(row:))
        }
    }
}

extension Campaign {
    init(row: any SQLRow) throws {
        self.init(name: try row.decode(column: "name", as: String.self), startedAt: Date(storageMillis: try row.decode(column: "started_at", as: Int64.self)),
                  source: Source(rawValue: try row.decode(column: "source", as: String.self)) ?? .events)
    }
}

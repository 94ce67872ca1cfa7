public import CairnCore
public import Foundation
import SQLKit

extension Store {
    /// Every item bought by a customer (not in a cancelled order): customer, product, when (milliseconds).
    public func purchases(in workspace: WorkspaceID) async throws -> [(profile: String, product: String, at: Int64)] {
        try await database.withConnection { sql in
            final class Found: @unchecked Sendable { var rows: [(profile: String, product: String, at: Int64)] = [] }
            let found = Found()
            try await sql.raw("""
                SELECT o.profile_id AS p, l.product_id AS i, o.placed_at AS t FROM order_lines l
                JOIN orders o ON o.workspace_id = l.workspace_id AND o.id = l.order_id
                WHERE l.workspace_id = \(bind: workspace.rawValue) AND o.profile_id IS NOT NULL AND o.status <> 'cancelled'
                """).run { row in
                if let p = try? row.decode(column: "p", as: String.self), let i = try? row.decode(column: "i", as: String.self),
                   let t = try? row.decode(column: "t", as: Int64.self) { found.rows.append((p, i, t)) }
            }
            return found.rows
        }
    }

    /// The products one customer bought (not in a cancelled order).
    public func purchasedProducts(of profile: ProfileID, in workspace: WorkspaceID) async throws -> Set<String> {
        try await database.withConnection { sql in
            Set(try await sql.raw("""
                SELECT DISTINCT l.product_id AS i FROM order_lines l JOIN orders o ON o.workspace_id = l.workspace_id AND o.id = l.order_id
                WHERE o.workspace_id = \(bind: workspace.rawValue) AND o.profile_id = \(bind: profile.rawValue) AND o.status <> 'cancelled'
                """).all().map { try $0.decode(column: "i", as: String.self) })
        }
    }

    /// Changes whenever a statement about a purpose is recorded (its count and latest time): a model fitted on whose
    /// consent stood is fitted again when it moves.
    public func consentMark(_ purpose: ConsentPurpose, in workspace: WorkspaceID) async throws -> String {
        try await database.withConnection { sql in
            let row = try await sql.raw("""
                SELECT COUNT(*) AS n, MAX(recorded_at) AS at FROM consent_records WHERE workspace_id = \(bind: workspace.rawValue) AND purpose = \(bind: purpose.rawValue)
                """).first()
            return "\(try row?.decode(column: "n", as: Int64.self) ?? 0)-\(try row?.decode(column: "at", as: Int64?.self) ?? 0)"
        }
    }

    static let offerDecisionColumns = ["id", "workspace_id", "profile_id", "surface", "decided_at", "personalised", "consent", "reason", "items", "store", "requested_by"]

    public func record(_ decision: OfferDecision) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let items = String(decoding: try encoder.encode(decision.items), as: UTF8.self)
        let store = try decision.store.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        try await database.withConnection { sql in
            try await sql.insert(into: "offer_decisions").columns(Self.offerDecisionColumns)
                .values(SQLBind(decision.id.rawValue), SQLBind(decision.workspaceID.rawValue), SQLBind(decision.profileID.rawValue),
                        SQLBind(decision.surface.rawValue), SQLBind(decision.decidedAt.storageMillis), SQLBind(Int64(decision.personalised ? 1 : 0)),
                        SQLBind(decision.consent), SQLBind(decision.reason), SQLBind(items), SQLBind(store), SQLBind(decision.requestedBy))
                .run()
        }
    }

    /// A customer's offer decisions, newest first.
    public func offerDecisions(of profile: ProfileID, in workspace: WorkspaceID, limit: Int) async throws -> [OfferDecision] {
        try await database.withConnection { sql in
            try await sql.select().columns(Self.offerDecisionColumns).from("offer_decisions").where("workspace_id", .equal, workspace.rawValue)
                .where("profile_id", .equal, profile.rawValue).orderBy("decided_at", .descending).orderBy("id", .descending).limit(limit).all()
                .map(OfferDecision.init(row:))
        }
    }
}

extension OfferDecision {
    init(row: any SQLRow) throws {
        let decoder = JSONDecoder()
        self.init(id: OfferDecisionID(rawValue: try row.decode(column: "id", as: String.self)),
                  workspaceID: WorkspaceID(rawValue: try row.decode(column: "workspace_id", as: String.self)),
                  profileID: ProfileID(rawValue: try row.decode(column: "profile_id", as: String.self)),
                  surface: OfferSurface(rawValue: try row.decode(column: "surface", as: String.self)) ?? .site,
                  decidedAt: Date(storageMillis: try row.decode(column: "decided_at", as: Int64.self)),
                  personalised: try row.decode(column: "personalised", as: Int64.self) != 0,
                  consent: try row.decode(column: "consent", as: String.self), reason: try row.decode(column: "reason", as: String.self),
                  items: try decoder.decode([OfferItem].self, from: Data(try row.decode(column: "items", as: String.self).utf8)),
                  store: try row.decode(column: "store", as: String?.self).map { try decoder.decode(NearestStore.self, from: Data($0.utf8)) },
                  requestedBy: try row.decode(column: "requested_by", as: String.self))
    }
}

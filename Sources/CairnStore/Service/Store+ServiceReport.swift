public import CairnCore
public import Foundation
import SQLKit

/// One group of the service report, as the database sums it.
public struct ServiceReportCell: Sendable, Hashable {
    public var key: String?
    public var cases: Int
    public var responded: Int
    public var firstResponseSeconds: Double?
    public var solved: Int
    public var resolutionSeconds: Double?
    public var slaMet: Int
    public var slaBreached: Int
    public var reopened: Int
    public var firstContactResolved: Int
    /// Cases whose customer answered a CSAT question afterwards, those who answered 4 or 5, and the same for CES
    /// (answered; the sum of the 1–7 scores).
    public var csatAnswered: Int
    public var csatSatisfied: Int
    public var cesAnswered: Int
    public var cesSum: Int

    public init(key: String?, cases: Int = 0, responded: Int = 0, firstResponseSeconds: Double? = nil, solved: Int = 0, resolutionSeconds: Double? = nil, slaMet: Int = 0,
                slaBreached: Int = 0, reopened: Int = 0, firstContactResolved: Int = 0, csatAnswered: Int = 0, csatSatisfied: Int = 0, cesAnswered: Int = 0, cesSum: Int = 0) {
        self.csatAnswered = csatAnswered
        self.csatSatisfied = csatSatisfied
        self.cesAnswered = cesAnswered
        self.cesSum = cesSum
        self.key = key
        self.cases = cases
        self.responded = responded
        self.firstResponseSeconds = firstResponseSeconds
        self.solved = solved
        self.resolutionSeconds = resolutionSeconds
        self.slaMet = slaMet
        self.slaBreached = slaBreached
        self.reopened = reopened
        self.firstContactResolved = firstContactResolved
    }
}

extension ServiceDimension {
    var column: String {
        switch self {
        case .channel: "channel"
        case .topic: "topic"
        case .product: "product_id"
        case .team: "team_id"
        case .agent: "assignee_id"
        case .priority: "priority"
        }
    }
}

extension Store {
    public typealias ServiceDimension = CairnCore.ServiceDimension

    /// Cases opened in [from, until), grouped: volume, first responses and their mean business seconds, solved and
    /// their mean business seconds to resolution, service levels met and breached, reopened cases, and cases solved
    /// at first contact (one agent reply at most, never reopened). Merged duplicates are left out. One grouped read.
    public func serviceReport(in workspace: WorkspaceID, by dimension: ServiceDimension, from: Date, until: Date) async throws -> [ServiceReportCell] {
        let column = dimension.column
        return try await database.withConnection { sql in
            try await sql.raw("""
                SELECT \(ident: column) AS k, COUNT(*) AS n,
                  SUM(CASE WHEN first_response_s IS NOT NULL THEN 1 ELSE 0 END) AS responded,
                  AVG(CAST(first_response_s AS DOUBLE PRECISION)) AS frt,
                  SUM(CASE WHEN status IN ('solved', 'closed') THEN 1 ELSE 0 END) AS solved,
                  AVG(CAST(resolution_s AS DOUBLE PRECISION)) AS rt,
                  SUM(CASE WHEN sla_outcome = 'met' THEN 1 ELSE 0 END) AS met,
                  SUM(CASE WHEN sla_outcome = 'breached' THEN 1 ELSE 0 END) AS breached,
                  SUM(CASE WHEN reopens > 0 THEN 1 ELSE 0 END) AS reopened,
                  SUM(CASE WHEN status IN ('solved', 'closed') AND reopens = 0 AND agent_replies <= 1 THEN 1 ELSE 0 END) AS fcr,
                  COUNT(csat_score) AS csat_n, SUM(CASE WHEN csat_score >= 4 THEN 1 ELSE 0 END) AS csat_ok,
                  COUNT(ces_score) AS ces_n, CAST(SUM(ces_score) AS BIGINT) AS ces_sum
                FROM cases
                WHERE workspace_id = \(bind: workspace.rawValue) AND created_at >= \(bind: from.storageMillis) AND created_at < \(bind: until.storageMillis)
                  AND merged_into IS NULL
                GROUP BY \(ident: column)
                """).all().map { row in
                func int(_ name: String) throws -> Int { Int(try row.decode(column: name, as: Int64?.self) ?? 0) }
                return ServiceReportCell(key: try row.decode(column: "k", as: String?.self), cases: try int("n"), responded: try int("responded"),
                                         firstResponseSeconds: try row.decode(column: "frt", as: Double?.self), solved: try int("solved"),
                                         resolutionSeconds: try row.decode(column: "rt", as: Double?.self), slaMet: try int("met"), slaBreached: try int("breached"),
                                         reopened: try int("reopened"), firstContactResolved: try int("fcr"), csatAnswered: try int("csat_n"),
                                         csatSatisfied: try int("csat_ok"), cesAnswered: try int("ces_n"), cesSum: try int("ces_sum"))
            }
        }
    }

    /// Open cases now, grouped (the backlog).
    public func serviceBacklog(in workspace: WorkspaceID, by dimension: ServiceDimension) async throws -> [String?: Int] {
        let column = dimension.column
        return try await database.withConnection { sql in
            var backlog: [String?: Int] = [:]
            for row in try await sql.raw("""
                SELECT \(ident: column) AS k, COUNT(*) AS n FROM cases WHERE workspace_id = \(bind: workspace.rawValue) AND is_open = 1 GROUP BY \(ident: column)
                """).all() {
                backlog[try row.decode(column: "k", as: String?.self)] = Int(try row.decode(column: "n", as: Int64.self))
            }
            return backlog
        }
    }

    /// Cases opened in [from, until) per channel and UTC day, with the sum and count of their first-response business
    /// seconds: the day chart and the cost by channel come from this one grouped read.
    public func serviceChannelDays(in workspace: WorkspaceID, from: Date, until: Date) async throws -> [(channel: String, day: Int64, cases: Int, responseSeconds: Double, responded: Int)] {
        try await database.withConnection { sql in
            try await sql.raw("""
                SELECT channel AS c, created_at / 86400000 AS d, COUNT(*) AS n, SUM(CAST(first_response_s AS DOUBLE PRECISION)) AS frt,
                  SUM(CASE WHEN first_response_s IS NOT NULL THEN 1 ELSE 0 END) AS responded FROM cases
                WHERE workspace_id = \(bind: workspace.rawValue) AND created_at >= \(bind: from.storageMillis) AND created_at < \(bind: until.storageMillis)
                  AND merged_into IS NULL
                GROUP BY channel, created_at / 86400000
                """).all().map { row in
                (try row.decode(column: "c", as: String.self), try row.decode(column: "d", as: Int64.self), Int(try row.decode(column: "n", as: Int64.self)),
                 try row.decode(column: "frt", as: Double?.self) ?? 0, Int(try row.decode(column: "responded", as: Int64?.self) ?? 0))
            }
        }
    }
}

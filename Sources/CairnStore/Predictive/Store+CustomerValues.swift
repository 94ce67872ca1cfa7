public import CairnCore
public import Foundation
import SQLKit

/// One order as the value models read it: whose (the golden record it now belongs to), when, in which currency, and
/// what it came to after the refunds and chargebacks that succeeded.
public struct PurchaseRecord: Sendable, Hashable {
    public var profile: ProfileID
    public var placedAt: Date
    public var currency: String
    public var netMinor: Int64
}

extension Store {
    /// Every order not cancelled of a customer who has not been erased, by the profile it belongs to now (a merged
    /// profile's orders count for the survivor).
    public func purchaseRecords(in workspace: WorkspaceID) async throws -> [PurchaseRecord] {
        try await database.withConnection { sql in
            try await sql.raw("""
                SELECT COALESCE(p.merged_into, p.id) AS owner, o.placed_at, o.currency,
                       CAST(o.total_minor - COALESCE((SELECT SUM(t.amount_minor) FROM order_transactions t WHERE t.workspace_id = o.workspace_id
                           AND t.order_id = o.id AND t.kind IN ('refund', 'chargeback') AND t.status = 'succeeded'), 0) AS BIGINT) AS net
                FROM orders o JOIN profiles p ON p.workspace_id = o.workspace_id AND p.id = o.profile_id
                WHERE o.workspace_id = \(bind: workspace.rawValue) AND o.status <> 'cancelled' AND p.erased_at IS NULL
                """).all().map { row in
                PurchaseRecord(profile: ProfileID(rawValue: try row.decode(column: "owner", as: String.self)),
                               placedAt: Date(storageMillis: try row.decode(column: "placed_at", as: Int64.self)),
                               currency: try row.decode(column: "currency", as: String.self),
                               netMinor: try row.decode(column: "net", as: Int64.self))
            }
        }
    }

    /// How the workspace treats a purpose (its set mode, or the purpose's default) and each profile's latest statement
    /// about it.
    public func consentStatements(_ purpose: ConsentPurpose, in workspace: WorkspaceID) async throws -> (mode: ConsentMode, latest: [ProfileID: ConsentRecord.Status]) {
        try await database.withConnection { sql in
            let mode = try await TransactionStore(sql: sql, engine: engine).consentPurposes(in: workspace)[purpose]?.mode ?? .default(for: purpose)
            var latest: [ProfileID: ConsentRecord.Status] = [:]
            for row in try await sql.select().columns("profile_id", "status").from("consent_records")
                .where("workspace_id", .equal, workspace.rawValue).where("purpose", .equal, purpose.rawValue)
                .orderBy("recorded_at").orderBy("id").all() {
                latest[ProfileID(rawValue: try row.decode(column: "profile_id", as: String.self))] =
                    ConsentRecord.Status(rawValue: try row.decode(column: "status", as: String.self)) ?? .withdrawn
            }
            return (mode, latest)
        }
    }

    static let customerValueColumns = ["profile_id", "repeat_purchases", "recency_days", "age_days", "expected_90", "expected_365", "p_alive",
                                       "mean_spend_minor", "value_minor", "lower_minor", "upper_minor", "currency", "tier", "churn_risk", "churn_reasons", "computed_at"]

    /// Replaces the workspace's scores and model with a new computation's, in one transaction.
    public func replaceCustomerValues(_ scores: [CustomerValueScore], summary: ValueModelSummary?, roi: ReturnSummary? = nil,
                                      in workspace: WorkspaceID) async throws {
        let w = workspace.rawValue
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .millisecondsSince1970
        let text = try summary.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        let roiText = try roi.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        try await database.transaction { sql in
            try await sql.delete(from: "customer_values").where("workspace_id", .equal, w).run()
            for part in scores.chunked(into: 400) {
                let insert = sql.insert(into: "customer_values").columns(["workspace_id"] + Self.customerValueColumns)
                for score in part {
                    insert.values([SQLBind(w), SQLBind(score.profileID.rawValue), SQLBind(Int64(score.repeatPurchases)), SQLBind(Int64(score.recencyDays)),
                                   SQLBind(Int64(score.ageDays)), SQLBind(score.expected90), SQLBind(score.expected365), SQLBind(score.probabilityAlive),
                                   SQLBind(score.meanSpend.minorUnits), SQLBind(score.value.minorUnits), SQLBind(score.lower.minorUnits),
                                   SQLBind(score.upper.minorUnits), SQLBind(score.value.currency.code), SQLBind(score.tier.rawValue),
                                   SQLBind(score.churnRisk), SQLBind(score.churnRisk == nil ? nil : Self.reasonsText(score.churnReasons)),
                                   SQLBind(score.computedAt.storageMillis)])
                }
                try await insert.run()
            }
            try await sql.delete(from: "value_models").where("workspace_id", .equal, w).run()
            if let text, let summary {
                try await sql.insert(into: "value_models").columns("workspace_id", "summary", "computed_at", "roi")
                    .values(SQLBind(w), SQLBind(text), SQLBind(summary.computedAt.storageMillis), SQLBind(roiText)).run()
            }
        }
    }

    static func reasonsText(_ reasons: [String]) -> String {
        String(decoding: (try? JSONEncoder().encode(reasons)) ?? Data("[]".utf8), as: UTF8.self)
    }

    /// Complete survey responses given by a known customer.
    public func profileResponses(in workspace: WorkspaceID) async throws -> [SurveyResponse] {
        try await database.withConnection { sql in
            try await sql.select().columns(Self.responseColumns).from("survey_responses").where("workspace_id", .equal, workspace.rawValue)
                .where("profile_id", .isNot, SQLLiteral.null).where("complete", .equal, Int64(1)).all().map(SurveyResponse.init(row:))
        }
    }

    /// Each merged profile's survivor.
    public func mergedProfiles(in workspace: WorkspaceID) async throws -> [ProfileID: ProfileID] {
        try await database.withConnection { sql in
            var found: [ProfileID: ProfileID] = [:]
            for row in try await sql.select().columns("id", "merged_into").from("profiles").where("workspace_id", .equal, workspace.rawValue)
                .where("merged_into", .isNot, SQLLiteral.null).all() {
                found[ProfileID(rawValue: try row.decode(column: "id", as: String.self))] = ProfileID(rawValue: try row.decode(column: "merged_into", as: String.self))
            }
            return found
        }
    }

    public func valueModel(in workspace: WorkspaceID) async throws -> ValueModelSummary? {
        try await database.withConnection { sql in
            guard let text = try await sql.select().column("summary").from("value_models").where("workspace_id", .equal, workspace.rawValue)
                .first()?.decode(column: "summary", as: String.self) else { return nil }
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .millisecondsSince1970
            return try decoder.decode(ValueModelSummary.self, from: Data(text.utf8))
        }
    }

    /// The money behind CX from the last value computation.
    public func valueReturn(in workspace: WorkspaceID) async throws -> ReturnSummary? {
        try await database.withConnection { sql in
            guard let text = try await sql.select().column("roi").from("value_models").where("workspace_id", .equal, workspace.rawValue)
                .first()?.decode(column: "roi", as: String?.self) else { return nil }
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .millisecondsSince1970
            return try decoder.decode(ReturnSummary.self, from: Data(text.utf8))
        }
    }

    public func cxCosts(in workspace: WorkspaceID) async throws -> CXCosts {
        try await database.withConnection { sql in
            guard let text = try await sql.select().column("costs").from("cx_costs").where("workspace_id", .equal, workspace.rawValue)
                .first()?.decode(column: "costs", as: String.self) else { return CXCosts(programmes: []) }
            return try JSONDecoder().decode(CXCosts.self, from: Data(text.utf8))
        }
    }

    public func setCXCosts(_ costs: CXCosts, at now: Date, in workspace: WorkspaceID) async throws {
        let text = String(decoding: try JSONEncoder().encode(costs), as: UTF8.self)
        try await database.transaction { sql in
            try await sql.delete(from: "cx_costs").where("workspace_id", .equal, workspace.rawValue).run()
            try await sql.insert(into: "cx_costs").columns("workspace_id", "costs", "updated_at")
                .values(SQLBind(workspace.rawValue), SQLBind(text), SQLBind(now.storageMillis)).run()
        }
    }

    /// Open cases per customer (by the profile each case names).
    public func openCases(in workspace: WorkspaceID) async throws -> [ProfileID: Int] {
        try await database.withConnection { sql in
            var found: [ProfileID: Int] = [:]
            for row in try await sql.raw("""
                SELECT profile_id AS p, COUNT(*) AS n FROM cases WHERE workspace_id = \(bind: workspace.rawValue) AND is_open = 1 AND profile_id IS NOT NULL
                GROUP BY profile_id
                """).all() {
                found[ProfileID(rawValue: try row.decode(column: "p", as: String.self))] = Int(try row.decode(column: "n", as: Int64.self))
            }
            return found
        }
    }

    /// Service contacts (cases opened) since a moment, by channel.
    public func contacts(in workspace: WorkspaceID, since: Date) async throws -> [String: Int] {
        try await database.withConnection { sql in
            var found: [String: Int] = [:]
            for row in try await sql.raw("""
                SELECT channel, COUNT(*) AS n FROM cases WHERE workspace_id = \(bind: workspace.rawValue) AND created_at >= \(bind: since.storageMillis)
                GROUP BY channel
                """).all() {
                found[try row.decode(column: "channel", as: String.self)] = Int(try row.decode(column: "n", as: Int64.self))
            }
            return found
        }
    }

    public func customerValue(of profile: ProfileID, in workspace: WorkspaceID) async throws -> CustomerValueScore? {
        try await database.withConnection { sql in
            try await sql.select().columns(Self.customerValueColumns).from("customer_values").where("workspace_id", .equal, workspace.rawValue)
                .where("profile_id", .equal, profile.rawValue).first().map(CustomerValueScore.init(row:))
        }
    }

    /// Several customers' values at once (those scored).
    public func customerValues(of profiles: [ProfileID], in workspace: WorkspaceID) async throws -> [ProfileID: CustomerValueScore] {
        guard !profiles.isEmpty else { return [:] }
        return try await database.withConnection { sql in
            var found: [ProfileID: CustomerValueScore] = [:]
            for part in Array(Set(profiles.map(\.rawValue))).chunked(into: 300) {
                for row in try await sql.select().columns(Self.customerValueColumns).from("customer_values").where("workspace_id", .equal, workspace.rawValue)
                    .where("profile_id", .in, Array(part)).all() {
                    let score = try CustomerValueScore(row: row)
                    found[score.profileID] = score
                }
            }
            return found
        }
    }

    /// Scored customers, highest value first (ties by profile id), optionally of one tier, after a cursor
    /// (`<value>:<profile>` of the last row seen).
    public func rankedCustomerValues(in workspace: WorkspaceID, tier: ValueTier?, after cursor: (value: Int64, profile: String)?,
                                     limit: Int) async throws -> [CustomerValueScore] {
        try await database.withConnection { sql in
            let query = sql.select().columns(Self.customerValueColumns).from("customer_values").where("workspace_id", .equal, workspace.rawValue)
            if let tier { query.where("tier", .equal, tier.rawValue) }
            if let cursor {
                query.where { group in
                    group.where("value_minor", .lessThan, cursor.value)
                        .orWhere { tie in tie.where("value_minor", .equal, cursor.value).where("profile_id", .greaterThan, cursor.profile) }
                }
            }
            return try await query.orderBy("value_minor", .descending).orderBy("profile_id").limit(limit).all().map(CustomerValueScore.init(row:))
        }
    }
}

extension TransactionStore {
    /// The customer's value tier at the last value computation (nil when not scored).
    public func valueTier(of profile: ProfileID, in workspace: WorkspaceID) async throws -> ValueTier? {
        let row = try await sql.select().column("tier").from("customer_values").where("workspace_id", .equal, workspace.rawValue)
            .where("profile_id", .equal, profile.rawValue).first()
        return try row.map { ValueTier(rawValue: try $0.decode(column: "tier", as: String.self)) } ?? nil
    }
}

extension CustomerValueScore {
    init(row: any SQLRow) throws {
        let currency = Currency(uncheckedCode: try row.decode(column: "currency", as: String.self))
        func money(_ column: String) throws -> Money { Money(minorUnits: try row.decode(column: column, as: Int64.self), currency: currency) }
        self.init(profileID: ProfileID(rawValue: try row.decode(column: "profile_id", as: String.self)),
                  repeatPurchases: Int(try row.decode(column: "repeat_purchases", as: Int64.self)),
                  recencyDays: Int(try row.decode(column: "recency_days", as: Int64.self)), ageDays: Int(try row.decode(column: "age_days", as: Int64.self)),
                  expected90: try row.decode(column: "expected_90", as: Double.self), expected365: try row.decode(column: "expected_365", as: Double.self),
                  probabilityAlive: try row.decode(column: "p_alive", as: Double.self), meanSpend: try money("mean_spend_minor"),
                  value: try money("value_minor"), lower: try money("lower_minor"), upper: try money("upper_minor"),
                  tier: ValueTier(rawValue: try row.decode(column: "tier", as: String.self)) ?? .low,
                  churnRisk: try row.decode(column: "churn_risk", as: Double?.self),
                  churnReasons: (try row.decode(column: "churn_reasons", as: String?.self)).flatMap { try? JSONDecoder().decode([String].self, from: Data($0.utf8)) } ?? [],
                  computedAt: Date(storageMillis: try row.decode(column: "computed_at", as: Int64.self)))
    }
}

/// An order as the revenue forecast reads it.
public struct RevenueOrder: Sendable, Hashable {
    public var owner: ProfileID?
    public var placedAt: Date
    public var channel: String
    public var currency: String
    public var totalMinor: Int64
}

extension Store {
    /// Every order not cancelled, with the customer it belongs to now (nil for a guest order), oldest first.
    public func revenueOrders(in workspace: WorkspaceID) async throws -> [RevenueOrder] {
        try await database.withConnection { sql in
            try await sql.raw("""
                SELECT COALESCE(p.merged_into, p.id) AS owner, o.placed_at, o.channel, o.currency, o.total_minor
                FROM orders o LEFT JOIN profiles p ON p.workspace_id = o.workspace_id AND p.id = o.profile_id
                WHERE o.workspace_id = \(bind: workspace.rawValue) AND o.status <> 'cancelled'
                ORDER BY o.placed_at, o.id
                """).all().map { row in
                RevenueOrder(owner: try row.decode(column: "owner", as: String?.self).map(ProfileID.init(rawValue:)),
                             placedAt: Date(storageMillis: try row.decode(column: "placed_at", as: Int64.self)),
                             channel: try row.decode(column: "channel", as: String.self), currency: try row.decode(column: "currency", as: String.self),
                             totalMinor: try row.decode(column: "total_minor", as: Int64.self))
            }
        }
    }

    /// Line revenue (quantity × unit price − line discount) of orders not cancelled in `currency`, per UTC day and
    /// product category ("" for none).
    public func categoryRevenue(in workspace: WorkspaceID, currency: String) async throws -> [(day: Int64, category: String, minor: Int64)] {
        try await database.withConnection { sql in
            try await sql.raw("""
                SELECT CAST(o.placed_at / 86400000 AS BIGINT) AS day, COALESCE(p.category, '') AS category,
                       CAST(SUM(l.quantity * l.unit_price_minor - l.discount_minor) AS BIGINT) AS minor
                FROM order_lines l JOIN orders o ON o.workspace_id = l.workspace_id AND o.id = l.order_id
                LEFT JOIN products p ON p.workspace_id = l.workspace_id AND p.id = l.product_id
                WHERE l.workspace_id = \(bind: workspace.rawValue) AND o.status <> 'cancelled' AND o.currency = \(bind: currency)
                GROUP BY CAST(o.placed_at / 86400000 AS BIGINT), COALESCE(p.category, '')
                """).all().map { row in
                (try row.decode(column: "day", as: Int64.self), try row.decode(column: "category", as: String.self), try row.decode(column: "minor", as: Int64.self))
            }
        }
    }
}

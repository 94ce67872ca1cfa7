public import CairnCore
public import Foundation
import SQLKit

/// How customers buy, as personas read it: orders by channel, units by category, and order figures.
public struct BuyingFacts: Sendable {
    public var ordersByChannel: [String: [String: Int]] = [:]
    public var unitsByCategory: [String: [String: Int]] = [:]
    /// Per customer: orders, gross spend (minor units) and currency of their main currency, first and last order.
    public var figures: [String: (orders: Int, grossMinor: Int64, currency: String, first: Int64, last: Int64)] = [:]
    public init() {}
}

extension Store {
    /// Orders (not cancelled) by channel, units by product category and order figures of every customer who bought.
    public func buyingFacts(in workspace: WorkspaceID) async throws -> BuyingFacts {
        try await database.withConnection { sql in
            var facts = BuyingFacts()
            let w = workspace.rawValue
            for row in try await sql.raw("""
                SELECT profile_id AS p, channel AS c, COUNT(*) AS n FROM orders
                WHERE workspace_id = \(bind: w) AND profile_id IS NOT NULL AND status <> 'cancelled' GROUP BY profile_id, channel
                """).all() {
                facts.ordersByChannel[try row.decode(column: "p", as: String.self), default: [:]][try row.decode(column: "c", as: String.self)] = Int(try row.decode(column: "n", as: Int64.self))
            }
            for row in try await sql.raw("""
                SELECT o.profile_id AS p, COALESCE(pr.category, '') AS c, CAST(SUM(l.quantity) AS BIGINT) AS n FROM order_lines l
                JOIN orders o ON o.workspace_id = l.workspace_id AND o.id = l.order_id
                LEFT JOIN products pr ON pr.workspace_id = l.workspace_id AND pr.id = l.product_id
                WHERE l.workspace_id = \(bind: w) AND o.profile_id IS NOT NULL AND o.status <> 'cancelled' GROUP BY o.profile_id, pr.category
                """).all() {
                let category = try row.decode(column: "c", as: String.self)
                guard !category.isEmpty else { continue }
                facts.unitsByCategory[try row.decode(column: "p", as: String.self), default: [:]][category] = Int(try row.decode(column: "n", as: Int64.self))
            }
            for row in try await sql.select().columns("profile_id", "currency", "orders", "gross_minor", "first_order_at", "last_order_at").from("customer_figures")
                .where("workspace_id", .equal, w).all() {
                let profile = try row.decode(column: "profile_id", as: String.self)
                let orders = Int(try row.decode(column: "orders", as: Int64.self))
                guard orders >= facts.figures[profile]?.orders ?? 0 else { continue }
                facts.figures[profile] = (orders, try row.decode(column: "gross_minor", as: Int64.self), try row.decode(column: "currency", as: String.self),
                                          try row.decode(column: "first_order_at", as: Int64.self), try row.decode(column: "last_order_at", as: Int64.self))
            }
            return facts
        }
    }

    /// Each scored customer's 12-month value (minor units) and currency.
    public func customerValueMinor(in workspace: WorkspaceID) async throws -> [String: (value: Int64, currency: String)] {
        try await database.withConnection { sql in
            var found: [String: (value: Int64, currency: String)] = [:]
            for row in try await sql.select().columns("profile_id", "value_minor", "currency").from("customer_values").where("workspace_id", .equal, workspace.rawValue).all() {
                found[try row.decode(column: "profile_id", as: String.self)] = (try row.decode(column: "value_minor", as: Int64.self), try row.decode(column: "currency", as: String.self))
            }
            return found
        }
    }

    /// Replaces the workspace's personas: the model and every customer's persona, in one transaction.
    public func replacePersonas(_ model: PersonaModel, assignments: [String: String], in workspace: WorkspaceID) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .millisecondsSince1970
        let text = String(decoding: try encoder.encode(model), as: UTF8.self)
        let w = workspace.rawValue, at = model.computedAt.storageMillis
        try await transaction(priority: .background) { tx in
            try await tx.sql.delete(from: "profile_personas").where("workspace_id", .equal, w).run()
            for part in assignments.sorted(by: { $0.key < $1.key }).chunked(into: 1_000) {
                let insert = tx.sql.insert(into: "profile_personas").columns("workspace_id", "profile_id", "persona", "computed_at")
                for (profile, persona) in part { insert.values(SQLBind(w), SQLBind(profile), SQLBind(persona), SQLBind(at)) }
                try await insert.run()
            }
            try await tx.sql.insert(into: "persona_models").columns("workspace_id", "model", "computed_at").values(SQLBind(w), SQLBind(text), SQLBind(at))
                .onConflict(with: ["workspace_id"]) { $0.set(excludedValueOf: "model").set(excludedValueOf: "computed_at") }.run()
        }
    }

    public func personaModel(in workspace: WorkspaceID) async throws -> PersonaModel? {
        try await database.withConnection { sql in
            guard let text = try await sql.select().column("model").from("persona_models").where("workspace_id", .equal, workspace.rawValue).first()?
                .decode(column: "model", as: String.self) else { return nil }
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .millisecondsSince1970
            return try decoder.decode(PersonaModel.self, from: Data(text.utf8))
        }
    }

    /// A customer's persona key at the last computation.
    public func persona(of profile: ProfileID, in workspace: WorkspaceID) async throws -> String? {
        try await database.withConnection { sql in
            try await sql.select().column("persona").from("profile_personas").where("workspace_id", .equal, workspace.rawValue)
                .where("profile_id", .equal, profile.rawValue).first()?.decode(column: "persona", as: String.self)
        }
    }

    /// Every customer's persona key.
    public func personas(in workspace: WorkspaceID) async throws -> [String: String] {
        try await database.withConnection { sql in
            var found: [String: String] = [:]
            for row in try await sql.select().columns("profile_id", "persona").from("profile_personas").where("workspace_id", .equal, workspace.rawValue).all() {
                found[try row.decode(column: "profile_id", as: String.self)] = try row.decode(column: "persona", as: String.self)
            }
            return found
        }
    }
}

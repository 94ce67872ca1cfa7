public import CairnCore
import Foundation
import SQLKit

/// When something happened to a customer that may drive how they feel: a late delivery, a refund, a service case.
public struct DriverFacts: Sendable, Hashable {
    /// Times (milliseconds) of each.
    public var late: [Int64] = []
    public var refunds: [Int64] = []
    public var cases: [Int64] = []
}

extension Store {
    /// For these people, the late deliveries (a parcel delivered after its promise, or still out after it by `now`, at
    /// the promised time), refunds (when recorded) and service cases (when opened) from `lookback` before `until` on.
    public func driverFacts(of profiles: [String], in workspace: WorkspaceID, lookback: Int64, until: Int64, now: Int64) async throws -> [String: DriverFacts] {
        var facts: [String: DriverFacts] = [:]
        let since = until - lookback - 400 * 86_400_000  // answers go back up to the period's length
        for part in profiles.chunked(into: 400).map(Array.init) {
            let found = try await database.withConnection { sql -> [String: DriverFacts] in
                var facts: [String: DriverFacts] = [:]
                for row in try await sql.raw("""
                    SELECT o.profile_id AS p, s.promised_at AS t FROM shipments s
                    JOIN orders o ON o.workspace_id = s.workspace_id AND o.id = s.order_id
                    WHERE s.workspace_id = \(bind: workspace.rawValue) AND o.profile_id IN (\(binds: part)) AND s.promised_at IS NOT NULL
                      AND s.promised_at >= \(bind: since) AND s.promised_at < \(bind: until)
                      AND (EXISTS (SELECT 1 FROM shipment_updates u WHERE u.workspace_id = s.workspace_id AND u.shipment_id = s.id AND u.status = 'delivered' AND u.at > s.promised_at)
                           OR (s.status <> 'delivered' AND s.promised_at < \(bind: now)))
                    """).all() {
                    facts[try row.decode(column: "p", as: String.self), default: DriverFacts()].late.append(try row.decode(column: "t", as: Int64.self))
                }
                for row in try await sql.raw("""
                    SELECT o.profile_id AS p, t.at AS t FROM order_transactions t
                    JOIN orders o ON o.workspace_id = t.workspace_id AND o.id = t.order_id
                    WHERE t.workspace_id = \(bind: workspace.rawValue) AND o.profile_id IN (\(binds: part)) AND t.kind = 'refund'
                      AND t.at >= \(bind: since) AND t.at < \(bind: until)
                    """).all() {
                    facts[try row.decode(column: "p", as: String.self), default: DriverFacts()].refunds.append(try row.decode(column: "t", as: Int64.self))
                }
                for row in try await sql.raw("""
                    SELECT profile_id AS p, created_at AS t FROM cases
                    WHERE workspace_id = \(bind: workspace.rawValue) AND profile_id IN (\(binds: part)) AND created_at >= \(bind: since) AND created_at < \(bind: until)
                    """).all() {
                    facts[try row.decode(column: "p", as: String.self), default: DriverFacts()].cases.append(try row.decode(column: "t", as: Int64.self))
                }
                return facts
            }
            facts.merge(found) { a, _ in a }
        }
        return facts
    }
}

/// What a customer did after a moment: orders placed (not cancelled) with their totals, and when they were active.
public struct FollowUp: Sendable {
    public var orders: [(at: Int64, totalMinor: Int64, currency: String)] = []
    /// Times of the events tied to them.
    public var activity: [Int64] = []

    public init() {}
}

extension Store {
    /// For these people, the orders they placed (not cancelled) and the events tied to them in [from, until).
    public func followUps(of profiles: [String], in workspace: WorkspaceID, from: Int64, until: Int64) async throws -> [String: FollowUp] {
        var found: [String: FollowUp] = [:]
        for part in profiles.chunked(into: 400).map(Array.init) {
            let rows = try await database.withConnection { sql -> [String: FollowUp] in
                var found: [String: FollowUp] = [:]
                for row in try await sql.raw("""
                    SELECT profile_id AS p, placed_at AS t, total_minor AS total, currency FROM orders
                    WHERE workspace_id = \(bind: workspace.rawValue) AND profile_id IN (\(binds: part)) AND status <> 'cancelled'
                      AND placed_at >= \(bind: from) AND placed_at < \(bind: until)
                    """).all() {
                    found[try row.decode(column: "p", as: String.self), default: FollowUp()].orders.append(
                        (try row.decode(column: "t", as: Int64.self), try row.decode(column: "total", as: Int64.self), try row.decode(column: "currency", as: String.self)))
                }
                for row in try await sql.raw("""
                    SELECT profile_id AS p, timestamp AS t FROM events
                    WHERE workspace_id = \(bind: workspace.rawValue) AND profile_id IN (\(binds: part)) AND timestamp >= \(bind: from) AND timestamp < \(bind: until)
                    """).all() {
                    found[try row.decode(column: "p", as: String.self), default: FollowUp()].activity.append(try row.decode(column: "t", as: Int64.self))
                }
                return found
            }
            found.merge(rows) { a, _ in a }
        }
        return found
    }
}

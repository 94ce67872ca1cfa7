public import CairnCore
import Foundation
import SQLKit

extension Store {
    /// A profile's record by id; a merged id answers with its survivor's record and `mergedInto` set.
    public func record(of id: ProfileID, in workspace: WorkspaceID) async throws -> ProfileRecord? {
        try await record(in: workspace, target: "SELECT id, merged_into, first_seen_at, last_seen_at, channels FROM profiles WHERE workspace_id = \(bind: workspace.rawValue) AND id = \(bind: id.rawValue)")
    }

    /// The record of the profile holding an identifier (given normalised).
    public func record(identifiedBy identifier: Identifier, in workspace: WorkspaceID) async throws -> ProfileRecord? {
        try await record(in: workspace, target: """
            SELECT id, merged_into, first_seen_at, last_seen_at, channels FROM profiles WHERE workspace_id = \(bind: workspace.rawValue) AND id = \
            (SELECT profile_id FROM identities WHERE workspace_id = \(bind: workspace.rawValue) AND kind = \(bind: identifier.kind.rawValue) AND value = \(bind: identifier.value))
            """)
    }

    /// Reads the record of the profile `target` selects in one statement (one round trip): a row for the profile, then
    /// rows of each part told apart by `part`. A merged profile is followed to its survivor with a second read.
    private func record(in workspace: WorkspaceID, target: SQLQueryString) async throws -> ProfileRecord? {
        let w = workspace.rawValue
        let current = "(SELECT id FROM target)"
        let query: SQLQueryString = """
            WITH target AS (\(target))
            SELECT 'profile' AS part, id AS a, merged_into AS b, channels AS c, NULL AS d, NULL AS e, NULL AS f, NULL AS g, first_seen_at AS x, last_seen_at AS y FROM target
            UNION ALL SELECT 'identity', kind, value, NULL, NULL, NULL, NULL, NULL, first_seen_at, NULL FROM identities
                WHERE workspace_id = \(bind: w) AND profile_id = \(unsafeRaw: current)
            UNION ALL SELECT 'trait', name, value, channel, source_id, event_id, NULL, NULL, observed_at, NULL FROM traits
                WHERE workspace_id = \(bind: w) AND profile_id = \(unsafeRaw: current)
            UNION ALL SELECT 'merge', survivor_id, merged_id, identifier_kind, identifier_value, event_id, refusal, id, at, NULL FROM profile_merges
                WHERE workspace_id = \(bind: w) AND (survivor_id = \(unsafeRaw: current) OR merged_id = \(unsafeRaw: current))
            UNION ALL SELECT 'consent', purpose, status, channel, event_id, recorded_by, legal_basis, id, recorded_at, NULL FROM consent_records
                WHERE workspace_id = \(bind: w) AND profile_id = \(unsafeRaw: current)
            UNION ALL SELECT 'purpose', name, mode, description, NULL, NULL, NULL, NULL, NULL, NULL FROM consent_purposes
                WHERE workspace_id = \(bind: w) AND EXISTS (SELECT 1 FROM target)
            UNION ALL SELECT 'events', NULL, NULL, NULL, NULL, NULL, NULL, NULL, COUNT(*), NULL FROM events
                WHERE workspace_id = \(bind: w) AND profile_id = \(unsafeRaw: current)
            UNION ALL SELECT 'figures', currency, CAST(refunded_minor AS TEXT), CAST(first_order_at AS TEXT), CAST(last_order_at AS TEXT), NULL, NULL, NULL,
                orders, gross_minor FROM customer_figures
                WHERE workspace_id = \(bind: w) AND profile_id = \(unsafeRaw: current)
            """
        let rows = try await database.withConnection { sql in try await sql.raw(query).all() }
        guard let head = try rows.first(where: { try $0.decode(column: "part", as: String.self) == "profile" }) else { return nil }
        if let survivor = try head.decode(column: "b", as: String?.self).map(ProfileID.init(rawValue:)) {
            guard var record = try await record(in: workspace, target: """
                SELECT id, merged_into, first_seen_at, last_seen_at, channels FROM profiles WHERE workspace_id = \(bind: w) AND id = \(bind: survivor.rawValue)
                """) else { return nil }
            record.mergedInto = record.mergedInto ?? survivor
            return record
        }
        let id = ProfileID(rawValue: try head.decode(column: "a", as: String.self))
        let seen = ProfileSeen(first: Date(storageMillis: try head.decode(column: "x", as: Int64.self)),
                               last: Date(storageMillis: try head.decode(column: "y", as: Int64.self)),
                               channels: try JSONValue.parse(try head.decode(column: "c", as: String.self)).arrayStrings.map(Channel.init(rawValue:)))
        var identities: [(Identifier, Int64)] = [], traits: [String: Trait] = [:], merges: [(ProfileMerge, String)] = []
        var consent: [(ConsentRecord, String)] = [], purposes: [ConsentPurpose: (mode: ConsentMode, description: String)] = [:], events = 0
        var orders: [Currency: (count: Int, gross: Int64, refunded: Int64)] = [:], firstOrderAt: Date?, lastOrderAt: Date?
        for row in rows {
            func text(_ column: String) throws -> String { try row.decode(column: column, as: String.self) }
            func optional(_ column: String) throws -> String? { try row.decode(column: column, as: String?.self) }
            func number(_ column: String) throws -> Int64 { try row.decode(column: column, as: Int64.self) }
            switch try text("part") {
            case "identity":
                identities.append((Identifier(kind: .init(rawValue: try text("a")), value: try text("b")), try number("x")))
            case "trait":
                traits[try text("a")] = Trait(value: try JSONValue.parse(try text("b")), channel: Channel(rawValue: try text("c")),
                                              sourceID: SourceID(rawValue: try text("d")), observedAt: Date(storageMillis: try number("x")),
                                              eventID: EventID(rawValue: try text("e")))
            case "merge":
                merges.append((ProfileMerge(survivorID: ProfileID(rawValue: try text("a")), mergedID: ProfileID(rawValue: try text("b")),
                                            identifier: Identifier(kind: .init(rawValue: try text("c")), value: try text("d")),
                                            eventID: EventID(rawValue: try text("e")), at: Date(storageMillis: try number("x")),
                                            refusal: try optional("f")), try text("g")))
            case "consent":
                consent.append((ConsentRecord(purpose: ConsentPurpose(rawValue: try text("a")),
                                              status: ConsentRecord.Status(rawValue: try text("b")) ?? .withdrawn,
                                              recordedAt: Date(storageMillis: try number("x")),
                                              channel: try optional("c").map(Channel.init(rawValue:)), eventID: try optional("d").map(EventID.init(rawValue:)),
                                              recordedBy: try optional("e"), legalBasis: try optional("f")), try text("g")))
            case "purpose":
                purposes[ConsentPurpose(rawValue: try text("a"))] = (ConsentMode(rawValue: try text("b")) ?? .optIn, try text("c"))
            case "events":
                events = Int(try number("x"))
            case "figures":
                let currency = Currency(uncheckedCode: try text("a"))
                orders[currency] = (Int(try number("x")), try number("y"), Int64(try text("b")) ?? 0)
                let first = Date(storageMillis: Int64(try text("c")) ?? 0), last = Date(storageMillis: Int64(try text("d")) ?? 0)
                firstOrderAt = min(firstOrderAt ?? first, first)
                lastOrderAt = max(lastOrderAt ?? last, last)
            default:
                continue
            }
        }
        // The orders the separate reads give: identities by first seen, kind, value; merges and consent by time.
        identities.sort { ($0.1, $0.0.kind.rawValue, $0.0.value) < ($1.1, $1.0.kind.rawValue, $1.0.value) }
        merges.sort { ($0.0.at, $0.1) < ($1.0.at, $1.1) }
        consent.sort { ($0.0.recordedAt, $0.0.purpose.rawValue, $0.1) < ($1.0.recordedAt, $1.0.purpose.rawValue, $1.1) }
        let profile = Profile(id: id, workspaceID: workspace, firstSeenAt: seen.first, lastSeenAt: seen.last, channels: seen.channels,
                              identifiers: identities.map(\.0), traits: traits)
        return ProfileRecord(profile: profile, mergedInto: nil, merges: merges.map(\.0), consent: consent.map(\.0), purposes: purposes, eventCount: events,
                             orders: orders, firstOrderAt: firstOrderAt, lastOrderAt: lastOrderAt)
    }
}

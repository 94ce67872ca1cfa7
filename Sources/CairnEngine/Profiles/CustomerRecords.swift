public import CairnCore
public import CairnStore
public import Foundation

/// A customer's orders in figures, per currency (amounts of different currencies are never added): orders that were
/// not cancelled, their total (gross), less what was refunded or charged back (net), and the average order value
/// (gross ÷ orders, rounded down to the minor unit).
public struct CustomerFigures: Sendable, Hashable, Encodable {
    public struct Spend: Sendable, Hashable, Encodable {
        public var currency: Currency
        public var orders: Int
        public var gross: Money
        public var net: Money
        public var averageOrderValue: Money
    }
    public var orderCount: Int
    public var firstOrderAt: Date?
    public var lastOrderAt: Date?
    public var spend: [Spend]
}

/// Reading customers: the golden record, its merges, its timeline. Every call needs `customers.read`.
public struct CustomerRecords: Sendable {
    let store: Store
    public let clock: DateSource

    public init(store: Store, clock: DateSource = .system) {
        self.store = store
        self.clock = clock
    }

    public struct Record: Sendable {
        public var profile: Profile
        /// Set when the requested id was merged into `profile`.
        public var mergedInto: ProfileID?
        public var merges: [ProfileMerge]
        /// Where the customer stands on every purpose; empty once erased (an erased person is no longer asked).
        public var consent: [ConsentLedger.Standing]
        /// Every consent statement, oldest first.
        public var consentHistory: [ConsentRecord]
        public var eventCount: Int
        /// Orders and spend: figures kept current from the orders themselves.
        public var commerce: CustomerFigures

        init(_ stored: ProfileRecord) {
            profile = stored.profile
            mergedInto = stored.mergedInto
            merges = stored.merges
            consentHistory = stored.consent
            consent = stored.profile.identifiers.isEmpty ? [] : ConsentLedger.standings(history: stored.consent, configured: stored.purposes)
            eventCount = stored.eventCount
            commerce = CustomerFigures(
                orderCount: stored.orders.values.reduce(0) { $0 + $1.count }, firstOrderAt: stored.firstOrderAt, lastOrderAt: stored.lastOrderAt,
                spend: stored.orders.sorted { $0.key.code < $1.key.code }.map { currency, figures in
                    let gross = Money(minorUnits: figures.gross, currency: currency)
                    return .init(currency: currency, orders: figures.count, gross: gross, net: Money(minorUnits: figures.gross - figures.refunded, currency: currency),
                                 averageOrderValue: Money(minorUnits: figures.count > 0 ? figures.gross / Int64(figures.count) : 0, currency: currency))
                })
        }
    }

    public func profiles(for principal: Principal, matching filter: ProfileFilter = ProfileFilter(), after cursor: Cursor?, limit: PageSize) async throws -> Page<Profile> {
        try principal.require(.customersRead)
        return try await store.profiles(in: principal.workspaceID, matching: filter, after: cursor, limit: limit.value)
    }

    public func record(_ id: ProfileID, for principal: Principal) async throws -> Record {
        try principal.require(.customersRead)
        guard let stored = try await store.record(of: id, in: principal.workspaceID) else { throw NotFoundError(kind: "profile", id: id.rawValue) }
        return Record(stored)
    }

    /// The profile holding an identifier (emails and phones are normalised first).
    public func record(identifiedBy identifier: Identifier, for principal: Principal) async throws -> Record {
        try principal.require(.customersRead)
        guard let normalised = Identifier.normalised(kind: identifier.kind, identifier.value),
              let stored = try await store.record(identifiedBy: normalised, in: principal.workspaceID) else {
            throw NotFoundError(kind: "profile", id: "\(identifier.kind.rawValue) identifier")
        }
        return Record(stored)
    }

    public func timeline(of id: ProfileID, for principal: Principal, after cursor: Cursor?, limit: PageSize) async throws -> Page<Event> {
        try principal.require(.customersRead)
        // Only where the id leads is needed (a merged id leads to its survivor), not the whole record.
        guard let current = try await store.currentProfileID(of: id, in: principal.workspaceID) else { throw NotFoundError(kind: "profile", id: id.rawValue) }
        return try await store.events(in: principal.workspaceID, matching: EventFilter(profileID: current), after: cursor, limit: limit.value)
    }

    /// The customer's latest orders (with their parcels) for those who may see commerce, and latest survey responses
    /// for those who may see feedback: what the 360 page tells beside the events.
    public func history(of id: ProfileID, for principal: Principal, orders orderLimit: Int = 10, responses responseLimit: Int = 20) async throws -> CustomerHistory {
        try principal.require(.customersRead)
        let workspace = principal.workspaceID
        var history = CustomerHistory()
        if principal.can(.commerceRead) {
            history.orders = try await store.orders(in: workspace, profile: id, after: nil, limit: orderLimit).items
            history.shipments = try await store.shipments(ofOrders: history.orders.map(\.id), in: workspace)
        }
        if principal.can(.feedbackRead) {
            history.responses = try await store.responses(of: id, in: workspace, limit: responseLimit)
            for survey in Set(history.responses.map(\.surveyID)) {
                history.surveyNames[survey] = try await store.survey(id: survey, in: workspace)?.name ?? ""
            }
        }
        return history
    }

    /// The profile that holds an identifier in the principal's workspace (emails and phones are normalised first).
    public func owner(of identifier: Identifier, for principal: Principal) async throws -> ProfileID? {
        guard let normalised = Identifier.normalised(kind: identifier.kind, identifier.value) else { return nil }
        return try await store.profileID(for: normalised, in: principal.workspaceID)
    }

    /// Everything held about a person (data-subject access): the golden record, consent ledger, merges and every event
    /// with its payload, as one JSON document. Needs `data.export`; audited as `data.exported`.
    public func export(_ id: ProfileID, for principal: Principal, origin: RequestOrigin) async throws -> Data {
        try principal.require(.dataExport)
        let record = try await record(id, for: principal)
        let workspace = principal.workspaceID
        var events: [Event] = []
        try await Page.walk({ cursor in try await store.events(in: workspace, matching: EventFilter(profileID: record.profile.id), after: cursor, limit: PageSize.maximum) }) { items in
            events += items
        }
        let consent = try await store.transaction { tx in try await tx.consent(of: record.profile.id, in: workspace) }
        let document = AccessExport(exportedAt: clock.now(), profile: record.profile, consent: consent, merges: record.merges, events: events.reversed())
        let encoder = PublicJSON.encoder([.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        let data = try encoder.encode(document)
        try await store.append(AuditEntry(id: .generate(), workspaceID: workspace, occurredAt: clock.now(), action: .dataExported,
                                          actor: principal.actorReference, target: "profile:\(record.profile.id)",
                                          details: ["events": "\(events.count)", "kind": "access"], ipAddress: origin.ipAddress))
        return data
    }

    public enum ExportFormat: String, Sendable, CaseIterable {
        case csv, ndjson
    }

    /// Every live customer of the workspace (matching `filter`), written line by line to `write` (CSV with a header, or
    /// one JSON object per line), with their value figures from the last computation where scored (and the principal
    /// may see commerce). Needs `data.export`; audited as `data.exported`. Returns how many profiles were written.
    public func exportProfiles(format: ExportFormat, matching filter: ProfileFilter = ProfileFilter(), for principal: Principal, origin: RequestOrigin,
                               write: (String) -> Void) async throws -> Int {
        try principal.require(.dataExport)
        let encoder = PublicJSON.encoder([.sortedKeys, .withoutEscapingSlashes])
        let withValue = principal.can(.commerceRead)
        if format == .csv {
            write("id,user_id,email,phone,first_seen_at,last_seen_at,channels,traits"
                  + (withValue ? ",value_tier,value,value_lower,value_upper,value_currency,p_alive,expected_purchases_90d,expected_purchases_365d" : ""))
        }
        var count = 0
        try await Page.walk({ cursor in try await store.profiles(in: principal.workspaceID, matching: filter, after: cursor, limit: PageSize.maximum) }) { items in
            let values = withValue ? try await store.customerValues(of: items.map(\.id), in: principal.workspaceID) : [:]
            for profile in items {
                let value = values[profile.id]
                switch format {
                case .ndjson:
                    write(String(decoding: try encoder.encode(ExportedProfile(profile: profile, value: value)), as: UTF8.self))
                case .csv:
                    func first(_ kind: Identifier.Kind) -> String { profile.identifiers.first { $0.kind == kind }?.value ?? "" }
                    let traits = JSONValue.object(profile.traits.mapValues(\.value)).jsonText()
                    var fields = [profile.id.rawValue, first(.userID), first(.email), first(.phone), profile.firstSeenAt.formatted(.iso8601),
                                  profile.lastSeenAt.formatted(.iso8601), profile.channels.map(\.rawValue).joined(separator: " "), traits]
                    if withValue {
                        fields += value.map { v in
                            [v.tier.rawValue, v.value.decimalText, v.lower.decimalText, v.upper.decimalText, v.value.currency.code,
                             String(format: "%.4f", v.probabilityAlive), String(format: "%.3f", v.expected90), String(format: "%.3f", v.expected365)]
                        } ?? Array(repeating: "", count: 8)
                    }
                    write(fields.map(CSVWriter.field).joined(separator: ","))
                }
                count += 1
            }
        }
        try await store.append(AuditEntry(id: .generate(), workspaceID: principal.workspaceID, occurredAt: clock.now(), action: .dataExported,
                                          actor: principal.actorReference, target: "profiles",
                                          details: ["format": format.rawValue, "rows": "\(count)"].merging(filter.valueTier.map { ["tier": $0.rawValue] } ?? [:]) { a, _ in a }
                                            .merging(filter.segment.map { ["segment": $0.rawValue] } ?? [:]) { a, _ in a },
                                          ipAddress: origin.ipAddress))
        return count
    }

    /// A profile as exported: its fields, and `value` when scored.
    struct ExportedProfile: Encodable {
        var profile: Profile
        var value: CustomerValueScore?
        func encode(to encoder: any Encoder) throws {
            try profile.encode(to: encoder)
            if let value {
                var container = encoder.container(keyedBy: Key.self)
                try container.encode(value, forKey: .value)
            }
        }
        enum Key: String, CodingKey { case value }
    }

    struct AccessExport: Encodable {
        var exportedAt: Date
        var profile: Profile
        var consent: [ConsentRecord]
        var merges: [ProfileMerge]
        var events: [Event]
    }
}

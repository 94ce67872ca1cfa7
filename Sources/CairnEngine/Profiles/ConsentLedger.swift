public import CairnCore
public import CairnStore
import Foundation

/// The consent ledger: per profile and purpose, every statement (granted, denied, withdrawn) with when, from where
/// and on what legal basis; and the one answer other capabilities ask — ``hasConsented(_:to:in:)``.
public struct ConsentLedger: Sendable {
    let store: Store
    public let clock: DateSource

    public init(store: Store, clock: DateSource = .system) {
        self.store = store
        self.clock = clock
    }

    /// A purpose as a workspace sees it.
    public struct Purpose: Sendable, Hashable {
        public var purpose: ConsentPurpose
        public var mode: ConsentMode
        public var description: String
    }

    /// Where a profile stands on one purpose.
    public struct Standing: Sendable, Hashable {
        public var purpose: Purpose
        /// The latest statement, if any.
        public var latest: ConsentRecord?
        public var hasConsented: Bool
    }

    /// The rule: the latest statement counts; without one, opt-out purposes hold and opt-in purposes do not.
    public static func decide(_ records: [ConsentRecord], purpose: ConsentPurpose, mode: ConsentMode) -> Bool {
        guard let latest = records.last(where: { $0.purpose == purpose }) else { return mode == .optOut }
        return latest.status == .granted
    }

    /// Whether the profile has consented to the purpose. Capabilities that contact or analyse customers ask this first.
    public func hasConsented(_ profile: ProfileID, to purpose: ConsentPurpose, in workspace: WorkspaceID) async throws -> Bool {
        try await store.transaction { tx in
            let mode = try await tx.consentPurposes(in: workspace)[purpose]?.mode ?? ConsentMode.default(for: purpose)
            return Self.decide(try await tx.consent(of: profile, in: workspace), purpose: purpose, mode: mode)
        }
    }

    /// Built-in purposes with the workspace's settings, then the workspace's own.
    public func purposes(for principal: Principal) async throws -> [Purpose] {
        try principal.require(.workspaceRead)
        let configured = try await store.transaction { tx in try await tx.consentPurposes(in: principal.workspaceID).mapValues { Pair(mode: $0.mode, description: $0.description) } }
        return Self.merge(configured)
    }

    struct Pair: Sendable { var mode: ConsentMode; var description: String }

    static func merge(_ configured: [ConsentPurpose: Pair]) -> [Purpose] {
        let builtIn = ConsentPurpose.builtIn.map { purpose in
            Purpose(purpose: purpose, mode: configured[purpose]?.mode ?? .default(for: purpose), description: configured[purpose]?.description ?? "")
        }
        let own = configured.keys.filter { !ConsentPurpose.builtIn.contains($0) }.sorted { $0.rawValue < $1.rawValue }
            .map { Purpose(purpose: $0, mode: configured[$0]!.mode, description: configured[$0]!.description) }
        return builtIn + own
    }

    /// Sets whether a purpose is opt-in or opt-out (and what it means) for the workspace. Audited.
    public func setPurpose(_ purpose: ConsentPurpose, mode: ConsentMode, description: String, by principal: Principal, origin: RequestOrigin) async throws -> Purpose {
        try principal.require(.workspaceManage)
        let description = description.trimmingCharacters(in: .whitespacesAndNewlines)
        guard description.count <= 500 else { throw ValidationError(field: "description", issue: .tooLong(limit: 500), hint: "Use at most 500 characters.") }
        try await store.transaction { tx in try await tx.setConsentPurpose(purpose, mode: mode, description: description, in: principal.workspaceID) }
        try await store.append(AuditEntry(id: .generate(), workspaceID: principal.workspaceID, occurredAt: clock.now(), action: .consentPurposeChanged,
                                          actor: principal.actorReference, target: "purpose:\(purpose)", details: ["mode": mode.rawValue], ipAddress: origin.ipAddress))
        return Purpose(purpose: purpose, mode: mode, description: description)
    }

    /// Where the profile stands on every purpose, and the whole ledger.
    public func standing(of profile: ProfileID, for principal: Principal) async throws -> (standings: [Standing], history: [ConsentRecord]) {
        try principal.require(.customersRead)
        let workspace = principal.workspaceID
        return try await store.transaction { tx in
            try await Self.requireIdentified(profile, in: workspace, tx: tx)
            let history = try await tx.consent(of: profile, in: workspace)
            return (Self.standings(history: history, configured: try await tx.consentPurposes(in: workspace)), history)
        }
    }

    /// Where a ledger stands on every purpose: the built-in ones, the workspace's own, and any that appear only in the ledger.
    public static func standings(history: [ConsentRecord], configured: [ConsentPurpose: (mode: ConsentMode, description: String)]) -> [Standing] {
        var configured = configured.mapValues { Pair(mode: $0.mode, description: $0.description) }
        for record in history where configured[record.purpose] == nil && !ConsentPurpose.builtIn.contains(record.purpose) {
            configured[record.purpose] = Pair(mode: .optIn, description: "")
        }
        return Self.merge(configured).map { purpose in
            Standing(purpose: purpose, latest: history.last { $0.purpose == purpose.purpose },
                     hasConsented: Self.decide(history, purpose: purpose.purpose, mode: purpose.mode))
        }
    }

    /// Consent belongs to a known person: a profile of the workspace that still has identifiers (not merged away, not erased).
    static func requireIdentified(_ profile: ProfileID, in workspace: WorkspaceID, tx: TransactionStore) async throws {
        guard try await !tx.identifiers(of: profile, in: workspace).isEmpty else { throw NotFoundError(kind: "profile", id: profile.rawValue) }
    }

    /// Records a statement made to a person (at a counter, on the phone) or by a system through the API.
    public func record(_ status: ConsentRecord.Status, purpose: ConsentPurpose, for profile: ProfileID, legalBasis: String?,
                       by principal: Principal, origin: RequestOrigin) async throws -> ConsentRecord {
        try principal.require(.customersWrite)
        if let legalBasis, legalBasis.count > 500 {
            throw ValidationError(field: "legalBasis", issue: .tooLong(limit: 500), hint: "Use at most 500 characters.")
        }
        let record = ConsentRecord(purpose: purpose, status: status, recordedAt: clock.now(), channel: nil, eventID: nil,
                                   recordedBy: principal.actorReference, legalBasis: legalBasis?.isEmpty == true ? nil : legalBasis)
        let workspace = principal.workspaceID
        try await store.transaction { tx in
            try await Self.requireIdentified(profile, in: workspace, tx: tx)
            try await tx.append(record, to: profile, in: workspace)
            try await tx.markSegmentsStale([profile], in: workspace, at: record.recordedAt)
        }
        return record
    }
}

extension IdentityResolver {
    /// Consent the event states: `context.consent.categoryPreferences` on any event, or `properties.categoryPreferences`
    /// of a "Consent Preference Updated" track event. Only changes enter the ledger.
    static func recordConsent(from event: Event, on profile: ProfileID, in workspace: WorkspaceID, tx: TransactionStore) async throws {
        var preferences = event.payload["context"]?["consent"]?["categoryPreferences"]?.objectValue ?? [:]
        if event.kind == .track, let name = event.name, name == "Consent Preference Updated" || name == "Segment Consent Preference Updated" {
            preferences.merge(event.payload["properties"]?["categoryPreferences"]?.objectValue ?? [:]) { _, new in new }
        }
        guard !preferences.isEmpty else { return }
        let legalBasis = event.payload["context"]?["consent"]?["legalBasis"]?.stringValue
        let history = try await tx.consent(of: profile, in: workspace)
        for (name, value) in preferences.sorted(by: { $0.key < $1.key }) {
            guard case .bool(let granted) = value, let purpose = try? ConsentPurpose.validate(name) else { continue }
            let latest = history.last { $0.purpose == purpose }
            let status: ConsentRecord.Status = granted ? .granted : (latest?.status == .granted ? .withdrawn : .denied)
            if latest?.status == status || (!granted && latest?.status == .withdrawn) { continue }
            try await tx.append(ConsentRecord(purpose: purpose, status: status, recordedAt: event.timestamp, channel: event.channel, eventID: event.id,
                                              recordedBy: nil, legalBasis: legalBasis), to: profile, in: workspace)
        }
    }
}

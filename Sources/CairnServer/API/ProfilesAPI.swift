import CairnCore
import CairnEngine
import Foundation
public import Hummingbird
import NIOCore

/// `/api/v1/profiles`: customers' golden records, looked up by id or any identifier, with their timelines.
struct ProfilesAPI {
    let records: CustomerRecords
    let erasure: Erasure

    func addRoutes(to group: RouterGroup<CairnRequestContext>) {
        group.get("profiles", use: list)
        group.get("profiles/lookup", use: lookup)
        group.get("profiles/{id}", use: profile)
        group.get("profiles/{id}/events", use: events)
        group.get("profiles/{id}/export", use: export)
        group.post("profiles/{id}/erase", use: erase)
        group.post("erased-identifiers/release", use: releaseErased)
    }

    /// The customer 360 as data: golden record, merges, consent (as `GET …/consent` answers) and counts.
    struct RecordBody: ResponseEncodable {
        struct Counts: Encodable {
            var events: Int
            var identities: Int
            var traits: Int
            var merges: Int
        }
        var profile: Profile
        var mergedInto: ProfileID?
        var merges: [ProfileMerge]
        var consent: ConsentAPI.StandingBody
        var counts: Counts
        var commerce: CustomerFigures

        init(_ record: CustomerRecords.Record) {
            self.profile = record.profile
            self.mergedInto = record.mergedInto
            self.merges = record.merges
            self.consent = ConsentAPI.StandingBody(standings: record.consent, history: record.consentHistory)
            self.commerce = record.commerce
            self.counts = Counts(events: record.eventCount, identities: record.profile.identifiers.count, traits: record.profile.traits.count,
                                 merges: record.merges.filter { $0.refusal == nil }.count)
        }
    }

    /// Filters: `channel`, `seenSince` (ISO 8601), `trait=name:value` (an exact string value), and `q` (text in a trait,
    /// an identifier or the id).
    @Sendable func list(_ request: Request, context: CairnRequestContext) async throws -> ListBody<Profile> {
        let principal = try context.requirePrincipal()
        try principal.require(.customersRead)
        let (cursor, limit) = try request.pagination()
        let query = request.uri.queryParameters
        var issues = ValidationCollector()
        var filter = ProfileFilter()
        if let text = query["channel"].map(String.init) {
            filter.channel = issues.check { () throws(ValidationError) in try CairnCore.Channel.validate(text, field: "channel") }
        }
        if let text = query["seenSince"].map(String.init) {
            filter.seenSince = Timestamp.parse(text)
            if filter.seenSince == nil { issues.add(FieldIssue(field: "seenSince", issue: .invalid, hint: "Use ISO 8601, e.g. 2026-11-01T00:00:00Z.")) }
        }
        if let text = query["trait"].map(String.init) {
            let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            if parts.count == 2, !parts[0].isEmpty { filter.trait = (String(parts[0]), String(parts[1])) } else {
                issues.add(FieldIssue(field: "trait", issue: .invalid, hint: "Use name:value, e.g. trait=plan:pro."))
            }
        }
        if let text = query["tier"].map(String.init) {
            filter.valueTier = issues.check { () throws(ValidationError) in try ValueTier.validate(text) }
        }
        if let text = query["persona"].map(String.init) {
            if (1...200).contains(text.count) { filter.persona = text } else {
                issues.add(FieldIssue(field: "persona", issue: .invalid, hint: "Give a persona's key (GET /api/v1/personas), e.g. sustainability-quality."))
            }
        }
        if let text = query["segment"].map(String.init) {
            if let id = SegmentID(text) { filter.segment = id } else {
                issues.add(FieldIssue(field: "segment", issue: .invalid, hint: "Give the id of one of this workspace's segments (GET /api/v1/segments)."))
            }
        }
        if let text = query["q"].map(String.init) {
            if text.count > 200 { issues.add(FieldIssue(field: "q", issue: .tooLong(limit: 200), hint: "Search for at most 200 characters.")) }
            filter.search = text
        }
        try issues.throwIfAny()
        return ListBody(try await records.profiles(for: principal, matching: filter, after: cursor, limit: limit))
    }

    @Sendable func profile(_ request: Request, context: CairnRequestContext) async throws -> RecordBody {
        RecordBody(try await records.record(try context.parameters.id(as: ProfileID.self, kind: "profile"), for: try context.requirePrincipal()))
    }

    /// `?kind=email&value=ada@example.com` (kinds: user_id, anonymous_id, email, phone, ext:TYPE).
    @Sendable func lookup(_ request: Request, context: CairnRequestContext) async throws -> RecordBody {
        let principal = try context.requirePrincipal()
        try principal.require(.customersRead)
        let identifier = try Self.identifier(kind: request.uri.queryParameters["kind"].map(String.init), value: request.uri.queryParameters["value"].map(String.init))
        return RecordBody(try await records.record(identifiedBy: identifier, for: principal))
    }

    /// An identifier named by kind (user_id, anonymous_id, email, phone, ext:TYPE) and value.
    static func identifier(kind: String?, value: String?) throws(ValidationError) -> Identifier {
        var issues = ValidationCollector()
        let kind = kind ?? "", value = value ?? ""
        let known = Identifier.Kind(naming: kind)
        if known == nil {
            issues.add(FieldIssue(field: "kind", issue: kind.isEmpty ? .missing : .unknownValue(allowed: Identifier.Kind.names),
                                  hint: "Use user_id, anonymous_id, email, phone or ext:TYPE (an external id type)."))
        }
        if value.isEmpty { issues.add(FieldIssue(field: "value", issue: .missing, hint: "Send the identifier's value.")) }
        try issues.throwIfAny()
        return Identifier(kind: known!, value: value)
    }

    @Sendable func events(_ request: Request, context: CairnRequestContext) async throws -> ListBody<Event> {
        let principal = try context.requirePrincipal()
        try principal.require(.customersRead)
        let (cursor, limit) = try request.pagination()
        return ListBody(try await records.timeline(of: try context.parameters.id(as: ProfileID.self, kind: "profile"), for: principal, after: cursor, limit: limit))
    }
}

extension ProfilesAPI {
    /// Data-subject access: everything held about the person, as a JSON download (data.export; audited).
    @Sendable func export(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        try principal.require(.dataExport)
        let id = try context.parameters.id(as: ProfileID.self, kind: "profile")
        let data = try await records.export(id, for: principal, origin: context.origin)
        return .jsonDownload(data, filename: "customer-\(id).json")
    }
}

extension ProfilesAPI {
    struct ErasedBody: ResponseEncodable {
        var profileId: String
        var erased: Bool
        var eventsScrubbed: Int
    }

    /// Data-subject erasure (data.erase; audited). Not reversible.
    @Sendable func erase(_ request: Request, context: CairnRequestContext) async throws -> ErasedBody {
        let principal = try context.requirePrincipal()
        try principal.require(.dataErase)
        let id = try context.parameters.id(as: ProfileID.self, kind: "profile")
        let scrubbed = try await erasure.erase(id, by: principal, origin: context.origin)
        return ErasedBody(profileId: id.rawValue, erased: true, eventsScrubbed: scrubbed)
    }
}

extension ProfilesAPI {
    struct IdentifierBody: Decodable {
        var kind: String?
        var value: String?
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            kind = try container.decodeUnlessNull(String.self, forKey: .kind)
            value = try container.decodeUnlessNull(String.self, forKey: .value)
        }
        enum CodingKeys: String, CodingKey { case kind, value }
    }

    struct ReleasedBody: ResponseEncodable {
        var kind: String
        var released: Bool
    }

    /// The workspace lets an erased person's identifier build a profile again (data.erase; audited).
    @Sendable func releaseErased(_ request: Request, context: CairnRequestContext) async throws -> ReleasedBody {
        let principal = try context.requirePrincipal()
        try principal.require(.dataErase)
        let body = try await request.decodeJSON(IdentifierBody.self, context: context)
        let identifier = try Self.identifier(kind: body.kind, value: body.value)
        try await erasure.release(identifier, by: principal, origin: context.origin)
        return ReleasedBody(kind: identifier.kind.rawValue, released: true)
    }
}

extension Profile: ResponseEncodable {}

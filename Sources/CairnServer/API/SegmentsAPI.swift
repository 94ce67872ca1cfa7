import CairnCore
import CairnEngine
import Foundation
public import Hummingbird

extension SegmentDayCount: ResponseEncodable {}

/// Segments: defining them (segments.manage), their members, entries and exits, sizes over time, and a customer's
/// segments.
extension PersonaModel: ResponseEncodable {}

struct SegmentsAPI {
    let segments: Segments
    let personas: Personas

    func addRoutes(to group: RouterGroup<CairnRequestContext>) {
        group.get("segments", use: list)
        group.post("segments", use: create)
        group.post("segments/preview", use: preview)
        group.get("segments/{id}", use: show)
        group.put("segments/{id}", use: update)
        group.delete("segments/{id}", use: delete)
        group.get("segments/{id}/members", use: members)
        group.get("segments/{id}/changes", use: changes)
        group.get("segments/{id}/counts", use: counts)
        group.get("profiles/{id}/segments", use: ofProfile)
        group.get("personas", use: personaModel)
        group.post("personas/recompute", use: recomputePersonas)
        group.get("profiles/{id}/persona", use: persona)
    }

    struct SegmentBody: ResponseEncodable {
        var id: String
        var name: String
        var description: String
        var rule: JSONValue
        var memberCount: Int
        var createdAt: Date
        var updatedAt: Date
        var evaluatedAt: Date?

        init(_ segment: Segment) {
            id = segment.id.rawValue
            name = segment.name
            description = segment.description
            rule = segment.rule.json
            memberCount = segment.memberCount
            createdAt = segment.createdAt
            updatedAt = segment.updatedAt
            evaluatedAt = segment.evaluatedAt
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(name, forKey: .name)
            try container.encode(description, forKey: .description)
            try container.encode(rule, forKey: .rule)
            try container.encode(memberCount, forKey: .memberCount)
            try container.encode(createdAt, forKey: .createdAt)
            try container.encode(updatedAt, forKey: .updatedAt)
            try container.encode(evaluatedAt, forKey: .evaluatedAt)
        }
        enum CodingKeys: String, CodingKey { case id, name, description, rule, memberCount, createdAt, updatedAt, evaluatedAt }
    }

    struct DefinitionBody: Decodable {
        var name: String?
        var description: String?
        var rule: JSONValue?
    }

    @Sendable func list(_ request: Request, context: CairnRequestContext) async throws -> ListBody<SegmentBody> {
        ListBody(Page(items: try await segments.list(for: try context.requirePrincipal()).map(SegmentBody.init), nextCursor: nil))
    }

    /// `{"name": "Loyal Germans", "description": "…", "rule": {"all": [...]}}`: built over every customer at once;
    /// answered with its size.
    @Sendable func create(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(DefinitionBody.self, context: context)
        let segment = try await segments.create(name: body.name, description: body.description, rule: body.rule, by: try context.requirePrincipal())
        var response = try SegmentBody(segment).response(from: request, context: context)
        response.status = .created
        response.headers[.location] = "/api/v1/segments/\(segment.id)"
        return response
    }

    @Sendable func show(_ request: Request, context: CairnRequestContext) async throws -> SegmentBody {
        SegmentBody(try await segments.segment(try context.parameters.id(as: SegmentID.self, kind: "segment"), for: try context.requirePrincipal()))
    }

    /// Any of name, description and rule; a changed rule rebuilds the segment.
    @Sendable func update(_ request: Request, context: CairnRequestContext) async throws -> SegmentBody {
        let id = try context.parameters.id(as: SegmentID.self, kind: "segment")
        let body = try await request.decodeJSON(DefinitionBody.self, context: context)
        return SegmentBody(try await segments.update(id, name: body.name, description: body.description, rule: body.rule, by: try context.requirePrincipal()))
    }

    @Sendable func delete(_ request: Request, context: CairnRequestContext) async throws -> Response {
        try await segments.delete(try context.parameters.id(as: SegmentID.self, kind: "segment"), by: try context.requirePrincipal())
        return Response(status: .noContent)
    }

    struct PreviewBody: ResponseEncodable {
        var count: Int
        var total: Int
        var sample: [String]
    }

    /// `{"rule": …}`: how many customers it would hold now, of how many, with up to ten of them; nothing is saved.
    @Sendable func preview(_ request: Request, context: CairnRequestContext) async throws -> PreviewBody {
        let body = try await request.decodeJSON(DefinitionBody.self, context: context)
        let found = try await segments.preview(rule: body.rule, for: try context.requirePrincipal())
        return PreviewBody(count: found.count, total: found.total, sample: found.sample.map(\.rawValue))
    }

    struct MemberBody: ResponseEncodable {
        var profileId: String
        var enteredAt: Date
    }

    /// Members by profile id, `?cursor=&limit=`; `GET /api/v1/profiles?segment=ID` lists them as profiles and
    /// `GET /api/v1/profiles/export?segment=ID` exports them.
    @Sendable func members(_ request: Request, context: CairnRequestContext) async throws -> ListBody<MemberBody> {
        let id = try context.parameters.id(as: SegmentID.self, kind: "segment")
        let limit = try PageSize(request.uri.queryParameters["limit"].map { Int(String($0)) ?? -1 })
        let cursor = request.uri.queryParameters["cursor"].map(String.init)
        let page = try await segments.members(of: id, for: try context.requirePrincipal(), after: cursor, limit: limit)
        return ListBody(Page(items: page.items.map { MemberBody(profileId: $0.profile.rawValue, enteredAt: $0.enteredAt) }, nextCursor: page.nextCursor))
    }

    struct ChangeBody: ResponseEncodable {
        var segmentId: String
        var segmentName: String
        var profileId: String
        var kind: String
        var at: Date

        init(_ change: SegmentChange) {
            segmentId = change.segmentID.rawValue
            segmentName = change.segmentName
            profileId = change.profileID.rawValue
            kind = change.kind.rawValue
            at = change.at
        }
    }

    /// Entries and exits since the segment was built, newest first.
    @Sendable func changes(_ request: Request, context: CairnRequestContext) async throws -> ListBody<ChangeBody> {
        let id = try context.parameters.id(as: SegmentID.self, kind: "segment")
        let (cursor, limit) = try request.pagination()
        let page = try await segments.changes(of: id, for: try context.requirePrincipal(), after: cursor, limit: limit)
        return ListBody(Page(items: page.items.map(ChangeBody.init), nextCursor: page.nextCursor))
    }

    struct CountsBody: ResponseEncodable {
        var days: [SegmentDayCount]
    }

    /// `?days=90` (1–730): the size at the end of each day, with that day's entries and exits.
    @Sendable func counts(_ request: Request, context: CairnRequestContext) async throws -> CountsBody {
        let id = try context.parameters.id(as: SegmentID.self, kind: "segment")
        var days = 90
        if let text = request.uri.queryParameters["days"] {
            guard let number = Int(String(text)), (1...730).contains(number) else {
                throw ValidationError(field: "days", issue: .invalid, hint: "Give a number of days from 1 to 730.")
            }
            days = number
        }
        return CountsBody(days: try await segments.counts(of: id, for: try context.requirePrincipal(), days: days))
    }

    struct ProfileSegmentsBody: ResponseEncodable {
        struct Membership: Encodable {
            var segmentId: String
            var name: String
            var enteredAt: Date
        }
        var profileId: String
        var segments: [Membership]
        var changes: [ChangeBody]
    }

    /// The segments a customer is in now, and their latest entries and exits.
    @Sendable func ofProfile(_ request: Request, context: CairnRequestContext) async throws -> ProfileSegmentsBody {
        let id = try context.parameters.id(as: ProfileID.self, kind: "profile")
        let found = try await segments.memberships(of: id, for: try context.requirePrincipal())
        return ProfileSegmentsBody(profileId: id.rawValue, segments: found.current.map { .init(segmentId: $0.segment.id.rawValue, name: $0.segment.name, enteredAt: $0.enteredAt) },
                                   changes: found.changes.map(ChangeBody.init))
    }

    /// `{"model": …}`: the personas of the last computation, null before the first.
    struct PersonaModelBody: ResponseEncodable {
        var model: PersonaModel?
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(model, forKey: .model)
        }
        enum CodingKeys: String, CodingKey { case model }
    }

    @Sendable func personaModel(_ request: Request, context: CairnRequestContext) async throws -> PersonaModelBody {
        PersonaModelBody(model: try await personas.model(for: try context.requirePrincipal()))
    }

    /// Looks for personas now (segments.manage); `model` is null while fewer than 20 customers answered a values question.
    @Sendable func recomputePersonas(_ request: Request, context: CairnRequestContext) async throws -> PersonaModelBody {
        PersonaModelBody(model: try await personas.recompute(for: try context.requirePrincipal()))
    }

    struct ProfilePersonaBody: ResponseEncodable {
        var profileId: String
        var persona: Persona?
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(profileId, forKey: .profileId)
            try container.encode(persona, forKey: .persona)
        }
        enum CodingKeys: String, CodingKey { case profileId, persona }
    }

    @Sendable func persona(_ request: Request, context: CairnRequestContext) async throws -> ProfilePersonaBody {
        let id = try context.parameters.id(as: ProfileID.self, kind: "profile")
        return ProfilePersonaBody(profileId: id.rawValue, persona: try await personas.persona(of: id, for: try context.requirePrincipal()))
    }
}

import CairnCore
import CairnEngine
import Foundation
import HTTPTypes
import Hummingbird

extension AccessAPI {
    @Sendable func listSources(_ request: Request, context: CairnRequestContext) async throws -> ListBody<Source> {
        let principal = try context.requirePrincipal()
        try principal.require(.keysManage)
        let (cursor, limit) = try request.pagination()
        return ListBody(try await administration.sources(for: principal, after: cursor, limit: limit))
    }

    /// `rateLimit`: absent leaves it, `null` removes it, a number sets it.
    struct SourceFields: Decodable {
        var name: String?
        var defaultChannel: String?
        var rateLimit: Int??
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decodeUnlessNull(String.self, forKey: .name)
            defaultChannel = try container.decodeUnlessNull(String.self, forKey: .defaultChannel)
            if container.contains(.rateLimit) {
                rateLimit = .some(try container.decodeNil(forKey: .rateLimit) ? nil : try container.decode(Int.self, forKey: .rateLimit))
            }
        }
        enum CodingKeys: String, CodingKey { case name, defaultChannel, rateLimit }

        func channel() throws(ValidationError) -> Channel? {
            try defaultChannel.map { text throws(ValidationError) in try Channel.validate(text, field: "defaultChannel") }
        }
    }

    @Sendable func createSource(_ request: Request, context: CairnRequestContext) async throws -> EditedResponse<Source> {
        let principal = try context.requirePrincipal()
        try principal.require(.keysManage)
        let body = try await request.decodeJSON(SourceFields.self, context: context)
        let source = try await administration.createSource(name: body.name ?? "", defaultChannel: try body.channel() ?? .web,
                                                           rateLimit: body.rateLimit ?? nil, by: principal, origin: context.origin)
        return EditedResponse(status: .created, headers: [.location: "/api/v1/sources/\(source.id)"], response: source)
    }

    @Sendable func source(_ request: Request, context: CairnRequestContext) async throws -> Source {
        try await administration.source(try context.parameters.id(as: SourceID.self, kind: "source"), for: try context.requirePrincipal())
    }

    @Sendable func updateSource(_ request: Request, context: CairnRequestContext) async throws -> Source {
        let principal = try context.requirePrincipal()
        try principal.require(.keysManage)
        let id = try context.parameters.id(as: SourceID.self, kind: "source")
        let body = try await request.decodeJSON(SourceFields.self, context: context)
        return try await administration.updateSource(id, name: body.name, defaultChannel: try body.channel(), rateLimit: body.rateLimit,
                                                     by: principal, origin: context.origin)
    }
}

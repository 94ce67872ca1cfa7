import CairnCore
import CairnEngine
import Foundation
import HTTPTypes
public import Hummingbird

extension AccessAPI {
    struct ChannelsBody: ResponseEncodable { var data: [WorkspaceChannel] }

    struct ChannelSettings: Decodable {
        var label: String?
        init(from decoder: any Decoder) throws {
            label = try decoder.container(keyedBy: CodingKeys.self).decodeUnlessNull(String.self, forKey: .label)
        }
        enum CodingKeys: String, CodingKey { case label }
    }

    @Sendable func listChannels(_ request: Request, context: CairnRequestContext) async throws -> ChannelsBody {
        ChannelsBody(data: try await administration.channels(for: try context.requirePrincipal()))
    }

    @Sendable func defineChannel(_ request: Request, context: CairnRequestContext) async throws -> WorkspaceChannel {
        let principal = try context.requirePrincipal()
        try principal.require(.workspaceManage)
        let body = try await request.decodeJSON(ChannelSettings.self, context: context)
        return try await administration.defineChannel(context.parameters.get("name") ?? "", label: body.label ?? "", by: principal, origin: context.origin)
    }
}

extension WorkspaceChannel: ResponseEncodable {}

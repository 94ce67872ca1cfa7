import CairnCore
import CairnEngine
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOFoundationEssentialsCompat

/// The chat widget's public API, called from the workspace's own site with the source's write key (any origin,
/// PublicCORSMiddleware): `POST /v1/chat/conversations` starts a chat (`{"writeKey","message","language","name",
/// "email","identityToken","team","skill"}`; answers the conversation's token once), `GET /v1/chat/conversations/{id}?token=…` reads
/// it, `POST /v1/chat/conversations/{id}/messages` (`{"token","message"}`) writes to it.
struct ChatController {
    let writeKeys: WriteKeyAuthentication
    let chat: LiveChat
    let limiter: SubmissionLimiter
    let clock: DateSource

    func addRoutes(to router: Router<CairnRequestContext>) {
        router.post("v1/chat/conversations", use: start)
        router.get("v1/chat/conversations/{id}", use: read)
        router.get("v1/chat/conversations/{id}/stream", use: stream)
        router.post("v1/chat/conversations/{id}/messages", use: write)
    }

    private func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        Response(status: status, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(bytes: try PublicJSON.encoder().encode(value))))
    }

    private func body(_ request: Request) async throws -> [String: JSONValue] {
        let buffer = try await request.body.collect(upTo: 64 * 1024)
        let parsed: JSONValue
        do { parsed = try JSONValue.parse(Data(buffer: buffer)) } catch { throw TrackingController.malformed(error) }
        guard let body = parsed.objectValue else { throw TrackingController.malformed }
        return body
    }

    private func allow(_ request: Request, context: CairnRequestContext, key: String) throws {
        guard limiter.allow(key: "\(context.remoteAddress ?? "?")|chat|\(key)", at: clock.now()) else {
            throw Problem(slug: "rate-limited", title: "Too many messages", status: .tooManyRequests, detail: "Too many messages from here in a short time; wait a minute.",
                          headers: ["Retry-After": "60"])
        }
    }

    @Sendable func start(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let body = try await body(request)
        let key = try await writeKeys.key(request, body: body)
        try allow(request, context: context, key: "start")
        let started = try await chat.start(in: key.workspaceID, message: body["message"]?.stringValue, language: body["language"]?.stringValue,
                                           name: body["name"]?.stringValue, email: body["email"]?.stringValue, identityToken: body["identityToken"]?.stringValue,
                                           team: body["team"]?.stringValue, skill: body["skill"]?.stringValue)
        return try json(started, status: .created)
    }

    @Sendable func read(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        let key = try await writeKeys.key(request, body: query["writeKey"].map { ["writeKey": .string(String($0))] } ?? [:])
        let id = try context.parameters.id(as: CaseID.self, kind: "conversation")
        return try json(try await chat.view(id, token: query["token"].map(String.init), in: key.workspaceID))
    }

    /// `GET /v1/chat/conversations/{id}/stream?writeKey=…&token=…`: the conversation as Server-Sent Events
    /// (`event: conversation`, the same JSON as a read), sent again as soon as it changes.
    @Sendable func stream(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        let key = try await writeKeys.key(request, body: query["writeKey"].map { ["writeKey": .string(String($0))] } ?? [:])
        let id = try context.parameters.id(as: CaseID.self, kind: "conversation")
        let token = query["token"].map(String.init), workspace = key.workspaceID, chat = self.chat
        let limit = try LiveStream.limit(request)
        return try LiveStream.response(event: "conversation", first: try await chat.view(id, token: token, in: workspace), limit: limit,
                                       read: { try await chat.view(id, token: token, in: workspace) },
                                       wait: { await chat.waitForChange(id, upTo: $0) })
    }

    @Sendable func write(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let body = try await body(request)
        let key = try await writeKeys.key(request, body: body)
        let id = try context.parameters.id(as: CaseID.self, kind: "conversation")
        try allow(request, context: context, key: id.rawValue)
        return try json(try await chat.post(body["message"]?.stringValue, to: id, token: body["token"]?.stringValue, in: key.workspaceID))
    }
}

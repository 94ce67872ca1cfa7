import CairnCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ServiceLifecycle

/// One thing kept live as Server-Sent Events: its current state as `event: <name>` with the JSON in `data`, sent at
/// once and again whenever it differs from what was sent last. Between reads the stream waits to be woken by a
/// committed change (this server's, or on PostgreSQL any server's) or `recheck` passes — what can change without a
/// write to it (a place in a queue) is seen then. Every read checks access again, so a revoked token or session ends
/// the stream; it ends too after `lifetime` (EventSource reconnects by itself) and when the server shuts down.
enum LiveStream {
    static func response<Value: Encodable & Sendable>(event: String, first: Value, recheck: Duration = .seconds(5), lifetime: Duration = .seconds(600), limit: Int? = nil,
                                                      read: @escaping @Sendable () async throws -> Value?,
                                                      wait: @escaping @Sendable (Duration) async -> Bool) throws -> Response {
        let encoder = PublicJSON.encoder([.sortedKeys, .withoutEscapingSlashes])
        let firstText = String(decoding: try encoder.encode(first), as: UTF8.self)
        let body = ResponseBody { writer in
            var last = firstText
            var sent = 1
            try await writer.write(ByteBuffer(string: "retry: 2000\nevent: \(event)\ndata: \(firstText)\n\n"))
            let start = ContinuousClock.now
            var lastWrite = ContinuousClock.now
            while !Task.isCancelled && !Task.isShuttingDownGracefully && ContinuousClock.now - start < lifetime {
                if let limit, sent >= limit { break }
                _ = await wait(recheck)
                try Task.checkCancellation()
                guard let value = try? await read() else {
                    try await writer.write(ByteBuffer(string: "event: access-ended\ndata: {}\n\n"))
                    break
                }
                let text = String(decoding: try encoder.encode(value), as: UTF8.self)
                if text != last {
                    try await writer.write(ByteBuffer(string: "event: \(event)\ndata: \(text)\n\n"))
                    last = text
                    sent += 1
                    lastWrite = .now
                } else if ContinuousClock.now - lastWrite >= .seconds(15) {
                    try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                    lastWrite = .now
                }
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache", .init("X-Accel-Buffering")!: "no"], body: body)
    }

    /// `limit` (tests and scripts): end the stream after that many states.
    static func limit(_ request: Request) throws -> Int? {
        guard let text = request.uri.queryParameters["limit"].map(String.init) else { return nil }
        guard let value = Int(text), value >= 1 else {
            throw ValidationError(field: "limit", issue: .invalid, hint: "Use a positive whole number, or leave it out to stream until you disconnect.")
        }
        return value
    }
}

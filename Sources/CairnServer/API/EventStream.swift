import CairnCore
import CairnEngine
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ServiceLifecycle

/// `GET /api/v1/events/stream`: new events as Server-Sent Events, as they are ingested. Filters: `type`, `channel`,
/// `event`; `limit` ends the stream after that many events (handy for scripts and tests). The stream starts with
/// events received from now on, from `since`, or after `Last-Event-ID` when a client reconnects. While idle it waits
/// to be woken by new events of its workspace — appended by this server, or on PostgreSQL by any server of the
/// database (`LISTEN`/`NOTIFY`) — and looks anyway every 300 ms. Access is checked again before every read of new
/// events: a revoked key, a removed maker, a signed-out or removed user, or a role without customers.read ends the
/// stream at once — on every server, as all read one database.
struct EventStream {
    let administration: Administration
    let authenticator: Authenticator
    let clock: DateSource
    /// How often the stream looks for new events.
    var pollInterval: Duration = .milliseconds(300)

    func addRoutes(to group: RouterGroup<CairnRequestContext>) {
        group.get("events/stream", use: stream)
    }

    @Sendable func stream(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        try principal.require(.customersRead)
        let query = request.uri.queryParameters
        var issues = ValidationCollector()
        let filter = request.eventFilter(collecting: &issues)
        var limit: Int?
        if let text = query["limit"].map(String.init) {
            limit = Int(text)
            if limit == nil || limit! < 1 { issues.add(FieldIssue(field: "limit", issue: .invalid, hint: "Use a positive whole number, or leave it out to stream until you disconnect.")) }
        }
        var cursor = Cursor(sortKey: clock.now().storageMillis - 1, id: "~")
        if let text = query["since"].map(String.init) {
            if let since = Timestamp.parse(text) { cursor = Cursor(sortKey: since.storageMillis - 1, id: "~") } else {
                issues.add(FieldIssue(field: "since", issue: .invalid, hint: "Use ISO 8601, e.g. 2026-11-23T00:00:00Z, to replay from then."))
            }
        }
        if let last = request.headers[.lastEventID] {
            cursor = issues.check { () throws(ValidationError) in try Cursor(token: last, field: "Last-Event-ID") } ?? cursor
        }
        try issues.throwIfAny()
        let administration = self.administration, authenticator = self.authenticator, interval = pollInterval, start = cursor, filterCopy = filter, maximum = limit
        let sessionToken = context.identity?.sessionToken
        let body = ResponseBody { writer in
            var cursor = start
            var sent = 0
            var lastWrite = ContinuousClock.now
            try await writer.write(ByteBuffer(string: ": connected\n\n"))
            // The stream ends when the server shuts down, so graceful shutdown never waits for a client that stays.
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                guard let current = try await authenticator.current(principal, sessionToken: sessionToken), current.can(.customersRead) else {
                    try await writer.write(ByteBuffer(string: "event: access-ended\ndata: {}\n\n"))
                    break
                }
                let events = try await administration.eventsReceived(for: current, matching: filterCopy, after: cursor, limit: 100)
                for event in events {
                    cursor = Cursor(sortKey: event.receivedAt.storageMillis, id: event.id.rawValue)
                    let encoder = PublicJSON.encoder([.sortedKeys, .withoutEscapingSlashes])
                    let json = String(decoding: try encoder.encode(event), as: UTF8.self)
                    try await writer.write(ByteBuffer(string: "id: \(cursor.token)\nevent: \(event.kind.rawValue)\ndata: \(json)\n\n"))
                    sent += 1
                    if let maximum, sent >= maximum { try await writer.finish(nil); return }
                }
                if events.isEmpty {
                    if ContinuousClock.now - lastWrite >= .seconds(15) {
                        try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                        lastWrite = .now
                    }
                    _ = await administration.waitForEvents(for: current, upTo: interval)
                    try Task.checkCancellation()
                } else {
                    lastWrite = .now
                }
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache", .init("X-Accel-Buffering")!: "no"], body: body)
    }
}

extension HTTPField.Name {
    static let lastEventID = HTTPField.Name("Last-Event-ID")!
}

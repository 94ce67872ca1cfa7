import CairnCore
import CairnServer
import CairnStore
import CairnTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@Suite("Live event stream")
struct EventStreamTests {
    func basic(_ key: String) -> HTTPFields {
        [.authorization: "Basic \(Data("\(key):".utf8).base64EncodedString())", .contentType: "application/json"]
    }

    /// The `data:` lines of a Server-Sent Events body, decoded.
    func events(_ body: String) throws -> [[String: Any]] {
        try body.split(separator: "\n").filter { $0.hasPrefix("data: ") }.map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.dropFirst(6).utf8)) as? [String: Any])
        }
    }

    @Test("New events arrive on the stream as they are ingested, filtered; earlier ones do not", arguments: TestDatabase.engines)
    func liveEvents(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let key = h.a.secretKeys[.viewer]!
            _ = try await h.client.execute(uri: "/v1/track", method: .post, headers: basic(h.a.writeKey),
                                           body: ByteBuffer(string: #"{"userId":"s1","event":"Before"}"#))
            h.clock.advance(by: 1)
            // The stream starts from the (injected) clock's now, which stands still from here on: the events below are
            // received at that instant, so they reach the stream whether it subscribes before or after they arrive, and
            // the one received a second earlier never does. No sleep decides the outcome.
            async let streamed = h.api(.get, "/api/v1/events/stream?type=track&limit=2", key: key)
            _ = try await h.client.execute(uri: "/v1/identify", method: .post, headers: basic(h.a.writeKey),
                                           body: ByteBuffer(string: #"{"userId":"s1","traits":{"plan":"pro"}}"#))
            for name in ["Viewed", "Bought"] {
                _ = try await h.client.execute(uri: "/v1/track", method: .post, headers: basic(h.a.writeKey),
                                               body: ByteBuffer(string: #"{"userId":"s1","event":"\#(name)"}"#))
            }
            let response = try await streamed
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/event-stream")
            let received = try events(response.text)
            #expect(Set(received.compactMap { $0["name"] as? String }) == ["Viewed", "Bought"], "identify filtered out, the earlier event not replayed")
            #expect(received.allSatisfy { $0["workspaceId"] is String && $0["messageId"] is String }, "ids in the public casing")
            #expect(response.text.contains("event: track"))
        }
    }

    @Test("A client can replay from a time or resume after the last event id")
    func replayAndResume() async throws {
        try await Harness.run(.sqlite) { h in
            for index in 0..<3 {
                _ = try await h.client.execute(uri: "/v1/track", method: .post, headers: basic(h.a.writeKey),
                                               body: ByteBuffer(string: #"{"userId":"r","event":"E\#(index)"}"#))
                h.clock.advance(by: 1)
            }
            let key = h.a.secretKeys[.agent]!
            let first = try await h.api(.get, "/api/v1/events/stream?since=2000-01-01T00:00:00Z&limit=1", key: key)
            #expect(try events(first.text).map { $0["name"] as? String } == ["E0"])
            let lastID = try #require(first.text.split(separator: "\n").first { $0.hasPrefix("id: ") }.map { String($0.dropFirst(4)) })
            let resumed = try await h.api(.get, "/api/v1/events/stream?limit=2", key: key, headers: [.init("Last-Event-ID")!: lastID])
            #expect(try events(resumed.text).map { $0["name"] as? String } == ["E1", "E2"])
            let bad = try await h.api(.get, "/api/v1/events/stream?type=nope&limit=0&since=yesterday", key: key)
            #expect(bad.status == .badRequest)
            #expect(Set((try bad.json()["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }) == ["type", "limit", "since"])
        }
    }

    @Test("The live page loads its script and labels")
    func livePage() async throws {
        try await Harness.run(.sqlite) { h in
            var agent = try await h.signIn(h.a.users[.agent]!.email)
            let (page, html) = try await agent.get("/live?channel=store")
            #expect(page.status == .ok)
            #expect(html.contains(#"<script src="/static/live.js" defer></script>"#))
            #expect(html.contains(#"<option value="store" selected>"#))
            let script = try await h.api(.get, "/static/live.js")
            #expect(script.headers[.contentType]?.hasPrefix("text/javascript") == true)
            #expect(script.text.contains("EventSource") && script.text.contains("textContent") && !script.text.contains("innerHTML"))
        }
    }
}

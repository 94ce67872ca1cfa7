import CairnCore
import CairnEngine
@testable import CairnServer
import NIOCore
import CairnStore
import CairnTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import Logging

@Suite("Operations endpoints")
struct OperationsTests {
    @Test("Health, readiness and metrics answer", arguments: TestDatabase.engines)
    func healthReadinessAndMetrics(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let health = try await h.api(.get, "/health")
            #expect(health.status == .ok)
            #expect(try health.json()["status"] as? String == "ok")
            let ready = try await h.api(.get, "/ready")
            #expect(ready.status == .ok)
            #expect(try ready.json()["database"] as? String == engine.rawValue)
            try await h.api(.get, "/api/v1/me", key: h.a.secretKeys[.admin])
            let metrics = try await h.api(.get, "/metrics")
            #expect(metrics.status == .ok)
            #expect(metrics.headers[.contentType]?.hasPrefix("text/plain") == true)
            let text = metrics.text
            #expect(text.contains("cairn_build_info{version=\"\(CairnVersion.current)\"} 1"))
            #expect(text.contains("cairn_database_info{engine=\"\(engine.rawValue)\"} 1"))
            #expect(text.contains("hb_requests"), "request counter per route")
            #expect(text.contains(#"http_route="/api/v1/me""#) || text.contains(#"uri="/api/v1/me""#), "labelled with the route, not the raw path")
            #expect(text.contains("http_server_request_duration_bucket"), "latency histogram")
        }
    }

    @Test("Every response carries a request id; a sane incoming one is kept", arguments: [DatabaseEngine.sqlite])
    func requestIDOnEveryResponse(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let generated = try await h.api(.get, "/health")
            #expect(generated.headers[.init("X-Request-ID")!]?.count == 36)
            let kept = try await h.api(.get, "/api/v1/nope", headers: [.init("X-Request-ID")!: "trace-123"])
            #expect(kept.headers[.init("X-Request-ID")!] == "trace-123")
            #expect(try kept.json()["requestId"] as? String == "trace-123", "problems name the request id too")
            let replaced = try await h.api(.get, "/health", headers: [.init("X-Request-ID")!: "bad id with spaces <script>"])
            #expect(replaced.headers[.init("X-Request-ID")!] != "bad id with spaces <script>")
        }
    }

    @Test("Responses carry security headers")
    func securityHeaders() async throws {
        try await Harness.run(.sqlite) { h in
            let response = try await h.api(.get, "/login")
            #expect(response.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true)
            #expect(response.headers[.init("X-Content-Type-Options")!] == "nosniff")
        }
    }

    @Test("A live server on a free port answers real HTTP")
    func liveServerAnswers() async throws {
        try await TestDatabase.withStore(.sqlite) { (store: Store) async throws in
            let router = try await buildRouter(configuration: Harness.configuration(), useCases: Harness.useCases(store, logger: .init(label: "live")), logger: .init(label: "live"))
            let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
            try await app.test(.live) { client in
                let response = try await client.execute(uri: "/health", method: .get)
                #expect(response.status == .ok)
                #expect(client.port != nil && client.port != 0)
            }
        }
    }
}

@Suite("Resolution lag in /metrics")
struct ResolutionLagTests {
    @Test("The events waiting to be tied to a profile and the oldest one's wait are measured, and shown as gauges",
          arguments: TestDatabase.engines)
    func backlog(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let basic: HTTPFields = [.authorization: "Basic " + Data("\(h.a.writeKey):".utf8).base64EncodedString(), .contentType: "application/json"]
            try await IdentityResolver(store: h.store, clock: h.clock.source).resolvePending()
            let batch = #"{"batch":[{"type":"track","userId":"lag-1","event":"A"},{"type":"track","userId":"lag-2","event":"B"},{"type":"identify","userId":"lag-3"}]}"#
            #expect(try await h.client.execute(uri: "/v1/batch", method: .post, headers: basic, body: .init(string: batch)).status == .ok)
            h.clock.advance(by: 5)
            let resolver = IdentityResolver(store: h.store, clock: h.clock.source)
            let waiting = try await resolver.backlog()
            #expect(waiting.events == 3 && waiting.oldestWaitSeconds >= 4.9 && waiting.oldestWaitSeconds <= 5.1, "\(waiting)")
            try await resolver.resolvePending()
            let after = try await resolver.backlog()
            #expect(after.events == 0 && after.oldestWaitSeconds == 0)
            CairnMetrics.resolutionBacklog(events: waiting.events, oldestWaitSeconds: waiting.oldestWaitSeconds)
            let text = try await h.api(.get, "/metrics").text
            #expect(text.contains("cairn_resolution_backlog_events") && text.contains("cairn_resolution_lag_seconds"))
        }
    }
}

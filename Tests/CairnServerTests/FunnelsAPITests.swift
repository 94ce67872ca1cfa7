import CairnCore
import CairnEngine
import CairnStore
import CairnTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@Suite("Funnels through the API, on hand-built timelines")
struct FunnelsAPITests {
    @Test("Sequential, strict, exclusions, breakdown by first touch, drop-off people and the time to convert — counts worked by hand; bad input names the field; another workspace sees none of it",
          arguments: TestDatabase.engines)
    func funnels(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let start = Date(utcDay: h.clock.now.utcDay - 10).addingTimeInterval(9 * 3600)  // 09:00 ten days ago
            func at(_ minutes: Double) -> String { start.addingTimeInterval(minutes * 60).formatted(.iso8601) }
            // u1 converts in a day (web, web, store); u2 adds but never buys (app); u3 buys without adding; u4 only adds;
            // u5 adds 8 days after viewing (outside the 7-day window); u6 cancels between viewing and adding.
            let timeline: [(String, String, String, Double)] = [
                ("u1", "Product Viewed", "web", 0), ("u1", "Product Added", "web", 10), ("u1", "Order Completed", "store", 1440),
                ("u2", "Product Viewed", "app", 0), ("u2", "Product Added", "app", 5),
                ("u3", "Product Viewed", "web", 0), ("u3", "Order Completed", "web", 60),
                ("u4", "Product Added", "web", 0),
                ("u5", "Product Viewed", "web", 0), ("u5", "Product Added", "web", 8 * 1440),
                ("u6", "Product Viewed", "web", 0), ("u6", "Order Cancelled", "web", 1), ("u6", "Product Added", "web", 2), ("u6", "Order Completed", "web", 3),
            ]
            let batch = timeline.enumerated().map { index, item in
                #"{"type":"track","userId":"\#(item.0)","event":"\#(item.1)","timestamp":"\#(at(item.3))","messageId":"f-\#(index)","context":{"channel":"\#(item.2)"}}"#
            }.joined(separator: ",")
            let sent = try await h.client.execute(uri: "/v1/batch", method: .post,
                                                  headers: [.contentType: "application/json", .authorization: "Basic \(Data((h.a.writeKey + ":").utf8).base64EncodedString())"],
                                                  body: ByteBuffer(string: #"{"batch":[\#(batch)]}"#))
            #expect(sent.status == .ok)
            try await IdentityResolver(store: h.store, clock: h.clock.source).resolvePending(in: h.a.workspace.id)
            let viewer = h.a.secretKeys[.viewer]!
            let from = Date(utcDay: h.clock.now.utcDay - 11).formatted(.iso8601.year().month().day())
            let steps = #""steps":[{"event":"Product Viewed"},{"event":"Product Added"},{"event":"Order Completed"}],"from":"\#(from)""#
            func run(_ extra: String, key: String? = nil) async throws -> [String: Any] {
                let response = try await h.api(.post, "/api/v1/funnels/query", key: key ?? viewer, json: "{\(steps)\(extra)}")
                #expect(response.status == .ok, "\(response.text)")
                return try response.json()
            }
            func people(_ result: [String: Any]) -> [Int] { ((result["steps"] as? [[String: Any]]) ?? []).compactMap { $0["people"] as? Int } }

            // Sequential, 7 days: entered u1 u2 u3 u5 u6; added u1 u2 u6; completed u1 u6.
            let plain = try await run("")
            #expect(people(plain) == [5, 3, 2] && plain["entered"] as? Int == 5 && plain["converted"] as? Int == 2)
            // With the cancellation excluded between steps 1 and 3, u6 stops after viewing.
            let excluded = try await run(#","exclusions":[{"event":"Order Cancelled","afterStep":1,"beforeStep":3}],"breakdown":{"by":"channel","attribution":"first_touch"}"#)
            #expect(people(excluded) == [5, 2, 1])
            let stepsOut = (excluded["steps"] as? [[String: Any]]) ?? []
            let profile = { (user: String) async throws -> String in try #require(try await h.store.profileID(for: Identifier(kind: .userID, value: user), in: h.a.workspace.id)).rawValue }
            let droppedFirst = Set((stepsOut.first?["droppedProfileIds"] as? [String]) ?? [])
            #expect(droppedFirst == Set([try await profile("u3"), try await profile("u5"), try await profile("u6")]))
            #expect((stepsOut[1]["droppedProfileIds"] as? [String]) == [try await profile("u2")])
            // Conversion from the step before: 2 of 5, then 1 of 2; u1 took 10 minutes to add, a day to convert.
            #expect((stepsOut[1]["conversionFromPrevious"] as? [String: Any])?["successes"] as? Int == 2 && (stepsOut[1]["conversionFromPrevious"] as? [String: Any])?["n"] as? Int == 5)
            #expect((excluded["timeToConvert"] as? [String: Any])?["medianMinutes"] as? Double == 1440)
            // First touch: u1, u3, u5, u6 viewed on the web, u2 in the app.
            let groups = Dictionary(uniqueKeysWithValues: ((excluded["groups"] as? [[String: Any]]) ?? []).map { (($0["value"] as? String) ?? "-", ($0["steps"] as? [Int]) ?? []) })
            #expect(groups == ["web": [4, 1, 1], "app": [1, 1, 0]])
            // Strict: u6's cancellation comes between viewing and adding; u1 and u2 have nothing between their steps.
            #expect(people(try await run(#","order":"strict""#)) == [5, 2, 1])
            // A 1-day window: u1's order comes exactly 1440 minutes after viewing — inclusive, still converted.
            #expect(people(try await run(#","windowMinutes":1440"#)) == [5, 3, 2])
            #expect(people(try await run(#","windowMinutes":1439"#)) == [5, 3, 1])

            // Bad input names each field.
            let bad = try await h.api(.post, "/api/v1/funnels/query", key: viewer,
                                      json: #"{"steps":[{"event":"A"}],"order":"zigzag","windowMinutes":0,"breakdown":{"by":"colour"},"exclusions":[{"event":"X","afterStep":3,"beforeStep":2}],"from":"yesterday"}"#)
            #expect(bad.status == .badRequest)
            for field in ["steps", "order", "windowMinutes", "breakdown.by", "exclusions[0].afterStep", "from"] { #expect(bad.text.contains(#""\#(field)""#), "names \(field)") }
            // Workspace B has none of these people.
            let other = try await h.api(.post, "/api/v1/funnels/query", key: h.b.secretKeys[.viewer]!, json: "{\(steps)}")
            #expect(people(try other.json()) == [0, 0, 0])
        }
    }

    @Test("Paths after and before a step across channels, most common first, with the share of people; bad input names the field", arguments: TestDatabase.engines)
    func paths(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let start = Date(utcDay: h.clock.now.utcDay - 5).addingTimeInterval(9 * 3600)
            func at(_ minutes: Double) -> String { start.addingTimeInterval(minutes * 60).formatted(.iso8601) }
            // Three people call the hotline: two had looked on the web first and go to a store after; one came from the app
            // and buys online. A fourth never calls.
            let timeline: [(String, String, String, Double)] = [
                ("p1", "Page Viewed", "web", 0), ("p1", "Call Started", "call_center", 10), ("p1", "Store Visited", "store", 60), ("p1", "Order Completed", "store", 70),
                ("p2", "Page Viewed", "web", 0), ("p2", "Page Viewed", "web", 1), ("p2", "Call Started", "call_center", 5), ("p2", "Store Visited", "store", 30),
                ("p3", "App Opened", "app", 0), ("p3", "Call Started", "call_center", 3), ("p3", "Order Completed", "web", 9),
                ("p4", "Page Viewed", "web", 0),
            ]
            let batch = timeline.enumerated().map { index, item in
                #"{"type":"track","userId":"\#(item.0)","event":"\#(item.1)","timestamp":"\#(at(item.3))","messageId":"p-\#(index)","context":{"channel":"\#(item.2)"}}"#
            }.joined(separator: ",")
            let sent = try await h.client.execute(uri: "/v1/batch", method: .post,
                                                  headers: [.contentType: "application/json", .authorization: "Basic \(Data((h.a.writeKey + ":").utf8).base64EncodedString())"],
                                                  body: ByteBuffer(string: #"{"batch":[\#(batch)]}"#))
            #expect(sent.status == .ok, "\(String(buffer: sent.body))")
            try await IdentityResolver(store: h.store, clock: h.clock.source).resolvePending(in: h.a.workspace.id)
            let viewer = h.a.secretKeys[.viewer]!
            let after = try await h.api(.post, "/api/v1/paths/query", key: viewer, json: #"{"event":"Call Started","depth":2,"by":"channel"}"#).json()
            #expect(after["people"] as? Int == 3)
            let afterPaths = ((after["paths"] as? [[String: Any]]) ?? []).map { (($0["steps"] as? [String]) ?? [], $0["people"] as? Int ?? 0) }
            // p1: store, store → one "store" (collapsed); p2: store; p3: web.
            #expect(afterPaths.map(\.0) == [["store"], ["web"]] && afterPaths.map(\.1) == [2, 1])
            let before = try await h.api(.post, "/api/v1/paths/query", key: viewer, json: #"{"event":"Call Started","direction":"before","depth":3}"#).json()
            let beforePaths = ((before["paths"] as? [[String: Any]]) ?? []).map { ($0["steps"] as? [String]) ?? [] }
            #expect(beforePaths == [["Page Viewed · web"], ["App Opened · app"]])
            #expect(((before["paths"] as? [[String: Any]])?.first?["share"] as? [String: Any])?["n"] as? Int == 3)
            let bad = try await h.api(.post, "/api/v1/paths/query", key: viewer, json: #"{"direction":"sideways","depth":9,"by":"colour"}"#)
            #expect(bad.status == .badRequest)
            for field in ["event", "direction", "depth", "by"] { #expect(bad.text.contains(#""\#(field)""#), "names \(field)") }
            var browser = try await h.signIn(h.a.users[.viewer]!.email, headers: [.acceptLanguage: "de"])
            let (_, page) = try await browser.get("/journeys/paths?event=Call+Started&direction=after&depth=2&by=channel")
            #expect(page.contains("3 Personen haben diesen Schritt") && page.contains(#"<bdi class="chip">store</bdi>"#))
        }
    }
}

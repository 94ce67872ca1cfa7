import CairnCore
import CairnEngine
import CairnServer
import CairnStore
import CairnTestSupport
import CompressNIO
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@Suite("Tracking API (Segment-compatible)")
struct TrackingTests {
    func basic(_ key: String) -> HTTPFields {
        [.authorization: "Basic \(Data("\(key):".utf8).base64EncodedString())", .contentType: "application/json"]
    }

    func send(_ h: Harness, _ path: String, key: String?, json: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        var all = key.map(basic) ?? [.contentType: "application/json"]
        for field in headers { all[field.name] = field.value }
        return try await h.client.execute(uri: path, method: .post, headers: all, body: ByteBuffer(string: json))
    }

    func events(_ h: Harness, _ workspace: SeededWorkspace) async throws -> [Event] {
        try await h.store.events(in: workspace.workspace.id, after: nil, limit: 200).items
    }

    @Test("Every endpoint answers exactly 200 {\"success\":true} and stores the event", arguments: TestDatabase.engines)
    func everyEndpointStores(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let calls: [(String, String)] = [
                ("/v1/identify", #"{"userId":"u1","traits":{"email":"ada@example.com"}}"#),
                ("/v1/track", #"{"userId":"u1","event":"Order Completed","properties":{"total":42.5}}"#),
                ("/v1/page", #"{"anonymousId":"a1","name":"Home"}"#),
                ("/v1/screen", #"{"userId":"u1","name":"Basket"}"#),
                ("/v1/group", #"{"userId":"u1","groupId":"acme"}"#),
                ("/v1/alias", #"{"previousId":"a1","userId":"u1"}"#),
            ]
            for (path, json) in calls {
                let response = try await send(h, path, key: h.a.writeKey, json: json)
                #expect(response.status == .ok, "\(path): \(response.text)")
                #expect(response.text == #"{"success":true}"#)
            }
            let stored = try await events(h, h.a)
            #expect(Set(stored.map(\.kind)) == Set(TrackingMessage.Kind.allCases))
            #expect(stored.allSatisfy { $0.channel == .web }, "the default source's channel")
            #expect(stored.first { $0.kind == .track }?.name == "Order Completed")
            #expect(stored.first { $0.kind == .track }?.payload["properties"]?["total"] == .double(42.5))
            let source = try #require(try await h.store.sources(in: h.a.workspace.id, after: nil, limit: 10).items.first)
            #expect(source.eventCount == 6)
            #expect(source.lastSeenAt != nil)
            #expect(try await h.store.countEvents(in: h.b.workspace.id) == 0, "nothing lands in another workspace")
        }
    }

    @Test("The write key may come in the body; other credentials are refused with code and message")
    func keys() async throws {
        try await Harness.run(.sqlite) { h in
            let inBody = try await send(h, "/v1/track", key: nil, json: #"{"writeKey":"\#(h.a.writeKey)","userId":"u","event":"E"}"#)
            #expect(inBody.status == .ok)
            #expect(try await h.store.events(in: h.a.workspace.id, after: nil, limit: 5).items.first?.payload["writeKey"] == nil, "the key is not stored")
            for (key, why) in [(nil as String?, "no key"), ("cairn_wk_nope", "unknown key"), (h.a.secretKeys[.admin]!, "a secret key")] {
                let response = try await send(h, "/v1/track", key: key, json: #"{"userId":"u","event":"E"}"#)
                #expect(response.status == .unauthorized, "\(why)")
                let body = try response.json()
                #expect(body["code"] as? String == "unauthorized")
                #expect((body["message"] as? String)?.isEmpty == false)
                #expect(body["status"] as? Int == 401)
            }
        }
    }

    @Test("A batch with one bad message is refused whole, naming each bad message and field", arguments: TestDatabase.engines)
    func invalidBatchStoresNothing(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let batch = #"{"batch":[{"type":"track","userId":"u","event":"Fine"},{"type":"track","userId":"u"},{"type":"identify","userId":null,"anonymousId":null},{"type":"purchase","userId":"u"}]}"#
            let response = try await send(h, "/v1/batch", key: h.a.writeKey, json: batch)
            #expect(response.status == .badRequest)
            let body = try response.json()
            #expect(body["code"] as? String == "invalid_request")
            let fields = (body["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
            #expect(fields == ["batch[1].event", "batch[2].userId", "batch[3].type"])
            #expect(try await h.store.countEvents(in: h.a.workspace.id) == 0)
            for malformed in ["not json", "[1,2]", #"{"batch":"no"}"#] {
                let bad = try await send(h, "/v1/batch", key: h.a.writeKey, json: malformed)
                #expect(bad.status == .badRequest, "\(malformed)")
            }
        }
    }

    @Test("A retried batch never stores a messageId twice", arguments: TestDatabase.engines)
    func messageIDsAreDeduplicated(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let batch = #"{"batch":[{"type":"track","messageId":"m-1","userId":"u","event":"A"},{"type":"track","messageId":"m-2","userId":"u","event":"B"},{"type":"track","messageId":"m-1","userId":"u","event":"A again"}]}"#
            for _ in 0..<3 {
                let response = try await send(h, "/v1/batch", key: h.a.writeKey, json: batch)
                #expect(response.status == .ok)
            }
            let stored = try await events(h, h.a)
            #expect(stored.map(\.messageID).sorted() == ["m-1", "m-2"])
            #expect(stored.first { $0.messageID == "m-1" }?.name == "A", "the first one wins")
            let source = try #require(try await h.store.sources(in: h.a.workspace.id, after: nil, limit: 1).items.first)
            #expect(source.eventCount == 2)
            // The same messageId in another workspace is another event.
            let other = try await send(h, "/v1/batch", key: h.b.writeKey, json: batch)
            #expect(other.status == .ok)
            #expect(try await h.store.countEvents(in: h.b.workspace.id) == 2)
        }
    }

    @Test("Gzip bodies are accepted; 32 KB per message and 4 MiB per request are enforced")
    func encodingAndLimits() async throws {
        try await Harness.run(.sqlite) { h in
            var plain = ByteBuffer(string: #"{"batch":[{"type":"identify","userId":"gz","traits":{"plan":"pro"}}]}"#)
            let gzipped = try plain.compress(with: .gzip())
            var headers = basic(h.a.writeKey)
            headers[.init("Content-Encoding")!] = "gzip"
            let ok = try await h.client.execute(uri: "/v1/batch", method: .post, headers: headers, body: gzipped)
            #expect(ok.status == .ok)
            #expect(try await events(h, h.a).first?.userID == "gz")

            let corrupt = try await h.client.execute(uri: "/v1/batch", method: .post, headers: headers, body: ByteBuffer(string: "not gzip"))
            #expect(corrupt.status == .badRequest)

            // 5 MiB of JSON that gzips to a few KB: refused after decompression.
            var bomb = ByteBuffer(string: #"{"batch":[{"type":"track","userId":"u","event":"E","properties":{"x":""# + String(repeating: "a", count: 5 * 1024 * 1024) + #""}}]}"#)
            let compressedBomb = try bomb.compress(with: .gzip())
            #expect(compressedBomb.readableBytes < 100_000)
            let tooLarge = try await h.client.execute(uri: "/v1/batch", method: .post, headers: headers, body: compressedBomb)
            #expect(tooLarge.status == .contentTooLarge)
            #expect(try tooLarge.json()["code"] as? String == "payload_too_large")

            let big = String(repeating: "b", count: 33 * 1024)
            let single = try await send(h, "/v1/track", key: h.a.writeKey, json: #"{"userId":"u","event":"E","properties":{"b":"\#(big)"}}"#)
            #expect(single.status == .contentTooLarge)
            let inBatch = try await send(h, "/v1/batch", key: h.a.writeKey, json: #"{"batch":[{"type":"track","userId":"u","event":"E","properties":{"b":"\#(big)"}}]}"#)
            #expect(inBatch.status == .badRequest)
            #expect(try inBatch.json()["errors"].flatMap { ($0 as? [[String: Any]])?.first?["field"] as? String } == "batch[0]")
        }
    }

    @Test("receivedAt is the server's; timestamp is corrected for client clock skew; text is kept exactly", arguments: TestDatabase.engines)
    func timesAndText(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let json = #"{"batch":[{"type":"track","messageId":"skew","userId":"u","event":"Caf\u00e9 \ud83d\ude80","timestamp":"2020-01-01T10:00:00.000123+02:00","properties":{"note":"\u05e9\u05dc\u05d5\u05dd \u4f60\u597d \ud83d\udc4d"}}],"sentAt":"2020-01-01T08:00:10.000Z"}"#
            let response = try await send(h, "/v1/batch", key: h.a.writeKey, json: json)
            #expect(response.status == .ok)
            let event = try #require(try await h.store.event(messageID: "skew", in: h.a.workspace.id))
            #expect(event.receivedAt == Date(storageMillis: h.clock.now.storageMillis))
            // The client's clock was 10 s behind its sentAt: the event happened 10 s before Cairn received it.
            #expect(abs(event.timestamp.timeIntervalSince(event.receivedAt) + 10) < 0.002)
            #expect(event.name == "Café 🚀")
            #expect(event.payload["properties"]?["note"] == .string("שלום 你好 👍"))
            #expect(event.payload["receivedAt"] != nil)
        }
    }

    @Test("The channel comes from context.channel, else the source's default")
    func channels() async throws {
        try await Harness.run(.sqlite) { h in
            let json = #"{"batch":[{"type":"track","messageId":"till","userId":"u","event":"Purchase","context":{"channel":"store"}},{"type":"track","messageId":"call","userId":"u","event":"Call","context":{"channel":"call_center"}},{"type":"track","messageId":"site","userId":"u","event":"View"}]}"#
            #expect(try await send(h, "/v1/batch", key: h.a.writeKey, json: json).status == .ok)
            #expect(try await h.store.event(messageID: "till", in: h.a.workspace.id)?.channel == .store)
            #expect(try await h.store.event(messageID: "call", in: h.a.workspace.id)?.channel == .callCenter)
            #expect(try await h.store.event(messageID: "site", in: h.a.workspace.id)?.channel == .web)
            let bad = try await send(h, "/v1/track", key: h.a.writeKey, json: #"{"userId":"u","event":"E","context":{"channel":"Web Shop!"}}"#)
            #expect(bad.status == .badRequest)
        }
    }

    @Test("A channel a workspace defines is accepted; an undefined one is refused whole, naming the message", arguments: TestDatabase.engines)
    func workspaceChannels(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let batch = #"{"batch":[{"type":"track","messageId":"k-1","userId":"u","event":"Scan","context":{"channel":"store"}},{"type":"track","messageId":"k-2","userId":"u","event":"Scan","context":{"channel":"kiosk"}}]}"#
            let refused = try await send(h, "/v1/batch", key: h.a.writeKey, json: batch)
            #expect(refused.status == .badRequest)
            let problem = try refused.json()
            #expect((problem["errors"] as? [[String: Any]])?.map { $0["field"] as? String } == ["batch[1].context.channel"])
            #expect((problem["detail"] as? String)?.contains("/api/v1/channels/kiosk") == true)
            #expect(try await h.store.event(messageID: "k-1", in: h.a.workspace.id) == nil, "nothing of a refused request is stored")
            // A source cannot default to it either.
            let source = try await h.api(.post, "/api/v1/sources", key: h.a.secretKeys[.admin], json: #"{"name":"Kiosks","defaultChannel":"kiosk"}"#)
            #expect(source.status == .badRequest)

            let defined = try await h.api(.put, "/api/v1/channels/kiosk", key: h.a.secretKeys[.admin], json: #"{"label":"In-store kiosk"}"#)
            #expect(defined.status == .ok)
            #expect(try defined.json()["label"] as? String == "In-store kiosk")
            #expect(try await send(h, "/v1/batch", key: h.a.writeKey, json: batch).status == .ok)
            #expect(try await h.store.event(messageID: "k-2", in: h.a.workspace.id)?.channel == CairnCore.Channel(rawValue: "kiosk"))
            #expect(try await h.api(.post, "/api/v1/sources", key: h.a.secretKeys[.admin], json: #"{"name":"Kiosks","defaultChannel":"kiosk"}"#).status == .created)
            let listed = try await h.api(.get, "/api/v1/channels", key: h.a.secretKeys[.viewer]).json()["data"] as? [[String: Any]]
            #expect(listed?.compactMap { $0["name"] as? String } == ["web", "app", "store", "call_center", "chat", "email", "delivery", "kiosk"])

            // Another workspace has not defined it.
            #expect(try await send(h, "/v1/track", key: h.b.writeKey, json: #"{"userId":"u","event":"Scan","context":{"channel":"kiosk"}}"#).status == .badRequest)
            let builtIn = try await h.api(.put, "/api/v1/channels/web", key: h.a.secretKeys[.admin], json: #"{"label":"Web"}"#)
            #expect(builtIn.status == .badRequest)
            let unlabelled = try await h.api(.put, "/api/v1/channels/pos", key: h.a.secretKeys[.admin], json: #"{}"#)
            #expect((try unlabelled.json()["errors"] as? [[String: Any]])?.first?["field"] as? String == "label")

            // On the Sources page: an administrator defines one, and sources may then default to it.
            var admin = try await h.signIn(h.a.users[.admin]!.email)
            let defined2 = try await admin.submit(on: "/settings/sources", to: "/settings/channels", form: ["name": "pop_up", "label": "Pop-up store"])
            #expect(defined2.status == .seeOther)
            let (_, page) = try await admin.get("/settings/sources")
            #expect(page.contains(#"<option value="pop_up">Pop-up store</option>"#))
            let refusedForm = try await admin.submit(on: "/settings/sources", to: "/settings/channels", form: ["name": "Not Valid", "label": ""])
            #expect(refusedForm.status == .badRequest)
        }
    }

    @Test("Sources are managed through the API; a write key sends for its source", arguments: TestDatabase.engines)
    func sourcesThroughTheAPI(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let admin = h.a.secretKeys[.admin]
            let created = try await h.api(.post, "/api/v1/sources", key: admin, json: #"{"name":"Berlin store tills","defaultChannel":"store"}"#)
            #expect(created.status == .created)
            let sourceID = try #require(try created.json()["id"] as? String)
            let keyResponse = try await h.api(.post, "/api/v1/keys", key: admin, json: #"{"kind":"write","name":"Till 1","source":"\#(sourceID)"}"#)
            #expect(keyResponse.status == .created)
            let token = try #require(try keyResponse.json()["token"] as? String)
            #expect(try await send(h, "/v1/track", key: token, json: #"{"messageId":"till-1","userId":"u","event":"Purchase"}"#).status == .ok)
            let event = try #require(try await h.store.event(messageID: "till-1", in: h.a.workspace.id))
            #expect(event.channel == .store && event.sourceID.rawValue == sourceID)
            let after = try await h.api(.get, "/api/v1/sources/\(sourceID)", key: admin).json()
            #expect(after["eventCount"] as? Int == 1)
            #expect(after["lastSeenAt"] is String)

            let limited = try await h.api(.patch, "/api/v1/sources/\(sourceID)", key: admin, json: #"{"rateLimit":25}"#).json()
            #expect(limited["rateLimit"] as? Int == 25)
            let unlimited = try await h.api(.patch, "/api/v1/sources/\(sourceID)", key: admin, json: #"{"rateLimit":null}"#).json()
            #expect(unlimited["rateLimit"] == nil || unlimited["rateLimit"] is NSNull)
            let bad = try await h.api(.post, "/api/v1/sources", key: admin, json: #"{"name":"","defaultChannel":"Not A Channel","rateLimit":0}"#)
            #expect(bad.status == .badRequest)

            // A source of another workspace cannot be named.
            let foreign = try #require(try await h.store.sources(in: h.b.workspace.id, after: nil, limit: 1).items.first)
            let refused = try await h.api(.post, "/api/v1/keys", key: admin, json: #"{"kind":"write","name":"x","source":"\#(foreign.id)"}"#)
            #expect(refused.status == .badRequest)
            #expect((try refused.json()["errors"] as? [[String: Any]])?.first?["field"] as? String == "source")
        }
    }

    @Test("Events are queried by type, name, channel, person and time, newest first", arguments: TestDatabase.engines)
    func queryEvents(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let batch = #"{"batch":[{"type":"track","userId":"ann","event":"Order Completed","timestamp":"2026-01-01T10:00:00Z","context":{"channel":"store"}},{"type":"track","userId":"ann","event":"Case Opened","timestamp":"2026-01-02T10:00:00Z","context":{"channel":"call_center"}},{"type":"identify","anonymousId":"anon-7","timestamp":"2026-01-03T10:00:00Z"},{"type":"track","userId":"bob","event":"Order Completed","timestamp":"2026-01-04T10:00:00Z"}]}"#
            #expect(try await send(h, "/v1/batch", key: h.a.writeKey, json: batch).status == .ok)
            func names(_ query: String) async throws -> [String] {
                let response = try await h.api(.get, "/api/v1/events\(query)", key: h.a.secretKeys[.viewer])
                #expect(response.status == .ok, "\(query): \(response.text)")
                return (try response.json()["data"] as? [[String: Any]] ?? []).map { ($0["name"] as? String) ?? ($0["kind"] as? String ?? "") }
            }
            #expect(try await names("") == ["Order Completed", "identify", "Case Opened", "Order Completed"])
            #expect(try await names("?type=track&event=Order%20Completed") == ["Order Completed", "Order Completed"])
            #expect(try await names("?channel=call_center") == ["Case Opened"])
            #expect(try await names("?userId=ann") == ["Case Opened", "Order Completed"])
            #expect(try await names("?anonymousId=anon-7") == ["identify"])
            #expect(try await names("?since=2026-01-02T00:00:00Z&until=2026-01-04T00:00:00Z") == ["identify", "Case Opened"])
            #expect(try await names("?limit=3").count == 3)
            let bad = try await h.api(.get, "/api/v1/events?type=purchase&since=yesterday&channel=No", key: h.a.secretKeys[.viewer])
            #expect(bad.status == .badRequest)
            #expect(Set((try bad.json()["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }) == ["type", "since", "channel"])
            #expect((try await h.api(.get, "/api/v1/events", key: h.b.secretKeys[.admin]).json()["data"] as? [Any])?.isEmpty == true)
        }
    }

    @Test("A source over its rate limit gets 429 with Retry-After")
    func rateLimit() async throws {
        try await Harness.run(.sqlite) { h in
            let admin = Administration(store: h.store, passwordHasher: testPasswordHasher, clock: h.clock.source)
            let source = try await admin.createSource(name: "Kiosk", defaultChannel: .store, rateLimit: 5, by: h.a.principal(.admin), origin: .console)
            let key = try await admin.createKey(kind: .write, name: "kiosk", role: nil, source: source.id, by: h.a.principal(.admin), origin: .console).token
            let hundred = "{\"batch\":[" + (0..<100).map { #"{"type":"track","userId":"u","event":"Tap \#($0)"}"# }.joined(separator: ",") + "]}"
            #expect(try await send(h, "/v1/batch", key: key, json: hundred).status == .ok, "a burst of ten seconds' worth (at least 100)")
            let over = try await send(h, "/v1/batch", key: key, json: hundred)
            #expect(over.status == .tooManyRequests)
            #expect(over.headers[.init("Retry-After")!] == "20")
            #expect(try over.json()["code"] as? String == "rate_limited")
            h.clock.advance(by: 20)
            #expect(try await send(h, "/v1/batch", key: key, json: hundred).status == .ok)
            #expect(try await h.store.events(in: h.a.workspace.id, after: nil, limit: 200).items.filter { $0.channel == .store }.count == 200)
        }
    }
}

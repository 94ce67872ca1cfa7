import CairnCore
import CairnEngine
@testable import CairnServer
import CairnStore
import CairnTestSupport
import Hummingbird
import Logging
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// Gaps an attacker's probe found (issue 15), each held closed.
@Suite("Hardening")
struct HardeningTests {
    @Test("After sign-in only a path on this site is followed, judged as a browser reads it (tabs and line breaks dropped, \\ as /)",
          arguments: ["/\t/evil.example/x", "/\n/evil.example", "//evil.example", "/\\evil.example", "\\/evil.example", " //evil.example",
                      "https://evil.example", "/\u{0}/evil.example", "/\r\n/evil.example"], TestDatabase.engines)
    func openRedirect(next: String, engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            var browser = Browser(client: h.client)
            let (_, page) = try await browser.get("/login?next=" + Browser.encode(next))
            #expect(!page.contains("evil.example"), "the form does not carry it on")
            let token = try #require(Browser.csrfToken(in: page))
            let response = try await browser.post("/login", form: ["email": h.a.users[.viewer]!.email, "password": SeededWorkspace.password, "_csrf": token,
                                                                   "next": next])
            #expect(response.status == .seeOther && response.headers[.location] == "/", "\(String(describing: response.headers[.location]))")
        }
    }

    @Test("A path on this site is still followed after sign-in", arguments: TestDatabase.engines)
    func sameSiteRedirect(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            var browser = Browser(client: h.client)
            let (_, page) = try await browser.get("/login?next=%2Fsettings%2Fusers%3Fx%3D1")
            let token = try #require(Browser.csrfToken(in: page))
            let response = try await browser.post("/login", form: ["email": h.a.users[.viewer]!.email, "password": SeededWorkspace.password, "_csrf": token,
                                                                   "next": "/settings/users?x=1"])
            #expect(response.headers[.location] == "/settings/users?x=1")
        }
    }

    @Test("Someone guessing a colleague's password from their machine never locks the colleague out", arguments: TestDatabase.engines)
    func noLockoutForOthers(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let authenticator = Authenticator(store: h.store, configuration: .init(passwordHasher: testPasswordHasher), clock: h.clock.source)
            let email = h.a.users[.viewer]!.email
            let attacker = RequestOrigin(ipAddress: "192.0.2.66"), owner = RequestOrigin(ipAddress: "198.51.100.7")
            var refused = 0
            for _ in 0..<30 {
                do { _ = try await authenticator.signIn(email: email, password: "guess-guess-guess", origin: attacker) } catch AccessError.throttled { refused += 1 } catch {}
            }
            #expect(refused >= 26, "the guesser waits after three failures")
            let signedIn = try await authenticator.signIn(email: email, password: SeededWorkspace.password, origin: owner)
            #expect(signedIn.user.email == email, "the owner, from their own address, signs in at once")
        }
    }

    /// Makes a second administrator, signs them in and has them make a secret admin key on the settings page.
    static func keyMadeByASecondAdmin(_ h: Harness) async throws -> (user: String, token: String) {
        let admin = h.a.secretKeys[.admin]!
        let created = try await h.api(.post, "/api/v1/users", key: admin,
                                      json: #"{"email":"second-admin@alpha.example","role":"admin","password":"a long enough password"}"#)
        #expect(created.status == .created, "\(created.text)")
        let user = try #require((try created.json()["user"] as? [String: Any])?["id"] as? String)
        var browser = try await h.signIn("second-admin@alpha.example", password: "a long enough password")
        let response = try await browser.submit(on: "/settings/keys", to: "/settings/keys", form: ["kind": "secret", "name": "Their script", "role": "admin"])
        var page = String(buffer: response.body)
        if response.status == .seeOther, let location = response.headers[.location] { page = try await browser.get(location).1 }
        let range = try #require(page.range(of: #"id="created-token" class="token">[^<]+"#, options: .regularExpression))
        return (user, String(page[range].split(separator: ">").last!))
    }

    @Test("A key acts at most with its maker's current role, shows its maker, and ends with its maker; the audit log says so",
          arguments: TestDatabase.engines)
    func keysAnswerToTheirMaker(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let admin = h.a.secretKeys[.admin]!
            let (user, token) = try await Self.keyMadeByASecondAdmin(h)
            #expect(try await h.api(.get, "/api/v1/users", key: token).status == .ok, "an admin's admin key reads users")
            let listed = try await h.api(.get, "/api/v1/keys", key: admin).text
            #expect(listed.contains(#""createdBy":"user:\#(user)""#), "the key list says who made it")

            // Demoted to viewer: the key acts as a viewer from the next request on.
            #expect(try await h.api(.patch, "/api/v1/users/\(user)", key: admin, json: #"{"role":"viewer"}"#).status == .ok)
            #expect(try await h.api(.get, "/api/v1/users", key: token).status == .forbidden)
            #expect(try await h.api(.get, "/api/v1/profiles", key: token).status == .ok, "still what a viewer may")
            var browser = try await h.signIn(h.a.users[.admin]!.email)
            let (_, keysPage) = try await browser.get("/settings/keys")
            #expect(keysPage.contains("second-admin") || keysPage.contains("Second"), "the page names the maker")
            #expect(keysPage.contains("acts as Viewer"), "the page says the key acts as a viewer")
            var audit = try await h.store.auditLog(in: h.a.workspace.id, after: nil, limit: 50).items
            #expect(audit.contains { $0.action == .keyCapped && $0.details["to"] == "viewer" })

            // Removed: their keys are revoked, with a reason in the log.
            #expect(try await h.api(.delete, "/api/v1/users/\(user)", key: admin).status == .noContent)
            #expect(try await h.api(.get, "/api/v1/profiles", key: token).status == .unauthorized)
            audit = try await h.store.auditLog(in: h.a.workspace.id, after: nil, limit: 50).items
            #expect(audit.contains { $0.action == .keyRevoked && $0.details["reason"] == "maker removed" })
        }
    }

    @Test("An open event stream ends as soon as its key is revoked", arguments: TestDatabase.engines)
    func streamEndsOnRevocation(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let admin = h.a.secretKeys[.admin]!
            let created = try await h.api(.post, "/api/v1/keys", key: admin, json: #"{"kind":"secret","role":"viewer","name":"dashboard"}"#).json()
            let token = try #require(created["token"] as? String), id = try #require((created["key"] as? [String: Any])?["id"] as? String)
            async let streamed = h.api(.get, "/api/v1/events/stream", key: token)
            try await Task.sleep(for: .milliseconds(700))
            #expect(try await h.api(.post, "/api/v1/keys/\(id)/revoke", key: admin).status == .ok)
            let started = ContinuousClock.now
            let text = try await streamed.text
            #expect(text.contains("event: access-ended"), "\(text)")
            #expect(ContinuousClock.now - started < .seconds(3), "it ends within a poll, not when the client leaves")
        }
    }

    @Test("Identifiers refuse control and invisible characters; traits refuse control characters; look-alike emails fold or are refused",
          arguments: TestDatabase.engines)
    func identifiers(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let basic: HTTPFields = [.authorization: "Basic " + Data("\(h.a.writeKey):".utf8).base64EncodedString(), .contentType: "application/json"]
            func identify(_ json: String) async throws -> TestResponse {
                try await h.client.execute(uri: "/v1/identify", method: .post, headers: basic, body: ByteBuffer(string: json))
            }
            for (json, field) in [(#"{"userId":"a-user-1\u0000evil"}"#, "userId"), (#"{"anonymousId":"x\u202Ey"}"#, "anonymousId"),
                                  (#"{"userId":"u1","traits":{"name":"Ada\u0007"}}"#, "traits.name"),
                                  (#"{"userId":"u1","traits":{"email":"ada\u200B@example.com"}}"#, "traits.email"),
                                  (#"{"userId":"u1","traits":{"address":{"city":"Bern\u0000"}}}"#, "traits.address.city")] {
                let response = try await identify(json)
                #expect(response.status == .badRequest && response.text.contains(#""field":"\#(field)""#), "\(json): \(response.text)")
            }
            #expect(try await identify(#"{"userId":"u1","traits":{"note":"line one\nline two\ttab"}}"#).status == .ok, "tabs and line breaks are text")
            // The rules for emails, as written in docs/roles.md.
            #expect(try Credentials.validateEmail("ａｄａ@example.com") == "ada@example.com", "fullwidth folds into plain letters")
            #expect(try Credentials.validateEmail("ade\u{0301}@example.com") == "ad\u{00E9}@example.com", "composed")
            #expect(throws: ValidationError.self) { try Credentials.validateEmail("ada\u{200B}@example.com") }
            #expect(throws: ValidationError.self) { try Credentials.validateEmail("ada@example.com\u{0}x") }
            #expect(throws: ValidationError.self) { try Credentials.validateEmail("\u{202E}moc.elpmaxe@ada") }
            #expect(Identifier.normalised(kind: .userID, "a-user-1\u{0}evil") == nil)
        }
    }

    @Test("What cannot be represented is refused, naming the field: far-off times, 1e300 totals; bad JSON says what is wrong",
          arguments: TestDatabase.engines)
    func unrepresentable(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let basic: HTTPFields = [.authorization: "Basic " + Data("\(h.a.writeKey):".utf8).base64EncodedString(), .contentType: "application/json"]
            func send(_ path: String, _ body: ByteBuffer) async throws -> TestResponse {
                try await h.client.execute(uri: path, method: .post, headers: basic, body: body)
            }
            let far = try await send("/v1/track", ByteBuffer(string: #"{"userId":"u1","event":"Viewed","sentAt":"9999-12-31T00:00:00Z"}"#))
            #expect(far.status == .badRequest && far.text.contains(#""field":"sentAt""#), "\(far.text)")
            let huge = try await send("/v1/track", ByteBuffer(string: #"{"userId":"u1","event":"Order Completed","properties":{"order_id":"o1","total":1e300,"currency":"EUR"}}"#))
            #expect(huge.status == .badRequest && huge.text.contains(#""field":"properties.total""#), "\(huge.text)")
            let price = try await send("/v1/track", ByteBuffer(string: #"{"userId":"u1","event":"Order Completed","properties":{"order_id":"o2","products":[{"sku":"A","price":"1e300","quantity":1}]}}"#))
            #expect(price.status == .badRequest && price.text.contains(#""field":"properties.products[0].price""#), "\(price.text)")
            for (body, words) in [("{\"a\":NaN}", "NaN"), ("{\"a\":Infinity}", "Infinity"), ("{\"a\":1e400}", "too large"),
                                  ("\u{FEFF}{\"userId\":\"u\",\"event\":\"E\"}", "byte-order mark")] {
                let response = try await send("/v1/track", ByteBuffer(string: body))
                #expect(response.status == .badRequest && response.text.contains(words), "\(body): \(response.text)")
            }
            var invalid = ByteBuffer(string: #"{"userId":"u","event":""#)
            invalid.writeBytes([0xFF, 0xFE])
            invalid.writeString(#""}"#)
            let bytes = try await send("/v1/track", invalid)
            #expect(bytes.status == .badRequest && bytes.text.contains("UTF-8"), "\(bytes.text)")
            let api = try await h.api(.post, "/api/v1/products", key: h.a.secretKeys[.manager]!, json: #"{"sku":"X","name":"X","price":NaN}"#)
            #expect(api.status == .badRequest && api.text.contains("NaN"), "\(api.text)")
        }
    }

    @Test("A message just under 32 KiB is accepted whole; over it, 413", arguments: TestDatabase.engines)
    func messageSizeBoundary(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let basic: HTTPFields = [.authorization: "Basic " + Data("\(h.a.writeKey):".utf8).base64EncodedString(), .contentType: "application/json"]
            func message(bytes: Int) -> String {
                let head = #"{"userId":"u1","event":"Big","properties":{"text":""#, tail = #""}}"#
                return head + String(repeating: "a", count: bytes - head.utf8.count - tail.utf8.count) + tail
            }
            for size in [32_697, 32_768] {
                let response = try await h.client.execute(uri: "/v1/track", method: .post, headers: basic, body: ByteBuffer(string: message(bytes: size)))
                #expect(response.status == .ok, "\(size) bytes: \(response.text)")
            }
            let over = try await h.client.execute(uri: "/v1/track", method: .post, headers: basic, body: ByteBuffer(string: message(bytes: 32_769)))
            #expect(over.status == .contentTooLarge)
        }
    }

    @Test("A personal link's response cannot be continued from the public link with its r value", arguments: TestDatabase.engines)
    func holdBelongsToItsLink(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let manager = h.a.secretKeys[.manager]!, agent = h.a.secretKeys[.agent]!
            let customer = try await h.a.customer(in: h.store)
            let survey = try await h.api(.post, "/api/v1/surveys", key: manager, json: #"{"template":"relationship_nps"}"#).json()
            let id = try #require(survey["id"] as? String), publicLink = try #require(survey["link"] as? String)
            _ = try await h.api(.post, "/api/v1/surveys/\(id)/status", key: manager, json: #"{"status":"published"}"#)
            _ = try await h.api(.post, "/api/v1/profiles/\(customer)/consent", key: agent, json: #"{"purpose":"surveys","status":"granted"}"#)
            let invited = try await h.api(.post, "/api/v1/surveys/\(id)/invitations", key: manager, json: #"{"profileId":"\#(customer)"}"#).json()
            let personal = try #require(invited["link"] as? String)
            var browser = Browser(client: h.client)
            let first = try await browser.send(.post, personal, headers: [.contentType: "application/x-www-form-urlencoded"], body: "question=nps&answer=2")
            let page = String(buffer: first.body)
            let range = try #require(page.range(of: #"name="r" value="[^"]*""#, options: .regularExpression))
            let held = String(page[range].split(separator: "\"")[3])
            // The public link with the personal response's hold: a new, separate response; the personal one is untouched.
            _ = try await browser.send(.post, publicLink, headers: [.contentType: "application/x-www-form-urlencoded"], body: "question=why&answer=hijacked&r=" + held)
            let responses = (try await h.api(.get, "/api/v1/surveys/\(id)/responses", key: manager).json()["data"] as? [[String: Any]]) ?? []
            let mine = try #require(responses.first { $0["profileId"] as? String == customer.rawValue })
            #expect((mine["answers"] as? [String: Any])?["why"] == nil, "the personal response was not continued from the public link")
        }
    }

    @Test("Adding a user whose address is taken elsewhere answers as for this workspace, never saying where", arguments: TestDatabase.engines)
    func takenAddressSaysNotWhere(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let other = h.b.users[.viewer]!.email, here = h.a.users[.viewer]!.email
            let elsewhere = try await h.api(.post, "/api/v1/users", key: h.a.secretKeys[.admin]!, json: #"{"email":"\#(other)","role":"viewer"}"#)
            let local = try await h.api(.post, "/api/v1/users", key: h.a.secretKeys[.admin]!, json: #"{"email":"\#(here)","role":"viewer"}"#)
            #expect(elsewhere.status == local.status)
            #expect(elsewhere.text.replacingOccurrences(of: other, with: "").components(separatedBy: "\"detail\"").last?.prefix(120)
                    == local.text.replacingOccurrences(of: here, with: "").components(separatedBy: "\"detail\"").last?.prefix(120))
            #expect(!elsewhere.text.lowercased().contains("another workspace") && !elsewhere.text.contains("Beta"))
        }
    }

    @Test("Webhooks to this machine, private or link-local networks are refused however the address is written", arguments: [
        "http://127.0.0.1:9/x", "http://2130706433/x", "http://0x7f.1/x", "http://0177.0.0.1/x", "http://0.0.0.0/x", "http://[::1]/x",
        "http://[::ffff:127.0.0.1]/x", "http://169.254.169.254/latest/meta-data", "http://10.1.2.3/x", "http://192.168.0.1/x", "http://localhost:8080/x",
        "http://metadata.internal/x",
    ], TestDatabase.engines)
    func webhookAddresses(url: String, engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let response = try await h.api(.post, "/api/v1/webhooks", key: h.a.secretKeys[.admin]!, json: #"{"url":"\#(url)"}"#)
            #expect(response.status == .badRequest && response.text.contains(#""field":"url""#), "\(url): \(response.text)")
        }
    }

    @Test("Public addresses are accepted; the address rules are the internet's")
    func publicWebhookAddresses() {
        #expect(WebhookAddresses.literalVerdict(host: "93.184.215.14") == .publicAddress)
        #expect(WebhookAddresses.literalVerdict(host: "[2606:4700::1111]") == .publicAddress)
        #expect(WebhookAddresses.literalVerdict(host: "172.32.0.1") == .publicAddress, "just outside 172.16/12")
        #expect(WebhookAddresses.literalVerdict(host: "172.31.255.255") == .internalAddress("172.31.255.255"))
        #expect(WebhookAddresses.literalVerdict(host: "hooks.example.com") == nil, "names are resolved")
    }

    @Test("Behind a trusted proxy the client's address comes from X-Forwarded-For; from anyone else the header is ignored")
    func trustedProxy() {
        let proxies = [AddressRange("10.0.0.0/8")!, AddressRange("::1")!]
        #expect(proxies[0].contains("10.20.30.40") && !proxies[0].contains("11.0.0.1"))
        #expect(proxies[1].contains("::1") && !proxies[1].contains("::2"))
        #expect(AddressRange("10.0.0.0/33") == nil && AddressRange("example") == nil)
    }

    @Test("Over a real socket: behind a trusted proxy each client waits for its own failures; without one, X-Forwarded-For is ignored",
          arguments: [true, false], TestDatabase.engines)
    func trustedProxyOverTheNetwork(trusted: Bool, engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { (store: Store) async throws in
            let clock = TestClock(Date())
            let seeded = try await SeededWorkspace.create(named: "Alpha", in: store, clock: clock.source)
            var configuration = Harness.configuration()
            if trusted { configuration.trustedProxies = [AddressRange("127.0.0.0/8")!] }
            let logger = Logger(label: "cairn.test.proxy")
            let router = try await buildRouter(configuration: configuration, useCases: Harness.useCases(store, clock: clock.source, logger: logger), logger: logger)
            try await Application(router: router, logger: logger).test(.live) { client in
                let email = seeded.users[.viewer]!.email
                func signIn(_ password: String, from address: String) async throws -> HTTPResponse.Status {
                    var browser = Browser(client: client, extraHeaders: [HTTPField.Name("X-Forwarded-For")!: address])
                    let (_, page) = try await browser.get("/login")
                    return try await browser.post("/login", form: ["email": email, "password": password, "_csrf": Browser.csrfToken(in: page) ?? ""]).status
                }
                for _ in 0..<4 { _ = try await signIn("wrong-wrong-wrong", from: "203.0.113.9") }
                #expect(try await signIn(SeededWorkspace.password, from: "203.0.113.9") == .tooManyRequests, "the guessing address waits")
                let owner = try await signIn(SeededWorkspace.password, from: "198.51.100.7")
                #expect(owner == (trusted ? .seeOther : .tooManyRequests), trusted ? "another client behind the proxy is not held back" : "an untrusted header changes nothing")
            }
        }
    }

    @Test("A name with a right-to-left override cannot reverse what is around it: every page shows it isolated", arguments: TestDatabase.engines)
    func overrideInNames(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let key = try #require(try await Authenticator(store: h.store, configuration: .init(passwordHasher: testPasswordHasher)).key(token: h.a.writeKey, kind: .write))
            let identify = try JSONDecoder().decode(JSONValue.self, from: Data(#"{"userId":"rlo","traits":{"name":"\u202Egnp.exe","email":"rlo@example.com"}}"#.utf8)).objectValue!
            _ = try await Ingestor(store: h.store).ingest([try TrackingMessage.parse(identify, kind: .identify, makeMessageID: { "identify-rlo" }).get()], key: key)
            try await IdentityResolver(store: h.store).resolvePending(in: h.a.workspace.id)
            var browser = try await h.signIn(h.a.users[.admin]!.email)
            let (_, list) = try await browser.get("/customers")
            #expect(list.contains("<bdi>\u{202E}gnp.exe</bdi>"), "isolated in the list")
            let profile = try #require(try await h.store.profileID(for: Identifier(kind: .userID, value: "rlo"), in: h.a.workspace.id))
            let (_, page) = try await browser.get("/customers/\(profile)")
            #expect(page.contains("<bdi>\u{202E}gnp.exe</bdi>"), "isolated on the customer's page")
        }
    }

    @Test("The Live page's stream ends when its user signs out, and when the user is removed", arguments: TestDatabase.engines)
    func streamEndsOnSignOutAndRemoval(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            for ending in ["sign out", "removal"] {
                let email = "watcher-\(ending.prefix(3))@alpha.example"
                let created = try await h.api(.post, "/api/v1/users", key: h.a.secretKeys[.admin]!,
                                              json: #"{"email":"\#(email)","role":"viewer","password":"a long enough password"}"#).json()
                let user = try #require((created["user"] as? [String: Any])?["id"] as? String)
                var browser = try await h.signIn(email, password: "a long enough password")
                let streamer = browser
                async let streamed: String = {
                    var watcher = streamer
                    return try await watcher.get("/api/v1/events/stream").1
                }()
                try await Task.sleep(for: .milliseconds(700))
                if ending == "sign out" {
                    let (_, page) = try await browser.get("/")
                    _ = try await browser.post("/logout", form: ["_csrf": Browser.csrfToken(in: page) ?? ""])
                } else {
                    #expect(try await h.api(.delete, "/api/v1/users/\(user)", key: h.a.secretKeys[.admin]!).status == .noContent)
                }
                let text = try await streamed
                #expect(text.contains("event: access-ended"), "\(ending): \(text)")
            }
        }
    }

    @Test("Sign-in waits and a source's rate limit hold across servers: each server keeps them in the shared database",
          arguments: TestDatabase.engines)
    func limitsAcrossServers(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            // Two servers are two Authenticators and two Ingestors over one database.
            let serverA = Authenticator(store: h.store, configuration: .init(passwordHasher: testPasswordHasher), clock: h.clock.source)
            let serverB = Authenticator(store: h.store, configuration: .init(passwordHasher: testPasswordHasher), clock: h.clock.source)
            let email = h.a.users[.viewer]!.email, guesser = RequestOrigin(ipAddress: "192.0.2.10")
            for _ in 0..<4 { _ = try? await serverA.signIn(email: email, password: "guess-guess-guess", origin: guesser) }
            await #expect(throws: AccessError.self, "server B makes the guesser wait too") {
                _ = try await serverB.signIn(email: email, password: SeededWorkspace.password, origin: guesser)
            }
            let admin = Administration(store: h.store, passwordHasher: testPasswordHasher, clock: h.clock.source)
            let source = try await admin.createSource(name: "Kiosk", defaultChannel: .store, rateLimit: 5, by: h.a.principal(.admin), origin: .console)
            let message = try TrackingMessage.parse(["userId": .string("u"), "event": .string("Tap")], kind: .track, makeMessageID: { UUID().uuidString }).get()
            let ingestA = Ingestor(store: h.store, clock: h.clock.source), ingestB = Ingestor(store: h.store, clock: h.clock.source)
            _ = try await ingestA.ingest(Array(repeating: message, count: 1).map { var m = $0; m.messageID = UUID().uuidString; return m } + (0..<99).map { _ in
                var m = message; m.messageID = UUID().uuidString; return m }, from: source, rateLimited: true)
            await #expect(throws: IngestError.self, "server B sees the bucket server A emptied") {
                _ = try await ingestB.ingest([message], from: source, rateLimited: true)
            }
        }
    }
}

import CairnCore
import CairnEngine
import CairnServer
import CairnStore
import CairnTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing
import NIOFoundationEssentialsCompat

@Suite("Customer profiles API")
struct ProfilesTests {
    func basic(_ key: String) -> HTTPFields {
        [.authorization: "Basic \(Data("\(key):".utf8).base64EncodedString())", .contentType: "application/json"]
    }

    @Test("The running server resolves tracked events into profiles in the background", arguments: TestDatabase.engines)
    func backgroundResolution(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { (store: Store) async throws in
            let seeded = try await SeededWorkspace.create(named: "Live", in: store)
            var logger = Logger(label: "cairn.test.profiles")
            logger.logLevel = .warning
            let app = try await buildApplication(configuration: Harness.configuration(), useCases: Harness.useCases(store, logger: logger), logger: logger)
            try await app.test(.router) { client in
                let sent = try await client.execute(uri: "/v1/batch", method: .post, headers: basic(seeded.writeKey), body: ByteBuffer(string:
                    #"{"batch":[{"type":"page","anonymousId":"v-1","name":"Home"},{"type":"identify","userId":"ada","anonymousId":"v-1","traits":{"email":"Ada@Example.com","name":"Ada"}}]}"#))
                #expect(sent.status == .ok)
                var found: [String: Any]?
                for _ in 0..<50 where found == nil {
                    let lookup = try await client.execute(uri: "/api/v1/profiles/lookup?kind=email&value=ADA@example.com", method: .get,
                                                          headers: [.authorization: "Bearer \(seeded.secretKeys[.viewer]!)"])
                    if lookup.status == .ok { found = try JSONSerialization.jsonObject(with: Data(buffer: lookup.body)) as? [String: Any] }
                    else { try await Task.sleep(for: .milliseconds(100)) }
                }
                let record = try #require(found, "the profile appeared within five seconds")
                let profile = try #require(record["profile"] as? [String: Any])
                let id = try #require(profile["id"] as? String)
                #expect((profile["traits"] as? [String: Any])?["name"].flatMap { ($0 as? [String: Any])?["value"] as? String } == "Ada")
                let timeline = try await client.execute(uri: "/api/v1/profiles/\(id)/events", method: .get,
                                                        headers: [.authorization: "Bearer \(seeded.secretKeys[.viewer]!)"])
                let events = try #require(try JSONSerialization.jsonObject(with: Data(buffer: timeline.body)) as? [String: Any])["data"] as? [[String: Any]]
                #expect(events?.count == 2, "the anonymous page view is on the same timeline")
            }
        }
    }

    @Test("The customers page finds people by any identifier and the 360 page tells their story")
    func customerPages() async throws {
        try await Harness.run(.sqlite) { h in
            _ = try await h.client.execute(uri: "/v1/batch", method: .post, headers: basic(h.a.writeKey), body: ByteBuffer(string:
                #"{"batch":[{"type":"identify","userId":"u-42","traits":{"email":"Noa@Example.com","name":"Noa Levi <b>"},"context":{"channel":"store"}},{"type":"track","userId":"u-42","event":"Order Completed","context":{"channel":"web"}}]}"#))
            try await IdentityResolver(store: h.store).resolvePending(in: h.a.workspace.id)
            var agent = try await h.signIn(h.a.users[.agent]!.email)
            let (list, listHTML) = try await agent.get("/customers?q=noa@example.com")
            #expect(list.status == .ok)
            #expect(listHTML.contains("Noa Levi &lt;b&gt;"), "names are escaped")
            let id = try #require(try await h.store.profileID(for: Identifier(kind: .userID, value: "u-42"), in: h.a.workspace.id))
            let (page, html) = try await agent.get("/customers/\(id)")
            #expect(page.status == .ok)
            #expect(html.contains("Order Completed"))
            #expect(html.contains("noa@example.com"))
            #expect(html.contains("Store") && html.contains("Web"), "channels of the journey")
            #expect(html.contains("data-purpose=\"surveys\""))
            let recorded = try await agent.submit(on: "/customers/\(id)", to: "/customers/\(id)/consent", form: ["purpose": "surveys", "status": "granted", "legalBasis": "Asked on the phone"])
            #expect(recorded.status == .seeOther)
            let consent = try await h.api(.get, "/api/v1/profiles/\(id)/consent", key: h.a.secretKeys[.viewer]).json()
            let surveys = (consent["purposes"] as? [[String: Any]])?.first { $0["purpose"] as? String == "surveys" }
            #expect(surveys?["hasConsented"] as? Bool == true)
            #expect((consent["history"] as? [[String: Any]])?.last?["recordedBy"] as? String == "user:\(h.a.users[.agent]!.id)")
            let (_, none) = try await agent.get("/customers?q=nobody@example.com")
            #expect(none.contains("id=\"no-customers\""))
            let (missing, _) = try await agent.get("/customers/5f0e7f0e-0000-4000-8000-000000000000")
            #expect(missing.status == .notFound)
        }
    }

    @Test("Everything held about a person exports as JSON, and the export is audited", arguments: TestDatabase.engines)
    func accessExport(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            _ = try await h.client.execute(uri: "/v1/batch", method: .post, headers: basic(h.a.writeKey), body: ByteBuffer(string:
                #"{"batch":[{"type":"identify","userId":"sam","traits":{"email":"sam@example.com","name":"Sam"},"context":{"consent":{"categoryPreferences":{"surveys":true}}}},{"type":"track","userId":"sam","event":"Order Completed","properties":{"total":12}}]}"#))
            try await IdentityResolver(store: h.store).resolvePending(in: h.a.workspace.id)
            let id = try #require(try await h.store.profileID(for: Identifier(kind: .userID, value: "sam"), in: h.a.workspace.id))
            #expect(try await h.api(.get, "/api/v1/profiles/\(id)/export", key: h.a.secretKeys[.agent]).status == .forbidden)
            let response = try await h.api(.get, "/api/v1/profiles/\(id)/export", key: h.a.secretKeys[.manager])
            #expect(response.status == .ok)
            #expect(response.headers[.contentDisposition]?.contains("attachment") == true)
            let document = try response.json()
            #expect((document["events"] as? [[String: Any]])?.count == 2)
            #expect((document["consent"] as? [[String: Any]])?.first?["purpose"] as? String == "surveys")
            #expect(response.text.contains("sam@example.com") && response.text.contains("Order Completed"))
            let audit = try await h.store.auditLog(in: h.a.workspace.id, after: nil, limit: 50).items
            #expect(audit.contains { $0.action == .dataExported && $0.target == "profile:\(id)" })
        }
    }

    @Test("A customer's record carries identities, traits, consent, merges and counts, by id and by lookup", arguments: TestDatabase.engines)
    func recordIsWhole(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            // An anonymous visit, then the person identifies with consent to surveys and denies marketing email; a
            // second person in another workspace must not leak in.
            for json in [#"{"batch":[{"type":"page","anonymousId":"anon-7","name":"Home","context":{"channel":"web"}}]}"#,
                         #"{"batch":[{"type":"identify","userId":"mia","anonymousId":"anon-7","traits":{"email":"Mia@Example.com","plan":"pro"},"context":{"channel":"store","consent":{"categoryPreferences":{"surveys":true,"marketing_email":false}}}},{"type":"track","userId":"mia","event":"Order Completed","context":{"channel":"call_center"}}]}"#] {
                #expect(try await h.client.execute(uri: "/v1/batch", method: .post, headers: basic(h.a.writeKey), body: ByteBuffer(string: json)).status == .ok)
            }
            _ = try await h.client.execute(uri: "/v1/batch", method: .post, headers: basic(h.b.writeKey), body: ByteBuffer(string:
                #"{"batch":[{"type":"identify","userId":"mia","traits":{"email":"mia@example.com"}},{"type":"track","userId":"mia","event":"Other"}]}"#))
            try await IdentityResolver(store: h.store).resolvePending()
            let id = try #require(try await h.store.profileID(for: Identifier(kind: .userID, value: "mia"), in: h.a.workspace.id))
            let byID = try await h.api(.get, "/api/v1/profiles/\(id)", key: h.a.secretKeys[.viewer])
            #expect(byID.status == .ok)
            let record = try byID.json()
            let byEmail = try await h.api(.get, "/api/v1/profiles/lookup?kind=email&value=MIA@example.com", key: h.a.secretKeys[.viewer]).json()
            #expect(NSDictionary(dictionary: record).isEqual(to: byEmail), "a lookup answers with the same record")
            let profile = try #require(record["profile"] as? [String: Any])
            #expect(profile["id"] as? String == id.rawValue)
            let identifiers = ((profile["identifiers"] as? [[String: Any]]) ?? []).compactMap { "\($0["kind"] ?? ""):\($0["value"] ?? "")" }
            #expect(Set(identifiers) == ["anonymous_id:anon-7", "user_id:mia", "email:mia@example.com"])
            #expect(((profile["traits"] as? [String: Any])?["plan"] as? [String: Any])?["channel"] as? String == "store")
            let counts = try #require(record["counts"] as? [String: Any])
            #expect(counts["events"] as? Int == 3, "the anonymous page view, the identify and the track")
            #expect(counts["identities"] as? Int == 3)
            #expect(counts["traits"] as? Int == 2)
            let consent = try #require(record["consent"] as? [String: Any])
            let purposes = Dictionary(uniqueKeysWithValues: ((consent["purposes"] as? [[String: Any]]) ?? []).map { ($0["purpose"] as? String ?? "", $0) })
            #expect(purposes["surveys"]?["hasConsented"] as? Bool == true)
            #expect(purposes["marketing_email"]?["hasConsented"] as? Bool == false)
            #expect(purposes["marketing_email"]?["status"] as? String == "denied")
            #expect(purposes["analytics"]?["status"] == nil || purposes["analytics"]?["status"] is NSNull, "no statement: the mode decides")
            #expect((consent["history"] as? [[String: Any]])?.count == 2)
            #expect(Set((profile["channels"] as? [String]) ?? []) == ["web", "store", "call_center"])
            // The same record through the engine agrees with the separate reads the consent API makes.
            let standing = try await h.api(.get, "/api/v1/profiles/\(id)/consent", key: h.a.secretKeys[.viewer]).json()
            #expect(NSDictionary(dictionary: standing).isEqual(to: consent))
            // Another workspace's key sees nothing of it.
            #expect(try await h.api(.get, "/api/v1/profiles/\(id)", key: h.b.secretKeys[.viewer]).status == .notFound)
        }
    }

    @Test("Customers are listed by trait, channel and last seen", arguments: TestDatabase.engines)
    func profileFilters(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            _ = try await h.client.execute(uri: "/v1/batch", method: .post, headers: basic(h.a.writeKey), body: ByteBuffer(string:
                #"{"batch":[{"type":"identify","userId":"p1","traits":{"plan":"pro"},"timestamp":"2026-01-01T00:00:00Z","context":{"channel":"store"}},{"type":"identify","userId":"p2","traits":{"plan":"free"},"timestamp":"2026-03-01T00:00:00Z"},{"type":"identify","userId":"p3","traits":{"plan":"pro"},"timestamp":"2026-03-02T00:00:00Z","context":{"channel":"call_center"}}]}"#))
            try await IdentityResolver(store: h.store).resolvePending(in: h.a.workspace.id)
            func users(_ query: String) async throws -> [String] {
                let response = try await h.api(.get, "/api/v1/profiles\(query)", key: h.a.secretKeys[.viewer])
                #expect(response.status == .ok, "\(query): \(response.text)")
                return (try response.json()["data"] as? [[String: Any]] ?? []).flatMap { profile in
                    (profile["identifiers"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String == "user_id" }.compactMap { $0["value"] as? String }
                }
            }
            #expect(try await users("?trait=plan:pro") == ["p3", "p1"])
            #expect(try await users("?channel=store") == ["p1"])
            #expect(try await users("?seenSince=2026-02-01T00:00:00Z") == ["p3", "p2"])
            #expect(try await users("?trait=plan:pro&channel=call_center") == ["p3"])
            let bad = try await h.api(.get, "/api/v1/profiles?trait=plan&seenSince=soon&channel=X", key: h.a.secretKeys[.viewer])
            #expect(Set((try bad.json()["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }) == ["trait", "seenSince", "channel"])
        }
    }

    @Test("Customers are found by part of a name, an email or a trait, in the API and on the page", arguments: TestDatabase.engines)
    func search(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            _ = try await h.client.execute(uri: "/v1/batch", method: .post, headers: basic(h.a.writeKey), body: ByteBuffer(string:
                #"{"batch":[{"type":"identify","userId":"u-1","traits":{"email":"grace@navy.example","name":"Grace Hopper","plan":"gold_100%"}},{"type":"identify","userId":"u-2","traits":{"email":"alan@bletchley.example","name":"Alan Turing","plan":"gold"}},{"type":"identify","userId":"u-3","traits":{"phone":"+44 20 7946 0001","name":"Ada"}}]}"#))
            try await IdentityResolver(store: h.store).resolvePending(in: h.a.workspace.id)
            func found(_ q: String) async throws -> [String] {
                let encoded = q.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                let body = try await h.api(.get, "/api/v1/profiles?q=\(encoded)", key: h.a.secretKeys[.viewer]).json()
                return ((body["data"] as? [[String: Any]]) ?? []).compactMap { (($0["traits"] as? [String: Any])?["name"] as? [String: Any])?["value"] as? String }.sorted()
            }
            #expect(try await found("hopper") == ["Grace Hopper"], "part of a name, whatever the case")
            #expect(try await found("BLETCHLEY") == ["Alan Turing"], "part of an email")
            #expect(try await found("gold") == ["Alan Turing", "Grace Hopper"], "any trait's text")
            #expect(try await found("gold_1") == ["Grace Hopper"], "_ is matched literally")
            #expect(try await found("%") == ["Grace Hopper"], "% is matched literally")
            #expect(try await found("u-2") == ["Alan Turing"], "a user id")
            #expect(try await found("nobody").isEmpty)
            // B's customers are never found from A.
            _ = try await h.b.customer(in: h.store)
            #expect(try await found("customer").isEmpty)

            var agent = try await h.signIn(h.a.users[.agent]!.email)
            let (_, html) = try await agent.get("/customers?q=turing")
            #expect(html.contains("Alan Turing") && !html.contains("Grace Hopper"))
            let (_, byPhone) = try await agent.get("/customers?q=%2B44%2020%207946%200001")
            #expect(byPhone.contains(">Ada<"), "a phone number in any spelling")
            let tooLong = try await h.api(.get, "/api/v1/profiles?q=\(String(repeating: "x", count: 201))", key: h.a.secretKeys[.viewer])
            #expect(tooLong.status == .badRequest)
        }
    }

    @Test("Lookups explain themselves: unknown kinds are named, unknown people are 404")
    func lookupErrors() async throws {
        try await Harness.run(.sqlite) { h in
            let key = h.a.secretKeys[.viewer]
            let bad = try await h.api(.get, "/api/v1/profiles/lookup?kind=shoe_size", key: key)
            #expect(bad.status == .badRequest)
            #expect(Set((try bad.json()["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }) == ["kind", "value"])
            #expect(try await h.api(.get, "/api/v1/profiles/lookup?kind=email&value=nobody@example.com", key: key).status == .notFound)
            #expect(try await h.api(.get, "/api/v1/profiles/5f0e7f0e-0000-4000-8000-000000000000", key: key).status == .notFound)
            let list = try await h.api(.get, "/api/v1/profiles", key: key)
            #expect(list.status == .ok)
        }
    }

    @Test("A merged profile's old id leads to the survivor, with the merge on record")
    func mergedIDsLeadOn() async throws {
        try await Harness.run(.sqlite) { h in
            for json in [#"{"batch":[{"type":"page","anonymousId":"old-visitor","name":"Home"}]}"#,
                         #"{"batch":[{"type":"identify","userId":"zoe","traits":{"name":"Zoë"}}]}"#] {
                _ = try await h.client.execute(uri: "/v1/batch", method: .post, headers: basic(h.a.writeKey), body: ByteBuffer(string: json))
                try await IdentityResolver(store: h.store).resolvePending(in: h.a.workspace.id)
            }
            let visitor = try #require(try await h.store.profileID(for: Identifier(kind: .anonymousID, value: "old-visitor"), in: h.a.workspace.id))
            let zoe = try #require(try await h.store.profileID(for: Identifier(kind: .userID, value: "zoe"), in: h.a.workspace.id))
            _ = try await h.client.execute(uri: "/v1/track", method: .post, headers: basic(h.a.writeKey),
                                           body: ByteBuffer(string: #"{"userId":"zoe","anonymousId":"old-visitor","event":"Signed Up"}"#))
            try await IdentityResolver(store: h.store).resolvePending(in: h.a.workspace.id)
            let loser = visitor == zoe ? zoe : (try await h.store.profile(id: visitor, in: h.a.workspace.id)?.mergedInto == nil ? zoe : visitor)
            let response = try await h.api(.get, "/api/v1/profiles/\(loser)", key: h.a.secretKeys[.agent])
            #expect(response.status == .ok)
            let body = try response.json()
            #expect(body["mergedInto"] as? String != nil)
            #expect((body["merges"] as? [[String: Any]])?.first?["refusal"] == nil || (body["merges"] as? [[String: Any]])?.first?["refusal"] is NSNull)
            #expect((body["profile"] as? [String: Any])?["id"] as? String == body["mergedInto"] as? String)
            // The old id's timeline is the survivor's: all three events, the anonymous page view included.
            let timeline = try await h.api(.get, "/api/v1/profiles/\(loser)/events", key: h.a.secretKeys[.agent]).json()
            #expect(((timeline["data"] as? [[String: Any]]) ?? []).compactMap { $0["kind"] as? String }.sorted() == ["identify", "page", "track"])
        }
    }
}

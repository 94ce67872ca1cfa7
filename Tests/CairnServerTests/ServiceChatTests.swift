import CairnAnalytics
import CairnCore
import CairnEngine
import CairnStore
import CairnTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import JWTKit
import NIOCore
import Testing

@Suite("Live chat: the bot answers first and hands over to a person")
struct ServiceChatTests {
    struct Claims: JWTPayload {
        var sub: SubjectClaim
        var exp: ExpirationClaim
        func verify(using algorithm: some JWTAlgorithm) throws { try exp.verifyNotExpired() }
    }

    func post(_ h: Harness, _ path: String, _ json: String) async throws -> TestResponse {
        try await h.client.execute(uri: path, method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: json))
    }

    @Test("A visitor's question is answered from the knowledge base; asking for a person queues the chat (position, wait) or routes it to an online agent who answers live; a signed identity token lets the bot tell the customer where their order is; with nobody online the chat becomes an email case",
          arguments: TestDatabase.engines)
    func chat(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let manager = h.a.secretKeys[.manager]!, agentKey = h.a.secretKeys[.agent]!, writeKey = h.a.writeKey
            #expect(try await h.api(.post, "/api/v1/kb-articles", key: manager, json: #"{"language":"en","title":"Returning an item","body":"You can return any item within 30 days. Print the free return label from your account."}"#).status == .created)
            #expect(try await h.api(.post, "/api/v1/kb-articles", key: manager, json: #"{"language":"he","title":"החזרת מוצר","body":"אפשר להחזיר כל מוצר תוך 30 יום. הדפיסו את תווית ההחזרה מהחשבון."}"#).status == .created)
            let badArticle = try await h.api(.post, "/api/v1/kb-articles", key: manager, json: #"{"language":"fr","title":"","body":""}"#)
            #expect(badArticle.status == .badRequest && badArticle.text.contains("language") && badArticle.text.contains("title") && badArticle.text.contains("body"))

            // The bot answers from the knowledge base, and the chat is a case on the chat channel.
            let started = try await post(h, "/v1/chat/conversations", #"{"writeKey":"\#(writeKey)","message":"How do I return an item?","language":"en"}"#)
            #expect(started.status == .created, "\(started.text)")
            let first = try started.json()
            let token = try #require(first["token"] as? String)
            let view = try #require(first["view"] as? [String: Any])
            let conversation = try #require(view["conversationId"] as? String)
            let messages = try #require(view["messages"] as? [[String: Any]])
            #expect(messages.map { $0["author"] as? String } == ["customer", "bot"] && (messages.last?["body"] as? String)?.hasPrefix("Returning an item:") == true)
            #expect(view["state"] as? String == "bot")
            // Another token, or another workspace's key, sees nothing.
            #expect(try await h.client.execute(uri: "/v1/chat/conversations/\(conversation)?writeKey=\(writeKey)&token=nope", method: .get).status == .notFound)
            #expect(try await h.client.execute(uri: "/v1/chat/conversations/\(conversation)?writeKey=\(h.b.writeKey)&token=\(token)", method: .get).status == .notFound)
            #expect(try await post(h, "/v1/chat/conversations", #"{"writeKey":"\#(writeKey)","message":"","language":"fr"}"#).text.contains(#""field":"language""#))

            // Asking for a person with nobody online: the chat waits, first in the queue.
            let waiting = try await post(h, "/v1/chat/conversations/\(conversation)/messages", #"{"writeKey":"\#(writeKey)","token":"\#(token)","message":"I want to talk to a human"}"#).json()
            #expect(waiting["state"] as? String == "waiting" && waiting["queuePosition"] as? Int == 1 && waiting["expectedWaitMinutes"] as? Int == 3)
            let handed = try await h.api(.get, "/api/v1/cases/\(conversation)", key: agentKey).json()
            let notes = ((handed["messages"] as? [[String: Any]]) ?? []).filter { $0["author"] as? String == "note" }.compactMap { $0["body"] as? String }
            #expect(notes.contains { $0.hasPrefix("Bot handed over (asked)") }, "the agent sees why and what the bot tried: \(notes)")

            // An agent goes online; a Hebrew visitor asks for a person and is routed to them; the agent answers live.
            var agent = try await h.signIn(h.a.users[.agent]!.email)
            #expect(try await agent.submit(on: "/service", to: "/service/availability", fields: [("status", "online"), ("languages", "en"), ("languages", "he")]).status.code < 400)
            let hebrew = try await post(h, "/v1/chat/conversations", #"{"writeKey":"\#(writeKey)","message":"אני רוצה לדבר עם נציג","language":"he"}"#).json()
            let hebrewView = try #require(hebrew["view"] as? [String: Any])
            let hebrewID = try #require(hebrewView["conversationId"] as? String), hebrewToken = try #require(hebrew["token"] as? String)
            #expect(hebrewView["state"] as? String == "agent" && hebrewView["agentName"] as? String == "agent")
            #expect((hebrewView["messages"] as? [[String: Any]])?.last?["body"] as? String == "אני מעביר אותך לנציג.")
            #expect(try await h.api(.post, "/api/v1/cases/\(hebrewID)/messages", key: agentKey, json: #"{"body":"שלום! במה אפשר לעזור?"}"#).status == .created)
            let live = try await h.client.execute(uri: "/v1/chat/conversations/\(hebrewID)?writeKey=\(writeKey)&token=\(hebrewToken)", method: .get).json()
            #expect(((live["messages"] as? [[String: Any]]) ?? []).last?["body"] as? String == "שלום! במה אפשר לעזור?")
            // Pushed, not polled: the visitor's stream and the agent's case stream carry the next message as soon as it is
            // stored (Server-Sent Events, woken by the commit — the agent's stream would otherwise look again only after 15 s).
            #expect(try await h.client.execute(uri: "/v1/chat/conversations/\(hebrewID)/stream?writeKey=\(writeKey)&token=nope", method: .get).status == .notFound)
            #expect(try await h.api(.get, "/api/v1/cases/\(hebrewID)/stream?limit=0", key: agentKey).status == .badRequest)
            #expect(try await h.api(.get, "/api/v1/cases/\(hebrewID)/stream", key: h.b.secretKeys[.agent]!).status == .notFound)
            async let visitorStream = h.client.execute(uri: "/v1/chat/conversations/\(hebrewID)/stream?writeKey=\(writeKey)&token=\(hebrewToken)&limit=2", method: .get)
            async let agentStream = h.api(.get, "/api/v1/cases/\(hebrewID)/stream?limit=2", key: agentKey)
            try await Task.sleep(for: .milliseconds(300))
            let began = ContinuousClock.now
            #expect(try await h.api(.post, "/api/v1/cases/\(hebrewID)/messages", key: agentKey, json: #"{"body":"הנה תווית ההחזרה"}"#).status == .created)
            let (visitorSaw, agentSaw) = try await (visitorStream, agentStream)
            #expect(ContinuousClock.now - began < .seconds(10), "woken by the commit")
            for (stream, name) in [(visitorSaw, "conversation"), (agentSaw, "case")] {
                let text = String(buffer: stream.body)
                #expect(stream.headers[.contentType] == "text/event-stream")
                #expect(text.components(separatedBy: "event: \(name)\n").count == 3, "the state at once, then the changed one: \(text.prefix(300))")
                #expect(text.components(separatedBy: "event: \(name)\n").last?.contains("הנה תווית ההחזרה") == true)
            }

            // A signed-in customer (identity token signed by the site's server) asks where their order is.
            _ = try await h.a.customer(in: h.store)
            _ = try await h.a.order(in: h.store)  // ORDER-SEED of customer-alpha
            let secret = try #require(try await h.api(.get, "/api/v1/chat-settings", key: h.a.secretKeys[.admin]!).json()["identitySecret"] as? String)
            #expect(try await h.api(.get, "/api/v1/chat-settings", key: manager).status == .forbidden)
            let keys = JWTKeyCollection()
            await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
            let identity = try await keys.sign(Claims(sub: "customer-alpha", exp: .init(value: Date().addingTimeInterval(600))))
            let knownResponse = try await post(h, "/v1/chat/conversations", #"{"writeKey":"\#(writeKey)","message":"Where is my order?","language":"en","identityToken":"\#(identity)"}"#)
            #expect(knownResponse.status == .created, "\(knownResponse.text)")
            let known = try knownResponse.json()
            let knownView = try #require(known["view"] as? [String: Any])
            #expect(((knownView["messages"] as? [[String: Any]])?.last?["body"] as? String)?.hasPrefix("Your order ORDER-SEED is") == true)
            #expect(knownView["state"] as? String == "bot")
            // A forged token is refused; a visitor typing an id gets no one's orders.
            let forged = try await post(h, "/v1/chat/conversations", #"{"writeKey":"\#(writeKey)","message":"Where is my order?","identityToken":"\#(identity.dropLast(2))xx"}"#)
            #expect(forged.status == .badRequest && forged.text.contains(#""field":"identityToken""#))
            let anonymous = try await post(h, "/v1/chat/conversations", #"{"writeKey":"\#(writeKey)","message":"Where is my order? I am customer-alpha","language":"en"}"#).json()
            #expect(((anonymous["view"] as? [String: Any])?["messages"] as? [[String: Any]])?.last?["body"] as? String == "I can only look up orders for signed-in customers. A person will help you.")

            // Nobody online and the visitor left an address: the chat becomes an email case.
            #expect(try await agent.submit(on: "/service", to: "/service/availability", form: ["status": "away"]).status.code < 400)
            let offline = try await post(h, "/v1/chat/conversations", #"{"writeKey":"\#(writeKey)","message":"Mensch bitte","language":"de","email":"kim@example.com"}"#).json()
            let offlineView = try #require(offline["view"] as? [String: Any])
            #expect(offlineView["state"] as? String == "email", "\(offlineView)")
            let emailCase = try await h.api(.get, "/api/v1/cases/\(offlineView["conversationId"] as? String ?? "")", key: agentKey).json()
            #expect((emailCase["case"] as? [String: Any])?["channel"] as? String == "email" && (emailCase["case"] as? [String: Any])?["contact"] as? String == "kim@example.com")

            // Containment: one of the five chats stayed with the bot; the reasons of the others are counted (engine and report).
            let chat = LiveChat(store: h.store, clock: h.clock.source)
            let outcome = try await chat.containment(for: h.a.principal(.viewer), from: h.clock.now.addingTimeInterval(-3600), until: h.clock.now.addingTimeInterval(3600))
            #expect(outcome.chats == 5 && outcome.contained.successes == 1)
            #expect(outcome.reasons == ["asked": 3, "cannot_help": 1])
            let tomorrow = h.clock.now.addingTimeInterval(86_400).formatted(.iso8601.year().month().day())
            let report = try await h.api(.get, "/api/v1/reports/service?until=\(tomorrow)", key: h.a.secretKeys[.viewer]!).json()
            let chats = try #require(report["chat"] as? [String: Any])
            #expect(chats["chats"] as? Int == 5 && (chats["containment"] as? [String: Any])?["successes"] as? Int == 1)
            #expect((chats["handovers"] as? [String: Int]) == ["asked": 3, "cannot_help": 1])

            // Routing by skill: with two agents online, a chat for returns goes to the one who has that skill — although
            // the other (with no open chat) is less busy, which decides otherwise.
            let agentID = h.a.users[.agent]!.id.rawValue, managerID = h.a.users[.manager]!.id.rawValue
            #expect(try await h.api(.put, "/api/v1/agent-availability", key: agentKey, json: #"{"status":"online","languages":["en"],"skills":["returns"],"userId":"\#(agentID)"}"#).status == .ok)
            #expect(try await h.api(.put, "/api/v1/agent-availability", key: agentKey, json: #"{"status":"online","languages":["en"],"userId":"\#(managerID)"}"#).status == .ok)
            let plain = try await post(h, "/v1/chat/conversations", #"{"writeKey":"\#(writeKey)","message":"human please","language":"en"}"#).json()
            let plainID = try #require((plain["view"] as? [String: Any])?["conversationId"] as? String)
            #expect((try await h.api(.get, "/api/v1/cases/\(plainID)", key: agentKey).json()["case"] as? [String: Any])?["assigneeId"] as? String == managerID)
            let skilled = try await post(h, "/v1/chat/conversations", #"{"writeKey":"\#(writeKey)","message":"human please","language":"en","skill":"returns"}"#).json()
            let skilledID = try #require((skilled["view"] as? [String: Any])?["conversationId"] as? String)
            #expect((try await h.api(.get, "/api/v1/cases/\(skilledID)", key: agentKey).json()["case"] as? [String: Any])?["assigneeId"] as? String == agentID)
            let unknownTeam = try await post(h, "/v1/chat/conversations", #"{"writeKey":"\#(writeKey)","message":"hi","team":"\#(TeamID.generate())"}"#)
            #expect(unknownTeam.status == .badRequest && unknownTeam.text.contains(#""field":"team""#))
        }
    }
}

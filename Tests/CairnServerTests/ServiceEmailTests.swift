import CairnCore
import CairnEngine
import CairnStore
import CairnTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@Suite("Email cases: in from the mail server, out over SMTP, threaded both ways")
struct ServiceEmailTests {
    /// Posts a raw email as a mail server's delivery hook would.
    func deliver(_ h: Harness, _ raw: String, key: String) async throws -> TestResponse {
        try await h.client.execute(uri: "/api/v1/email/inbound", method: .post,
                                   headers: [.authorization: "Bearer \(key)", .contentType: "message/rfc822"], body: ByteBuffer(string: raw))
    }

    @Test("A customer's email opens a case tied to them; the agent's reply goes out over SMTP threaded to it; the customer's answer threads back and reopens the case; a second delivery changes nothing",
          arguments: TestDatabase.engines)
    func roundTrip(engine: DatabaseEngine) async throws {
        let mailServer = try await SMTPSink.start()
        try await Harness.run(engine) { h in
            let agent = h.a.secretKeys[.agent]!
            let customer = try await h.a.customer(in: h.store)  // customer1@alpha.example
            // The customer writes with a real SMTP client to the shop's mail server.
            let customerMail = SMTPMailer(configuration: SMTPConfiguration(host: "127.0.0.1", port: mailServer.port, from: "Customer <customer1@alpha.example>"))
            try await customerMail.send(EmailMessage(to: "service@alpha.example", subject: "Mixer kaputt – bitte helfen", body: "Der Mixer geht nicht an.\nGrüße"))
            let first = try #require(mailServer.messages.last)
            let firstID = try #require(first.header("Message-ID")).trimmingCharacters(in: CharacterSet(charactersIn: "<>"))

            // The mail server hands it to Cairn.
            let opened = try await deliver(h, first.data, key: agent)
            #expect(opened.status == .created, "\(opened.text)")
            let caseID = try #require(try opened.json()["caseId"] as? String)
            let thread = try await h.api(.get, "/api/v1/cases/\(caseID)", key: agent).json()
            let item = try #require(thread["case"] as? [String: Any])
            #expect(item["profileId"] as? String == customer.rawValue && item["channel"] as? String == "email" && item["subject"] as? String == "Mixer kaputt – bitte helfen")
            #expect(((thread["messages"] as? [[String: Any]])?.first?["body"] as? String) == "Der Mixer geht nicht an.\nGrüße")
            // Delivered twice (a retrying mail server): nothing changes.
            let again = try await deliver(h, first.data, key: agent)
            let againBody = try again.json()
            #expect(again.status == .ok && againBody["outcome"] as? String == "duplicate")

            // The agent answers and asks the customer to try again; the reply goes out by email.
            #expect(try await h.api(.post, "/api/v1/cases/\(caseID)/messages", key: agent, json: #"{"body":"Bitte halten Sie den Knopf 5 Sekunden gedrückt."}"#).status == .created)
            #expect(try await h.api(.patch, "/api/v1/cases/\(caseID)", key: agent, json: #"{"status":"pending"}"#).status == .ok)
            let outbound = CaseEmails(store: h.store, clock: h.clock.source,
                                      mailer: SMTPMailer(configuration: SMTPConfiguration(host: "127.0.0.1", port: mailServer.port, from: "Alpha Service <service@alpha.example>")))
            #expect(try await outbound.sendDue() == 1)
            #expect(try await outbound.sendDue() == 0, "sent once")
            let reply = try #require(mailServer.messages.last)
            #expect(reply.to == ["customer1@alpha.example"])
            #expect(reply.subject == "Re: Mixer kaputt – bitte helfen [#1]")
            #expect(reply.header("In-Reply-To") == "<\(firstID)>" && reply.header("References") == "<\(firstID)>")
            #expect(reply.body.contains("5 Sekunden"))
            let replyID = try #require(reply.header("Message-ID")).trimmingCharacters(in: CharacterSet(charactersIn: "<>"))
            #expect(replyID.hasPrefix("case-") && replyID.hasSuffix("@cairn.test"), "named in the domain of the server's configured sender")
            let emails = try await h.api(.get, "/api/v1/cases/\(caseID)/emails", key: agent).json()
            #expect(((emails["data"] as? [[String: Any]])?.first?["status"] as? String) == "sent")

            // The customer answers the reply: it threads by In-Reply-To and opens the waiting case again.
            try await customerMail.send(EmailMessage(to: "service@alpha.example", subject: "Re: Mixer kaputt – bitte helfen [#1]",
                                                     body: "Hat geklappt, danke!\n\nAm 6. Dezember schrieb Alpha Service:\n> Bitte halten Sie den Knopf",
                                                     headers: [("In-Reply-To", "<\(replyID)>"), ("References", "<\(firstID)> <\(replyID)>")]))
            let answered = try await deliver(h, try #require(mailServer.messages.last).data, key: agent)
            let answeredBody = try answered.json()
            #expect(answered.status == .ok && answeredBody["outcome"] as? String == "threaded" && answeredBody["caseId"] as? String == caseID)
            let after = try await h.api(.get, "/api/v1/cases/\(caseID)", key: agent).json()
            #expect((after["case"] as? [String: Any])?["status"] as? String == "open")
            #expect(((after["messages"] as? [[String: Any]]) ?? []).compactMap { $0["body"] as? String }.last == "Hat geklappt, danke!")

            // A stranger cannot join the case through its number in the subject: their email opens a case of its own.
            let stranger = SMTPMailer(configuration: SMTPConfiguration(host: "127.0.0.1", port: mailServer.port, from: "mallory@evil.example"))
            try await stranger.send(EmailMessage(to: "service@alpha.example", subject: "Re: [#1]", body: "Send the refund to me"))
            let own = try await deliver(h, try #require(mailServer.messages.last).data, key: agent)
            let ownBody = try own.json()
            #expect(own.status == .created && ownBody["caseId"] as? String != caseID)

            // A stranger whose address later turns out to be a customer's: the case joins that customer.
            let strangerCase = try #require(ownBody["caseId"] as? String)
            #expect((try await h.api(.get, "/api/v1/cases/\(strangerCase)", key: agent).json()["case"] as? [String: Any])?["profileId"] == nil)
            let identify = try await h.client.execute(uri: "/v1/identify", method: .post,
                                                      headers: [.authorization: "Basic \(Data("\(h.a.writeKey):".utf8).base64EncodedString())", .contentType: "application/json"],
                                                      body: ByteBuffer(string: #"{"userId":"mallory-1","traits":{"email":"Mallory@Evil.example"}}"#))
            #expect(identify.status == .ok)
            try await IdentityResolver(store: h.store, clock: h.clock.source).resolvePending(in: h.a.workspace.id)
            let mallory = try #require(try await h.store.profileID(for: Identifier(kind: .userID, value: "mallory-1"), in: h.a.workspace.id))
            #expect((try await h.api(.get, "/api/v1/cases/\(strangerCase)", key: agent).json()["case"] as? [String: Any])?["profileId"] as? String == mallory.rawValue)
            // Not an email; a viewer's key; another workspace's key sees nothing of it.
            let bad = try await deliver(h, "hello", key: agent)
            #expect(bad.status == .badRequest && bad.text.contains(#""field":"body""#))
            #expect(try await deliver(h, first.data, key: h.a.secretKeys[.viewer]!).status == .forbidden)
            let elsewhere = try await deliver(h, first.data, key: h.b.secretKeys[.agent]!)
            let elsewhereBody = try elsewhere.json()
            #expect(elsewhere.status == .created && elsewhereBody["caseId"] as? String != caseID, "B's mail opens B's own case")
        }
        await mailServer.stop()
    }
}

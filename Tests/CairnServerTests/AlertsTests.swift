import AsyncHTTPClient
import CairnCore
import CairnEngine
import CairnStore
import CairnTestSupport
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Synchronization
import Testing

/// A real HTTP server on loopback that records what it is sent and answers with the status it is told to.
final class HookReceiver: Sendable {
    let received = Mutex<[(headers: HTTPFields, body: String)]>([])
    let answer = Mutex<HTTPResponse.Status>(.internalServerError)
    /// Sent as `Location` with every answer when set (a redirect).
    let location = Mutex<String?>(nil)
    let port = Mutex<Int?>(nil)

    func start() async throws -> Task<Void, any Error> {
        let router = Router()
        router.post("hook") { [self] request, _ -> Response in
            let body = String(buffer: try await request.body.collect(upTo: 1 << 20))
            received.withLock { $0.append((request.headers, body)) }
            var headers = HTTPFields()
            if let location = location.withLock({ $0 }) { headers[.location] = location }
            return Response(status: answer.withLock { $0 }, headers: headers)
        }
        router.get("hook") { [self] request, _ -> Response in
            received.withLock { $0.append((request.headers, "GET")) }
            return Response(status: .ok)
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { [self] channel in port.withLock { $0 = channel.localAddress?.port } })
        let task = Task { try await app.runService() }
        for _ in 0..<200 where port.withLock({ $0 }) == nil { try await Task.sleep(for: .milliseconds(20)) }
        return task
    }
}

@Suite("Feedback alerts and signed webhooks")
struct AlertsTests {
    @Test("Detractors and low CSAT go to the alert feed and to a signed webhook, retried with backoff until accepted, with a delivery log",
          arguments: TestDatabase.engines)
    func alertsAndWebhooks(engine: DatabaseEngine) async throws {
        let receiver = HookReceiver()
        let server = try await receiver.start()
        defer { server.cancel() }
        let port = try #require(receiver.port.withLock { $0 })
        try await Harness.run(engine, allowPrivateWebhooks: true) { h in
            let admin = h.a.secretKeys[.admin]!, manager = h.a.secretKeys[.manager]!
            #expect(try await h.api(.post, "/api/v1/webhooks", key: admin, json: #"{"url":"ftp://nope"}"#).text.contains(#""field":"url""#))
            #expect(try await h.api(.post, "/api/v1/webhooks", key: manager, json: #"{"url":"http://127.0.0.1:\#(port)/hook"}"#).status == .forbidden)
            let created = try await h.api(.post, "/api/v1/webhooks", key: admin, json: #"{"url":"http://127.0.0.1:\#(port)/hook","events":["feedback.alert"]}"#)
            #expect(created.status == .created)
            let secret = try #require(try created.json()["secret"] as? String)
            let endpoint = try #require((try created.json()["endpoint"] as? [String: Any])?["id"] as? String)
            #expect(secret.hasPrefix("whsec_"))
            // Read as JSON: a base64 secret may hold "/", which JSON text may write as "\/".
            let listed = try await h.api(.get, "/api/v1/webhooks", key: admin)
            let shown = ((try listed.json()["data"] as? [[String: Any]]) ?? []).flatMap { $0.values.compactMap { $0 as? String } }
            #expect(!shown.contains(secret) && shown.contains(String(secret.prefix(12))), "the secret is shown once: \(shown)")

            #expect(try await h.api(.put, "/api/v1/feedback-alert-settings", key: manager, json: #"{"csatAtMost":3}"#).json()["csatAtMost"] as? Int == 3)
            #expect(try await h.api(.put, "/api/v1/feedback-alert-settings", key: manager, json: #"{"csatAtMost":9}"#).status == .badRequest)
            let nps = try await h.api(.post, "/api/v1/surveys", key: manager, json: #"{"template":"relationship_nps"}"#).json()
            let csat = try await h.api(.post, "/api/v1/surveys", key: manager, json: #"{"template":"post_delivery_csat"}"#).json()
            for survey in [nps, csat] { _ = try await h.api(.post, "/api/v1/surveys/\(survey["id"] as? String ?? "")/status", key: manager, json: #"{"status":"published"}"#) }
            func answer(_ survey: [String: Any], _ fields: String, r: String = "") async throws -> String {
                var browser = Browser(client: h.client)
                let response = try await browser.send(.post, survey["link"] as? String ?? "", headers: [.contentType: "application/x-www-form-urlencoded"], body: fields + "&r=" + r)
                let html = String(buffer: response.body)
                guard let range = html.range(of: #"name="r" value="([^"]*)""#, options: .regularExpression) else { return "" }
                return html[range].split(separator: "\"")[3].description
            }
            let held = try await answer(nps, "question=nps&answer=3")
            _ = try await answer(nps, "question=why&answer=Nobody+called+back", r: held)
            _ = try await answer(nps, "question=nps&answer=9")
            _ = try await answer(csat, "question=csat&answer=3")
            _ = try await answer(csat, "question=csat&answer=4")

            let feed = (try await h.api(.get, "/api/v1/feedback-alerts", key: h.a.secretKeys[.viewer]!).json()["data"] as? [[String: Any]]) ?? []
            #expect(feed.compactMap { $0["kind"] as? String }.sorted() == ["detractor", "low_csat"])
            #expect(feed.contains { $0["kind"] as? String == "detractor" && $0["score"] as? Int == 3 })

            // First round: the receiver is down (500); nothing more is due until the pause has passed.
            let webhooks = Webhooks(store: h.store, clock: h.clock.source, allowPrivateAddresses: true)
            let logger = Logger(label: "test.webhooks")
            #expect(try await webhooks.deliverDue(client: .shared, logger: logger) == 2)
            #expect(try await webhooks.deliverDue(client: .shared, logger: logger) == 0)
            receiver.answer.withLock { $0 = .ok }
            h.clock.advance(by: 31)
            #expect(try await webhooks.deliverDue(client: .shared, logger: logger) == 2)
            let deliveries = (try await h.api(.get, "/api/v1/webhooks/\(endpoint)/deliveries", key: admin).json()["data"] as? [[String: Any]]) ?? []
            #expect(deliveries.count == 2 && deliveries.allSatisfy { $0["status"] as? String == "succeeded" && $0["attempts"] as? Int == 2 && $0["lastStatusCode"] as? Int == 200 })

            // Each body is signed as Standard Webhooks say: base64 HMAC-SHA256 of "<webhook-id>.<webhook-timestamp>.<body>",
            // keyed with the secret's base64 bytes (worked here with CryptoKit's HMAC, not Cairn's own function).
            let got = receiver.received.withLock { $0 }
            #expect(got.count == 4)
            let key = try #require(Data(base64Encoded: String(secret.dropFirst(6))))
            for (headers, body) in got {
                let id = try #require(headers[HTTPField.Name("webhook-id")!]), timestamp = try #require(headers[HTTPField.Name("webhook-timestamp")!])
                let mac = HMAC<SHA256>.authenticationCode(for: Data("\(id).\(timestamp).\(body)".utf8), using: SymmetricKey(data: key))
                #expect(headers[HTTPField.Name("webhook-signature")!] == "v1," + Data(mac).base64EncodedString())
                #expect(headers[HTTPField.Name("Cairn-Signature")!] == nil)
                #expect(headers[HTTPField.Name("Cairn-Event")!] == "feedback.alert")
            }
            let detractor = try #require(got.first { $0.body.contains(#""kind":"detractor""#) })
            // Raised as soon as the score is given, so a customer who leaves before the comment is still followed up.
            #expect(detractor.body.contains(#""score":3"#) && detractor.body.contains(#""question":"nps""#) && !detractor.body.contains("Nobody called back"), "\(detractor.body)")

            // Removing the endpoint stops what was waiting for it.
            #expect(try await h.api(.delete, "/api/v1/webhooks/\(endpoint)", key: admin).status == .noContent)
            #expect(try await h.api(.get, "/api/v1/webhooks/\(endpoint)/deliveries", key: admin).status == .notFound)
        }
    }

    @Test("A webhook never follows a redirect, and an address that turns internal is refused at delivery, with nothing of the network kept")
    func redirectsAndInternalAddresses() async throws {
        let first = HookReceiver(), second = HookReceiver()
        let servers = [try await first.start(), try await second.start()]
        defer { for server in servers { server.cancel() } }
        let firstPort = try #require(first.port.withLock { $0 }), secondPort = try #require(second.port.withLock { $0 })
        first.answer.withLock { $0 = .temporaryRedirect }
        first.location.withLock { $0 = "http://127.0.0.1:\(secondPort)/hook" }
        try await Harness.run(.sqlite, allowPrivateWebhooks: true) { h in
            let admin = h.a.secretKeys[.admin]!, manager = h.a.secretKeys[.manager]!
            let created = try await h.api(.post, "/api/v1/webhooks", key: admin, json: #"{"url":"http://127.0.0.1:\#(firstPort)/hook"}"#).json()
            let endpoint = try #require((created["endpoint"] as? [String: Any])?["id"] as? String)
            let csat = try await h.api(.post, "/api/v1/surveys", key: manager, json: #"{"template":"post_delivery_csat"}"#).json()
            _ = try await h.api(.post, "/api/v1/surveys/\(csat["id"] as? String ?? "")/status", key: manager, json: #"{"status":"published"}"#)
            var browser = Browser(client: h.client)
            _ = try await browser.send(.post, csat["link"] as? String ?? "", headers: [.contentType: "application/x-www-form-urlencoded"], body: "question=csat&answer=1")
            let logger = Logger(label: "test.webhooks")
            #expect(try await Webhooks(store: h.store, clock: h.clock.source, allowPrivateAddresses: true).deliverDue(logger: logger) == 1)
            #expect(first.received.withLock { $0.count } == 1 && second.received.withLock { $0.isEmpty }, "the redirect was not followed")
            var deliveries = (try await h.api(.get, "/api/v1/webhooks/\(endpoint)/deliveries", key: admin).json()["data"] as? [[String: Any]]) ?? []
            #expect((deliveries.first?["lastError"] as? String)?.contains("redirects are not followed") == true, "\(deliveries)")

            // The same endpoint when private addresses are not allowed (as if its name now resolved inside): refused
            // before anything is sent, and given up.
            h.clock.advance(by: 31)
            #expect(try await Webhooks(store: h.store, clock: h.clock.source).deliverDue(logger: logger) == 1)
            #expect(first.received.withLock { $0.count } == 1)
            deliveries = (try await h.api(.get, "/api/v1/webhooks/\(endpoint)/deliveries", key: admin).json()["data"] as? [[String: Any]]) ?? []
            #expect(deliveries.first?["status"] as? String == "failed" && deliveries.first?["lastError"] as? String == "refused: the address is not public")

            // A receiver that is down leaves no trace of how the network answered.
            let closed = try await h.api(.post, "/api/v1/webhooks", key: admin, json: #"{"url":"http://127.0.0.1:9/hook"}"#).json()
            let closedID = try #require((closed["endpoint"] as? [String: Any])?["id"] as? String)
            _ = try await browser.send(.post, csat["link"] as? String ?? "", headers: [.contentType: "application/x-www-form-urlencoded"], body: "question=csat&answer=2")
            _ = try await Webhooks(store: h.store, clock: h.clock.source, allowPrivateAddresses: true).deliverDue(logger: logger)
            let down = (try await h.api(.get, "/api/v1/webhooks/\(closedID)/deliveries", key: admin).json()["data"] as? [[String: Any]]) ?? []
            #expect(down.first?["lastError"] as? String == "no answer", "\(down)")
        }
    }
}

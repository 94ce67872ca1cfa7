import CairnAnalytics
import CairnCore
import CairnEngine
import CairnStore
import CairnTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@Suite("Figures by touchpoint, product and segment")
struct SurveyBreakdownTests {
    @Test("CSAT per touchpoint, per product of the order asked about, per channel and per customer trait equals the figures of the answers in each group",
          arguments: TestDatabase.engines)
    func breakdown(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let manager = h.a.secretKeys[.manager]!
            _ = try await h.api(.put, "/api/v1/channels/app", key: h.a.secretKeys[.admin]!, json: #"{"label":"App"}"#)
            for (sku, name) in [("TEE", "Tee"), ("MUG", "Mug")] {
                _ = try await h.api(.post, "/api/v1/products", key: manager, json: #"{"sku":"\#(sku)","name":"\#(name)","price":"10.00","currency":"EUR"}"#)
            }
            _ = try await h.api(.post, "/api/v1/orders", key: manager, json: #"{"orderId":"A-1","currency":"EUR","lines":[{"sku":"TEE","quantity":1},{"sku":"MUG","quantity":2}]}"#)
            _ = try await h.api(.post, "/api/v1/orders", key: manager, json: #"{"orderId":"A-2","currency":"EUR","lines":[{"sku":"MUG","quantity":1}]}"#)
            // Customers with a tier trait.
            let key = try #require(try await Authenticator(store: h.store, configuration: .init(passwordHasher: testPasswordHasher)).key(token: h.a.writeKey, kind: .write))
            for (user, tier) in [("u-gold", "gold"), ("u-basic", "basic")] {
                let identify = try JSONDecoder().decode(JSONValue.self, from: Data(#"{"userId":"\#(user)","traits":{"tier":"\#(tier)"}}"#.utf8)).objectValue!
                _ = try await Ingestor(store: h.store).ingest([try TrackingMessage.parse(identify, kind: .identify, makeMessageID: { "identify-\(user)" }).get()], key: key)
            }
            try await IdentityResolver(store: h.store).resolvePending(in: h.a.workspace.id)

            let survey = try await h.api(.post, "/api/v1/surveys", key: manager, json: #"{"template":"post_delivery_csat"}"#).json()
            let id = try #require(survey["id"] as? String), link = try #require(survey["link"] as? String)
            _ = try await h.api(.post, "/api/v1/surveys/\(id)/status", key: manager, json: #"{"status":"published"}"#)
            func send(_ score: Int, user: String, touchpoint: String, order: String?, channel: String) async throws -> TestResponse {
                let orderField = order.map { #","orderId":"\#($0)""# } ?? ""
                return try await h.client.execute(uri: "/v1/surveys/\(link.dropFirst(3))/responses", method: .post, headers: [.contentType: "text/plain"],
                                                  body: ByteBuffer(string: #"{"writeKey":"\#(h.a.writeKey)","userId":"\#(user)","channel":"\#(channel)","touchpoint":"\#(touchpoint)"\#(orderField),"answers":{"csat":\#(score)}}"#))
            }
            let answers: [(Int, String, String, String?, String)] = [
                (5, "u-gold", "delivery", "A-1", "app"), (4, "u-gold", "delivery", "A-2", "web"), (2, "u-basic", "delivery", "A-2", "app"),
                (5, "u-basic", "checkout", nil, "web"), (1, "u-basic", "checkout", nil, "web"),
            ]
            for (score, user, touchpoint, order, channel) in answers {
                #expect(try await send(score, user: user, touchpoint: touchpoint, order: order, channel: channel).status == .created)
            }
            #expect(try await send(3, user: "u-gold", touchpoint: String(repeating: "x", count: 101), order: nil, channel: "web").status == .badRequest)

            func groups(_ by: String) async throws -> [String: [String: Any]] {
                let response = try await h.api(.get, "/api/v1/surveys/\(id)/breakdown?question=csat&by=\(by)", key: manager)
                #expect(response.status == .ok, "\(response.text)")
                let data = (try response.json()["data"] as? [[String: Any]]) ?? []
                return Dictionary(uniqueKeysWithValues: data.map { ($0["key"] as! String, ($0["figure"] as! [String: Any])["csat"] as! [String: Any]) })
            }
            func expect(_ group: [String: Any]?, scores: [Int], _ comment: Comment) {
                let expected = Proportion(successes: scores.filter { $0 >= 4 }.count, n: scores.count)
                #expect(group?["n"] as? Int == expected.n && group?["percent"] as? Double == expected.percent, comment)
            }
            // Whether the groups differ at all: χ² on groups × satisfied-or-not, as SciPy's
            // chi2_contingency([[2, 1], [1, 1]], correction=False): 0.138889, p 0.709388, Cramér's V 0.166667.
            let byTouchpoint = try await h.api(.get, "/api/v1/surveys/\(id)/breakdown?question=csat&by=touchpoint", key: manager).json()
            let difference = try #require(byTouchpoint["difference"] as? [String: Any])
            #expect(difference["test"] as? String == "chi_squared" && difference["degreesOfFreedom"] as? Double == 1)
            #expect(abs((difference["statistic"] as? Double ?? 0) - 0.13888888888888884) < 1e-9 && abs((difference["pValue"] as? Double ?? 0) - 0.7093881150142265) < 1e-9)
            #expect(abs((difference["effectSize"] as? Double ?? 0) - 0.16666666666666663) < 1e-9 && difference["isApproximate"] as? Bool == true, "expected counts below 5")
            let byProduct = try await h.api(.get, "/api/v1/surveys/\(id)/breakdown?question=csat&by=product", key: manager).json()
            #expect((byProduct["difference"] as? [String: Any])?["isApproximate"] as? Bool == true, "one response counts for two products")
            // Read a page at a time (here two responses a page), the figures are the same as read at once.
            let paged = try await SurveyResults(store: h.store, clock: h.clock.source).breakdown(
                of: SurveyID(id)!, question: "csat", by: .touchpoint, from: h.clock.now.addingTimeInterval(-86_400), until: h.clock.now.addingTimeInterval(86_400),
                for: h.a.principal(.manager), pageSize: 2)
            #expect(Dictionary(uniqueKeysWithValues: paged.groups.map { ($0.key, $0.figure.csat?.n ?? 0) }) == ["delivery": 3, "checkout": 2])
            let touchpoints = try await groups("touchpoint")
            expect(touchpoints["delivery"], scores: [5, 4, 2], "delivery")
            expect(touchpoints["checkout"], scores: [5, 1], "checkout")
            let products = try await groups("product")
            expect(products["TEE · Tee"], scores: [5], "tee: order A-1")
            expect(products["MUG · Mug"], scores: [5, 4, 2], "mug: orders A-1 and A-2")
            expect(products["unknown"], scores: [5, 1], "no order")
            let tiers = try await groups("trait:tier")
            expect(tiers["gold"], scores: [5, 4], "gold")
            expect(tiers["basic"], scores: [2, 5, 1], "basic")
            let channels = try await groups("channel")
            expect(channels["app"], scores: [5, 2], "app")
            #expect(try await h.api(.get, "/api/v1/surveys/\(id)/breakdown?question=csat&by=colour", key: manager).status == .badRequest)
            #expect(try await h.api(.get, "/api/v1/surveys/\(id)/breakdown?question=why&by=touchpoint", key: manager).status == .badRequest)
        }
    }
}

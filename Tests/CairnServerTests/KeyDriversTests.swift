import CairnCore
import CairnEngine
import CairnStore
import CairnTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// Expected weights from NumPy 2.4.6 on the same twelve rows (Johnson's relative weights by `numpy.linalg.eigh`, outside
/// the code under test): delivery 38.8954 %, product 27.3643 %, service case 33.7402 %, R² 0.991698. Performance by
/// hand: delivery and product mean 3.25 on 1–5 → 56.25; a case for 4 of 12 → 66.67 without.
@Suite("Key drivers of a survey's outcome")
struct KeyDriversTests {
    @Test("Ratings and a service case drive NPS: weights, R², performance and the fix-first quadrant through the API and the page; bad input names the field",
          arguments: TestDatabase.engines)
    func drivers(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let manager = h.a.secretKeys[.manager]!, agent = h.a.secretKeys[.agent]!
            let made = try await h.api(.post, "/api/v1/surveys", key: manager, json: #"""
                {"name":"Relationship","definition":{"title":{"en":"Us"},"questions":[
                  {"id":"nps","type":"nps","text":{"en":"Recommend us?"}},
                  {"id":"delivery","type":"csat","text":{"en":"The delivery"}},
                  {"id":"product","type":"rating","scale":{"min":1,"max":5},"text":{"en":"The product"}}]}}
                """#).json()
            let surveyID = try #require(made["id"] as? String), token = try #require((made["link"] as? String)?.dropFirst(3)).description
            _ = try await h.api(.post, "/api/v1/surveys/\(surveyID)/status", key: manager, json: #"{"status":"published"}"#)
            let rows: [(delivery: Int, product: Int, hadCase: Bool, nps: Int)] = [
                (5, 4, false, 10), (4, 4, false, 9), (2, 3, true, 4), (1, 2, true, 2), (5, 5, false, 10), (3, 3, false, 7),
                (2, 4, true, 5), (4, 3, false, 8), (3, 2, false, 6), (5, 3, false, 9), (1, 1, true, 1), (4, 5, false, 9),
            ]
            for (index, row) in rows.enumerated() {
                let person = try await h.a.customer(in: h.store, named: "r\(index)")
                if row.hadCase {
                    #expect(try await h.api(.post, "/api/v1/cases", key: agent, json: #"{"profileId":"\#(person)","channel":"phone","subject":"Problem"}"#).status == .created)
                }
                h.clock.advance(by: 60)
                let body = #"{"writeKey":"\#(h.a.writeKey)","userId":"customer-r\#(index)","answers":{"nps":\#(row.nps),"delivery":\#(row.delivery),"product":\#(row.product)}}"#
                let sent = try await h.client.execute(uri: "/v1/surveys/\(token)/responses", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: body))
                #expect(sent.status == .created, "\(String(buffer: sent.body))")
            }
            let tomorrow = h.clock.now.addingTimeInterval(86_400).formatted(.iso8601.year().month().day())
            let response = try await h.api(.get, "/api/v1/insights/key-drivers?surveyId=\(surveyID)&until=\(tomorrow)", key: h.a.secretKeys[.viewer]!)
            #expect(response.status == .ok, "\(response.text)")
            let result = try response.json()
            #expect(result["rows"] as? Int == 12 && result["outcome"] as? String == "nps")
            #expect(abs((result["rSquared"] as? Double ?? 0) - 0.991698) < 1e-5)
            let drivers = Dictionary(uniqueKeysWithValues: ((result["drivers"] as? [[String: Any]]) ?? []).map { ($0["key"] as? String ?? "", $0) })
            for (key, weight, performance, quadrant) in [("question:delivery", 38.8954, 56.25, "fix_first"), ("question:product", 27.3643, 56.25, "watch"),
                                                         ("fact:service_case", 33.7402, 66.6667, "strength")] {
                let driver = try #require(drivers[key], "\(key)")
                #expect(abs((driver["weightPercent"] as? Double ?? 0) - weight) < 1e-3, "\(key) weight")
                #expect(abs((driver["performance"] as? Double ?? 0) - performance) < 1e-3, "\(key) performance")
                #expect(driver["quadrant"] as? String == quadrant, "\(key) quadrant")
                #expect((driver["lower"] as? Double ?? 101) <= (driver["weightPercent"] as? Double ?? 0) && (driver["weightPercent"] as? Double ?? 0) <= (driver["upper"] as? Double ?? -1),
                        "\(key): the bootstrap interval holds the estimate")
            }
            #expect(((result["constant"] as? [String]) ?? []).contains("Late delivery"), "nobody had a late parcel: left out, and said so")
            let bad = try await h.api(.get, "/api/v1/insights/key-drivers?surveyId=nope&from=yesterday", key: h.a.secretKeys[.viewer]!)
            #expect(bad.status == .badRequest && bad.text.contains(#""surveyId""#) && bad.text.contains(#""from""#))
            #expect(try await h.api(.get, "/api/v1/insights/key-drivers?surveyId=\(surveyID)", key: h.b.secretKeys[.viewer]!).status == .notFound)
            for (language, words) in [("en", "Fix first"), ("de", "Zuerst beheben"), ("zh-Hans", "优先改进"), ("he", "לתקן קודם")] {
                var browser = try await h.signIn(h.a.users[.manager]!.email, headers: [.acceptLanguage: language])
                let (_, page) = try await browser.get("/insights?surveyId=\(surveyID)&until=\(tomorrow)")
                #expect(page.contains(#"data-quadrant="fix_first""#) && page.contains(words) && page.contains("<svg"), "\(language)")
            }
        }
    }
}

@Suite("The touchpoint scorecard through the API")
struct TouchpointScorecardTests {
    @Test("Touchpoint × tier NPS with BH-controlled gaps — the q-values SciPy gives for these answers; bad input names the field; the page marks the gaps",
          arguments: TestDatabase.engines)
    func scorecard(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let manager = h.a.secretKeys[.manager]!
            let made = try await h.api(.post, "/api/v1/surveys", key: manager, json: #"{"template":"relationship_nps"}"#).json()
            let surveyID = try #require(made["id"] as? String), token = try #require((made["link"] as? String)?.dropFirst(3)).description
            _ = try await h.api(.post, "/api/v1/surveys/\(surveyID)/status", key: manager, json: #"{"status":"published"}"#)
            // The answers of CairnAnalyticsTests' ScorecardTests, whose p- and q-values come from SciPy.
            let groups: [(row: String, column: String, scores: [Int])] = [
                ("delivery", "gold", [10, 10, 9, 9, 9, 10, 8, 9, 10, 9, 10, 9]), ("delivery", "silver", [9, 8, 7, 10, 6, 8, 9, 7, 8, 9]),
                ("delivery", "bronze", [2, 3, 6, 5, 7, 4, 1, 6, 8, 3, 5, 2]), ("store", "gold", [9, 8, 9, 7, 10, 8]),
                ("store", "silver", [8, 9, 7, 9, 8, 10, 6]), ("store", "bronze", [9, 7, 8]),
            ]
            var index = 0
            for group in groups {
                for score in group.scores {
                    index += 1
                    let identify = #"{"userId":"s\#(index)","traits":{"tier":"\#(group.column)"}}"#
                    _ = try await h.client.execute(uri: "/v1/identify", method: .post,
                                                   headers: [.contentType: "application/json", .authorization: "Basic \(Data((h.a.writeKey + ":").utf8).base64EncodedString())"],
                                                   body: ByteBuffer(string: identify))
                    try await IdentityResolver(store: h.store, clock: h.clock.source).resolvePending(in: h.a.workspace.id)
                    let answer = #"{"writeKey":"\#(h.a.writeKey)","userId":"s\#(index)","touchpoint":"\#(group.row)","answers":{"nps":\#(score)}}"#
                    let sent = try await h.client.execute(uri: "/v1/surveys/\(token)/responses", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: answer))
                    #expect(sent.status == .created)
                }
            }
            let tomorrow = h.clock.now.addingTimeInterval(86_400).formatted(.iso8601.year().month().day())
            let result = try await h.api(.get, "/api/v1/insights/scorecard?metric=nps&by=trait:tier&until=\(tomorrow)", key: h.a.secretKeys[.viewer]!).json()
            #expect((result["rows"] as? [String]) == ["delivery", "store"] && (result["columns"] as? [String]) == ["bronze", "gold", "silver"])
            let cells = Dictionary(uniqueKeysWithValues: ((result["cells"] as? [[String: Any]]) ?? []).map { ("\($0["row"] as? String ?? "")/\($0["column"] as? String ?? "")", $0) })
            #expect(abs((cells["delivery/bronze"]?["qValue"] as? Double ?? 1) - 0.0000404229) < 1e-9 && cells["delivery/bronze"]?["gap"] as? String == "lower")
            #expect(abs((cells["delivery/gold"]?["qValue"] as? Double ?? 1) - 0.0004325696) < 1e-9 && cells["delivery/gold"]?["gap"] as? String == "higher")
            #expect(cells["delivery/silver"]?["gap"] == nil && cells["store/bronze"]?["pValue"] == nil && cells["store/bronze"]?["n"] as? Int == 3)
            let bad = try await h.api(.get, "/api/v1/insights/scorecard?metric=stars&by=colour&from=never", key: h.a.secretKeys[.viewer]!)
            #expect(bad.status == .badRequest && bad.text.contains(#""metric""#) && bad.text.contains(#""by""#) && bad.text.contains(#""from""#))
            let other = try await h.api(.get, "/api/v1/insights/scorecard?until=\(tomorrow)", key: h.b.secretKeys[.viewer]!).json()
            #expect((other["cells"] as? [[String: Any]])?.isEmpty == true, "workspace B has no answers")
            var browser = try await h.signIn(h.a.users[.viewer]!.email, headers: [.acceptLanguage: "he"])
            let (_, page) = try await browser.get("/insights/scorecard?metric=nps&by=trait&trait=tier&until=\(tomorrow)")
            #expect(page.contains(#"data-gap="lower""#) && page.contains(#"data-gap="higher""#) && page.contains("נקודת מגע"))
        }
    }

    /// Ten respondents answer NPS and a delivery rating; in the 90 days after, five buy again (7, 2, 10, 3 and 1 of a
    /// 12.50 EUR product), three do nothing at all, and one buys only on day 95. Expected from NumPy 2.4.6 (Johnson's
    /// weights by `numpy.linalg.eigh` on the same rows, outside the code under test): repurchase R² 0.757152, NPS
    /// 79.8703 %, delivery 20.1297 %; spend R² 0.602728, 25.2609 % and 74.7391 %; churn R² 0.587451, 70.0333 % and 29.9667 %.
    @Test("What respondents did in the 90 days after answering — repurchase, spend, churn — as the outcome; answers still inside their 90 days wait",
          arguments: TestDatabase.engines)
    func behaviour(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let manager = h.a.secretKeys[.manager]!
            let made = try await h.api(.post, "/api/v1/surveys", key: manager, json: #"""
                {"name":"After purchase","definition":{"title":{"en":"Us"},"questions":[
                  {"id":"nps","type":"nps","text":{"en":"Recommend us?"}},
                  {"id":"delivery","type":"rating","scale":{"min":1,"max":5},"text":{"en":"The delivery"}}]}}
                """#).json()
            let surveyID = try #require(made["id"] as? String), token = try #require((made["link"] as? String)?.dropFirst(3)).description
            _ = try await h.api(.post, "/api/v1/surveys/\(surveyID)/status", key: manager, json: #"{"status":"published"}"#)
            let sku = try #require(try await h.store.product(id: try await h.a.product(in: h.store), in: h.a.workspace.id)).sku
            let rows: [(nps: Int, delivery: Int, bought: Int, active: Bool)] = [
                (10, 5, 7, true), (9, 4, 2, true), (3, 2, 0, false), (2, 1, 0, false), (8, 5, 10, true),
                (6, 3, 0, false), (7, 2, 0, true), (9, 3, 3, true), (4, 4, 0, true), (10, 2, 1, true),
            ]
            // The customers are known first (their sign-up is activity too), the answers an hour later.
            for index in rows.indices { _ = try await h.a.customer(in: h.store, named: "b\(index)") }
            h.clock.advance(by: 3_600)
            let answeredAt = h.clock.now
            for (index, row) in rows.enumerated() {
                let body = #"{"writeKey":"\#(h.a.writeKey)","userId":"customer-b\#(index)","answers":{"nps":\#(row.nps),"delivery":\#(row.delivery)}}"#
                #expect(try await h.client.execute(uri: "/v1/surveys/\(token)/responses", method: .post, headers: [.contentType: "application/json"],
                                                   body: ByteBuffer(string: body)).status == .created)
            }
            let writer = "Basic \(Data((h.a.writeKey + ":").utf8).base64EncodedString())"
            func order(_ index: Int, quantity: Int) async throws {
                let placed = try await h.api(.post, "/api/v1/orders", key: manager,
                                             json: #"{"orderId":"B-\#(index)-\#(quantity)","userId":"customer-b\#(index)","currency":"EUR","channel":"web","lines":[{"sku":"\#(sku)","quantity":\#(quantity)}]}"#)
                #expect(placed.status == .created, "\(placed.text)")
            }
            // Ten days later: the purchases and the visits of the active ones.
            h.clock.advance(by: 10 * 86_400)
            for (index, row) in rows.enumerated() {
                if row.bought > 0 { try await order(index, quantity: row.bought) }
                if row.active {
                    let visit = #"{"batch":[{"type":"track","userId":"customer-b\#(index)","event":"Page Viewed","timestamp":"\#(h.clock.now.formatted(.iso8601))","messageId":"v-\#(index)"}]}"#
                    #expect(try await h.client.execute(uri: "/v1/batch", method: .post, headers: [.contentType: "application/json", .authorization: writer],
                                                       body: ByteBuffer(string: visit)).status == .ok)
                }
            }
            try await IdentityResolver(store: h.store, clock: h.clock.source).resolvePending(in: h.a.workspace.id)
            let from = answeredAt.addingTimeInterval(-86_400).formatted(.iso8601.year().month().day())
            func drivers(_ outcome: String) async throws -> [String: Any] {
                let response = try await h.api(.get, "/api/v1/insights/key-drivers?surveyId=\(surveyID)&outcome=\(outcome)&from=\(from)", key: h.a.secretKeys[.viewer]!)
                #expect(response.status == .ok, "\(response.text)")
                return try response.json()
            }
            // Inside the 90 days nothing can be said yet.
            #expect(try await drivers("repurchase")["rows"] as? Int == 0)
            // Day 95: one more order, outside its buyer's 90 days.
            h.clock.advance(by: 85 * 86_400)
            try await order(8, quantity: 4)
            for (outcome, r2, nps, delivery) in [("repurchase", 0.757152, 79.8703, 20.1297), ("spend", 0.602728, 25.2609, 74.7391), ("churn", 0.587451, 70.0333, 29.9667)] {
                let result = try await drivers(outcome)
                #expect(result["rows"] as? Int == 10 && result["outcome"] as? String == outcome, "\(outcome)")
                #expect(abs((result["rSquared"] as? Double ?? 0) - r2) < 1e-5, "\(outcome) R²")
                let weights = Dictionary(uniqueKeysWithValues: ((result["drivers"] as? [[String: Any]]) ?? []).map { ($0["key"] as? String ?? "", $0["weightPercent"] as? Double ?? -1) })
                #expect(abs((weights["question:nps"] ?? 0) - nps) < 1e-3 && abs((weights["question:delivery"] ?? 0) - delivery) < 1e-3, "\(outcome) \(weights)")
            }
            let unknown = try await h.api(.get, "/api/v1/insights/key-drivers?surveyId=\(surveyID)&outcome=loyalty", key: h.a.secretKeys[.viewer]!)
            #expect(unknown.status == .badRequest && unknown.text.contains(#""outcome""#) && unknown.text.contains("repurchase"))
        }
    }
}

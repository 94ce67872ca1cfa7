import CairnCore
import CairnEngine
import CairnStore
import CairnTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@Suite("Journeys as data and the journey map")
struct JourneyMapTests {
    /// Five customers on a four-stage journey, worked by hand (hours from 09:00 ten days ago):
    /// u1 views on the web (0), buys (2), is delivered (48), and opens a case now; u2 views in the app (0) and buys (26);
    /// u3 only views on the web; u4 buys (0), is delivered (24) and sends `Support Case Opened` (72); u5 is delivered (0)
    /// before buying (1). Consider: 3 reached (web 2, app 1), 2 went on (2 h and 26 h: median 14 h), u3 stopped. Buy: 4
    /// reached, u1 (46 h) and u4 (24 h) went on — u5's delivery came before the purchase — median 35 h. Receive: 3
    /// reached, u4 went on (48 h); u1's case is counted here; NPS at Order Delivered from u1 (10) and u5 (3): 0, n 2.
    @Test("Stage figures, swimlanes, scores, cases and the people behind each number; filters by channel and segment; bad input named; pages in four languages",
          arguments: TestDatabase.engines)
    func map(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let manager = h.a.secretKeys[.manager]!, viewer = h.a.secretKeys[.viewer]!, workspace = h.a.workspace.id
            let start = Date(utcDay: h.clock.now.utcDay - 10).addingTimeInterval(9 * 3600)
            func at(_ hours: Double) -> String { start.addingTimeInterval(hours * 3600).formatted(.iso8601) }
            let timeline: [(String, String, String, Double)] = [
                ("u1", "Product Viewed", "web", 0), ("u1", "Order Completed", "web", 2), ("u1", "Order Delivered", "delivery", 48),
                ("u2", "Product Viewed", "app", 0), ("u2", "Order Completed", "app", 26),
                ("u3", "Product Viewed", "web", 0),
                ("u4", "Order Completed", "web", 0), ("u4", "Order Delivered", "delivery", 24), ("u4", "Support Case Opened", "email", 72),
                ("u5", "Order Delivered", "delivery", 0), ("u5", "Order Completed", "web", 1),
            ]
            var messages = timeline.enumerated().map { index, item in
                #"{"type":"track","userId":"\#(item.0)","event":"\#(item.1)","timestamp":"\#(at(item.3))","messageId":"j-\#(index)","context":{"channel":"\#(item.2)"}}"#
            }
            messages += ["u1", "u2"].map { #"{"type":"identify","userId":"\#($0)","traits":{"tier":"gold"},"messageId":"t-\#($0)"}"# }
            #expect(try await h.track(messages))
            let profile = { (user: String) async throws -> String in try #require(try await h.store.profileID(for: Identifier(kind: .userID, value: user), in: workspace)).rawValue }
            #expect(try await h.api(.post, "/api/v1/cases", key: h.a.secretKeys[.agent]!, json: #"{"profileId":"\#(try await profile("u1"))","channel":"email","subject":"Box dented"}"#).status == .created)
            // Answers asked after Order Delivered.
            let made = try await h.api(.post, "/api/v1/surveys", key: manager, json: #"{"template":"relationship_nps"}"#).json()
            let surveyID = SurveyID(rawValue: try #require(made["id"] as? String))
            let survey = try #require(try await h.store.survey(id: surveyID, in: workspace))
            let nps = try #require(survey.definition.questions.first { $0.type == .nps }).id, why = try #require(survey.definition.questions.first { $0.type == .text }).id
            let answered = start.addingTimeInterval(50 * 3600)
            func response(_ user: String, _ score: Int, _ text: String, label: String, topics: [String]) async throws -> SurveyResponse {
                SurveyResponse(id: .generate(), workspaceID: workspace, surveyID: surveyID, profileID: ProfileID(rawValue: try await profile(user)), invitationID: nil, language: "en",
                               answers: [nps: .number(score), why: .text(text)], complete: true, startedAt: answered, updatedAt: answered, completedAt: answered,
                               insights: [why: TextInsight(language: "en", sentiment: label == "negative" ? -0.8 : 0.8, label: label, sentences: [], topics: topics, keywords: [])],
                               touchpoint: "Order Delivered")
            }
            try await h.store.insert(responses: [try await response("u1", 10, "Quick and friendly courier", label: "positive", topics: ["delivery"]),
                                                 try await response("u5", 3, "The parcel arrived damaged", label: "negative", topics: ["delivery", "product_quality"])])

            // Defining: bad input names each field; a viewer may not; the journey is listed.
            let bad = try await h.api(.post, "/api/v1/journeys", key: manager, json: #"{"name":"","stages":[{"name":"Only","events":[]}]}"#)
            #expect(bad.status == .badRequest && bad.text.contains(#""name""#) && bad.text.contains(#""stages""#) && bad.text.contains("stages[0].events"), "\(bad.text)")
            let body = #"{"name":"Shopper","stages":[{"name":"Consider","events":["Product Viewed"]},{"name":"Buy","events":["Order Completed"]},{"name":"Receive","events":["Order Delivered"]},{"name":"Get help","events":["Support Case Opened"]}]}"#
            #expect(try await h.api(.post, "/api/v1/journeys", key: viewer, json: body).status == .forbidden)
            let created = try await h.api(.post, "/api/v1/journeys", key: manager, json: body)
            #expect(created.status == .created)
            let journey = try #require(try created.json()["id"] as? String)
            #expect(((try await h.api(.get, "/api/v1/journeys", key: viewer).json()["data"] as? [[String: Any]]) ?? []).map { $0["name"] as? String } == ["Shopper", "Customer journey"])

            let from = Date(utcDay: h.clock.now.utcDay - 30).formatted(.iso8601.year().month().day())
            func map(_ extra: String = "") async throws -> [[String: Any]] {
                let response = try await h.api(.get, "/api/v1/journeys/\(journey)/map?from=\(from)\(extra)", key: viewer)
                #expect(response.status == .ok, "\(response.text)")
                return (try response.json()["stages"] as? [[String: Any]]) ?? []
            }
            let stages = try await map()
            #expect(stages.map { $0["people"] as? Int } == [3, 4, 3, 1])
            #expect(stages.map { ($0["conversionToNext"] as? [String: Any])?["successes"] as? Int } == [2, 2, 1, nil])
            #expect(stages.map { $0["dropped"] as? Int } == [1, 2, 2, 0])
            #expect(stages.map { $0["medianHoursToNext"] as? Double } == [14, 35, 48, nil])
            #expect((stages[0]["lanes"] as? [String: Int]) == ["web": 2, "app": 1] && (stages[2]["lanes"] as? [String: Int]) == ["delivery": 3])
            #expect(stages.map { $0["cases"] as? Int } == [0, 0, 1, 0])
            let receiveNPS = stages[2]["nps"] as? [String: Any]
            #expect(receiveNPS?["score"] as? Double == 0 && receiveNPS?["n"] as? Int == 2 && stages[1]["nps"] == nil)
            #expect(((stages[2]["topics"] as? [[String: Any]]) ?? []).map { $0["topic"] as? String } == ["delivery", "product_quality"])
            #expect(((stages[2]["quotes"] as? [[String: Any]]) ?? []).first?["text"] as? String == "The parcel arrived damaged", "the negative words first")
            // Filters: the app channel only; the gold segment only.
            #expect(try await map("&channel=app").map { $0["people"] as? Int } == [1, 1, 0, 0])
            #expect(try await map("&segment=trait:tier=gold").map { $0["people"] as? Int } == [2, 2, 1, 0])
            // The people behind the numbers.
            func people(_ query: String) async throws -> [String] {
                let response = try await h.api(.get, "/api/v1/journeys/\(journey)/people?from=\(from)&\(query)", key: viewer)
                #expect(response.status == .ok, "\(response.text)")
                return (try response.json()["profileIds"] as? [String]) ?? []
            }
            #expect(try await people("stage=1&kind=dropped") == [try await profile("u3")])
            #expect(Set(try await people("stage=1&kind=reached&lane=web")) == Set([try await profile("u1"), try await profile("u3")]))
            #expect(Set(try await people("stage=2&kind=converted")) == Set([try await profile("u1"), try await profile("u4")]))
            // Bad input, an unknown journey, another workspace.
            for (query, field) in [("stage=0&kind=reached", "stage"), ("stage=1&kind=bogus", "kind"), ("stage=1&segment=tier%3Dgold", "segment"), ("stage=1&channel=Web!", "channel")] {
                let response = try await h.api(.get, "/api/v1/journeys/\(journey)/people?\(query)", key: viewer)
                #expect(response.status == .badRequest && response.text.contains(#""\#(field)""#), "\(query): \(response.text)")
            }
            #expect(try await h.api(.get, "/api/v1/journeys/\(journey)/map", key: h.b.secretKeys[.viewer]!).status == .notFound)
            #expect(try await h.api(.get, "/api/v1/journeys/standard/map", key: h.b.secretKeys[.viewer]!).status == .ok)

            // The page: the map drawn, mirrored in Hebrew, numbers linking to the people; the people page links to each 360.
            for (language, heading) in [("en", "Journey map"), ("de", "Journey-Map"), ("zh-Hans", "旅程地图"), ("he", "מפת מסע")] {
                var browser = try await h.signIn(h.a.users[.viewer]!.email, headers: [.acceptLanguage: language])
                let (response, page) = try await browser.get("/journeys/map?journey=\(journey)&from=\(from)")
                #expect(response.status == .ok && page.contains(heading) && page.contains(#"id="journey-map""#), "\(language)")
                #expect(page.contains(#"direction="\#(language == "he" ? "rtl" : "ltr")""#) && page.contains(">Consider</text>") && page.contains(#"data-people="dropped""#), "\(language)")
                #expect(page.contains("kind=dropped") && page.contains("<bdi>The parcel arrived damaged</bdi>") == false && page.contains("The parcel arrived damaged"), "\(language)")
            }
            var browser = try await h.signIn(h.a.users[.viewer]!.email)
            let (_, listed) = try await browser.get("/journeys/map/people?journey=\(journey)&from=\(from)&stage=1&kind=dropped")
            #expect(listed.contains(#"href="/customers/\#(try await profile("u3"))""#) && listed.contains("1 people stopped at this stage"))
            let (badPage, _) = try await browser.get("/journeys/map?journey=\(journey)&segment=oops")
            #expect(badPage.status == .badRequest)
            // A manager defines a journey on the page (one stage a line); a line without a colon is named and kept.
            var lead = try await h.signIn(h.a.users[.manager]!.email)
            let (_, editor) = try await lead.get("/journeys/map?journey=\(journey)")
            #expect(editor.contains(#"id="journey-form""#) && editor.contains("Consider: Product Viewed\nBuy: Order Completed"))
            let (_, viewerMap) = try await browser.get("/journeys/map?journey=\(journey)")
            #expect(!viewerMap.contains(#"id="journey-form""#), "a viewer sees no editor")
            let refused = try await lead.submit(on: "/journeys/map", to: "/journeys/map/define", form: ["name": "Returns", "stages": "Bought: Order Completed\nsent back"])
            #expect(refused.status == .badRequest && String(buffer: refused.body).contains("Line 2") && String(buffer: refused.body).contains("sent back"))
            let saved = try await lead.submit(on: "/journeys/map", to: "/journeys/map/define", form: ["name": "Returns", "stages": "Bought: Order Completed\nSent back: Order Refunded, Return Started"])
            #expect(saved.status == .seeOther || saved.status == .found)
            let returns = ((try await h.api(.get, "/api/v1/journeys", key: viewer).json()["data"] as? [[String: Any]]) ?? []).first { $0["name"] as? String == "Returns" }
            #expect(((returns?["stages"] as? [[String: Any]]) ?? []).map { $0["events"] as? [String] } == [["Order Completed"], ["Order Refunded", "Return Started"]])
            // A funnel on the page is watched by name, listed, and no longer watched.
            let funnelPage = "/journeys?step=Product+Viewed&step=Order+Completed&windowDays=3"
            let (_, shown) = try await lead.get(funnelPage)
            #expect(shown.contains(#"id="watch-form""#))
            let watched = try await lead.submit(on: funnelPage, to: "/journeys/saved",
                                                   form: ["name": "View to buy", "steps": #"["Product Viewed","Order Completed"]"#, "windowDays": "3", "order": "sequential"])
            #expect(watched.status == .seeOther || watched.status == .found)
            let list = (try await h.api(.get, "/api/v1/funnels/saved", key: viewer).json()["data"] as? [[String: Any]]) ?? []
            let kept = try #require(list.first { $0["name"] as? String == "View to buy" })
            #expect((kept["funnel"] as? [String: Any])?["windowMinutes"] as? Int == 4_320)
            let (_, listed2) = try await lead.get("/journeys")
            #expect(listed2.contains("View to buy") && listed2.contains("/journeys/saved/\(kept["id"] as? String ?? "")/delete"))
            _ = try await lead.submit(on: "/journeys", to: "/journeys/saved/\(kept["id"] as? String ?? "")/delete", form: [:])
            #expect(((try await h.api(.get, "/api/v1/funnels/saved", key: viewer).json()["data"] as? [Any]) ?? [1]).isEmpty)
        }
    }
}

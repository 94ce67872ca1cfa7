import CairnAnalytics
import CairnCore
import CairnStore
import CairnTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@Suite("Survey figures over time and channel")
struct SurveyTrendTests {
    @Test("NPS per week and channel comes from daily answer counts that follow every answer, changed answers included; the figures equal those of the answers themselves",
          arguments: TestDatabase.engines)
    func trend(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let manager = h.a.secretKeys[.manager]!
            _ = try await h.api(.put, "/api/v1/channels/kiosk", key: h.a.secretKeys[.admin]!, json: #"{"label":"Kiosk"}"#)
            let survey = try await h.api(.post, "/api/v1/surveys", key: manager, json: #"{"template":"relationship_nps"}"#).json()
            let id = try #require(survey["id"] as? String), link = try #require(survey["link"] as? String)
            _ = try await h.api(.post, "/api/v1/surveys/\(id)/status", key: manager, json: #"{"status":"published"}"#)
            func widget(_ score: Int, channel: String) async throws -> TestResponse {
                try await h.client.execute(uri: "/v1/surveys/\(link.dropFirst(3))/responses", method: .post, headers: [.contentType: "text/plain"],
                                           body: ByteBuffer(string: #"{"writeKey":"\#(h.a.writeKey)","channel":"\#(channel)","answers":{"nps":\#(score)}}"#))
            }
            // Week 1: app 10, 9, 3; kiosk 7. Week 2: app 0, 10.
            var week1: [String: [Int]] = ["app": [10, 9, 3], "kiosk": [7]]
            for (channel, scores) in week1 { for score in scores { #expect(try await widget(score, channel: channel).status == .created) } }
            #expect(try await widget(9, channel: "moon").status == .badRequest, "an unknown channel is refused")
            // On the page (channel web) a detractor changes their mind: only the 10 counts.
            var browser = Browser(client: h.client)
            let first = try await browser.send(.post, link, headers: [.contentType: "application/x-www-form-urlencoded"], body: "question=nps&answer=4")
            let page = String(buffer: first.body)
            let held = try #require(page.range(of: #"name="r" value="([^"]+)""#, options: .regularExpression).map { page[$0].split(separator: "\"")[3].description })
            _ = try await browser.send(.post, link, headers: [.contentType: "application/x-www-form-urlencoded"], body: "question=nps&answer=10&r=\(held)")
            week1["web"] = [10]
            h.clock.advance(by: 7 * 86_400)
            for score in [0, 10] { _ = try await widget(score, channel: "app") }

            let window = "from=\(ISO8601DateFormatter().string(from: h.clock.now.addingTimeInterval(-60 * 86_400)))&until=\(ISO8601DateFormatter().string(from: h.clock.now.addingTimeInterval(86_400)))"
            let trend = try await h.api(.get, "/api/v1/surveys/\(id)/trend?question=nps&period=week&by=channel&\(window)", key: manager)
            #expect(trend.status == .ok, "\(trend.text)")
            let points = (try trend.json()["data"] as? [[String: Any]]) ?? []
            #expect(points.count == 4, "three channels in week 1, one in week 2")
            for (channel, scores) in week1 {
                let point = try #require(points.first { $0["channel"] as? String == channel && $0["period"] as? String == points[0]["period"] as? String })
                let nps = ((point["figure"] as? [String: Any])?["nps"] as? [String: Any]) ?? [:]
                let expected = NPS(scores: scores)
                #expect(nps["n"] as? Int == expected.n && nps["score"] as? Double == expected.score, "\(channel)")
                if let lower = (nps["interval"] as? [String: Any])?["lower"] as? Double { #expect(abs(lower - expected.interval!.lower) < 1e-9) }
            }
            let later = try #require(points.last)
            #expect(later["channel"] as? String == "app" && ((later["figure"] as? [String: Any])?["nps"] as? [String: Any])?["score"] as? Double == 0)
            // Without channels, the week's answers are pooled.
            let pooled = (try await h.api(.get, "/api/v1/surveys/\(id)/trend?question=nps&period=month&\(window)", key: manager).json()["data"] as? [[String: Any]]) ?? []
            let all = week1.values.flatMap { $0 } + [0, 10]
            #expect(pooled.reduce(0) { $0 + ((($1["figure"] as? [String: Any])?["nps"] as? [String: Any])?["n"] as? Int ?? 0) } == all.count)
            #expect(try await h.api(.get, "/api/v1/surveys/\(id)/trend?question=why", key: manager).status == .badRequest, "text questions have no figure")
        }
    }
}

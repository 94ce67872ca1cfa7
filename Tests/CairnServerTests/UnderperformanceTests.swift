import CairnCore
import CairnEngine
import CairnStore
import CairnTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@Suite("Underperformance alerts: where the business runs below its normal")
struct UnderperformanceTests {
    /// Seven weeks of normal days, then the last days worse: NPS at a touchpoint from about 40 to −25, late parcels
    /// from about 3 % to 67 %, a saved funnel's conversion from about 80 % to 20 % — each an episode raised once, with
    /// its since-when and figures, in the feed, by webhook, on the pages in four languages; back to normal, it ends.
    @Test("Three series that drop are raised once each, with since-when and by-how-much, by webhook, in the feed and on the overview; recovery or a deleted funnel ends them",
          arguments: TestDatabase.engines)
    func episodes(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let manager = h.a.secretKeys[.manager]!, viewer = h.a.secretKeys[.viewer]!, workspace = h.a.workspace.id
            let hook = try await h.api(.post, "/api/v1/webhooks", key: h.a.secretKeys[.admin]!, json: #"{"url":"https://hooks.example/cx","events":["insight.underperformance"]}"#)
            #expect(hook.status == .created)
            // 01:00 UTC: yesterday is the last complete day.
            h.clock.advance(by: Double(h.clock.now.utcDay + 1) * 86_400 + 3600 - h.clock.now.timeIntervalSince1970)
            let today = h.clock.now.utcDay
            let first = today - Int64(Underperformance.trainingDays + Underperformance.watchedDays)
            @Sendable func day(_ index: Int) -> Date { Date(utcDay: first + Int64(index)) }

            // NPS at "Order Delivered": 20 answers a day, NPS 35/40/45 in turn; from index 106 on, 5 promoters and 10 detractors (−25).
            let made = try await h.api(.post, "/api/v1/surveys", key: manager, json: #"{"template":"relationship_nps"}"#).json()
            let surveyID = SurveyID(rawValue: try #require(made["id"] as? String))
            _ = try await h.api(.post, "/api/v1/surveys/\(surveyID)/status", key: manager, json: #"{"status":"published"}"#)
            let survey = try #require(try await h.store.survey(id: surveyID, in: workspace))
            let question = try #require(survey.definition.questions.first { $0.type == .nps }).id
            func answers(_ range: Range<Int>, bad: (Int) -> Bool) -> [SurveyResponse] {
                range.flatMap { index -> [SurveyResponse] in
                    let promoters = bad(index) ? 5 : 11 + index % 3, detractors = bad(index) ? 10 : 4
                    return (0..<20).map { n in
                        let score = n < promoters ? 10 : n < promoters + detractors ? 3 : 8
                        let at = day(index).addingTimeInterval(Double(8 * 3600 + n * 600))
                        return SurveyResponse(id: .generate(), workspaceID: workspace, surveyID: surveyID, profileID: nil, invitationID: nil, language: "en",
                                              answers: [question: .number(score)], complete: true, startedAt: at, updatedAt: at, completedAt: at, touchpoint: "Order Delivered")
                    }
                }
            }
            try await h.store.insert(responses: answers(60..<112) { $0 >= 106 })
            // Parcels: 12 promised at noon each day; one late every third day; from index 106 on, 8 of 12 late.
            func parcels(_ range: Range<Int>, bad: @escaping @Sendable (Int) -> Bool) async throws {
                try await h.store.transaction { tx in
                    for index in range {
                        let late = bad(index) ? 8 : index % 3 == 0 ? 1 : 0
                        for n in 0..<12 {
                            let promised = day(index).addingTimeInterval(12 * 3600)
                            let delivered = promised.addingTimeInterval(n < late ? 7200 : -7200)
                            try await tx.insert(Shipment(id: .generate(), workspaceID: workspace, orderID: .generate(), carrier: "DHL", trackingNumber: nil, promisedAt: promised,
                                                         status: .delivered, createdAt: promised.addingTimeInterval(-86_400), updatedAt: delivered,
                                                         updates: [.init(status: .delivered, at: delivered, by: "carrier", note: nil)]))
                        }
                    }
                }
            }
            try await parcels(60..<112) { $0 >= 106 }
            // A saved funnel, Cart Viewed → Order Completed within a day: 10 new people a day, 7–9 of them buy; from index
            // 104 on, 2 do. The window must have passed: the last day counted is the day before yesterday (index 110).
            var events: [String] = []
            for index in 60..<111 {
                let buyers = index >= 104 ? 2 : 7 + index % 3
                for n in 0..<10 {
                    let user = "p-\(index)-\(n)", at = day(index).addingTimeInterval(10 * 3600)
                    events.append(#"{"type":"track","userId":"\#(user)","event":"Cart Viewed","timestamp":"\#(at.formatted(.iso8601))","messageId":"cv-\#(user)"}"#)
                    if n < buyers {
                        events.append(#"{"type":"track","userId":"\#(user)","event":"Order Completed","timestamp":"\#(at.addingTimeInterval(1800).formatted(.iso8601))","messageId":"oc-\#(user)"}"#)
                    }
                }
            }
            #expect(try await h.track(events))

            // Saving a funnel: bad input names the field; a name is taken once; a viewer may not.
            let bad = try await h.api(.post, "/api/v1/funnels/saved", key: manager, json: #"{"funnel":{"steps":[{"event":"Cart Viewed"}],"windowMinutes":0}}"#)
            #expect(bad.status == .badRequest && bad.text.contains(#""name""#) && bad.text.contains("funnel.steps") && bad.text.contains("funnel.windowMinutes"), "\(bad.text)")
            let body = #"{"name":"Checkout","funnel":{"steps":[{"event":"Cart Viewed"},{"event":"Order Completed"}],"windowMinutes":1440}}"#
            #expect(try await h.api(.post, "/api/v1/funnels/saved", key: viewer, json: body).status == .forbidden)
            let saved = try await h.api(.post, "/api/v1/funnels/saved", key: manager, json: body)
            #expect(saved.status == .created)
            let funnelID = try #require(try saved.json()["id"] as? String)
            #expect(try await h.api(.post, "/api/v1/funnels/saved", key: manager, json: body).status == .conflict)
            let listed = try await h.api(.get, "/api/v1/funnels/saved", key: viewer).json()["data"] as? [[String: Any]]
            #expect(listed?.count == 1 && ((listed?.first?["funnel"] as? [String: Any])?["steps"] as? [Any])?.count == 2)

            let watch = Underperformance(store: h.store, funnels: Funnels(store: h.store, clock: h.clock.source), clock: h.clock.source)
            let raised = try await watch.scan(workspace)
            #expect(Set(raised.map(\.metric)) == [.nps, .lateDeliveries, .funnelConversion], "\(raised.map(\.message))")
            // Since when: the day after the harmful CUSUM last stood at zero — the drop's first day, or a day before it when
            // that day was already below its weekday's normal; the figures are the days' mean from then on.
            func index(_ date: Date) -> Int { Int(date.utcDay - first) }
            func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(values.count) }
            let nps = try #require(raised.first { $0.metric == .nps })
            #expect(nps.key == "Order Delivered" && (103...106).contains(index(nps.since)) && index(nps.alarmDay) <= 108 && nps.lastDay == day(111) && nps.ended == nil)
            let npsDays: [Double] = (index(nps.since)..<112).map { (day: Int) -> Double in day >= 106 ? -25 : Double(35 + 5 * (day % 3)) }
            #expect(abs(nps.recent - mean(npsDays)) < 1e-9 && abs(nps.normal - 40) < 5,
                    "\(nps.recent) against \(nps.normal) since \(index(nps.since))")
            #expect(nps.message.hasPrefix("NPS at Order Delivered has been \(Underperformance.figure(.nps, nps.recent)) since \(nps.since.formatted(.iso8601.year().month().day())), against a usual"))
            let late = try #require(raised.first { $0.metric == .lateDeliveries })
            let lateDays: [Double] = (index(late.since)..<112).map { (day: Int) -> Double in day >= 106 ? 800.0 / 12 : day % 3 == 0 ? 100.0 / 12 : 0 }
            #expect(abs(late.recent - mean(lateDays)) < 1e-9)
            #expect(late.normal < 10 && (103...106).contains(index(late.since)) && late.link == "/commerce/deliveries?flag=late", "\(late)")
            let funnel = try #require(raised.first { $0.metric == .funnelConversion })
            #expect(funnel.key == "\(funnelID):2" && funnel.label == "Checkout: Cart Viewed → Order Completed" && (101...104).contains(index(funnel.since)))
            let funnelDays: [Double] = (index(funnel.since)..<111).map { (day: Int) -> Double in day >= 104 ? 20 : Double(70 + 10 * (day % 3)) }
            #expect(abs(funnel.recent - mean(funnelDays)) < 1e-9)
            #expect(funnel.lastDay == day(110) && funnel.link.hasPrefix("/journeys?step=Cart%20Viewed&step=Order%20Completed&windowDays=1"), "\(funnel.link)")
            #expect(try await watch.scan(workspace).isEmpty, "an episode is raised once")
            let hooks = try await h.store.webhookEndpoints(in: workspace)
            let deliveries = try await h.store.deliveries(of: try #require(hooks.first).id, in: workspace, after: nil, limit: 10).items
            #expect(deliveries.filter { $0.event == "insight.underperformance" }.count == 3)
            #expect(deliveries.contains { $0.payload.contains(#""metric":"late_deliveries""#) && $0.payload.contains(#""since":""#) })

            // The feed: open ones, bad input named, another role and workspace.
            let open = try await h.api(.get, "/api/v1/insights/alerts?open=true", key: viewer).json()["data"] as? [[String: Any]]
            #expect(open?.count == 3)
            let badOpen = try await h.api(.get, "/api/v1/insights/alerts?open=maybe", key: viewer)
            #expect(badOpen.status == .badRequest && badOpen.text.contains(#""open""#))
            #expect((try await h.api(.get, "/api/v1/insights/alerts", key: h.b.secretKeys[.viewer]!).json()["data"] as? [Any])?.isEmpty == true)
            for (language, heading, what) in [("en", "Needs attention now", "NPS at"), ("de", "Braucht jetzt Aufmerksamkeit", "NPS bei"),
                                              ("zh-Hans", "现在需要关注", "NPS，触点"), ("he", "דורש תשומת לב עכשיו", "NPS בנקודה")] {
                var browser = try await h.signIn(h.a.users[.viewer]!.email, headers: [.acceptLanguage: language])
                let (_, page) = try await browser.get("/insights/alerts")
                #expect(page.contains(heading) && page.contains("<strong>\(what) <bdi>Order Delivered</bdi></strong>") && page.contains(#"data-alert="funnel_conversion" data-open"#), "\(language)")
                let (_, overview) = try await browser.get("/")
                #expect(overview.contains(#"id="attention""#) && overview.contains("<bdi>Order Delivered</bdi>") && overview.contains(#"<li data-tile="health"><a href="/insights/alerts">"#)
                        && overview.contains("<bdi>3</bdi>"), "\(language)")
            }

            // Sixteen normal days later the scores and parcels are back; the deleted funnel's series is no longer watched.
            try await h.store.insert(responses: answers(112..<128) { _ in false })
            try await parcels(112..<128) { _ in false }
            h.clock.advance(by: 16 * 86_400)
            #expect(try await h.api(.delete, "/api/v1/funnels/saved/\(funnelID)", key: manager).status == .noContent)
            #expect(try await h.api(.delete, "/api/v1/funnels/saved/\(funnelID)", key: manager).status == .notFound)
            #expect(try await watch.scan(workspace).isEmpty)
            let all = try await h.api(.get, "/api/v1/insights/alerts", key: viewer).json()["data"] as? [[String: Any]] ?? []
            #expect(all.count == 3 && all.allSatisfy { $0["ended"] is String }, "\(all)")
            #expect((try await h.api(.get, "/api/v1/insights/alerts?open=true", key: viewer).json()["data"] as? [Any])?.isEmpty == true)
            var browser = try await h.signIn(h.a.users[.viewer]!.email)
            let (_, page) = try await browser.get("/insights/alerts")
            #expect(page.contains(#"id="alerts-none""#) && page.contains(#"id="alerts-earlier""#) && page.contains("back to normal on"))
        }
    }
}

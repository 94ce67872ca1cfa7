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

/// Six stores and their staff, worked by hand. Each employee answers the pulse on its public page:
///
/// | store | employees' scores | eNPS | shown? | customers' NPS answers | customer NPS |
/// |---|---|---|---|---|---|
/// | Berlin | 10 10 10 10 9 9 8 7 | 75 | yes | 10 10 10 9 9 2 | 66.7 |
/// | Frankfurt | 10 10 9 9 9 8 7 2 1 | 33.3 | yes | 10 9 8 7 9 | 60 |
/// | Hamburg | 10 9 8 8 7 6 5 | 0 | yes | 9 8 7 6 10 | 20 |
/// | Köln | 0 0 0 | — | no: 3 answers | — | — |
/// | München | 9 9 9 9 9 9 | — | no: Köln's 3 alone would be the total minus the shown stores, so the smallest shown (6) goes too | 10 ×5 | 100 |
/// | Stuttgart | 6 6 5 5 4 8 7 9 3 2 | −60 | yes | 3 4 8 9 2 | −40 |
///
/// Across the four stores shown: scipy.stats.pearsonr([75, 0, 33.33, −60], [66.67, 20, 60, −40]) gives r 0.9679778077002085,
/// p 0.03202219229979164, interval (0.09887818586813557, 0.9993544682974034).
@Suite("Employee experience: the directory, anonymous pulses with groups under five hidden, EX beside CX, the front line")
struct WorkforceTests {
    static let stores: [(code: String, name: String, scores: [Int], customers: [Int])] = [
        ("berlin", "Berlin", [10, 10, 10, 10, 9, 9, 8, 7], [10, 10, 10, 9, 9, 2]),
        ("frankfurt", "Frankfurt", [10, 10, 9, 9, 9, 8, 7, 2, 1], [10, 9, 8, 7, 9]),
        ("hamburg", "Hamburg", [10, 9, 8, 8, 7, 6, 5], [9, 8, 7, 6, 10]),
        ("koeln", "Köln", [0, 0, 0], []),
        ("muenchen", "München", [9, 9, 9, 9, 9, 9], [10, 10, 10, 10, 10]),
        ("stuttgart", "Stuttgart", [6, 6, 5, 5, 4, 8, 7, 9, 3, 2], [3, 4, 8, 9, 2]),
    ]

    @Test("Pulses answered on their page, eNPS by store with small groups hidden, EX beside CX with the correlation, customers at risk, pages in four languages",
          arguments: TestDatabase.engines)
    func pulse(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let manager = h.a.secretKeys[.manager]!, agent = h.a.secretKeys[.agent]!, workspace = h.a.workspace.id
            var storeIDs: [String: String] = [:], employees: [String: [String]] = [:]
            for shop in Self.stores {
                let made = try await h.api(.post, "/api/v1/stores", key: manager, json: #"{"code":"\#(shop.code)","name":"\#(shop.name)","city":"\#(shop.name)","country":"DE"}"#)
                storeIDs[shop.code] = try #require(try made.json()["id"] as? String)
                for n in shop.scores.indices {
                    let employee = try await h.api(.post, "/api/v1/employees", key: manager,
                                                   json: #"{"name":"\#(shop.name) \#(n)","email":"\#(shop.code)\#(n)@staff.example","storeId":"\#(storeIDs[shop.code]!)"}"#)
                    #expect(employee.status == .created, "\(employee.text)")
                    employees[shop.code, default: []].append(try #require(try employee.json()["id"] as? String))
                }
            }
            // The agent works in Berlin.
            let linked = try await h.api(.put, "/api/v1/employees/\(employees["berlin"]![0])", key: manager, json: #"{"userId":"\#(h.a.users[.agent]!.id)"}"#)
            let linkedUser = try linked.json()["userId"] as? String
            #expect(linked.status == .ok && linkedUser == h.a.users[.agent]!.id.rawValue)
            let bad = try await h.api(.post, "/api/v1/employees", key: manager, json: #"{"name":"","email":"nope","storeId":"\#(ProfileID.generate())","teamId":"x"}"#)
            #expect(bad.status == .badRequest)
            for field in ["\"name\"", "\"email\"", "\"storeId\"", "\"teamId\""] { #expect(bad.text.contains(field), "\(field) named: \(bad.text)") }
            #expect(try await h.api(.get, "/api/v1/employees", key: agent).status == .forbidden)

            // A pulse: one link per employee, shown once.
            #expect(try await h.api(.post, "/api/v1/pulses", key: manager, json: #"{"name":"","days":90}"#).text.contains("\"days\""))
            let started = try await h.api(.post, "/api/v1/pulses", key: manager, json: #"{"name":"Spring pulse","days":14}"#)
            #expect(started.status == .created, "\(started.text)")
            let created = try started.json()
            let pulse = try #require((created["pulse"] as? [String: Any])?["id"] as? String)
            let links = try #require(created["links"] as? [[String: Any]])
            #expect(links.count == 43)
            let linkOf = Dictionary(uniqueKeysWithValues: links.map { ($0["employeeId"] as! String, $0["path"] as! String) })

            // Each answers on the public page; a missing score is refused on the page, a used link is gone.
            let first = linkOf[employees["berlin"]![0]]!
            let page = try await h.client.execute(uri: first + "?lang=he", method: .get)
            #expect(page.status == .ok && String(buffer: page.body).contains(#"dir="rtl""#) && String(buffer: page.body).contains("אנונימי"))
            let missing = try await h.client.execute(uri: first, method: .post, headers: [.contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: "comment=x"))
            #expect(missing.status == .badRequest && String(buffer: missing.body).contains(#"id="survey-error""#))
            for shop in Self.stores {
                for (n, score) in shop.scores.enumerated() {
                    let comment = n == 0 ? "&comment=" + "More staff on Saturdays in \(shop.name)".addingPercentEncoding(withAllowedCharacters: .alphanumerics)! : ""
                    let sent = try await h.client.execute(uri: linkOf[employees[shop.code]![n]]!, method: .post,
                                                          headers: [.contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: "score=\(score)\(comment)"))
                    #expect(sent.status == .ok && String(buffer: sent.body).contains(#"id="pulse-thanks""#), "\(shop.code) \(n)")
                }
            }
            let again = try await h.client.execute(uri: first, method: .post, headers: [.contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: "score=3"))
            #expect(again.status == .notFound && String(buffer: again.body).contains(#"id="pulse-unknown""#))
            // What an answer keeps: store, team, score, comment (and the day) — nothing that points back.
            let kept = try await h.store.pulseAnswers(of: PulseID(rawValue: pulse), in: workspace)
            #expect(kept.count == 43 && kept.filter { $0.store == storeIDs["koeln"] }.map(\.score) == [0, 0, 0])

            // Results by store: Köln (3) hidden, and München (the smallest shown) with it.
            let results = try await h.api(.get, "/api/v1/pulses/\(pulse)/results?by=store", key: manager)
            #expect(results.status == .ok, "\(results.text)")
            let json = try results.json()
            let whole = try #require(json["whole"] as? [String: Any])
            #expect(whole["answers"] as? Int == 43 && whole["shown"] as? Bool == true)
            #expect((whole["comments"] as? [String])?.count == 6)
            let groups = Dictionary(uniqueKeysWithValues: ((json["groups"] as? [[String: Any]]) ?? []).map { ($0["name"] as? String ?? "", $0) })
            for (name, enps) in [("Berlin", 75.0), ("Frankfurt", 100.0 / 3), ("Hamburg", 0.0), ("Stuttgart", -60.0)] {
                #expect(groups[name]?["shown"] as? Bool == true)
                #expect(abs(((groups[name]?["enps"] as? [String: Any])?["score"] as? Double ?? 999) - enps) < 1e-9, "\(name)")
                #expect(groups[name]?["comments"] == nil, "comments never by store")
            }
            for name in ["Köln", "München"] {
                #expect(groups[name]?["shown"] as? Bool == false && groups[name]?["enps"] == nil && groups[name]?["answers"] == nil, "\(name) hidden")
            }
            #expect(try await h.api(.get, "/api/v1/pulses/\(pulse)/results?by=store,team", key: manager).status == .badRequest)
            #expect(try await h.api(.get, "/api/v1/pulses/\(pulse)/results", key: agent).status == .forbidden)

            // The customers: their store trait, NPS answers this week (through the survey widget's use case).
            var customers: [String: [String]] = [:]
            var messages: [String] = []
            for shop in Self.stores {
                for n in shop.customers.indices {
                    messages.append(#"{"type":"identify","userId":"\#(shop.code)-c\#(n)","traits":{"name":"\#(shop.name) customer \#(n)","store":"\#(shop.code)"},"messageId":"wc-\#(shop.code)-\#(n)"}"#)
                }
            }
            #expect(try await h.track(messages))
            let survey = try await h.api(.post, "/api/v1/surveys", key: manager, json: #"{"template":"relationship_nps"}"#).json()
            let surveyID = try #require(survey["id"] as? String)
            #expect(try await h.api(.post, "/api/v1/surveys/\(surveyID)/status", key: manager, json: #"{"status":"published"}"#).status == .ok)
            let token = try #require((survey["link"] as? String)?.dropFirst(3)).description
            let answering = SurveyAnswering(store: h.store, clock: h.clock.source)
            for shop in Self.stores {
                for (n, score) in shop.customers.enumerated() {
                    _ = try await answering.submitWhole(token: token, workspace: workspace, answers: ["nps": .integer(Int64(score))], userID: "\(shop.code)-c\(n)",
                                                        anonymousID: nil, language: "en")
                    customers[shop.code, default: []].append(try #require(try await h.store.profileID(for: Identifier(kind: .userID, value: "\(shop.code)-c\(n)"), in: workspace)).rawValue)
                }
            }
            try await h.readWaitingAnswers()
            // A Berlin customer with an open case.
            #expect(try await h.api(.post, "/api/v1/cases", key: agent, json: #"{"profileId":"\#(customers["berlin"]![0])","channel":"store","subject":"Broken kettle"}"#).status == .created)
            h.clock.advance(by: 60)

            let beside = try await h.api(.get, "/api/v1/pulses/\(pulse)/ex-cx", key: manager)
            #expect(beside.status == .ok, "\(beside.text)")
            let besideJSON = try beside.json()
            let rows = Dictionary(uniqueKeysWithValues: ((besideJSON["stores"] as? [[String: Any]]) ?? []).map { ($0["code"] as? String ?? "", $0) })
            #expect(abs(((rows["berlin"]?["customerNps"] as? [String: Any])?["score"] as? Double ?? 0) - 200.0 / 3) < 1e-9)
            #expect(rows["muenchen"]?["enps"] == nil && ((rows["muenchen"]?["customerNps"] as? [String: Any])?["score"] as? Double) == 100)
            let correlation = try #require(besideJSON["correlation"] as? [String: Any])
            #expect(correlation["n"] as? Int == 4)
            #expect(abs((correlation["r"] as? Double ?? 0) - 0.9679778077002085) < 1e-9)
            #expect(abs((correlation["p"] as? Double ?? 0) - 0.03202219229979164) < 1e-9)
            #expect(abs((correlation["lower"] as? Double ?? 0) - 0.09887818586813557) < 1e-9 && abs((correlation["upper"] as? Double ?? 0) - 0.9993544682974034) < 1e-9)

            // The front line: the agent's own store (Berlin) — the detractor of this week and the open case.
            let risk = try await h.api(.get, "/api/v1/stores/\(storeIDs["berlin"]!)/at-risk", key: manager).json()
            let listed = (risk["atRisk"] as? [[String: Any]]) ?? []
            #expect(Set(listed.compactMap { $0["profileId"] as? String }) == [customers["berlin"]![0], customers["berlin"]![5]], "\(listed)")
            #expect(listed.first { $0["profileId"] as? String == customers["berlin"]![5] }?["reasons"] as? [String] == ["detractor"])
            #expect(try await h.api(.get, "/api/v1/stores/\(storeIDs["hamburg"]!)/at-risk", key: agent).status == .forbidden, "another store needs workforce.manage")
            for (language, title, reason) in [("en", "Customers at risk in your store this week", "detractor this week"), ("de", "Gefährdete Kund:innen in Ihrem Laden diese Woche", "Kritiker:in diese Woche"),
                                              ("zh-Hans", "本周您门店的流失风险客户", "本周贬损者"), ("he", "לקוחות בסיכון בחנות שלך השבוע", "מבקר/ת השבוע")] {
                var browser = try await h.signIn(h.a.users[.agent]!.email, headers: [.acceptLanguage: language])
                let (response, html) = try await browser.get("/workforce/my-store")
                #expect(response.status == .ok && html.contains(title) && html.contains(reason) && html.contains("<bdi>Berlin customer 5</bdi>"), "\(language)")
                var boss = try await h.signIn(h.a.users[.manager]!.email, headers: [.acceptLanguage: language])
                let (pulsePage, pulseHTML) = try await boss.get("/workforce/pulses/\(pulse)")
                #expect(pulsePage.status == .ok && pulseHTML.contains(#"data-group="\#(storeIDs["koeln"]!)""#) && pulseHTML.contains(#"id="ex-cx-correlation""#), "\(language)")
                #expect(pulseHTML.contains("0.97"), "\(language): the correlation")
                let (overview, _) = try await boss.get("/workforce")
                #expect(overview.status == .ok)
            }
            // Closed after 14 days: an unused link leads nowhere.
            let unused = try await h.api(.post, "/api/v1/pulses", key: manager, json: #"{"name":"Autumn pulse","days":1}"#).json()
            let late = try #require((unused["links"] as? [[String: Any]])?.first?["path"] as? String)
            h.clock.advance(by: 2 * 86_400)
            #expect(try await h.client.execute(uri: late, method: .get).status == .notFound)
        }
    }
}

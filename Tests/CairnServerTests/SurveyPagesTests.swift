@testable import CairnServer
import CairnCore
import CairnEngine
import CairnStore
import CairnTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import NIOCore

@Suite("Public survey pages")
struct SurveyPagesTests {
    /// Posts a survey page's form as a browser without script would.
    func answer(_ h: Harness, _ link: String, _ fields: [(String, String)]) async throws -> (TestResponse, String) {
        var browser = Browser(client: h.client)
        let body = fields.map { "\(Browser.encode($0.0))=\(Browser.encode($0.1))" }.joined(separator: "&")
        let response = try await browser.send(.post, link, headers: [.contentType: "application/x-www-form-urlencoded"], body: body)
        return (response, String(buffer: response.body))
    }

    func hidden(_ name: String, in html: String) -> String? {
        guard let range = html.range(of: #"name="\#(name)" value="([^"]*)""#, options: .regularExpression) else { return nil }
        return html[range].split(separator: "\"")[3].description
    }

    @Test("A customer answers one question at a time without script, branching on the answer; partial responses are kept; bots are refused; Hebrew is right to left",
          arguments: TestDatabase.engines)
    func anonymousLink(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let manager = h.a.secretKeys[.manager]!, viewer = h.a.secretKeys[.viewer]!
            let survey = try await h.api(.post, "/api/v1/surveys", key: manager, json: #"{"template":"relationship_nps"}"#).json()
            let id = try #require(survey["id"] as? String), link = try #require(survey["link"] as? String)
            var browser = Browser(client: h.client)
            #expect(try await browser.get(link).0.status == .gone, "a draft takes no answers")
            #expect(try await h.api(.post, "/api/v1/surveys/\(id)/status", key: manager, json: #"{"status":"published"}"#).status == .ok)

            let (first, page) = try await browser.get(link)
            #expect(!page.contains(#"src="nil""#) && !page.contains(#"id="survey-error""#), "no logo printed as nil, no empty error box")
            #expect(first.status == .ok && page.contains(#"<html lang="en" dir="ltr">"#))
            #expect(page.contains("How likely are you to recommend us") && page.contains(#"value="10""#) && page.contains("10 = extremely likely"))
            #expect(!page.contains("<script"), "the page works without script")
            let (_, hebrew) = try await browser.get(link + "?lang=he")
            #expect(hebrew.contains(#"dir="rtl""#) && hebrew.contains("מה הסיכוי שתמליץ עלינו") && hebrew.contains(#"lang="he""#))

            // A required question left empty is asked again, saying why; nothing is stored.
            let (missing, missingPage) = try await answer(h, link, [("question", "nps"), ("lang", "en")])
            #expect(missing.status == .badRequest && missingPage.contains("Please answer this question."))
            #expect(try await answer(h, link, [("question", "nps"), ("answer", "11")]).0.status == .badRequest)

            // 4 is a detractor: "why" and then "improve" (shown only to detractors) follow.
            let (_, why) = try await answer(h, link, [("question", "nps"), ("answer", "4"), ("lang", "he")])
            #expect(why.contains(#"name="question" value="why""#) && why.contains("מהי הסיבה העיקרית"))
            let held = try #require(hidden("r", in: why))
            #expect(held.count >= 20)
            let (_, improve) = try await answer(h, link, [("question", "why"), ("answer", "המשלוח איטי מדי"), ("r", held), ("lang", "he")])
            #expect(improve.contains(#"name="question" value="improve""#))
            let (_, thanks) = try await answer(h, link, [("question", "improve"), ("answer", ""), ("r", held), ("lang", "he")])
            #expect(thanks.contains(#"id="survey-thanks""#) && thanks.contains("תודה רבה!"))

            // A promoter is not asked what to improve, and leaves after the first answer: a partial response.
            let (_, promoterWhy) = try await answer(h, link, [("question", "nps"), ("answer", "10")])
            #expect(promoterWhy.contains(#"value="why""#))
            // A bot fills the hidden field: refused, nothing stored.
            let (bot, _) = try await answer(h, link, [("question", "nps"), ("answer", "0"), ("website", "http://spam.example")])
            #expect(bot.status == .badRequest)

            let responses = (try await h.api(.get, "/api/v1/surveys/\(id)/responses", key: viewer).json()["data"] as? [[String: Any]]) ?? []
            #expect(responses.count == 2)
            let complete = try #require(responses.first { $0["complete"] as? Bool == true })
            #expect((complete["answers"] as? [String: Any])?["nps"] as? Int == 4 && (complete["answers"] as? [String: Any])?["why"] as? String == "המשלוח איטי מדי")
            #expect(complete["language"] as? String == "he" && (complete["answers"] as? [String: Any])?["improve"] == nil)
            #expect(responses.contains { $0["complete"] as? Bool == false && ($0["answers"] as? [String: Any])?["nps"] as? Int == 10 })
            // The figures count partial answers too: one promoter, one detractor.
            let summary = try await h.api(.get, "/api/v1/surveys/\(id)/summary", key: viewer).json()
            #expect(summary["responses"] as? Int == 2 && summary["partial"] as? Int == 1)
            let nps = (((summary["figures"] as? [[String: Any]])?.first)?["nps"] as? [String: Any]) ?? [:]
            #expect(nps["n"] as? Int == 2 && nps["score"] as? Double == 0 && nps["warning"] as? String == "too_few")

            // The first question's page carries the respondent's hold: a first answer sent twice (a time-out, a second
            // click) makes one response, and a finished response sent again answers "thank you" and stores nothing.
            let firstHold = try #require(hidden("r", in: page))
            #expect(firstHold.count >= 22 && hidden("r", in: hebrew) != firstHold, "each visit gets its own hold")
            for _ in 0..<2 {
                let (again, againPage) = try await answer(h, link, [("question", "nps"), ("answer", "9"), ("r", firstHold)])
                #expect(again.status == .ok && againPage.contains(#"value="why""#))
            }
            for _ in 0..<2 {
                let (done, donePage) = try await answer(h, link, [("question", "why"), ("answer", "Quick"), ("r", firstHold)])
                #expect(done.status == .ok && donePage.contains(#"id="survey-thanks""#))
            }
            let (late, latePage) = try await answer(h, link, [("question", "nps"), ("answer", "0"), ("r", firstHold)])
            #expect(late.status == .ok && latePage.contains(#"id="survey-thanks""#), "a finished response is not answered again")

            let all = (try await h.api(.get, "/api/v1/surveys/\(id)/responses", key: viewer).json()["data"] as? [[String: Any]]) ?? []
            #expect(all.count == 3, "the retried answers joined one response")
            let retried = try #require(all.first { ($0["answers"] as? [String: Any])?["why"] as? String == "Quick" })
            #expect((retried["answers"] as? [String: Any])?["nps"] as? Int == 9 && retried["complete"] as? Bool == true)
            // Closed: the page says so.
            #expect(try await h.api(.post, "/api/v1/surveys/\(id)/status", key: manager, json: #"{"status":"closed"}"#).status == .ok)
            #expect(try await browser.get(link).0.status == .gone)
            #expect(try await browser.get("/s/not-a-real-token").0.status == .notFound)
        }
    }

    @Test("Personal links: only for customers who consented to surveys, answered once, until they expire; every one can withdraw that consent",
          arguments: TestDatabase.engines)
    func personalLinks(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let manager = h.a.secretKeys[.manager]!, agent = h.a.secretKeys[.agent]!
            let customer = try await h.a.customer(in: h.store)
            let survey = try await h.api(.post, "/api/v1/surveys", key: manager, json: #"{"template":"post_delivery_csat"}"#).json()
            let id = try #require(survey["id"] as? String)
            _ = try await h.api(.post, "/api/v1/surveys/\(id)/status", key: manager, json: #"{"status":"published"}"#)
            let refused = try await h.api(.post, "/api/v1/surveys/\(id)/invitations", key: manager, json: #"{"profileId":"\#(customer)"}"#)
            #expect(refused.status == .badRequest && refused.text.contains("profileId") && refused.text.contains("consented to surveys"))
            #expect(try await h.api(.post, "/api/v1/profiles/\(customer)/consent", key: agent, json: #"{"purpose":"surveys","status":"granted"}"#).status.code < 300)
            let invited = try await h.api(.post, "/api/v1/surveys/\(id)/invitations", key: manager, json: #"{"profileId":"\#(customer)","expiresInDays":7}"#)
            #expect(invited.status == .created)
            let link = try #require(try invited.json()["link"] as? String)
            #expect(!(try await h.store.survey(id: SurveyID(rawValue: id), in: h.a.workspace.id)!.token == link.dropFirst(3)), "a personal link is not the anonymous one")

            var browser = Browser(client: h.client)
            let (_, page) = try await browser.get(link)
            #expect(page.contains("How satisfied are you with your delivery?") && page.contains("/withdraw"))
            let (_, why) = try await answer(h, link, [("question", "csat"), ("answer", "2")])
            // Leaving and coming back continues the same response.
            let (_, again) = try await browser.get(link)
            #expect(again.contains(#"value="why""#) && why.contains(#"value="why""#))
            let (_, thanks) = try await answer(h, link, [("question", "why"), ("answer", "Late and damaged")])
            #expect(thanks.contains("survey-thanks"))
            #expect(try await browser.get(link).0.status == .conflict, "one response per personal link")
            let responses = (try await h.api(.get, "/api/v1/surveys/\(id)/responses", key: manager).json()["data"] as? [[String: Any]]) ?? []
            #expect(responses.count == 1 && responses.first?["profileId"] as? String == customer.rawValue && responses.first?["complete"] as? Bool == true)
            // The response is on the customer's 360 timeline.
            var admin = try await h.signIn(h.a.users[.admin]!.email)
            #expect(try await admin.get("/customers/\(customer)").1.contains(#"<li data-kind="feedback">"#))

            // Another link expires unused.
            let second = try await h.api(.post, "/api/v1/surveys/\(id)/invitations", key: manager, json: #"{"profileId":"\#(customer)","expiresInDays":1}"#).json()
            let expiring = try #require(second["link"] as? String)
            h.clock.advance(by: 2 * 86_400)
            #expect(try await browser.get(expiring).0.status == .gone)
            // Its withdraw link still works: consent to surveys is withdrawn, and no one invites the customer any more.
            #expect(try await browser.get(expiring + "/withdraw").1.contains(#"id="survey-withdraw""#))
            let (withdrawn, done) = try await answer(h, expiring + "/withdraw", [("lang", "de")])
            #expect(withdrawn.status == .ok && done.contains("Erledigt"))
            let standing = try await h.api(.get, "/api/v1/profiles/\(customer)/consent", key: manager).text
            #expect(standing.contains("withdrawn"))
            #expect(try await h.api(.post, "/api/v1/surveys/\(id)/invitations", key: manager, json: #"{"profileId":"\#(customer)"}"#).status == .badRequest)
            #expect(try await h.api(.post, "/api/v1/surveys/\(id)/invitations", key: manager, json: #"{"profileId":"nope"}"#).status == .badRequest)
        }
    }

    @Test("A flood of answers from one address to one link is refused after the limit")
    func floodsAreRefused() async throws {
        let limiter = SubmissionLimiter(limit: 3, window: 60)
        let now = Date()
        #expect((0..<3).allSatisfy { _ in limiter.allow(key: "1.2.3.4|t", at: now) })
        #expect(!limiter.allow(key: "1.2.3.4|t", at: now))
        #expect(limiter.allow(key: "5.6.7.8|t", at: now), "another address has its own allowance")
        #expect(limiter.allow(key: "1.2.3.4|t", at: now.addingTimeInterval(61)), "the window passes")
    }
}

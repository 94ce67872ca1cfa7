import CairnAnalytics
import CairnCore
import CairnEngine
import CairnStore
import CairnTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import NIOCore

@Suite("Feedback pages")
struct FeedbackPagesTests {
    @Test("Managers make, edit, preview and publish surveys in the UI; the scorecard shows each figure with its interval and n; responses list and export as CSV",
          arguments: TestDatabase.engines)
    func feedbackPages(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            var manager = try await h.signIn(h.a.users[.manager]!.email)
            let created = try await manager.submit(on: "/feedback/surveys", to: "/feedback/surveys", form: ["template": "relationship_nps", "name": ""])
            #expect(created.status == .seeOther)
            let location = try #require(created.headers[.location]).split(separator: "?")[0]
            let (_, page) = try await manager.get(String(location))
            #expect(page.contains("Relationship NPS") && page.contains(#"id="definition""#) && page.contains("Draft"))
            // A broken definition is refused naming where; the draft is kept in the form.
            let broken = try await manager.submit(on: String(location), to: String(location), form: ["definition": #"{"questions":[{"id":"nps","type":"stars","text":"x"}]}"#])
            #expect(broken.status == .badRequest && String(buffer: broken.body).contains("questions[0].type"), "\(String(buffer: broken.body).components(separatedBy: "role=\"alert\"").dropFirst().first?.prefix(400) ?? "")")
            let wrong = try await manager.submit(on: String(location), to: String(location), form: ["definition": #"{"title":"T","questions":[{"id":"Bad Id","type":"nps","text":"How likely?"}]}"#])
            #expect(wrong.status == .badRequest && String(buffer: wrong.body).contains("definition.questions[0].id"))
            let saved = try await manager.submit(on: String(location), to: String(location), form: [
                "definition": #"{"title":{"en":"Quick","he":"מהיר"},"questions":[{"id":"nps","type":"nps","text":{"en":"Recommend us?","he":"תמליצו?"}},{"id":"why","type":"text","required":false,"text":"Why?"}]}"#])
            #expect(saved.status == .seeOther)
            let (_, preview) = try await manager.get(location + "/preview?lang=he")
            #expect(preview.contains(#"id="phone-preview" lang="he" dir="rtl""#) && preview.contains("תמליצו?"))
            #expect(try await manager.submit(on: String(location), to: location + "/status", form: ["status": "published"]).status == .seeOther)
            let (_, published) = try await manager.get(String(location))
            #expect(published.contains("Published") && published.contains("its questions stay as they were asked"))

            // Twelve answers through the public page: 6 promoters, 3 passives, 3 detractors.
            let survey = try #require(try await h.store.surveys(in: h.a.workspace.id, status: .published, after: nil, limit: 10).items.first)
            for score in [10, 9, 10, 9, 10, 9, 8, 7, 8, 3, 0, 6] {
                var browser = Browser(client: h.client)
                _ = try await browser.send(.post, "/s/\(survey.token)", headers: [.contentType: "application/x-www-form-urlencoded"], body: "question=nps&answer=\(score)")
            }
            let (_, card) = try await manager.get("/feedback?days=30")
            #expect(card.contains(#"data-question="nps""#) && card.contains("<strong>25</strong>"))
            // Adjusted Wald by hand: n* = 15, p* = 6.75/15, d* = 3.75/15: 20 ± 1.96 × 20.98 = −21.1 … 61.1.
            #expect(card.contains(#"data-interval><bdi>-21 … 61</bdi></td>"#))
            #expect(!card.contains(#"id="adjustment""#), "nothing before to compare with")
            #expect(card.contains(#"data-n>12 <span class="badge warn" data-warning>few answers: read the interval</span>"#))
            #expect(card.contains(#"id="combined-nps""#) && card.contains("<svg"))
            // The NPS trend's axis spans −100 … 100 whatever the weeks' scores (never 0 … 1).
            #expect(card.contains(">-100</text>") && card.contains(">100</text>"), "the NPS axis")

            let (_, list) = try await manager.get("/feedback/responses?survey=\(survey.id)")
            #expect(list.components(separatedBy: "<tr").count - 2 == 12)
            #expect(!list.contains("/customers/nil") && !list.contains(">en (en)<"), "anonymous answers link to nobody; a language shown once")
            let (csv, text) = try await manager.get("/feedback/responses.csv?survey=\(survey.id)")
            #expect(csv.headers[.contentType]?.hasPrefix("text/csv") == true)
            #expect(text.hasPrefix("response_id,survey,started_at,completed_at,complete,language,channel,profile_id,email,name,tags,traits,text_language,sentiment,sentiment_label,topics,keywords,nps,why\n"))
            #expect(text.split(separator: "\n").count == 13 && text.contains(",false,en,web,,,,,,,,,,,3,\n"))

            // Viewers read but do not manage.
            var viewer = try await h.signIn(h.a.users[.viewer]!.email)
            let (_, readOnly) = try await viewer.get("/feedback/surveys")
            #expect(!readOnly.contains(#"id="create-survey""#) && readOnly.contains(survey.name))

            // Answers of the 30 days before: two comparisons on the page (the survey's NPS and the pooled NPS), adjusted
            // together and said so; with 12 answers a side, neither change is called significant.
            h.clock.advance(by: -35 * 86_400)
            for score in [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0] {
                var browser = Browser(client: h.client)
                _ = try await browser.send(.post, "/s/\(survey.token)", headers: [.contentType: "application/x-www-form-urlencoded"], body: "question=nps&answer=\(score)")
            }
            h.clock.advance(by: 35 * 86_400)
            let (_, compared) = try await manager.get("/feedback?days=30")
            #expect(compared.contains(#"id="adjustment""#) && compared.contains("2 comparisons") && compared.contains("Benjamini–Hochberg"))
            #expect(!compared.contains("data-significant"))
        }
    }
}

import CairnCore
import CairnEngine
import CairnStore
import CairnTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@Suite("Survey builder")
struct SurveyBuilderTests {
    /// The fields of one question's form as the builder renders them (four languages, option rows with a blank one).
    static func questionFields(_ question: SurveyDefinition.Question, changing changes: [String: String] = [:],
                               options: [(id: String, texts: [String: String])]? = nil, removeOptions: [Int] = [], action: String = "save") -> [(String, String)] {
        var fields: [(String, String)] = [("question", question.id), ("id", changes["id"] ?? question.id), ("type", changes["type"] ?? question.type.rawValue)]
        if changes["required"] ?? (question.required ? "1" : "") == "1" { fields.append(("required", "1")) }
        for code in SurveyDefinition.languages { fields.append(("text_\(code)", changes["text_\(code)"] ?? question.text.values[code] ?? "")) }
        let rows = options ?? (question.options ?? []).map { ($0.id, $0.text.values) }
        if question.type.hasOptions {
            for row in rows + [("", [:])] {
                fields.append(("option_id", row.0))
                for code in SurveyDefinition.languages { fields.append(("option_\(code)", row.1[code] ?? "")) }
            }
        }
        fields += removeOptions.map { ("remove_option", String($0)) }
        for key in ["show_question", "show_values", "show_at_least", "show_at_most", "scale_min", "scale_max"] {
            if let value = changes[key] { fields.append((key, value)) }
        }
        fields.append(("do", action))
        return fields
    }

    @Test("A manager builds a survey by form: adds, edits in four languages, branches, reorders and removes questions, sets the theme; refusals keep what was typed",
          arguments: TestDatabase.engines)
    func builder(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            var manager = try await h.signIn(h.a.users[.manager]!.email)
            let created = try await manager.submit(on: "/feedback/surveys", to: "/feedback/surveys", form: ["template": "relationship_nps", "name": "Built"])
            let surveyPath = String(try #require(created.headers[.location]).split(separator: "?")[0])
            let id = try #require(SurveyID(String(surveyPath.split(separator: "/").last!)))
            func stored() async throws -> SurveyDefinition { try #require(try await h.store.survey(id: id, in: h.a.workspace.id)).definition }
            let build = surveyPath + "/build"

            let (_, surveyPage) = try await manager.get(surveyPath)
            #expect(surveyPage.contains(#"href="\#(build)" id="survey-build""#) && surveyPage.contains(#"id="definition""#), "the builder is linked; the JSON stays")
            let (_, page) = try await manager.get(build)
            #expect(page.contains(#"id="question-nps""#) && page.contains(#"id="question-why""#) && page.contains(#"id="question-improve""#))
            #expect(page.contains("nps ≤ 6"), "the template's branching is shown")
            // The four languages side by side, each marked with its language and direction.
            #expect(page.contains(#"name="text_he""#) && page.contains(#"dir="rtl" lang="he""#) && page.contains("מה הסיכוי שתמליץ עלינו לחבר או לעמית?"))

            // Add a choice question: options one per line, the text in the default language.
            let added = try await manager.submit(on: build, to: build, fields: [("do", "add"), ("type", "single_choice"), ("text", "What did you buy?"),
                                                                                 ("options", "Boots\nRain jackets\n\nTents")])
            #expect(added.status == .seeOther)
            var definition = try await stored()
            let choice = try #require(definition.questions.last)
            #expect(choice.id == "q1" && choice.type == .singleChoice && choice.text.values == ["en": "What did you buy?"])
            #expect(choice.options?.map(\.id) == ["boots", "rain_jackets", "tents"], "option keys come from the words; the blank line is no option")

            // German texts beside the English; a fourth option through the blank row; "tents" removed.
            let options: [(id: String, texts: [String: String])] = [("boots", ["en": "Boots", "de": "Stiefel"]), ("rain_jackets", ["en": "Rain jackets", "de": "Regenjacken"]),
                                                                    ("tents", ["en": "Tents"]), ("", ["en": "Stoves", "de": "Kocher"])]
            var fields = Self.questionFields(choice, changing: ["text_de": "Was haben Sie gekauft?", "show_question": "nps", "show_at_least": "9"], options: options, removeOptions: [2])
            // The blank row the builder always adds is sent too (all empty); it adds nothing.
            #expect(try await manager.submit(on: build, to: build, fields: fields).status == .seeOther)
            definition = try await stored()
            let edited = try #require(definition.questions.first { $0.id == "q1" })
            #expect(edited.text.values == ["en": "What did you buy?", "de": "Was haben Sie gekauft?"])
            #expect(edited.options?.map(\.id) == ["boots", "rain_jackets", "stoves"] && edited.options?[2].text.values == ["en": "Stoves", "de": "Kocher"])
            #expect(edited.showIf == .init(question: "nps", atLeast: 9))

            // Move it up above "improve"; the order is stored.
            #expect(try await manager.submit(on: build, to: build, fields: Self.questionFields(edited, action: "up")).status == .seeOther)
            #expect(try await stored().questions.map(\.id) == ["nps", "why", "q1", "improve"])

            // Refusals: each names the field in words, marks it, and keeps what was typed.
            fields = Self.questionFields(edited, changing: ["text_en": "", "text_de": "Nur Deutsch"])
            let noEnglish = try await manager.submit(on: build, to: build, fields: fields)
            let refused = String(buffer: noEnglish.body)
            #expect(noEnglish.status == .badRequest)
            #expect(refused.contains("<strong>Question 3 (q1) · text · English</strong>"), "\(refused.components(separatedBy: "role=\"alert\"").dropFirst().first?.prefix(500) ?? "")")
            #expect(refused.contains(#"<textarea name="text_en" rows="2" dir="ltr" lang="en" maxlength="500" aria-invalid="true">"#))
            #expect(refused.contains(">Nur Deutsch</textarea>"), "the typed text is kept")
            #expect(try await stored().questions.first { $0.id == "q1" }?.text.values["de"] == "Was haben Sie gekauft?", "nothing was written")

            let removeNPS = try await manager.submit(on: build, to: build, fields: [("question", "nps"), ("do", "remove")])
            #expect(removeNPS.status == .badRequest && String(buffer: removeNPS.body).contains("Question q1 is shown only after an answer to nps"))
            let upAboveNPS = try await manager.submit(on: build, to: build, fields: [("question", "why"), ("do", "up")])
            #expect(upAboveNPS.status == .seeOther, "why branches on nothing: it may go first")
            #expect(try await stored().questions.map(\.id) == ["why", "nps", "q1", "improve"])
            let beforeItsQuestion = try await manager.submit(on: build, to: build, fields: [("question", "q1"), ("do", "up")])
            #expect(beforeItsQuestion.status == .badRequest && String(buffer: beforeItsQuestion.body).contains("Question 2 (q1) · branching · question"),
                    "q1 may not come before nps, whose answer it depends on")

            // A renamed key carries the branching that points to it.
            definition = try await stored()
            let nps = try #require(definition.questions.first { $0.id == "nps" })
            #expect(try await manager.submit(on: build, to: build, fields: Self.questionFields(nps, changing: ["id": "recommend"])).status == .seeOther)
            definition = try await stored()
            #expect(definition.questions.first { $0.id == "q1" }?.showIf?.question == "recommend" && definition.questions.last?.showIf?.question == "recommend")

            // Remove "why"; add a rating (1–5 scale) and a second NPS (the standard wording in four languages, its own key).
            #expect(try await manager.submit(on: build, to: build, fields: [("question", "why"), ("do", "remove")]).status == .seeOther)
            #expect(try await manager.submit(on: build, to: build, fields: [("do", "add"), ("type", "rating"), ("text", "Rate the fit")]).status == .seeOther)
            #expect(try await manager.submit(on: build, to: build, fields: [("do", "add"), ("type", "nps"), ("text", "")]).status == .seeOther)
            let noText = try await manager.submit(on: build, to: build, fields: [("do", "add"), ("type", "text"), ("text", " ")])
            #expect(noText.status == .badRequest && String(buffer: noText.body).contains("Write the question"))
            let oneOption = try await manager.submit(on: build, to: build, fields: [("do", "add"), ("type", "ranking"), ("text", "Order these"), ("options", "Only one")])
            #expect(oneOption.status == .badRequest && String(buffer: oneOption.body).contains("at least two options"))
            definition = try await stored()
            #expect(definition.questions.map(\.id) == ["recommend", "q1", "improve", "q2", "nps"])
            #expect(definition.questions[3].scale == .init(min: 1, max: 5) && definition.questions[4].text.values.count == 4)
            let rating = definition.questions[3]
            let badScale = try await manager.submit(on: build, to: build, fields: Self.questionFields(rating, changing: ["scale_min": "5", "scale_max": "3"]))
            #expect(badScale.status == .badRequest && String(buffer: badScale.body).contains(#"name="scale_min" value="5""#))
            // German as the default language needs every text in German: the rating has none yet.
            let noGerman = try await manager.submit(on: build, to: build, fields: [("do", "settings"), ("name", "Built"), ("defaultLanguage", "de")])
            #expect(noGerman.status == .badRequest && String(buffer: noGerman.body).contains("Question 4 (q2) · text · Deutsch"))
            #expect(try await manager.submit(on: build, to: build, fields: Self.questionFields(rating, changing: ["text_de": "Wie passt es?"])).status == .seeOther)

            // Title, default language, colour; a wrong colour is refused and marked.
            let badColour = try await manager.submit(on: build, to: build, fields: [("do", "settings"), ("name", "Built"), ("colour", "red")])
            #expect(badColour.status == .badRequest && String(buffer: badColour.body).contains(#"type="color" name="colour" value="red" aria-invalid="true""#))
            #expect(try await manager.submit(on: build, to: build, fields: [("do", "settings"), ("name", "Built in four"), ("title_en", "How was it?"), ("title_de", "Wie war es?"),
                                                                            ("title_zh", ""), ("title_he", "איך היה?"), ("defaultLanguage", "de"), ("audience", "customers"),
                                                                            ("colour", "#aa3300"), ("logoURL", "")]).status == .seeOther)
            definition = try await stored()
            #expect(definition.title.values == ["en": "How was it?", "de": "Wie war es?", "he": "איך היה?"] && definition.defaultLanguage == "de")
            #expect(definition.theme.colour == "#aa3300")
            #expect(try #require(try await h.store.survey(id: id, in: h.a.workspace.id)).name == "Built in four")

            // The preview in German at desktop width; in Hebrew at phone width, right to left.
            let (_, desktop) = try await manager.get(surveyPath + "/preview?language=de&width=desktop")
            #expect(desktop.contains(#"class="desktop-frame" id="phone-preview" lang="de" dir="ltr""#) && desktop.contains("Was haben Sie gekauft?"))
            #expect(desktop.contains(##"fill="#aa3300""##), "the theme's colour")
            let (_, phone) = try await manager.get(surveyPath + "/preview?language=he&width=phone")
            #expect(phone.contains(#"class="phone-frame" id="phone-preview" lang="he" dir="rtl""#) && phone.contains("איך היה?"))

            // Published: the builder shows the questions but changes none; a copy makes a new draft with them.
            #expect(try await manager.submit(on: surveyPath, to: surveyPath + "/status", form: ["status": "published"]).status == .seeOther)
            let (_, locked) = try await manager.get(build)
            #expect(locked.contains(#"id="builder-locked""#) && !locked.contains(#"id="add-question""#))
            let late = try await manager.submit(on: build, to: build, fields: [("question", "q1"), ("do", "remove")])
            #expect(late.status == .conflict)
            #expect(try await stored().questions.count == 5)
            let copied = try await manager.submit(on: build, to: build, fields: [("do", "copy")])
            let copyLocation = try #require(copied.headers[.location])
            let copyID = try #require(SurveyID(String(copyLocation.split(separator: "/")[2])))
            let copy = try #require(try await h.store.survey(id: copyID, in: h.a.workspace.id))
            #expect(copy.status == .draft && copy.definition == definition && copy.name == "Built in four (copy)")

            // Viewers see the questions, no forms; they may not post.
            var viewer = try await h.signIn(h.a.users[.viewer]!.email)
            let (_, read) = try await viewer.get("/feedback/surveys/\(copyID)/build")
            #expect(read.contains(#"id="question-q1""#) && !read.contains("question-form") && !read.contains(#"id="settings-form""#))
            #expect(try await viewer.submit(on: "/feedback/surveys/\(copyID)/build", to: "/feedback/surveys/\(copyID)/build",
                                            fields: [("do", "add"), ("type", "nps")]).status == .forbidden)
        }
    }

    @Test("Triggers are set by form rows: a new row adds, a ticked row goes, a wrong number is named and the rows stay as typed", arguments: TestDatabase.engines)
    func triggerRows(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            var manager = try await h.signIn(h.a.users[.manager]!.email)
            let created = try await manager.submit(on: "/feedback/surveys", to: "/feedback/surveys", form: ["template": "post_delivery_csat", "name": "Delivery"])
            let page = String(try #require(created.headers[.location]).split(separator: "?")[0])
            let id = try #require(SurveyID(String(page.split(separator: "/").last!)))
            #expect(try await manager.submit(on: page, to: page + "/status", form: ["status": "published"]).status == .seeOther)

            let (_, before) = try await manager.get(page)
            #expect(before.contains(#"id="trigger-rows""#) && before.contains(#"id="trigger-form""#), "rows, and the JSON beside them")
            let row = { (event: String, action: String, delay: String, sample: String) in [("event", event), ("action", action), ("delayMinutes", delay), ("samplePercent", sample)] }
            let saved = try await manager.submit(on: page, to: page + "/triggers", fields: [("rows", "1")] + row("Order Delivered", "email", "1440", "50") + row("", "email", "0", "100"))
            #expect(saved.status == .seeOther)
            var stored = try await h.store.triggers(of: id, in: h.a.workspace.id)
            #expect(stored.map(\.event) == ["Order Delivered"] && stored.first?.action == .email && stored.first?.delayMinutes == 1440 && stored.first?.samplePercent == 50)

            let (_, shown) = try await manager.get(page)
            #expect(shown.contains(#"name="event" value="Order Delivered""#) && shown.contains(#"name="delayMinutes" value="1440""#))

            let wrong = try await manager.submit(on: page, to: page + "/triggers", fields: [("rows", "1")] + row("Order Delivered", "email", "1440", "50")
                                                    + row("Support Case Solved", "show", "soon", "100"))
            let body = String(buffer: wrong.body)
            #expect(wrong.status == .badRequest && body.contains("triggers[1].delayMinutes"))
            #expect(body.contains(#"name="event" value="Support Case Solved""#), "the new row stays as typed")
            #expect(try await h.store.triggers(of: id, in: h.a.workspace.id).count == 1, "nothing was written")

            let added = try await manager.submit(on: page, to: page + "/triggers", fields: [("rows", "1")] + row("Order Delivered", "email", "1440", "50")
                                                    + row("Support Case Solved", "show", "0", "100"))
            #expect(added.status == .seeOther)
            stored = try await h.store.triggers(of: id, in: h.a.workspace.id)
            #expect(stored.map(\.event).sorted() == ["Order Delivered", "Support Case Solved"])

            let removed = try await manager.submit(on: page, to: page + "/triggers", fields: [("rows", "1")] + row("Order Delivered", "email", "1440", "50")
                                                      + row("Support Case Solved", "show", "0", "100") + [("remove", "0")])
            #expect(removed.status == .seeOther)
            stored = try await h.store.triggers(of: id, in: h.a.workspace.id)
            #expect(stored.map(\.event) == ["Support Case Solved"] && stored.first?.action == .show)
        }
    }
}

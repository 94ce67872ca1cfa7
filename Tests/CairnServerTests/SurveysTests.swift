import CairnCore
import CairnEngine
import CairnStore
import CairnTestSupport
import Foundation
import Testing
import HTTPTypes
import HummingbirdTesting

@Suite("Surveys")
struct SurveysTests {
    func fields(_ json: [String: Any]) -> [String] { ((json["errors"] as? [[String: Any]]) ?? []).compactMap { $0["field"] as? String } }

    @Test("Surveys are data: made from templates in four languages or from a definition, checked field by field, edited as drafts, published and closed",
          arguments: TestDatabase.engines)
    func lifecycle(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let manager = h.a.secretKeys[.manager]!, viewer = h.a.secretKeys[.viewer]!
            let templates = (try await h.api(.get, "/api/v1/survey-templates", key: viewer).json()["data"] as? [[String: Any]]) ?? []
            #expect(templates.compactMap { $0["id"] as? String } == ["relationship_nps", "post_delivery_csat", "post_contact_ces", "employee_enps", "customer_values"])
            for template in templates {
                let questions = ((template["definition"] as? [String: Any])?["questions"] as? [[String: Any]]) ?? []
                for question in questions {
                    #expect(Set(((question["text"] as? [String: String]) ?? [:]).keys) == ["en", "de", "zh", "he"], "\(template["id"] ?? "")")
                }
            }

            let created = try await h.api(.post, "/api/v1/surveys", key: manager, json: #"{"template":"post_delivery_csat"}"#)
            #expect(created.status == .created)
            let survey = try created.json()
            let id = try #require(survey["id"] as? String)
            #expect(survey["name"] as? String == "Post-delivery CSAT" && survey["status"] as? String == "draft")
            #expect((survey["link"] as? String)?.hasPrefix("/s/") == true && ((survey["link"] as? String)?.count ?? 0) > 20)

            // A definition with every kind of mistake: each is named.
            let bad = try await h.api(.post, "/api/v1/surveys", key: manager, json: #"""
                {"name":"Mixed","definition":{"defaultLanguage":"en","title":{"de":"Nur Deutsch"},"theme":{"colour":"blue"},"questions":[
                  {"id":"Q1","type":"nps","text":"How likely…"},
                  {"id":"pick","type":"single_choice","text":"Pick one","options":[{"id":"a","text":"A"}]},
                  {"id":"more","type":"text","text":"Tell us","showIf":{"question":"later","values":["a"]}},
                  {"id":"rate","type":"rating","text":"Rate","scale":{"min":5,"max":1}},
                  {"id":"ok","type":"consent","text":"May we ask again?"},
                  {"id":"pick","type":"text","text":{"en":"Again","fr":"Encore"}}]}}
                """#)
            #expect(bad.status == .badRequest)
            #expect(Set(fields(try bad.json())) == ["definition.title.en", "definition.theme.colour", "definition.questions[0].id", "definition.questions[1].options",
                                                    "definition.questions[2].showIf.question", "definition.questions[3].scale", "definition.questions[4].purpose",
                                                    "definition.questions[5].id", "definition.questions[5].text.fr"])
            #expect(try await h.api(.post, "/api/v1/surveys", key: manager, json: #"{"template":"nps_please"}"#).status == .badRequest)
            #expect(fields(try await h.api(.post, "/api/v1/surveys", key: manager, json: #"{"name":"Empty"}"#).json()) == ["definition"])
            #expect(try await h.api(.post, "/api/v1/surveys", key: manager, json: #"{"definition":{"questions":"many"}}"#).status == .badRequest)

            // A draft's questions change; a branch on an earlier answer is kept.
            let definition = #"{"definition":{"title":"Quick one","questions":[{"id":"csat","type":"csat","text":"Happy?"},{"id":"why","type":"text","required":false,"text":"Why not?","showIf":{"question":"csat","atMost":3}}]}}"#
            let edited = try await h.api(.patch, "/api/v1/surveys/\(id)", key: manager, json: definition)
            #expect(edited.status == .ok)
            let questions = ((try edited.json()["definition"] as? [String: Any])?["questions"] as? [[String: Any]]) ?? []
            #expect(questions.count == 2 && (questions[1]["showIf"] as? [String: Any])?["atMost"] as? Int == 3)

            let published = try await h.api(.post, "/api/v1/surveys/\(id)/status", key: manager, json: #"{"status":"published"}"#).json()
            #expect(published["status"] as? String == "published" && published["publishedAt"] != nil)
            let locked = try await h.api(.patch, "/api/v1/surveys/\(id)", key: manager, json: definition)
            #expect(locked.status == .conflict)
            #expect(try await h.api(.patch, "/api/v1/surveys/\(id)", key: manager, json: #"{"name":"Delivery CSAT (EU)"}"#).json()["name"] as? String == "Delivery CSAT (EU)")
            #expect(try await h.api(.post, "/api/v1/surveys/\(id)/status", key: manager, json: #"{"status":"draft"}"#).status == .badRequest)
            #expect(try await h.api(.post, "/api/v1/surveys/\(id)/status", key: manager, json: #"{"status":"closed"}"#).json()["closedAt"] != nil)
            #expect(try await h.api(.post, "/api/v1/surveys/\(id)/status", key: manager, json: #"{"status":"published"}"#).json()["status"] as? String == "published")
            let list = (try await h.api(.get, "/api/v1/surveys?status=published", key: viewer).json()["data"] as? [[String: Any]]) ?? []
            #expect(list.compactMap { $0["id"] as? String } == [id])
            // Another workspace sees none of it.
            #expect(try await h.api(.get, "/api/v1/surveys/\(id)", key: h.b.secretKeys[.viewer]!).status == .notFound)
        }
    }

    @Test("Branching shows a question only when the earlier answer matches; texts fall back to the default language")
    func branching() throws {
        let definition = SurveyTemplate.relationshipNPS.definition
        let improve = try #require(definition.questions.first { $0.id == "improve" })
        #expect(definition.isShown(improve, answers: ["nps": .number(4)]))
        #expect(!definition.isShown(improve, answers: ["nps": .number(9)]))
        #expect(!definition.isShown(improve, answers: [:]))
        let choice = SurveyDefinition.Question(id: "b", type: .text, text: LocalizedText(["en": "B"]), showIf: .init(question: "a", values: ["x", "y"]))
        #expect(definition.isShown(choice, answers: ["a": .choices(["y"])]) && !definition.isShown(choice, answers: ["a": .choices(["z"])]))
        #expect(LocalizedText(["en": "Hello", "de": "Hallo"]).text(in: "he", fallback: "de") == "Hallo")
        #expect(LocalizedText(["en": "Hello", "he": "שלום"]).text(in: "he", fallback: "en") == "שלום")
        try definition.validate()
    }
}

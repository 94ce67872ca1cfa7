import CairnCore
import CairnEngine
import CairnStore
import CairnTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@Suite("Free-text insights in the API and the Feedback pages")
struct TextInsightsTests {
    @Test("Comments in four languages get their language, sentiment (English, German, Chinese) and topics; the API, the topic counts, the filtered list and the CSV show them",
          arguments: TestDatabase.engines)
    func insights(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let manager = h.a.secretKeys[.manager]!
            let survey = try await h.api(.post, "/api/v1/surveys", key: manager, json: #"{"template":"relationship_nps"}"#).json()
            let id = try #require(survey["id"] as? String), link = try #require(survey["link"] as? String)
            _ = try await h.api(.post, "/api/v1/surveys/\(id)/status", key: manager, json: #"{"status":"published"}"#)
            // A known customer with tags.
            let key = try #require(try await Authenticator(store: h.store, configuration: .init(passwordHasher: testPasswordHasher)).key(token: h.a.writeKey, kind: .write))
            let identify = try JSONDecoder().decode(JSONValue.self, from: Data(#"{"userId":"u-42","traits":{"email":"ada@example.com","name":"Ada","tags":["vip","berlin"]}}"#.utf8)).objectValue!
            _ = try await Ingestor(store: h.store).ingest([try TrackingMessage.parse(identify, kind: .identify, makeMessageID: { "identify-u42" }).get()], key: key)
            try await IdentityResolver(store: h.store).resolvePending(in: h.a.workspace.id)

            func send(_ score: Int, _ why: String, userId: String? = nil, language: String = "en") async throws -> TestResponse {
                let user = userId.map { #","userId":"\#($0)""# } ?? ""
                let why = String(data: try JSONEncoder().encode(why), encoding: .utf8)!
                return try await h.client.execute(uri: "/v1/surveys/\(link.dropFirst(3))/responses", method: .post, headers: [.contentType: "text/plain"],
                                                  body: ByteBuffer(string: #"{"writeKey":"\#(h.a.writeKey)","language":"\#(language)"\#(user),"answers":{"nps":\#(score),"why":\#(why)}}"#))
            }
            #expect(try await send(2, "The parcel arrived a week late, support never answered and I am very disappointed.", userId: "u-42").status == .created)
            #expect(try await send(10, "Die Lieferung war schnell, der Preis ist fair. Sehr gut!", language: "de").status == .created)
            #expect(try await send(5, "快递太慢了，客服态度也不好。", language: "zh").status == .created)
            #expect(try await send(9, "השירות היה מצוין והמשלוח הגיע מהר", language: "he").status == .created)

            // The widget's API acknowledges at once and leaves the text to the background reader.
            let waiting = (try await h.api(.get, "/api/v1/surveys/\(id)/responses", key: manager).json()["data"] as? [[String: Any]]) ?? []
            #expect(waiting.count == 4 && waiting.allSatisfy { ($0["insights"] as? [String: Any])?.isEmpty ?? true }, "\(waiting)")
            try await h.readWaitingAnswers()
            let listed = (try await h.api(.get, "/api/v1/surveys/\(id)/responses", key: manager).json()["data"] as? [[String: Any]]) ?? []
            #expect(listed.count == 4)
            func response(_ language: String) -> [String: Any]? {
                listed.first { (($0["insights"] as? [String: Any])?["why"] as? [String: Any])?["language"] as? String == language }
            }
            let english = try #require(response("en")), german = try #require(response("de"))
            let chinese = try #require(response("zh")), hebrew = try #require(response("he"))
            #expect(english["sentimentLabel"] as? String == "negative" && (english["sentiment"] as? Double ?? 0) < 0)
            #expect(english["topics"] as? [String] == ["delivery", "staff"])
            #expect(german["sentimentLabel"] as? String == "positive")
            #expect(Set(german["topics"] as? [String] ?? []) == ["delivery", "price"])
            let germanWhy = ((german["insights"] as? [String: Any])?["why"] as? [String: Any]) ?? [:]
            #expect((germanWhy["sentences"] as? [Double])?.count == 2, "each sentence has its own score")
            #expect(chinese["sentimentLabel"] as? String == "negative" && (chinese["sentiment"] as? Double ?? 0) < 0)
            #expect(Set(chinese["topics"] as? [String] ?? []) == ["delivery", "staff", "waiting"])
            #expect(hebrew["sentiment"] == nil && hebrew["sentimentLabel"] == nil, "Hebrew sentiment is not guessed")
            #expect(Set(hebrew["topics"] as? [String] ?? []) == ["delivery", "staff"])

            let topics = try await h.api(.get, "/api/v1/surveys/\(id)/topics?period=month", key: manager)
            #expect(topics.status == .ok, "\(topics.text)")
            let points = (try topics.json()["data"] as? [[String: Any]]) ?? []
            let delivery = try #require(points.first { $0["topic"] as? String == "delivery" })
            #expect(delivery["responses"] as? Int == 4 && delivery["negative"] as? Int == 2 && delivery["positive"] as? Int == 1 && delivery["unscored"] as? Int == 1)
            #expect(points.first?["topic"] as? String == "delivery", "the most mentioned topic comes first")
            #expect(try await h.api(.get, "/api/v1/surveys/\(id)/topics?period=year", key: manager).status == .badRequest)

            var browser = try await h.signIn(h.a.users[.manager]!.email)
            let (_, card) = try await browser.get("/feedback?days=30")
            #expect(card.contains(#"<tr data-topic="delivery">"#) && card.contains(#"data-responses>4</td>"#) && card.contains(#"id="topics-"#))
            let (_, negative) = try await browser.get("/feedback/responses?sentiment=negative")
            #expect(negative.components(separatedBy: "<tr").count - 2 == 2 && negative.contains("sentiment-negative") && negative.contains(#">Delivery<span class="visually-hidden">"#) && negative.contains(#">Staff and service<span class="visually-hidden">"#))
            let (_, deliveryList) = try await browser.get("/feedback/responses?topic=delivery")
            #expect(deliveryList.components(separatedBy: "<tr").count - 2 == 4 && deliveryList.contains("not measured in this language"))
            let (_, csv) = try await browser.get("/feedback/responses.csv?sentiment=negative")
            let rows = csv.split(separator: "\n")
            #expect(rows.count == 3)
            let ada = try #require(rows.first { $0.contains(",ada@example.com,") }, "\(csv)")
            #expect(ada.contains(",ada@example.com,Ada,vip;berlin,") && ada.contains(",en,") && ada.contains(",negative,delivery;staff,"), "\(ada)")
            #expect(rows.contains { $0.contains(",zh,") && $0.contains(",negative,") }, "\(csv)")
        }
    }
}

@Suite("A workspace's own topics")
struct CustomTopicsTests {
    @Test("A manager adds a topic with keywords per language; answers are read for it (those stored before by the background job), counted, filtered and named",
          arguments: TestDatabase.engines)
    func customTopics(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let manager = h.a.secretKeys[.manager]!
            let bad = try await h.api(.put, "/api/v1/feedback-topics", key: manager,
                                      json: #"{"topics":[{"id":"Parking Lot","keywords":{"fr":["parking"]}},{"id":"delivery","keywords":{"en":[]}}]}"#)
            #expect(bad.status == .badRequest)
            for field in ["topics[0].id", "topics[0].keywords.fr", "topics[1].id", "topics[1].keywords.en"] { #expect(bad.text.contains(field), "\(field)") }
            #expect(try await h.api(.put, "/api/v1/feedback-topics", key: h.a.secretKeys[.viewer]!, json: #"{"topics":[]}"#).status == .forbidden)
            // An answer given before the topic exists.
            let survey = try await h.api(.post, "/api/v1/surveys", key: manager, json: #"{"template":"relationship_nps"}"#).json()
            let id = try #require(survey["id"] as? String), link = try #require(survey["link"] as? String)
            _ = try await h.api(.post, "/api/v1/surveys/\(id)/status", key: manager, json: #"{"status":"published"}"#)
            func answer(_ why: String) async throws -> HTTPResponse.Status {
                let body = String(data: try JSONEncoder().encode(why), encoding: .utf8)!
                return try await h.client.execute(uri: "/v1/surveys/\(link.dropFirst(3))/responses", method: .post, headers: [.contentType: "text/plain"],
                                                  body: ByteBuffer(string: #"{"writeKey":"\#(h.a.writeKey)","answers":{"nps":4,"why":\#(body)}}"#)).status
            }
            #expect(try await answer("Twenty minutes looking for a parking space.") == .created)
            try await h.readWaitingAnswers()
            #expect(try await h.api(.get, "/api/v1/feedback-topics", key: manager).json()["rereading"] is NSNull, "nothing is being read again")

            let set = try await h.api(.put, "/api/v1/feedback-topics", key: manager,
                                      json: #"{"topics":[{"id":"parking","name":"Parking","keywords":{"en":["parking","car park"],"de":["parkplatz"],"zh":["停车"]}}]}"#)
            #expect(set.status == .ok, "\(set.text)")
            let rereading = try #require(try set.json()["rereading"] as? [String: Any], "the answers stored before are to be read again")
            #expect(rereading["reason"] as? String == "topics" && rereading["responsesRead"] as? Int == 0 && rereading["since"] is String)
            let listed = (try await h.api(.get, "/api/v1/feedback-topics", key: h.a.secretKeys[.viewer]!).json()["data"] as? [[String: Any]]) ?? []
            #expect(listed.count == 9 && listed.last?["id"] as? String == "parking" && listed.last?["standard"] as? Bool == false)
            #expect(try await h.api(.get, "/api/v1/feedback-topics", key: h.b.secretKeys[.viewer]!).json()["data"].map { ($0 as? [Any])?.count } == 8,
                    "another workspace keeps the standard topics only")

            for why in ["The car park was full and the staff were rude.", "Kein Parkplatz weit und breit.", "停车太难了"] {
                #expect(try await answer(why) == .created)
            }
            func parking() async throws -> Int? {
                let points = (try await h.api(.get, "/api/v1/surveys/\(id)/topics?period=month", key: manager).json()["data"] as? [[String: Any]]) ?? []
                return points.first { $0["topic"] as? String == "parking" }?["responses"] as? Int
            }
            try await h.readWaitingAnswers()
            #expect(try await parking() == 3, "answers given since are read for the topic")
            // The background job (ResponseReanalysisService in the server) reads the one given before.
            while try await ResponseReading(store: h.store).rereadNextPage(limit: 200) > 0 {}
            #expect(try await parking() == 4)
            #expect(try await h.api(.get, "/api/v1/feedback-topics", key: manager).json()["rereading"] is NSNull, "done")
            var browser = try await h.signIn(h.a.users[.manager]!.email)
            let (_, list) = try await browser.get("/feedback/responses?topic=parking")
            #expect(list.components(separatedBy: "<tr").count - 2 == 4 && list.contains(#"<option value="parking" selected>Parking</option>"#))
            let (_, card) = try await browser.get("/feedback?days=30")
            #expect(card.contains(#"<tr data-topic="parking"><td data-label="Topic"><a href="/feedback/responses?topic=parking"><bdi>Parking</bdi></a>"#))
        }
    }
}

@Suite("Feedback › Topics page")
struct FeedbackTopicPagesTests {
    static func row(_ id: String, _ name: String, en: String = "", de: String = "", he: String = "", zh: String = "") -> [(String, String)] {
        [("id", id), ("name", name), ("en", en), ("de", de), ("he", he), ("zh", zh)]
    }

    @Test("A manager adds, changes and removes topics of the workspace's own on a page, every problem named against its row; a viewer only reads",
          arguments: TestDatabase.engines)
    func topicsPage(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            var browser = try await h.signIn(h.a.users[.manager]!.email)
            let (opened, empty) = try await browser.get("/feedback/topics")
            #expect(opened.status == .ok)
            #expect(empty.contains(#"id="standard-topic-table""#) && empty.contains(#"<tr data-topic="delivery">"#) && empty.contains("Delivery"))
            #expect(empty.contains(#"aria-current="page">Topics</a>"#) && empty.contains(#"id="topics-form""#))
            #expect(empty.components(separatedBy: #"<fieldset class="topic-row""#).count - 1 == 1, "one blank row to add a topic")
            #expect(empty.contains(#"<input type="text" name="he" value="" lang="he" dir="rtl">"#), "Hebrew keywords are typed right to left")

            // Two problems at once: a bad id in the first row, a duplicate of a standard topic in the second. Nothing is stored.
            let bad = try await browser.submit(on: "/feedback/topics", to: "/feedback/topics",
                                               fields: Self.row("Car Park", "Car park", en: "car park") + Self.row("delivery", "Again", en: "courier"))
            let badPage = String(buffer: bad.body)
            #expect(bad.status == .badRequest)
            #expect(badPage.contains("<strong>Topic 1 · id</strong>") && badPage.contains("<strong>Topic 2 · id</strong>"), "\(badPage.components(separatedBy: "role=\"alert\"").dropFirst().first?.prefix(600) ?? "")")
            #expect(badPage.contains(#"value="Car Park""#) && badPage.contains(#"value="courier""#), "what was typed stays in the form")
            #expect(try await h.store.customTopics(in: h.a.workspace.id).isEmpty)

            // Keywords separated by commas, the Chinese comma and 、; a blank row is ignored.
            let saved = try await browser.submit(on: "/feedback/topics", to: "/feedback/topics",
                                                 fields: Self.row("parking", "Parking", en: "parking, car park", de: "Parkplatz", zh: "停车，车位、停车场")
                                                    + Self.row("", ""))
            #expect(saved.status == .seeOther)
            let stored = try await h.store.customTopics(in: h.a.workspace.id)
            #expect(stored == [CustomTopic(id: "parking", name: "Parking", keywords: ["en": ["parking", "car park"], "de": ["Parkplatz"], "zh": ["停车", "车位", "停车场"]])], "kept as typed; matched without regard to case")
            let (_, after) = try await browser.get("/feedback/topics?done=saved")
            #expect(after.contains("Saved.") && after.contains(#"value="parking, car park""#) && after.contains(#"name="remove" value="0""#))
            #expect(after.contains(#"id="rereading""#), "the answers stored before are being read again")
            while try await ResponseReading(store: h.store).rereadNextPage(limit: 200) > 0 {}
            #expect(!(try await browser.get("/feedback/topics").1.contains(#"id="rereading""#)))

            // A viewer sees the topics but no form, and cannot post one.
            var viewer = try await h.signIn(h.a.users[.viewer]!.email)
            let (_, readOnly) = try await viewer.get("/feedback/topics")
            #expect(!readOnly.contains(#"id="topics-form""#) && readOnly.contains(#"<tr data-topic="parking">"#) && readOnly.contains("car park"))
            #expect(try await viewer.submit(on: "/feedback/topics", to: "/feedback/topics", fields: Self.row("x", "X", en: "x")).status == .forbidden)

            // Removing the topic.
            let removed = try await browser.submit(on: "/feedback/topics", to: "/feedback/topics",
                                                   fields: Self.row("parking", "Parking", en: "parking") + [("remove", "0")] + Self.row("", ""))
            #expect(removed.status == .seeOther)
            #expect(try await h.store.customTopics(in: h.a.workspace.id).isEmpty)
            #expect(try await h.store.customTopics(in: h.b.workspace.id).isEmpty, "another workspace was never touched")
        }
    }
}

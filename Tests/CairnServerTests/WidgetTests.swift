import CairnCore
import CairnStore
import CairnTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
import NIOFoundationEssentialsCompat

@Suite("Survey widget API")
struct WidgetTests {
    @Test("A burst of answers at once is stored together: each answer once with its counts and alerts, a retry arriving with its first at the same moment replayed, the text read after",
          arguments: TestDatabase.engines)
    func burst(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let manager = h.a.secretKeys[.manager]!
            let survey = try await h.api(.post, "/api/v1/surveys", key: manager, json: #"{"template":"relationship_nps"}"#).json()
            let id = try #require(survey["id"] as? String)
            let token = try #require((survey["link"] as? String)?.dropFirst(3)).description
            _ = try await h.api(.post, "/api/v1/surveys/\(id)/status", key: manager, json: #"{"status":"published"}"#)
            // 40 answers at once: scores 0…10 in turn (0…6 are detractors, each raising an alert), five of them sent twice with their id.
            let twice = (0..<5).map { _ in UUID().uuidString.lowercased() }
            let bodies: [(id: String?, json: String)] = (0..<40).map { index in
                let chosen = index < 10 ? twice[index % 5] : nil
                let idField = chosen.map { #","responseId":"\#($0)""# } ?? ""
                // A retry is the same answer again.
                let score = chosen != nil ? index % 5 : index % 11
                return (chosen, #"{"writeKey":"\#(h.a.writeKey)"\#(idField),"answers":{"nps":\#(score),"why":"The delivery was late and the staff were rude"}}"#)
            }
            let results = try await withThrowingTaskGroup(of: (String?, HTTPResponse.Status, String?).self) { group in
                for body in bodies {
                    group.addTask {
                        let response = try await h.client.execute(uri: "/v1/surveys/\(token)/responses", method: .post, headers: [.contentType: "text/plain"],
                                                                   body: ByteBuffer(string: body.json))
                        let answer = try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                        return (body.id, response.status, answer?["id"] as? String)
                    }
                }
                var all: [(String?, HTTPResponse.Status, String?)] = []
                for try await result in group { all.append(result) }
                return all
            }
            #expect(results.allSatisfy { $0.1 == .created || $0.1 == .ok }, "\(results.map(\.1))")
            for chosen in twice {
                let pair = results.filter { $0.0 == chosen }
                #expect(pair.map(\.1).sorted { $0.code < $1.code } == [.ok, .created] && pair.allSatisfy { $0.2 == chosen }, "\(pair)")
            }
            var stored: [[String: Any]] = []
            var cursor: String?
            repeat {
                let page = try await h.api(.get, "/api/v1/surveys/\(id)/responses?limit=100" + (cursor.map { "&cursor=\($0)" } ?? ""), key: manager).json()
                stored += (page["data"] as? [[String: Any]]) ?? []
                cursor = page["nextCursor"] as? String
            } while cursor != nil
            #expect(stored.count == 35, "30 answers and five answered twice")
            // The detractors among the stored answers, each with one alert.
            let scores = Array(0..<5) + (10..<40).map { $0 % 11 }
            let alerts = (try await h.api(.get, "/api/v1/feedback-alerts?limit=100", key: manager).json()["data"] as? [[String: Any]]) ?? []
            #expect(alerts.count == scores.filter { $0 <= 6 }.count, "\(alerts.count) alerts for \(scores)")
            #expect(stored.allSatisfy { ($0["insights"] as? [String: Any])?.isEmpty ?? true }, "the text waits for the background reader")
            try await h.readWaitingAnswers()
            let topics = (try await h.api(.get, "/api/v1/surveys/\(id)/topics?period=month", key: manager).json()["data"] as? [[String: Any]]) ?? []
            #expect(topics.first { $0["topic"] as? String == "delivery" }?["responses"] as? Int == 35, "\(topics)")
            #expect(try await h.store.verifyRollups(repair: false).allSatisfy { !$0.hasDrift })
        }
    }

    @Test("Sites fetch a survey with a write key and post whole responses; answers are checked, branching applied, the customer found; other workspaces' keys and customers without consent see nothing",
          arguments: TestDatabase.engines)
    func widget(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let manager = h.a.secretKeys[.manager]!
            let survey = try await h.api(.post, "/api/v1/surveys", key: manager, json: #"{"template":"relationship_nps"}"#).json()
            let id = try #require(survey["id"] as? String)
            let token = try #require((survey["link"] as? String)?.dropFirst(3)).description
            func get(_ query: String) async throws -> (TestResponse, [String: Any]) {
                let response = try await h.client.execute(uri: "/v1/surveys/\(token)?\(query)", method: .get)
                return (response, (try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]) ?? [:])
            }
            #expect(try await get("writeKey=\(h.a.writeKey)").1["show"] as? Bool == false, "a draft is not shown")
            _ = try await h.api(.post, "/api/v1/surveys/\(id)/status", key: manager, json: #"{"status":"published"}"#)
            let (answer, body) = try await get("writeKey=\(h.a.writeKey)&lang=he")
            #expect(answer.headers[.accessControlAllowOrigin] == "*")
            #expect(body["show"] as? Bool == true && body["rtl"] as? Bool == true && (body["questions"] as? [[String: Any]])?.first?["max"] as? Int == 10)
            #expect(((body["questions"] as? [[String: Any]])?.first?["text"] as? String)?.hasPrefix("מה הסיכוי") == true)
            #expect(try await get("writeKey=\(h.b.writeKey)").1["show"] as? Bool == false, "another workspace's key sees nothing")
            #expect(try await get("writeKey=nope").0.status == .unauthorized)
            // A known customer without consent to surveys is not shown a targeted survey.
            let customer = try await h.a.customer(in: h.store)
            #expect(try await get("writeKey=\(h.a.writeKey)&userId=customer-alpha").1["show"] as? Bool == false)
            _ = try await h.api(.post, "/api/v1/profiles/\(customer)/consent", key: h.a.secretKeys[.agent]!, json: #"{"purpose":"surveys","status":"granted"}"#)
            #expect(try await get("writeKey=\(h.a.writeKey)&userId=customer-alpha").1["show"] as? Bool == true)

            func post(_ json: String) async throws -> TestResponse {
                try await h.client.execute(uri: "/v1/surveys/\(token)/responses", method: .post, headers: [.contentType: "text/plain;charset=UTF-8"], body: ByteBuffer(string: json))
            }
            let bad = try await post(#"{"writeKey":"\#(h.a.writeKey)","answers":{"nps":12,"mood":"great"}}"#)
            #expect(bad.status == .badRequest && String(buffer: bad.body).contains("answers.nps") && String(buffer: bad.body).contains("answers.mood"))
            #expect(bad.headers[.accessControlAllowOrigin] == "*", "problems are readable by the site too")
            #expect(try await post(#"{"writeKey":"\#(h.a.writeKey)","answers":{"why":"no score"}}"#).status == .badRequest, "the required score is missing")
            let created = try await post(#"{"writeKey":"\#(h.a.writeKey)","userId":"customer-alpha","language":"de","answers":{"nps":9,"why":"Schnell","improve":"hidden by branching"}}"#)
            #expect(created.status == .created)
            #expect(try await post(#"{"writeKey":"\#(h.b.writeKey)","answers":{"nps":9}}"#).status == .notFound)
            let responses = (try await h.api(.get, "/api/v1/surveys/\(id)/responses", key: manager).json()["data"] as? [[String: Any]]) ?? []
            #expect(responses.count == 1)
            #expect(responses.first?["profileId"] as? String == customer.rawValue && responses.first?["language"] as? String == "de")
            #expect((responses.first?["answers"] as? [String: Any]).map { $0["nps"] as? Int == 9 && $0["improve"] == nil } == true)
            // Retries after a time-out store nothing twice: the client's own response id, or an Idempotency-Key.
            let chosen = UUID().uuidString
            let first = try await post(#"{"writeKey":"\#(h.a.writeKey)","responseId":"\#(chosen)","answers":{"nps":3}}"#)
            let retry = try await post(#"{"writeKey":"\#(h.a.writeKey)","responseId":"\#(chosen)","answers":{"nps":3}}"#)
            #expect(first.status == .created && retry.status == .ok)
            let firstBody = try JSONSerialization.jsonObject(with: Data(buffer: first.body)) as? [String: Any]
            let retryBody = try JSONSerialization.jsonObject(with: Data(buffer: retry.body)) as? [String: Any]
            #expect(firstBody?["id"] as? String == chosen.lowercased() && retryBody?["id"] as? String == chosen.lowercased() && retryBody?["replayed"] as? Bool == true)
            func keyed(_ key: String) async throws -> TestResponse {
                try await h.client.execute(uri: "/v1/surveys/\(token)/responses", method: .post, headers: [.contentType: "text/plain;charset=UTF-8", HTTPField.Name("Idempotency-Key")!: key],
                                           body: ByteBuffer(string: #"{"writeKey":"\#(h.a.writeKey)","answers":{"nps":10}}"#))
            }
            let keyedFirst = try await keyed("order-77-nps"), keyedRetry = try await keyed("order-77-nps")
            #expect(keyedFirst.status == .created && keyedRetry.status == .ok)
            let stored = (try await h.api(.get, "/api/v1/surveys/\(id)/responses", key: manager).json()["data"] as? [[String: Any]]) ?? []
            #expect(stored.count == 3, "one each: the customer's, the retried one, the keyed one")
            let badID = try await post(#"{"writeKey":"\#(h.a.writeKey)","responseId":"not-a-uuid","answers":{"nps":3}}"#)
            #expect(badID.status == .badRequest && String(buffer: badID.body).contains("responseId"))
            let preflight = try await h.client.execute(uri: "/v1/surveys/\(token)/responses", method: .options)
            #expect(preflight.status == .noContent && preflight.headers[HTTPField.Name("Access-Control-Allow-Methods")!]?.contains("POST") == true)
            let script = try await h.client.execute(uri: "/static/widget.js", method: .get)
            #expect(script.status == .ok && String(buffer: script.body).contains("/v1/surveys/"))
        }
    }
}

import CairnCore
import CairnEngine
import CairnStore
import CairnTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// Segments over HTTP on six customers (worked by hand): s1–s3 in DE, s4–s6 in FR; s1, s2 and s4 completed an order in
/// the last 30 days, s1 twice; s5 only viewed a product. NPS answers: s1 10, s2 3, s4 4, s5 9.
@Suite("Segments over HTTP: the API, the builder and segment pages, segments as filters of reports")
struct SegmentsAPITests {
    @Test("Define with problems named by field; members, profiles and export by segment; a customer's segments; entries as events arrive; filters of funnels, scorecards, breakdowns and journey maps; pages in four languages",
          arguments: TestDatabase.engines)
    func segments(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let manager = h.a.secretKeys[.manager]!, viewer = h.a.secretKeys[.viewer]!, workspace = h.a.workspace.id
            let day = h.clock.now.addingTimeInterval(-5 * 86_400).formatted(.iso8601), later = h.clock.now.addingTimeInterval(-5 * 86_400 + 60).formatted(.iso8601)
            var messages: [String] = []
            for (user, country) in [("s1", "DE"), ("s2", "DE"), ("s3", "DE"), ("s4", "FR"), ("s5", "FR"), ("s6", "FR")] {
                messages.append(#"{"type":"identify","userId":"\#(user)","traits":{"country":"\#(country)","name":"Customer \#(user)"},"messageId":"id-\#(user)"}"#)
            }
            for (index, user) in ["s1", "s1", "s2", "s4"].enumerated() {
                messages.append(#"{"type":"track","userId":"\#(user)","event":"Product Viewed","timestamp":"\#(day)","messageId":"pv-\#(index)"}"#)
                messages.append(#"{"type":"track","userId":"\#(user)","event":"Order Completed","timestamp":"\#(later)","messageId":"oc-\#(index)","properties":{"order_id":"o-\#(index)"}}"#)
            }
            messages.append(#"{"type":"track","userId":"s5","event":"Product Viewed","timestamp":"\#(day)","messageId":"pv-s5"}"#)
            #expect(try await h.track(messages))
            let profile = { (user: String) async throws -> String in try #require(try await h.store.profileID(for: Identifier(kind: .userID, value: user), in: workspace)).rawValue }
            // NPS answers with touchpoint Order Completed.
            let made = try await h.api(.post, "/api/v1/surveys", key: manager, json: #"{"template":"relationship_nps"}"#).json()
            let surveyID = SurveyID(rawValue: try #require(made["id"] as? String))
            let answered = h.clock.now.addingTimeInterval(-4 * 86_400)
            var responses: [SurveyResponse] = []
            for (user, score) in [("s1", 10), ("s2", 3), ("s4", 4), ("s5", 9)] {
                responses.append(SurveyResponse(id: .generate(), workspaceID: workspace, surveyID: surveyID, profileID: ProfileID(rawValue: try await profile(user)),
                                                invitationID: nil, language: "en", answers: ["nps": .number(score)], complete: true, startedAt: answered,
                                                updatedAt: answered, completedAt: answered, touchpoint: "Order Completed"))
            }
            try await h.store.insert(responses: responses)

            // Bad input: problem+json naming each field; a viewer may not define; nothing stored.
            let bad = try await h.api(.post, "/api/v1/segments", key: manager, json: #"{"name":"","rule":{"all":[{"trait":{"name":"country","op":"is"}},{"event":{"name":"Order Completed","atLeast":-1}}]}}"#)
            #expect(bad.status == .badRequest && bad.headers[.contentType]?.contains("problem+json") == true, "\(bad.text)")
            for field in [#""name""#, "rule.all[0].trait.op", "rule.all[1].event.atLeast"] { #expect(bad.text.contains(field), "\(field): \(bad.text)") }
            let notJSON = try await h.api(.post, "/api/v1/segments", key: manager, json: #"{"name":"x","rule":"#)
            #expect(notJSON.status == .badRequest)
            #expect(try await h.api(.post, "/api/v1/segments", key: viewer, json: #"{"name":"x","rule":{"trait":{"name":"country","op":"exists"}}}"#).status == .forbidden)
            #expect(((try await h.api(.get, "/api/v1/segments", key: viewer).json()["data"] as? [Any]) ?? [1]).isEmpty)

            // Preview, then define: German buyers (s1, s2).
            let rule = #"{"all":[{"trait":{"name":"country","op":"eq","value":"DE"}},{"event":{"name":"Order Completed","atLeast":1,"withinDays":30}}]}"#
            let preview = try await h.api(.post, "/api/v1/segments/preview", key: viewer, json: #"{"rule":\#(rule)}"#).json()
            #expect(preview["count"] as? Int == 2 && preview["total"] as? Int == 6)
            let created = try await h.api(.post, "/api/v1/segments", key: manager, json: #"{"name":"German buyers","description":"Bought in the last 30 days","rule":\#(rule)}"#)
            #expect(created.status == .created, "\(created.text)")
            let segment = try #require(try created.json()["id"] as? String)
            #expect(try created.json()["memberCount"] as? Int == 2)
            let members = try await h.api(.get, "/api/v1/segments/\(segment)/members", key: viewer).json()["data"] as? [[String: Any]]
            #expect(Set((members ?? []).compactMap { $0["profileId"] as? String }) == Set([try await profile("s1"), try await profile("s2")]))
            let listed = try await h.api(.get, "/api/v1/profiles?segment=\(segment)", key: viewer).json()["data"] as? [[String: Any]]
            #expect(listed?.count == 2)
            #expect(try await h.api(.get, "/api/v1/profiles?segment=not%20an%20id", key: viewer).status == .badRequest)
            let export = try await h.api(.get, "/api/v1/profiles/export?format=csv&segment=\(segment)", key: h.a.secretKeys[.admin]!)
            #expect(export.status == .ok && export.text.split(separator: "\n").count == 3, "\(export.text)")
            // Another workspace neither sees nor uses it.
            #expect(try await h.api(.get, "/api/v1/segments/\(segment)", key: h.b.secretKeys[.admin]!).status == .notFound)
            #expect(try await h.api(.get, "/api/v1/profiles?segment=\(segment)", key: h.b.secretKeys[.admin]!).json()["data"] as? [Any] != nil)

            // s3 buys now: she enters as her event is tied, and it shows on her record and in the changes.
            #expect(try await h.track([#"{"type":"track","userId":"s3","event":"Order Completed","messageId":"oc-s3","properties":{"order_id":"o-s3"}}"#]))
            let s3 = try await h.api(.get, "/api/v1/profiles/\(try await profile("s3"))/segments", key: viewer).json()
            #expect(((s3["segments"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String } == ["German buyers"])
            #expect(((s3["changes"] as? [[String: Any]]) ?? []).compactMap { $0["kind"] as? String } == ["entered"])
            let changes = try await h.api(.get, "/api/v1/segments/\(segment)/changes", key: viewer).json()["data"] as? [[String: Any]]
            #expect(changes?.count == 1)
            let counts = try await h.api(.get, "/api/v1/segments/\(segment)/counts?days=7", key: viewer).json()["days"] as? [[String: Any]]
            // The segment was made today: no days before it.
            #expect(counts?.count == 1 && counts?.last?["members"] as? Int == 3 && counts?.last?["entered"] as? Int == 1, "\(String(describing: counts))")
            #expect(try await h.api(.get, "/api/v1/segments/\(segment)/counts?days=0", key: viewer).status == .badRequest)

            // A nested segment and the guard on deleting what it is built on.
            let detractors = try await h.api(.post, "/api/v1/segments", key: manager,
                                             json: #"{"name":"Unhappy German buyers","rule":{"all":[{"segment":"\#(segment)"},{"nps":["detractor"]}]}}"#)
            let nested = try detractors.json()["memberCount"] as? Int
            #expect(detractors.status == .created && nested == 1, "\(detractors.text)")
            #expect(try await h.api(.delete, "/api/v1/segments/\(segment)", key: manager).status == .conflict)

            // Segments as filters: funnels, the touchpoint scorecard, a survey breakdown, the journey map.
            let funnel = try await h.api(.post, "/api/v1/funnels/query", key: viewer,
                                         json: #"{"steps":[{"event":"Product Viewed"},{"event":"Order Completed"}],"segment":"\#(segment)"}"#)
            #expect(funnel.status == .ok, "\(funnel.text)")
            #expect(((try funnel.json()["steps"] as? [[String: Any]]) ?? []).map { $0["people"] as? Int } == [2, 2], "s3 viewed nothing; s4 is not German")
            let everyone = try await h.api(.post, "/api/v1/funnels/query", key: viewer, json: #"{"steps":[{"event":"Product Viewed"},{"event":"Order Completed"}]}"#)
            #expect(((try everyone.json()["steps"] as? [[String: Any]]) ?? []).map { $0["people"] as? Int } == [4, 3])
            let badFunnel = try await h.api(.post, "/api/v1/funnels/query", key: viewer, json: #"{"steps":[{"event":"Product Viewed"},{"event":"Order Completed"}],"segment":"nope"}"#)
            #expect(badFunnel.status == .badRequest && badFunnel.text.contains(#""segment""#))
            let scorecard = try await h.api(.get, "/api/v1/insights/scorecard?metric=nps&segment=\(segment)", key: viewer).json()
            let cells = (scorecard["cells"] as? [[String: Any]]) ?? []
            #expect(cells.reduce(0) { $0 + (($1["n"] as? Int) ?? 0) } == 2, "s1 and s2 answered: \(cells)")
            let breakdown = try await h.api(.get, "/api/v1/surveys/\(surveyID)/breakdown?question=nps&by=touchpoint&segment=\(segment)", key: viewer)
            #expect(breakdown.status == .ok, "\(breakdown.text)")
            #expect(((try breakdown.json()["data"] as? [[String: Any]]) ?? []).first?["key"] as? String == "Order Completed")
            let journeys = try await h.api(.get, "/api/v1/journeys", key: viewer).json()["data"] as? [[String: Any]]
            let journey = try #require(journeys?.first?["id"] as? String)
            #expect(try await h.api(.get, "/api/v1/journeys/\(journey)/map?segment=\(segment)", key: viewer).status == .ok)

            // The pages: the builder in four languages, a preview count, saving, the segment's page, the 360.
            for (language, heading) in [("en", "New segment"), ("de", "Neues Segment"), ("zh-Hans", "新建分群"), ("he", "פלח חדש")] {
                var lead = try await h.signIn(h.a.users[.manager]!.email, headers: [.acceptLanguage: language])
                let (response, page) = try await lead.get("/customers/segments/new")
                #expect(response.status == .ok && page.contains(heading) && page.contains(#"id="segment-form""#) && page.contains(#"name="kind""#), "\(language)")
                let (_, list) = try await lead.get("/customers/segments")
                #expect(list.contains("German buyers") && list.contains(#"data-members><bdi>3</bdi>"#), "\(language)")
            }
            var lead = try await h.signIn(h.a.users[.manager]!.email)
            let rows: [(String, String)] = [("name", "French viewers"), ("description", ""), ("match", "all"),
                                             ("kind", "trait"), ("negate", "is"), ("field", "country"), ("op", "eq"), ("value", "FR"), ("countOp", "atLeast"), ("count", "1"),
                                             ("days", ""), ("property", ""), ("propertyValue", ""), ("tier", ""), ("nps", ""), ("churnOp", "atLeast"), ("churn", ""),
                                             ("purpose", ""), ("granted", "yes"), ("segment", ""),
                                             ("kind", "event"), ("negate", "is"), ("field", "Product Viewed"), ("op", "eq"), ("value", ""), ("countOp", "atLeast"), ("count", "1"),
                                             ("days", "30"), ("property", ""), ("propertyValue", ""), ("tier", ""), ("nps", ""), ("churnOp", "atLeast"), ("churn", ""),
                                             ("purpose", ""), ("granted", "yes"), ("segment", ""),
                                             ("kind", ""), ("negate", "is"), ("field", ""), ("op", "eq"), ("value", ""), ("countOp", "atLeast"), ("count", "1"),
                                             ("days", ""), ("property", ""), ("propertyValue", ""), ("tier", ""), ("nps", ""), ("churnOp", "atLeast"), ("churn", ""),
                                             ("purpose", ""), ("granted", "yes"), ("segment", ""), ("json", "")]
            let previewed = try await lead.submit(on: "/customers/segments/new", to: "/customers/segments", fields: rows + [("intent", "preview")])
            #expect(previewed.status == .ok && previewed.text.contains("2 of 6 customers would belong now."), "\(previewed.text.prefix(300))")
            let badRow = try await lead.submit(on: "/customers/segments/new", to: "/customers/segments",
                                               fields: rows.map { $0.0 == "days" && $0.1 == "30" ? ("days", "0") : $0 } + [("intent", "save")])
            #expect(badRow.status == .badRequest && badRow.text.contains("Condition 2 · event.withinDays"), "\(badRow.text.prefix(300))")
            let saved = try await lead.submit(on: "/customers/segments/new", to: "/customers/segments", fields: rows + [("intent", "save")])
            #expect(saved.status == .seeOther)
            let location = try #require(saved.headers[.location])
            let (_, detail) = try await lead.get(location)
            #expect(detail.contains("French viewers") && detail.contains(#"id="segment-members"><bdi>2</bdi>"#) && detail.contains("Product Viewed"), "\(detail.prefix(500))")
            #expect(detail.contains(#"href="/customers/\#(try await profile("s4"))""#) && detail.contains(#"id="segment-export""#))
            let (_, editor) = try await lead.get(location.split(separator: "?")[0] + "/edit")
            #expect(editor.contains(#"value="country""#) && editor.contains(#"value="30""#), "the rows come back for editing")
            var reader = try await h.signIn(h.a.users[.viewer]!.email, headers: [.acceptLanguage: "he"])
            let (_, record) = try await reader.get("/customers/\(try await profile("s3"))")
            #expect(record.contains(#"id="customer-segments""#) && record.contains("German buyers") && record.contains(#"data-kind="segment""#))
            let (_, filtered) = try await reader.get("/customers?segment=\(segment)")
            #expect(filtered.contains("Customer s1") && !filtered.contains("Customer s4"))
            let (_, funnelPage) = try await reader.get("/journeys?step=Product+Viewed&step=Order+Completed&segment=\(segment)")
            #expect(funnelPage.contains(#"<option value="\#(segment)" selected>"#))
            let (noEdit, _) = try await reader.get("/customers/segments/new")
            #expect(noEdit.status == .forbidden)
        }
    }
}

import CairnCore
import CairnEngine
@testable import CairnStore
import CairnTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import SQLKit
import Testing

@Suite("Roll-ups that reconcile")
struct VerifyTests {
    @Test("After orders, refunds, cancellations, answers, changed answers, erasure, topic changes and tracking, every roll-up agrees with its base rows; drift is found and repaired",
          arguments: TestDatabase.engines)
    func reconcile(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            var random = SplitMix(seed: 20_261_205)
            let manager = h.a.secretKeys[.manager]!, workspace = h.a.workspace.id
            for (sku, price) in [("TEE", "19.99"), ("MUG", "7.50"), ("CAP", "12.00")] {
                _ = try await h.api(.post, "/api/v1/products", key: manager, json: #"{"sku":"\#(sku)","name":"\#(sku)","price":"\#(price)","currency":"EUR"}"#)
            }
            // Orders: some paid and partly refunded, some cancelled, over several days.
            for index in 0..<12 {
                let lines = (0...random.next(2)).map { _ in #"{"sku":"\#(["TEE", "MUG", "CAP"][random.next(3)])","quantity":\#(1 + random.next(3))}"# }.joined(separator: ",")
                let placed = try await h.api(.post, "/api/v1/orders", key: manager, json: #"{"orderId":"R-\#(index)","userId":"buyer-\#(index % 4)","currency":"EUR","lines":[\#(lines)],"placedAt":"2026-11-1\#(random.next(8))T10:00:00Z"}"#)
                let id = try #require(try placed.json()["id"] as? String)
                switch random.next(3) {
                case 0: _ = try await h.api(.post, "/api/v1/orders/\(id)/status", key: manager, json: #"{"status":"cancelled"}"#)
                case 1:
                    _ = try await h.api(.post, "/api/v1/orders/\(id)/status", key: manager, json: #"{"status":"paid"}"#)
                    _ = try await h.api(.post, "/api/v1/orders/\(id)/transactions", key: manager, json: #"{"kind":"refund","amount":"1.\#(random.next(9))0"}"#)
                default: break
                }
            }
            // Answers through the widget, then one answer changed and others stored with a customer who is then erased.
            let survey = try await h.api(.post, "/api/v1/surveys", key: manager, json: #"{"template":"relationship_nps"}"#).json()
            let surveyText = try #require(survey["id"] as? String)
            let surveyID = try #require(SurveyID(surveyText))
            _ = try await h.api(.post, "/api/v1/surveys/\(surveyID)/status", key: manager, json: #"{"status":"published"}"#)
            let token = try #require((survey["link"] as? String)?.dropFirst(3)).description
            let comments = ["The parcel arrived late.", "Friendly staff, great price.", "Parking was impossible.", "Die Lieferung war schnell."]
            for index in 0..<10 {
                _ = try await h.client.execute(uri: "/v1/surveys/\(token)/responses", method: .post, headers: [.contentType: "text/plain"],
                                               body: ByteBuffer(string: #"{"writeKey":"\#(h.a.writeKey)","answers":{"nps":\#(random.next(11)),"why":"\#(comments[index % 4])"}}"#))
            }
            let reading = ResponseReading(store: h.store)
            let customer = try await h.a.customer(in: h.store)
            let changed = SurveyResponseID.generate()
            for score in [2, 9] {
                let at = h.clock.now
                try await reading.save(SurveyResponse(id: changed, workspaceID: workspace, surveyID: surveyID, profileID: customer, invitationID: nil, language: "en",
                                                      answers: ["nps": .number(score), "why": .text(score > 5 ? "Lovely staff." : "Late delivery.")],
                                                      complete: true, startedAt: at, updatedAt: at, completedAt: at), tokenHash: "changed")
            }
            #expect(try await h.api(.post, "/api/v1/profiles/\(customer)/erase", key: h.a.secretKeys[.admin]!).status == .ok)
            let erased = try #require(try await h.store.response(id: changed, in: workspace))
            #expect(erased.answers["why"] == nil && erased.topics == ["staff"], "the words go, the topics stay")
            // The workspace's own topic, and every stored answer read again for it.
            _ = try await h.api(.put, "/api/v1/feedback-topics", key: manager, json: #"{"topics":[{"id":"parking","keywords":{"en":["parking"]}}]}"#)
            while try await reading.rereadNextPage(limit: 3) > 0 {}
            let reread = try await h.store.response(id: changed, in: workspace)
            #expect(reread?.topics == ["staff"] && reread?.sentimentLabel == erased.sentimentLabel, "reading again keeps what erased words said")
            // Tracking through the public endpoint: the source's count.
            for index in 0..<5 {
                _ = try await h.client.execute(uri: "/v1/track", method: .post, headers: [.authorization: "Basic \(Data("\(h.a.writeKey):".utf8).base64EncodedString())", .contentType: "application/json"],
                                               body: ByteBuffer(string: #"{"userId":"t-\#(index)","event":"Viewed"}"#))
            }

            let drift = try await h.store.verifyRollups(repair: false)
            #expect(drift.count == 8 && drift.allSatisfy { !$0.hasDrift }, "\(drift.filter(\.hasDrift))")

            // A kept count made wrong is found, left alone without --repair, and rebuilt with it.
            try await h.store.database.withConnection { sql in try await sql.raw("UPDATE survey_scores_daily SET answers = answers + 1").run() }
            let found = try await h.store.verifyRollups(repair: false)
            #expect(found.first { $0.table == "survey_scores_daily" }?.hasDrift == true && found.filter(\.hasDrift).count == 1)
            #expect(try await h.store.verifyRollups(repair: false).first { $0.table == "survey_scores_daily" }?.hasDrift == true, "verifying changes nothing")
            _ = try await h.store.verifyRollups(repair: true)
            #expect(try await h.store.verifyRollups(repair: false).allSatisfy { !$0.hasDrift })
        }
    }
}

/// A small deterministic generator for the test's choices.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next(_ bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((z ^ (z >> 31)) % UInt64(bound))
    }
}

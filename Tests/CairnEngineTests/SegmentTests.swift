import CairnCore
import CairnEngine
import CairnStore
import CairnTestSupport
import Foundation
import Testing

/// Segments on a hand-worked world of four customers (times relative to the test clock's start T):
///
/// | customer | country | Order Completed (days before T)      | marketing email |
/// |----------|---------|--------------------------------------|-----------------|
/// | ada      | DE      | 10, 20, 80                           | not asked (opt-in: no) |
/// | bea      | DE      | 5                                    | no              |
/// | cem      | US      | 35 (category shoes), 60              | no              |
/// | dan      | DE      | —                                    | granted         |
@Suite("Segments: rules, membership kept current as events are tied and as time passes, nesting, counts, webhooks")
struct SegmentTests {
    struct World {
        let store: Store
        let clock: TestClock
        let seeded: SeededWorkspace
        let segments: Segments
        var manager: Principal { seeded.principal(.manager) }

        func track(_ messages: [(TrackingMessage.Kind, String)]) async throws {
            let key = try #require(try await Authenticator(store: store, configuration: .init(passwordHasher: testPasswordHasher)).key(token: seeded.writeKey, kind: .write))
            let parsed = try messages.enumerated().map { index, message in
                let object = try JSONDecoder().decode(JSONValue.self, from: Data(message.1.utf8)).objectValue!
                return try TrackingMessage.parse(object, kind: message.0, makeMessageID: { "m-\(UUID().uuidString)-\(index)" }).get()
            }
            _ = try await Ingestor(store: store, clock: clock.source).ingest(parsed, key: key)
            try await IdentityResolver(store: store, clock: clock.source).resolvePending(in: seeded.workspace.id)
        }

        func order(_ user: String, daysAgo: Double, category: String = "books") -> (TrackingMessage.Kind, String) {
            let at = clock.now.addingTimeInterval(-daysAgo * 86_400).formatted(.iso8601)
            return (.track, #"{"userId":"\#(user)","event":"Order Completed","timestamp":"\#(at)","properties":{"order_id":"\#(UUID().uuidString)","category":"\#(category)"}}"#)
        }

        func profile(_ user: String) async throws -> ProfileID {
            try #require(try await store.profileID(for: Identifier(kind: .userID, value: user), in: seeded.workspace.id))
        }

        func members(_ segment: Segment) async throws -> Set<String> {
            var names = Set<String>()
            for member in try await segments.members(of: segment.id, for: manager, after: nil, limit: try PageSize(200)).items {
                for user in ["ada", "bea", "cem", "dan"] where try await profile(user) == member.profile { names.insert(user) }
            }
            return names
        }

        func rule(_ json: String) throws -> JSONValue { try JSONDecoder().decode(JSONValue.self, from: Data(json.utf8)) }
    }

    func world(_ store: Store, _ body: (World) async throws -> Void) async throws {
        let clock = TestClock(Date(timeIntervalSince1970: 1_790_000_000))
        let seeded = try await SeededWorkspace.create(named: "Shop", in: store, clock: clock.source)
        let w = World(store: store, clock: clock, seeded: seeded, segments: Segments(store: store, columns: EventColumns(store: store), clock: clock.source))
        try await w.track([
            (.identify, #"{"userId":"ada","traits":{"country":"DE","email":"ada@example.com"}}"#),
            (.identify, #"{"userId":"bea","traits":{"country":"DE"}}"#),
            (.identify, #"{"userId":"cem","traits":{"country":"US"}}"#),
            (.identify, #"{"userId":"dan","traits":{"country":"DE"}}"#),
            w.order("ada", daysAgo: 10), w.order("ada", daysAgo: 20), w.order("ada", daysAgo: 80),
            w.order("bea", daysAgo: 5),
            w.order("cem", daysAgo: 35, category: "shoes"), w.order("cem", daysAgo: 60),
        ])
        _ = try await ConsentLedger(store: store, clock: clock.source).record(.granted, purpose: .marketingEmail, for: try await w.profile("dan"),
                                                                              legalBasis: "newsletter form", by: seeded.principal(.admin), origin: .console)
        try await body(w)
    }

    @Test("Bad rules are refused naming each field; segments are built over every customer; entries as events are tied; exits and entries as events leave windows; nesting and consent; timeline, counts and webhooks",
          arguments: TestDatabase.engines)
    func segmentsStayCurrent(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { (store: Store) async throws in
            try await world(store) { w in
                // Bad input: every problem named, nothing stored.
                do {
                    _ = try await w.segments.create(name: " ", description: nil, rule: try w.rule("""
                        {"all": [{"trait": {"name": "country", "op": "equals", "value": "DE"}},
                                 {"event": {"name": "Order Completed", "atLeast": 2, "withinDays": 0}},
                                 {"valueTier": ["gold"]}, {"colour": "red"}]}
                        """), by: w.manager)
                    Issue.record("a bad segment must be refused")
                } catch let error as ValidationError {
                    #expect(Set(error.issues.map(\.field)) == ["name", "rule.all[0].trait.op", "rule.all[1].event.withinDays", "rule.all[2].valueTier", "rule.all[3].colour"])
                }
                #expect(try await w.segments.list(for: w.manager).isEmpty)
                await #expect(throws: AccessError.self) {
                    _ = try await w.segments.create(name: "x", description: nil, rule: try w.rule(#"{"trait": {"name": "country", "op": "exists"}}"#), by: w.seeded.principal(.agent))
                }

                let loyal = try await w.segments.create(name: "Loyal Germans", description: "Two orders in 90 days", rule: try w.rule("""
                    {"all": [{"trait": {"name": "country", "op": "eq", "value": "DE"}}, {"event": {"name": "Order Completed", "atLeast": 2, "withinDays": 90}}]}
                    """), by: w.manager)
                let lapsed = try await w.segments.create(name: "Lapsed", description: nil, rule: try w.rule("""
                    {"not": {"event": {"name": "Order Completed", "withinDays": 30}}}
                    """), by: w.manager)
                let reachable = try await w.segments.create(name: "Loyal and reachable", description: nil, rule: try w.rule("""
                    {"all": [{"segment": "\(loyal.id)"}, {"consent": {"purpose": "marketing_email", "granted": true}}]}
                    """), by: w.manager)
                let shoes = try await w.segments.create(name: "Shoe buyers", description: nil, rule: try w.rule("""
                    {"event": {"name": "Order Completed", "atLeast": 1, "where": [{"property": "category", "op": "eq", "value": "shoes"}]}}
                    """), by: w.manager)
                #expect(loyal.memberCount == 1 && lapsed.memberCount == 2 && reachable.memberCount == 0 && shoes.memberCount == 1)
                #expect(try await w.members(loyal) == ["ada"])
                #expect(try await w.members(lapsed) == ["cem", "dan"])
                #expect(try await w.members(shoes) == ["cem"])
                let preview = try await w.segments.preview(rule: try w.rule(#"{"trait": {"name": "country", "op": "in", "value": ["DE", "AT"]}}"#), for: w.manager)
                #expect(preview.count == 3 && preview.total == 4)
                // A first build is not announced customer by customer.
                #expect(try await w.segments.memberships(of: try await w.profile("ada"), for: w.manager).changes.isEmpty)

                // A segment cannot be named twice, nor contain itself.
                await #expect(throws: ValidationError.self) {
                    _ = try await w.segments.create(name: "lapsed", description: nil, rule: try w.rule(#"{"trait": {"name": "country", "op": "exists"}}"#), by: w.manager)
                }
                await #expect(throws: ValidationError.self) {
                    _ = try await w.segments.update(loyal.id, name: nil, description: nil, rule: try w.rule(#"{"segment": "\#(reachable.id)"}"#), by: w.manager)
                }
                await #expect(throws: ConflictError.self) { try await w.segments.delete(loyal.id, by: w.manager) }

                // A webhook endpoint for entries and exits.
                let hook = try await Webhooks(store: w.store, clock: w.clock.source, allowPrivateAddresses: true)
                    .create(url: "http://127.0.0.1:9/hooks", events: [Segments.enteredEvent, Segments.leftEvent], by: w.seeded.principal(.admin))

                // bea's second order is tied to her: she enters Loyal Germans then and there (no sweep).
                try await w.track([w.order("bea", daysAgo: 0)])
                #expect(try await w.members(loyal) == ["ada", "bea"])
                let beaChanges = try await w.segments.memberships(of: try await w.profile("bea"), for: w.manager)
                #expect(beaChanges.current.map(\.segment.name) == ["Loyal Germans"])
                #expect(beaChanges.changes.map { "\($0.kind.rawValue) \($0.segmentName)" } == ["entered Loyal Germans"])

                // ada agrees to marketing email by hand: she is decided again by the sweep and enters the nested segment.
                _ = try await ConsentLedger(store: w.store, clock: w.clock.source).record(.granted, purpose: .marketingEmail, for: try await w.profile("ada"),
                                                                                        legalBasis: "asked in store", by: w.seeded.principal(.admin), origin: .console)
                #expect(try await w.members(reachable).isEmpty)
                try await w.segments.sweep()
                #expect(try await w.members(reachable) == ["ada"])

                // 86 days on: every order of ada and bea is older than 90 days — they leave Loyal Germans (and the
                // nested segment) and join Lapsed, by the sweep alone.
                w.clock.advance(by: 86 * 86_400)
                try await w.segments.sweep()
                #expect(try await w.members(loyal).isEmpty)
                #expect(try await w.members(reachable).isEmpty)
                #expect(try await w.members(lapsed) == ["ada", "bea", "cem", "dan"])
                let ada = try await w.segments.memberships(of: try await w.profile("ada"), for: w.manager)
                #expect(Set(ada.changes.map { "\($0.kind.rawValue) \($0.segmentName)" }) == ["entered Loyal and reachable", "left Loyal and reachable", "left Loyal Germans", "entered Lapsed"])
                #expect(try await w.segments.segment(loyal.id, for: w.manager).memberCount == 0)
                #expect(try await w.segments.segment(lapsed.id, for: w.manager).memberCount == 4)

                // Counts over time: the day of the build and today's.
                let counts = try await w.segments.counts(of: lapsed.id, for: w.manager)
                #expect(counts.first?.members == 2 && counts.last?.members == 4 && counts.last?.entered == 2)
                #expect(counts.count == 87)

                // Every entry and exit went to the webhook, signed later by the delivery service.
                let deliveries = try await Webhooks(store: w.store, clock: w.clock.source).deliveries(of: hook.endpoint.id, for: w.seeded.principal(.admin), after: nil, limit: try PageSize(200)).items
                #expect(deliveries.filter { $0.event == Segments.enteredEvent }.count == 4)
                #expect(deliveries.filter { $0.event == Segments.leftEvent }.count == 3)
                #expect(deliveries.contains { $0.payload.contains("\"name\":\"Lapsed\"") })

                // A changed rule rebuilds the segment (quietly); a whole rebuild and the per-customer decision agree.
                let redefined = try await w.segments.update(shoes.id, name: "Book buyers", description: nil, rule: try w.rule("""
                    {"event": {"name": "Order Completed", "atLeast": 1, "where": [{"property": "category", "op": "eq", "value": "books"}]}}
                    """), by: w.manager)
                #expect(redefined.memberCount == 3 && redefined.name == "Book buyers")
                #expect(try await w.members(redefined) == ["ada", "bea", "cem"])

                // Erasure forgets a customer's memberships.
                _ = try await Erasure(store: w.store, clock: w.clock.source).erase(try await w.profile("dan"), by: w.seeded.principal(.admin), origin: .console)
                #expect(try await w.segments.segment(lapsed.id, for: w.manager).memberCount == 3)

                // Deleting: the nested one first, then the one it was built on.
                try await w.segments.delete(reachable.id, by: w.manager)
                try await w.segments.delete(loyal.id, by: w.manager)
                #expect(try await w.segments.list(for: w.manager).map(\.name) == ["Book buyers", "Lapsed"])
            }
        }
    }

    @Test("NPS of the latest answer: a detractor's answer moves them into the segment once the sweep decides them again", arguments: TestDatabase.engines)
    func npsSegment(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { (store: Store) async throws in
            try await world(store) { w in
                let detractors = try await w.segments.create(name: "Detractors", description: nil, rule: try w.rule(#"{"nps": ["detractor"]}"#), by: w.manager)
                #expect(detractors.memberCount == 0)
                let surveys = Surveys(store: w.store, clock: w.clock.source)
                let survey = try await surveys.move(try await surveys.create(.init(name: "NPS", template: "relationship_nps"), by: w.manager).id, to: .published, by: w.manager)
                let answering = SurveyAnswering(store: w.store, clock: w.clock.source)
                _ = try await answering.submitWhole(token: survey.token, workspace: w.seeded.workspace.id, answers: ["nps": .integer(3)], userID: "cem", anonymousID: nil, language: "en")
                _ = try await answering.submitWhole(token: survey.token, workspace: w.seeded.workspace.id, answers: ["nps": .integer(10)], userID: "ada", anonymousID: nil, language: "en")
                try await w.segments.sweep()
                #expect(try await w.members(detractors) == ["cem"])
                // A later, happier answer moves cem out.
                w.clock.advance(by: 60)
                _ = try await answering.submitWhole(token: survey.token, workspace: w.seeded.workspace.id, answers: ["nps": .integer(9)], userID: "cem", anonymousID: nil, language: "en")
                try await w.segments.sweep()
                #expect(try await w.members(detractors).isEmpty)
            }
        }
    }
}

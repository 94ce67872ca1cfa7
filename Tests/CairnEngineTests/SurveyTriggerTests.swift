import CairnCore
import CairnEngine
import CairnStore
import CairnTestSupport
import Foundation
import Testing

@Suite("Surveys that follow events: triggers, sampling and the recontact limit")
struct SurveyTriggerTests {
    struct World {
        let store: Store
        let clock: TestClock
        let seeded: SeededWorkspace
        let triggers: SurveyTriggers

        func customer(_ userID: String, traits: String, consent: Bool) async throws -> ProfileID {
            try await track(userID, kind: .identify, json: #"{"userId":"\#(userID)","traits":\#(traits)}"#, id: "identify-\(userID)")
            let profile = try #require(try await store.profileID(for: Identifier(kind: .userID, value: userID), in: seeded.workspace.id))
            if consent {
                _ = try await ConsentLedger(store: store, clock: clock.source).record(.granted, purpose: .surveys, for: profile, legalBasis: "asked at checkout",
                                                                                     by: seeded.principal(.admin), origin: .console)
            }
            return profile
        }

        func event(_ name: String, for userID: String, id: String, at: Date? = nil) async throws {
            let timestamp = (at ?? clock.now).formatted(.iso8601)
            try await track(userID, kind: .track, json: #"{"userId":"\#(userID)","event":"\#(name)","timestamp":"\#(timestamp)","properties":{"order_id":"\#(id)"}}"#, id: id)
        }

        func track(_ userID: String, kind: TrackingMessage.Kind, json: String, id: String) async throws {
            let key = try #require(try await Authenticator(store: store, configuration: .init(passwordHasher: testPasswordHasher)).key(token: seeded.writeKey, kind: .write))
            let object = try JSONDecoder().decode(JSONValue.self, from: Data(json.utf8)).objectValue!
            _ = try await Ingestor(store: store, clock: clock.source).ingest([try TrackingMessage.parse(object, kind: kind, makeMessageID: { id }).get()], key: key)
            try await IdentityResolver(store: store, clock: clock.source).resolvePending(in: seeded.workspace.id)
        }

        func firings(_ survey: SurveyID) async throws -> [SurveyTriggerFiring] {
            try await triggers.firings(of: survey, for: seeded.principal(.viewer), after: nil, limit: try PageSize(200)).items
        }
    }

    func world(_ store: Store, _ body: (World) async throws -> Void) async throws {
        let clock = TestClock(Date(timeIntervalSince1970: 1_790_000_000))
        let seeded = try await SeededWorkspace.create(named: "Shop", in: store, clock: clock.source)
        let mailer = SMTPMailer(configuration: SMTPConfiguration(host: "127.0.0.1", port: 2525, security: .none, from: "feedback@shop.example"))
        let emails = SurveyEmails(store: store, clock: clock.source, mailer: mailer, publicURL: "https://cx.shop.example")
        try await body(World(store: store, clock: clock, seeded: seeded, triggers: SurveyTriggers(store: store, clock: clock.source, emails: emails)))
    }

    func published(_ template: String, _ w: World) async throws -> Survey {
        let surveys = Surveys(store: w.store, clock: w.clock.source)
        let admin = w.seeded.principal(.admin)
        let survey = try await surveys.create(.init(name: template, template: template), by: admin)
        return try await surveys.move(survey.id, to: .published, by: admin)
    }

    @Test("Order Delivered invites by email a day later; a customer without consent is skipped; a customer asked recently is not asked again; the widget shows a readied survey once",
          arguments: TestDatabase.engines)
    func triggersFollowEvents(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { (store: Store) async throws in
            try await world(store) { w in
                let manager = w.seeded.principal(.manager)
                let csat = try await published("post_delivery_csat", w)
                let ces = try await published("post_contact_ces", w)
                // Bad triggers are refused naming each field; nothing is written.
                do {
                    _ = try await w.triggers.setTriggers([.init(event: " ", action: "sms", delayMinutes: -1, samplePercent: 0)], of: csat.id, by: manager)
                    Issue.record("a bad trigger must be refused")
                } catch let error as ValidationError {
                    #expect(Set(error.issues.map(\.field)) == ["triggers[0].event", "triggers[0].action", "triggers[0].delayMinutes", "triggers[0].samplePercent"])
                }
                #expect(try await w.triggers.triggers(of: csat.id, for: manager).isEmpty)
                await #expect(throws: AccessError.self) { try await w.triggers.setTriggers([.init(event: "Order Delivered")], of: csat.id, by: w.seeded.principal(.viewer)) }
                let set = try await w.triggers.setTriggers([.init(event: "Order Delivered", action: "email", delayMinutes: 1_440, samplePercent: 100)], of: csat.id, by: manager)
                #expect(set.count == 1 && set[0].action == .email)
                _ = try await w.triggers.setTriggers([.init(event: "Case Resolved", action: "show")], of: ces.id, by: manager)

                let ada = try await w.customer("ada", traits: #"{"email":"ada@example.com"}"#, consent: true)
                let bea = try await w.customer("bea", traits: #"{"email":"bea@example.com"}"#, consent: false)
                let cem = try await w.customer("cem", traits: #"{"email":"cem@example.com"}"#, consent: true)
                try await w.event("Order Delivered", for: "ada", id: "d-ada")
                try await w.event("Order Delivered", for: "bea", id: "d-bea")
                try await w.event("Order Delivered", for: "ada", id: "d-ada-old", at: w.clock.now.addingTimeInterval(-30 * 86_400))
                var firings = try await w.firings(csat.id)
                #expect(firings.count == 2, "one firing per event; an event from a month ago starts nothing")
                #expect(firings.allSatisfy { $0.status == .pending && $0.dueAt == w.clock.now.addingTimeInterval(86_400) })

                #expect(try await w.triggers.processDue() == 0, "the delay has not passed")
                w.clock.advance(by: 86_400 + 60)
                #expect(try await w.triggers.processDue() == 2)
                firings = try await w.firings(csat.id)
                #expect(firings.first { $0.profileID == ada }?.status == .done)
                #expect(firings.first { $0.profileID == bea }?.status == .skipped && firings.first { $0.profileID == bea }?.reason == "no_consent")
                let outbox = try await SurveyEmails(store: store, clock: w.clock.source, mailer: nil, publicURL: "x").emails(of: csat.id, for: manager, after: nil, limit: try PageSize(10)).items
                #expect(outbox.filter { $0.profileID == ada }.map(\.kind).sorted { $0.rawValue < $1.rawValue } == [.invitation, .reminder])
                let adaEmail = try #require(outbox.first { $0.profileID == ada })
                let invitation = try #require(try await store.invitation(id: adaEmail.invitationID, in: w.seeded.workspace.id))
                #expect(invitation.touchpoint == "Order Delivered" && invitation.orderReference == "d-ada", "the response will say what it is about")

                // Cem resolves a case (the widget readies the CES survey at once) and gets a parcel the same day.
                try await w.event("Case Resolved", for: "cem", id: "case-cem")
                try await w.event("Order Delivered", for: "cem", id: "d-cem")
                #expect(try await w.triggers.processDue() == 1)
                #expect(try await w.firings(ces.id).first?.status == .ready)
                #expect(try await w.triggers.prompt(userID: "bea", in: w.seeded.workspace.id) == nil)
                let shown = try await w.triggers.prompt(userID: "cem", in: w.seeded.workspace.id)
                #expect(shown?.survey.id == ces.id && shown?.touchpoint == "Case Resolved")
                #expect(try await w.triggers.prompt(userID: "cem", in: w.seeded.workspace.id) == nil, "shown once")
                w.clock.advance(by: 86_400 + 60)
                _ = try await w.triggers.processDue()
                let cemDelivery = try #require(try await w.firings(csat.id).first { $0.profileID == cem })
                #expect(cemDelivery.status == .skipped && cemDelivery.reason == "recontact_limit", "asked by the widget yesterday: not asked again within 30 days")

                // With the limit off, the next delivery invites Cem.
                #expect(try await w.triggers.recontactDays(for: manager) == 30)
                await #expect(throws: ValidationError.self) { try await w.triggers.setRecontactDays(400, by: manager) }
                #expect(try await w.triggers.setRecontactDays(0, by: manager) == 0)
                try await w.event("Order Delivered", for: "cem", id: "d-cem-2")
                w.clock.advance(by: 86_400 + 60)
                _ = try await w.triggers.processDue()
                #expect(try await w.firings(csat.id).first { $0.eventID != cemDelivery.eventID && $0.profileID == cem }?.status == .done)
            }
        }
    }

    @Test("Sampling acts on the chosen share of events, the same way for the same event", arguments: TestDatabase.engines)
    func sampling(engine: DatabaseEngine) async throws {
        let trigger = SurveyTriggerID.generate()
        let events = (0..<4_000).map { _ in EventID.generate() }
        let share = Double(events.filter { SurveyTriggerFiring.sampled(trigger: trigger, event: $0, percent: 25) }.count) / Double(events.count)
        #expect(abs(share - 0.25) < 0.035, "\(share): within five standard errors of 25 %")
        #expect(events.prefix(100).allSatisfy { SurveyTriggerFiring.sampled(trigger: trigger, event: $0, percent: 25) == SurveyTriggerFiring.sampled(trigger: trigger, event: $0, percent: 25) })
        #expect(events.allSatisfy { SurveyTriggerFiring.sampled(trigger: trigger, event: $0, percent: 100) })

        try await TestDatabase.withStore(engine) { (store: Store) async throws in
            try await world(store) { w in
                let survey = try await published("relationship_nps", w)
                _ = try await w.triggers.setTriggers([.init(event: "Page Viewed", action: "show", samplePercent: 30)], of: survey.id, by: w.seeded.principal(.manager))
                _ = try await w.customer("dan", traits: #"{"name":"Dan"}"#, consent: true)
                for index in 0..<60 { try await w.event("Page Viewed", for: "dan", id: "view-\(index)") }
                let firings = try await w.firings(survey.id)
                #expect(firings.count == 60)
                let kept = firings.filter { $0.status == .pending }.count
                #expect(firings.filter { $0.status == .skipped }.allSatisfy { $0.reason == "not_sampled" })
                #expect(kept == firings.filter { SurveyTriggerFiring.sampled(trigger: $0.triggerID, event: $0.eventID, percent: 30) }.count)
                #expect((5...35).contains(kept), "\(kept) of 60 at 30 %")
            }
        }
    }
}

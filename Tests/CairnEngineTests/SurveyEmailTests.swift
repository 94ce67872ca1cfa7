import CairnCore
import CairnEngine
@testable import CairnStore
import CairnTestSupport
import Foundation
import SQLKit
import Testing

@Suite("Survey invitations by email, with one reminder")
struct SurveyEmailTests {
    /// A customer tracked through the write key with these traits, resolved, and — when `consent` — agreeing to surveys.
    func customer(_ userID: String, traits: String, consent: Bool, seeded: SeededWorkspace, store: Store, clock: TestClock) async throws -> ProfileID {
        let key = try #require(try await Authenticator(store: store, configuration: .init(passwordHasher: testPasswordHasher)).key(token: seeded.writeKey, kind: .write))
        let identify = try JSONDecoder().decode(JSONValue.self, from: Data(#"{"userId":"\#(userID)","traits":\#(traits)}"#.utf8)).objectValue!
        _ = try await Ingestor(store: store).ingest([try TrackingMessage.parse(identify, kind: .identify, makeMessageID: { "identify-\(userID)" }).get()], key: key)
        try await IdentityResolver(store: store).resolvePending(in: seeded.workspace.id)
        let profile = try #require(try await store.profileID(for: Identifier(kind: .userID, value: userID), in: seeded.workspace.id))
        if consent {
            _ = try await ConsentLedger(store: store, clock: clock.source).record(.granted, purpose: .surveys, for: profile, legalBasis: "asked at checkout",
                                                            by: Principal(workspaceID: seeded.workspace.id, kind: .operatorConsole, role: .admin), origin: .console)
        }
        return profile
    }

    @Test("Invitations go out over SMTP in the customer's language with a withdraw link; one reminder reaches only those who have not answered; failures are retried; the token is forgotten when done",
          arguments: TestDatabase.engines)
    func invitationsAndReminder(engine: DatabaseEngine) async throws {
        let sink = try await SMTPSink.start()
        defer { Task { await sink.stop() } }
        try await TestDatabase.withStore(engine) { (store: Store) async throws in
            let clock = TestClock(Date(timeIntervalSince1970: 1_790_000_000))
            let seeded = try await SeededWorkspace.create(named: "Shop", in: store, clock: clock.source)
            let (survey, _) = try await seeded.invitee(in: store)
            let manager = seeded.principal(.manager)
            let ada = try await customer("ada", traits: #"{"email":"ada@example.com"}"#, consent: true, seeded: seeded, store: store, clock: clock)
            let bea = try await customer("bea", traits: #"{"email":"bea@example.com","language":"de-DE"}"#, consent: true, seeded: seeded, store: store, clock: clock)
            let cem = try await customer("cem", traits: #"{"email":"cem@example.com"}"#, consent: false, seeded: seeded, store: store, clock: clock)
            let dan = try await customer("dan", traits: #"{"name":"Dan"}"#, consent: true, seeded: seeded, store: store, clock: clock)
            let mailer = SMTPMailer(configuration: SMTPConfiguration(host: "127.0.0.1", port: sink.port, security: .none, from: "Shop Feedback <feedback@shop.example>"))
            let emails = SurveyEmails(store: store, clock: clock.source, mailer: mailer, publicURL: "https://cx.shop.example/")

            // Bad input is refused naming the field, and nothing is written.
            await #expect(throws: ValidationError.self) { try await emails.invite(.init(profileIds: ["nope"]), to: survey, by: manager) }
            await #expect(throws: ValidationError.self) { try await emails.invite(.init(profileIds: [ada.rawValue], expiresInDays: 2, reminderAfterHours: 48), to: survey, by: manager) }
            await #expect(throws: AccessError.self) { try await emails.invite(.init(profileIds: [ada.rawValue]), to: survey, by: seeded.principal(.viewer)) }
            let unconfigured = SurveyEmails(store: store, clock: clock.source, mailer: nil, publicURL: "https://cx.shop.example")
            do {
                _ = try await unconfigured.invite(.init(profileIds: [ada.rawValue]), to: survey, by: manager)
                Issue.record("inviting by email without SMTP must be refused")
            } catch let error as ValidationError {
                #expect(error.issues.first?.field == "email" && error.issues.first?.hint.contains("--smtp-host") == true)
            }

            let outcome = try await emails.invite(.init(profileIds: [ada.rawValue, bea.rawValue, cem.rawValue, dan.rawValue, ProfileID.generate().rawValue]), to: survey, by: manager)
            #expect(outcome.invited.map(\.profileId) == [ada, bea])
            #expect(Dictionary(uniqueKeysWithValues: outcome.skipped.map { ($0.profileId, $0.reason) }).values.sorted() == ["no_consent", "no_email", "not_found"])
            #expect(outcome.invited.allSatisfy { $0.reminderAt == clock.now.addingTimeInterval(72 * 3_600) })
            let again = try await emails.invite(.init(profileIds: [ada.rawValue]), to: survey, by: manager)
            #expect(again.invited.isEmpty && again.skipped.first?.reason == "already_invited")

            #expect(try await emails.sendDue() == 2)
            var messages = sink.messages
            #expect(messages.count == 2)
            let toAda = try #require(messages.first { $0.to == ["ada@example.com"] })
            let toBea = try #require(messages.first { $0.to == ["bea@example.com"] })
            #expect(toAda.from == "feedback@shop.example")
            #expect(toAda.subject == "Your delivery" && toBea.subject == "Ihre Lieferung")
            #expect(toAda.body.contains("We would value your opinion") && toBea.body.contains("Ihre Meinung ist uns wichtig"))
            let link = try #require(toAda.body.components(separatedBy: "\n").first { $0.hasPrefix("https://cx.shop.example/s/") && $0.hasSuffix("?lang=en") })
            let token = String(link.dropFirst("https://cx.shop.example/s/".count).dropLast("?lang=en".count))
            #expect(toAda.body.contains("https://cx.shop.example/s/\(token)/withdraw?lang=en"))
            #expect(toAda.header("List-Unsubscribe") == "<https://cx.shop.example/s/\(token)/withdraw?lang=en>")
            #expect(toBea.body.contains("?lang=de"))
            #expect(try await emails.sendDue() == 0, "nothing more is due")

            // Ada answers through her link.
            let answering = SurveyAnswering(store: store, clock: clock.source)
            let invitation = try #require(try await answering.invitation(token))
            #expect(invitation.profileID == ada)
            clock.advance(by: 3_600)
            try await ResponseReading(store: store).save(SurveyResponse(id: .generate(), workspaceID: seeded.workspace.id, surveyID: survey, profileID: ada, invitationID: invitation.id,
                                                language: "en", answers: ["csat": .number(5)], complete: true, startedAt: clock.now, updatedAt: clock.now,
                                                completedAt: clock.now), tokenHash: "answered-ada")

            // 72 hours on: only Bea, who has not answered, gets the (one) reminder.
            clock.advance(by: 72 * 3_600)
            #expect(try await emails.sendDue() == 2)
            messages = sink.messages
            #expect(messages.count == 3)
            #expect(messages.last?.to == ["bea@example.com"] && messages.last?.subject == "Erinnerung: Ihre Lieferung")
            #expect(messages.last?.body.contains("Wir haben noch keine Antwort") == true)
            clock.advance(by: 30 * 86_400)
            #expect(try await emails.sendDue() == 0, "one reminder, never a second")
            let log = try await emails.emails(of: survey, for: manager, after: nil, limit: try PageSize(50)).items
            #expect(log.filter { $0.status == .sent }.count == 3)
            #expect(log.first { $0.profileID == ada && $0.kind == .reminder }?.status == .skipped)
            #expect(log.first { $0.profileID == ada && $0.kind == .reminder }?.lastError == "answered")
            let tokensLeft = try await store.database.withConnection { sql in
                try await sql.raw("SELECT COUNT(*) AS n FROM survey_emails WHERE token IS NOT NULL").first()?.decode(column: "n", as: Int64.self) ?? -1
            }
            #expect(tokensLeft == 0, "links are not kept once their emails are done")

            // A refused message is retried later; a customer who withdraws before the reminder gets none.
            let eve = try await customer("eve", traits: #"{"email":"eve@example.com"}"#, consent: true, seeded: seeded, store: store, clock: clock)
            sink.refuseNext(1)
            _ = try await emails.invite(.init(profileIds: [eve.rawValue], reminderAfterHours: 24), to: survey, by: manager)
            try await emails.sendDue()
            var eveLog = try await emails.emails(of: survey, for: manager, after: nil, limit: try PageSize(50)).items.filter { $0.profileID == eve }
            let first = try #require(eveLog.first { $0.kind == .invitation })
            #expect(first.status == .scheduled && first.attempts == 1 && first.lastError?.contains("451") == true)
            #expect(sink.messages.count == 3)
            clock.advance(by: 61)
            try await emails.sendDue()
            #expect(sink.messages.count == 4 && sink.messages.last?.to == ["eve@example.com"])
            let eveToken = try #require(sink.messages.last?.body.components(separatedBy: "\n").first { $0.contains("/s/") && $0.hasSuffix("?lang=en") && !$0.contains("withdraw") })
                .replacingOccurrences(of: "https://cx.shop.example/s/", with: "").replacingOccurrences(of: "?lang=en", with: "")
            try await answering.withdrawSurveyConsent(for: try #require(try await answering.invitation(eveToken)))
            clock.advance(by: 25 * 3_600)
            try await emails.sendDue()
            #expect(sink.messages.count == 4)
            eveLog = try await emails.emails(of: survey, for: manager, after: nil, limit: try PageSize(50)).items.filter { $0.profileID == eve }
            #expect(eveLog.first { $0.kind == .reminder }?.status == .skipped && eveLog.first { $0.kind == .reminder }?.lastError == "no_consent")

            // Erasing a customer cancels what waits for them and removes the words of their answers, keeping the scores.
            let fay = try await customer("fay", traits: #"{"email":"fay@example.com"}"#, consent: true, seeded: seeded, store: store, clock: clock)
            _ = try await emails.invite(.init(profileIds: [fay.rawValue], reminderAfterHours: 24), to: survey, by: manager)
            let answered = try await ResponseReading(store: store).save(SurveyResponse(id: .generate(), workspaceID: seeded.workspace.id, surveyID: survey, profileID: fay, invitationID: nil,
                                                               language: "en", answers: ["csat": .number(2), "why": .text("Fay Smith here: the courier was rude and late.")],
                                                               complete: true, startedAt: clock.now, updatedAt: clock.now, completedAt: clock.now), tokenHash: "fay")
            #expect(answered.insights["why"]?.keywords.isEmpty == false)
            _ = try await Erasure(store: store, clock: clock.source).erase(fay, by: seeded.principal(.admin), origin: .console)
            let fayLog = try await emails.emails(of: survey, for: manager, after: nil, limit: try PageSize(50)).items.filter { $0.profileID == fay }
            #expect(fayLog.count == 2 && fayLog.allSatisfy { $0.status == .skipped && $0.lastError == "erased" })
            let kept = try #require(try await store.latestResponses(in: seeded.workspace.id, survey: survey, completeOnly: false, sentiment: nil, topic: nil, limit: 50)
                .first { $0.id == answered.id })
            #expect(kept.answers == ["csat": .number(2)], "the score stays, the words go")
            #expect(kept.insights["why"]?.keywords == [] && kept.insights["why"]?.sentences == [] && kept.topics == ["delivery", "staff"])
            try await emails.sendDue()
            #expect(!sink.messages.contains { $0.to == ["fay@example.com"] })
        }
    }
}

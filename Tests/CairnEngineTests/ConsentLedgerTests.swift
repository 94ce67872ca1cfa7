import CairnCore
import CairnEngine
import CairnStore
import CairnTestSupport
import Foundation
import Testing

@Suite("Consent ledger")
struct ConsentLedgerTests {
    func rig(_ store: Store) async throws -> (IdentityResolverTests.Rig, ConsentLedger) {
        let seeded = try await SeededWorkspace.create(named: "Consent", in: store)
        let key = try #require(try await Authenticator(store: store, configuration: .init(passwordHasher: testPasswordHasher)).key(token: seeded.writeKey, kind: .write))
        return (IdentityResolverTests.Rig(store: store, seeded: seeded, key: key, ingestor: Ingestor(store: store), resolver: IdentityResolver(store: store)),
                ConsentLedger(store: store))
    }

    @Test("Without a statement, opt-out purposes hold and opt-in purposes do not; the latest statement counts")
    func decisionRule() {
        let at = Date(timeIntervalSince1970: 0)
        func record(_ status: ConsentRecord.Status, _ seconds: Double) -> ConsentRecord {
            ConsentRecord(purpose: .marketingEmail, status: status, recordedAt: at.addingTimeInterval(seconds), channel: nil, eventID: nil, recordedBy: nil, legalBasis: nil)
        }
        #expect(ConsentLedger.decide([], purpose: .analytics, mode: .optOut))
        #expect(!ConsentLedger.decide([], purpose: .marketingEmail, mode: .optIn))
        #expect(ConsentLedger.decide([record(.granted, 1)], purpose: .marketingEmail, mode: .optIn))
        #expect(!ConsentLedger.decide([record(.granted, 1), record(.withdrawn, 2)], purpose: .marketingEmail, mode: .optIn))
        #expect(!ConsentLedger.decide([record(.denied, 1)], purpose: .marketingEmail, mode: .optOut))
        #expect(ConsentMode.default(for: .analytics) == .optOut && ConsentMode.default(for: .marketingSMS) == .optIn)
    }

    @Test("Events state consent; only changes enter the ledger; a no after a yes is a withdrawal", arguments: TestDatabase.engines)
    func consentFromEvents(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { (store: Store) async throws in
            let (rig, ledger) = try await rig(store)
            try await rig.send([
                #"{"type":"identify","userId":"c1","timestamp":"2026-01-01T00:00:00Z","context":{"channel":"web","consent":{"categoryPreferences":{"marketing_email":true,"analytics":true},"legalBasis":"Consent banner v2"}}}"#,
                #"{"type":"track","userId":"c1","event":"Page Liked","timestamp":"2026-01-02T00:00:00Z","context":{"consent":{"categoryPreferences":{"marketing_email":true,"analytics":true}}}}"#,
                #"{"type":"track","userId":"c1","event":"Consent Preference Updated","timestamp":"2026-01-03T00:00:00Z","context":{"channel":"app"},"properties":{"categoryPreferences":{"marketing_email":false,"surveys":false}}}"#,
            ])
            let profile = try #require(try await rig.profile(.userID, "c1"))
            #expect(try await !ledger.hasConsented(profile.id, to: .marketingEmail, in: rig.workspace))
            #expect(try await ledger.hasConsented(profile.id, to: .analytics, in: rig.workspace))
            #expect(try await !ledger.hasConsented(profile.id, to: .marketingSMS, in: rig.workspace), "opt-in without a statement")
            #expect(try await ledger.hasConsented(profile.id, to: .personalization, in: rig.workspace), "opt-out without a statement")
            let (standings, history) = try await ledger.standing(of: profile.id, for: rig.seeded.principal(.viewer))
            #expect(history.map { "\($0.purpose):\($0.status.rawValue)" } == ["analytics:granted", "marketing_email:granted", "marketing_email:withdrawn", "surveys:denied"])
            #expect(history.first?.legalBasis == "Consent banner v2")
            #expect(history.first { $0.status == .withdrawn }?.channel == .app)
            #expect(standings.first { $0.purpose.purpose == .surveys }?.hasConsented == false)
        }
    }

    @Test("A workspace can make a purpose opt-out or add its own; changes are audited and enforced", arguments: TestDatabase.engines)
    func workspacePurposes(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { (store: Store) async throws in
            let (rig, ledger) = try await rig(store)
            try await rig.send([#"{"type":"identify","userId":"c2"}"#])
            let profile = try #require(try await rig.profile(.userID, "c2"))
            #expect(try await !ledger.hasConsented(profile.id, to: .surveys, in: rig.workspace))
            _ = try await ledger.setPurpose(.surveys, mode: .optOut, description: "Service surveys after a case", by: rig.seeded.principal(.admin), origin: .console)
            #expect(try await ledger.hasConsented(profile.id, to: .surveys, in: rig.workspace))
            let own = ConsentPurpose(rawValue: "loyalty_news")
            _ = try await ledger.setPurpose(own, mode: .optIn, description: "", by: rig.seeded.principal(.admin), origin: .console)
            #expect(try await ledger.purposes(for: rig.seeded.principal(.viewer)).map(\.purpose.rawValue).contains("loyalty_news"))
            await #expect(throws: AccessError.forbidden(.workspaceManage)) {
                _ = try await ledger.setPurpose(.analytics, mode: .optIn, description: "", by: rig.seeded.principal(.manager), origin: .console)
            }
            _ = try await ledger.record(.granted, purpose: own, for: profile.id, legalBasis: "Signed form at the counter", by: rig.seeded.principal(.agent), origin: .console)
            #expect(try await ledger.hasConsented(profile.id, to: own, in: rig.workspace))
            await #expect(throws: AccessError.forbidden(.customersWrite)) {
                _ = try await ledger.record(.denied, purpose: own, for: profile.id, legalBasis: nil, by: rig.seeded.principal(.viewer), origin: .console)
            }
            let audit = try await store.auditLog(in: rig.workspace, after: nil, limit: 50).items
            #expect(audit.filter { $0.action == .consentPurposeChanged }.count == 2)
        }
    }

    @Test("Consent follows a merge", arguments: TestDatabase.engines)
    func consentSurvivesMerge(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { (store: Store) async throws in
            let (rig, ledger) = try await rig(store)
            try await rig.send([#"{"type":"page","anonymousId":"kiosk-visitor","context":{"consent":{"categoryPreferences":{"marketing_sms":true}}}}"#])
            try await rig.send([#"{"type":"identify","userId":"c3","anonymousId":"kiosk-visitor"}"#])
            let profile = try #require(try await rig.profile(.userID, "c3"))
            #expect(try await ledger.hasConsented(profile.id, to: .marketingSMS, in: rig.workspace))
        }
    }
}

import CairnAnalytics
import CairnCore
import CairnEngine
import CairnStore
import CairnTestSupport
import Foundation
import Testing

/// The service report against cases whose every time was set by hand; the expected figures are worked out below.
@Suite("Service report")
struct ServiceReportTests {
    static func at(_ text: String) -> Date { Timestamp.parse(text)! }
    static func change(_ status: String) -> Cases.CaseChange { var c = Cases.CaseChange(); c.status = .set(status); return c }

    @Test("Volume, first response and resolution in business hours, SLA attainment, first-contact resolution, reopen rate, backlog and cost, by channel and team",
          arguments: TestDatabase.engines)
    func figures(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { (store: Store) async throws in
            // Monday 7 December 2026, 08:00Z = 09:00 in Berlin.
            let clock = TestClock(Self.at("2026-12-07T08:00:00Z"))
            let seeded = try await SeededWorkspace.create(named: "Report", in: store, clock: clock.source)
            let manager = seeded.principal(.manager), agent = seeded.principal(.agent)
            let setup = ServiceSetup(store: store, clock: clock.source), cases = Cases(store: store, clock: clock.source)
            let team = try await setup.createTeam(.init(name: "Berlin", calendar: .init(timeZone: "Europe/Berlin", hours: ["mon": [["09:00", "12:00"], ["13:00", "17:00"]]])), by: manager)
            var policy = ServiceSetup.PolicyInput()
            policy.name = "Standard"
            policy.firstResponseMinutes = 60
            _ = try await setup.savePolicy(nil, policy, by: manager)
            _ = try await setup.setSettings(followUp: nil, costPerContact: ["email": "2.50", "phone": "6.00"], currency: "EUR", by: manager)

            let a = try await cases.open(.init(contact: "a@example.com", channel: "email", subject: "My parcel is late", teamID: team.id.rawValue), by: agent).case.id
            let b = try await cases.open(.init(contact: "b@example.com", channel: "email", subject: "Refund please", teamID: team.id.rawValue), by: agent).case.id
            let c = try await cases.open(.init(contact: "c", channel: "phone", subject: "Call back"), by: agent).case.id
            // A: answered after 30 minutes, solved after an hour — first contact, SLA met.
            clock.advance(by: 1_800)
            _ = try await cases.reply(to: a, body: "On its way", note: false, by: agent)
            clock.advance(by: 1_800)
            _ = try await cases.change(a, Self.change("solved"), by: agent)
            // B: answered after 150 minutes (breached), answered again, solved, reopened, solved at 11:30Z (12:30 Berlin):
            // resolution 09:00–12:00 Berlin = 3 business hours (the lunch break does not count).
            clock.advance(by: 5_400)  // 10:30Z
            _ = try await cases.reply(to: b, body: "Looking into it", note: false, by: agent)
            clock.advance(by: 600)
            _ = try await cases.reply(to: b, body: "Refunded", note: false, by: agent)
            clock.advance(by: 300)
            _ = try await cases.change(b, Self.change("solved"), by: agent)
            clock.advance(by: 900)
            _ = try await cases.change(b, Self.change("open"), by: agent)
            clock.advance(by: 1_800)  // 11:30Z
            _ = try await cases.change(b, Self.change("solved"), by: agent)
            // C was never answered: the timer finds its breach.
            _ = try await cases.escalateDue()
            _ = c

            let report = ServiceReport(store: store, clock: clock.source)
            let byChannel = try await report.report(by: .channel, from: Self.at("2026-12-07T00:00:00Z"), until: Self.at("2026-12-08T00:00:00Z"), for: seeded.principal(.viewer))
            let email = try #require(byChannel.rows.first { $0.key == "email" })
            #expect(email.cases == 2 && email.responded == 2 && email.solved == 2 && email.backlog == 0)
            #expect(email.firstResponseMinutes == 90)  // (30 + 150) / 2
            #expect(email.resolutionHours == 2)  // (1 + 3) / 2
            #expect(email.slaAttainment.successes == 1 && email.slaAttainment.n == 2)
            #expect(email.firstContactResolution.successes == 1 && email.firstContactResolution.n == 2)
            #expect(email.reopenRate.successes == 1 && email.reopenRate.n == 2)
            #expect(email.cost?.decimalText == "5.00")
            let phone = try #require(byChannel.rows.first { $0.key == "phone" })
            #expect(phone.cases == 1 && phone.backlog == 1 && phone.responded == 0 && phone.firstResponseMinutes == nil)
            #expect(phone.slaAttainment.successes == 0 && phone.slaAttainment.n == 1 && phone.cost?.decimalText == "6.00")
            #expect(byChannel.total.cases == 3 && byChannel.total.backlog == 1 && byChannel.total.cost?.decimalText == "11.00" && byChannel.total.firstResponseMinutes == 90)
            #expect(byChannel.days.map(\.cases) == [3])

            let byTeam = try await report.report(by: .team, from: Self.at("2026-12-07T00:00:00Z"), until: Self.at("2026-12-08T00:00:00Z"), for: manager)
            #expect(byTeam.rows.map(\.label) == ["Berlin", "—"] && byTeam.rows.map(\.cases) == [2, 1])
            let byTopic = try await report.report(by: .topic, from: Self.at("2026-12-07T00:00:00Z"), until: Self.at("2026-12-08T00:00:00Z"), for: manager)
            #expect(byTopic.rows.contains { $0.key == "delivery" && $0.cases == 1 }, "\"My parcel is late\" is about delivery")
            let csv = ServiceReport.csv(byChannel)
            #expect(csv.hasPrefix("channel,label,cases,backlog,first_response_minutes,") && csv.contains("\nemail,email,2,0,90.0,2,2.0,50.0,50.0,50.0,,0,,0,5.00,EUR\n"))
            // Nothing of it in another workspace.
            let other = try await SeededWorkspace.create(named: "Other", in: store, clock: clock.source)
            #expect(try await report.report(by: .channel, from: Self.at("2026-12-07T00:00:00Z"), until: Self.at("2026-12-08T00:00:00Z"), for: other.principal(.admin)).rows.isEmpty)
        }
    }
}

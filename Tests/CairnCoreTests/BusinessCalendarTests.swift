import CairnCore
import Foundation
import Testing

/// Business hours and service-level deadlines against hand-worked examples: each expected instant below was worked out
/// on paper from the calendar (time zone offsets from the IANA rules: Berlin is UTC+1 in winter and UTC+2 in summer,
/// changing on the last Sundays of March and October; New York UTC−5 in December; Tokyo UTC+9; Jerusalem UTC+2 in December).
@Suite("Business calendars and SLA deadlines")
struct BusinessCalendarTests {
    static func at(_ text: String) -> Date { Timestamp.parse(text)! }
    static func block(_ a: String, _ b: String) -> BusinessCalendar.Block { BusinessCalendar.Block(from: a, to: b)! }

    /// Berlin, Monday to Friday 09:00–12:00 and 13:00–17:00 (a lunch break), Christmas Day off.
    static let berlin = BusinessCalendar(timeZone: "Europe/Berlin", week: Array(repeating: [block("09:00", "12:00"), block("13:00", "17:00")], count: 5) + [[], []],
                                         holidays: ["2026-12-25"])

    @Test("A deadline skips the evening, a holiday and the weekend")
    func holidayAndWeekend() {
        // Thursday 24 December 16:30 local (15:30Z): 30 minutes left that day, Friday is a holiday, then the weekend;
        // the other 90 minutes run on Monday 28 December from 09:00 local, so 10:30 local = 09:30Z.
        let due = Self.berlin.adding(120 * 60, to: Self.at("2026-12-24T15:30:00Z"))
        #expect(due == Self.at("2026-12-28T09:30:00Z"))
        #expect(Self.berlin.businessSeconds(from: Self.at("2026-12-24T15:30:00Z"), to: Self.at("2026-12-28T09:30:00Z")) == 7200)
    }

    @Test("A deadline skips the lunch break")
    func lunchBreak() {
        // Monday 11:30 local: 30 minutes to 12:00, then 30 after 13:00 — due 13:30 local, 12:30Z.
        #expect(Self.berlin.adding(3600, to: Self.at("2026-12-28T10:30:00Z")) == Self.at("2026-12-28T12:30:00Z"))
        // A case that arrives during lunch starts counting at 13:00.
        #expect(Self.berlin.adding(600, to: Self.at("2026-12-28T11:15:00Z")) == Self.at("2026-12-28T12:10:00Z"))
        #expect(Self.berlin.isOpen(at: Self.at("2026-12-28T11:15:00Z")) == false)
        #expect(Self.berlin.isOpen(at: Self.at("2026-12-28T12:15:00Z")) == true)
    }

    @Test("Daylight-saving changes: local hours stay local, the changed day is shorter or longer")
    func daylightSaving() {
        // Sunday 28 March 2027 the clocks in Berlin jump from 02:00 to 03:00. A block 01:00–05:00 that day is
        // 00:00Z–03:00Z: three real hours.
        let sundayNight = BusinessCalendar(timeZone: "Europe/Berlin", week: [[], [], [], [], [], [], [Self.block("01:00", "05:00")]])
        #expect(sundayNight.businessSeconds(from: Self.at("2027-03-27T00:00:00Z"), to: Self.at("2027-03-29T00:00:00Z")) == 3 * 3600)
        // The Sunday before (no change) the same block is four hours.
        #expect(sundayNight.businessSeconds(from: Self.at("2027-03-20T00:00:00Z"), to: Self.at("2027-03-22T00:00:00Z")) == 4 * 3600)
        // Always open in Berlin: Sunday 25 October 2026 (clocks go back) lasts 25 hours, midnight to midnight local.
        let always = BusinessCalendar(timeZone: "Europe/Berlin", week: Array(repeating: [Self.block("00:00", "24:00")], count: 7))
        #expect(always.businessSeconds(from: Self.at("2026-10-24T22:00:00Z"), to: Self.at("2026-10-25T23:00:00Z")) == 25 * 3600)
        // Four business hours from Saturday 23:00 local before the spring change end at 02:00Z (04:00 summer time).
        #expect(always.adding(4 * 3600, to: Self.at("2027-03-27T22:00:00Z")) == Self.at("2027-03-28T02:00:00Z"))
        // Office hours after the change start at 09:00 summer time, 07:00Z.
        #expect(Self.berlin.adding(60, to: Self.at("2027-03-29T05:00:00Z")) == Self.at("2027-03-29T07:01:00Z"))
    }

    @Test("The same moment on calendars in different time zones")
    func timeZones() {
        let weekdays = Array(repeating: [Self.block("09:00", "17:00")], count: 5) + [[], []]
        let newYork = BusinessCalendar(timeZone: "America/New_York", week: weekdays)
        let tokyo = BusinessCalendar(timeZone: "Asia/Tokyo", week: weekdays)
        // Monday 7 December 13:00Z is 08:00 in New York (opens 09:00 = 14:00Z) and 22:00 in Tokyo (opens Tuesday
        // 09:00 = Tuesday 00:00Z).
        #expect(newYork.adding(3600, to: Self.at("2026-12-07T13:00:00Z")) == Self.at("2026-12-07T15:00:00Z"))
        #expect(tokyo.adding(3600, to: Self.at("2026-12-07T13:00:00Z")) == Self.at("2026-12-08T01:00:00Z"))
        // Jerusalem works Sunday to Thursday: Thursday 15:00 local (13:00Z) plus two hours is Sunday 09:00 local (07:00Z).
        let jerusalem = BusinessCalendar(timeZone: "Asia/Jerusalem", week: Array(repeating: [Self.block("08:00", "16:00")], count: 4) + [[], [], [Self.block("08:00", "16:00")]])
        #expect(jerusalem.adding(7200, to: Self.at("2026-12-10T13:00:00Z")) == Self.at("2026-12-13T07:00:00Z"))
    }

    @Test("Calendars that cannot work are refused, naming the field")
    func validation() {
        #expect(BusinessCalendar.Block(from: "24:00", to: "09:00") == nil)
        #expect(BusinessCalendar.Block(from: "9:00", to: "17:00") == nil)
        #expect(BusinessCalendar.Block(from: "13:00", to: "24:00")?.end == 1440)
        do {
            _ = try BusinessCalendar.validated(timeZone: "Mars/Olympus", week: [[Self.block("09:00", "12:00"), Self.block("11:00", "13:00")], [], [], [], [], [], []],
                                               holidays: ["25.12.2026"], field: "calendar")
            Issue.record("accepted")
        } catch {
            #expect(Set(error.issues.map(\.field)) == ["calendar.timeZone", "calendar.hours.mon", "calendar.holidays"])
        }
        #expect(throws: ValidationError.self) { try BusinessCalendar.validated(timeZone: "UTC", week: Array(repeating: [], count: 7), holidays: [], field: "c") }
    }

    // MARK: SLA clocks

    static let policy = SLAPolicy(id: SLAPolicyID.generate(), name: "Standard", position: 0, conditions: .init(),
                                  targets: .init(firstResponseMinutes: 240, nextResponseMinutes: 30, resolutionMinutes: 480), warnBeforeMinutes: 30, escalation: .init())

    static func change(_ status: Case.Status, _ at: String) -> Case.StatusChange { Case.StatusChange(status: status, at: Self.at(at), by: "user:x") }

    @Test("Waiting on the customer stops the first-response clock")
    func pendingPauses() {
        let created = Self.at("2026-12-07T10:00:00Z")
        // Pending from 11:00 to 13:00: four hours of the clock end at 16:00 instead of 14:00.
        let changes = [Self.change(.new, "2026-12-07T10:00:00Z"), Self.change(.pending, "2026-12-07T11:00:00Z"), Self.change(.open, "2026-12-07T13:00:00Z")]
        let running = SLAClock.status(of: Self.policy, createdAt: created, statusChanges: changes, messages: [], calendar: .alwaysOpen, now: Self.at("2026-12-07T15:00:00Z"))
        #expect(running.firstResponse?.phase == .running)
        #expect(running.firstResponse?.dueAt == Self.at("2026-12-07T16:00:00Z"))
        #expect(running.nextDeadline == Self.at("2026-12-07T16:00:00Z"))
        // A reply at 15:30 meets it; one at 16:30 breaches it.
        let met = SLAClock.status(of: Self.policy, createdAt: created, statusChanges: changes, messages: [(.agent, Self.at("2026-12-07T15:30:00Z"))],
                                  calendar: .alwaysOpen, now: Self.at("2026-12-07T17:00:00Z"))
        #expect(met.firstResponse?.phase == .met)
        let late = SLAClock.status(of: Self.policy, createdAt: created, statusChanges: changes, messages: [(.agent, Self.at("2026-12-07T16:30:00Z"))],
                                   calendar: .alwaysOpen, now: Self.at("2026-12-07T17:00:00Z"))
        #expect(late.firstResponse?.phase == .breached)
        #expect(late.isBreached)
        // Still pending: paused with three hours left, and no deadline.
        let paused = SLAClock.status(of: Self.policy, createdAt: created, statusChanges: Array(changes.prefix(2)), messages: [], calendar: .alwaysOpen,
                                     now: Self.at("2026-12-08T10:00:00Z"))
        #expect(paused.firstResponse?.phase == .paused)
        let remaining = paused.firstResponse?.remainingSeconds ?? -1
        #expect(abs(remaining - 3 * 3600) < 0.001, "\(remaining)")
        #expect(paused.nextDeadline == nil)
        // Nothing happens for five hours: breached.
        let silent = SLAClock.status(of: Self.policy, createdAt: created, statusChanges: [changes[0]], messages: [], calendar: .alwaysOpen, now: Self.at("2026-12-07T15:00:01Z"))
        #expect(silent.firstResponse?.phase == .breached)
    }

    @Test("Resolution: solved stops the clock, reopening resumes it")
    func reopened() {
        let created = Self.at("2026-12-07T10:00:00Z")
        let changes = [Self.change(.new, "2026-12-07T10:00:00Z"), Self.change(.solved, "2026-12-07T12:00:00Z"), Self.change(.open, "2026-12-07T14:00:00Z")]
        let state = SLAClock.status(of: Self.policy, createdAt: created, statusChanges: changes, messages: [], calendar: .alwaysOpen, now: Self.at("2026-12-07T19:00:00Z"))
        // Eight hours from 10:00 plus the two solved hours: 20:00.
        #expect(state.resolution?.phase == .running)
        #expect(state.resolution?.dueAt == Self.at("2026-12-07T20:00:00Z"))
        let solved = SLAClock.status(of: Self.policy, createdAt: created, statusChanges: changes + [Self.change(.solved, "2026-12-07T19:00:00Z"), Self.change(.closed, "2026-12-07T21:00:00Z")],
                                     messages: [], calendar: .alwaysOpen, now: Self.at("2026-12-08T10:00:00Z"))
        #expect(solved.resolution?.phase == .met)
        #expect(solved.resolution?.achievedAt == Self.at("2026-12-07T19:00:00Z"))
    }

    @Test("Next response: the oldest unanswered customer message after a reply starts the clock")
    func nextResponse() {
        let created = Self.at("2026-12-07T10:00:00Z")
        let messages: [(author: CaseMessage.Author, at: Date)] = [(.customer, Self.at("2026-12-07T10:00:00Z")), (.agent, Self.at("2026-12-07T11:00:00Z")),
                                                                  (.customer, Self.at("2026-12-07T12:00:00Z")), (.note, Self.at("2026-12-07T12:10:00Z")),
                                                                  (.customer, Self.at("2026-12-07T12:20:00Z"))]
        let state = SLAClock.status(of: Self.policy, createdAt: created, statusChanges: [Self.change(.open, "2026-12-07T10:00:00Z")], messages: messages,
                                    calendar: .alwaysOpen, now: Self.at("2026-12-07T12:40:00Z"))
        #expect(state.firstResponse?.phase == .met)
        #expect(state.nextResponse?.dueAt == Self.at("2026-12-07T12:30:00Z"))
        #expect(state.nextResponse?.phase == .breached)
        let answered = SLAClock.status(of: Self.policy, createdAt: created, statusChanges: [Self.change(.open, "2026-12-07T10:00:00Z")],
                                       messages: messages + [(.agent, Self.at("2026-12-07T12:25:00Z"))], calendar: .alwaysOpen, now: Self.at("2026-12-07T13:00:00Z"))
        #expect(answered.nextResponse?.phase == .met)
        #expect(answered.nextResponse?.achievedAt == Self.at("2026-12-07T12:25:00Z"))
    }

    @Test("A policy covers cases by priority, channel and tier")
    func conditions() {
        let vip = SLAPolicy(id: .generate(), name: "Gold chat", position: 0, conditions: .init(priorities: [.high, .urgent], channels: [.chat], tiers: ["gold"]),
                            targets: .init(firstResponseMinutes: 5), warnBeforeMinutes: 1, escalation: .init())
        #expect(vip.covers(priority: .urgent, channel: .chat, tier: "Gold"))
        #expect(!vip.covers(priority: .normal, channel: .chat, tier: "gold"))
        #expect(!vip.covers(priority: .high, channel: .email, tier: "gold"))
        #expect(!vip.covers(priority: .high, channel: .chat, tier: nil))
        #expect(Self.policy.covers(priority: .low, channel: .store, tier: nil))
    }
}

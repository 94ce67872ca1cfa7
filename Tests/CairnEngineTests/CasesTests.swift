import CairnCore
import CairnEngine
import CairnStore
import CairnTestSupport
import Foundation
import Testing

@Suite("Service cases: conversation, queues, merging, SLA deadlines on team calendars and escalation")
struct CasesTests {
    static func at(_ text: String) -> Date { Timestamp.parse(text)! }

    struct World {
        let store: Store
        let clock: TestClock
        let seeded: SeededWorkspace
        let cases: Cases
        let setup: ServiceSetup
        var agent: Principal { seeded.principal(.agent) }
        var manager: Principal { seeded.principal(.manager) }

        func track(_ userID: String, kind: TrackingMessage.Kind, json: String, id: String) async throws {
            let key = try #require(try await Authenticator(store: store, configuration: .init(passwordHasher: testPasswordHasher)).key(token: seeded.writeKey, kind: .write))
            let object = try JSONDecoder().decode(JSONValue.self, from: Data(json.utf8)).objectValue!
            _ = try await Ingestor(store: store, clock: clock.source).ingest([try TrackingMessage.parse(object, kind: kind, makeMessageID: { id }).get()], key: key)
            try await IdentityResolver(store: store, clock: clock.source).resolvePending(in: seeded.workspace.id)
        }
    }

    func world(_ store: Store, at start: Date, _ body: (World) async throws -> Void) async throws {
        let clock = TestClock(start)
        let seeded = try await SeededWorkspace.create(named: "Kitchen", in: store, clock: clock.source)
        try await body(World(store: store, clock: clock, seeded: seeded, cases: Cases(store: store, clock: clock.source),
                             setup: ServiceSetup(store: store, clock: clock.source)))
    }

    /// Berlin office hours with a lunch break (hand-worked deadlines as in BusinessCalendarTests).
    static let berlinHours = ServiceSetup.CalendarInput(timeZone: "Europe/Berlin", hours: ["mon": [["09:00", "12:00"], ["13:00", "17:00"]], "tue": [["09:00", "12:00"], ["13:00", "17:00"]],
                                                                                         "wed": [["09:00", "17:00"]], "thu": [["09:00", "17:00"]], "fri": [["09:00", "17:00"]]],
                                                        holidays: ["2026-12-25"])

    @Test("A case's first-response deadline counts on its team's hours; the timer warns once, escalates once, and a reply ends the clock", arguments: TestDatabase.engines)
    func deadlinesAndEscalation(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { (store: Store) async throws in
            // Monday 7 December 2026, 11:30 in Berlin (10:30Z).
            try await world(store, at: Self.at("2026-12-07T10:30:00Z")) { w in
                let team = try await w.setup.createTeam(.init(name: "Hotline DE", calendar: Self.berlinHours, members: [w.seeded.users[.agent]!.id.rawValue]), by: w.manager)
                var input = ServiceSetup.PolicyInput()
                input.name = "Standard"
                input.firstResponseMinutes = 60
                input.resolutionMinutes = 480
                input.warnBeforeMinutes = 15
                input.raisePriority = true
                _ = try await w.setup.savePolicy(nil, input, by: w.manager)
                let hook = try await Webhooks(store: store, clock: w.clock.source).create(url: "https://hooks.example/service", events: nil, by: w.seeded.principal(.admin)).endpoint
                let customer = try await w.seeded.customer(in: store)

                let opened = try await w.cases.open(.init(profileID: customer.rawValue, channel: "email", subject: "Blender arrived broken", message: "The jug is cracked.",
                                                          teamID: team.id.rawValue), by: w.agent)
                let id = opened.case.id
                #expect(opened.case.number == 1)
                #expect(opened.case.status == .new)
                #expect(opened.messages.map(\.author) == [.customer])
                // 30 minutes before lunch, 30 after: due 13:30 in Berlin, 12:30Z.
                #expect(opened.case.sla?.firstResponse?.dueAt == Self.at("2026-12-07T12:30:00Z"))
                #expect(opened.case.sla?.firstResponse?.phase == .running)
                // Resolution: 8 business hours = Monday's 4.5 left (30 min before lunch, 13:00–17:00) + 3.5 on Tuesday: 09:00–12:00,
                // lunch, then 13:00–13:30 Berlin = 12:30Z.
                #expect(opened.case.sla?.resolution?.dueAt == Self.at("2026-12-08T12:30:00Z"))
                // The timer's next alarm is the warning, 15 minutes before.
                #expect(try await w.cases.nextAlarm() == Self.at("2026-12-07T12:15:00Z"))
                #expect(try await w.cases.escalateDue().isEmpty)

                w.clock.advance(by: 106 * 60)  // 12:16Z
                let warned = try await w.cases.escalateDue()
                #expect(warned.map(\.caseID) == [id] && warned[0].warned && !warned[0].breached)
                #expect(try await w.cases.escalateDue().isEmpty, "a warning is given once")
                #expect(try await w.cases.nextAlarm() == Self.at("2026-12-07T12:30:00Z"))
                #expect(try await w.cases.queue(.breaching, for: w.agent, after: nil, limit: PageSize(50)).items.map(\.id) == [id])
                // Unassigned, the case is its team's: the team's agent hears of it in Cairn; the manager (not in the team) does not.
                let warnedNote = try await w.cases.notifications(for: w.agent)
                #expect(warnedNote.unread == 1 && warnedNote.items.map(\.kind) == [.slaWarning] && warnedNote.items[0].caseID == id)
                #expect(warnedNote.items[0].dueAt == Self.at("2026-12-07T12:30:00Z") && warnedNote.items[0].caseNumber == 1)
                #expect(try await w.cases.notifications(for: w.manager).items.isEmpty)

                w.clock.advance(by: 15 * 60)  // 12:31Z
                let breached = try await w.cases.escalateDue()
                #expect(breached.count == 1 && breached[0].breached)
                #expect(try await w.cases.escalateDue().isEmpty, "a breach is escalated once")
                let after = try await w.cases.thread(id, for: w.agent)
                #expect(after.case.priority == .high)
                #expect(after.case.sla?.firstResponse?.phase == .breached)
                #expect(after.messages.last?.author == .note && after.messages.last?.by == "sla")
                let breachNote = try await w.cases.notifications(for: w.agent)
                #expect(breachNote.unread == 2 && breachNote.items.map(\.kind) == [.slaBreached, .slaWarning])
                try await w.cases.markNotificationsRead(for: w.agent)
                let unreadAfter = try await w.cases.unreadNotifications(for: w.agent), kept = try await w.cases.notifications(for: w.agent).items.count
                #expect(unreadAfter == 0 && kept == 2)
                let events = try await Webhooks(store: store, clock: w.clock.source).deliveries(of: hook.id, for: w.seeded.principal(.admin), after: nil, limit: PageSize(50))
                    .items.map(\.event).sorted()
                #expect(events == [Cases.breachEvent, Cases.warningEvent])

                // The reply comes late: the target stays breached but is achieved; the new case is open now.
                w.clock.advance(by: 9 * 60)  // 12:40Z
                let replied = try await w.cases.reply(to: id, body: "Sorry! A new jug is on its way.", note: false, by: w.agent)
                #expect(replied.case.status == .open)
                #expect(replied.case.firstResponseAt == Self.at("2026-12-07T12:40:00Z"))
                #expect(replied.case.sla?.firstResponse?.phase == .breached && replied.case.sla?.firstResponse?.achievedAt != nil)

                // Waiting for the customer stops the resolution clock; the customer's answer resumes it.
                let pending = try await w.cases.change(id, { var c = Cases.CaseChange(); c.status = .set("pending"); return c }(), by: w.agent)
                #expect(pending.sla?.resolution?.phase == .paused)
                #expect(pending.sla?.nextDeadline == nil)
                // An hour later (Monday 14:40 Berlin, inside hours) the case is open again: the resolution deadline moves an
                // hour of business time, from Tuesday 13:30 Berlin to 14:30, 13:30Z.
                w.clock.advance(by: 3600)
                let resumed = try await w.cases.change(id, { var c = Cases.CaseChange(); c.status = .set("open"); return c }(), by: w.agent)
                #expect(resumed.sla?.resolution?.dueAt == Self.at("2026-12-08T13:30:00Z"))
            }
        }
    }

    @Test("Opening and changing cases: every field checked, transitions kept, roles enforced, merge and bulk changes", arguments: TestDatabase.engines)
    func openChangeMerge(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { (store: Store) async throws in
            try await world(store, at: Self.at("2026-12-07T10:00:00Z")) { w in
                do {
                    _ = try await w.cases.open(.init(channel: "fax", subject: " ", priority: "asap", tags: ["a,b"], orderID: "nope"), by: w.agent)
                    Issue.record("a bad case must be refused")
                } catch let error as ValidationError {
                    #expect(Set(error.issues.map(\.field)) == ["channel", "subject", "priority", "profileId", "tags", "orderId"])
                }
                await #expect(throws: AccessError.self) { try await w.cases.open(.init(contact: "x@example.com", channel: "email", subject: "Hi"), by: w.seeded.principal(.viewer)) }
                let customer = try await w.seeded.customer(in: store)
                let order = try await w.seeded.order(in: store)
                let first = try await w.cases.open(.init(profileID: customer.rawValue, channel: "chat", subject: "Where is my order?", tags: ["Delivery", "delivery"],
                                                         orderID: order.rawValue), by: w.agent)
                #expect(first.case.tags == ["delivery"])
                #expect(first.case.orderID == order)
                let second = try await w.cases.open(.init(profileID: customer.rawValue, channel: "email", subject: "Order?", message: "Still nothing.", tags: ["late"]), by: w.agent)
                let other = try await w.cases.open(.init(contact: "walk-in", channel: "store", subject: "Receipt"), by: w.agent)
                #expect([first.case.number, second.case.number, other.case.number] == [1, 2, 3])

                // Transitions: a closed case changes no more; an unknown status lists what is allowed.
                do {
                    _ = try await w.cases.change(other.case.id, { var c = Cases.CaseChange(); c.status = .set("done"); return c }(), by: w.agent)
                    Issue.record("an unknown status must be refused")
                } catch let error as ValidationError { #expect(error.issues.first?.field == "status") }
                _ = try await w.setup.addStatus(name: "Waiting for parts", behavesLike: "pending", by: w.manager)
                let parts = try await w.cases.change(other.case.id, { var c = Cases.CaseChange(); c.status = .set("waiting for parts"); return c }(), by: w.agent)
                #expect(parts.status == .pending && parts.statusLabel == "waiting for parts")
                _ = try await w.cases.change(other.case.id, { var c = Cases.CaseChange(); c.status = .set("closed"); return c }(), by: w.agent)
                await #expect(throws: ValidationError.self) {
                    try await w.cases.change(other.case.id, { var c = Cases.CaseChange(); c.status = .set("open"); return c }(), by: w.agent)
                }
                await #expect(throws: ValidationError.self) { try await w.cases.reply(to: other.case.id, body: "hello?", note: false, by: w.agent) }

                // Queues: assigning opens a new case and puts it in the agent's queue.
                let agentID = w.seeded.users[.agent]!.id
                let assigned = try await w.cases.change(first.case.id, { var c = Cases.CaseChange(); c.assigneeID = .set(agentID.rawValue); return c }(), by: w.manager)
                #expect(assigned.status == .open && assigned.assigneeID == agentID)
                await #expect(throws: ValidationError.self) {
                    try await w.cases.change(first.case.id, { var c = Cases.CaseChange(); c.assigneeID = .set(w.seeded.users[.viewer]!.id.rawValue); return c }(), by: w.manager)
                }
                #expect(try await w.cases.queue(.mine, for: w.agent, after: nil, limit: PageSize(50)).items.map(\.id) == [first.case.id])
                #expect(try await w.cases.queue(.unassigned, for: w.agent, after: nil, limit: PageSize(50)).items.map(\.id) == [second.case.id])
                let counts = try await w.cases.counts(for: w.agent)
                #expect(counts.open == 2 && counts.mine == 1 && counts.unassigned == 1)

                // Merge the duplicate into the first: messages move, the duplicate closes and points at the first.
                let merged = try await w.cases.merge(second.case.id, into: first.case.id, by: w.agent)
                #expect(merged.messages.contains { $0.body == "Still nothing." })
                #expect(Set(merged.case.tags) == ["delivery", "late"])
                let duplicate = try await w.cases.thread(second.case.id, for: w.agent)
                #expect(duplicate.case.mergedInto == first.case.id && duplicate.case.status == .closed && duplicate.messages.isEmpty)
                await #expect(throws: ValidationError.self) { try await w.cases.merge(first.case.id, into: other.case.id, by: w.agent) }

                // Bulk: an unknown id refuses the whole change, naming its place; otherwise each case changes on its own and a
                // closed one reports why it could not.
                let third = try await w.cases.open(.init(contact: "x@example.com", channel: "email", subject: "Invoice"), by: w.agent)
                do {
                    _ = try await w.cases.change([first.case.id, CaseID.generate()], { var c = Cases.CaseChange(); c.priority = .set("low"); return c }(), by: w.agent)
                    Issue.record("an unknown id must refuse the bulk change")
                } catch let error as ValidationError { #expect(error.issues.map(\.field) == ["ids[1]"]) }
                #expect(try await w.cases.thread(first.case.id, for: w.agent).case.priority == .normal)
                let results = try await w.cases.change([first.case.id, third.case.id, other.case.id],
                                                       { var c = Cases.CaseChange(); c.priority = .set("urgent"); c.status = .set("pending"); return c }(), by: w.agent)
                #expect(results.map { $0.error == nil } == [true, true, false])
                #expect(try await w.cases.thread(third.case.id, for: w.agent).case.priority == .urgent)
                // The customer's cases, newest first.
                #expect(try await w.cases.cases(of: customer, for: w.seeded.principal(.viewer), after: nil, limit: PageSize(10)).items.map(\.id) == [second.case.id, first.case.id])
            }
        }
    }

    @Test("Support Case Opened and Updated track events open, reopen and change cases; a repeated case_id opens nothing", arguments: TestDatabase.engines)
    func trackEvents(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { (store: Store) async throws in
            try await world(store, at: Self.at("2026-12-07T10:00:00Z")) { w in
                let order = try await w.seeded.order(in: store)
                try await w.track("ann", kind: .identify, json: #"{"userId":"ann","traits":{"email":"ann@example.com","tier":"gold"}}"#, id: "identify-ann")
                let opened = #"{"userId":"ann","event":"Support Case Opened","properties":{"case_id":"HD-7","subject":"Lid missing","channel":"phone","priority":"high","message":"No lid in the box.","order_id":"ORDER-SEED","tags":["Parts"]}}"#
                try await w.track("ann", kind: .track, json: opened, id: "e1")
                try await w.track("ann", kind: .track, json: opened.replacingOccurrences(of: "Lid missing", with: "Again"), id: "e2")
                let page = try await w.cases.queue(.open, for: w.agent, after: nil, limit: PageSize(10))
                #expect(page.items.count == 1)
                let item = try #require(page.items.first)
                #expect(item.reference == "HD-7" && item.subject == "Lid missing" && item.channel == .phone && item.priority == .high && item.tags == ["parts"])
                #expect(item.orderID == order && item.profileID != nil)
                _ = try await w.cases.change(item.id, { var c = Cases.CaseChange(); c.status = .set("solved"); return c }(), by: w.agent)
                // The customer writes again through the help desk: the solved case opens again with the message.
                try await w.track("ann", kind: .track, json: #"{"userId":"ann","event":"Support Case Updated","properties":{"case_id":"HD-7","message":"Still no lid.","priority":"urgent"}}"#, id: "e3")
                let thread = try await w.cases.thread(item.id, for: w.agent)
                #expect(thread.case.status == .open && thread.case.priority == .urgent)
                #expect(thread.messages.map(\.body) == ["No lid in the box.", "Still no lid."])
                // An update for a case nobody knows changes nothing.
                try await w.track("ann", kind: .track, json: #"{"userId":"ann","event":"Support Case Updated","properties":{"case_id":"HD-404","status":"closed"}}"#, id: "e4")
                #expect(try await w.cases.queue(.open, for: w.agent, after: nil, limit: PageSize(10)).items.count == 1)
            }
        }
    }

    @Test("A policy matches by tier; a team's new calendar and a removed policy recompute open cases' deadlines", arguments: TestDatabase.engines)
    func policiesAndCalendars(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { (store: Store) async throws in
            try await world(store, at: Self.at("2026-12-07T10:00:00Z")) { w in
                var gold = ServiceSetup.PolicyInput()
                gold.name = "Gold"
                gold.tiers = ["gold"]
                gold.firstResponseMinutes = 30
                var standard = ServiceSetup.PolicyInput()
                standard.name = "Everyone"
                standard.firstResponseMinutes = 240
                let goldPolicy = try await w.setup.savePolicy(nil, gold, by: w.manager)
                _ = try await w.setup.savePolicy(nil, standard, by: w.manager)
                var bad = ServiceSetup.PolicyInput()
                bad.priorities = ["asap"]
                bad.firstResponseMinutes = 0
                bad.reassignTeamID = TeamID.generate().rawValue
                do {
                    _ = try await w.setup.savePolicy(nil, bad, by: w.manager)
                    Issue.record("a bad policy must be refused")
                } catch let error as ValidationError {
                    #expect(Set(error.issues.map(\.field)) == ["name", "priorities", "firstResponseMinutes", "reassignTeamId"])
                }
                await #expect(throws: AccessError.self) { try await w.setup.savePolicy(nil, standard, by: w.agent) }

                try await w.track("gus", kind: .identify, json: #"{"userId":"gus","traits":{"tier":"gold"}}"#, id: "identify-gus")
                let gus = try #require(try await store.profileID(for: Identifier(kind: .userID, value: "gus"), in: w.seeded.workspace.id))
                let vip = try await w.cases.open(.init(profileID: gus.rawValue, channel: "chat", subject: "Help"), by: w.agent)
                let plain = try await w.cases.open(.init(contact: "someone", channel: "chat", subject: "Help"), by: w.agent)
                #expect(vip.case.sla?.policyName == "Gold" && vip.case.sla?.firstResponse?.dueAt == Self.at("2026-12-07T10:30:00Z"))
                #expect(plain.case.sla?.policyName == "Everyone" && plain.case.sla?.firstResponse?.dueAt == Self.at("2026-12-07T14:00:00Z"))

                // Moving the plain case to a team on Tokyo office hours (Monday 19:00 there): due Tuesday 13:00 Tokyo, 04:00Z.
                let tokyo = try await w.setup.createTeam(.init(name: "APAC", calendar: .init(timeZone: "Asia/Tokyo", hours: ["mon": [["09:00", "17:00"]], "tue": [["09:00", "17:00"]]])),
                                                         by: w.manager)
                let moved = try await w.cases.change(plain.case.id, { var c = Cases.CaseChange(); c.teamID = .set(tokyo.id.rawValue); return c }(), by: w.agent)
                #expect(moved.sla?.firstResponse?.dueAt == Self.at("2026-12-08T04:00:00Z"))
                // The team works from 08:00 from now on: the open case's deadline moves an hour earlier.
                _ = try await w.setup.updateTeam(tokyo.id, .init(calendar: .init(timeZone: "Asia/Tokyo", hours: ["mon": [["08:00", "17:00"]], "tue": [["08:00", "17:00"]]])), by: w.manager)
                #expect(try await w.cases.thread(plain.case.id, for: w.agent).case.sla?.firstResponse?.dueAt == Self.at("2026-12-08T03:00:00Z"))
                // Without the gold policy the VIP falls to the general one.
                try await w.setup.deletePolicy(goldPolicy.id, by: w.manager)
                #expect(try await w.cases.thread(vip.case.id, for: w.agent).case.sla?.policyName == "Everyone")
            }
        }
    }

    @Test("A policy change recomputes a few open cases at once and the rest in batches after, each in a transaction of its own; a new change starts over",
          arguments: TestDatabase.engines)
    func deadlinesRecomputedInBatches(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { (store: Store) async throws in
            try await world(store, at: Self.at("2026-12-07T10:00:00Z")) { w in
                // Batches of 2 stand in for the 500 of a real workspace.
                let setup = ServiceSetup(store: store, clock: w.clock.source, immediateRefresh: 2)
                var policy = ServiceSetup.PolicyInput()
                policy.name = "Everyone"
                policy.firstResponseMinutes = 60
                let saved = try await setup.savePolicy(nil, policy, by: w.manager)
                var ids: [CaseID] = []
                for index in 0..<5 { ids.append(try await w.cases.open(.init(contact: "c\(index)@example.com", channel: "email", subject: "Help \(index)"), by: w.agent).case.id) }
                func due() async throws -> [Date?] {
                    var found: [Date?] = []
                    for id in ids.sorted(by: { $0.rawValue < $1.rawValue }) { found.append(try await w.cases.thread(id, for: w.agent).case.sla?.firstResponse?.dueAt) }
                    return found
                }
                let hour = Self.at("2026-12-07T11:00:00Z"), fourHours = Self.at("2026-12-07T14:00:00Z")
                #expect(try await due() == Array(repeating: hour, count: 5))
                policy.firstResponseMinutes = 240
                _ = try await setup.savePolicy(saved.id, policy, by: w.manager)
                // The first two (by id) at once; the other three wait for the rounds.
                #expect(try await due() == [fourHours, fourHours, hour, hour, hour])
                #expect(try await w.cases.refreshWaitingDeadlines(batch: 2) == 2)
                #expect(try await due() == [fourHours, fourHours, fourHours, fourHours, hour])
                // Another change before the rest is done starts over from the first case.
                policy.firstResponseMinutes = 120
                _ = try await setup.savePolicy(saved.id, policy, by: w.manager)
                let twoHours = Self.at("2026-12-07T12:00:00Z")
                #expect(try await due() == [twoHours, twoHours, fourHours, fourHours, hour])
                #expect(try await w.cases.refreshWaitingDeadlines(batch: 2) == 2)
                #expect(try await w.cases.refreshWaitingDeadlines(batch: 2) == 1)
                #expect(try await due() == Array(repeating: twoHours, count: 5))
                #expect(try await w.cases.refreshWaitingDeadlines(batch: 2) == 0, "nothing waits any more")
            }
        }
    }
}

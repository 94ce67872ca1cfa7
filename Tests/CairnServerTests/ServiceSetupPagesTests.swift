import CairnCore
import CairnEngine
import CairnStore
import CairnTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import NIOCore

@Suite("Service › Setup: teams, service levels, statuses, canned replies, articles, follow-up and cost from the console")
struct ServiceSetupPagesTests {
    @Test("A manager sets up service in the console; bad input names the field and keeps what was typed; an agent only reads; every language renders",
          arguments: TestDatabase.engines)
    func setup(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            var manager = try await h.signIn(h.a.users[.manager]!.email)
            let agentID = h.a.users[.agent]!.id.rawValue
            // A team with a lunch break and a typo on Tuesday: refused naming the day; the typed values come back.
            let bad = try await manager.submit(on: "/service/setup", to: "/service/setup/teams", fields: [
                ("name", "Hotline DE"), ("timeZone", "Europe/Berlin"), ("hours_mon", "09:00-12:00, 13:00-17:00"), ("hours_tue", "9 to 5"),
                ("holidays", "2026-12-25"), ("members", agentID)])
            #expect(bad.status == .badRequest)
            let badPage = String(buffer: bad.body)
            #expect(badPage.contains("calendar.hours.tue") && badPage.contains(#"value="9 to 5""#) && badPage.contains(#"value="Hotline DE""#))
            #expect(try await h.store.teams(in: h.a.workspace.id).isEmpty, "nothing saved")
            #expect(try await manager.submit(on: "/service/setup", to: "/service/setup/teams", fields: [
                ("name", "Hotline DE"), ("timeZone", "Europe/Berlin"), ("hours_mon", "09:00-12:00, 13:00-17:00"), ("hours_tue", "09:00-17:00"),
                ("holidays", "2026-12-25, 2026-12-26"), ("members", agentID)]).status == .seeOther)
            let team = try #require(try await h.store.teams(in: h.a.workspace.id).first)
            #expect(team.calendar.timeZone == "Europe/Berlin" && team.calendar.week[0].count == 2 && team.calendar.week[1].count == 1 && team.calendar.week[2].isEmpty)
            #expect(team.calendar.holidays == ["2026-12-25", "2026-12-26"] && team.members.map(\.rawValue) == [agentID])
            let (_, listed) = try await manager.get("/service/setup")
            #expect(listed.contains("<bdi>Hotline DE</bdi>") && listed.contains("Mon 09:00–12:00, 13:00–17:00"))
            // Edit: the form comes filled; Jerusalem's week starts on Sunday.
            let (_, editing) = try await manager.get("/service/setup/teams/\(team.id)")
            #expect(editing.contains(#"action="/service/setup/teams/\#(team.id)""#) && editing.contains(#"value="09:00-12:00, 13:00-17:00""#))
            #expect(try await manager.submit(on: "/service/setup/teams/\(team.id)", to: "/service/setup/teams/\(team.id)", fields: [
                ("name", "Hotline IL"), ("timeZone", "Asia/Jerusalem"), ("hours_sun", "08:00-16:00"), ("members", agentID)]).status == .seeOther)
            let moved = try #require(try await h.store.team(id: team.id, in: h.a.workspace.id))
            #expect(moved.name == "Hotline IL" && moved.calendar.timeZone == "Asia/Jerusalem" && moved.calendar.week[6].count == 1 && moved.calendar.week[0].isEmpty)

            // A policy: bad minutes named; then saved with its escalation, edited, deleted.
            let badPolicy = try await manager.submit(on: "/service/setup", to: "/service/setup/policies", fields: [("name", "Urgent chat"), ("firstResponseMinutes", "soon")])
            #expect(badPolicy.status == .badRequest && String(buffer: badPolicy.body).contains("firstResponseMinutes") && String(buffer: badPolicy.body).contains(#"value="Urgent chat""#))
            #expect(try await manager.submit(on: "/service/setup", to: "/service/setup/policies", fields: [
                ("name", "Urgent chat"), ("priorities", "urgent"), ("channels", "chat"), ("firstResponseMinutes", "5"), ("resolutionMinutes", "120"),
                ("warnBeforeMinutes", "2"), ("raisePriority", "1"), ("notify", "1"), ("reassignTeamId", team.id.rawValue)]).status == .seeOther)
            let policy = try #require(try await h.store.slaPolicies(in: h.a.workspace.id).first)
            #expect(policy.conditions.priorities == [.urgent] && policy.conditions.channels == [.chat] && policy.targets.firstResponseMinutes == 5)
            #expect(policy.escalation.reassignTeamID == team.id && policy.escalation.raisePriority && policy.warnBeforeMinutes == 2)
            #expect(try await manager.submit(on: "/service/setup/policies/\(policy.id)", to: "/service/setup/policies/\(policy.id)", fields: [
                ("name", "Urgent chat"), ("firstResponseMinutes", "10")]).status == .seeOther)
            let edited = try #require(try await h.store.slaPolicies(in: h.a.workspace.id).first)
            #expect(edited.targets.firstResponseMinutes == 10 && edited.conditions.priorities.isEmpty && !edited.escalation.notify)
            #expect(try await manager.submit(on: "/service/setup", to: "/service/setup/policies/\(policy.id)/delete", fields: []).status == .seeOther)
            #expect(try await h.store.slaPolicies(in: h.a.workspace.id).isEmpty)

            // A status, a canned reply (English required), an article edited and deleted.
            #expect(try await manager.submit(on: "/service/setup", to: "/service/setup/statuses", fields: [("name", "Waiting for parts"), ("behavesLike", "on_hold")]).status == .seeOther)
            let badReply = try await manager.submit(on: "/service/setup", to: "/service/setup/canned-replies", fields: [("title", "Refund"), ("body_de", "Geld kommt")])
            #expect(badReply.status == .badRequest && String(buffer: badReply.body).contains("bodies.en"))
            #expect(try await manager.submit(on: "/service/setup", to: "/service/setup/canned-replies", fields: [
                ("title", "Refund"), ("body_en", "Hi {name}, your refund is on its way."), ("body_he", "שלום {name}, ההחזר בדרך.")]).status == .seeOther)
            let reply = try #require(try await h.store.cannedReplies(in: h.a.workspace.id).first)
            #expect(reply.bodies.keys.sorted() == ["en", "he"])
            #expect(try await manager.submit(on: "/service/setup", to: "/service/setup/articles", fields: [
                ("language", "he"), ("title", "החזרות"), ("body", "אפשר להחזיר תוך 30 יום.")]).status == .seeOther)
            let article = try #require(try await LiveChat(store: h.store).articles(for: h.a.principal(.viewer)).first)
            #expect(article.language == "he")
            #expect(try await manager.submit(on: "/service/setup/articles/\(article.id)", to: "/service/setup/articles/\(article.id)", fields: [
                ("language", "he"), ("title", "החזרות ומשלוחים"), ("body", "אפשר להחזיר תוך 30 יום.")]).status == .seeOther)
            #expect(try await LiveChat(store: h.store).articles(for: h.a.principal(.viewer)).first?.title == "החזרות ומשלוחים")
            #expect(try await manager.submit(on: "/service/setup", to: "/service/setup/canned-replies/\(reply.id)/delete", fields: []).status == .seeOther)
            #expect(try await manager.submit(on: "/service/setup", to: "/service/setup/articles/\(article.id)/delete", fields: []).status == .seeOther)
            #expect(try await h.store.cannedReplies(in: h.a.workspace.id).isEmpty)

            // Follow-up and cost: a bad amount is named; then both saved.
            let badSettings = try await manager.submit(on: "/service/setup", to: "/service/setup/settings", fields: [("followUp", "1"), ("kinds", "detractor"), ("cost_phone", "six"), ("currency", "EUR")])
            #expect(badSettings.status == .badRequest && String(buffer: badSettings.body).contains("costPerContact.phone"))
            #expect(try await manager.submit(on: "/service/setup", to: "/service/setup/settings", fields: [
                ("followUp", "1"), ("kinds", "detractor"), ("kinds", "low_ces"), ("priority", "high"), ("assigneeId", agentID), ("cost_phone", "6.00"), ("cost_email", "2.50"),
                ("currency", "eur")]).status == .seeOther)
            let settings = try await h.store.serviceSettings(in: h.a.workspace.id)
            #expect(settings.followUp?.kinds == [.detractor, .lowCES] && settings.followUp?.priority == .high && settings.followUp?.assigneeID?.rawValue == agentID)
            #expect(settings.costPerContact["phone"]?.decimalText == "6.00" && settings.costPerContact["email"]?.currency.code == "EUR")
            let noKinds = try await manager.submit(on: "/service/setup", to: "/service/setup/settings", fields: [("followUp", "1"), ("currency", "EUR")])
            #expect(noKinds.status == .badRequest && String(buffer: noKinds.body).contains("followUp.kinds"))

            // The agent reads the setup, with no forms; changing is refused.
            var agent = try await h.signIn(h.a.users[.agent]!.email)
            let (_, readOnly) = try await agent.get("/service/setup")
            #expect(readOnly.contains(#"id="read-only""#) && !readOnly.contains(#"id="team-form""#) && readOnly.contains("<bdi>Hotline IL</bdi>"))
            #expect(try await agent.submit(on: "/service/setup", to: "/service/setup/statuses", form: ["name": "sneaky", "behavesLike": "open"]).status == .forbidden)
            // Another workspace cannot open this team for editing.
            var other = try await h.signIn(h.b.users[.manager]!.email)
            #expect(try await other.get("/service/setup/teams/\(team.id)").0.status == .notFound)
            for (language, words) in [("en", "Business hours"), ("de", "Geschäftszeiten"), ("zh-Hans", "工作时间"), ("he", "שעות פעילות")] {
                var reader = try await h.signIn(h.a.users[.manager]!.email, headers: [.acceptLanguage: language])
                let (response, page) = try await reader.get("/service/setup")
                #expect(response.status == .ok && page.contains(words) && page.contains(#"data-nav="service-setup" aria-current="page""#), "\(language)")
            }
        }
    }
}

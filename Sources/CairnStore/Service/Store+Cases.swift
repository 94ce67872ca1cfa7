public import CairnCore
public import Foundation
public import SQLKit

/// Which open cases a queue shows.
public enum CaseQueue: Sendable, Hashable {
    /// Every open case.
    case open
    /// Open cases assigned to this user.
    case assigned(UserID)
    /// Open cases of these teams.
    case teams([TeamID])
    /// Open cases nobody is assigned to.
    case unassigned
    /// Open cases whose next service-level deadline is before this moment, soonest first.
    case dueBefore(Date)
    /// Every case (open or not) of one customer, newest first.
    case customer(ProfileID)
}

/// What the service report reads off a case: business seconds to the first response and to the (latest)
/// resolution, how often it opened again, how many replies agents wrote, and whether its service levels were met.
public struct CaseFacts: Sendable, Hashable {
    public var firstResponseSeconds: Int64?
    public var resolutionSeconds: Int64?
    public var reopens: Int
    public var agentReplies: Int
    /// `met` or `breached`; nil while targets run or without a policy.
    public var slaOutcome: String?

    public init(firstResponseSeconds: Int64?, resolutionSeconds: Int64?, reopens: Int, agentReplies: Int, slaOutcome: String?) {
        self.firstResponseSeconds = firstResponseSeconds
        self.resolutionSeconds = resolutionSeconds
        self.reopens = reopens
        self.agentReplies = agentReplies
        self.slaOutcome = slaOutcome
    }
}

/// A case whose escalation timer is due: its warning or its breach.
public struct CaseAlarm: Sendable, Hashable {
    public var workspaceID: WorkspaceID
    public var caseID: CaseID
    public var at: Date
}

extension Store {
    static let caseColumns = ["id", "number", "reference", "profile_id", "contact", "channel", "subject", "status", "status_label", "priority", "team_id", "assignee_id", "tags",
                              "order_id", "product_id", "shipment_id", "language", "created_at", "updated_at", "first_response_at", "solved_at", "merged_into", "sla"]

    public func `case`(id: CaseID, in workspace: WorkspaceID) async throws -> Case? {
        try await database.withConnection { sql in try await TransactionStore(sql: sql, engine: engine).case(id: id, in: workspace) }
    }

    public func `case`(number: Int64, in workspace: WorkspaceID) async throws -> Case? {
        try await database.withConnection { sql in try await TransactionStore(sql: sql, engine: engine).case(number: number, in: workspace) }
    }

    /// A case with its whole conversation, internal notes included.
    public func thread(id: CaseID, in workspace: WorkspaceID) async throws -> CaseThread? {
        try await database.withConnection { sql in
            let tx = TransactionStore(sql: sql, engine: engine)
            guard let found = try await tx.case(id: id, in: workspace) else { return nil }
            return CaseThread(case: found, messages: try await tx.messages(of: id, in: workspace))
        }
    }

    /// A page of a queue: open queues newest activity first (`dueBefore`: soonest deadline first).
    public func cases(in workspace: WorkspaceID, queue: CaseQueue, after cursor: Cursor?, limit: Int) async throws -> Page<Case> {
        let w = workspace.rawValue
        let items = try await database.withConnection { sql in
            let tx = TransactionStore(sql: sql, engine: engine)
            return try await tx.cases(where: { query in
                switch queue {
                case .open: query.where("is_open", .equal, 1)
                case .assigned(let user): query.where("is_open", .equal, 1).where("assignee_id", .equal, user.rawValue)
                case .teams(let teams): query.where("is_open", .equal, 1).where("team_id", .in, teams.map(\.rawValue))
                case .unassigned: query.where("is_open", .equal, 1).where("assignee_id", .is, SQLLiteral.null)
                case .dueBefore(let date):
                    query.where("is_open", .equal, 1).where("sla_next_due", .isNot, SQLLiteral.null).where("sla_next_due", .lessThan, date.storageMillis)
                case .customer(let profile): query.where("profile_id", .equal, profile.rawValue)
                }
                if case .dueBefore = queue {
                    Keyset.apply(query, sortColumn: "sla_next_due", cursor: cursor, direction: .ascending, limit: limit)
                } else if case .customer = queue {
                    Keyset.apply(query, sortColumn: "created_at", cursor: cursor, direction: .descending, limit: limit)
                } else {
                    Keyset.apply(query, sortColumn: "updated_at", cursor: cursor, direction: .descending, limit: limit)
                }
            }, in: workspace, with: w)
        }
        return Keyset.page(items, limit: limit) { item in
            switch queue {
            case .dueBefore: Cursor(sortKey: item.sla?.nextDeadline?.storageMillis ?? 0, id: item.id.rawValue)
            case .customer: Cursor(sortKey: item.createdAt.storageMillis, id: item.id.rawValue)
            default: Cursor(sortKey: item.updatedAt.storageMillis, id: item.id.rawValue)
            }
        }
    }

    /// How many open cases each queue holds for this user (mine, my teams, unassigned, due before `dueBefore`), in one
    /// pass over the workspace's open cases (the `cases_open_counts` index holds every column it reads).
    public func queueCounts(in workspace: WorkspaceID, user: UserID?, teams: [TeamID], dueBefore: Date) async throws -> (open: Int, mine: Int, team: Int, unassigned: Int, due: Int) {
        try await database.withConnection { sql in
            let teamList: SQLQueryString = teams.isEmpty ? "NULL" : teams.map { "\(bind: $0.rawValue)" as SQLQueryString }.joined(separator: ", ")
            let row = try await sql.raw("""
                SELECT COUNT(*) AS n,
                  SUM(CASE WHEN assignee_id = \(bind: user?.rawValue ?? "") THEN 1 ELSE 0 END) AS mine,
                  SUM(CASE WHEN team_id IN (\(teamList)) THEN 1 ELSE 0 END) AS team,
                  SUM(CASE WHEN assignee_id IS NULL THEN 1 ELSE 0 END) AS unassigned,
                  SUM(CASE WHEN sla_next_due < \(bind: dueBefore.storageMillis) THEN 1 ELSE 0 END) AS due
                FROM cases WHERE workspace_id = \(bind: workspace.rawValue) AND is_open = 1
                """).first()
            func int(_ name: String) throws -> Int { Int(try row?.decode(column: name, as: Int64?.self) ?? 0) }
            return (try int("n"), try int("mine"), try int("team"), try int("unassigned"), try int("due"))
        }
    }

    /// Cases whose escalation timer is due by `now`, oldest alarm first, across every workspace.
    public func caseAlarms(dueBy now: Date, limit: Int) async throws -> [CaseAlarm] {
        try await database.withConnection { sql in
            try await sql.select().columns("workspace_id", "id", "sla_alarm_at").from("cases")
                .where("sla_alarm_at", .isNot, SQLLiteral.null).where("sla_alarm_at", .lessThanOrEqual, now.storageMillis)
                .orderBy("sla_alarm_at").limit(limit).all().map { row in
                    CaseAlarm(workspaceID: WorkspaceID(rawValue: try row.decode(column: "workspace_id", as: String.self)),
                              caseID: CaseID(rawValue: try row.decode(column: "id", as: String.self)),
                              at: Date(storageMillis: try row.decode(column: "sla_alarm_at", as: Int64.self)))
                }
        }
    }

    /// The earliest escalation alarm of any case: when the timer next has work.
    public func nextCaseAlarm() async throws -> Date? {
        try await database.withConnection { sql in
            try await sql.select().column(SQLFunction("MIN", args: SQLColumn("sla_alarm_at")), as: "at").from("cases")
                .where("sla_alarm_at", .isNot, SQLLiteral.null).first()?.decode(column: "at", as: Int64?.self).map(Date.init(storageMillis:))
        }
    }
}

extension TransactionStore {
    /// The next case number of the workspace (1, 2, …), taken inside the transaction that opens the case.
    public func nextCaseNumber(in workspace: WorkspaceID) async throws -> Int64 {
        try await sql.raw("""
            INSERT INTO case_counters (workspace_id, last) VALUES (\(bind: workspace.rawValue), 1)
            ON CONFLICT (workspace_id) DO UPDATE SET last = case_counters.last + 1 RETURNING last
            """).first()?.decode(column: "last", as: Int64.self) ?? 1
    }

    public func insert(_ item: Case) async throws {
        let tags = String(decoding: try JSONEncoder.sorted.encode(item.tags), as: UTF8.self)
        try await sql.insert(into: "cases")
            .columns(["workspace_id", "is_open"] + Store.caseColumns)
            .values(SQLBind(item.workspaceID.rawValue), SQLBind(item.status.isDone ? 0 : 1), SQLBind(item.id.rawValue), SQLBind(item.number), SQLBind(item.reference),
                    SQLBind(item.profileID?.rawValue), SQLBind(item.contact), SQLBind(item.channel.rawValue), SQLBind(item.subject), SQLBind(item.status.rawValue),
                    SQLBind(item.statusLabel), SQLBind(item.priority.rawValue), SQLBind(item.teamID?.rawValue), SQLBind(item.assigneeID?.rawValue), SQLBind(tags),
                    SQLBind(item.orderID?.rawValue), SQLBind(item.productID?.rawValue), SQLBind(item.shipmentID?.rawValue), SQLBind(item.language),
                    SQLBind(item.createdAt.storageMillis), SQLBind(item.updatedAt.storageMillis), SQLBind(item.firstResponseAt?.storageMillis),
                    SQLBind(item.solvedAt?.storageMillis), SQLBind(item.mergedInto?.rawValue), SQLBind(Self.slaText(item.sla)))
            .run()
        for change in item.statusChanges { try await append(change, to: item.id, in: item.workspaceID) }
    }

    static func slaText(_ sla: SLAStatus?) -> String? {
        sla.flatMap { try? String(decoding: JSONEncoder.sorted.encode($0), as: UTF8.self) }
    }

    /// Writes the case's changeable fields (not its number, creation or status history).
    public func update(_ item: Case) async throws {
        let tags = String(decoding: try JSONEncoder.sorted.encode(item.tags), as: UTF8.self)
        try await sql.update("cases")
            .set("is_open", to: item.status.isDone ? 0 : 1).set("profile_id", to: SQLBind(item.profileID?.rawValue)).set("contact", to: SQLBind(item.contact))
            .set("subject", to: item.subject).set("channel", to: item.channel.rawValue).set("status", to: item.status.rawValue).set("status_label", to: SQLBind(item.statusLabel))
            .set("priority", to: item.priority.rawValue).set("team_id", to: SQLBind(item.teamID?.rawValue)).set("assignee_id", to: SQLBind(item.assigneeID?.rawValue))
            .set("tags", to: tags).set("order_id", to: SQLBind(item.orderID?.rawValue)).set("product_id", to: SQLBind(item.productID?.rawValue))
            .set("shipment_id", to: SQLBind(item.shipmentID?.rawValue)).set("language", to: SQLBind(item.language))
            .set("updated_at", to: item.updatedAt.storageMillis).set("first_response_at", to: SQLBind(item.firstResponseAt?.storageMillis))
            .set("solved_at", to: SQLBind(item.solvedAt?.storageMillis)).set("merged_into", to: SQLBind(item.mergedInto?.rawValue))
            .where("workspace_id", .equal, item.workspaceID.rawValue).where("id", .equal, item.id.rawValue)
            .run()
        try await changed(item.id)
    }

    /// Stores a case's computed service-level state: its JSON, its next deadline and when the timer next acts.
    public func setSLA(_ sla: SLAStatus?, alarmAt: Date?, of id: CaseID, in workspace: WorkspaceID) async throws {
        try await sql.update("cases").set("sla", to: SQLBind(Self.slaText(sla))).set("sla_next_due", to: SQLBind(sla?.nextDeadline?.storageMillis))
            .set("sla_alarm_at", to: SQLBind(alarmAt?.storageMillis))
            .where("workspace_id", .equal, workspace.rawValue).where("id", .equal, id.rawValue).run()
    }

    /// What the service report reads off a case, kept with every change.
    public func setFacts(_ facts: CaseFacts, of id: CaseID, in workspace: WorkspaceID) async throws {
        try await sql.update("cases").set("first_response_s", to: SQLBind(facts.firstResponseSeconds)).set("resolution_s", to: SQLBind(facts.resolutionSeconds))
            .set("reopens", to: Int64(facts.reopens)).set("agent_replies", to: Int64(facts.agentReplies)).set("sla_outcome", to: SQLBind(facts.slaOutcome))
            .where("workspace_id", .equal, workspace.rawValue).where("id", .equal, id.rawValue).run()
    }

    public func setTopic(_ topic: String?, of id: CaseID, in workspace: WorkspaceID) async throws {
        try await sql.update("cases").set("topic", to: SQLBind(topic)).where("workspace_id", .equal, workspace.rawValue).where("id", .equal, id.rawValue).run()
    }

    /// The deadline whose warning and whose breach the timer already acted on.
    public func escalationMarks(of id: CaseID, in workspace: WorkspaceID) async throws -> (warned: Date?, escalated: Date?) {
        guard let row = try await sql.select().columns("sla_warned_at", "sla_escalated_at").from("cases")
            .where("workspace_id", .equal, workspace.rawValue).where("id", .equal, id.rawValue).first() else { return (nil, nil) }
        return (try row.decode(column: "sla_warned_at", as: Int64?.self).map(Date.init(storageMillis:)),
                try row.decode(column: "sla_escalated_at", as: Int64?.self).map(Date.init(storageMillis:)))
    }

    public func setEscalationMarks(warned: Date?, escalated: Date?, of id: CaseID, in workspace: WorkspaceID) async throws {
        try await sql.update("cases").set("sla_warned_at", to: SQLBind(warned?.storageMillis)).set("sla_escalated_at", to: SQLBind(escalated?.storageMillis))
            .where("workspace_id", .equal, workspace.rawValue).where("id", .equal, id.rawValue).run()
    }

    /// Reads the case and, on PostgreSQL, locks its row until the transaction ends, so that two changes to one case
    /// (two agents, a reply and an email) take turns. SQLite has one writer at a time anyway.
    public func lockedCase(id: CaseID, in workspace: WorkspaceID) async throws -> Case? {
        if engine == .postgres {
            _ = try await sql.raw("SELECT id FROM cases WHERE workspace_id = \(bind: workspace.rawValue) AND id = \(bind: id.rawValue) FOR UPDATE").first()
        }
        return try await `case`(id: id, in: workspace)
    }

    public func `case`(id: CaseID, in workspace: WorkspaceID) async throws -> Case? {
        try await cases(where: { $0.where("id", .equal, id.rawValue) }, in: workspace, with: workspace.rawValue).first
    }

    public func `case`(reference: String, in workspace: WorkspaceID) async throws -> Case? {
        try await cases(where: { $0.where("reference", .equal, reference) }, in: workspace, with: workspace.rawValue).first
    }

    public func `case`(number: Int64, in workspace: WorkspaceID) async throws -> Case? {
        try await cases(where: { $0.where("number", .equal, number) }, in: workspace, with: workspace.rawValue).first
    }

    /// The case an email belongs to: the one holding a message with one of these Message-IDs.
    public func caseID(forEmailMessageIDs ids: [String], in workspace: WorkspaceID) async throws -> CaseID? {
        guard !ids.isEmpty else { return nil }
        return try await sql.select().column("case_id").from("case_messages").where("workspace_id", .equal, workspace.rawValue)
            .where("email_message_id", .in, ids).orderBy("at", .descending).limit(1).first()
            .map { CaseID(rawValue: try $0.decode(column: "case_id", as: String.self)) }
    }

    func cases(where narrow: (SQLSelectBuilder) -> Void, in workspace: WorkspaceID, with w: String) async throws -> [Case] {
        let query = sql.select().columns(Store.caseColumns).from("cases").where("workspace_id", .equal, w)
        narrow(query)
        var cases = try await query.all().map { row in try Self.decodeCase(row, in: workspace) }
        guard !cases.isEmpty else { return [] }
        var changes: [String: [Case.StatusChange]] = [:]
        for part in cases.map(\.id.rawValue).chunked(into: 400) {
            for row in try await sql.select().columns("case_id", "status", "label", "at", "actor").from("case_status_changes")
                .where("workspace_id", .equal, w).where("case_id", .in, Array(part)).orderBy("case_id").orderBy("position").all() {
                changes[try row.decode(column: "case_id", as: String.self), default: []].append(Case.StatusChange(
                    status: Case.Status(rawValue: try row.decode(column: "status", as: String.self)) ?? .open, label: try row.decode(column: "label", as: String?.self),
                    at: Date(storageMillis: try row.decode(column: "at", as: Int64.self)), by: try row.decode(column: "actor", as: String.self)))
            }
        }
        for index in cases.indices { cases[index].statusChanges = changes[cases[index].id.rawValue] ?? [] }
        return cases
    }

    static func decodeCase(_ row: any SQLRow, in workspace: WorkspaceID) throws -> Case {
        func id<T: EntityID>(_ column: String, _ type: T.Type) throws -> T? { try row.decode(column: column, as: String?.self).map(T.init(rawValue:)) }
        func date(_ column: String) throws -> Date? { try row.decode(column: column, as: Int64?.self).map(Date.init(storageMillis:)) }
        return Case(id: CaseID(rawValue: try row.decode(column: "id", as: String.self)), workspaceID: workspace, number: try row.decode(column: "number", as: Int64.self),
                    reference: try row.decode(column: "reference", as: String?.self),
                    profileID: try id("profile_id", ProfileID.self), contact: try row.decode(column: "contact", as: String?.self),
                    channel: Case.Channel(rawValue: try row.decode(column: "channel", as: String.self)) ?? .web, subject: try row.decode(column: "subject", as: String.self),
                    status: Case.Status(rawValue: try row.decode(column: "status", as: String.self)) ?? .open, statusLabel: try row.decode(column: "status_label", as: String?.self),
                    priority: Case.Priority(rawValue: try row.decode(column: "priority", as: String.self)) ?? .normal, teamID: try id("team_id", TeamID.self),
                    assigneeID: try id("assignee_id", UserID.self),
                    tags: (try? JSONDecoder().decode([String].self, from: Data(try row.decode(column: "tags", as: String.self).utf8))) ?? [],
                    orderID: try id("order_id", OrderID.self), productID: try id("product_id", ProductID.self), shipmentID: try id("shipment_id", ShipmentID.self),
                    language: try row.decode(column: "language", as: String?.self), createdAt: try date("created_at")!, updatedAt: try date("updated_at")!,
                    firstResponseAt: try date("first_response_at"), solvedAt: try date("solved_at"), mergedInto: try id("merged_into", CaseID.self),
                    sla: try row.decode(column: "sla", as: String?.self).flatMap { try? JSONDecoder().decode(SLAStatus.self, from: Data($0.utf8)) })
    }

    public func append(_ change: Case.StatusChange, to id: CaseID, in workspace: WorkspaceID) async throws {
        let next = try await nextPosition(in: "case_status_changes", parent: "case_id", id.rawValue, in: workspace)
        try await sql.insert(into: "case_status_changes").columns("workspace_id", "case_id", "position", "status", "label", "at", "actor")
            .values(SQLBind(workspace.rawValue), SQLBind(id.rawValue), SQLBind(next), SQLBind(change.status.rawValue), SQLBind(change.label),
                    SQLBind(change.at.storageMillis), SQLBind(change.by))
            .run()
    }

    public func insert(_ message: CaseMessage, in workspace: WorkspaceID) async throws {
        let attachments = String(decoding: try JSONEncoder.sorted.encode(message.attachments), as: UTF8.self)
        try await sql.insert(into: "case_messages").columns("workspace_id", "id", "case_id", "author", "actor", "body", "attachments", "channel", "email_message_id", "at")
            .values(SQLBind(workspace.rawValue), SQLBind(message.id.rawValue), SQLBind(message.caseID.rawValue), SQLBind(message.author.rawValue), SQLBind(message.by),
                    SQLBind(message.body), SQLBind(attachments), SQLBind(message.channel.rawValue), SQLBind(message.emailMessageID), SQLBind(message.at.storageMillis))
            .run()
        try await changed(message.caseID)
    }

    /// A case's messages, oldest first.
    public func messages(of id: CaseID, in workspace: WorkspaceID) async throws -> [CaseMessage] {
        try await sql.select().columns("id", "author", "actor", "body", "attachments", "channel", "email_message_id", "at").from("case_messages")
            .where("workspace_id", .equal, workspace.rawValue).where("case_id", .equal, id.rawValue).orderBy("at").orderBy("id").all().map { row in
                CaseMessage(id: CaseMessageID(rawValue: try row.decode(column: "id", as: String.self)), caseID: id,
                            author: CaseMessage.Author(rawValue: try row.decode(column: "author", as: String.self)) ?? .note, by: try row.decode(column: "actor", as: String.self),
                            body: try row.decode(column: "body", as: String.self),
                            attachments: (try? JSONDecoder().decode([CaseMessage.Attachment].self, from: Data(try row.decode(column: "attachments", as: String.self).utf8))) ?? [],
                            channel: Case.Channel(rawValue: try row.decode(column: "channel", as: String.self)) ?? .web,
                            emailMessageID: try row.decode(column: "email_message_id", as: String?.self),
                            at: Date(storageMillis: try row.decode(column: "at", as: Int64.self)))
            }
    }

    /// Ties the cases opened for a bare contact address to the customer who turned out to have it; returns how many.
    @discardableResult
    public func linkCases(withContact address: String, to profile: ProfileID, in workspace: WorkspaceID) async throws -> Int {
        try await sql.update("cases").set("profile_id", to: profile.rawValue)
            .where("workspace_id", .equal, workspace.rawValue).where("profile_id", .is, SQLLiteral.null).where("contact", .equal, address)
            .returning("id").all().count
    }

    /// The ids of the workspace's open cases.
    public func openCaseIDs(in workspace: WorkspaceID) async throws -> [CaseID] {
        try await sql.select().column("id").from("cases").where("workspace_id", .equal, workspace.rawValue).where("is_open", .equal, 1).all()
            .map { CaseID(rawValue: try $0.decode(column: "id", as: String.self)) }
    }

    /// Up to `limit` open case ids after `after`, in id order.
    public func openCaseIDs(in workspace: WorkspaceID, after: String, limit: Int) async throws -> [CaseID] {
        try await sql.select().column("id").from("cases").where("workspace_id", .equal, workspace.rawValue).where("is_open", .equal, 1)
            .where("id", .greaterThan, after).orderBy("id").limit(limit).all()
            .map { CaseID(rawValue: try $0.decode(column: "id", as: String.self)) }
    }

    /// Asks for the open cases after `after` to have their deadlines recomputed (a new request starts over from it).
    public func requestSLARefresh(in workspace: WorkspaceID, after: String, at now: Date) async throws {
        try await sql.insert(into: "sla_refresh").columns("workspace_id", "after_id", "requested_at")
            .values(SQLBind(workspace.rawValue), SQLBind(after), SQLBind(now.storageMillis))
            .onConflict(with: ["workspace_id"]) { $0.set(excludedValueOf: "after_id").set(excludedValueOf: "requested_at") }.run()
    }

    /// Clears a workspace's pending recomputation (nothing left to do before `after`).
    public func clearSLARefresh(in workspace: WorkspaceID) async throws {
        try await sql.delete(from: "sla_refresh").where("workspace_id", .equal, workspace.rawValue).run()
    }

    /// The workspace's pending recomputation, locked for this transaction: where it has got to and when it was asked.
    public func lockedSLARefresh(in workspace: WorkspaceID) async throws -> (after: String, requestedAt: Int64)? {
        guard let row = try await sql.select().columns("after_id", "requested_at").from("sla_refresh").where("workspace_id", .equal, workspace.rawValue)
            .for(.update).first() else { return nil }
        return (try row.decode(column: "after_id", as: String.self), try row.decode(column: "requested_at", as: Int64.self))
    }

    /// Moves a pending recomputation on to `after`.
    public func advanceSLARefresh(in workspace: WorkspaceID, to after: String) async throws {
        try await sql.update("sla_refresh").set("after_id", to: after).where("workspace_id", .equal, workspace.rawValue).run()
    }

    /// Moves every message of `source` to `target` (a merge).
    public func moveMessages(of source: CaseID, to target: CaseID, in workspace: WorkspaceID) async throws {
        try await sql.update("case_messages").set("case_id", to: target.rawValue)
            .where("workspace_id", .equal, workspace.rawValue).where("case_id", .equal, source.rawValue).run()
    }
}

extension Store {
    /// Workspaces with deadlines waiting to be recomputed.
    public func workspacesAwaitingSLARefresh(limit: Int) async throws -> [WorkspaceID] {
        try await database.withConnection { sql in
            try await sql.select().column("workspace_id").from("sla_refresh").orderBy("requested_at").limit(limit).all()
                .map { WorkspaceID(rawValue: try $0.decode(column: "workspace_id", as: String.self)) }
        }
    }
}

public import CairnCore
import CairnAnalytics
public import CairnStore
public import Foundation
public import Logging

/// Service cases: opening them (from the API, from track events, later from chat, email and feedback), the
/// conversation, status, priority, team and assignee, merging duplicates, and the service-level deadlines that follow
/// every change. Reading needs `service.read`, working on cases `service.work`; the clock is injected.
public struct Cases: Sendable {
    let store: Store
    public let clock: DateSource
    let logger: Logger
    /// Told after every change to a case's deadlines, so the escalation timer can wake sooner than it planned.
    let deadlinesChanged: @Sendable () -> Void
    /// The domain of the Message-IDs replies on email cases go out with (the sender's).
    let mailDomain: String

    public init(store: Store, clock: DateSource = .system, logger: Logger = Logger(label: "cairn.service"), mailDomain: String = "cairn.localhost",
                deadlinesChanged: @escaping @Sendable () -> Void = {}) {
        self.store = store
        self.clock = clock
        self.logger = logger
        self.mailDomain = mailDomain
        self.deadlinesChanged = deadlinesChanged
    }

    /// A field of a change: left as it is, or set (possibly to nothing).
    public enum Edit<Value: Sendable>: Sendable {
        case unchanged
        case set(Value?)
    }

    public struct CaseInput: Sendable {
        public var profileID: String?
        public var contact: String?
        public var channel: String?
        public var subject: String?
        public var message: String?
        public var priority: String?
        public var teamID: String?
        public var assigneeID: String?
        public var tags: [String]?
        public var orderID: String?
        public var productID: String?
        public var shipmentID: String?
        public var language: String?

        public init(profileID: String? = nil, contact: String? = nil, channel: String? = nil, subject: String? = nil, message: String? = nil, priority: String? = nil,
                    teamID: String? = nil, assigneeID: String? = nil, tags: [String]? = nil, orderID: String? = nil, productID: String? = nil,
                    shipmentID: String? = nil, language: String? = nil) {
            self.profileID = profileID
            self.contact = contact
            self.channel = channel
            self.subject = subject
            self.message = message
            self.priority = priority
            self.teamID = teamID
            self.assigneeID = assigneeID
            self.tags = tags
            self.orderID = orderID
            self.productID = productID
            self.shipmentID = shipmentID
            self.language = language
        }
    }

    /// What a change sets; fields left `.unchanged` stay.
    public struct CaseChange: Sendable {
        public var subject: Edit<String> = .unchanged
        /// A built-in status or one the workspace added.
        public var status: Edit<String> = .unchanged
        public var priority: Edit<String> = .unchanged
        public var teamID: Edit<String> = .unchanged
        public var assigneeID: Edit<String> = .unchanged
        public var tags: Edit<[String]> = .unchanged
        public var orderID: Edit<String> = .unchanged
        public var productID: Edit<String> = .unchanged
        public var shipmentID: Edit<String> = .unchanged

        public init() {}
    }

    /// The queues of the agent console.
    public enum QueueName: String, Sendable, CaseIterable {
        case mine, team, unassigned, breaching, open
    }

    /// How far ahead "about to breach" looks.
    public static let breachHorizon: TimeInterval = 3600

    // MARK: Reading

    public func thread(_ id: CaseID, for principal: Principal) async throws -> CaseThread {
        try principal.require(.serviceRead)
        guard let thread = try await store.thread(id: id, in: principal.workspaceID) else { throw NotFoundError(kind: "case", id: id.rawValue) }
        return thread
    }

    /// The case with this number in the principal's workspace.
    public func caseID(number: Int64, for principal: Principal) async throws -> CaseID? {
        try principal.require(.serviceRead)
        return try await store.case(number: number, in: principal.workspaceID)?.id
    }

    /// One page of a queue, for the principal (mine and team need a signed-in user).
    public func queue(_ name: QueueName, for principal: Principal, after cursor: Cursor?, limit: PageSize) async throws -> Page<Case> {
        try principal.require(.serviceRead)
        let workspace = principal.workspaceID
        let queue: CaseQueue
        switch name {
        case .open: queue = .open
        case .unassigned: queue = .unassigned
        case .breaching: queue = .dueBefore(clock.now().addingTimeInterval(Self.breachHorizon))
        case .mine, .team:
            guard case .user(let user) = principal.kind else {
                throw ValidationError(field: "queue", issue: .notAllowed, hint: "The \(name.rawValue) queue belongs to a signed-in user; an API key may read open, unassigned or breaching.")
            }
            if name == .mine { queue = .assigned(user) } else {
                let teams = try await store.teams(of: user, in: workspace)
                guard !teams.isEmpty else { return Page(items: [], nextCursor: nil) }
                queue = .teams(teams)
            }
        }
        return try await store.cases(in: workspace, queue: queue, after: cursor, limit: limit.value)
    }

    /// A customer's cases, newest first (the 360 view's service part).
    public func cases(of profile: ProfileID, for principal: Principal, after cursor: Cursor?, limit: PageSize) async throws -> Page<Case> {
        try principal.require(.serviceRead)
        return try await store.cases(in: principal.workspaceID, queue: .customer(profile), after: cursor, limit: limit.value)
    }

    /// The people a case may be assigned to: users whose role works on cases, by name.
    /// Waits until the case changes (a message, its status, its assignee) or `timeout` passes.
    public func waitForChange(_ id: CaseID, upTo timeout: Duration) async -> Bool {
        await store.waitForChange(of: id, upTo: timeout)
    }

    public func agents(for principal: Principal) async throws -> [(id: UserID, name: String)] {
        try principal.require(.serviceRead)
        var found: [(id: UserID, name: String)] = [], cursor: Cursor?
        repeat {
            let page = try await store.users(in: principal.workspaceID, after: cursor, limit: 200)
            found += page.items.filter { $0.role.can(.serviceWork) }.map { ($0.id, $0.displayName.isEmpty ? $0.email : $0.displayName) }
            cursor = try page.nextCursor.map { try Cursor(token: $0) }
        } while cursor != nil
        return found.sorted { $0.name.localizedCaseInsensitiveCompare($1.name) == .orderedAscending }
    }

    public struct QueueCounts: Sendable, Hashable, Encodable {
        public var open: Int, mine: Int, team: Int, unassigned: Int, breaching: Int
    }

    public func counts(for principal: Principal) async throws -> QueueCounts {
        try principal.require(.serviceRead)
        var user: UserID?, teams: [TeamID] = []
        if case .user(let id) = principal.kind {
            user = id
            teams = try await store.teams(of: id, in: principal.workspaceID)
        }
        let c = try await store.queueCounts(in: principal.workspaceID, user: user, teams: teams, dueBefore: clock.now().addingTimeInterval(Self.breachHorizon))
        return QueueCounts(open: c.open, mine: c.mine, team: c.team, unassigned: c.unassigned, breaching: c.due)
    }

    // MARK: Opening

    static func choice<T: RawRepresentable & CaseIterable>(_ text: String?, as type: T.Type, field: String, collecting issues: inout ValidationCollector) -> T?
    where T.RawValue == String {
        guard let text else { return nil }
        if let value = T(rawValue: text) { return value }
        let allowed = T.allCases.map(\.rawValue)
        issues.add(FieldIssue(field: field, issue: .unknownValue(allowed: allowed), hint: "Use one of: \(allowed.joined(separator: ", "))."))
        return nil
    }

    static func cleanTags(_ tags: [String], collecting issues: inout ValidationCollector) -> [String] {
        var seen: [String] = []
        for tag in tags {
            let clean = tag.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
            if clean.isEmpty || clean.count > 50 || clean.contains(",") {
                issues.add(FieldIssue(field: "tags", issue: .invalid, hint: "Tags are 1–50 characters without commas."))
                continue
            }
            if !seen.contains(clean) { seen.append(clean) }
        }
        if seen.count > 20 { issues.add(FieldIssue(field: "tags", issue: .tooLong(limit: 20), hint: "Give at most 20 tags.")) }
        return seen
    }

    /// Opens a case from the management API or the console; `message`, when given, is the customer's first message.
    public func open(_ input: CaseInput, by principal: Principal) async throws -> CaseThread {
        try principal.require(.serviceWork)
        let workspace = principal.workspaceID
        var issues = ValidationCollector()
        let channel = Self.choice(input.channel, as: Case.Channel.self, field: "channel", collecting: &issues)
        if input.channel == nil { issues.add(FieldIssue(field: "channel", issue: .missing, hint: "Say how the case came in: email, chat, phone, store or web.")) }
        let subject = (input.subject ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if subject.isEmpty { issues.add(FieldIssue(field: "subject", issue: .missing, hint: "Give the case a subject, e.g. \"Blender arrived broken\".")) }
        else if subject.count > 200 { issues.add(FieldIssue(field: "subject", issue: .tooLong(limit: 200), hint: "Use at most 200 characters.")) }
        if let message = input.message, message.count > 20_000 { issues.add(FieldIssue(field: "message", issue: .tooLong(limit: 20_000), hint: "Use at most 20,000 characters.")) }
        let priority = Self.choice(input.priority, as: Case.Priority.self, field: "priority", collecting: &issues) ?? .normal
        let contact = input.contact?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let contact, contact.count > 200 { issues.add(FieldIssue(field: "contact", issue: .tooLong(limit: 200), hint: "Use at most 200 characters.")) }
        if input.profileID == nil && (contact ?? "").isEmpty {
            issues.add(FieldIssue(field: "profileId", issue: .missing, hint: "Say who the case is about: a customer's profileId, or a contact (an email address or name)."))
        }
        let tags = Self.cleanTags(input.tags ?? [], collecting: &issues)
        let language = input.language.flatMap { $0.isEmpty ? nil : String($0.prefix(10)) }
        let links = try await references(profile: input.profileID, team: input.teamID, assignee: input.assigneeID, order: input.orderID, product: input.productID,
                                         shipment: input.shipmentID, in: workspace, collecting: &issues)
        try issues.throwIfAny()
        let now = clock.now()
        let opened = try await store.transaction { tx in
            try await Self.open(in: workspace, profile: links.profile, contact: contact, channel: channel ?? .web, subject: subject, priority: priority, team: links.team,
                                assignee: links.assignee, tags: tags, order: links.order, product: links.product, shipment: links.shipment, language: language,
                                message: input.message.flatMap { $0.isEmpty ? nil : $0 }, emailMessageID: nil, by: principal.actorReference, at: now, tx: tx)
        }
        deadlinesChanged()
        return try await thread(opened, for: principal)
    }

    struct References {
        var profile: ProfileID?, team: TeamID?, assignee: UserID?, order: OrderID?, product: ProductID?, shipment: ShipmentID?
    }

    /// Checks that each named row exists in the workspace; unknown ones are issues of their field.
    func references(profile: String?, team: String?, assignee: String?, order: String?, product: String?, shipment: String?, in workspace: WorkspaceID,
                    collecting issues: inout ValidationCollector) async throws -> References {
        var links = References()
        if let text = profile {
            if let id = ProfileID(text), try await store.profile(id: id, in: workspace) != nil { links.profile = id }
            else { issues.add(FieldIssue(field: "profileId", issue: .unknownValue(allowed: []), hint: "No customer with this id; see GET /api/v1/profiles.")) }
        }
        if let text = team {
            if let id = TeamID(text), try await store.team(id: id, in: workspace) != nil { links.team = id }
            else { issues.add(FieldIssue(field: "teamId", issue: .unknownValue(allowed: []), hint: "No team with this id; see GET /api/v1/teams.")) }
        }
        if let text = assignee {
            if let id = UserID(text), let user = try await store.user(id: id, in: workspace) {
                if user.role.can(.serviceWork) { links.assignee = id }
                else { issues.add(FieldIssue(field: "assigneeId", issue: .notAllowed, hint: "This user's role (\(user.role.rawValue)) may not work on cases; choose an agent, manager or admin.")) }
            } else { issues.add(FieldIssue(field: "assigneeId", issue: .unknownValue(allowed: []), hint: "No user with this id; see GET /api/v1/users.")) }
        }
        if let text = order {
            if let id = OrderID(text), try await store.order(id: id, in: workspace) != nil { links.order = id }
            else { issues.add(FieldIssue(field: "orderId", issue: .unknownValue(allowed: []), hint: "No order with this id; see GET /api/v1/orders.")) }
        }
        if let text = product {
            if let id = ProductID(text), try await store.product(id: id, in: workspace) != nil { links.product = id }
            else { issues.add(FieldIssue(field: "productId", issue: .unknownValue(allowed: []), hint: "No product with this id; see GET /api/v1/products.")) }
        }
        if let text = shipment {
            if let id = ShipmentID(text), try await store.shipment(id: id, in: workspace) != nil { links.shipment = id }
            else { issues.add(FieldIssue(field: "shipmentId", issue: .unknownValue(allowed: []), hint: "No shipment with this id; see GET /api/v1/shipments.")) }
        }
        return links
    }

    /// Opens a case inside a transaction (the API, track events, email and feedback all come here).
    static func open(in workspace: WorkspaceID, reference: String? = nil, profile: ProfileID?, contact: String?, channel: Case.Channel, subject: String, priority: Case.Priority, team: TeamID?,
                     assignee: UserID?, tags: [String], order: OrderID?, product: ProductID?, shipment: ShipmentID?, language: String?, message: String?,
                     emailMessageID: String?, attachments: [CaseMessage.Attachment] = [], author: CaseMessage.Author = .customer, by actor: String, at now: Date,
                     tx: TransactionStore) async throws -> CaseID {
        let number = try await tx.nextCaseNumber(in: workspace)
        let id = CaseID.generate()
        let status: Case.Status = assignee == nil ? .new : .open
        let item = Case(id: id, workspaceID: workspace, number: number, reference: reference, profileID: profile, contact: contact?.isEmpty == true ? nil : contact, channel: channel,
                        subject: subject, status: status, priority: priority, teamID: team, assigneeID: assignee, tags: tags, orderID: order, productID: product,
                        shipmentID: shipment, language: language, createdAt: now, updatedAt: now,
                        statusChanges: [Case.StatusChange(status: status, at: now, by: actor)])
        try await tx.insert(item)
        // The topic the report groups by: the first that the subject and first message name.
        let analysis = TextAnalysis.of([subject, message ?? ""].joined(separator: "\n"), fallback: language.flatMap { TextLanguage(rawValue: String($0.prefix(2))) })
        if let topic = analysis.topics.first { try await tx.setTopic(topic, of: id, in: workspace) }
        if let message {
            try await tx.insert(CaseMessage(id: .generate(), caseID: id, author: author, by: author == .customer ? "customer" : actor, body: String(message.prefix(20_000)),
                                            attachments: attachments, channel: channel, emailMessageID: emailMessageID, at: now), in: workspace)
        }
        try await refreshSLA(of: id, in: workspace, at: now, tx: tx)
        return id
    }

    // MARK: The conversation

    /// An agent's reply (seen by the customer) or an internal note. The first reply is the first response; a reply to
    /// a new case opens it.
    public func reply(to id: CaseID, body: String?, note: Bool, attachments: [CaseMessage.Attachment] = [], by principal: Principal) async throws -> CaseThread {
        try principal.require(.serviceWork)
        let text = (body ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty { throw ValidationError(field: "body", issue: .missing, hint: "Write the reply's text.") }
        if text.count > 20_000 { throw ValidationError(field: "body", issue: .tooLong(limit: 20_000), hint: "Use at most 20,000 characters.") }
        let workspace = principal.workspaceID, actor = principal.actorReference, now = clock.now(), domain = mailDomain
        try await store.transaction { tx in
            guard var item = try await tx.lockedCase(id: id, in: workspace) else { throw NotFoundError(kind: "case", id: id.rawValue) }
            if let target = item.mergedInto {
                throw ValidationError(field: "caseId", issue: .notAllowed, hint: "This case was merged into case \(target); answer there.")
            }
            if item.status == .closed { throw ValidationError(field: "caseId", issue: .notAllowed, hint: "The case is closed; open a follow-up case to write again.") }
            // A reply on an email case goes out by email, in this transaction's outbox.
            let messageID = CaseMessageID.generate()
            let emailID = !note && item.channel == .email ? try await CaseEmails.queueReply(text, message: messageID, on: item, domain: domain, at: now, tx: tx) : nil
            try await tx.insert(CaseMessage(id: messageID, caseID: id, author: note ? .note : .agent, by: actor, body: text, attachments: attachments,
                                            channel: item.channel, emailMessageID: emailID, at: now), in: workspace)
            if !note {
                if item.firstResponseAt == nil { item.firstResponseAt = now }
                if item.status == .new {
                    item.status = .open
                    try await tx.append(Case.StatusChange(status: .open, at: now, by: actor), to: id, in: workspace)
                }
            }
            item.updatedAt = now
            try await tx.update(item)
            try await Self.refreshSLA(of: id, in: workspace, at: now, tx: tx)
        }
        deadlinesChanged()
        return try await thread(id, for: principal)
    }

    /// A message from the customer on an existing case (email reply, chat, a track event): a case waiting for the
    /// customer or solved opens again.
    static func customerWrote(_ body: String, to id: CaseID, in workspace: WorkspaceID, channel: Case.Channel? = nil, emailMessageID: String? = nil,
                              attachments: [CaseMessage.Attachment] = [], at now: Date, tx: TransactionStore) async throws {
        guard var item = try await tx.lockedCase(id: id, in: workspace) else { return }
        try await tx.insert(CaseMessage(id: .generate(), caseID: id, author: .customer, by: "customer", body: String(body.prefix(20_000)), attachments: attachments,
                                        channel: channel ?? item.channel, emailMessageID: emailMessageID, at: now), in: workspace)
        if item.status == .pending || item.status == .onHold || item.status == .solved {
            item.status = .open
            item.statusLabel = nil
            item.solvedAt = nil
            try await tx.append(Case.StatusChange(status: .open, at: now, by: "customer"), to: id, in: workspace)
        }
        item.updatedAt = now
        try await tx.update(item)
        try await refreshSLA(of: id, in: workspace, at: now, tx: tx)
    }

    // MARK: Changing

    /// Status, priority, team, assignee, tags, subject and what the case is about.
    public func change(_ id: CaseID, _ change: CaseChange, by principal: Principal) async throws -> Case {
        try principal.require(.serviceWork)
        let workspace = principal.workspaceID
        let prepared = try await prepare(change, in: workspace)
        let now = clock.now()
        let solved = try await store.transaction { tx in
            guard let item = try await tx.lockedCase(id: id, in: workspace) else { throw NotFoundError(kind: "case", id: id.rawValue) }
            return try await Self.apply(prepared, to: item, by: principal.actorReference, at: now, tx: tx)
        }
        deadlinesChanged()
        let changed = try await thread(id, for: principal).case
        if solved { await recordSolved(changed) }
        return changed
    }

    /// One change for many cases (the console's bulk actions): every id must name a case first; then each case is
    /// changed in its own transaction, and the answer says which could not be (e.g. a closed case's status) and why.
    public func change(_ ids: [CaseID], _ change: CaseChange, by principal: Principal) async throws -> [(id: CaseID, error: String?)] {
        try principal.require(.serviceWork)
        guard !ids.isEmpty else { throw ValidationError(field: "ids", issue: .missing, hint: "List the ids of the cases to change.") }
        guard ids.count <= 500 else { throw ValidationError(field: "ids", issue: .tooLong(limit: 500), hint: "Change at most 500 cases at once.") }
        let workspace = principal.workspaceID
        // Every id must name a case of the workspace before anything changes.
        var unknown = ValidationCollector()
        for (index, id) in ids.enumerated() where try await store.case(id: id, in: workspace) == nil {
            unknown.add(FieldIssue(field: "ids[\(index)]", issue: .unknownValue(allowed: []), hint: "No case with this id; nothing was changed."))
        }
        try unknown.throwIfAny()
        let prepared = try await prepare(change, in: workspace)
        let now = clock.now()
        var results: [(id: CaseID, error: String?)] = []
        for id in ids {
            do {
                let solved = try await store.transaction { tx in
                    guard let item = try await tx.lockedCase(id: id, in: workspace) else { throw NotFoundError(kind: "case", id: id.rawValue) }
                    return try await Self.apply(prepared, to: item, by: principal.actorReference, at: now, tx: tx)
                }
                if solved, let changed = try await store.case(id: id, in: workspace) { await recordSolved(changed) }
                results.append((id, nil))
            } catch let error as ValidationError {
                results.append((id, error.issues.map { "\($0.field): \($0.hint)" }.joined(separator: " ")))
            } catch is NotFoundError {
                results.append((id, "No case with this id."))
            }
        }
        deadlinesChanged()
        return results
    }

    struct PreparedChange: Sendable {
        var subject: String?
        var status: (status: Case.Status, label: String?)?
        var priority: Case.Priority?
        var team: Edit<TeamID> = .unchanged
        var assignee: Edit<UserID> = .unchanged
        var tags: [String]?
        var order: Edit<OrderID> = .unchanged
        var product: Edit<ProductID> = .unchanged
        var shipment: Edit<ShipmentID> = .unchanged
    }

    func prepare(_ change: CaseChange, in workspace: WorkspaceID) async throws -> PreparedChange {
        var issues = ValidationCollector(), prepared = PreparedChange()
        if case .set(let text) = change.subject {
            let subject = (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            if subject.isEmpty { issues.add(FieldIssue(field: "subject", issue: .missing, hint: "A case keeps a subject.")) }
            else if subject.count > 200 { issues.add(FieldIssue(field: "subject", issue: .tooLong(limit: 200), hint: "Use at most 200 characters.")) }
            else { prepared.subject = subject }
        }
        if case .set(let text) = change.status {
            if let text, let status = Case.Status(rawValue: text) {
                if status == .new { issues.add(FieldIssue(field: "status", issue: .notAllowed, hint: "A case is new only until someone works on it.")) }
                prepared.status = (status, nil)
            } else if let text, let custom = try await store.caseStatuses(in: workspace).first(where: { $0.name == text }) {
                prepared.status = (custom.behavesLike, custom.name)
            } else {
                let allowed = Case.Status.allCases.map(\.rawValue).filter { $0 != "new" } + (try await store.caseStatuses(in: workspace).map(\.name))
                issues.add(FieldIssue(field: "status", issue: .unknownValue(allowed: allowed), hint: "Use one of: \(allowed.joined(separator: ", "))."))
            }
        }
        if case .set(let text) = change.priority {
            prepared.priority = Self.choice(text, as: Case.Priority.self, field: "priority", collecting: &issues)
            if text == nil { issues.add(FieldIssue(field: "priority", issue: .missing, hint: "A case keeps a priority: low, normal, high or urgent.")) }
        }
        if case .set(let tags) = change.tags { prepared.tags = Self.cleanTags(tags ?? [], collecting: &issues) }
        func text<T>(_ edit: Edit<T>) -> String?? { if case .set(let value) = edit { return .some(value.map { "\($0)" }) } else { return .none } }
        let links = try await references(profile: nil, team: text(change.teamID) ?? nil, assignee: text(change.assigneeID) ?? nil, order: text(change.orderID) ?? nil,
                                         product: text(change.productID) ?? nil, shipment: text(change.shipmentID) ?? nil, in: workspace, collecting: &issues)
        if case .set = change.teamID { prepared.team = .set(links.team) }
        if case .set = change.assigneeID { prepared.assignee = .set(links.assignee) }
        if case .set = change.orderID { prepared.order = .set(links.order) }
        if case .set = change.productID { prepared.product = .set(links.product) }
        if case .set = change.shipmentID { prepared.shipment = .set(links.shipment) }
        try issues.throwIfAny()
        return prepared
    }

    /// Applies a change; answers whether it solved the case (it was not solved before).
    @discardableResult
    static func apply(_ change: PreparedChange, to original: Case, by actor: String, at now: Date, tx: TransactionStore) async throws -> Bool {
        var item = original
        if item.mergedInto != nil {
            throw ValidationError(field: "caseId", issue: .notAllowed, hint: "This case was merged into another; change that one.")
        }
        if let subject = change.subject { item.subject = subject }
        if let priority = change.priority { item.priority = priority }
        if case .set(let team) = change.team { item.teamID = team }
        if case .set(let assignee) = change.assignee { item.assigneeID = assignee }
        if let tags = change.tags { item.tags = tags }
        if case .set(let order) = change.order { item.orderID = order }
        if case .set(let product) = change.product { item.productID = product }
        if case .set(let shipment) = change.shipment { item.shipmentID = shipment }
        if let (status, label) = change.status, status != item.status || label != item.statusLabel {
            guard status == item.status || item.status.next.contains(status) else {
                let allowed = item.status.next.map(\.rawValue).sorted()
                throw ValidationError(field: "status", issue: .unknownValue(allowed: allowed),
                                      hint: allowed.isEmpty ? "The case is \(item.status.rawValue); it changes no more." : "A \(item.status.rawValue) case can become \(allowed.joined(separator: ", ")).")
            }
            item.status = status
            item.statusLabel = label
            if status.isDone { item.solvedAt = item.solvedAt ?? now } else { item.solvedAt = nil }
            try await tx.append(Case.StatusChange(status: status, label: label, at: now, by: actor), to: item.id, in: item.workspaceID)
        } else if case .set(let assignee) = change.assignee, assignee != nil, item.status == .new {
            // Assigning a new case opens it.
            item.status = .open
            try await tx.append(Case.StatusChange(status: .open, at: now, by: actor), to: item.id, in: item.workspaceID)
        }
        item.updatedAt = now
        try await tx.update(item)
        try await refreshSLA(of: item.id, in: item.workspaceID, at: now, tx: tx)
        return item.status == .solved && original.status != .solved
    }

    /// Merges `source` into `target`: the messages move, the source closes and points at the target, the target keeps
    /// the source's tags too. Both must be about the same customer (or the source about none).
    public func merge(_ source: CaseID, into target: CaseID, by principal: Principal) async throws -> CaseThread {
        try principal.require(.serviceWork)
        guard source != target else { throw ValidationError(field: "into", issue: .invalid, hint: "A case cannot be merged into itself.") }
        let workspace = principal.workspaceID, actor = principal.actorReference, now = clock.now()
        try await store.transaction { tx in
            guard var from = try await tx.lockedCase(id: source, in: workspace) else { throw NotFoundError(kind: "case", id: source.rawValue) }
            guard var into = try await tx.lockedCase(id: target, in: workspace) else {
                throw ValidationError(field: "into", issue: .unknownValue(allowed: []), hint: "No case with this id to merge into.")
            }
            if from.mergedInto != nil { throw ValidationError(field: "caseId", issue: .notAllowed, hint: "This case was merged already.") }
            if into.mergedInto != nil || into.status == .closed {
                throw ValidationError(field: "into", issue: .notAllowed, hint: "Merge into a case that is neither merged nor closed.")
            }
            if let a = from.profileID, let b = into.profileID, a != b {
                throw ValidationError(field: "into", issue: .notAllowed, hint: "The two cases are about different customers; merge only duplicates of one customer's case.")
            }
            try await tx.moveMessages(of: source, to: target, in: workspace)
            try await tx.insert(CaseMessage(id: .generate(), caseID: target, author: .note, by: actor, body: "Merged case #\(from.number): \(from.subject)", attachments: [],
                                            channel: into.channel, emailMessageID: nil, at: now), in: workspace)
            into.tags = Array(NSOrderedSet(array: into.tags + from.tags)) as? [String] ?? into.tags
            if into.profileID == nil { into.profileID = from.profileID }
            into.updatedAt = now
            try await tx.update(into)
            from.mergedInto = target
            from.status = .closed
            from.statusLabel = nil
            from.solvedAt = from.solvedAt ?? now
            from.updatedAt = now
            try await tx.append(Case.StatusChange(status: .closed, label: nil, at: now, by: actor), to: source, in: workspace)
            try await tx.update(from)
            try await Self.refreshSLA(of: source, in: workspace, at: now, tx: tx)
            try await Self.refreshSLA(of: target, in: workspace, at: now, tx: tx)
        }
        deadlinesChanged()
        return try await thread(target, for: principal)
    }
}

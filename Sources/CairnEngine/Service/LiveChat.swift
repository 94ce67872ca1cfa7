public import CairnAnalytics
public import CairnCore
public import CairnStore
import Crypto
public import Foundation
import JWTKit

/// Live chat: a visitor on the workspace's site (identified by the write key) starts a chat, which is a case on the
/// `chat` channel. The bot answers first; it hands over to a person when asked, when unsure, on the customer's mood or a
/// topic, or when it cannot help — the chat then goes to an online agent by language and load, the customer is told
/// their place in the queue and the expected wait, and the agent sees the transcript and what the bot tried. With no
/// agent online the chat becomes an email case (when the visitor gave an address). A visitor is tied to a known customer
/// only through an identity token the site's server signs (HS256 with the workspace's chat secret; `sub` is the
/// customer's user id), never by an id typed into the page. The visitor's further calls prove themselves with the
/// conversation's token, which only its hash is kept of.
public struct LiveChat: Sendable {
    let store: Store
    public let clock: DateSource
    let bot: any ServiceBot
    let deadlinesChanged: @Sendable () -> Void

    public init(store: Store, clock: DateSource = .system, bot: (any ServiceBot)? = nil, deadlinesChanged: @escaping @Sendable () -> Void = {}) {
        self.store = store
        self.clock = clock
        self.bot = bot ?? KnowledgeBot(store: store, clock: clock)
        self.deadlinesChanged = deadlinesChanged
    }

    /// What the widget shows: the public messages, and where the chat stands.
    public struct View: Sendable, Encodable {
        public enum State: String, Sendable, Encodable { case bot, waiting, agent, email, closed }
        public struct Message: Sendable, Encodable {
            public var id: String
            public var author: String
            public var body: String
            public var at: Date
        }
        public var conversationId: String
        public var state: State
        public var queuePosition: Int?
        public var expectedWaitMinutes: Int?
        public var agentName: String?
        public var messages: [Message]
    }

    public struct Started: Sendable, Encodable {
        /// Proves the visitor in further calls; shown once.
        public var token: String
        public var view: View
    }

    /// Minutes one waiting chat is expected to add to the wait.
    public static let minutesPerChat = 3

    static let languages: Set<String> = ["en", "de", "zh", "he"]

    // MARK: Identity

    struct IdentityClaims: JWTPayload {
        var sub: SubjectClaim
        var exp: ExpirationClaim
        func verify(using algorithm: some JWTAlgorithm) throws { try exp.verifyNotExpired() }
    }

    /// The workspace's chat secret (made on first use); its site's server signs identity tokens with it.
    public func identitySecret(for principal: Principal) async throws -> String {
        try principal.require(.workspaceManage)
        return try await secret(in: principal.workspaceID)
    }

    func secret(in workspace: WorkspaceID) async throws -> String {
        try await store.chatIdentitySecret(in: workspace, makeWith: {
            var generator = SystemRandomNumberGenerator()
            return "chat_" + Data((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }).base64EncodedString()
        }, at: clock.now())
    }

    /// The customer an identity token names, or why it is refused.
    func verify(_ token: String, in workspace: WorkspaceID) async throws -> ProfileID {
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: try await secret(in: workspace)), digestAlgorithm: .sha256)
        let claims: IdentityClaims
        do { claims = try await keys.verify(token, as: IdentityClaims.self) } catch {
            throw ValidationError(field: "identityToken", issue: .invalid,
                                  hint: "The identity token is not signed with this workspace's chat secret or has expired; sign {\"sub\": userId, \"exp\": …} with HS256 on your server.")
        }
        guard let identifier = Identifier.normalised(kind: .userID, claims.sub.value), let profile = try await store.profileID(for: identifier, in: workspace) else {
            throw ValidationError(field: "identityToken", issue: .unknownValue(allowed: []), hint: "No customer has the user id the token names; identify them first.")
        }
        return profile
    }

    // MARK: The visitor's side

    /// Starts a chat with the visitor's first message; the bot answers at once.
    /// `team` (a team's id) and `skill` (a word such as `returns`) let the site's page steer the chat to the agents who
    /// should take it over.
    public func start(in workspace: WorkspaceID, message text: String?, language code: String?, name: String?, email: String?, identityToken: String?,
                      team teamText: String? = nil, skill skillText: String? = nil) async throws -> Started {
        var issues = ValidationCollector()
        let message = (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if message.isEmpty { issues.add(FieldIssue(field: "message", issue: .missing, hint: "Write the first message.")) }
        if message.count > 5_000 { issues.add(FieldIssue(field: "message", issue: .tooLong(limit: 5_000), hint: "Use at most 5,000 characters.")) }
        let language = code.map { String($0.lowercased().prefix(2)) } ?? "en"
        if !Self.languages.contains(language) { issues.add(FieldIssue(field: "language", issue: .unknownValue(allowed: Self.languages.sorted()), hint: "Use en, de, zh or he.")) }
        let address = email?.trimmingCharacters(in: .whitespaces).lowercased()
        if let address, !address.isEmpty, !SMTPMailer.isPlainAddress(address) { issues.add(FieldIssue(field: "email", issue: .invalid, hint: "Give an email address such as ada@example.com.")) }
        let visitorName = name?.trimmingCharacters(in: .whitespacesAndNewlines).prefix(100)
        var team: TeamID?
        if let teamText, !teamText.isEmpty {
            if let id = TeamID(teamText.lowercased()), try await store.team(id: id, in: workspace) != nil { team = id }
            else { issues.add(FieldIssue(field: "team", issue: .unknownValue(allowed: []), hint: "No team with this id; copy it from GET /api/v1/teams.")) }
        }
        let skill = skillText?.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        if let skill, skill.count > 50 || skill.contains(",") { issues.add(FieldIssue(field: "skill", issue: .invalid, hint: "A skill is one word or phrase of at most 50 characters, e.g. returns.")) }
        try issues.throwIfAny()
        let profile = try await identityToken.asyncFlatMap { try await verify($0, in: workspace) }
        var generator = SystemRandomNumberGenerator()
        let token = "chat_" + Data((0..<24).map { _ in UInt8.random(in: .min ... .max, using: &generator) }).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        let now = clock.now()
        let contact = [visitorName.map(String.init), address.flatMap { $0.isEmpty ? nil : $0 }].compactMap { $0 }.joined(separator: " ")
        let chosenTeam = team
        let id = try await store.transaction { tx -> CaseID in
            let id = try await Cases.open(in: workspace, profile: profile, contact: contact.isEmpty ? "chat visitor" : contact, channel: .chat,
                                          subject: String(message.prefix(80)), priority: .normal, team: chosenTeam, assignee: nil,
                                          tags: ["chat"] + (skill.flatMap { $0.isEmpty ? nil : ["skill:\($0)"] } ?? []), order: nil, product: nil,
                                          shipment: nil, language: language, message: message, emailMessageID: nil, by: "chat", at: now, tx: tx)
            try await tx.insert(ChatSession(caseID: id, language: language, botActive: true, botFailures: 0, handoverReason: nil, handedOverAt: nil,
                                            visitorEmail: address.flatMap { $0.isEmpty ? nil : $0 }, verified: profile != nil, createdAt: now),
                                tokenHash: Self.hash(token), in: workspace)
            return id
        }
        try await answer(message, on: id, in: workspace)
        deadlinesChanged()
        return Started(token: token, view: try await view(id, in: workspace))
    }

    static func hash(_ token: String) -> String { Hex.encode(SHA256.hash(data: Data(token.utf8))) }

    /// Checks the visitor's token against the conversation.
    func session(_ id: CaseID, token: String?, in workspace: WorkspaceID) async throws -> ChatSession {
        guard let found = try await store.chatSession(of: id, in: workspace), let token,
              Self.hash(token).utf8.elementsEqual(found.tokenHash.utf8) else { throw NotFoundError(kind: "conversation", id: id.rawValue) }
        return found.session
    }

    /// The visitor writes again; the bot answers while it still has the chat.
    public func post(_ text: String?, to id: CaseID, token: String?, in workspace: WorkspaceID) async throws -> View {
        let session = try await session(id, token: token, in: workspace)
        let message = (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if message.isEmpty { throw ValidationError(field: "message", issue: .missing, hint: "Write a message.") }
        if message.count > 5_000 { throw ValidationError(field: "message", issue: .tooLong(limit: 5_000), hint: "Use at most 5,000 characters.") }
        let now = clock.now()
        try await store.transaction { tx in
            guard let item = try await tx.case(id: id, in: workspace), item.status != .closed else {
                throw ValidationError(field: "conversation", issue: .notAllowed, hint: "This chat has ended; start a new one.")
            }
            try await Cases.customerWrote(message, to: id, in: workspace, channel: .chat, at: now, tx: tx)
        }
        if session.botActive { try await answer(message, on: id, in: workspace) }
        deadlinesChanged()
        return try await view(id, in: workspace)
    }

    /// The conversation as the widget shows it (public messages only).
    public func view(_ id: CaseID, token: String?, in workspace: WorkspaceID) async throws -> View {
        _ = try await session(id, token: token, in: workspace)
        return try await view(id, in: workspace)
    }

    /// Waits until the conversation changes (a message, a hand-over, an agent taking it) or `timeout` passes.
    public func waitForChange(_ id: CaseID, upTo timeout: Duration) async -> Bool {
        await store.waitForChange(of: id, upTo: timeout)
    }

    func view(_ id: CaseID, in workspace: WorkspaceID) async throws -> View {
        guard let thread = try await store.thread(id: id, in: workspace), let session = try await store.chatSession(of: id, in: workspace)?.session else {
            throw NotFoundError(kind: "conversation", id: id.rawValue)
        }
        var state: View.State = session.botActive ? .bot : (thread.case.assigneeID == nil ? .waiting : .agent)
        if thread.case.channel == .email { state = .email }
        if thread.case.status.isDone { state = .closed }
        var position: Int?, wait: Int?, agent: String?
        if state == .waiting {
            let queue = try await store.waitingChats(in: workspace)
            if let index = queue.firstIndex(of: id) {
                position = index + 1
                wait = (index + 1) * Self.minutesPerChat
            }
        }
        if state == .agent, let user = thread.case.assigneeID, let found = try await store.user(id: user, in: workspace) {
            agent = found.displayName.split(separator: " ").first.map(String.init) ?? found.displayName
        }
        let messages = thread.messages.filter(\.author.isPublic).map { message in
            View.Message(id: message.id.rawValue, author: message.author == .customer ? "customer" : message.author == .bot ? "bot" : "agent", body: message.body, at: message.at)
        }
        return View(conversationId: id.rawValue, state: state, queuePosition: position, expectedWaitMinutes: wait, agentName: agent, messages: messages)
    }

    // MARK: The bot and the hand-over

    func answer(_ question: String, on id: CaseID, in workspace: WorkspaceID) async throws {
        guard var session = try await store.chatSession(of: id, in: workspace)?.session, session.botActive else { return }
        let item = try await store.case(id: id, in: workspace)
        let settings = try await store.serviceSettings(in: workspace)
        let context = BotContext(workspace: workspace, verifiedProfile: session.verified ? item?.profileID : nil,
                                 language: TextLanguage(rawValue: session.language) ?? .en, failures: session.botFailures, handoverTopics: settings.botHandoverTopics)
        let reply = try await bot.reply(to: question, context: context)
        let now = clock.now()
        if reply.intent == .unknown && reply.handover == nil { session.botFailures += 1 }
        // What this turn did, kept for the agent who takes over.
        var turn = reply.tried
        if let title = reply.articleTitle {
            turn = ["answered with the article \"\(title)\" (sure \(Int(reply.confidence * 100)) %)"]
        }
        session.tried = Array((session.tried + ["«\(question.prefix(80))»: " + turn.joined(separator: "; ")]).suffix(20))
        let routed: UserID? = reply.handover == nil ? nil : try await route(id, language: session.language, in: workspace)
        let nobody = reply.handover == nil ? false : try await Self.nobodyOnline(in: workspace, store: store, now: now)
        let handedOver = session
        try await store.transaction { tx in
            var session = handedOver
            try await tx.insert(CaseMessage(id: .generate(), caseID: id, author: .bot, by: "bot", body: reply.text, attachments: [], channel: .chat, emailMessageID: nil,
                                            at: now), in: workspace)
            if let reason = reply.handover {
                session.botActive = false
                session.handoverReason = reason
                session.handedOverAt = now
                // What the bot tried, for the agent who takes over; the transcript is the conversation itself.
                try await tx.insert(CaseMessage(id: .generate(), caseID: id, author: .note, by: "bot",
                                                body: "Bot handed over (\(reason.rawValue)). Tried: \(session.tried.joined(separator: " | ")).", attachments: [],
                                                channel: .chat, emailMessageID: nil, at: now), in: workspace)
                guard var current = try await tx.lockedCase(id: id, in: workspace) else { return }
                current.tags = Array(Set(current.tags + ["handover"])).sorted()
                if let agent = routed {
                    current.assigneeID = agent
                    if current.status == .new {
                        current.status = .open
                        try await tx.append(Case.StatusChange(status: .open, at: now, by: "routing"), to: id, in: workspace)
                    }
                } else if let email = session.visitorEmail, nobody {
                    // No one online: the chat becomes an email case, answered by email.
                    current.channel = .email
                    current.contact = email
                    try await tx.insert(CaseMessage(id: .generate(), caseID: id, author: .bot, by: "bot", body: Self.emailNotice(session.language, email), attachments: [],
                                                    channel: .chat, emailMessageID: nil, at: now), in: workspace)
                }
                current.updatedAt = now
                try await tx.update(current)
            }
            try await tx.update(session, in: workspace)
            try await Cases.refreshSLA(of: id, in: workspace, at: now, tx: tx)
        }
    }

    static func emailNotice(_ language: String, _ email: String) -> String {
        switch language {
        case "de": "Gerade ist niemand online. Wir antworten Ihnen per E-Mail an \(email)."
        case "zh": "目前没有客服在线。我们会通过电子邮件 \(email) 回复您。"
        case "he": "אין כרגע נציגים מחוברים. נענה לך בדוא״ל אל \(email)."
        default: "No one is online right now. We'll answer you by email at \(email)."
        }
    }

    /// Online agents seen within this long count as online.
    public static let onlineWindow: TimeInterval = 15 * 60

    static func nobodyOnline(in workspace: WorkspaceID, store: Store, now: Date) async throws -> Bool {
        try await store.availability(in: workspace).allSatisfy { $0.status != .online || now.timeIntervalSince($0.updatedAt) > onlineWindow }
    }

    /// The online agent a handed-over chat goes to: among those online, the members of the chat's team who have its
    /// skill and speak its language first, then fewer of those wishes (skill, then team, then language) until someone
    /// is left; among them the one with the fewest open chats.
    func route(_ id: CaseID, language: String, in workspace: WorkspaceID) async throws -> UserID? {
        let now = clock.now()
        let online = try await store.availability(in: workspace).filter { $0.status == .online && now.timeIntervalSince($0.updatedAt) <= Self.onlineWindow }
        guard !online.isEmpty else { return nil }
        let item = try await store.case(id: id, in: workspace)
        let skill = item?.tags.first { $0.hasPrefix("skill:") }.map { String($0.dropFirst(6)) }
        var members: Set<UserID>?
        if let team = item?.teamID { members = Set(try await store.team(id: team, in: workspace)?.members ?? []) }
        func speaks(_ agent: AgentAvailability) -> Bool { agent.languages.isEmpty || agent.languages.contains(language) }
        func inTeam(_ agent: AgentAvailability) -> Bool { members.map { $0.contains(agent.userID) } ?? true }
        func skilled(_ agent: AgentAvailability) -> Bool { skill.map { agent.skills.contains($0) } ?? true }
        let wishes: [(AgentAvailability) -> Bool] = [
            { speaks($0) && inTeam($0) && skilled($0) }, { speaks($0) && inTeam($0) }, { speaks($0) }, { _ in true },
        ]
        let load = try await store.openChats(in: workspace)
        for wish in wishes {
            let pool = online.filter(wish)
            if let chosen = pool.min(by: { (load[$0.userID] ?? 0, $0.userID.rawValue) < (load[$1.userID] ?? 0, $1.userID.rawValue) }) { return chosen.userID }
        }
        return nil
    }

    // MARK: Agents

    /// An agent sets themself (or, with `user`, a team mate — a key must name one) online or away, with the languages
    /// they answer in.
    public func setAvailability(_ status: String?, languages: [String]?, skills: [String]?, user named: UserID? = nil, for principal: Principal) async throws -> AgentAvailability {
        try principal.require(.serviceWork)
        var user: UserID
        if let named {
            guard let found = try await store.user(id: named, in: principal.workspaceID) else { throw NotFoundError(kind: "user", id: named.rawValue) }
            guard found.role.can(.serviceWork) else {
                throw ValidationError(field: "userId", issue: .notAllowed, hint: "\(found.displayName)'s role (\(found.role.rawValue)) does not answer chats.")
            }
            user = named
        } else if case .user(let me) = principal.kind {
            user = me
        } else {
            throw ValidationError(field: "userId", issue: .missing, hint: "A key sets the availability of the agent it names: send userId.")
        }
        var issues = ValidationCollector()
        let chosen = Cases.choice(status, as: AgentAvailability.Status.self, field: "status", collecting: &issues)
        if status == nil { issues.add(FieldIssue(field: "status", issue: .missing, hint: "Say online or away.")) }
        let spoken = (languages ?? []).map { String($0.lowercased().prefix(2)) }
        for code in spoken where !Self.languages.contains(code) {
            issues.add(FieldIssue(field: "languages", issue: .unknownValue(allowed: Self.languages.sorted()), hint: "Use en, de, zh or he."))
        }
        try issues.throwIfAny()
        let availability = AgentAvailability(userID: user, status: chosen ?? .away, languages: Array(Set(spoken)).sorted(),
                                             skills: (skills ?? []).map { $0.lowercased() }.filter { !$0.isEmpty }, updatedAt: clock.now())
        try await store.save(availability, in: principal.workspaceID)
        return availability
    }

    public func availability(for principal: Principal) async throws -> [AgentAvailability] {
        try principal.require(.serviceRead)
        return try await store.availability(in: principal.workspaceID)
    }

    /// Chats of a period: how many the bot kept to itself, and why it handed the others over.
    public func containment(for principal: Principal, from: Date, until: Date) async throws -> (chats: Int, contained: Proportion, reasons: [String: Int]) {
        try principal.require(.serviceRead)
        let outcome = try await store.chatOutcomes(in: principal.workspaceID, from: from, until: until)
        return (outcome.chats, Proportion(successes: outcome.contained, n: outcome.chats), outcome.reasons)
    }

    // MARK: Knowledge base

    public func articles(for principal: Principal) async throws -> [KnowledgeArticle] {
        try principal.require(.serviceRead)
        return try await store.articles(in: principal.workspaceID)
    }

    public func saveArticle(_ id: KnowledgeArticleID?, language: String?, title: String?, body: String?, by principal: Principal) async throws -> KnowledgeArticle {
        try principal.require(.serviceManage)
        var issues = ValidationCollector()
        let code = (language ?? "").lowercased()
        if !KnowledgeArticle.languages.contains(code) {
            issues.add(FieldIssue(field: "language", issue: .unknownValue(allowed: KnowledgeArticle.languages), hint: "Write articles in en, de, zh or he."))
        }
        let heading = (title ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if heading.isEmpty { issues.add(FieldIssue(field: "title", issue: .missing, hint: "Give the article a title, e.g. \"Returning an item\".")) }
        else if heading.count > 200 { issues.add(FieldIssue(field: "title", issue: .tooLong(limit: 200), hint: "Use at most 200 characters.")) }
        let text = (body ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty { issues.add(FieldIssue(field: "body", issue: .missing, hint: "Write the article (Markdown).")) }
        else if text.count > 50_000 { issues.add(FieldIssue(field: "body", issue: .tooLong(limit: 50_000), hint: "Use at most 50,000 characters.")) }
        if let id, try await !store.articles(in: principal.workspaceID).contains(where: { $0.id == id }) { throw NotFoundError(kind: "article", id: id.rawValue) }
        try issues.throwIfAny()
        let article = KnowledgeArticle(id: id ?? .generate(), language: code, title: heading, body: text, updatedAt: clock.now())
        try await store.save(article, in: principal.workspaceID)
        return article
    }

    public func deleteArticle(_ id: KnowledgeArticleID, by principal: Principal) async throws {
        try principal.require(.serviceManage)
        guard try await store.deleteArticle(id, in: principal.workspaceID) else { throw NotFoundError(kind: "article", id: id.rawValue) }
    }
}

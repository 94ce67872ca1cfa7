public import CairnCore
public import CairnStore
public import Foundation
public import Logging

/// Email as a case channel. Inbound: a mail server hands each message to Cairn (`POST /v1/email/inbound`); a reply
/// threads onto its case by In-Reply-To/References (or the `[#number]` in the subject, from the case's own customer),
/// anything else opens a case for the sender — tied to the customer with that address when there is one. Outbound: an
/// agent's reply on an email case goes into an outbox in the reply's transaction and out over SMTP with a Message-ID
/// that the customer's answer refers to; a failed send is retried (1, 5, 30, 120 minutes) and then marked failed.
public struct CaseEmails: Sendable {
    let store: Store
    public let clock: DateSource
    let mailer: SMTPMailer?
    let logger: Logger
    let deadlinesChanged: @Sendable () -> Void

    public init(store: Store, clock: DateSource = .system, mailer: SMTPMailer? = nil, logger: Logger = Logger(label: "cairn.service.email"),
                deadlinesChanged: @escaping @Sendable () -> Void = {}) {
        self.store = store
        self.clock = clock
        self.mailer = mailer
        self.logger = logger
        self.deadlinesChanged = deadlinesChanged
    }

    /// What happened to an inbound email.
    public struct Received: Sendable, Hashable, Encodable {
        public enum Outcome: String, Sendable, Hashable, Encodable {
            /// A new case was opened.
            case opened
            /// The message was added to an existing case.
            case threaded
            /// The same Message-ID arrived before; nothing changed.
            case duplicate
        }
        public var outcome: Outcome
        public var caseID: CaseID?
    }

    /// Reads an email (RFC 5322 text) for `workspace` and opens or continues a case.
    public func receive(_ data: Data, in workspace: WorkspaceID) async throws -> Received {
        let email: InboundEmail
        do { email = try InboundEmail.parse(data) } catch { throw ValidationError(field: "body", issue: .invalid, hint: error.description) }
        if email.text.isEmpty && email.attachments.isEmpty {
            throw ValidationError(field: "body", issue: .missing, hint: "The email has no text; nothing to add to a case.")
        }
        let now = clock.now()
        let owner = try await Identifier.normalised(kind: .email, email.fromAddress).asyncFlatMap { try await store.profileID(for: $0, in: workspace) }
        let received = try await store.transaction { tx -> Received in
            if let id = email.messageID, try await tx.hasEmailMessage(id, in: workspace) {
                return Received(outcome: .duplicate, caseID: try await tx.caseID(forEmailMessageIDs: [id], in: workspace))
            }
            var target = try await tx.caseID(forEmailMessageIDs: email.inReplyTo + email.references.reversed(), in: workspace)
            if target == nil, let number = Self.caseNumber(in: email.subject), let item = try await tx.case(number: number, in: workspace),
               try await Self.belongs(item, to: email.fromAddress, owner: owner, tx: tx) {
                target = item.id
            }
            // A merged case's messages live on the case it was merged into.
            if let id = target, let merged = try await tx.case(id: id, in: workspace)?.mergedInto { target = merged }
            if let id = target, let item = try await tx.case(id: id, in: workspace), item.status != .closed {
                try await Cases.customerWrote(email.text, to: id, in: workspace, channel: .email, emailMessageID: email.messageID, attachments: email.attachments, at: now, tx: tx)
                return Received(outcome: .threaded, caseID: id)
            }
            let subject = email.subject.trimmingCharacters(in: .whitespacesAndNewlines)
            let id = try await Cases.open(in: workspace, profile: owner, contact: email.fromAddress, channel: .email,
                                          subject: subject.isEmpty ? "(no subject)" : String(subject.prefix(200)), priority: .normal, team: nil, assignee: nil, tags: [],
                                          order: nil, product: nil, shipment: nil, language: nil, message: email.text, emailMessageID: email.messageID,
                                          attachments: email.attachments, by: "email", at: now, tx: tx)
            return Received(outcome: .opened, caseID: id)
        }
        if received.outcome != .duplicate { deadlinesChanged() }
        return received
    }

    /// `[#42]` in a subject.
    static func caseNumber(in subject: String) -> Int64? {
        guard let open = subject.range(of: "[#"), let close = subject[open.upperBound...].firstIndex(of: "]") else { return nil }
        return Int64(subject[open.upperBound..<close])
    }

    /// Whether `address` is the case's contact or an email address of its customer.
    static func belongs(_ item: Case, to address: String, owner: ProfileID?, tx: TransactionStore) async throws -> Bool {
        if item.contact?.lowercased() == address { return true }
        if let profile = item.profileID, profile == owner { return true }
        return false
    }

    /// Where replies of a case go: its contact when that is an address, else its customer's email address.
    static func recipient(of item: Case, tx: TransactionStore) async throws -> String? {
        if let contact = item.contact, SMTPMailer.isPlainAddress(contact) { return contact }
        guard let profile = item.profileID, let stored = try await tx.profile(profile, in: item.workspaceID) else { return nil }
        if let email = stored.identifiers.first(where: { $0.kind == .email })?.value { return email }
        if let email = stored.traits["email"]?.value.stringValue, SMTPMailer.isPlainAddress(email) { return email }
        return nil
    }

    /// Queues an agent's reply on an email case, inside the reply's transaction; answers the Message-ID it goes out with
    /// (nil: the case has no address to write to).
    static func queueReply(_ body: String, message: CaseMessageID, on item: Case, domain: String, at now: Date, tx: TransactionStore) async throws -> String? {
        guard let to = try await recipient(of: item, tx: tx) else { return nil }
        let messages = try await tx.messages(of: item.id, in: item.workspaceID)
        let earlier = messages.compactMap(\.emailMessageID)
        let lastCustomer = messages.last { $0.author == .customer && $0.emailMessageID != nil }?.emailMessageID
        let messageID = "case-\(message.rawValue)@\(domain)"
        let subject = item.subject.lowercased().hasPrefix("re:") ? item.subject : "Re: \(item.subject)"
        try await tx.insert(CaseEmail(id: message, workspaceID: item.workspaceID, caseID: item.id, to: to, subject: "\(subject) [#\(item.number)]", body: body,
                                      messageID: messageID, inReplyTo: lastCustomer, references: Array(earlier.suffix(20)), sendAt: now))
        return messageID
    }

    /// Sends the replies that are due; returns how many went out.
    @discardableResult
    public func sendDue(limit: Int = 50) async throws -> Int {
        try await store.exclusively("case-emails") { try await sendDueRound(limit: limit) } ?? 0
    }

    func sendDueRound(limit: Int) async throws -> Int {
        guard let mailer else { return 0 }
        var sent = 0
        for var email in try await store.dueCaseEmails(now: clock.now(), limit: limit) {
            var headers: [(String, String)] = []
            if let reply = email.inReplyTo { headers.append(("In-Reply-To", "<\(reply)>")) }
            if !email.references.isEmpty { headers.append(("References", email.references.map { "<\($0)>" }.joined(separator: " "))) }
            do {
                try await mailer.send(EmailMessage(to: email.to, subject: email.subject, body: email.body, headers: headers, messageID: email.messageID))
                email.status = .sent
                email.sentAt = clock.now()
                email.attempts += 1
                email.lastError = nil
                sent += 1
            } catch {
                email.attempts += 1
                email.lastError = String(describing: error).prefix(300).description
                let pauses: [TimeInterval] = [60, 300, 1_800, 7_200]
                if email.attempts > pauses.count { email.status = .failed } else { email.sendAt = clock.now().addingTimeInterval(pauses[email.attempts - 1]) }
                // No address or server reply in the log: they may name the customer.
                logger.warning("case email not sent", metadata: ["case.id": "\(email.caseID)", "attempts": "\(email.attempts)", "status": "\(email.status.rawValue)"])
            }
            try await store.record(email)
        }
        return sent
    }

    /// A case's outgoing emails with where each stands (sent, waiting, failed and why).
    public func emails(of id: CaseID, for principal: Principal) async throws -> [CaseEmail] {
        try principal.require(.serviceRead)
        return try await store.caseEmails(of: id, in: principal.workspaceID)
    }
}

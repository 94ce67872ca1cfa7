public import Foundation

public struct CaseID: EntityID { public let rawValue: String; public init(rawValue: String) { self.rawValue = rawValue } }
public struct CaseMessageID: EntityID { public let rawValue: String; public init(rawValue: String) { self.rawValue = rawValue } }
public struct TeamID: EntityID { public let rawValue: String; public init(rawValue: String) { self.rawValue = rawValue } }
public struct SLAPolicyID: EntityID { public let rawValue: String; public init(rawValue: String) { self.rawValue = rawValue } }

/// A customer's question or problem and the conversation that solves it: who it is about, by which channel it came,
/// where it stands, who works on it, what it is about (an order, a product, a shipment), and the service-level
/// deadlines that apply to it.
public struct Case: Sendable, Hashable, Encodable {
    /// Where a case stands. Workspaces may add statuses of their own; each behaves like one of these.
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        case new, open, pending, onHold = "on_hold", solved, closed

        /// Statuses a case may move to from this one; a closed case is done (a new message opens a follow-up case).
        public var next: Set<Status> {
            switch self {
            case .closed: []
            case .solved: [.open, .closed]
            default: Set(Status.allCases).subtracting([.new, self])
            }
        }

        /// The case waits for the customer: service-level clocks stop.
        public var waitsForCustomer: Bool { self == .pending }
        /// Solved or closed.
        public var isDone: Bool { self == .solved || self == .closed }
    }

    public enum Priority: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
        case low, normal, high, urgent
        var rank: Int { Self.allCases.firstIndex(of: self)! }
        public static func < (a: Priority, b: Priority) -> Bool { a.rank < b.rank }
        /// One step up, or the same when already urgent.
        public var raised: Priority { Self.allCases[min(rank + 1, Self.allCases.count - 1)] }
    }

    /// The way a case reached the workspace, and the way replies go back.
    public enum Channel: String, Sendable, Hashable, Codable, CaseIterable {
        case email, chat, phone, store, web
    }

    /// A status a case had from a moment on, and who set it.
    public struct StatusChange: Sendable, Hashable, Codable {
        public var status: Status
        /// The workspace-defined status's name, when the change set one.
        public var label: String?
        public var at: Date
        public var by: String

        public init(status: Status, label: String? = nil, at: Date, by: String) {
            self.status = status
            self.label = label
            self.at = at
            self.by = by
        }
    }

    public var id: CaseID
    public var workspaceID: WorkspaceID
    /// A short number people can say on the phone, counted per workspace from 1.
    public var number: Int64
    /// The id another system knows the case by (`case_id` of `Support Case …` track events).
    public var reference: String?
    public var profileID: ProfileID?
    /// The contact's address or name as the channel gave it, when no profile is known yet.
    public var contact: String?
    public var channel: Channel
    public var subject: String
    public var status: Status
    /// The workspace-defined status the case is in, when it is in one (then `status` is what it behaves like).
    public var statusLabel: String?
    public var priority: Priority
    public var teamID: TeamID?
    public var assigneeID: UserID?
    public var tags: [String]
    public var orderID: OrderID?
    public var productID: ProductID?
    public var shipmentID: ShipmentID?
    /// The language the customer writes in (`en`, `de`, `zh`, `he`, …), for canned replies and routing.
    public var language: String?
    public var createdAt: Date
    public var updatedAt: Date
    public var firstResponseAt: Date?
    public var solvedAt: Date?
    /// The case this one was merged into; a merged case is closed and reads as a pointer.
    public var mergedInto: CaseID?
    public var sla: SLAStatus?
    public var statusChanges: [StatusChange]

    public init(id: CaseID, workspaceID: WorkspaceID, number: Int64, reference: String? = nil, profileID: ProfileID?, contact: String?, channel: Channel, subject: String, status: Status,
                statusLabel: String? = nil, priority: Priority, teamID: TeamID?, assigneeID: UserID?, tags: [String], orderID: OrderID?, productID: ProductID?,
                shipmentID: ShipmentID?, language: String?, createdAt: Date, updatedAt: Date, firstResponseAt: Date? = nil, solvedAt: Date? = nil,
                mergedInto: CaseID? = nil, sla: SLAStatus? = nil, statusChanges: [StatusChange] = []) {
        self.id = id
        self.workspaceID = workspaceID
        self.number = number
        self.reference = reference
        self.profileID = profileID
        self.contact = contact
        self.channel = channel
        self.subject = subject
        self.status = status
        self.statusLabel = statusLabel
        self.priority = priority
        self.teamID = teamID
        self.assigneeID = assigneeID
        self.tags = tags
        self.orderID = orderID
        self.productID = productID
        self.shipmentID = shipmentID
        self.language = language
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.firstResponseAt = firstResponseAt
        self.solvedAt = solvedAt
        self.mergedInto = mergedInto
        self.sla = sla
        self.statusChanges = statusChanges
    }
}

/// One message of a case's conversation: the customer's, an agent's reply, the bot's answer, or an internal note that
/// the customer never sees.
public struct CaseMessage: Sendable, Hashable, Encodable {
    public enum Author: String, Sendable, Hashable, Codable, CaseIterable {
        case customer, agent, bot, note
        /// Seen by the customer (everything but internal notes).
        public var isPublic: Bool { self != .note }
    }

    /// An attachment's description; the file itself stays where the channel keeps it.
    public struct Attachment: Sendable, Hashable, Codable {
        public var name: String
        public var contentType: String
        public var size: Int
        public var url: String?

        public init(name: String, contentType: String, size: Int, url: String?) {
            self.name = name
            self.contentType = contentType
            self.size = size
            self.url = url
        }
    }

    public var id: CaseMessageID
    public var caseID: CaseID
    public var author: Author
    /// `user:<id>`, `key:<id>`, `customer`, `bot`, …
    public var by: String
    public var body: String
    public var attachments: [Attachment]
    public var channel: Case.Channel
    /// The email's Message-ID, so that replies thread onto the case.
    public var emailMessageID: String?
    public var at: Date

    public init(id: CaseMessageID, caseID: CaseID, author: Author, by: String, body: String, attachments: [Attachment], channel: Case.Channel,
                emailMessageID: String?, at: Date) {
        self.id = id
        self.caseID = caseID
        self.author = author
        self.by = by
        self.body = body
        self.attachments = attachments
        self.channel = channel
        self.emailMessageID = emailMessageID
        self.at = at
    }
}

/// A case with its conversation, as the agent console and the API show one.
public struct CaseThread: Sendable, Hashable, Encodable {
    public var `case`: Case
    public var messages: [CaseMessage]

    public init(case: Case, messages: [CaseMessage]) {
        self.case = `case`
        self.messages = messages
    }
}

/// What a customer answered about a case after it was solved: the survey's first CSAT (1–5) and first CES (1–7)
/// answers, kept on the case for the service report.
public struct CaseScore: Sendable, Hashable {
    public var caseID: CaseID
    public var csat: Int?
    public var ces: Int?

    public init(caseID: CaseID, csat: Int? = nil, ces: Int? = nil) {
        self.caseID = caseID
        self.csat = csat
        self.ces = ces
    }

    /// The scores in `answers` to `definition`'s CSAT and CES questions; nil when it has neither answered.
    public init?(caseID: CaseID?, answers: [String: SurveyAnswer], of definition: SurveyDefinition) {
        guard let caseID else { return nil }
        func first(_ type: SurveyDefinition.QuestionType) -> Int? {
            definition.questions.lazy.filter { $0.type == type }.compactMap { question -> Int? in
                if case .number(let value)? = answers[question.id] { return Int(value) } else { return nil }
            }.first
        }
        let csat = first(.csat), ces = first(.ces)
        guard csat != nil || ces != nil else { return nil }
        self.init(caseID: caseID, csat: csat, ces: ces)
    }
}

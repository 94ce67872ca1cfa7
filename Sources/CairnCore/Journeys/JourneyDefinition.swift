public import Foundation

public struct JourneyID: EntityID { public let rawValue: String; public init(rawValue: String) { self.rawValue = rawValue } }

extension JourneyID {
    /// The journey every workspace starts with.
    public static let standard = JourneyID(rawValue: "standard")

    /// `standard` or a journey's id, as a path or a form carries it; nil for anything else.
    public init?(reference text: String) {
        if text == Self.standard.rawValue { self = .standard; return }
        guard let id = JourneyID(text.lowercased()) else { return nil }
        self = id
    }
}

/// A customer journey as the workspace defines it: stages in order, each reached by events on any channel (web, app,
/// store, call centre, delivery, survey, case). The events double as the stage's touchpoints: a survey asked after
/// `Order Delivered` counts toward the stage that `Order Delivered` defines.
public struct JourneyDefinition: Sendable, Hashable, Codable {
    public struct Stage: Sendable, Hashable, Codable {
        public var name: String
        /// Event names that put a customer in this stage (any of them).
        public var events: [String]
        /// Only events on these channels count (all channels when empty or absent).
        public var channels: [String]?

        public init(name: String, events: [String], channels: [String]? = nil) {
            self.name = name
            self.events = events
            self.channels = channels
        }
    }

    public var id: JourneyID
    public var name: String
    public var stages: [Stage]
    public var updatedAt: Date

    public init(id: JourneyID, name: String, stages: [Stage], updatedAt: Date) {
        self.id = id
        self.name = name
        self.stages = stages
        self.updatedAt = updatedAt
    }

    public static let maximumStages = 12

    /// The journey a workspace starts with, in the tracking API's commerce and service event names: discover →
    /// consider → buy → receive → use → get help → recommend.
    public static func standard(at date: Date) -> JourneyDefinition {
        JourneyDefinition(id: .standard, name: "Customer journey", stages: [
            Stage(name: "Discover", events: ["Page Viewed", "Products Searched", "Product List Viewed"]),
            Stage(name: "Consider", events: ["Product Viewed", "Product Added", "Cart Viewed"]),
            Stage(name: "Buy", events: ["Checkout Started", "Order Completed"]),
            Stage(name: "Receive", events: ["Order Shipped", "Order Delivered", "Delivery Late"]),
            Stage(name: "Use", events: ["Product Reviewed", "Application Opened"]),
            Stage(name: "Get help", events: ["Support Case Opened", "Support Case Solved"]),
            Stage(name: "Recommend", events: ["Product Shared", "Referral Sent"]),
        ], updatedAt: date)
    }

    /// Every field checked at once: 2–12 stages, each named (1–60 characters) with 1–20 event names (1–200 characters).
    public static func validated(name: String?, stages: [Stage]?, id: JourneyID, at date: Date) throws(ValidationError) -> JourneyDefinition {
        var issues = ValidationCollector()
        let trimmed = name?.trimmingCharacters(in: .whitespaces) ?? ""
        if trimmed.isEmpty || trimmed.count > 100 || trimmed.contains(where: \.isNewline) {
            issues.add(FieldIssue(field: "name", issue: name == nil ? .missing : .invalid, hint: "Name the journey in 1 to 100 characters on one line, e.g. Online shopper."))
        }
        let given = stages ?? []
        if given.count < 2 || given.count > maximumStages {
            issues.add(FieldIssue(field: "stages", issue: stages == nil ? .missing : .invalid,
                                  hint: "Give 2 to \(maximumStages) stages in order, each {\"name\":\"Buy\",\"events\":[\"Order Completed\"]}."))
        }
        var cleaned: [Stage] = []
        for (index, stage) in given.prefix(maximumStages).enumerated() {
            let stageName = stage.name.trimmingCharacters(in: .whitespaces)
            if stageName.isEmpty || stageName.count > 60 {
                issues.add(FieldIssue(field: "stages[\(index)].name", issue: .invalid, hint: "Name the stage in 1 to 60 characters, e.g. Receive."))
            }
            let events = stage.events.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            if events.isEmpty || events.count > 20 || events.contains(where: { $0.count > 200 }) {
                issues.add(FieldIssue(field: "stages[\(index)].events", issue: .invalid, hint: "List 1 to 20 event names that put a customer in this stage, e.g. [\"Order Delivered\"]."))
            }
            for channel in stage.channels ?? [] {
                _ = issues.check { () throws(ValidationError) in try Channel.validate(channel, field: "stages[\(index)].channels") }
            }
            cleaned.append(Stage(name: stageName, events: events, channels: (stage.channels ?? []).isEmpty ? nil : stage.channels))
        }
        if Set(cleaned.map { $0.name.lowercased() }).count != cleaned.count {
            issues.add(FieldIssue(field: "stages", issue: .invalid, hint: "Give each stage its own name."))
        }
        if !issues.issues.isEmpty { throw ValidationError(issues: issues.issues) }
        return JourneyDefinition(id: id, name: trimmed, stages: cleaned, updatedAt: date)
    }
}

public import Foundation

public struct SegmentID: EntityID { public let rawValue: String; public init(rawValue: String) { self.rawValue = rawValue } }

/// A named group of customers kept current as their events arrive: who belongs is decided by ``SegmentRule``.
public struct Segment: Sendable, Hashable {
    public var id: SegmentID
    public var workspaceID: WorkspaceID
    public var name: String
    public var description: String
    public var rule: SegmentRule
    public var memberCount: Int
    public var createdAt: Date
    public var updatedAt: Date
    /// When the whole workspace was last evaluated against the rule (at creation, at a change of rule, after a value or
    /// persona computation); between those, each customer's membership is decided as their events are tied to them.
    public var evaluatedAt: Date?

    public init(id: SegmentID, workspaceID: WorkspaceID, name: String, description: String, rule: SegmentRule, memberCount: Int,
                createdAt: Date, updatedAt: Date, evaluatedAt: Date?) {
        self.id = id
        self.workspaceID = workspaceID
        self.name = name
        self.description = description
        self.rule = rule
        self.memberCount = memberCount
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.evaluatedAt = evaluatedAt
    }

    public static let maximumPerWorkspace = 200

    public static func validateName(_ text: String?, field: String = "name") throws(ValidationError) -> String {
        let name = (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty else { throw ValidationError(field: field, issue: .missing, hint: "Name the segment, e.g. Loyal shoppers in Germany.") }
        guard name.count <= 120 else { throw ValidationError(field: field, issue: .tooLong(limit: 120), hint: "Use at most 120 characters.") }
        return name
    }

    public static func validateDescription(_ text: String?, field: String = "description") throws(ValidationError) -> String {
        let description = (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard description.count <= 1_000 else { throw ValidationError(field: field, issue: .tooLong(limit: 1_000), hint: "Use at most 1000 characters.") }
        return description
    }
}

/// A customer entering or leaving a segment.
public struct SegmentChange: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case entered, left
    }

    public var segmentID: SegmentID
    public var segmentName: String
    public var profileID: ProfileID
    public var kind: Kind
    public var at: Date
    public var id: String

    public init(segmentID: SegmentID, segmentName: String, profileID: ProfileID, kind: Kind, at: Date, id: String) {
        self.segmentID = segmentID
        self.segmentName = segmentName
        self.profileID = profileID
        self.kind = kind
        self.at = at
        self.id = id
    }
}

/// A segment's size at the end of a day, with how many entered and left that day.
public struct SegmentDayCount: Sendable, Hashable, Codable {
    public var day: String
    public var members: Int
    public var entered: Int
    public var left: Int

    public init(day: String, members: Int, entered: Int, left: Int) {
        self.day = day
        self.members = members
        self.entered = entered
        self.left = left
    }
}

extension Array where Element == Segment {
    /// The segments in an order where every segment comes after those its rule names; nil when they name each other
    /// in a circle.
    public func inDependencyOrder() -> [Segment]? {
        let byID = Dictionary(map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var order: [Segment] = [], state: [SegmentID: Int] = [:]
        func visit(_ segment: Segment) -> Bool {
            switch state[segment.id] {
            case 2: return true
            case 1: return false
            default: break
            }
            state[segment.id] = 1
            for id in segment.rule.needs.segments.sorted(by: { $0.rawValue < $1.rawValue }) {
                if let inner = byID[id], !visit(inner) { return false }
            }
            state[segment.id] = 2
            order.append(segment)
            return true
        }
        for segment in self where !visit(segment) { return nil }
        return order
    }
}

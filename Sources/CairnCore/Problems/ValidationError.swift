/// One field that failed validation, with what is wrong and how to fix it.
public struct FieldIssue: Sendable, Hashable, Codable {
    public enum Issue: Sendable, Hashable {
        case missing
        case invalid
        case tooShort(limit: Int)
        case tooLong(limit: Int)
        case notAllowed
        case alreadyTaken
        case unknownValue(allowed: [String])

        public var code: String {
            switch self {
            case .missing: "missing"
            case .invalid: "invalid"
            case .tooShort: "too_short"
            case .tooLong: "too_long"
            case .notAllowed: "not_allowed"
            case .alreadyTaken: "already_taken"
            case .unknownValue: "unknown_value"
            }
        }
    }

    public var field: String
    public var issue: String
    public var hint: String

    public init(field: String, issue: Issue, hint: String) {
        self.field = field
        self.issue = issue.code
        self.hint = hint
    }
}

/// Input that cannot be accepted; carries every bad field.
public struct ValidationError: Error, Sendable, Hashable {
    public var issues: [FieldIssue]

    public init(field: String, issue: FieldIssue.Issue, hint: String) {
        self.issues = [FieldIssue(field: field, issue: issue, hint: hint)]
    }

    public init(issues: [FieldIssue]) {
        self.issues = issues
    }

    /// A sentence for people: the first issue's hint, naming its field.
    public var summary: String {
        guard let first = issues.first else { return "The input is not valid." }
        let more = issues.count > 1 ? " (\(issues.count - 1) more problem\(issues.count == 2 ? "" : "s") below)" : ""
        return "\(first.field): \(first.hint)\(more)"
    }
}

/// Collects validation failures so a request can report all of them at once.
public struct ValidationCollector: Sendable {
    public private(set) var issues: [FieldIssue] = []
    public init() {}

    /// Runs a check; a failure is recorded and `nil` returned.
    public mutating func check<T>(_ body: () throws(ValidationError) -> T) -> T? {
        do { return try body() } catch { issues.append(contentsOf: error.issues); return nil }
    }

    public mutating func add(_ issue: FieldIssue) { issues.append(issue) }

    public func throwIfAny() throws(ValidationError) {
        if !issues.isEmpty { throw ValidationError(issues: issues) }
    }
}

public import CairnCore
import Foundation

/// How CSV columns become tracking-message fields: `FIELD=COLUMN`, where FIELD is a message field (`event`,
/// `userId`, `timestamp`…) or a path under `properties.`, `traits.` or `context.`, optionally typed with `:number`,
/// `:boolean` or `:string` (the default). Columns whose header already names a field map to it unless mapped otherwise.
public struct ColumnMapping: Sendable, Hashable {
    public enum ValueType: String, Sendable, Hashable, CaseIterable { case string, number, boolean }

    public struct Target: Sendable, Hashable {
        public var path: [String]
        public var type: ValueType
    }

    /// Message fields a header may name directly.
    public static let topLevelFields: Set<String> = ["type", "event", "name", "userId", "anonymousId", "messageId", "timestamp", "previousId", "groupId", "category"]
    static let nestedRoots: Set<String> = ["properties", "traits", "context"]

    /// Column name → where its value goes.
    public private(set) var explicit: [String: Target] = [:]

    public init() {}

    /// Reads `--map` arguments; each problem names the argument.
    public init(arguments: [String]) throws(ValidationError) {
        var issues = ValidationCollector()
        for (index, argument) in arguments.enumerated() {
            let field = "map[\(index)]"
            guard let equals = argument.firstIndex(of: "=") else {
                issues.add(FieldIssue(field: field, issue: .invalid, hint: "Write FIELD=COLUMN, e.g. userId=Customer ID or properties.revenue:number=Amount."))
                continue
            }
            var targetText = String(argument[..<equals]).trimmingCharacters(in: .whitespaces)
            let column = String(argument[argument.index(after: equals)...]).trimmingCharacters(in: .whitespaces)
            var type = ValueType.string
            if let colon = targetText.lastIndex(of: ":") {
                guard let parsed = ValueType(rawValue: String(targetText[targetText.index(after: colon)...])) else {
                    issues.add(FieldIssue(field: field, issue: .invalid, hint: "A type after : must be number, boolean or string."))
                    continue
                }
                type = parsed
                targetText = String(targetText[..<colon])
            }
            guard let target = Self.target(targetText, type: type) else {
                issues.add(FieldIssue(field: field, issue: .invalid,
                                      hint: "\(targetText) is not a message field. Use one of \(Self.topLevelFields.sorted().joined(separator: ", ")), or properties.NAME, traits.NAME, context.NAME."))
                continue
            }
            if column.isEmpty { issues.add(FieldIssue(field: field, issue: .missing, hint: "Name the CSV column after =.")); continue }
            explicit[column] = target
        }
        try issues.throwIfAny()
    }

    static func target(_ text: String, type: ValueType) -> Target? {
        let path = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !path.isEmpty, path.allSatisfy({ !$0.isEmpty }) else { return nil }
        if path.count == 1, topLevelFields.contains(path[0]) { return Target(path: path, type: type) }
        if path.count >= 2, nestedRoots.contains(path[0]) { return Target(path: path, type: type) }
        return nil
    }

    /// For each header column, where it goes (`nil`: ignored). Fails when a mapped column is not in the header.
    public func resolve(header: [String]) throws(ValidationError) -> [Target?] {
        let names = header.map { $0.trimmingCharacters(in: .whitespaces) }
        var issues = ValidationCollector()
        for column in explicit.keys.sorted() where !names.contains(column) {
            issues.add(FieldIssue(field: "map", issue: .invalid, hint: "The file has no column \"\(column)\". Its columns: \(names.joined(separator: ", "))."))
        }
        try issues.throwIfAny()
        let explicitTargets = Set(explicit.values.map(\.path))
        return names.map { name in
            if let target = explicit[name] { return target }
            guard let target = Self.target(name, type: .string), !explicitTargets.contains(target.path) else { return nil }
            return target
        }
    }

    /// A message object from one row; an empty cell leaves its field out. Problems name the column.
    public static func object(from fields: [String], header: [String], targets: [Target?]) -> Result<[String: JSONValue], ValidationError> {
        var object: [String: JSONValue] = [:]
        var issues = ValidationCollector()
        if fields.count != header.count {
            issues.add(FieldIssue(field: "row", issue: .invalid, hint: "The row has \(fields.count) fields; the header has \(header.count)."))
            return .failure(ValidationError(issues: issues.issues))
        }
        for (index, target) in targets.enumerated() {
            guard let target, !fields[index].isEmpty else { continue }
            let text = fields[index]
            let value: JSONValue
            switch target.type {
            case .string:
                value = .string(text)
            case .number:
                let trimmed = text.trimmingCharacters(in: .whitespaces)
                if let integer = Int64(trimmed) { value = .integer(integer) }
                else if let double = Double(trimmed), double.isFinite { value = .double(double) }
                else {
                    issues.add(FieldIssue(field: header[index], issue: .invalid, hint: "\"\(text)\" is not a number (use . for decimals, no thousands separators)."))
                    continue
                }
            case .boolean:
                switch text.trimmingCharacters(in: .whitespaces).lowercased() {
                case "true", "yes", "1": value = .bool(true)
                case "false", "no", "0": value = .bool(false)
                default:
                    issues.add(FieldIssue(field: header[index], issue: .invalid, hint: "\"\(text)\" is not true/false, yes/no or 1/0."))
                    continue
                }
            }
            object.set(value, at: target.path)
        }
        if issues.issues.isEmpty { return .success(object) }
        return .failure(ValidationError(issues: issues.issues))
    }
}

extension Dictionary where Key == String, Value == JSONValue {
    mutating func set(_ value: JSONValue, at path: [String]) {
        guard let first = path.first else { return }
        if path.count == 1 { self[first] = value; return }
        var nested = self[first]?.objectValue ?? [:]
        nested.set(value, at: Array(path.dropFirst()))
        self[first] = .object(nested)
    }
}

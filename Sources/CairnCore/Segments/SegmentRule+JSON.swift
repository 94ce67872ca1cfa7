public import Foundation

extension SegmentRule {
    /// Reads a rule from its JSON, collecting every problem with the path of the field that has it (`rule.all[1].event.withinDays`).
    public static func parse(_ json: JSONValue?, field: String = "rule") throws(ValidationError) -> SegmentRule {
        var issues = ValidationCollector()
        var conditions = 0
        let rule = parse(json, field: field, depth: 1, conditions: &conditions, issues: &issues)
        if conditions > maximumConditions {
            issues.add(FieldIssue(field: field, issue: .invalid, hint: "A segment has at most \(maximumConditions) conditions; split it into segments and nest them."))
        }
        try issues.throwIfAny()
        return rule ?? .all([])
    }

    static let kinds = ["all", "any", "not", "trait", "event", "valueTier", "churnRisk", "nps", "persona", "consent", "segment"]

    private static func parse(_ json: JSONValue?, field: String, depth: Int, conditions: inout Int, issues: inout ValidationCollector) -> SegmentRule? {
        guard let object = json?.objectValue, object.count == 1, let (kind, body) = object.first else {
            issues.add(FieldIssue(field: field, issue: json == nil ? .missing : .invalid,
                                  hint: "Give one condition as an object with one key — \(kinds.joined(separator: ", ")) — e.g. {\"trait\": {\"name\": \"country\", \"op\": \"eq\", \"value\": \"DE\"}}."))
            return nil
        }
        let path = "\(field).\(kind)"
        if ["all", "any", "not"].contains(kind), depth >= maximumDepth {
            issues.add(FieldIssue(field: path, issue: .invalid, hint: "Conditions nest at most \(maximumDepth) deep; make the inner part a segment of its own and use {\"segment\": id}."))
            return nil
        }
        switch kind {
        case "all", "any":
            guard case .array(let items) = body, !items.isEmpty else {
                issues.add(FieldIssue(field: path, issue: .invalid, hint: "Give a list of one or more conditions."))
                return nil
            }
            let rules = items.enumerated().compactMap { parse($1, field: "\(path)[\($0)]", depth: depth + 1, conditions: &conditions, issues: &issues) }
            return kind == "all" ? .all(rules) : .any(rules)
        case "not":
            return parse(body, field: path, depth: depth + 1, conditions: &conditions, issues: &issues).map { .not($0) }
        default:
            conditions += 1
        }
        switch kind {
        case "trait":
            guard let object = body.objectValue else { return invalidObject(path, example: "{\"name\": \"country\", \"op\": \"eq\", \"value\": \"DE\"}", &issues) }
            let name = text(object["name"], field: "\(path).name", limit: 200, hint: "Name the trait, e.g. country.", &issues)
            let condition = valueCondition(object, field: path, &issues)
            guard let name, let condition else { return nil }
            return .trait(TraitCondition(name: name, condition: condition))
        case "event":
            guard let object = body.objectValue else { return invalidObject(path, example: "{\"name\": \"Order Completed\", \"atLeast\": 2, \"withinDays\": 90}", &issues) }
            let name = text(object["name"], field: "\(path).name", limit: 200, hint: "Name the event, e.g. Order Completed.", &issues)
            let given = EventCondition.Comparison.allCases.filter { object[$0.rawValue] != nil }
            var comparison = EventCondition.Comparison.atLeast, count = 1
            if given.count > 1 {
                issues.add(FieldIssue(field: path, issue: .invalid, hint: "Give one of atLeast, atMost or exactly, not several."))
            } else if let one = given.first {
                comparison = one
                if let number = integer(object[one.rawValue]), (0...1_000_000).contains(number) { count = number }
                else { issues.add(FieldIssue(field: "\(path).\(one.rawValue)", issue: .invalid, hint: "Give a whole number of times from 0 to 1000000.")) }
            }
            var within: Int?
            if let days = object["withinDays"], !days.isNull {
                if let number = integer(days), (1...3650).contains(number) { within = number }
                else { issues.add(FieldIssue(field: "\(path).withinDays", issue: .invalid, hint: "Give a number of days from 1 to 3650, or leave it out for all time.")) }
            }
            var properties: [PropertyCondition] = []
            if let list = object["where"], !list.isNull {
                if case .array(let items) = list, items.count <= 10 {
                    for (index, item) in items.enumerated() {
                        let at = "\(path).where[\(index)]"
                        guard let object = item.objectValue else { _ = invalidObject(at, example: "{\"property\": \"category\", \"op\": \"eq\", \"value\": \"shoes\"}", &issues); continue }
                        let property = text(object["property"], field: "\(at).property", limit: 200, hint: "Name the property inside properties, e.g. category or shipping.country.", &issues)
                        if let condition = valueCondition(object, field: at, &issues), let property { properties.append(PropertyCondition(property: property, condition: condition)) }
                    }
                } else {
                    issues.add(FieldIssue(field: "\(path).where", issue: .invalid, hint: "Give a list of at most 10 property conditions."))
                }
            }
            let known: Set<String> = ["name", "atLeast", "atMost", "exactly", "withinDays", "where"]
            for key in object.keys where !known.contains(key) {
                issues.add(FieldIssue(field: "\(path).\(key)", issue: .unknownValue(allowed: known.sorted()), hint: "An event condition takes name, atLeast/atMost/exactly, withinDays and where."))
            }
            guard let name else { return nil }
            return .event(EventCondition(name: name, comparison: comparison, count: count, withinDays: within, properties: properties))
        case "valueTier":
            let names = strings(body, field: path, allowed: ValueTier.allCases.map(\.rawValue), &issues)
            return names.map { .valueTier(Set($0.compactMap(ValueTier.init(rawValue:)))) }
        case "nps":
            let names = strings(body, field: path, allowed: NPSCategory.allCases.map(\.rawValue), &issues)
            return names.map { .nps(Set($0.compactMap(NPSCategory.init(rawValue:)))) }
        case "persona":
            let names = strings(body, field: path, allowed: nil, &issues)
            return names.map { .persona(Set($0)) }
        case "churnRisk":
            guard let object = body.objectValue, object.keys.allSatisfy({ ["atLeast", "below"].contains($0) }), !object.isEmpty else {
                return invalidObject(path, example: "{\"atLeast\": 0.5}", &issues)
            }
            var condition = ChurnCondition()
            for key in ["atLeast", "below"] {
                guard let given = object[key] else { continue }
                if let number = ValueCondition.number(given), ValueCondition.isNumeric(given), (0...1).contains(number) {
                    if key == "atLeast" { condition.atLeast = number } else { condition.below = number }
                } else {
                    issues.add(FieldIssue(field: "\(path).\(key)", issue: .invalid, hint: "Give a chance from 0 to 1, e.g. 0.5."))
                }
            }
            return .churnRisk(condition)
        case "consent":
            guard let object = body.objectValue else { return invalidObject(path, example: "{\"purpose\": \"marketing_email\", \"granted\": true}", &issues) }
            let purpose = issues.check { () throws(ValidationError) in try ConsentPurpose.validate(object["purpose"]?.stringValue ?? "", field: "\(path).purpose") }
            var granted = true
            if let given = object["granted"] {
                if case .bool(let flag) = given { granted = flag }
                else { issues.add(FieldIssue(field: "\(path).granted", issue: .invalid, hint: "Give true (has consented) or false (has not).")) }
            }
            return purpose.map { .consent(ConsentCondition(purpose: $0, granted: granted)) }
        case "segment":
            guard let id = body.stringValue.flatMap(SegmentID.init) else {
                issues.add(FieldIssue(field: path, issue: .invalid, hint: "Give the id of another segment of this workspace."))
                return nil
            }
            return .segment(id)
        default:
            issues.add(FieldIssue(field: path, issue: .unknownValue(allowed: kinds), hint: "A condition is one of \(kinds.joined(separator: ", "))."))
            return nil
        }
    }

    private static func invalidObject(_ field: String, example: String, _ issues: inout ValidationCollector) -> SegmentRule? {
        issues.add(FieldIssue(field: field, issue: .invalid, hint: "Give an object such as \(example)."))
        return nil
    }

    private static func text(_ json: JSONValue?, field: String, limit: Int, hint: String, _ issues: inout ValidationCollector) -> String? {
        let value = json?.stringValue?.trimmingCharacters(in: .whitespaces) ?? ""
        guard !value.isEmpty, value.count <= limit else {
            issues.add(FieldIssue(field: field, issue: value.isEmpty ? .missing : .tooLong(limit: limit), hint: hint))
            return nil
        }
        return value
    }

    private static func integer(_ json: JSONValue?) -> Int? {
        switch json {
        case .integer(let number)?: Int(exactly: number)
        case .double(let number)?: number.rounded() == number && abs(number) < 1e9 ? Int(number) : nil
        default: nil
        }
    }

    private static func strings(_ json: JSONValue, field: String, allowed: [String]?, _ issues: inout ValidationCollector) -> [String]? {
        let items: [JSONValue]
        if case .array(let list) = json { items = list } else { items = [json] }
        let names = items.compactMap(\.stringValue)
        guard !names.isEmpty, names.count == items.count, names.count <= 50, names.allSatisfy({ allowed?.contains($0) ?? (1...100).contains($0.count) }) else {
            if let allowed {
                issues.add(FieldIssue(field: field, issue: .unknownValue(allowed: allowed), hint: "Give a list of one or more of \(allowed.joined(separator: ", "))."))
            } else {
                issues.add(FieldIssue(field: field, issue: .invalid, hint: "Give a list of one or more names."))
            }
            return nil
        }
        return names
    }

    private static func valueCondition(_ object: [String: JSONValue], field: String, _ issues: inout ValidationCollector) -> ValueCondition? {
        guard let opText = object["op"]?.stringValue, let op = ValueComparison(rawValue: opText) else {
            issues.add(FieldIssue(field: "\(field).op", issue: .unknownValue(allowed: ValueComparison.allCases.map(\.rawValue)),
                                  hint: "Compare with one of \(ValueComparison.allCases.map(\.rawValue).joined(separator: ", "))."))
            return nil
        }
        switch op {
        case .exists, .missing: return ValueCondition(op: op)
        case .oneOf:
            guard case .array(let values)? = object["value"], !values.isEmpty, values.count <= 100, values.allSatisfy(scalar) else {
                issues.add(FieldIssue(field: "\(field).value", issue: .invalid, hint: "With in, give a list of 1 to 100 texts or numbers, e.g. [\"DE\", \"AT\"]."))
                return nil
            }
            return ValueCondition(op: op, values: values)
        case .gt, .gte, .lt, .lte:
            guard let value = object["value"], ValueCondition.number(value) != nil, scalar(value) else {
                issues.add(FieldIssue(field: "\(field).value", issue: .invalid, hint: "Compare with a number, e.g. 100."))
                return nil
            }
            return ValueCondition(op: op, value: value)
        default:
            guard let value = object["value"], scalar(value), ValueCondition.text(value).map({ $0.count <= 500 }) ?? false else {
                issues.add(FieldIssue(field: "\(field).value", issue: object["value"] == nil ? .missing : .invalid, hint: "Give a text, number or true/false of at most 500 characters."))
                return nil
            }
            return ValueCondition(op: op, value: value)
        }
    }

    private static func scalar(_ value: JSONValue) -> Bool {
        switch value {
        case .string, .integer, .double, .bool: true
        default: false
        }
    }

    // MARK: Writing

    /// The rule as JSON, in the form `parse` reads.
    public var json: JSONValue {
        switch self {
        case .all(let rules): .object(["all": .array(rules.map(\.json))])
        case .any(let rules): .object(["any": .array(rules.map(\.json))])
        case .not(let rule): .object(["not": rule.json])
        case .trait(let condition): .object(["trait": .object(["name": .string(condition.name)].merging(condition.condition.json) { $1 })])
        case .event(let condition):
            .object(["event": .object(
                ["name": .string(condition.name), condition.comparison.rawValue: .integer(Int64(condition.count))]
                    .merging(condition.withinDays.map { ["withinDays": JSONValue.integer(Int64($0))] } ?? [:]) { $1 }
                    .merging(condition.properties.isEmpty ? [:] : ["where": .array(condition.properties.map {
                        .object(["property": .string($0.property)].merging($0.condition.json) { $1 })
                    })]) { $1 })])
        case .valueTier(let tiers): .object(["valueTier": .array(tiers.map(\.rawValue).sorted().map(JSONValue.string))])
        case .churnRisk(let condition):
            .object(["churnRisk": .object((condition.atLeast.map { ["atLeast": JSONValue.double($0)] } ?? [:])
                .merging(condition.below.map { ["below": JSONValue.double($0)] } ?? [:]) { $1 })])
        case .nps(let categories): .object(["nps": .array(categories.map(\.rawValue).sorted().map(JSONValue.string))])
        case .persona(let keys): .object(["persona": .array(keys.sorted().map(JSONValue.string))])
        case .consent(let condition): .object(["consent": .object(["purpose": .string(condition.purpose.rawValue), "granted": .bool(condition.granted)])])
        case .segment(let id): .object(["segment": .string(id.rawValue)])
        }
    }
}

extension ValueCondition {
    var json: [String: JSONValue] {
        switch op {
        case .exists, .missing: ["op": .string(op.rawValue)]
        case .oneOf: ["op": .string(op.rawValue), "value": .array(values)]
        default: ["op": .string(op.rawValue), "value": value ?? .null]
        }
    }
}

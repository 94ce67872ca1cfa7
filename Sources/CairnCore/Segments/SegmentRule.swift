public import Foundation

/// Who belongs to a segment: conditions on traits, events, computed values and consent, combined with all / any / not,
/// and membership of other segments (nesting). Written in the API as JSON, e.g.
///
/// ```json
/// {"all": [{"trait": {"name": "country", "op": "eq", "value": "DE"}},
///          {"event": {"name": "Order Completed", "atLeast": 2, "withinDays": 90}},
///          {"not": {"segment": "0190…"}}]}
/// ```
public indirect enum SegmentRule: Sendable, Hashable {
    case all([SegmentRule])
    case any([SegmentRule])
    case not(SegmentRule)
    case trait(TraitCondition)
    case event(EventCondition)
    /// The value tier at the last value computation.
    case valueTier(Set<ValueTier>)
    case churnRisk(ChurnCondition)
    /// The category of the customer's latest NPS answer.
    case nps(Set<NPSCategory>)
    /// The customer's persona (by key) at the last persona computation.
    case persona(Set<String>)
    case consent(ConsentCondition)
    /// A member of another segment.
    case segment(SegmentID)

    public static let maximumConditions = 50
    public static let maximumDepth = 6
}

/// The three NPS groups: 9–10, 7–8, 0–6.
public enum NPSCategory: String, Sendable, Hashable, Codable, CaseIterable {
    case promoter, passive, detractor

    public init(score: Int) {
        self = score >= 9 ? .promoter : score >= 7 ? .passive : .detractor
    }
}

/// How a trait or an event property is compared.
public enum ValueComparison: String, Sendable, Hashable, Codable, CaseIterable {
    case eq, ne, contains, startsWith = "starts_with", gt, gte, lt, lte, oneOf = "in", exists, missing

    var needsValue: Bool { ![.exists, .missing].contains(self) }
}

/// A condition on one value (a trait, or a property of an event): `op` and the value(s) it compares with.
public struct ValueCondition: Sendable, Hashable {
    public var op: ValueComparison
    /// The value for every comparison but `in` (many), `exists` and `missing` (none).
    public var value: JSONValue?
    public var values: [JSONValue]

    public init(op: ValueComparison, value: JSONValue? = nil, values: [JSONValue] = []) {
        self.op = op
        self.value = value
        self.values = values
    }

    /// Whether `held` (nil when absent) meets the condition. Text compares exactly for `eq`/`ne`/`in` and without
    /// regard to case for `contains`/`starts_with`; numbers (or numeric text) compare by value; `ne` holds for an
    /// absent value.
    public func matches(_ held: JSONValue?) -> Bool {
        let present = held.map { !$0.isNull } ?? false
        switch op {
        case .exists: return present
        case .missing: return !present
        case .ne: return !(present && Self.equal(held!, value ?? .null))
        default: break
        }
        guard present, let held else { return false }
        switch op {
        case .eq: return Self.equal(held, value ?? .null)
        case .oneOf: return values.contains { Self.equal(held, $0) }
        case .contains:
            guard let text = Self.text(held), let wanted = value.flatMap(Self.text) else { return false }
            return text.range(of: wanted, options: [.caseInsensitive, .diacriticInsensitive]) != nil
        case .startsWith:
            guard let text = Self.text(held), let wanted = value.flatMap(Self.text) else { return false }
            return text.range(of: wanted, options: [.caseInsensitive, .diacriticInsensitive, .anchored]) != nil
        case .gt, .gte, .lt, .lte:
            guard let number = Self.number(held), let bound = value.flatMap(Self.number) else { return false }
            switch op {
            case .gt: return number > bound
            case .gte: return number >= bound
            case .lt: return number < bound
            default: return number <= bound
            }
        default: return false
        }
    }

    static func equal(_ a: JSONValue, _ b: JSONValue) -> Bool {
        if let x = number(a), let y = number(b), isNumeric(a) || isNumeric(b) { return x == y }
        switch (a, b) {
        case (.string(let x), .string(let y)): return x == y
        case (.bool(let x), .bool(let y)): return x == y
        case (.bool(let x), .string(let y)), (.string(let y), .bool(let x)): return (x ? "true" : "false") == y.lowercased()
        default: return a == b
        }
    }

    static func isNumeric(_ value: JSONValue) -> Bool {
        switch value {
        case .integer, .double: true
        default: false
        }
    }

    static func number(_ value: JSONValue) -> Double? {
        switch value {
        case .integer(let number): Double(number)
        case .double(let number): number
        case .string(let text): Double(text.trimmingCharacters(in: .whitespaces))
        default: nil
        }
    }

    /// A scalar as text (nil for arrays, objects and null).
    public static func text(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text): text
        case .integer(let number): String(number)
        case .double(let number): String(number)
        case .bool(let flag): flag ? "true" : "false"
        default: nil
        }
    }
}

/// A condition on one trait of the golden record.
public struct TraitCondition: Sendable, Hashable {
    public var name: String
    public var condition: ValueCondition

    public init(name: String, condition: ValueCondition) {
        self.name = name
        self.condition = condition
    }
}

/// How often the customer did something: at least, at most or exactly `count` times, over all time or within the last
/// `withinDays` days, counting only events whose properties meet every `where` condition.
public struct EventCondition: Sendable, Hashable {
    public enum Comparison: String, Sendable, Hashable, Codable, CaseIterable {
        case atLeast, atMost, exactly
    }

    public var name: String
    public var comparison: Comparison
    public var count: Int
    public var withinDays: Int?
    public var properties: [PropertyCondition]

    public init(name: String, comparison: Comparison = .atLeast, count: Int = 1, withinDays: Int? = nil, properties: [PropertyCondition] = []) {
        self.name = name
        self.comparison = comparison
        self.count = count
        self.withinDays = withinDays
        self.properties = properties
    }

    /// The earliest time (milliseconds) an event counts from at `now`, or nil for all time.
    public func since(now: Int64) -> Int64? { withinDays.map { now - Int64($0) * 86_400_000 } }

    /// Whether `count` events meet the comparison.
    public func holds(forCount found: Int) -> Bool {
        switch comparison {
        case .atLeast: found >= count
        case .atMost: found <= count
        case .exactly: found == count
        }
    }

    /// Whether an event's properties meet every `where` condition.
    public func accepts(properties held: JSONValue?) -> Bool {
        properties.allSatisfy { $0.condition.matches(PropertyCondition.value(at: $0.path, in: held)) }
    }
}

/// A condition on one property of an event, by its path inside `properties` (dots for nested objects).
public struct PropertyCondition: Sendable, Hashable {
    public var property: String
    public var condition: ValueCondition
    public var path: [String] { property.split(separator: ".").map(String.init) }

    public init(property: String, condition: ValueCondition) {
        self.property = property
        self.condition = condition
    }

    static func value(at path: [String], in properties: JSONValue?) -> JSONValue? {
        var current = properties
        for key in path { current = current?[key] }
        return current
    }
}

/// Churn risk at or above a threshold, or below it (0–1).
public struct ChurnCondition: Sendable, Hashable {
    public var atLeast: Double?
    public var below: Double?

    public init(atLeast: Double? = nil, below: Double? = nil) {
        self.atLeast = atLeast
        self.below = below
    }

    public func matches(_ risk: Double?) -> Bool {
        guard let risk else { return false }
        if let atLeast, risk < atLeast { return false }
        if let below, risk >= below { return false }
        return true
    }
}

/// Whether the customer has (or has not) consented to a purpose, by the purpose's mode when they never said.
public struct ConsentCondition: Sendable, Hashable {
    public var purpose: ConsentPurpose
    public var granted: Bool

    public init(purpose: ConsentPurpose, granted: Bool) {
        self.purpose = purpose
        self.granted = granted
    }
}

// MARK: What a rule reads

/// What evaluating a rule needs to know of a customer.
public struct SegmentNeeds: Sendable, Hashable {
    public var traits: Set<String> = []
    /// Event names with the longest window any condition on them uses (nil: all time).
    public var events: [String: Int?] = [:]
    /// Event names some condition filters by property (their payloads are read).
    public var eventProperties: Set<String> = []
    public var value = false
    public var nps = false
    public var persona = false
    public var purposes: Set<ConsentPurpose> = []
    public var segments: Set<SegmentID> = []

    public init() {}

    /// Whether time passing alone can change the answer (a condition counts events within a window).
    public var dependsOnTime: Bool { events.values.contains { $0 != nil } }

    public mutating func formUnion(_ other: SegmentNeeds) {
        traits.formUnion(other.traits)
        for (name, window) in other.events { events[name] = Self.wider(events[name], window) }
        eventProperties.formUnion(other.eventProperties)
        value = value || other.value
        nps = nps || other.nps
        persona = persona || other.persona
        purposes.formUnion(other.purposes)
        segments.formUnion(other.segments)
    }

    static func wider(_ held: Int??, _ new: Int?) -> Int? {
        guard let held else { return new }
        guard let old = held, let new else { return nil }
        return max(old, new)
    }
}

extension SegmentRule {
    public var needs: SegmentNeeds {
        var needs = SegmentNeeds()
        switch self {
        case .all(let rules), .any(let rules): for rule in rules { needs.formUnion(rule.needs) }
        case .not(let rule): needs = rule.needs
        case .trait(let condition): needs.traits.insert(condition.name)
        case .event(let condition):
            needs.events[condition.name] = condition.withinDays
            if !condition.properties.isEmpty { needs.eventProperties.insert(condition.name) }
        case .valueTier, .churnRisk: needs.value = true
        case .nps: needs.nps = true
        case .persona: needs.persona = true
        case .consent(let condition): needs.purposes.insert(condition.purpose)
        case .segment(let id): needs.segments.insert(id)
        }
        return needs
    }

    /// Every condition, depth first (the combinators themselves left out).
    public var conditions: [SegmentRule] {
        switch self {
        case .all(let rules), .any(let rules): rules.flatMap(\.conditions)
        case .not(let rule): rule.conditions
        default: [self]
        }
    }
}

// MARK: Evaluating one customer

/// One event as a segment reads it: its time (milliseconds) and, when a condition filters by property, its properties.
public struct EventFact: Sendable, Hashable {
    public var time: Int64
    public var properties: JSONValue?

    public init(time: Int64, properties: JSONValue? = nil) {
        self.time = time
        self.properties = properties
    }
}

/// What is known of one customer when their memberships are decided.
public struct SegmentFacts: Sendable {
    public var traits: [String: JSONValue] = [:]
    public var events: [String: [EventFact]] = [:]
    public var valueTier: ValueTier?
    public var churnRisk: Double?
    public var npsScore: Int?
    public var persona: String?
    /// Effective consent per purpose (the latest statement, or the purpose's mode when none).
    public var consent: [ConsentPurpose: Bool] = [:]
    /// The segments they belong to (those decided before this one, in dependency order).
    public var segments: Set<SegmentID> = []

    public init() {}
}

extension SegmentRule {
    /// Whether a customer with these facts belongs, at `now` (milliseconds).
    public func matches(_ facts: SegmentFacts, now: Int64) -> Bool {
        switch self {
        case .all(let rules): return rules.allSatisfy { $0.matches(facts, now: now) }
        case .any(let rules): return rules.contains { $0.matches(facts, now: now) }
        case .not(let rule): return !rule.matches(facts, now: now)
        case .trait(let condition): return condition.condition.matches(facts.traits[condition.name])
        case .event(let condition):
            let since = condition.since(now: now) ?? .min
            let found = (facts.events[condition.name] ?? []).reduce(0) { $0 + ($1.time > since && condition.accepts(properties: $1.properties) ? 1 : 0) }
            return condition.holds(forCount: found)
        case .valueTier(let tiers): return facts.valueTier.map(tiers.contains) ?? false
        case .churnRisk(let condition): return condition.matches(facts.churnRisk)
        case .nps(let categories): return facts.npsScore.map { categories.contains(NPSCategory(score: $0)) } ?? false
        case .persona(let keys): return facts.persona.map(keys.contains) ?? false
        case .consent(let condition): return (facts.consent[condition.purpose] ?? false) == condition.granted
        case .segment(let id): return facts.segments.contains(id)
        }
    }
}

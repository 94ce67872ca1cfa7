/// Which value of a breakdown a person counts under, when the values come from their events.
public enum FunnelAttribution: String, Sendable, Hashable, Codable, CaseIterable {
    /// The value on the event that did step 1 of their chain.
    case firstTouch = "first_touch"
    /// The value on the event of the furthest step they did.
    case lastTouch = "last_touch"
    /// Only chains whose step events all carry one value count, under that value.
    case allSteps = "all_steps"
    /// The value on the event of one chosen step (people who did not reach it count under none).
    case step
}

/// The figures of a funnel over many people: how many did each step, conversion, the times between steps, when they
/// entered, and who dropped where — overall and per breakdown value.
public struct FunnelSummary: Sendable {
    public struct Step: Sendable, Hashable {
        /// People who did the step in their chain.
        public var people: Int
        /// Median (the lower middle value) milliseconds from the step before that they did; nil for step 1, with
        /// nobody, or in any order.
        public var medianFromPrevious: Int64?
    }

    public struct Group: Sendable, Hashable {
        public var value: String?
        public var entered: Int
        public var steps: [Step]
        /// People who did the last step.
        public var converted: Int
    }

    public var overall: Group
    public var groups: [Group]
    /// Milliseconds from step 1 to the last step, for each person who converted.
    public var timesToConvert: [Int64]
    /// Per entry bucket (the start of their chain, by `bucket`): entered, converted, and how many reached each step.
    public var overTime: [(bucket: Int64, entered: Int, converted: Int, steps: [Int])]
    /// Per step (0-based), people whose furthest step it was — they dropped before the next — with their keys.
    public var droppedAt: [[String]]

    /// One person as the summary takes them: their key, their events sorted by time, and their trait value when the
    /// breakdown reads a profile trait.
    public struct Person: Sendable {
        public var key: String
        public var events: [FunnelEvent]
        public var trait: String?
        public init(key: String, events: [FunnelEvent], trait: String? = nil) {
            self.key = key
            self.events = events
            self.trait = trait
        }
    }

    public enum Breakdown: Sendable, Hashable {
        case none
        /// By the events' `value` with this attribution (`step` names the 0-based step for `.step`).
        case events(FunnelAttribution, step: Int)
        /// By each person's `trait`.
        case trait
    }

    /// `bucket` maps a chain's start (milliseconds) to its period (e.g. the UTC day or week).
    public static func summarise(_ people: [Person], _ definition: FunnelDefinition, breakdown: Breakdown = .none,
                                 bucket: (Int64) -> Int64) -> FunnelSummary {
        var builder = Builder(definition, breakdown: breakdown)
        for person in people { builder.add(key: person.key, events: person.events, trait: person.trait, bucket: bucket) }
        return builder.finish()
    }

    /// The summary built one person at a time (people in any order; builders of disjoint people merge), so a caller can
    /// stream people without holding them all.
    public struct Builder: Sendable {
        let definition: FunnelDefinition
        let breakdown: Breakdown
        var overall: Accumulator
        var groups: [String?: Accumulator] = [:]
        var times: [Int64] = []
        var overTime: [Int64: (entered: Int, converted: Int, steps: [Int])] = [:]
        var dropped: [[String]]

        public init(_ definition: FunnelDefinition, breakdown: Breakdown = .none) {
            self.definition = definition
            self.breakdown = breakdown
            overall = Accumulator(steps: definition.stepCount)
            dropped = Array(repeating: [], count: definition.stepCount)
        }

        /// One person: their key, their events sorted by time, their trait value for a trait breakdown.
        public mutating func add(key: String, events: [FunnelEvent], trait: String? = nil, bucket: (Int64) -> Int64) {
            let k = definition.stepCount
            var path: FunnelPath
            var value: String?
            switch breakdown {
            case .events(.allSteps, _):
                // The best chain among those whose step events share one value.
                path = .none(k)
                for candidate in Set(events.compactMap(\.value)).sorted() {
                    let only = events.map { event -> FunnelEvent in
                        var copy = event
                        if event.value != candidate { copy.steps = 0 }
                        return copy
                    }
                    let found = Funnel.path(of: only, definition)
                    if found.furthest > path.furthest { path = found; value = candidate }
                }
            default:
                path = Funnel.path(of: events, definition)
                switch breakdown {
                case .none: value = nil
                case .trait: value = trait
                case .events(.firstTouch, _): value = path.events[0].flatMap { events[$0].value }
                case .events(.lastTouch, _): value = path.furthest >= 0 ? path.events[path.furthest].flatMap { events[$0].value } : nil
                case .events(.step, let step): value = step < k ? path.events[step].flatMap { events[$0].value } : nil
                case .events(.allSteps, _): value = nil
                }
            }
            guard path.furthest >= 0 else { return }
            let gaps = definition.order != .anyOrder
            overall.add(path, events, gaps: gaps)
            if breakdown != .none { groups[value, default: Accumulator(steps: k)].add(path, events, gaps: gaps) }
            // The chain's first and last event (in any order the steps need not come in their order).
            var start = Int64.max, end = Int64.min
            for index in path.events { if let index { start = min(start, events[index].time); end = max(end, events[index].time) } }
            let converted = path.furthest == k - 1
            var cell = overTime[bucket(start)] ?? (0, 0, Array(repeating: 0, count: k))
            cell.entered += 1
            for (step, index) in path.events.enumerated() where index != nil { cell.steps[step] += 1 }
            if converted {
                cell.converted += 1
                times.append(end - start)
            }
            overTime[bucket(start)] = cell
            if !converted { dropped[path.furthest].append(key) }
        }

        /// Adds another builder's people (none of them also added here).
        public mutating func merge(_ other: Builder) {
            overall.merge(other.overall)
            for (value, accumulator) in other.groups { groups[value, default: Accumulator(steps: definition.stepCount)].merge(accumulator) }
            times += other.times
            for (key, cell) in other.overTime {
                var mine = overTime[key] ?? (0, 0, Array(repeating: 0, count: definition.stepCount))
                mine.entered += cell.entered
                mine.converted += cell.converted
                for step in mine.steps.indices { mine.steps[step] += cell.steps[step] }
                overTime[key] = mine
            }
            for step in dropped.indices { dropped[step] += other.dropped[step] }
        }

        public func finish() -> FunnelSummary {
            let ordered = groups.map { $0.value.group($0.key) }.sorted { ($0.entered, $1.value ?? "") > ($1.entered, $0.value ?? "") }
            return FunnelSummary(overall: overall.group(nil), groups: ordered, timesToConvert: times.sorted(),
                                 overTime: overTime.sorted { $0.key < $1.key }.map { ($0.key, $0.value.entered, $0.value.converted, $0.value.steps) },
                                 droppedAt: dropped.map { $0.sorted() })
        }
    }

    struct Accumulator: Sendable {
        var people: [Int]
        var gaps: [[Int64]]

        mutating func merge(_ other: Accumulator) {
            for step in people.indices {
                people[step] += other.people[step]
                gaps[step] += other.gaps[step]
            }
        }
        init(steps: Int) {
            people = Array(repeating: 0, count: steps)
            gaps = Array(repeating: [], count: steps)
        }

        mutating func add(_ path: FunnelPath, _ events: [FunnelEvent], gaps keepGaps: Bool) {
            var previous: Int64?
            for (step, index) in path.events.enumerated() {
                guard let index else { continue }
                people[step] += 1
                if keepGaps, let previous { gaps[step].append(events[index].time - previous) }
                previous = events[index].time
            }
        }

        func group(_ value: String?) -> Group {
            let steps = people.indices.map { step -> Step in
                let sorted = gaps[step].sorted()
                return Step(people: people[step], medianFromPrevious: sorted.isEmpty ? nil : sorted[(sorted.count - 1) / 2])
            }
            return Group(value: value, entered: people.first ?? 0, steps: steps, converted: people.last ?? 0)
        }
    }
}

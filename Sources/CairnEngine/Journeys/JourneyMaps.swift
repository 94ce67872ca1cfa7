public import CairnAnalytics
public import CairnCore
public import CairnStore
public import Foundation

/// Journeys as data and their map: each stage's people, conversion to the next stage, time in stage, the scores of the
/// surveys asked at its touchpoints (with intervals), cases opened while customers were in it, the topics of their
/// comments and a few of their own words — by channel as swimlanes, for a period, a channel and a segment. The rules are
/// in docs/journeys.md ("Journey maps"). Reading needs `journeys.read`; defining, `journeys.manage`.
public struct JourneyMaps: Sendable {
    let store: Store
    public let clock: DateSource
    let columns: EventColumns?

    public init(store: Store, clock: DateSource = .system, columns: EventColumns? = nil) {
        self.store = store
        self.clock = clock
        self.columns = columns
    }

    /// At most this many swimlanes; the rest of the channels share one lane, `other`.
    public static let lanes = 6

    // MARK: Defining

    /// The workspace's journeys by name, then the standard one (``JourneyDefinition/standard(at:)``, id `standard`)
    /// unless the workspace keeps its own stages under that id.
    public func journeys(for principal: Principal) async throws -> [JourneyDefinition] {
        try principal.require(.journeysRead)
        let kept = try await store.journeys(in: principal.workspaceID)
        return kept.contains { $0.id == .standard } ? kept : kept + [JourneyDefinition.standard(at: clock.now())]
    }

    public func journey(_ id: JourneyID, for principal: Principal) async throws -> JourneyDefinition {
        guard let journey = try await journeys(for: principal).first(where: { $0.id == id }) else { throw NotFoundError(kind: "journey", id: id.rawValue) }
        return journey
    }

    /// Defines a journey (a new id), or changes the stages of one (`id`; `standard` keeps the workspace's own copy).
    public func define(_ id: JourneyID?, name: String?, stages: [JourneyDefinition.Stage]?, by principal: Principal) async throws -> JourneyDefinition {
        try principal.require(.journeysManage)
        if let id, id != .standard, try await store.journeys(in: principal.workspaceID).first(where: { $0.id == id }) == nil {
            throw NotFoundError(kind: "journey", id: id.rawValue)
        }
        let journey = try JourneyDefinition.validated(name: name, stages: stages, id: id ?? .generate(), at: clock.now())
        try await store.save(journey, in: principal.workspaceID)
        return journey
    }

    // MARK: The map

    public struct Filters: Sendable {
        public var from: String?
        public var until: String?
        /// Only events (and answers) on this channel.
        public var channel: String?
        /// `trait:<name>=<value>`: only customers whose trait has this value.
        public var segment: String?
        public init(from: String? = nil, until: String? = nil, channel: String? = nil, segment: String? = nil) {
            self.from = from
            self.until = until
            self.channel = channel
            self.segment = segment
        }
    }

    public struct Quote: Sendable, Encodable {
        public var text: String
        public var sentiment: String?
        public var at: Date
    }

    public struct TopicCount: Sendable, Encodable {
        public var topic: String
        public var comments: Int
    }

    public struct Stage: Sendable, Encodable {
        public var name: String
        public var events: [String]
        public var people: Int
        /// People per swimlane (the channel of the event that first put them in the stage).
        public var lanes: [String: Int]
        /// Of the people in this stage, those who reached the next one at or after entering this one.
        public var conversionToNext: Proportion?
        /// Median hours from entering this stage to entering the next (those who did).
        public var medianHoursToNext: Double?
        public var dropped: Int
        public var nps: NPS?
        public var csat: Proportion?
        public var ces: Mean?
        /// Cases opened while customers were in this stage (the last stage they had entered).
        public var cases: Int
        public var topics: [TopicCount]
        public var quotes: [Quote]
    }

    public struct Result: Sendable, Encodable {
        public var journeyId: String
        public var name: String
        public var from: Date
        public var until: Date
        public var channel: String?
        public var segment: String?
        public var lanes: [String]
        public var stages: [Stage]
    }

    /// Who is behind a number of the map.
    public enum Kind: String, Sendable, CaseIterable { case reached, converted, dropped }

    struct Checked {
        var journey: JourneyDefinition
        var from: Date
        var until: Date
        var channel: String?
        /// With a segment: the profiles whose trait has the value (read once, for the events and the answers alike).
        var members: Set<String>?
    }

    func check(_ id: JourneyID, _ filters: Filters, for principal: Principal) async throws -> Checked {
        try principal.require(.journeysRead)
        var issues = ValidationCollector()
        let period = ReportPeriod.parse(from: filters.from, until: filters.until, now: clock.now(), defaultDays: 90, collecting: &issues)
        if let channel = filters.channel, !channel.isEmpty { _ = issues.check { () throws(ValidationError) in try Channel.validate(channel, field: "channel") } }
        var trait: (String, String)?
        var savedSegment: String?
        if let segment = filters.segment, !segment.isEmpty, !segment.hasPrefix("trait:") {
            savedSegment = segment
        } else if let segment = filters.segment, !segment.isEmpty {
            let body = segment.hasPrefix("trait:") ? segment.dropFirst(6) : ""
            if let equals = body.firstIndex(of: "="), equals != body.startIndex, body.count <= 300 {
                trait = (String(body[..<equals]), String(body[body.index(after: equals)...]))
            } else {
                issues.add(FieldIssue(field: "segment", issue: .invalid, hint: "Give a segment's id, or a trait as trait:<name>=<value>, e.g. trait:tier=gold."))
            }
        }
        try issues.throwIfAny()
        let journey = try await journey(id, for: principal)
        var members: Set<String>?
        if let trait { members = Set(try await store.traitValues(trait.0, in: principal.workspaceID).filter { $0.value == trait.1 }.keys) }
        if let savedSegment { members = try await SegmentFilter.members(savedSegment, in: principal.workspaceID, store: store) }
        return Checked(journey: journey, from: period!.from, until: period!.until, channel: (filters.channel ?? "").isEmpty ? nil : filters.channel, members: members)
    }

    /// Each person's first entry into each stage, and the channel of that entry.
    struct Person: Sendable {
        var entries: [(time: Int64, channel: String)?]
        /// Per stage: the first entry of the next stage at or after entering this one.
        var next: [Int64?]

        /// From a person's stage events in time order (stage index, time, channel).
        init?(_ events: [(stage: Int, time: Int64, channel: String)], stages: Int) {
            guard !events.isEmpty else { return nil }
            entries = Array(repeating: nil, count: stages)
            next = Array(repeating: nil, count: stages)
            for event in events where entries[event.stage] == nil { entries[event.stage] = (event.time, event.channel) }
            for index in 0..<stages - 1 {
                guard let entered = entries[index]?.time else { continue }
                next[index] = events.first { $0.stage == index + 1 && $0.time >= entered }?.time
            }
        }
    }

    /// Visits every person on the journey under the filters (through the event columns when there are, else the
    /// event table), people in parts each with its own `R`, merged at the end.
    func collect<R: Sendable>(_ checked: Checked, in workspace: WorkspaceID, initial: @escaping @Sendable () -> R,
                              add: @escaping @Sendable (inout R, String, Person) -> Void, merge: @escaping @Sendable (inout R, R) -> Void) async throws -> R {
        let stages = checked.journey.stages
        let members = checked.members, channel = checked.channel
        if let columns, case let snapshot = try await columns.snapshot(of: workspace), !snapshot.overflow {
            var stagesOf = [[Int]](repeating: [], count: snapshot.names.count)
            for (index, stage) in stages.enumerated() {
                for event in stage.events { if let name = snapshot.nameIndex(of: event) { stagesOf[Int(name)].append(index) } }
            }
            let allowed: [Set<String>?] = stages.map { $0.channels.map(Set.init) }
            let lookup = stagesOf, channels = snapshot.channels
            return await snapshot.reduce(from: checked.from.storageMillis, until: checked.until.storageMillis, wanted: lookup.map { !$0.isEmpty },
                                         initial: initial) { result, key, events in
                if let members, !members.contains(key) { return }
                var list: [(stage: Int, time: Int64, channel: String)] = []
                for event in events {
                    let name = channels[Int(event.channel)]
                    if let channel, name != channel { continue }
                    for stage in lookup[Int(event.name)] where allowed[stage]?.contains(name) ?? true { list.append((stage, event.time, name)) }
                }
                if let person = Person(list, stages: stages.count) { add(&result, key, person) }
            } merge: { merge(&$0, $1) }
        }
        var stagesOf: [String: [Int]] = [:]
        for (index, stage) in stages.enumerated() { for event in stage.events { stagesOf[event, default: []].append(index) } }
        var result = initial()
        var current: (profile: String, events: [(stage: Int, time: Int64, channel: String)])?
        func close() {
            guard let held = current else { return }
            if let members, !members.contains(held.profile) { return }
            if let person = Person(held.events, stages: stages.count) { add(&result, held.profile, person) }
        }
        try await store.funnelEvents(in: workspace, names: Set(stagesOf.keys), everything: false, from: checked.from, until: checked.until, properties: false) { rows in
            for row in rows {
                if current?.profile != row.profile { close(); current = (row.profile, []) }
                if let channel, row.channel != channel { continue }
                for stage in stagesOf[row.name ?? ""] ?? [] {
                    if let allowed = stages[stage].channels, !allowed.contains(row.channel) { continue }
                    current!.events.append((stage, row.time, row.channel))
                }
            }
        }
        close()
        return result
    }

    /// The map's counts over people: per stage reached, by entry channel, went on and how long it took; the people of
    /// `keep` in full (those with cases).
    struct Tally: Sendable {
        var people: [Int]
        var converted: [Int]
        var hours: [[Double]]
        var byChannel: [[String: Int]]
        var kept: [String: Person] = [:]

        init(stages: Int) {
            people = Array(repeating: 0, count: stages)
            converted = people
            hours = Array(repeating: [], count: stages)
            byChannel = Array(repeating: [:], count: stages)
        }

        mutating func merge(_ other: Tally) {
            for index in people.indices {
                people[index] += other.people[index]
                converted[index] += other.converted[index]
                hours[index] += other.hours[index]
                byChannel[index].merge(other.byChannel[index], uniquingKeysWith: +)
            }
            kept.merge(other.kept) { first, _ in first }
        }
    }

    public func map(_ id: JourneyID, _ filters: Filters, for principal: Principal) async throws -> Result {
        let checked = try await check(id, filters, for: principal)
        let workspace = principal.workspaceID
        let stages = checked.journey.stages
        let opened = try await store.casesOpened(in: workspace, from: checked.from, until: checked.until)
        let withCases = Set(opened.map(\.profile))
        let count = stages.count
        let tally = try await collect(checked, in: workspace, initial: { Tally(stages: count) }, add: { tally, key, person in
            for index in 0..<count {
                guard let entry = person.entries[index] else { continue }
                tally.people[index] += 1
                tally.byChannel[index][entry.channel, default: 0] += 1
                if let next = person.next[index] {
                    tally.converted[index] += 1
                    tally.hours[index].append(Double(next - entry.time) / 3_600_000)
                }
            }
            if withCases.contains(key) { tally.kept[key] = person }
        }, merge: { $0.merge($1) })
        // Swimlanes: the busiest channels of stage entries, the rest as "other".
        var volume: [String: Int] = [:]
        for stage in tally.byChannel { volume.merge(stage, uniquingKeysWith: +) }
        let named = volume.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(Self.lanes).map(\.key)
        let lanes = named + (volume.count > named.count ? ["other"] : [])

        var results = stages.enumerated().map { index, stage in
            var lanes: [String: Int] = [:]
            for (channel, people) in tally.byChannel[index] { lanes[named.contains(channel) ? channel : "other", default: 0] += people }
            return Stage(name: stage.name, events: stage.events, people: tally.people[index], lanes: lanes, conversionToNext: nil, medianHoursToNext: nil, dropped: 0,
                         nps: nil, csat: nil, ces: nil, cases: 0, topics: [], quotes: [])
        }
        for index in stages.indices where index < stages.count - 1 {
            results[index].conversionToNext = Proportion(successes: tally.converted[index], n: tally.people[index])
            results[index].dropped = tally.people[index] - tally.converted[index]
            let sorted = tally.hours[index].sorted()
            if !sorted.isEmpty { results[index].medianHoursToNext = sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2 }
        }
        // Cases: in the stage the customer had last entered when the case was opened.
        for case_ in opened {
            guard let person = tally.kept[case_.profile] else { continue }
            var stage: (index: Int, time: Int64)?
            for (index, entry) in person.entries.enumerated() {
                if let entry, entry.time <= case_.at, entry.time >= (stage?.time ?? .min) { stage = (index, entry.time) }
            }
            if let stage { results[stage.index].cases += 1 }
        }
        // Scores, topics and words of the answers asked at each stage's touchpoints (of the segment's people only).
        var touchpointStages: [String: [Int]] = [:]
        for (index, stage) in stages.enumerated() { for event in stage.events { touchpointStages[event, default: []].append(index) } }
        var npsScores = [[Int]](repeating: [], count: stages.count), csatScores = npsScores, cesScores = npsScores
        var topics = [[String: Int]](repeating: [:], count: stages.count)
        var quotes = [[Quote]](repeating: [], count: stages.count)
        try await Page.walk({ cursor in try await store.surveys(in: workspace, after: cursor, limit: 100) }) { surveys in
            for survey in surveys {
                let questions = survey.definition.questions
                try await Page.walk({ cursor in
                    try await store.responses(of: survey.id, in: workspace, from: checked.from, until: checked.until, after: cursor, limit: 1_000)
                }) { responses in
                    for response in responses {
                        guard let touchpoint = response.touchpoint, let indices = touchpointStages[touchpoint] else { continue }
                        if let channel = checked.channel, response.channel.rawValue != channel { continue }
                        if let members = checked.members, !(response.profileID.map { members.contains($0.rawValue) } ?? false) { continue }
                        for question in questions {
                            let answer = response.answers[question.id]
                            for index in indices {
                                switch (question.type, answer) {
                                case (.nps, .number(let value)?): npsScores[index].append(value)
                                case (.csat, .number(let value)?): csatScores[index].append(value)
                                case (.ces, .number(let value)?): cesScores[index].append(value)
                                case (.text, .text(let text)?):
                                    let insight = response.insights[question.id]
                                    for topic in insight?.topics ?? [] { topics[index][topic, default: 0] += 1 }
                                    quotes[index].append(Quote(text: String(text.prefix(280)), sentiment: insight?.label, at: response.startedAt))
                                default: break
                                }
                            }
                        }
                    }
                }
            }
        }
        for index in stages.indices {
            if !npsScores[index].isEmpty { results[index].nps = NPS(scores: npsScores[index]) }
            if !csatScores[index].isEmpty { results[index].csat = Proportion(successes: csatScores[index].filter { $0 >= 4 }.count, n: csatScores[index].count) }
            if !cesScores[index].isEmpty { results[index].ces = CES(scores: cesScores[index]).mean }
            results[index].topics = topics[index].sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(3).map { TopicCount(topic: $0.key, comments: $0.value) }
            // The latest three, the negative ones first: what a CX lead reads to understand the stage's feeling.
            results[index].quotes = Array(quotes[index].sorted { ($0.sentiment == "negative" ? 0 : 1, $1.at) < ($1.sentiment == "negative" ? 0 : 1, $0.at) }.prefix(3))
        }
        return Result(journeyId: checked.journey.id.rawValue, name: checked.journey.name, from: checked.from, until: checked.until, channel: checked.channel,
                      segment: filters.segment.flatMap { $0.isEmpty ? nil : $0 }, lanes: lanes, stages: results)
    }

    /// The people behind a stage's number (reached it, went on to the next, or stopped there), ids in order, at most `limit`.
    /// `lane`: only those who entered the stage on that channel.
    public func people(_ id: JourneyID, stage: Int, kind: Kind, lane: String? = nil, _ filters: Filters, limit: Int = 500,
                       for principal: Principal) async throws -> (ids: [String], total: Int) {
        let checked = try await check(id, filters, for: principal)
        guard (1...checked.journey.stages.count).contains(stage) else {
            throw ValidationError(field: "stage", issue: .invalid, hint: "Give a stage number from 1 to \(checked.journey.stages.count).")
        }
        let index = stage - 1, last = checked.journey.stages.count - 1
        let chosen = try await collect(checked, in: principal.workspaceID, initial: { [String]() }, add: { keys, key, person in
            guard let entry = person.entries[index] else { return }
            if let lane, !lane.isEmpty, entry.channel != lane { return }
            switch kind {
            case .reached: keys.append(key)
            case .converted: if person.next[index] != nil { keys.append(key) }
            case .dropped: if index < last && person.next[index] == nil { keys.append(key) }
            }
        }, merge: { $0 += $1 }).sorted()
        return (Array(chosen.prefix(limit)), chosen.count)
    }
}

public import CairnAnalytics
public import CairnCore
public import CairnStore
public import Foundation

/// Funnels over the customers' events on every channel: ordered steps within a window, sequential, strict or in any
/// order, optional steps, exclusions, a breakdown by channel, event property or profile trait, conversion over time,
/// the time to convert, and who dropped where. The semantics are `Funnel`'s (docs/journeys.md). Needs `journeys.read`.
public struct Funnels: Sendable {
    let store: Store
    public let clock: DateSource
    /// The in-process event columns; nil reads the event table.
    let columns: EventColumns?

    public init(store: Store, clock: DateSource = .system, columns: EventColumns? = nil) {
        self.store = store
        self.clock = clock
        self.columns = columns
    }

    public static let maximumSteps = 10

    /// A funnel as a client sends it (every field checked by ``run(_:for:)``).
    public struct Query: Sendable, Codable {
        public struct Step: Sendable, Codable {
            public var event: String?
            public var channel: String?
            /// Equal values the event's properties must have.
            public var properties: [String: JSONValue]?
            public var optional: Bool?
            /// At most this long after the step before (minutes).
            public var withinMinutes: Int?
            public init(event: String?, channel: String? = nil, properties: [String: JSONValue]? = nil, optional: Bool? = nil, withinMinutes: Int? = nil) {
                self.event = event
                self.channel = channel
                self.properties = properties
                self.optional = optional
                self.withinMinutes = withinMinutes
            }
        }

        public struct Exclusion: Sendable, Codable {
            public var event: String?
            /// 1-based step numbers: the event must not come after step `afterStep` and before step `beforeStep`.
            public var afterStep: Int?
            public var beforeStep: Int?
            public init(event: String?, afterStep: Int? = nil, beforeStep: Int? = nil) {
                self.event = event
                self.afterStep = afterStep
                self.beforeStep = beforeStep
            }
        }

        public struct Breakdown: Sendable, Codable {
            /// `channel`, `property:<name>` or `trait:<name>`.
            public var by: String?
            public var attribution: String?
            /// 1-based, for attribution `step`.
            public var step: Int?
            public init(by: String?, attribution: String? = nil, step: Int? = nil) {
                self.by = by
                self.attribution = attribution
                self.step = step
            }
        }

        public var steps: [Step]?
        public var windowMinutes: Int?
        public var order: String?
        public var exclusions: [Exclusion]?
        public var from: String?
        public var until: String?
        public var breakdown: Breakdown?
        /// `day` or `week`: the buckets of conversion over time.
        public var period: String?
        /// Only the members of this segment (its id).
        public var segment: String?

        public init(steps: [Step]?, windowMinutes: Int? = nil, order: String? = nil, exclusions: [Exclusion]? = nil, from: String? = nil, until: String? = nil,
                    breakdown: Breakdown? = nil, period: String? = nil) {
            self.steps = steps
            self.windowMinutes = windowMinutes
            self.order = order
            self.exclusions = exclusions
            self.from = from
            self.until = until
            self.breakdown = breakdown
            self.period = period
        }

        /// The funnel page showing this funnel (its steps, window, order, and `from` when set).
        public var pageLink: String {
            var link = URLComponents()
            link.path = "/journeys"
            link.queryItems = (steps ?? []).map { URLQueryItem(name: "step", value: $0.event) }
                + [URLQueryItem(name: "windowDays", value: String(max(1, (windowMinutes ?? 10_080) / 1440))), URLQueryItem(name: "order", value: order ?? "sequential")]
                + (from.map { [URLQueryItem(name: "from", value: $0)] } ?? [])
                + (segment.map { [URLQueryItem(name: "segment", value: $0)] } ?? [])
            return link.string ?? "/journeys"
        }
    }

    public struct StepResult: Sendable, Encodable {
        public var step: Int
        public var event: String
        public var optional: Bool
        public var people: Int
        /// Among people who did the step before (the previous one they did, for optional steps: the step before it).
        public var conversionFromPrevious: Proportion?
        public var conversionFromStart: Proportion
        public var medianMinutesFromPrevious: Double?
        /// People whose furthest step this was (they did not reach the next), and the first 100 of them.
        public var dropped: Int
        public var droppedProfileIds: [String]
    }

    public struct GroupResult: Sendable, Encodable {
        public var value: String?
        public var entered: Int
        public var converted: Int
        public var conversion: Proportion
        public var steps: [Int]
    }

    public struct PeriodResult: Sendable, Encodable {
        public var start: Date
        public var entered: Int
        public var converted: Int
        public var conversion: Proportion
        /// People of this period's entry who reached each step.
        public var steps: [Int]
    }

    public struct TimeToConvert: Sendable, Encodable {
        public var converted: Int
        public var p25Minutes: Double?
        public var medianMinutes: Double?
        public var p75Minutes: Double?
        public var p90Minutes: Double?
        /// Counts by upper bound in minutes (≤ 1, 5, 15, 60, 360, 1440, 4320, 10080, more).
        public var histogram: [Bucket]
        public struct Bucket: Sendable, Encodable {
            public var upToMinutes: Int?
            public var people: Int
        }
    }

    public struct Result: Sendable, Encodable {
        public var from: Date
        public var until: Date
        public var windowMinutes: Int
        public var order: String
        public var entered: Int
        public var converted: Int
        public var conversion: Proportion
        public var steps: [StepResult]
        public var breakdown: String?
        public var attribution: String?
        public var groups: [GroupResult]
        public var overTime: [PeriodResult]
        public var timeToConvert: TimeToConvert
    }

    struct Matcher {
        var event: String
        var channel: String?
        var properties: [String: JSONValue]
        func matches(_ row: FunnelRow) -> Bool {
            guard row.name == event else { return false }
            if let channel, row.channel != channel { return false }
            for (name, value) in properties where row.properties?[name] != value { return false }
            return true
        }
    }

    public func run(_ query: Query, for principal: Principal) async throws -> Result {
        try principal.require(.journeysRead)
        return try await run(query, in: principal.workspaceID)
    }

    /// Checks every field of `query` (throws a ``ValidationError`` naming them) without reading events.
    public func validate(_ query: Query) throws {
        _ = try checked(query)
    }

    typealias Checked = (matchers: [Matcher], exclusions: [(Matcher, FunnelDefinition.Exclusion)], steps: [Query.Step], window: Int, order: FunnelOrder,
                         from: Date, until: Date, breakdown: FunnelSummary.Breakdown, breakdownText: String?, attributionText: String?,
                         readProperty: String?, readTrait: String?, readPersona: Bool, byChannel: Bool, period: String)

    func checked(_ query: Query) throws -> Checked {
        var issues = ValidationCollector()
        let steps = query.steps ?? []
        if steps.count < 2 || steps.count > Self.maximumSteps {
            issues.add(FieldIssue(field: "steps", issue: steps.isEmpty ? .missing : .invalid, hint: "Give 2 to \(Self.maximumSteps) steps, each {\"event\":\"Product Viewed\"}."))
        }
        var matchers: [Matcher] = []
        for (index, step) in steps.prefix(Self.maximumSteps).enumerated() {
            let event = (step.event ?? "").trimmingCharacters(in: .whitespaces)
            if event.isEmpty || event.count > 200 { issues.add(FieldIssue(field: "steps[\(index)].event", issue: .missing, hint: "Name the event of this step, e.g. Order Completed.")) }
            if let channel = step.channel { _ = issues.check { () throws(ValidationError) in try Channel.validate(channel, field: "steps[\(index)].channel") } }
            if let minutes = step.withinMinutes, !(1...525_600).contains(minutes) {
                issues.add(FieldIssue(field: "steps[\(index)].withinMinutes", issue: .invalid, hint: "Give 1 to 525,600 minutes, or leave it out."))
            }
            if step.optional == true && (index == 0 || index == steps.count - 1) {
                issues.add(FieldIssue(field: "steps[\(index)].optional", issue: .notAllowed, hint: "The first and the last step cannot be optional."))
            }
            matchers.append(Matcher(event: event, channel: step.channel, properties: step.properties ?? [:]))
        }
        let window = query.windowMinutes ?? 7 * 1440
        if !(1...525_600).contains(window) { issues.add(FieldIssue(field: "windowMinutes", issue: .invalid, hint: "Give a conversion window of 1 to 525,600 minutes (7 days is 10080).")) }
        var order = FunnelOrder.sequential
        if let text = query.order {
            if let chosen = FunnelOrder(rawValue: text) { order = chosen } else {
                issues.add(FieldIssue(field: "order", issue: .unknownValue(allowed: FunnelOrder.allCases.map(\.rawValue)), hint: "Use sequential, strict or any_order."))
            }
        }
        if order == .anyOrder, steps.contains(where: { $0.optional == true || $0.withinMinutes != nil }) {
            issues.add(FieldIssue(field: "order", issue: .notAllowed, hint: "Optional steps and per-step windows need sequential or strict order."))
        }
        var exclusions: [(Matcher, FunnelDefinition.Exclusion)] = []
        for (index, exclusion) in (query.exclusions ?? []).enumerated() {
            let event = (exclusion.event ?? "").trimmingCharacters(in: .whitespaces)
            if event.isEmpty { issues.add(FieldIssue(field: "exclusions[\(index)].event", issue: .missing, hint: "Name the event that excludes, e.g. Order Cancelled.")) }
            let after = exclusion.afterStep ?? 1, before = exclusion.beforeStep ?? steps.count
            if after < 1 || before > steps.count || after >= before {
                issues.add(FieldIssue(field: "exclusions[\(index)].afterStep", issue: .invalid, hint: "Give steps 1 ≤ afterStep < beforeStep ≤ \(steps.count)."))
            }
            exclusions.append((Matcher(event: event, channel: nil, properties: [:]), .init(after: after - 1, before: before - 1)))
        }
        if exclusions.count > 8 { issues.add(FieldIssue(field: "exclusions", issue: .invalid, hint: "Use at most 8 exclusions.")) }
        let span = ReportPeriod.parse(from: query.from, until: query.until, now: clock.now(), defaultDays: 30, collecting: &issues)
        var breakdown: FunnelSummary.Breakdown = .none
        var breakdownText: String?, attributionText: String?
        var readProperty: String?, readTrait: String?, byChannel = false, readPersona = false
        if let requested = query.breakdown, let by = requested.by {
            breakdownText = by
            if by == "channel" { byChannel = true }
            else if by.hasPrefix("property:"), by.count > 9, by.count <= 109 { readProperty = String(by.dropFirst(9)) }
            else if by.hasPrefix("trait:"), by.count > 6, by.count <= 106 { readTrait = String(by.dropFirst(6)) }
            else if by == "persona" { readPersona = true }
            else { issues.add(FieldIssue(field: "breakdown.by", issue: .invalid, hint: "Break down by channel, persona, property:<name> or trait:<name>.")) }
            if readTrait != nil || readPersona {
                breakdown = .trait
            } else {
                let attribution = requested.attribution.flatMap(FunnelAttribution.init(rawValue:)) ?? .firstTouch
                if let text = requested.attribution, FunnelAttribution(rawValue: text) == nil {
                    issues.add(FieldIssue(field: "breakdown.attribution", issue: .unknownValue(allowed: FunnelAttribution.allCases.map(\.rawValue)),
                                          hint: "Use first_touch, last_touch, all_steps or step."))
                }
                var step = 0
                if attribution == .step {
                    if let chosen = requested.step, (1...max(1, steps.count)).contains(chosen) { step = chosen - 1 } else {
                        issues.add(FieldIssue(field: "breakdown.step", issue: .invalid, hint: "Name the step (1 to \(steps.count)) whose value counts."))
                    }
                }
                breakdown = .events(attribution, step: step)
                attributionText = attribution.rawValue
            }
        }
        let period = query.period ?? "day"
        if !["day", "week"].contains(period) { issues.add(FieldIssue(field: "period", issue: .unknownValue(allowed: ["day", "week"]), hint: "Use day or week.")) }
        try issues.throwIfAny()
        let (from, until) = span!
        return (matchers, exclusions, steps, window, order, from, until, breakdown, breakdownText, attributionText, readProperty, readTrait, readPersona, byChannel, period)
    }

    /// The funnel over one workspace's events (no permission check: the caller's or the watch's own).
    func run(_ query: Query, in workspace: WorkspaceID) async throws -> Result {
        let (matchers, exclusions, steps, window, order, from, until, breakdown, breakdownText, attributionText, readProperty, readTrait, readPersona, byChannel, period)
            = try checked(query)
        let definition = FunnelDefinition(stepCount: matchers.count, window: Int64(window) * 60_000,
                                          stepWindows: steps.map { $0.withinMinutes.map { Int64($0) * 60_000 } },
                                          optional: steps.map { $0.optional ?? false }, order: order, exclusions: exclusions.map(\.1),
                                          latestStart: until.storageMillis)
        let names = Set(matchers.map(\.event) + exclusions.map(\.0.event))
        let needsProperties = readProperty != nil || matchers.contains { !$0.properties.isEmpty }
        let bucketSize: Int64 = period == "week" ? 7 * 86_400_000 : 86_400_000
        // Weeks start on Monday (day 0, 1 January 1970, was a Thursday: Monday is day 4).
        let bucket: @Sendable (Int64) -> Int64 = { time in
            period == "week" ? ((time - 4 * 86_400_000) / bucketSize) * bucketSize + 4 * 86_400_000 : (time / bucketSize) * bucketSize
        }
        let readUntil = until.storageMillis + Int64(window) * 60_000 + 1
        let members = try await SegmentFilter.members(query.segment, in: workspace, store: store)
        // The columns hold person, time, name and channel: every funnel that reads no event property.
        if !needsProperties, let columns, case let snapshot = try await columns.snapshot(of: workspace), !snapshot.overflow {
            var traits: [String: String]?
            if let readTrait { traits = try await store.traitValues(readTrait, in: workspace) }
            // Each customer's persona (its key) at the last persona computation.
            if readPersona { traits = try await store.personas(in: workspace) }
            let summary = await Self.summarise(snapshot, matchers: matchers, exclusions: exclusions, everything: order == .strict, byChannel: byChannel,
                                               traits: traits, definition: definition, breakdown: breakdown, from: from.storageMillis, until: readUntil,
                                               bucket: bucket, members: members)
            return result(summary, steps: steps, matchers: matchers, from: from, until: until, window: window, order: order,
                          breakdown: breakdownText, attribution: attributionText)
        }
        var people: [FunnelSummary.Person] = []
        var current: (profile: String, events: [FunnelEvent])?
        func close() {
            if let current, current.events.contains(where: { $0.steps != 0 }), members?.contains(current.profile) ?? true {
                people.append(.init(key: current.profile, events: current.events))
            }
        }
        try await store.funnelEvents(in: workspace, names: names, everything: order == .strict, from: from,
                                     until: Date(storageMillis: readUntil), properties: needsProperties) { rows in
            for row in rows {
                if current?.profile != row.profile {
                    close()
                    current = (row.profile, [])
                }
                var bits: UInt32 = 0, excluded: UInt32 = 0
                for (index, matcher) in matchers.enumerated() where matcher.matches(row) { bits |= 1 << UInt32(index) }
                for (index, exclusion) in exclusions.enumerated() where exclusion.0.matches(row) { excluded |= 1 << UInt32(index) }
                var value: String?
                if byChannel { value = row.channel }
                if let readProperty { value = row.properties?[readProperty].map { $0.stringValue ?? $0.jsonText() } }
                current!.events.append(FunnelEvent(time: row.time, steps: bits, exclusions: excluded, value: value))
            }
        }
        close()
        if let readTrait {
            let values = try await store.traitValues(readTrait, of: people.map(\.key), in: workspace)
            for index in people.indices { people[index].trait = values[people[index].key] }
        }
        if readPersona {
            let personas = try await store.personas(in: workspace)
            for index in people.indices { people[index].trait = personas[people[index].key] }
        }
        let summary = FunnelSummary.summarise(people, definition, breakdown: breakdown, bucket: bucket)
        return result(summary, steps: steps, matchers: matchers, from: from, until: until, window: window, order: order,
                      breakdown: breakdownText, attribution: attributionText)
    }

    /// The funnel over the columns: each person's events in [from, until) that are steps or exclusions (every event for
    /// a strict order), their step and exclusion bits from tables by name and channel, people in two parts at once.
    static func summarise(_ snapshot: ColumnSnapshot, matchers: [Matcher], exclusions: [(Matcher, FunnelDefinition.Exclusion)], everything: Bool,
                          byChannel: Bool, traits: [String: String]?, definition: FunnelDefinition, breakdown: FunnelSummary.Breakdown,
                          from: Int64, until: Int64, bucket: @escaping @Sendable (Int64) -> Int64, members: Set<String>? = nil) async -> FunnelSummary {
        // Bits by name index; a step that also names a channel is checked per event.
        var stepBits = [UInt32](repeating: 0, count: snapshot.names.count), excludeBits = stepBits
        var byChannelSteps: [(bit: UInt32, name: UInt16, channel: UInt8?)] = []
        for (index, matcher) in matchers.enumerated() {
            guard let name = snapshot.nameIndex(of: matcher.event) else { continue }
            if let channel = matcher.channel { byChannelSteps.append((1 << UInt32(index), name, snapshot.channelIndex(of: channel))) }
            else { stepBits[Int(name)] |= 1 << UInt32(index) }
        }
        for (index, exclusion) in exclusions.enumerated() {
            if let name = snapshot.nameIndex(of: exclusion.0.event) { excludeBits[Int(name)] |= 1 << UInt32(index) }
        }
        let wanted: [Bool]? = everything ? nil : (0..<snapshot.names.count).map { name in
            stepBits[name] != 0 || excludeBits[name] != 0 || byChannelSteps.contains { Int($0.name) == name }
        }
        let steps = stepBits, excludes = excludeBits, channelSteps = byChannelSteps, channels = snapshot.channels
        let builder = await snapshot.reduce(from: from, until: until, wanted: wanted, initial: { FunnelSummary.Builder(definition, breakdown: breakdown) }) { builder, key, events in
            if let members, !members.contains(key) { return }
            var funnelEvents: [FunnelEvent] = []
            funnelEvents.reserveCapacity(events.count)
            var any = false
            for event in events {
                var bits = steps[Int(event.name)]
                for step in channelSteps where step.name == event.name && step.channel == event.channel { bits |= step.bit }
                any = any || bits != 0
                funnelEvents.append(FunnelEvent(time: event.time, steps: bits, exclusions: excludes[Int(event.name)], value: byChannel ? channels[Int(event.channel)] : nil))
            }
            guard any else { return }
            builder.add(key: key, events: funnelEvents, trait: traits?[key], bucket: bucket)
        } merge: { $0.merge($1) }
        return builder.finish()
    }

    /// The event names the workspace's people sent in the last 90 days (for choosing steps), up to 300.
    public func eventNames(for principal: Principal) async throws -> [String] {
        try principal.require(.journeysRead)
        let since = clock.now().addingTimeInterval(-90 * 86_400)
        if let columns, case let snapshot = try await columns.snapshot(of: principal.workspaceID), !snapshot.overflow {
            return Array(snapshot.names(since: since.storageMillis).prefix(300))
        }
        return try await store.eventNames(in: principal.workspaceID, since: since, limit: 300)
    }

    func result(_ summary: FunnelSummary, steps: [Query.Step], matchers: [Matcher], from: Date, until: Date, window: Int, order: FunnelOrder,
                breakdown: String?, attribution: String?) -> Result {
        let overall = summary.overall
        let entered = overall.entered
        var previous: Int?
        var stepResults: [StepResult] = []
        for (index, step) in overall.steps.enumerated() {
            let optional = steps[index].optional ?? false
            let dropped = summary.droppedAt[index]
            stepResults.append(StepResult(step: index + 1, event: matchers[index].event, optional: optional, people: step.people,
                                          conversionFromPrevious: previous.map { Proportion(successes: min(step.people, $0), n: $0) },
                                          conversionFromStart: Proportion(successes: min(step.people, entered), n: entered),
                                          medianMinutesFromPrevious: step.medianFromPrevious.map { Double($0) / 60_000 },
                                          dropped: dropped.count, droppedProfileIds: Array(dropped.prefix(100))))
            if !optional { previous = step.people }
        }
        let times = summary.timesToConvert
        func percentile(_ q: Double) -> Double? {
            guard !times.isEmpty else { return nil }
            return Double(times[min(times.count - 1, Int((q * Double(times.count - 1)).rounded()))]) / 60_000
        }
        let bounds = [1, 5, 15, 60, 360, 1440, 4320, 10080]
        var histogram = bounds.map { TimeToConvert.Bucket(upToMinutes: $0, people: 0) } + [TimeToConvert.Bucket(upToMinutes: nil, people: 0)]
        for time in times {
            let index = bounds.firstIndex { Int64($0) * 60_000 >= time } ?? bounds.count
            histogram[index].people += 1
        }
        return Result(from: from, until: until, windowMinutes: window, order: order.rawValue, entered: entered, converted: overall.converted,
                      conversion: Proportion(successes: overall.converted, n: entered), steps: stepResults, breakdown: breakdown, attribution: attribution,
                      groups: summary.groups.map { group in
                          GroupResult(value: group.value, entered: group.entered, converted: group.converted,
                                      conversion: Proportion(successes: group.converted, n: group.entered), steps: group.steps.map(\.people))
                      },
                      overTime: summary.overTime.map { PeriodResult(start: Date(storageMillis: $0.bucket), entered: $0.entered, converted: $0.converted,
                                                                    conversion: Proportion(successes: $0.converted, n: $0.entered), steps: $0.steps) },
                      timeToConvert: TimeToConvert(converted: times.count, p25Minutes: percentile(0.25), medianMinutes: percentile(0.5),
                                                   p75Minutes: percentile(0.75), p90Minutes: percentile(0.9), histogram: histogram))
    }
}

public import CairnAnalytics
public import CairnCore
public import CairnStore
public import Foundation

/// The most common paths before or after a chosen step across channels (web visit → call → store visit), from the
/// customers' own events (`Paths` has the rules; docs/journeys.md). Needs `journeys.read`.
public struct JourneyPaths: Sendable {
    let store: Store
    public let clock: DateSource

    public init(store: Store, clock: DateSource = .system) {
        self.store = store
        self.clock = clock
    }

    public struct Query: Sendable, Decodable {
        public var event: String?
        public var channel: String?
        public var direction: String?
        public var depth: Int?
        public var windowMinutes: Int?
        public var from: String?
        public var until: String?
        /// `event`, `channel` or `event_channel` (the default): what a step of the path shows.
        public var by: String?
        public var collapse: Bool?
        public var top: Int?

        public init(event: String?, channel: String? = nil, direction: String? = nil, depth: Int? = nil, windowMinutes: Int? = nil, from: String? = nil,
                    until: String? = nil, by: String? = nil, collapse: Bool? = nil, top: Int? = nil) {
            self.event = event
            self.channel = channel
            self.direction = direction
            self.depth = depth
            self.windowMinutes = windowMinutes
            self.from = from
            self.until = until
            self.by = by
            self.collapse = collapse
            self.top = top
        }
    }

    public struct Path: Sendable, Encodable {
        public var steps: [String]
        public var people: Int
        public var share: Proportion
    }

    public struct Result: Sendable, Encodable {
        public var event: String
        public var direction: String
        public var depth: Int
        public var from: Date
        public var until: Date
        /// People whose first anchor event fell in the period.
        public var people: Int
        public var paths: [Path]
    }

    public static let showing = ["event", "channel", "event_channel"]

    public func run(_ query: Query, for principal: Principal) async throws -> Result {
        try principal.require(.journeysRead)
        var issues = ValidationCollector()
        let event = (query.event ?? "").trimmingCharacters(in: .whitespaces)
        if event.isEmpty || event.count > 200 { issues.add(FieldIssue(field: "event", issue: .missing, hint: "Name the step the paths go into or out of, e.g. Support Case Opened.")) }
        if let channel = query.channel { _ = issues.check { () throws(ValidationError) in try Channel.validate(channel, field: "channel") } }
        var direction = PathDirection.after
        if let text = query.direction {
            if let chosen = PathDirection(rawValue: text) { direction = chosen } else {
                issues.add(FieldIssue(field: "direction", issue: .unknownValue(allowed: PathDirection.allCases.map(\.rawValue)), hint: "Use after or before."))
            }
        }
        let depth = query.depth ?? 3
        if !(1...6).contains(depth) { issues.add(FieldIssue(field: "depth", issue: .invalid, hint: "Show 1 to 6 steps.")) }
        let window = query.windowMinutes ?? 7 * 1440
        if !(1...525_600).contains(window) { issues.add(FieldIssue(field: "windowMinutes", issue: .invalid, hint: "Give 1 to 525,600 minutes (7 days is 10080).")) }
        let by = query.by ?? "event_channel"
        if !Self.showing.contains(by) { issues.add(FieldIssue(field: "by", issue: .unknownValue(allowed: Self.showing), hint: "Show steps by event, channel or event_channel.")) }
        let top = query.top ?? 20
        if !(1...100).contains(top) { issues.add(FieldIssue(field: "top", issue: .invalid, hint: "Show the 1 to 100 most common paths.")) }
        let period = ReportPeriod.parse(from: query.from, until: query.until, now: clock.now(), defaultDays: 30, collecting: &issues)
        try issues.throwIfAny()
        let (from, until) = period!

        let span = TimeInterval(window * 60)
        var paths: [[String]?] = []
        var current: (profile: String, events: [PathEvent])?
        let collapse = query.collapse ?? true
        func close() {
            if let current {
                paths.append(Paths.path(of: current.events, direction: direction, depth: depth, window: Int64(window) * 60_000, collapse: collapse,
                                        from: from.storageMillis, until: until.storageMillis))
            }
        }
        // Every event of the people, from a window before the period to a window after it.
        try await store.funnelEvents(in: principal.workspaceID, names: [], everything: true, from: from.addingTimeInterval(-span), until: until.addingTimeInterval(span),
                                     properties: false) { rows in
            for row in rows {
                if current?.profile != row.profile {
                    close()
                    current = (row.profile, [])
                }
                let name = row.name ?? "(page)"
                let touchpoint = switch by {
                case "event": name
                case "channel": row.channel
                default: "\(name) · \(row.channel)"
                }
                let isAnchor = row.name == event && (query.channel == nil || row.channel == query.channel)
                current!.events.append(PathEvent(time: row.time, touchpoint: touchpoint, isAnchor: isAnchor))
            }
        }
        close()
        let counted = Paths.count(paths, top: top)
        return Result(event: event, direction: direction.rawValue, depth: depth, from: from, until: until, people: counted.people,
                      paths: counted.paths.map { Path(steps: $0.steps, people: $0.people, share: Proportion(successes: $0.people, n: counted.people)) })
    }
}

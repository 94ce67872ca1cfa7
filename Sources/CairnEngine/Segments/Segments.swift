public import CairnCore
public import CairnStore
public import Foundation
import Logging

/// Segments: named groups of customers by rules over traits, events, computed values and consent, kept current as
/// events are tied to customers (``SegmentEventHandler``), when something else about a customer changes, and as events
/// leave a condition's window (``sweep()``). Reading needs `customers.read`; defining needs `segments.manage`.
public struct Segments: Sendable {
    let store: Store
    let columns: EventColumns
    public let clock: DateSource
    private let logger = Logger(label: "cairn.segments")

    public init(store: Store, columns: EventColumns, clock: DateSource = .system) {
        self.store = store
        self.columns = columns
        self.clock = clock
    }

    public static let enteredEvent = "segment.entered"
    public static let leftEvent = "segment.left"

    // MARK: Reading

    public func list(for principal: Principal) async throws -> [Segment] {
        try principal.require(.customersRead)
        return try await store.segments(in: principal.workspaceID)
    }

    public func segment(_ id: SegmentID, for principal: Principal) async throws -> Segment {
        try principal.require(.customersRead)
        guard let segment = try await store.segment(id: id, in: principal.workspaceID) else { throw NotFoundError(kind: "segment", id: id.rawValue) }
        return segment
    }

    /// A page of a segment's members, by profile id.
    public func members(of id: SegmentID, for principal: Principal, after cursor: String?, limit: PageSize) async throws -> Page<(profile: ProfileID, enteredAt: Date)> {
        let segment = try await segment(id, for: principal)
        return try await store.segmentMembers(of: segment.id, in: principal.workspaceID, after: cursor, limit: limit.value)
    }

    public func changes(of id: SegmentID, for principal: Principal, after cursor: Cursor?, limit: PageSize) async throws -> Page<SegmentChange> {
        let segment = try await segment(id, for: principal)
        return try await store.segmentChanges(of: segment, after: cursor, limit: limit.value)
    }

    /// A segment's size per day from `from` to `until` (days without a change carry the size before them).
    public func counts(of id: SegmentID, for principal: Principal, days: Int = 90) async throws -> [SegmentDayCount] {
        let segment = try await segment(id, for: principal)
        let today = clock.now().utcDay
        let first = max(today - Int64(days) + 1, segment.createdAt.utcDay)
        let rows = try await store.segmentCounts(of: segment.id, in: principal.workspaceID, fromDay: first, untilDay: today)
        var byDay = Dictionary(rows.map { ($0.day, $0) }, uniquingKeysWith: { $1 })
        var members = byDay[first - 1]?.members ?? 0
        var series: [SegmentDayCount] = []
        for day in first...today {
            if let row = byDay.removeValue(forKey: day) { members = row.members }
            let found = rows.first { $0.day == day }
            series.append(SegmentDayCount(day: Self.dayText(day), members: members, entered: found?.entered ?? 0, left: found?.left ?? 0))
        }
        return series
    }

    static func dayText(_ day: Int64) -> String {
        let date = Date(timeIntervalSince1970: Double(day) * 86_400)
        return date.formatted(Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!).year().month().day())
    }

    /// The segments a customer is in, and their latest entries and exits.
    public func memberships(of profile: ProfileID, for principal: Principal) async throws -> (current: [(segment: Segment, enteredAt: Date)], changes: [SegmentChange]) {
        try principal.require(.customersRead)
        let workspace = principal.workspaceID
        guard let stored = try await store.profile(id: profile, in: workspace) else { throw NotFoundError(kind: "profile", id: profile.rawValue) }
        let profile = stored.profile.id
        let segments = Dictionary(uniqueKeysWithValues: try await store.segments(in: workspace).map { ($0.id, $0) })
        let current = try await store.segmentMemberships(of: profile, in: workspace).compactMap { row in segments[row.segment].map { (segment: $0, enteredAt: row.enteredAt) } }
        return (current.sorted { $0.segment.name < $1.segment.name }, try await store.segmentChanges(of: profile, in: workspace, limit: 50))
    }

    // MARK: Defining

    /// Checks a rule against the workspace: the segments it names exist and do not lead back to `segment`.
    func check(_ rule: SegmentRule, for segment: SegmentID?, in workspace: WorkspaceID, existing: [Segment]) throws(ValidationError) {
        let byID = Dictionary(existing.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var issues = ValidationCollector()
        for id in rule.needs.segments.sorted(by: { $0.rawValue < $1.rawValue }) {
            guard byID[id] != nil else {
                issues.add(FieldIssue(field: "rule", issue: .invalid, hint: "The rule names segment \(id), which this workspace does not have."))
                continue
            }
            if let segment, id == segment || Self.reaches(id, segment, byID) {
                issues.add(FieldIssue(field: "rule", issue: .invalid, hint: "The rule names segment \(id), which is built on this one; a segment cannot contain itself."))
            }
        }
        try issues.throwIfAny()
    }

    private static func reaches(_ from: SegmentID, _ target: SegmentID, _ byID: [SegmentID: Segment]) -> Bool {
        var stack = [from], seen = Set<SegmentID>()
        while let next = stack.popLast() {
            guard seen.insert(next).inserted, let segment = byID[next] else { continue }
            for inner in segment.rule.needs.segments {
                if inner == target { return true }
                stack.append(inner)
            }
        }
        return false
    }

    /// Defines a segment and builds it over every customer (its first members are not announced one by one).
    public func create(name: String?, description: String?, rule json: JSONValue?, by principal: Principal) async throws -> Segment {
        try principal.require(.segmentsManage)
        var issues = ValidationCollector()
        let name = issues.check { () throws(ValidationError) in try Segment.validateName(name) }
        let description = issues.check { () throws(ValidationError) in try Segment.validateDescription(description) }
        let rule = issues.check { () throws(ValidationError) in try SegmentRule.parse(json) }
        try issues.throwIfAny()
        let workspace = principal.workspaceID
        let existing = try await store.segments(in: workspace)
        guard existing.count < Segment.maximumPerWorkspace else {
            throw ValidationError(field: "name", issue: .notAllowed, hint: "A workspace has at most \(Segment.maximumPerWorkspace) segments; delete one you no longer use.")
        }
        if existing.contains(where: { $0.name.lowercased() == name!.lowercased() }) {
            throw ValidationError(field: "name", issue: .alreadyTaken, hint: "Another segment has this name; choose another.")
        }
        try check(rule!, for: nil, in: workspace, existing: existing)
        let now = clock.now()
        let segment = Segment(id: .generate(), workspaceID: workspace, name: name!, description: description!, rule: rule!, memberCount: 0,
                              createdAt: now, updatedAt: now, evaluatedAt: nil)
        for path in WholeEvaluation.comparedPaths(rule!) { try await store.ensurePropertyIndex(path) }
        return try await build(segment, announce: false, isNew: true)
    }

    /// Changes a segment's name, description or rule; a changed rule rebuilds it over every customer.
    public func update(_ id: SegmentID, name: String?, description: String?, rule json: JSONValue?, by principal: Principal) async throws -> Segment {
        try principal.require(.segmentsManage)
        var segment = try await segment(id, for: principal)
        var issues = ValidationCollector()
        if let name { if let checked = issues.check({ () throws(ValidationError) in try Segment.validateName(name) }) { segment.name = checked } }
        if let description { if let checked = issues.check({ () throws(ValidationError) in try Segment.validateDescription(description) }) { segment.description = checked } }
        var newRule: SegmentRule?
        if let json { newRule = issues.check { () throws(ValidationError) in try SegmentRule.parse(json) } }
        try issues.throwIfAny()
        let existing = try await store.segments(in: principal.workspaceID)
        if existing.contains(where: { $0.id != id && $0.name.lowercased() == segment.name.lowercased() }) {
            throw ValidationError(field: "name", issue: .alreadyTaken, hint: "Another segment has this name; choose another.")
        }
        segment.updatedAt = clock.now()
        guard let newRule, newRule != segment.rule else {
            _ = try await store.renameSegment(id, name: segment.name, description: segment.description, at: segment.updatedAt, in: principal.workspaceID)
            return segment
        }
        try check(newRule, for: id, in: principal.workspaceID, existing: existing)
        for path in WholeEvaluation.comparedPaths(newRule) { try await store.ensurePropertyIndex(path) }
        segment.rule = newRule
        return try await build(segment, announce: false, isNew: false)
    }

    /// Deletes a segment; refused while another segment's rule names it.
    public func delete(_ id: SegmentID, by principal: Principal) async throws {
        try principal.require(.segmentsManage)
        let segment = try await segment(id, for: principal)
        let users = try await store.segments(in: principal.workspaceID).filter { $0.id != id && $0.rule.needs.segments.contains(id) }
        if let user = users.first {
            throw ConflictError(field: "segment", detail: "Segment \(user.name) is built on this one; change or delete it first.")
        }
        _ = try await store.deleteSegment(segment.id, in: principal.workspaceID)
    }

    /// How many customers a rule would hold now, with a few of them, without saving anything.
    public func preview(rule json: JSONValue?, for principal: Principal) async throws -> (count: Int, total: Int, sample: [ProfileID]) {
        try principal.require(.customersRead)
        let rule = try SegmentRule.parse(json)
        let workspace = principal.workspaceID
        try check(rule, for: nil, in: workspace, existing: try await store.segments(in: workspace))
        let now = clock.now()
        let columns = self.columns
        return try await store.transaction { tx in
            var whole = try await WholeEvaluation(workspace: workspace, tx: tx, columns: columns, now: now)
            let bits = try await whole.members(of: rule)
            var sample: [ProfileID] = [], count = 0
            for (i, member) in bits.enumerated() where member {
                count += 1
                if sample.count < 10 { sample.append(ProfileID(rawValue: whole.profiles[i])) }
            }
            return (count, whole.count, sample)
        }
    }

    /// Evaluates a segment over every customer and stores who belongs, under the workspace's resolution lock (so no
    /// event is decided on meanwhile). `announce` records each entry and exit as a change (a rebuild after new values);
    /// a new or redefined segment only takes its members.
    @discardableResult
    func build(_ segment: Segment, announce: Bool, isNew: Bool) async throws -> Segment {
        let columns = self.columns, now = clock.now()
        return try await store.transaction { tx in
            let workspace = segment.workspaceID
            try await tx.lockWorkspaceForResolution(workspace)
            if isNew {
                try await tx.save(segment)
                try await tx.setSegmentSwept(segment.id, at: now.storageMillis, in: workspace)
            }
            var whole = try await WholeEvaluation(workspace: workspace, tx: tx, columns: columns, now: now)
            let bits = try await whole.members(of: segment.rule)
            let held = isNew ? [] : try await tx.segmentMemberIDs(of: segment.id, in: workspace)
            var entered: [String] = [], left: [String] = []
            var members = 0
            for (i, member) in bits.enumerated() {
                if member { members += 1 }
                if member != held.contains(whole.profiles[i]) { (member ? { entered.append(whole.profiles[i]) } : { left.append(whole.profiles[i]) })() }
            }
            // Members no longer among the live customers (merged meanwhile) leave quietly.
            let gone = held.filter { whole.index[$0] == nil }
            var saved = segment
            saved.evaluatedAt = now
            if !isNew { try await tx.save(saved) }
            try await tx.changeMembers(of: segment.id, adding: entered, removing: left + gone, at: now, in: workspace)
            if announce {
                // Each entry and exit on the timeline, in the day's counts and as a webhook.
                try await tx.apply(entered.map { (segment, ProfileID(rawValue: $0), SegmentChange.Kind.entered) } + left.map { (segment, ProfileID(rawValue: $0), .left) },
                                   announce: true, writeMembers: false, at: now, in: workspace)
            }
            try await tx.setSegmentSize(segment.id, members: members, evaluatedAt: now, in: workspace)
            saved.memberCount = members
            return saved
        }
    }

    // MARK: Keeping current besides events

    /// Decides again: customers whose events left a condition's window since the last sweep, those marked stale (an
    /// answer, a consent statement, an erasure), and — after a new value or persona computation — every segment that
    /// reads those, over the whole workspace. The segment service calls this every few seconds.
    @discardableResult
    public func sweep() async throws -> Int {
        var decided = 0
        let now = clock.now()
        for workspace in try await store.workspacesWithSegments() {
            decided += try await sweep(workspace, now: now)
        }
        // Stale customers of workspaces without segments are dropped.
        for workspace in try await store.workspacesWithStaleSegments() where try await store.segments(in: workspace).isEmpty {
            _ = try await store.transaction { tx in try await tx.takeStaleProfiles(in: workspace, limit: 100_000) }
        }
        return decided
    }

    func sweep(_ workspace: WorkspaceID, now: Date) async throws -> Int {
        // Whole rebuilds after a new value or persona computation.
        let (segments, computed) = try await store.transaction { tx -> ([Segment], (value: Int64?, persona: Int64?)) in
            (try await tx.segments(in: workspace), (try await tx.valueComputedAt(in: workspace), try await tx.personasComputedAt(in: workspace)))
        }
        var decided = 0
        for segment in segments.inDependencyOrder() ?? segments {
            let needs = segment.rule.needs
            let evaluated = segment.evaluatedAt?.storageMillis ?? .min
            if (needs.value && (computed.value ?? .min) > evaluated) || (needs.persona && (computed.persona ?? .min) > evaluated) {
                let before = segment.memberCount
                let rebuilt = try await build(segment, announce: true, isNew: false)
                decided += abs(rebuilt.memberCount - before)
            }
        }
        // Customers whose events left a window, and stale ones.
        let at = now.storageMillis
        decided += try await store.transaction { tx in
            try await tx.lockWorkspaceForResolution(workspace)
            let segments = try await tx.segments(in: workspace)
            let swept = try await tx.segmentSweptAt(in: workspace)
            var profiles = Set(try await tx.takeStaleProfiles(in: workspace, limit: 5_000))
            for segment in segments {
                let last = swept[segment.id] ?? segment.createdAt.storageMillis
                for (name, window) in segment.rule.needs.events {
                    guard let days = window else { continue }
                    let span = Int64(days) * 86_400_000
                    profiles.formUnion(try await tx.profilesWithEvents(named: [name], from: last - span, until: at - span, in: workspace, limit: 50_000))
                }
            }
            try await tx.setSegmentsSwept(at: at, in: workspace)
            return try await SegmentMembership.decide(profiles, in: workspace, tx: tx, now: now, segments: segments)
        }
        return decided
    }
}

/// Decides the memberships of the customers whose events were just tied, in the resolution's transaction; the
/// memberships of profiles merged into them go (their survivor is decided instead).
public struct SegmentEventHandler: ResolvedEventHandler {
    public let name = "segments"
    private let logger = Logger(label: "cairn.segments")

    public init() {}

    public func handle(_ events: [ResolvedEvent], in context: ResolutionContext) async throws {
        let profiles = Set(events.map(\.profile))
        let segments = try await context.tx.segments(in: context.workspace)
        guard !segments.isEmpty else { return }
        if let error = try await context.tx.withSavepoint({
            try await context.tx.dropMembershipsOfMerged(into: profiles, in: context.workspace, at: context.now)
            _ = try await SegmentMembership.decide(profiles, in: context.workspace, tx: context.tx, now: context.now, segments: segments)
        }) {
            logger.warning("segment memberships not decided", metadata: ["error": "\(String(reflecting: error).prefix(300))"])
        }
    }
}

/// A segment as a filter of a report: `segment=ID` names one of the workspace's segments; its members are read once.
enum SegmentFilter {
    /// The members of the named segment, nil when none is named; an id that is not one of the workspace's segments is
    /// a problem naming `field`.
    static func members(_ text: String?, field: String = "segment", in workspace: WorkspaceID, store: Store) async throws -> Set<String>? {
        guard let text, !text.isEmpty else { return nil }
        guard let id = SegmentID(text), try await store.segment(id: id, in: workspace) != nil else {
            throw ValidationError(field: field, issue: .invalid, hint: "Give the id of one of this workspace's segments (GET /api/v1/segments).")
        }
        return try await store.segmentMemberIDs(of: id, in: workspace)
    }
}

extension Segments {
    /// The segments a report's form offers as a filter: none for someone who may not see customers.
    public func options(for principal: Principal) async throws -> [Segment] {
        guard principal.can(.customersRead) else { return [] }
        return try await store.segments(in: principal.workspaceID)
    }
}

/// How far one person got through a funnel: the steps of the best chain of their events.
///
/// Semantics (docs/journeys.md has worked examples):
/// - **sequential** (the default): step 1's event starts a chain (any of them may); each later step is an event after
///   the previous step's, with strictly increasing times; other events in between are allowed; the whole chain lies
///   within the window measured from step 1 (`t_k − t_1 ≤ window`, inclusive), and each step within its own window
///   from the step before, when it has one. A step marked optional may be skipped; an exclusion event between the
///   steps it names ends the chain where it is.
/// - **strict**: as sequential, but the next step must be the person's very next event (no other event between).
/// - **any order**: steps 1…m count as done when one event for each lies within one window (`last − first ≤ window`),
///   in any order; optional steps and per-step windows do not apply.
/// A person's level is the furthest step of any chain; among chains that reach it, the one that started first is
/// theirs (its times give the time to convert, its events the breakdown values).
public enum FunnelOrder: String, Sendable, Hashable, Codable, CaseIterable {
    case sequential
    case strict
    case anyOrder = "any_order"
}

public struct FunnelDefinition: Sendable, Hashable {
    public struct Exclusion: Sendable, Hashable {
        /// 0-based: the exclusion applies from step `after` to step `before` (an excluded event strictly between the
        /// chain's time at `after` and its arrival at a step up to `before` stops it).
        public var after: Int
        public var before: Int
        public init(after: Int, before: Int) {
            self.after = after
            self.before = before
        }
    }

    public var stepCount: Int
    /// Whole-funnel window in milliseconds.
    public var window: Int64
    /// Per step (0-based; step 0's is ignored): at most this long after the step before, in milliseconds.
    public var stepWindows: [Int64?]
    public var optional: [Bool]
    public var order: FunnelOrder
    public var exclusions: [Exclusion]
    /// Chains (and any-order windows) start before this time: people enter in the period, later steps may follow
    /// within the window after it.
    public var latestStart: Int64

    public init(stepCount: Int, window: Int64, stepWindows: [Int64?]? = nil, optional: [Bool]? = nil, order: FunnelOrder = .sequential, exclusions: [Exclusion] = [],
                latestStart: Int64 = .max) {
        self.latestStart = latestStart
        self.stepCount = stepCount
        self.window = window
        self.stepWindows = stepWindows ?? Array(repeating: nil, count: stepCount)
        self.optional = optional ?? Array(repeating: false, count: stepCount)
        self.order = order
        self.exclusions = exclusions
    }
}

/// One event of a person, as the funnel sees it: its time (milliseconds), which steps it matches (bit `j` for step
/// `j`), which exclusions (bit `e` for exclusion `e`), and its breakdown value when the breakdown reads events.
public struct FunnelEvent: Sendable, Hashable {
    public var time: Int64
    public var steps: UInt32
    public var exclusions: UInt32
    public var value: String?

    public init(time: Int64, steps: UInt32, exclusions: UInt32 = 0, value: String? = nil) {
        self.time = time
        self.steps = steps
        self.exclusions = exclusions
        self.value = value
    }
}

/// A person's best chain: for each step the index of the event that did it (nil: not done).
public struct FunnelPath: Sendable, Hashable {
    public var events: [Int?]
    /// The furthest step done (0-based); -1 when step 1 never happened.
    public var furthest: Int

    public static func none(_ steps: Int) -> FunnelPath { FunnelPath(events: Array(repeating: nil, count: steps), furthest: -1) }
}

public enum Funnel {
    /// The person's best chain through the funnel. `events` are theirs, sorted by time (ties keep their order).
    public static func path(of events: [FunnelEvent], _ definition: FunnelDefinition) -> FunnelPath {
        let k = definition.stepCount
        guard k > 0 else { return .none(0) }
        var best = FunnelPath.none(k)
        // Sequential and strict chains start at a step-1 event; an any-order window at any event of a step.
        let starts: UInt32 = definition.order == .anyOrder ? ~0 : 1
        for start in events.indices where events[start].steps & starts != 0 && events[start].time < definition.latestStart {
            let candidate: FunnelPath
            switch definition.order {
            case .anyOrder: candidate = anyOrder(events, from: start, definition)
            case .sequential, .strict: candidate = chain(events, from: start, definition)
            }
            // The furthest; among equals the one that started first (starts are visited in time order).
            if candidate.furthest > best.furthest { best = candidate }
            if best.furthest == k - 1 { break }
        }
        return best
    }

    /// Sequential or strict from step 1 at `start`: at an optional step both doing it and skipping it are tried.
    static func chain(_ events: [FunnelEvent], from start: Int, _ definition: FunnelDefinition) -> FunnelPath {
        let k = definition.stepCount
        var picked = [Int?](repeating: nil, count: k)
        picked[0] = start
        var best = FunnelPath(events: picked, furthest: 0)
        func advance(step: Int, previous: Int, lastDone: Int) {
            if step == k { return }
            let origin = events[start].time
            var found: Int?
            var index = previous + 1
            while index < events.count {
                let event = events[index]
                if event.time - origin > definition.window { break }
                if let limit = definition.stepWindows[step], event.time - events[previous].time > limit { break }
                // An exclusion that covers the move from the last step done to this one ends the chain here.
                if event.exclusions != 0, excludes(event, from: lastDone, to: step, definition) { break }
                if event.time > events[previous].time && event.steps & (1 << UInt32(step)) != 0 {
                    found = index
                    break
                }
                if definition.order == .strict { break }  // the very next event had to be this step
                index += 1
            }
            if let found {
                picked[step] = found
                if step > best.furthest { best = FunnelPath(events: picked, furthest: step) }
                advance(step: step + 1, previous: found, lastDone: step)
                picked[step] = nil
            }
            if definition.optional[step] && step + 1 < k {
                advance(step: step + 1, previous: previous, lastDone: lastDone)
            }
        }
        advance(step: 1, previous: start, lastDone: 0)
        return best
    }

    static func excludes(_ event: FunnelEvent, from lastDone: Int, to step: Int, _ definition: FunnelDefinition) -> Bool {
        for (index, rule) in definition.exclusions.enumerated() where event.exclusions & (1 << UInt32(index)) != 0 {
            if rule.after <= lastDone && step <= rule.before { return true }
        }
        return false
    }

    /// Any order: the largest m for which steps 0…m−1 each have their own event within the window that opens at
    /// `start` (`time − start's time ≤ window`, inclusive).
    static func anyOrder(_ events: [FunnelEvent], from start: Int, _ definition: FunnelDefinition) -> FunnelPath {
        let k = definition.stepCount
        let origin = events[start].time
        var inWindow: [Int] = []
        var index = start
        while index < events.count, events[index].time - origin <= definition.window {
            if events[index].steps != 0 { inWindow.append(index) }
            index += 1
        }
        var best = FunnelPath.none(k)
        var m = 1
        while m <= k {
            guard let assignment = match(steps: m, events: inWindow, all: events) else { break }
            best = FunnelPath(events: (0..<k).map { $0 < m ? assignment[$0] : nil }, furthest: m - 1)
            m += 1
        }
        return best
    }

    /// Distinct events for steps 0…m−1, by augmenting paths; nil when there are none.
    static func match(steps m: Int, events candidates: [Int], all: [FunnelEvent]) -> [Int]? {
        var owner: [Int: Int] = [:]   // event index → step
        var stepEvent: [Int?] = Array(repeating: nil, count: m)
        func augment(_ step: Int, _ seen: inout Set<Int>) -> Bool {
            for event in candidates where all[event].steps & (1 << UInt32(step)) != 0 && !seen.contains(event) {
                seen.insert(event)
                if let other = owner[event] {
                    if augment(other, &seen) { owner[event] = step; stepEvent[step] = event; return true }
                } else {
                    owner[event] = step
                    stepEvent[step] = event
                    return true
                }
            }
            return false
        }
        for step in 0..<m {
            var seen: Set<Int> = []
            if !augment(step, &seen) { return nil }
        }
        return stepEvent.map { $0! }
    }
}

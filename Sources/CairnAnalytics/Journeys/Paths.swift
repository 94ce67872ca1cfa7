/// The most common paths into or out of one step: for each person, the touchpoints just before (or just after) their
/// first event of the anchor in the period, counted across people.
///
/// Rules (docs/journeys.md): a person's events are sorted by time; the anchor is their *first* event that matches it
/// (in the period); the path is the next `depth` touchpoints after it (or the `depth` before it, told in the order they
/// happened); a run of the same touchpoint one after another counts once (`Page Viewed, Page Viewed` is one step) when
/// `collapse` is on; a person with fewer touchpoints has a shorter path (ending early is part of the answer); events
/// outside `window` of the anchor are not part of the path.
public enum PathDirection: String, Sendable, Hashable, Codable, CaseIterable {
    case after
    case before
}

public struct PathEvent: Sendable, Hashable {
    public var time: Int64
    /// What the path shows: the event's name, its channel, or both.
    public var touchpoint: String
    public var isAnchor: Bool

    public init(time: Int64, touchpoint: String, isAnchor: Bool) {
        self.time = time
        self.touchpoint = touchpoint
        self.isAnchor = isAnchor
    }
}

public enum Paths {
    /// One person's path from (or to) their first anchor event starting at or after `from` and before `until`; nil
    /// when they have none.
    public static func path(of events: [PathEvent], direction: PathDirection, depth: Int, window: Int64, collapse: Bool, from: Int64 = .min, until: Int64 = .max) -> [String]? {
        guard let anchor = events.firstIndex(where: { $0.isAnchor && $0.time >= from && $0.time < until }) else { return nil }
        let origin = events[anchor].time
        var steps: [String] = []
        let indices: AnyCollection<Int> = direction == .after ? AnyCollection(events.indices.dropFirst(anchor + 1)) : AnyCollection(events.indices.prefix(anchor).reversed())
        for index in indices {
            let event = events[index]
            if abs(event.time - origin) > window { break }
            if collapse, let last = steps.last, last == event.touchpoint { continue }
            if collapse, steps.isEmpty, event.touchpoint == events[anchor].touchpoint { continue }
            steps.append(event.touchpoint)
            if steps.count == depth { break }
        }
        return direction == .after ? steps : steps.reversed()
    }

    public struct Counted: Sendable, Hashable {
        public var steps: [String]
        public var people: Int
    }

    /// The paths of many people, most common first (ties by the path's text), at most `top`; `people` is how many had
    /// the anchor.
    public static func count(_ paths: [[String]?], top: Int) -> (people: Int, paths: [Counted]) {
        var counts: [[String]: Int] = [:]
        var people = 0
        for path in paths {
            guard let path else { continue }
            people += 1
            counts[path, default: 0] += 1
        }
        let sorted = counts.map { Counted(steps: $0.key, people: $0.value) }
            .sorted { ($0.people, $1.steps.joined(separator: "\u{1F}")) > ($1.people, $0.steps.joined(separator: "\u{1F}")) }
        return (people, Array(sorted.prefix(top)))
    }
}

@testable import CairnAnalytics
import Testing

@Suite("Paths into and out of a step, on hand-built timelines")
struct PathsTests {
    func events(_ list: [(Int64, String)], anchor: String = "Call") -> [PathEvent] {
        list.map { PathEvent(time: $0.0, touchpoint: $0.1, isAnchor: $0.1 == anchor) }
    }

    @Test("After and before the first anchor, depth, repeats collapsed, the window, ending early")
    func onePerson() {
        let timeline = events([(0, "Web visit"), (5, "Web visit"), (10, "Call"), (20, "Call"), (30, "Store visit"), (40, "Store visit"), (50, "Order"), (500, "Review")])
        #expect(Paths.path(of: timeline, direction: .after, depth: 3, window: 100, collapse: true) == ["Store visit", "Order"], "the repeated call and visit count once; the review is outside the window")
        #expect(Paths.path(of: timeline, direction: .after, depth: 3, window: 1000, collapse: true) == ["Store visit", "Order", "Review"])
        #expect(Paths.path(of: timeline, direction: .after, depth: 2, window: 1000, collapse: false) == ["Call", "Store visit"])
        #expect(Paths.path(of: timeline, direction: .before, depth: 3, window: 100, collapse: true) == ["Web visit"], "told in the order it happened")
        #expect(Paths.path(of: timeline, direction: .before, depth: 3, window: 100, collapse: false) == ["Web visit", "Web visit"])
        #expect(Paths.path(of: events([(0, "Web visit")]), direction: .after, depth: 3, window: 100, collapse: true) == nil, "no anchor: no path")
        #expect(Paths.path(of: events([(0, "Call")]), direction: .after, depth: 3, window: 100, collapse: true) == [], "an anchor with nothing after")
        // The anchor must fall in the period: the first call in it starts the path.
        let two = events([(0, "Call"), (5, "Web visit"), (100, "Call"), (105, "Store visit")])
        #expect(Paths.path(of: two, direction: .after, depth: 1, window: 50, collapse: true, from: 50) == ["Store visit"])
    }

    @Test("Counting: most common first, ties by text, the top n, people with the anchor")
    func counting() {
        let paths: [[String]?] = [["A", "B"], ["A", "B"], ["C"], nil, [], ["A", "B"], ["C"], ["B"]]
        let counted = Paths.count(paths, top: 3)
        #expect(counted.people == 7)
        #expect(counted.paths.map(\.steps) == [["A", "B"], ["C"], []] && counted.paths.map(\.people) == [3, 2, 1])
    }
}

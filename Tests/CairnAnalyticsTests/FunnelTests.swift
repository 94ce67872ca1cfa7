@testable import CairnAnalytics
import Testing

/// Hand-built timelines: each expectation is worked out by reading the rules of docs/journeys.md, not by the code.
@Suite("Funnels: the semantics on hand-built timelines")
struct FunnelTests {
    // Steps A, B, C are bits 1, 2, 4; X (anything else) is 0.
    static let A: UInt32 = 1, B: UInt32 = 2, C: UInt32 = 4

    func events(_ list: [(Int64, UInt32)], exclusions: [Int64: UInt32] = [:], values: [Int64: String] = [:]) -> [FunnelEvent] {
        list.map { FunnelEvent(time: $0.0, steps: $0.1, exclusions: exclusions[$0.0] ?? 0, value: values[$0.0]) }
    }

    func level(_ list: [(Int64, UInt32)], _ definition: FunnelDefinition, exclusions: [Int64: UInt32] = [:]) -> Int {
        Funnel.path(of: events(list, exclusions: exclusions), definition).furthest + 1
    }

    @Test("Sequential: strictly increasing times, the window from step 1 inclusive, any step-1 event may start a chain")
    func sequential() {
        let abc = FunnelDefinition(stepCount: 3, window: 30)
        #expect(level([(0, Self.A), (10, Self.B), (20, Self.C)], abc) == 3)
        #expect(level([(0, Self.A), (10, Self.B), (30, Self.C)], abc) == 3, "t3 − t1 = 30 ≤ 30: inclusive")
        #expect(level([(0, Self.A), (10, Self.B), (31, Self.C)], abc) == 2)
        #expect(level([(0, Self.A), (0, Self.B)], abc) == 1, "B at the same instant as A is not after it")
        #expect(level([(5, Self.B), (10, Self.A)], abc) == 1, "B before A does not count")
        #expect(level([(0, Self.A), (40, Self.A), (45, Self.B), (50, Self.C)], abc) == 3, "the second A starts the chain that converts")
        #expect(level([(0, Self.A), (5, 0), (8, 0), (10, Self.B)], abc) == 2, "other events between steps are allowed")
        #expect(level([(0, Self.B), (5, Self.C)], abc) == 0, "no step 1: not in the funnel")
        // One event that matches two steps does one of them.
        let aa = FunnelDefinition(stepCount: 2, window: 30)
        #expect(level([(0, Self.A | Self.B)], aa) == 1)
        #expect(level([(0, Self.A | Self.B), (5, Self.A | Self.B)], aa) == 2)
    }

    @Test("The chain that started first among those reaching the furthest step is the person's")
    func earliestChain() {
        let path = Funnel.path(of: events([(0, Self.A), (10, Self.B), (20, Self.A), (25, Self.B)]), FunnelDefinition(stepCount: 2, window: 30))
        #expect(path.furthest == 1 && path.events == [0, 1])
    }

    @Test("Strict: the next step must be the very next event")
    func strict() {
        let strict = FunnelDefinition(stepCount: 3, window: 100, order: .strict)
        #expect(level([(0, Self.A), (5, Self.B), (9, Self.C)], strict) == 3)
        #expect(level([(0, Self.A), (3, 0), (5, Self.B), (9, Self.C)], strict) == 1)
        #expect(level([(0, Self.A), (5, Self.B), (7, 0), (9, Self.C)], strict) == 2)
        #expect(level([(0, Self.A), (3, 0), (4, Self.A), (5, Self.B), (9, Self.C)], strict) == 3, "the second A starts a clean chain")
    }

    @Test("Any order: steps 1…m each with an event inside one window, in any order")
    func anyOrder() {
        let any = FunnelDefinition(stepCount: 3, window: 20, order: .anyOrder)
        #expect(level([(0, Self.C), (5, Self.A), (10, Self.B)], any) == 3)
        #expect(level([(0, Self.B), (5, Self.A)], any) == 2)
        #expect(level([(0, Self.C), (5, Self.A)], any) == 1, "C without B: only step 1 is done")
        #expect(level([(0, Self.C), (5, Self.A), (21, Self.B)], any) == 2, "B is 21 after C, outside one window with it")
        #expect(level([(0, Self.B), (25, Self.A), (30, Self.C)], any) == 1, "A and C fit a window, B does not")
        // Distinct events: one event doing A and B cannot also do C.
        #expect(level([(0, Self.A | Self.B)], any) == 1)
        #expect(level([(0, Self.A | Self.B), (3, Self.A)], any) == 2)
        let path = Funnel.path(of: events([(0, Self.C), (5, Self.A), (10, Self.B)]), any)
        #expect(path.events == [1, 2, 0])
    }

    @Test("Optional steps may be skipped; a skipped step is not counted as done")
    func optional() {
        let definition = FunnelDefinition(stepCount: 3, window: 100, optional: [false, true, false])
        // A, C, B: doing B (at 3) would leave no C after it; skipping B reaches C at 2.
        let path = Funnel.path(of: events([(0, Self.A), (2, Self.C), (3, Self.B)]), definition)
        #expect(path.furthest == 2 && path.events == [0, nil, 1])
        let both = Funnel.path(of: events([(0, Self.A), (2, Self.B), (3, Self.C)]), definition)
        #expect(both.furthest == 2 && both.events == [0, 1, 2])
        #expect(level([(0, Self.A), (2, Self.B)], definition) == 2)
    }

    @Test("Exclusions stop a chain between the steps they name; per-step windows bound each step from the one before")
    func exclusionsAndStepWindows() {
        let definition = FunnelDefinition(stepCount: 3, window: 100, exclusions: [.init(after: 0, before: 1)])
        let X: UInt32 = 1
        #expect(level([(0, Self.A), (5, 0), (10, Self.B), (20, Self.C)], definition, exclusions: [5: X]) == 1, "X between A and B")
        #expect(level([(0, Self.A), (10, Self.B), (15, 0), (20, Self.C)], definition, exclusions: [15: X]) == 3, "X after B: outside the rule")
        #expect(level([(0, Self.A), (5, 0), (6, Self.A), (10, Self.B)], definition, exclusions: [5: X]) == 2, "a later A starts a clean chain")
        let perStep = FunnelDefinition(stepCount: 3, window: 100, stepWindows: [nil, 40, 10])
        #expect(level([(0, Self.A), (40, Self.B), (50, Self.C)], perStep) == 3)
        #expect(level([(0, Self.A), (41, Self.B)], perStep) == 1)
        #expect(level([(0, Self.A), (40, Self.B), (51, Self.C)], perStep) == 2)
    }

    @Test("The summary: people per step, medians between steps, time to convert, entry buckets, who dropped where, breakdowns by attribution")
    func summary() {
        let definition = FunnelDefinition(stepCount: 3, window: 100)
        // ann: A(web) 0, B(app) 10, C(app) 30 → converts in 30. bob: A(app) 5, B(app) 25 → drops at B (step 2).
        // cy: A(web) 110, nothing else → drops at A. dee: only B → not in the funnel.
        let people = [
            FunnelSummary.Person(key: "ann", events: events([(0, Self.A), (10, Self.B), (30, Self.C)], values: [0: "web", 10: "app", 30: "app"]), trait: "gold"),
            FunnelSummary.Person(key: "bob", events: events([(5, Self.A), (25, Self.B)], values: [5: "app", 25: "app"]), trait: "gold"),
            FunnelSummary.Person(key: "cy", events: events([(110, Self.A)], values: [110: "web"]), trait: nil),
            FunnelSummary.Person(key: "dee", events: events([(7, Self.B)], values: [7: "web"]), trait: "silver"),
        ]
        let bucket: (Int64) -> Int64 = { $0 / 100 }
        let plain = FunnelSummary.summarise(people, definition, bucket: bucket)
        #expect(plain.overall.steps.map(\.people) == [3, 2, 1])
        // Gaps B−A: ann 10, bob 20 → lower median 10; C−B: ann 20.
        #expect(plain.overall.steps.map(\.medianFromPrevious) == [nil, 10, 20])
        #expect(plain.timesToConvert == [30])
        #expect(plain.overTime.map(\.bucket) == [0, 1] && plain.overTime.map(\.entered) == [2, 1] && plain.overTime.map(\.converted) == [1, 0])
        #expect(plain.droppedAt == [["cy"], ["bob"], []])
        #expect(plain.groups.isEmpty)

        func counts(_ summary: FunnelSummary) -> [String: [Int]] {
            Dictionary(uniqueKeysWithValues: summary.groups.map { ($0.value ?? "(none)", $0.steps.map(\.people)) })
        }
        // First touch: ann web, bob app, cy web. Last touch: ann app (C), bob app (B), cy web (A).
        #expect(counts(FunnelSummary.summarise(people, definition, breakdown: .events(.firstTouch, step: 0), bucket: bucket)) == ["web": [2, 1, 1], "app": [1, 1, 0]])
        #expect(counts(FunnelSummary.summarise(people, definition, breakdown: .events(.lastTouch, step: 0), bucket: bucket)) == ["app": [2, 2, 1], "web": [1, 0, 0]])
        // Step 2's value: ann app, bob app; cy never did B.
        #expect(counts(FunnelSummary.summarise(people, definition, breakdown: .events(.step, step: 1), bucket: bucket)) == ["app": [2, 2, 1], "(none)": [1, 0, 0]])
        // All steps: ann's steps differ (web, app, app): her best one-value chain is app-only — none (A was on web);
        // under web she has A only. Bob is all app. Cy web.
        #expect(counts(FunnelSummary.summarise(people, definition, breakdown: .events(.allSteps, step: 0), bucket: bucket)) == ["web": [2, 0, 0], "app": [1, 1, 0]])
        #expect(counts(FunnelSummary.summarise(people, definition, breakdown: .trait, bucket: bucket)) == ["gold": [2, 2, 1], "(none)": [1, 0, 0]])
    }
}

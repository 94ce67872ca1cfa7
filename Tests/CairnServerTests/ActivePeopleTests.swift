import CairnCore
import CairnEngine
import CairnStore
import CairnTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@Suite("Active people per day, week and month")
struct ActivePeopleTests {
    /// By hand (UTC): Monday 2 November 2026 is day 0. ana is active on day 0 (twice) and day 1; ben on day 1 and day 7
    /// (the next Monday); cy on day 29 (1 December). Days: 0 → 1, 1 → 2, 7 → 1, 29 → 1, the rest 0; weeks from
    /// Monday 2 Nov: 2, 1 (9 Nov), 0, 0, 1 (30 Nov); months: November 2, December 1; 3 different people in all.
    @Test("Counts worked by hand, the same through the columns and the table; empty buckets shown; bad input named", arguments: TestDatabase.engines)
    func counts(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let start = try #require(ISO8601DateFormatter().date(from: "2026-11-02T00:00:00Z"))
            h.clock.advance(by: start.addingTimeInterval(40 * 86_400).timeIntervalSince(h.clock.now))
            func at(_ day: Double, _ hour: Double) -> String { start.addingTimeInterval(day * 86_400 + hour * 3600).formatted(.iso8601) }
            let timeline: [(String, Double, Double)] = [("ana", 0, 9), ("ana", 0, 18), ("ana", 1, 23.9), ("ben", 1, 0.1), ("ben", 7, 12), ("cy", 29, 8)]
            #expect(try await h.track(timeline.enumerated().map { index, item in
                #"{"type":"track","userId":"\#(item.0)","event":"Page Viewed","timestamp":"\#(at(item.1, item.2))","messageId":"a-\#(index)"}"#
            }))
            let viewer = h.a.secretKeys[.viewer]!
            func run(_ period: String) async throws -> (points: [Int], people: Int) {
                let response = try await h.api(.get, "/api/v1/insights/active-people?period=\(period)&from=2026-11-02&until=2026-12-07", key: viewer)
                #expect(response.status == .ok, "\(response.text)")
                let json = try response.json()
                return (((json["points"] as? [[String: Any]]) ?? []).compactMap { $0["people"] as? Int }, json["people"] as? Int ?? -1)
            }
            var days = [Int](repeating: 0, count: 35)
            days[0] = 1; days[1] = 2; days[7] = 1; days[29] = 1
            #expect(try await run("day") == (days, 3))
            #expect(try await run("week") == ([2, 1, 0, 0, 1], 3))
            #expect(try await run("month") == ([2, 1], 3))
            // The table gives the same.
            let principal = Principal(workspaceID: h.a.workspace.id, kind: .operatorConsole, role: .admin)
            let table = ActivePeople(store: h.store, clock: h.clock.source)
            for period in ["day", "week", "month"] {
                let result = try await table.run(period: period, from: "2026-11-02", until: "2026-12-07", for: principal)
                #expect((result.points.map(\.people), result.people) == (try await run(period)), "\(period)")
            }
            let bad = try await h.api(.get, "/api/v1/insights/active-people?period=hour&from=2026-13-01", key: viewer)
            #expect(bad.status == .badRequest && bad.text.contains(#""period""#) && bad.text.contains(#""from""#))
            #expect((try await h.api(.get, "/api/v1/insights/active-people?from=2026-11-02&until=2026-12-07", key: h.b.secretKeys[.viewer]!).json()["people"] as? Int) == 0)
            // The overview charts them: 30 bars, the latest day's count among them.
            var browser = try await h.signIn(h.a.users[.viewer]!.email)
            let (_, page) = try await browser.get("/")
            #expect(page.contains("Active customers, last 30 days"))
        }
    }
}

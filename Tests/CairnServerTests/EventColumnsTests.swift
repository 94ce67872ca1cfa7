import CairnAnalytics
import CairnCore
import CairnEngine
import CairnStore
import CairnTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@Suite("The in-process event columns answer as the event table does")
struct EventColumnsTests {
    /// Random timelines of 80 people over three weeks, sent in three rounds: the columns are built after the first,
    /// then anonymous visitors are identified (their profiles merged into the customers') and more events arrive. After
    /// each round every funnel — sequential, strict, any order, exclusions, per-step windows, breakdowns by channel and
    /// trait — is the same through the columns as through the table, down to who dropped where.
    @Test("Funnels through the columns equal funnels through the table, after merges and new events", arguments: TestDatabase.engines)
    func sameAnswers(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let workspace = h.a.workspace.id
            let columns = EventColumns(store: h.store)
            let viaColumns = Funnels(store: h.store, clock: h.clock.source, columns: columns)
            let viaTable = Funnels(store: h.store, clock: h.clock.source)
            let principal = Principal(workspaceID: workspace, kind: .operatorConsole, role: .admin)
            var random = SplitMix64(seed: 7)
            let names = ["Product Viewed", "Product Added", "Checkout Started", "Order Completed", "Order Cancelled", "Page Viewed"]
            let channels = ["web", "app", "store"]
            let start = Date(utcDay: h.clock.now.utcDay - 21)
            var sequence = 0
            func send(_ messages: [String]) async throws { #expect(try await h.track(messages)) }
            func events(_ count: Int, who: (Int) -> String) -> [String] {
                (0..<count).map { _ in
                    sequence += 1
                    let person = Int(random.next() % 80)
                    let at = start.addingTimeInterval(Double(random.next() % (20 * 86_400)))
                    let name = names[Int(random.next() % UInt64(names.count))], channel = channels[Int(random.next() % 3)]
                    return #"{"type":"track",\#(who(person)),"event":"\#(name)","timestamp":"\#(at.formatted(.iso8601))","messageId":"c-\#(sequence)","context":{"channel":"\#(channel)"}}"#
                }
            }
            // Customers by user id (half of them with a tier), visitors by anonymous id.
            var first = events(900) { person in person % 2 == 0 ? #""userId":"u-\#(person)""# : #""anonymousId":"a-\#(person)""# }
            first += (0..<80).filter { $0 % 2 == 0 }.map { #"{"type":"identify","userId":"u-\#($0)","traits":{"tier":"\#($0 % 4 == 0 ? "gold" : "silver")"},"messageId":"i-\#($0)"}"# }
            try await send(first)
            let from = start.formatted(.iso8601.year().month().day())
            let queries: [Funnels.Query] = [
                .init(steps: [.init(event: "Product Viewed"), .init(event: "Product Added"), .init(event: "Order Completed")], windowMinutes: 3 * 1440, from: from),
                .init(steps: [.init(event: "Product Viewed"), .init(event: "Product Added")], windowMinutes: 7 * 1440, order: "strict", from: from, period: "week"),
                .init(steps: [.init(event: "Product Added"), .init(event: "Checkout Started"), .init(event: "Order Completed")], windowMinutes: 5 * 1440, order: "any_order", from: from),
                .init(steps: [.init(event: "Product Viewed"), .init(event: "Checkout Started", optional: true), .init(event: "Order Completed", withinMinutes: 2 * 1440)],
                      windowMinutes: 10 * 1440, exclusions: [.init(event: "Order Cancelled", afterStep: 1, beforeStep: 3)], from: from),
                .init(steps: [.init(event: "Product Viewed", channel: "web"), .init(event: "Order Completed")], windowMinutes: 7 * 1440, from: from,
                      breakdown: .init(by: "channel", attribution: "last_touch")),
                .init(steps: [.init(event: "Product Viewed"), .init(event: "Order Completed")], windowMinutes: 7 * 1440, from: from, breakdown: .init(by: "trait:tier")),
                .init(steps: [.init(event: "Product Viewed"), .init(event: "Order Completed")], windowMinutes: 7 * 1440, from: from,
                      breakdown: .init(by: "channel", attribution: "all_steps")),
            ]
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            let mapsViaColumns = JourneyMaps(store: h.store, clock: h.clock.source, columns: columns), mapsViaTable = JourneyMaps(store: h.store, clock: h.clock.source)
            let journey = try await mapsViaTable.define(nil, name: "Shop", stages: [.init(name: "Look", events: ["Product Viewed", "Page Viewed"]),
                                                                                     .init(name: "Want", events: ["Product Added"], channels: ["web", "app"]),
                                                                                     .init(name: "Buy", events: ["Checkout Started", "Order Completed"])], by: principal).id
            func compare(_ round: String) async throws {
                for filters in [JourneyMaps.Filters(from: from), .init(from: from, channel: "web"), .init(from: from, segment: "trait:tier=gold")] {
                    let a = String(decoding: try encoder.encode(try await mapsViaColumns.map(journey, filters, for: principal)), as: UTF8.self)
                    let b = String(decoding: try encoder.encode(try await mapsViaTable.map(journey, filters, for: principal)), as: UTF8.self)
                    #expect(a == b, "\(round), map \(filters.channel ?? filters.segment ?? "")")
                    for kind in JourneyMaps.Kind.allCases {
                        let x = try await mapsViaColumns.people(journey, stage: 2, kind: kind, filters, for: principal)
                        let y = try await mapsViaTable.people(journey, stage: 2, kind: kind, filters, for: principal)
                        #expect(x.ids == y.ids && x.total == y.total && (kind != .reached || x.total > 0), "\(round), \(kind)")
                    }
                }
                for (index, query) in queries.enumerated() {
                    let a = String(decoding: try encoder.encode(try await viaColumns.run(query, for: principal)), as: UTF8.self)
                    let b = String(decoding: try encoder.encode(try await viaTable.run(query, for: principal)), as: UTF8.self)
                    #expect(a == b, "\(round), funnel \(index + 1)")
                    #expect(!a.contains(#""entered":0,"#), "\(round), funnel \(index + 1) has people")
                }
            }
            try await compare("first round")
            // Visitors sign in: each identify ties an anonymous profile to a customer's, merging them; new events arrive.
            var second = (0..<80).filter { $0 % 2 == 1 }.map { #"{"type":"identify","userId":"u-\#($0 - 1)","anonymousId":"a-\#($0)","messageId":"m-\#($0)"}"# }
            second += events(400) { person in #""userId":"u-\#(person - person % 2)""# }
            try await send(second)
            #expect(try await h.store.rekeys(in: workspace, after: "").count >= 30, "the sign-ins merged profiles")
            try await compare("after merges and new events")
            let snapshot = try await columns.snapshot(of: workspace)
            #expect(snapshot.eventCount == 900 + 400 + 80)
            // Folded into the base, the same again; then more events on top of the folded base.
            try await columns.compact(workspace)
            try await compare("after compaction")
            try await send(events(200) { person in #""userId":"u-\#(person - person % 2)""# })
            try await compare("new events after compaction")
            #expect(try await columns.snapshot(of: workspace).eventCount == 900 + 400 + 80 + 200)
            // The event names a funnel's steps are chosen from (seen in the last 90 days) are the same too.
            let named = try await viaColumns.eventNames(for: principal)
            let namedByTable = try await viaTable.eventNames(for: principal)
            #expect(named == names.sorted() && named == namedByTable)
        }
    }
}

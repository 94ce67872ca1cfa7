import CairnAnalytics
import CairnCore
import Foundation
import Synchronization

/// The ingest workload: batches of tracking messages as a shop's clients send them. About 30 % of messages are a new
/// person's first identify (user id, anonymous id, email, name, plan); about 10 % update an existing person's traits;
/// the rest are tracks of existing people (product views, carts, orders with properties) across channels.
struct IngestWorkload {
    /// Each batch's JSON body, ready to send.
    var bodies: [Data]
    var eventsPerBatch: Int
    var newProfiles: Int
    /// "realistic" (``RealisticTraffic``) or "light" (the small, plain events of this type's initialiser).
    var label = "light"

    var averageEventBytes: Int { bodies.isEmpty ? 0 : bodies.reduce(0) { $0 + $1.count } / (bodies.count * eventsPerBatch) }
    var largestBatchBytes: Int { bodies.map(\.count).max() ?? 0 }

    /// `batches` batches of ``RealisticTraffic``, sent a few seconds after `start` each (its `sentAt`), `perSecond`
    /// batches a second (the offered rate when paced).
    static func realistic(batches: Int, eventsPerBatch: Int = 100, seed: UInt64 = 2026, runTag: String, start: Date = Date(), perSecond: Double = 200) -> IngestWorkload {
        var traffic = RealisticTraffic(seed: seed, runTag: runTag)
        let bodies = (0..<batches).map { index in traffic.batch(eventsPerBatch, now: start.addingTimeInterval(Double(index) / perSecond)) }
        var workload = IngestWorkload(bodies: bodies, eventsPerBatch: eventsPerBatch, newProfiles: traffic.newPeople)
        workload.label = "realistic"
        return workload
    }

    init(bodies: [Data], eventsPerBatch: Int, newProfiles: Int) {
        self.bodies = bodies
        self.eventsPerBatch = eventsPerBatch
        self.newProfiles = newProfiles
    }

    static let events = ["Product Viewed", "Product Added", "Checkout Started", "Order Completed", "Support Chat Started", "Delivery Confirmed"]
    static let channels = ["web", "app", "store", "call_center", "chat", "email", "delivery"]

    init(batches: Int, eventsPerBatch: Int = 100, seed: UInt64 = 2026, runTag: String) {
        var random = SplitMix64(seed: seed)
        var people = 0
        var bodies: [Data] = []
        bodies.reserveCapacity(batches)
        let base = Date(timeIntervalSince1970: 1_780_000_000)
        var message = 0
        for _ in 0..<batches {
            var text = #"{"batch":["#
            for index in 0..<eventsPerBatch {
                message += 1
                if index > 0 { text += "," }
                let roll = Double.random(in: 0..<1, using: &random)
                let timestamp = base.addingTimeInterval(Double(message)).formatted(.iso8601)
                let messageID = "\(runTag)-\(message)"
                if roll < 0.30 || people == 0 {
                    people += 1
                    let channel = Self.channels[Int.random(in: 0..<3, using: &random)]
                    text += #"{"type":"identify","messageId":"\#(messageID)","userId":"user-\#(people)","anonymousId":"anon-\#(people)","timestamp":"\#(timestamp)","#
                        + #""traits":{"email":"person\#(people)@example.com","name":"Person \#(people)","plan":"\#(["free", "pro", "team"][people % 3])","city":"City \#(people % 97)"},"#
                        + #""context":{"channel":"\#(channel)","ip":"203.0.113.\#(people % 250)","userAgent":"Mozilla/5.0 (bench)"}}"#
                } else {
                    let person = Int.random(in: 1...people, using: &random)
                    let channel = Self.channels[Int.random(in: 0..<Self.channels.count, using: &random)]
                    if roll < 0.40 {
                        text += #"{"type":"identify","messageId":"\#(messageID)","userId":"user-\#(person)","timestamp":"\#(timestamp)","#
                            + #""traits":{"plan":"\#(["free", "pro", "team"][Int.random(in: 0..<3, using: &random)])","lastCampaign":"spring-\#(message % 7)"},"context":{"channel":"\#(channel)"}}"#
                    } else {
                        let event = Self.events[Int.random(in: 0..<Self.events.count, using: &random)]
                        let price = Double(Int.random(in: 100...20000, using: &random)) / 100
                        text += #"{"type":"track","messageId":"\#(messageID)","userId":"user-\#(person)","event":"\#(event)","timestamp":"\#(timestamp)","#
                            + #""properties":{"product_id":"sku-\#(Int.random(in: 1...5000, using: &random))","price":\#(price),"currency":"EUR","quantity":\#(Int.random(in: 1...4, using: &random))},"#
                            + #""context":{"channel":"\#(channel)","ip":"198.51.100.\#(person % 250)"}}"#
                    }
                }
            }
            text += "]}"
            bodies.append(Data(text.utf8))
        }
        self.bodies = bodies
        self.eventsPerBatch = eventsPerBatch
        self.newProfiles = people
    }
}

/// Latencies in seconds, summarised.
struct LatencySummary {
    var p50: Double
    var p99: Double
    var max: Double
    var count: Int

    init(_ samples: [Double]) {
        let sorted = samples.sorted()
        func quantile(_ q: Double) -> Double {
            guard !sorted.isEmpty else { return 0 }
            return sorted[min(sorted.count - 1, Int((q * Double(sorted.count)).rounded(.up)) - 1)]
        }
        p50 = quantile(0.50)
        p99 = quantile(0.99)
        max = sorted.last ?? 0
        count = sorted.count
    }
}

/// Hands out 0, 1, 2… to concurrent workers.
final class Tickets: Sendable {
    private let value = Mutex(0)
    func take() -> Int { value.withLock { current in defer { current += 1 }; return current } }
}

@testable import CairnCLI
import CairnCore
import Foundation
import Testing

/// The benchmark's realistic load must be what issue 16 describes, or its figures measure something else.
@Suite("Realistic traffic")
struct RealisticTrafficTests {
    @Test("Every message is valid Segment traffic, in the described mix and size")
    func mix() throws {
        let workload = IngestWorkload.realistic(batches: 100, runTag: "t")
        var kinds: [String: Int] = [:], channels: [String: Int] = [:], anonymousOnlyTracks = 0, tracks = 0, orderLines: [Int] = []
        var languages: Set<String> = [], seenUsers: Set<String> = [], messages = 0
        for body in workload.bodies {
            guard case .array(let batch)? = try JSONValue.parse(body)["batch"] else { Issue.record("no batch"); continue }
            for element in batch {
                let message = try TrackingMessage.parse(element.objectValue ?? [:], kind: nil, makeMessageID: { "x" }).get()
                messages += 1
                kinds[message.kind == .identify ? "identify" : message.name ?? "?", default: 0] += 1
                channels[message.channel?.rawValue ?? "?", default: 0] += 1
                if message.kind == .track {
                    tracks += 1
                    if message.userID == nil { anonymousOnlyTracks += 1 }
                }
                if message.name == "Order Completed", case .array(let products)? = message.payload["properties"]?["products"] { orderLines.append(products.count) }
                if let locale = message.payload["context"]?["locale"]?.stringValue { languages.insert(locale) }
                if let user = message.userID { seenUsers.insert(user) }
            }
        }
        #expect(messages == 10_000)
        func share(_ count: Int?, of total: Int = 10_000) -> Double { Double(count ?? 0) / Double(total) }
        // Binomial spread at n = 10,000 is under 0.5 percentage points; 2 points of room.
        #expect(abs(share(kinds["identify"]) - 0.20) < 0.02)
        for (name, expected) in [("Product Viewed", 0.34), ("Product Added", 0.14), ("Cart Viewed", 0.08), ("Checkout Started", 0.09), ("Order Completed", 0.15),
                                 ("Order Refunded", 0.02), ("Delivery Completed", 0.06), ("Support Case Opened", 0.06), ("Survey Responded", 0.06)] {
            #expect(abs(share(kinds[name], of: tracks) - expected) < 0.02, "\(name)")
        }
        for (channel, expected) in [("web", 0.50), ("app", 0.30), ("store", 0.12), ("call_center", 0.08)] {
            #expect(abs(share(channels[channel]) - expected) < 0.02, "\(channel)")
        }
        #expect(abs(share(anonymousOnlyTracks, of: tracks) - 0.10) < 0.02)
        #expect(abs(share(workload.newProfiles) - 0.30) < 0.02, "people never seen before")
        #expect(Set(orderLines) == [1, 2, 3, 4, 5])
        #expect(languages == ["de-DE", "zh-CN", "he-IL"])
        #expect((600...720).contains(workload.averageEventBytes), "about 650 bytes an event: \(workload.averageEventBytes)")
        #expect(workload.largestBatchBytes <= 85_000)
        #expect(seenUsers.count > 2_000)
    }
}

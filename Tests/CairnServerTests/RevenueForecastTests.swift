@testable import CairnServer
import CairnCore
import CairnEngine
import CairnStore
import CairnTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The revenue forecast end to end: orders through the API over 30 months, the monthly series, the forecast and its
/// backtest, the split by channel, and what moved revenue — the sums counted here from the same orders.
@Suite("Revenue forecast from the workspace's own orders")
struct RevenueForecastTests {
    @Test("Monthly revenue, its forecast with nested intervals, the backtest, channels and the drivers", arguments: TestDatabase.engines)
    func forecast(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let viewer = h.a.secretKeys[.viewer]!
            let sku = try #require(try await h.store.product(id: try await h.a.product(in: h.store), in: h.a.workspace.id)).sku
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            let thisMonth = calendar.date(from: calendar.dateComponents([.year, .month], from: h.clock.now))!
            // Month i (0 the oldest of 30 complete months): 2 + i mod 3 orders, the j-th by customer (i + j) mod 10 for
            // 12.50 × (1 + (i + j) mod 4), on the web when j is even, else in the app; a gentle rise and a 3-month wave.
            var totals = [Double](repeating: 0, count: 30), web = [Double](repeating: 0, count: 30)
            var firstMonth: [Int: Int] = [:], newCustomers = [Int](repeating: 0, count: 30)
            // The customers through the tracking API, the orders through the order import (one batch, as cairn import does).
            #expect(try await h.track((0..<10).map { #"{"type":"identify","userId":"customer-r\#($0)","messageId":"r-\#($0)"}"# }))
            var orders: [OrderImporter.OrderRows] = []
            for i in 0..<30 {
                let month = calendar.date(byAdding: .month, value: i - 30, to: thisMonth)!
                let count = 2 + i % 3 + i / 10
                for j in 0..<count {
                    let customer = (i + j) % 10, quantity = 1 + (i + j) % 4
                    if firstMonth[customer] == nil { firstMonth[customer] = i; newCustomers[i] += 1 }
                    let placed = month.addingTimeInterval(Double(9 * 86_400 + j * 3_600)).formatted(.iso8601)
                    let channel = j % 2 == 0 ? "web" : "app"
                    orders.append(.init(reference: "R-\(i)-\(j)", rows: [.init(line: orders.count + 2, values: [
                        "order_id": "R-\(i)-\(j)", "placed_at": placed, "currency": "EUR", "channel": channel, "status": "placed",
                        "user_id": "customer-r\(customer)", "sku": sku, "quantity": "\(quantity)"])]))
                    totals[i] += 12.5 * Double(quantity)
                    if channel == "web" { web[i] += 12.5 * Double(quantity) }
                }
            }
            var memory = OrderImporter.Memory()
            let imported = try await OrderImporter(store: h.store, principal: h.a.principal(.manager), clock: h.clock.source).importBatch(orders, memory: &memory)
            #expect(imported.rejections.isEmpty && imported.orders == orders.count)
            let response = try await h.api(.get, "/api/v1/forecasts/revenue?period=month&horizon=4", key: viewer)
            #expect(response.status == .ok, "\(response.text)")
            let result = try response.json()
            #expect(result["currency"] as? String == "EUR" && result["horizon"] as? Int == 4)
            let total = try #require(result["total"] as? [String: Any])
            #expect((total["actual"] as? [Double]) == totals, "\(total["actual"] ?? "")")
            let points = (total["forecast"] as? [[String: Any]]) ?? []
            #expect(points.count == 4 && (total["forecastPeriods"] as? [String])?.count == 4)
            for point in points {
                let values = ["lower95", "lower80", "mean", "upper80", "upper95"].map { point[$0] as? Double ?? .nan }
                #expect(values == values.sorted() && values[0] < values[4], "\(point)")
            }
            let backtest = try #require(total["backtest"] as? [String: Any])
            #expect(backtest["origins"] as? Int == 4 && (backtest["mase"] as? Double).map { $0 > 0 } == true)
            let channels = (result["channels"] as? [[String: Any]]) ?? []
            #expect(channels.map { $0["label"] as? String } == ["web", "app"] || channels.map { $0["label"] as? String } == ["app", "web"])
            #expect(channels.first { $0["label"] as? String == "web" }?["actual"] as? [Double] == web)
            // Drivers: customers, new customers, and the change split that adds up.
            let drivers = (result["drivers"] as? [[String: Any]]) ?? []
            #expect(drivers.count == 30 && drivers.map { $0["newCustomers"] as? Int ?? -1 } == newCustomers)
            #expect(drivers.map { $0["revenue"] as? Double ?? -1 } == totals)
            let change = try #require(result["change"] as? [String: Any])
            let parts = ["customersPart", "frequencyPart", "basketPart"].map { change[$0] as? Double ?? .nan }.reduce(0, +)
            #expect(abs(parts - (change["revenueChange"] as? Double ?? 0)) < 1e-12)
            #expect(abs((change["revenueChange"] as? Double ?? 0) - log(totals[29] / totals[17])) < 1e-12)
            // Refused input names the field.
            let bad = try await h.api(.get, "/api/v1/forecasts/revenue?period=year&horizon=0", key: viewer)
            #expect(bad.status == .badRequest && bad.text.contains(#""period""#) == true)
            let badHorizon = try await h.api(.get, "/api/v1/forecasts/revenue?period=week&horizon=99", key: viewer)
            #expect(badHorizon.status == .badRequest && badHorizon.text.contains(#""horizon""#))
            // The page.
            var browser = try await h.signIn(h.a.users[.viewer]!.email)
            let (status, page) = try await browser.get("/insights/forecast?period=month&horizon=4")
            #expect(status.status == .ok && page.contains(#"id="forecast-next""#) && page.contains(#"id="forecast-change""#) && page.contains("<svg"))
            let (_, refused) = try await browser.get("/insights/forecast?period=year")
            #expect(refused.contains("role=\"alert\""))
        }
    }
}

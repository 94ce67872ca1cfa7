import CairnAnalytics
import CairnCore
@testable import CairnEngine
@testable import CairnServer
@testable import CairnStore
import CairnTestSupport
import Foundation
import Logging
import Testing
import SQLKit
import HummingbirdTesting
import HTTPTypes

@Suite("Units sold")
struct UnitsSoldTests {
    /// The units-sold roll-up's refund shares worked out independently of ``RefundShare`` (plain integer arithmetic on
    /// the test's small figures): floors, then the missing minor units to the largest remainders, earlier lines first.
    static func referenceShares(refunded: Int64, total: Int64, lines: [Int64]) -> [Int64] {
        guard total > 0, refunded > 0 else { return lines.map { _ in 0 } }
        var shares = lines.map { $0 * refunded / total }
        let remainders = lines.map { $0 * refunded % total }
        var missing = lines.reduce(0, +) * refunded / total - shares.reduce(0, +)
        for index in lines.indices.sorted(by: { remainders[$0] != remainders[$1] ? remainders[$0] > remainders[$1] : $0 < $1 }) where missing > 0 {
            shares[index] += 1
            missing -= 1
        }
        return shares
    }

    @Test("Units, gross, refunds and net by product, category and channel, per day, week and month; also as CSV", arguments: TestDatabase.engines)
    func report(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let writer = h.a.secretKeys[.manager]!, reader = h.a.secretKeys[.viewer]!
            for json in [#"{"sku":"TEE","name":"Tee","category":"Apparel","price":"20.00","currency":"EUR"}"#,
                         #"{"sku":"CAP","name":"Cap","category":"Apparel","price":"10.00","currency":"EUR"}"#,
                         #"{"sku":"MUG","name":"Mug, large","category":"Kitchen","price":"7.50","currency":"EUR"}"#] {
                #expect(try await h.api(.post, "/api/v1/products", key: writer, json: json).status == .created)
            }
            func place(_ json: String) async throws -> String {
                let response = try await h.api(.post, "/api/v1/orders", key: writer, json: json)
                #expect(response.status == .created, "\(response.text)")
                return try response.json()["id"] as? String ?? ""
            }
            // Monday 2026-11-16 and Tuesday 2026-11-17 (one ISO week), Tuesday 2026-12-01 (another month).
            let first = try await place(#"{"currency":"EUR","channel":"web","placedAt":"2026-11-16T10:00:00Z","lines":[{"sku":"TEE","quantity":2},{"sku":"MUG","quantity":1}],"shipping":"5.00"}"#)
            _ = try await place(#"{"currency":"EUR","channel":"store","placedAt":"2026-11-17T09:00:00Z","lines":[{"sku":"TEE","quantity":1},{"sku":"CAP","quantity":3}]}"#)
            _ = try await place(#"{"currency":"EUR","channel":"store","placedAt":"2026-12-01T12:00:00Z","lines":[{"sku":"MUG","quantity":4}]}"#)
            let cancelled = try await place(#"{"currency":"EUR","placedAt":"2026-11-16T11:00:00Z","lines":[{"sku":"TEE","quantity":9}]}"#)
            #expect(try await h.api(.post, "/api/v1/orders/\(cancelled)/status", key: writer, json: #"{"status":"cancelled"}"#).status == .ok)
            // The first order (40.00 + 7.50 + 5.00 shipping = 52.50) is paid and gets 10.50 back: a fifth of it.
            #expect(try await h.api(.post, "/api/v1/orders/\(first)/status", key: writer, json: #"{"status":"paid"}"#).status == .ok)
            #expect(try await h.api(.post, "/api/v1/orders/\(first)/transactions", key: writer, json: #"{"kind":"refund","amount":"10.50"}"#).status == .created)

            func rows(_ query: String) async throws -> [[String: Any]] {
                let response = try await h.api(.get, "/api/v1/reports/units-sold?from=2026-11-01&until=2027-01-01&\(query)", key: reader)
                #expect(response.status == .ok, "\(query): \(response.text)")
                return (try response.json()["data"] as? [[String: Any]]) ?? []
            }
            func amount(_ value: Any?) -> String? { (value as? [String: Any])?["amount"] as? String }
            func summary(_ rows: [[String: Any]]) -> [String] {
                rows.map { "\($0["period"] ?? "") \($0["key"] ?? "") \($0["units"] ?? "") \(amount($0["gross"]) ?? "") \(amount($0["refunds"]) ?? "") \(amount($0["net"]) ?? "")" }
            }
            // Refunds shared by line value: TEE 40.00 → 8.00, MUG 7.50 → 1.50 (shipping keeps its own 1.00 share off the lines).
            #expect(summary(try await rows("by=product&period=day")) == [
                "2026-11-16 TEE 2 40.00 8.00 32.00", "2026-11-16 MUG 1 7.50 1.50 6.00",
                "2026-11-17 CAP 3 30.00 0.00 30.00", "2026-11-17 TEE 1 20.00 0.00 20.00",
                "2026-12-01 MUG 4 30.00 0.00 30.00",
            ])
            #expect(summary(try await rows("by=category&period=month")) == [
                "2026-11 Apparel 6 90.00 8.00 82.00", "2026-11 Kitchen 1 7.50 1.50 6.00", "2026-12 Kitchen 4 30.00 0.00 30.00",
            ])
            #expect(summary(try await rows("by=channel&period=week")) == [
                "2026-11-16 store 4 50.00 0.00 50.00", "2026-11-16 web 3 47.50 9.50 38.00", "2026-11-30 store 4 30.00 0.00 30.00",
            ])
            #expect((try await rows("by=product&period=day")).first?["label"] as? String == "Tee")
            let csv = try await h.api(.get, "/api/v1/reports/units-sold?from=2026-11-01&until=2027-01-01&by=product&period=month&format=csv", key: reader)
            #expect(csv.headers[.contentType]?.hasPrefix("text/csv") == true)
            #expect(csv.text.hasPrefix("period,product,label,currency,units,gross,refunds,net\n"))
            #expect(csv.text.contains("2026-11,MUG,\"Mug, large\",EUR,1,7.50,1.50,6.00\n"))
            // One day asked as from = until: that whole day (2026-12-01: 4 mugs).
            let oneDay = try await h.api(.get, "/api/v1/reports/units-sold?from=2026-12-01&until=2026-12-01", key: reader)
            #expect(oneDay.status == .ok, "\(oneDay.text)")
            let dayRows = (try oneDay.json()["data"] as? [[String: Any]]) ?? []
            #expect(dayRows.count == 1 && dayRows.first?["units"] as? Int == 4 && dayRows.first?["period"] as? String == "2026-12-01", "\(dayRows)")
            for query in ["by=colour", "period=year", "from=yesterday", "from=2027-01-01&until=2026-01-01", "format=pdf", "from=2020-01-01&until=2026-01-01"] {
                #expect(try await h.api(.get, "/api/v1/reports/units-sold?\(query)", key: reader).status == .badRequest, "\(query)")
            }
            // Another workspace sells nothing of this.
            let other = try await h.api(.get, "/api/v1/reports/units-sold?from=2026-11-01&until=2027-01-01", key: h.b.secretKeys[.viewer]!).json()
            #expect((other["data"] as? [Any])?.isEmpty == true)
        }
    }

    @Test("The report's JSON, written straight, is what the JSON encoder writes: escapes, scripts, amounts and times")
    func writtenJSON() throws {
        func money(_ minor: Int64, _ code: String) -> Money { Money(minorUnits: minor, currency: Currency(uncheckedCode: code)) }
        let rows = [
            UnitsSoldReport.Row(period: "2026-11", key: "SKU \"1\"\\x", label: "Mug, large\n\t\u{1}", currency: Currency(uncheckedCode: "EUR"), units: 3,
                                gross: money(1999, "EUR"), refunds: money(0, "EUR"), net: money(1999, "EUR")),
            UnitsSoldReport.Row(period: "2026-12-01", key: "כוס", label: "杯子 ☕️", currency: Currency(uncheckedCode: "JPY"), units: -2,
                                gross: money(-500, "JPY"), refunds: money(120, "JPY"), net: money(-620, "JPY")),
        ]
        for data in [rows, []] {
            let body = CommerceAPI.UnitsSoldBody(by: "product", period: "month", from: Date(utcDay: 20_767), until: Date(timeIntervalSince1970: 1_800_000_000.5), data: data)
            let written = try JSONValue.parse(Data(body.json()))
            let encoded = try JSONValue.parse(try PublicJSON.encoder().encode(body))
            #expect(written == encoded, "\(written.jsonText())\n≠ \(encoded.jsonText())")
        }
    }

    @Test("The daily roll-up agrees with the orders after placing, paying, refunding, charging back and cancelling; a new database builds it from the orders",
          arguments: TestDatabase.engines)
    func rollupAgreesWithOrders(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { (store: Store) async throws in
            let seeded = try await SeededWorkspace.create(named: "Rollup", in: store)
            let manager = seeded.principal(.manager)
            let catalogue = Catalogue(store: store), orders = Orders(store: store)
            for (sku, category, price) in [("A", "One", "9.99"), ("B", "One", "0.07"), ("C", "Two", "120.00")] {
                _ = try await catalogue.create(.init(sku: sku, name: "Product \(sku)", category: category, price: .string(price), currency: "EUR"), by: manager)
            }
            var random = SplitMix64(seed: 20_261_123)
            func pick(_ upper: Int) -> Int { Int(random.next() % UInt64(upper)) }
            for index in 0..<60 {
                let lines = (0...pick(3)).map { _ in Orders.Input.Line(sku: ["A", "B", "C"][pick(3)], quantity: .integer(Int64(1 + pick(5))),
                                                                        discount: pick(4) == 0 ? .string("0.03") : nil) }
                let currency = pick(5) == 0 ? "USD" : "EUR"
                let order = try await orders.place(.init(reference: "R-\(index)", channel: ["web", "store", "app"][pick(3)], currency: currency,
                                                        lines: lines.map { var line = $0; line.unitPrice = currency == "USD" || pick(5) == 0 ? .string("3.33") : nil; return line },
                                                        tax: .string("1.\(pick(10))9"), shipping: pick(2) == 0 ? .string("4.95") : nil,
                                                        placedAt: "2026-11-\(10 + pick(6))T\(10 + pick(12)):00:00Z"), by: manager).order
                switch pick(6) {
                case 0: _ = try await orders.move(order.id, to: .cancelled, by: manager)
                case 1, 2, 3:
                    _ = try await orders.move(order.id, to: .paid, by: manager)
                    for _ in 0..<pick(3) {
                        let refundable = try await orders.order(order.id, for: manager).balance.refundable.minorUnits
                        guard refundable > 0 else { break }
                        let amount = 1 + Int64(random.next() % UInt64(refundable))
                        _ = try await orders.record(.init(kind: pick(4) == 0 ? "chargeback" : "refund", amount: .string(Money(minorUnits: amount, currency: order.currency).decimalText)),
                                                    on: order.id, by: manager)
                    }
                    if pick(4) == 0, try await orders.order(order.id, for: manager).status.manualNext.contains(.cancelled) {
                        _ = try await orders.move(order.id, to: .cancelled, by: manager)
                    }
                default: break
                }
            }
            // And a bulk import (multi-row inserts, one roll-up write per batch), with a customer to find by email.
            let customer = try await seeded.customer(in: store)
            let importer = OrderImporter(store: store, principal: manager)
            var memory = OrderImporter.Memory()
            let imported = (0..<40).map { index in
                let placedAt = "2026-11-1\(pick(6))T08:00:00Z"
                return OrderImporter.OrderRows(reference: "I-\(index)", rows: (0...pick(2)).map { line in
                    OrderImporter.Row(line: index * 10 + line, values: ["currency": "EUR", "sku": ["A", "B", "C"][pick(3)], "quantity": "\(1 + pick(4))",
                                                                       "placed_at": placedAt, "channel": "app", "email": "customer1@rollup.example",
                                                                       "status": ["placed", "delivered", "cancelled"][index % 3], "line_discount": "0.0\(pick(5))"])
                })
            }
            let outcome = try await importer.importBatch(imported, memory: &memory)
            #expect(outcome.orders == 40 && outcome.rejections.isEmpty, "\(outcome.rejections.prefix(3))")
            #expect(try await importer.importBatch(Array(imported.prefix(5)), memory: &memory).duplicates == 5)
            let importedOrder = try #require(try await store.order(reference: "I-1", in: seeded.workspace.id))
            #expect(importedOrder.profileID == customer && importedOrder.status == .delivered && importedOrder.balance.due.minorUnits == 0)
            #expect(importedOrder.changes.map(\.status) == [.placed, .paid, .fulfilled, .delivered])
            // What the orders say, computed here from each order as stored.
            var expected: [String: (units: Int64, gross: Int64, refunds: Int64)] = [:]
            // The same per day, product, channel and currency, to add up here for weeks, months and channels.
            var cells: [(day: Int64, sku: String, product: String, channel: String, currency: String, units: Int64, gross: Int64, refunds: Int64)] = []
            var page = try await store.orders(in: seeded.workspace.id, after: nil, limit: 200)
            #expect(page.items.count == 100)
            for order in page.items where order.status != .cancelled {
                let givenBack = order.transactions.filter { $0.kind != .payment && $0.status == .succeeded }.reduce(Int64(0)) { $0 + $1.amount.minorUnits }
                let shares = Self.referenceShares(refunded: givenBack, total: order.total.minorUnits, lines: order.lines.map(\.total.minorUnits))
                for (line, share) in zip(order.lines, shares) {
                    let key = "\(UnitsSoldReport.label(day: Int64(order.placedAt.timeIntervalSince1970) / 86_400, period: .day)) \(line.sku) \(order.currency.code)"
                    var sum = expected[key] ?? (0, 0, 0)
                    sum.units += line.quantity
                    sum.gross += line.total.minorUnits
                    sum.refunds += share
                    expected[key] = sum
                    cells.append((Int64(order.placedAt.timeIntervalSince1970) / 86_400, line.sku, line.productID.rawValue, order.channel.rawValue,
                                  order.currency.code, line.quantity, line.total.minorUnits, share))
                }
            }
            page.items.removeAll()
            #expect(expected.count > 10)
            let report = UnitsSoldReport(store: store)
            func actual() async throws -> [String: (units: Int64, gross: Int64, refunds: Int64)] {
                let rows = try await report.rows(for: manager, by: .product, period: .day, from: Date(timeIntervalSince1970: 1_790_000_000),
                                                 until: Date(timeIntervalSince1970: 1_800_000_000))
                return Dictionary(uniqueKeysWithValues: rows.map { ("\($0.period) \($0.key) \($0.currency.code)", ($0.units, $0.gross.minorUnits, $0.refunds.minorUnits)) })
            }
            func same(_ a: [String: (units: Int64, gross: Int64, refunds: Int64)], _ b: [String: (units: Int64, gross: Int64, refunds: Int64)]) -> Bool {
                a.count == b.count && a.allSatisfy { key, value in b[key].map { $0 == value } ?? false }
            }
            let kept = try await actual()
            #expect(same(kept, expected), "kept: \(kept.sorted { $0.key < $1.key })\nexpected: \(expected.sorted { $0.key < $1.key })")
            // Weeks and months read whole periods from the coarser roll-ups and the days at the range's edges from the
            // daily one; channels read their own. Each range here cuts periods (the orders fall on 2026-11-10…16, a
            // Tuesday to a Monday), and each answer must equal the cells above added up by hand.
            func summed(by key: UnitsSoldKey, period: UnitsSoldPeriod, fromDay: Int64, untilDay: Int64) -> [String: (units: Int64, gross: Int64, refunds: Int64)] {
                var sums: [String: (units: Int64, gross: Int64, refunds: Int64)] = [:]
                for cell in cells where cell.day >= fromDay && cell.day < untilDay {
                    let name = "\(UnitsSoldReport.label(day: cell.day, period: period)) \(key == .channel ? cell.channel : cell.sku) \(cell.currency)"
                    var sum = sums[name] ?? (0, 0, 0)
                    sum.units += cell.units
                    sum.gross += cell.gross
                    sum.refunds += cell.refunds
                    sums[name] = sum
                }
                return sums
            }
            func reported(by key: UnitsSoldKey, period: UnitsSoldPeriod, fromDay: Int64, untilDay: Int64) async throws -> [String: (units: Int64, gross: Int64, refunds: Int64)] {
                let rows = try await report.rows(for: manager, by: key, period: period, from: Date(utcDay: fromDay), until: Date(utcDay: untilDay))
                return Dictionary(uniqueKeysWithValues: rows.map { ("\($0.period) \($0.key) \($0.currency.code)", ($0.units, $0.gross.minorUnits, $0.refunds.minorUnits)) })
            }
            let tuesday: Int64 = 20_767  // 2026-11-10
            for (key, period, fromDay, untilDay) in [(UnitsSoldKey.product, UnitsSoldPeriod.week, tuesday + 2, tuesday + 6),  // inside one week
                                                     (.product, .week, tuesday + 1, tuesday + 7),  // a cut week, then a whole one cut again
                                                     (.product, .week, tuesday + 1, tuesday + 30),  // sales in the cut week before whole ones
                                                     (.product, .week, tuesday - 8, tuesday + 3),  // a whole week, then sales in a cut one
                                                     (.product, .month, tuesday + 3, tuesday + 60),  // sales in the cut month before a whole one
                                                     (.product, .month, tuesday - 40, tuesday + 3),  // a whole month, then sales in a cut one
                                                     (.product, .week, tuesday - 8, tuesday + 13),  // whole weeks with edges on both sides
                                                     (.product, .week, tuesday - 1, tuesday + 13),  // starting on a Monday
                                                     (.product, .month, tuesday - 40, tuesday + 60),  // November whole, October and December cut
                                                     (.product, .month, tuesday + 3, tuesday + 5),
                                                     (.product, .month, tuesday - 9, tuesday + 21),  // 2026-11-01 until 2026-12-01: exactly one month
                                                     (.channel, .day, tuesday - 3, tuesday + 30), (.channel, .week, tuesday + 1, tuesday + 30),
                                                     (.channel, .month, tuesday - 40, tuesday + 60)] {
                let answer = try await reported(by: key, period: period, fromDay: fromDay, untilDay: untilDay)
                let reference = summed(by: key, period: period, fromDay: fromDay, untilDay: untilDay)
                #expect(!reference.isEmpty && same(answer, reference), "\(key) \(period) \(fromDay)…\(untilDay): \(answer.sorted { $0.key < $1.key }) ≠ \(reference.sorted { $0.key < $1.key })")
            }
            let categories = try await report.rows(for: manager, by: .category, period: .month, from: Date(utcDay: tuesday - 40), until: Date(utcDay: tuesday + 60))
            #expect(Set(categories.map(\.key)) == ["One", "Two"] && categories.reduce(0) { $0 + $1.units } == cells.reduce(0) { $0 + $1.units })
            #expect(try await store.verifyRollups(repair: false).allSatisfy { !$0.hasDrift })
            // Built from scratch by the job the migration that introduced it schedules, it says the same.
            try await store.database.withConnection { sql in
                for table in ["units_sold_daily", "units_sold_weekly", "units_sold_monthly", "units_sold_channel_daily"] { try await sql.raw("DROP TABLE \(unsafeRaw: table)").run() }
                try await sql.raw("DELETE FROM cairn_schema_migrations WHERE version IN (14, 33)").run()
            }
            #expect(try await Migrator(database: store.database).migrate() == [14, 33])
            #expect(try await actual().isEmpty, "the migration itself is schema only")
            #expect(try await ScheduledJobs(store: store, logger: Logger(label: "test")).runPending() == ["rebuild-units-sold"])
            let rebuilt = try await actual()
            #expect(same(rebuilt, expected))
        }
    }
}

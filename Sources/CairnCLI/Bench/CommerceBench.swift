import CairnAnalytics
import CairnCore
import CairnEngine
import CairnStore
import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOHTTP1
import SQLKit
import NIOFoundationEssentialsCompat

/// The commerce half of `cairn bench`: `cairn import orders` of a generated file of order lines (the same code as the
/// command), then the units-sold report over them through the API.
extension Bench {
    struct CommerceResult {
        var lines: Int
        var orders: Int
        var products: Int
        var importSeconds: Double
        var rollupCells: Int
        /// Each report query: what was asked and its answer times.
        var reports: [(query: String, rows: Int, latency: LatencySummary)]
    }

    /// The whole year by product per month, by category per week and by channel per day; the last 30 days by product
    /// per day.
    static func reportQueries(_ file: OrderLinesFile) -> [String] {
        let year = "from=\(file.firstDay)&until=\(file.untilDay)"
        return ["by=product&period=month&\(year)", "by=category&period=week&\(year)", "by=channel&period=day&\(year)",
                "by=product&period=day&from=\(file.lastMonthDay)&until=\(file.untilDay)"]
    }

    func measureCommerce(_ target: BenchDatabase, file: OrderLinesFile, scratch: URL, logger: Logger) async throws -> CommerceResult {
        try await target.withFresh(logger: logger) { location in
            let seed = try await BenchSeed.create(in: location, logger: logger)
            let database = try CairnDatabase.open(location, logger: logger)
            let store = Store(database: database)
            let console = Principal(workspaceID: seed.workspace, kind: .operatorConsole, role: .admin)
            let summary: OrderFileImport.Summary
            do {
                let catalogue = Catalogue(store: store)
                for product in file.products {
                    _ = try await catalogue.create(.init(sku: product.sku, name: product.name, category: .some(product.category),
                                                         price: .some(.string(product.price)), currency: "EUR"), origin: .import, by: console)
                }
                let importer = OrderImporter(store: store, principal: console, actor: "bench")
                summary = try await OrderFileImport(file: file.path, rejectsPath: scratch.appendingPathComponent("orders.rejects.csv").path, batchSize: 5000)
                    .run(importer, progress: false)
                guard summary.outcome.rejections.isEmpty, summary.outcome.lines == file.lines else {
                    throw BenchFailure("the order import stored \(summary.outcome.lines) of \(file.lines) lines; first rejection: \(summary.outcome.rejections.first?.reason ?? "none")")
                }
            } catch {
                try? await database.shutdown()
                throw error
            }
            let cells = try await database.withConnection { sql in
                try await sql.raw("SELECT COUNT(*) AS n FROM units_sold_daily").first()?.decode(column: "n", as: Int64.self) ?? 0
            }
            // What was kept while importing must agree with what the orders say (cairn verify's check).
            let drift = try await store.verifyRollups(repair: false).filter(\.hasDrift)
            try await database.shutdown()
            guard drift.isEmpty else { throw BenchFailure("after the order import the roll-ups drifted from their base rows: \(drift.map(\.table))") }
            say("  roll-ups agree with their base rows after the import")

            let server = try await BenchServer.start(database: location, logger: logger)
            do {
                let connection = try await LoadConnection.connect(host: "127.0.0.1", port: server.port, group: MultiThreadedEventLoopGroup.singleton)
                let headers = [("Authorization", "Bearer \(seed.secretKey)")]
                var reports: [(String, Int, LatencySummary)] = []
                for query in Self.reportQueries(file) {
                    let path = "/api/v1/reports/units-sold?\(query)"
                    var samples: [Double] = []
                    var rows = 0
                    for round in 0..<6 {
                        let sent = ContinuousClock.now
                        let (status, body) = try await connection.send(.GET, path, headers: headers, body: nil)
                        let elapsed = seconds(ContinuousClock.now - sent)
                        guard status == 200 else { throw BenchFailure("GET \(path) answered \(status)") }
                        if round > 0 { samples.append(elapsed) }  // the first one warms the path
                        rows = (try? JSONValue.parse(Data(buffer: body)))?["data"].flatMap { if case .array(let items) = $0 { items.count } else { nil } } ?? 0
                    }
                    reports.append((query, rows, LatencySummary(samples)))
                }
                await connection.close()
                try await server.stop()
                return CommerceResult(lines: summary.outcome.lines, orders: summary.outcome.orders, products: file.products.count, importSeconds: summary.seconds,
                                      rollupCells: Int(cells), reports: reports)
            } catch {
                try? await server.stop()
                throw error
            }
        }
    }
}

/// A CSV file of generated order lines, one year of trade: products of a dozen categories whose popularity falls off
/// as in real shops (a few sell most), 1–5 lines per order, four channels, one order in ten in US dollars, statuses
/// as a running shop has them (most delivered, some cancelled).
struct OrderLinesFile {
    struct Product { var sku: String; var name: String; var category: String; var price: String }

    let path: String
    let lines: Int
    let orders: Int
    let products: [Product]
    let firstDay = "2025-11-24"
    let untilDay = "2026-11-24"
    let lastMonthDay = "2026-10-25"

    static func write(lines wanted: Int, products count: Int, to path: String) throws -> OrderLinesFile {
        var random = SplitMix64(seed: 1_123)
        let categories = ["Apparel", "Shoes", "Kitchen", "Garden", "Toys", "Books", "Audio", "Phones", "Beauty", "Sport", "Office", "Services"]
        let products = (0..<count).map { index in
            Product(sku: "SKU-\(index)", name: "Product \(index)", category: categories[index % categories.count],
                    price: "\(5 + Int(random.next() % 195)).\(String(format: "%02d", Int(random.next() % 100)))")
        }
        // Popularity ∝ 1 / rank (Zipf): the cumulative weights, to pick a product by a uniform number.
        var cumulative: [Double] = []
        var sum = 0.0
        for rank in 1...count { sum += 1 / Double(rank); cumulative.append(sum) }
        func pickProduct() -> Int {
            let target = Double(random.next() % 1_000_000_000) / 1_000_000_000 * sum
            var low = 0, high = count - 1
            while low < high { let mid = (low + high) / 2; if cumulative[mid] < target { low = mid + 1 } else { high = mid } }
            return low
        }
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw BenchFailure("cannot write \(path)")
        }
        defer { try? handle.close() }
        var text = "order_id,placed_at,currency,channel,status,user_id,sku,quantity,unit_price,line_discount,shipping\n"
        let start = 1_763_942_400  // 2025-11-24T00:00:00Z
        var written = 0, orders = 0
        while written < wanted {
            let size = min(1 + Int(random.next() % 5), wanted - written)
            let placed = start + Int(random.next() % 31_536_000)
            let date = Date(timeIntervalSince1970: TimeInterval(placed)).formatted(.iso8601)
            let dollars = random.next() % 10 == 0
            let channel = ["web", "web", "web", "web", "web", "app", "app", "store", "store", "call_center"][Int(random.next() % 10)]
            let roll = random.next() % 100
            let status = roll < 70 ? "delivered" : roll < 80 ? "paid" : roll < 92 ? "placed" : "cancelled"
            for line in 0..<size {
                let product = pickProduct()
                let first = line == 0
                let unitPrice = dollars ? products[product].price : ""
                let discount = random.next() % 8 == 0 ? "1.00" : ""
                text += "O-\(orders),\(first ? date : ""),\(dollars ? "USD" : "EUR"),\(first ? channel : ""),\(first ? status : ""),\(first ? "c-\(random.next() % 100_000)" : ""),"
                    + "\(products[product].sku),\(1 + random.next() % 3),\(unitPrice),\(discount),\(first ? "4.95" : "")\n"
            }
            written += size
            orders += 1
            if text.utf8.count > 1 << 20 {
                try handle.write(contentsOf: Data(text.utf8))
                text = ""
            }
        }
        try handle.write(contentsOf: Data(text.utf8))
        return OrderLinesFile(path: path, lines: written, orders: orders, products: products)
    }
}

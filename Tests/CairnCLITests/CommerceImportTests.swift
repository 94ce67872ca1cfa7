@testable import CairnCLI
import CairnCore
import CairnEngine
@testable import CairnStore
import SQLKit
import CairnTestSupport
import Foundation
import Logging
import Testing

@Suite("cairn import products and orders")
struct CommerceImportTests {
    func withDatabase(_ body: (URL, [String], Store, SeededWorkspace) async throws -> Void) async throws {
        try await withCLIDatabase(named: "Shop") { folder, store, seeded in
            try await body(folder, ["--database", folder.appendingPathComponent("cairn.sqlite").path, "--workspace", seeded.workspace.id.rawValue], store, seeded)
        }
    }

    @Test("Products come from CSV, a known SKU is updated, bad rows are rejected with the reason; orders come from CSV one row per line, bad orders left out whole, a second run stores nothing twice")
    func productsAndOrders() async throws {
        try await withDatabase { folder, options, store, seeded in
            let products = folder.appendingPathComponent("products.csv")
            try Data("""
            SKU,Name,Category,Kind,Price,Currency,Colour
            TEE,Tee,Apparel,product,20.00,EUR,red
            MUG,"Mug, large",Kitchen,,7.50,EUR,
            CAP,Cap,Apparel,,10,EUR,
            BAD,,Apparel,,1,EUR,
            FEE,Gift wrap,,service,-1,EUR,

            """.utf8).write(to: products)
            #expect(await Cairn.run(arguments: ["import", "products", products.path] + options) == 3)
            let held = try await store.products(skus: ["TEE", "MUG", "CAP", "BAD", "FEE"], in: seeded.workspace.id)
            #expect(held.keys.sorted() == ["CAP", "MUG", "TEE"])
            #expect(held["MUG"]?.name == "Mug, large" && held["MUG"]?.category == "Kitchen" && held["MUG"]?.price?.decimalText == "7.50")
            #expect(held["TEE"]?.origin == .import)
            let productRejects = try String(contentsOf: folder.appendingPathComponent("products.csv.rejects.csv"), encoding: .utf8)
            #expect(productRejects.hasPrefix("sku,name,category,kind,price,currency,colour,cairn_line,cairn_reject_reason\n"))
            #expect(productRejects.contains("BAD,,Apparel,,1,EUR,,5,name: "))
            #expect(productRejects.contains("FEE,Gift wrap,,service,-1,EUR,,6,price: "))
            // Again with a new price: the product is changed, not doubled.
            try Data("sku,name,price,currency\nTEE,Tee,22.00,EUR\n".utf8).write(to: products)
            #expect(await Cairn.run(arguments: ["import", "products", products.path] + options) == 0)
            #expect(try await store.products(skus: ["TEE"], in: seeded.workspace.id)["TEE"]?.price?.decimalText == "22.00")

            let customer = try await seeded.customer(in: store)
            let orders = folder.appendingPathComponent("orders.csv")
            try Data("""
            order_id,placed_at,currency,channel,status,email,sku,quantity,unit_price,line_discount,tax,shipping,payment_method,note
            A-1,2026-11-02T10:00:00Z,EUR,web,delivered,Customer1@Shop.example,TEE,2,,,1.90,4.95,card,first
            A-1,,,,,,MUG,1,7.50,0.50,,,,
            A-2,2026-11-03,EUR,store,,,CAP,3,,,,,,
            A-3,2026-11-03,EUR,web,,,NOPE,1,,,,,,
            A-4,2026-11-04,EUR,web,,,TEE,0,,,,,,
            A-5,2026-11-05,USD,web,,,TEE,1,,,,,,
            A-6,2026-11-05,EUR,kiosk,,,TEE,1,,,,,,
            A-7,2026-11-05,EUR,web,cancelled,,TEE,5,,,,,,
            A-2,2026-11-03,EUR,store,,,CAP,1,,,,,,
            A-8,2026-11-06,EUR,web,paid,,TEE,1,19.999,,,,,
            A-9,2026-11-06,EUR,web,,,MUG,1,,,,,,
            A-9,,GBP,,,,MUG,1,,,,,,
            ,2026-11-06,EUR,web,,,MUG,1,,,,,,
            A-10,2026-11-06,EUR,web,shipped,,MUG,1,,,,,,

            """.utf8).write(to: orders)
            #expect(await Cairn.run(arguments: ["import", "orders", orders.path, "--batch-size", "2"] + options) == 3)
            let stored = try await store.orders(in: seeded.workspace.id, after: nil, limit: 50).items
            #expect(Set(stored.map(\.reference)) == ["A-1", "A-2", "A-7"])
            let first = try #require(stored.first { $0.reference == "A-1" })
            #expect(first.status == .delivered && first.channel == .web && first.profileID == customer && first.email == "customer1@shop.example")
            #expect(first.changes.map(\.status) == [.placed, .paid, .fulfilled, .delivered])
            #expect(first.lines.map(\.sku) == ["TEE", "MUG"] && first.lines[0].unitPrice.decimalText == "22.00" && first.lines[1].discount.decimalText == "0.50")
            // 44.00 + 7.00 + 1.90 tax + 4.95 shipping, paid in full by card.
            #expect(first.total.decimalText == "57.85" && first.balance.paid.decimalText == "57.85" && first.transactions.first?.method == "card")
            #expect(stored.first { $0.reference == "A-2" }?.status == .placed)

            let rejects = try String(contentsOf: folder.appendingPathComponent("orders.csv.rejects.csv"), encoding: .utf8)
            var reader = CSVReader()
            let rejected = reader.feed(Data(rejects.utf8)).dropFirst().map(\.fields)
            let reasons = Dictionary(uniqueKeysWithValues: rejected.map { (Int($0[$0.count - 2]) ?? 0, $0[$0.count - 1]) })
            #expect(rejects.hasPrefix("order_id,placed_at,currency,channel,status,email,sku,quantity,unit_price,line_discount,tax,shipping,payment_method,note,cairn_line,cairn_reject_reason\n"))
            #expect(reasons[5]?.hasPrefix("line 5: sku: no product has the SKU NOPE") == true)
            #expect(reasons[6]?.hasPrefix("line 6: quantity:") == true)
            #expect(reasons[7]?.hasPrefix("line 7: unit_price: the product TEE has no list price in USD") == true)
            #expect(reasons[8]?.hasPrefix("channel: kiosk is not a channel of this workspace") == true)
            #expect(reasons[10]?.hasPrefix("order_id: the rows of order A-2 are not next to each other") == true)
            #expect(reasons[11]?.hasPrefix("line 11: unit_price:") == true)
            #expect(reasons[12]?.hasPrefix("currency: line 13 says GBP") == true && reasons[13] == reasons[12], "the whole order is left out")
            #expect(reasons[14]?.hasPrefix("order_id:") == true)
            #expect(reasons[15]?.hasPrefix("status: use placed, paid, fulfilled, delivered, cancelled") == true)
            #expect(reasons.count == 10)

            // The same file again stores nothing twice.
            #expect(await Cairn.run(arguments: ["import", "orders", orders.path] + options) == 3)
            #expect(try await store.orders(in: seeded.workspace.id, after: nil, limit: 50).items.count == 3)
            // Units sold counts the imported orders, not the cancelled one.
            let rows = try await UnitsSoldReport(store: store).rows(for: seeded.principal(.viewer), by: .product, period: .month,
                                                                   from: Timestamp.parse("2026-11-01T00:00:00Z")!, until: Timestamp.parse("2026-12-01T00:00:00Z")!)
            #expect(rows.map { "\($0.key) \($0.units) \($0.gross.decimalText)" } == ["CAP 3 30.00", "TEE 2 44.00", "MUG 1 7.00"])

            #expect(await Cairn.run(arguments: ["import", "orders", folder.appendingPathComponent("missing.csv").path] + options) != 0)
            try Data("order,sku\nA,TEE\n".utf8).write(to: orders)
            #expect(await Cairn.run(arguments: ["import", "orders", orders.path] + options) != 0, "a file without the needed columns is refused")
        }
    }

    @Test("cairn verify says every roll-up agrees after an import, exits 1 on drift and rebuilds with --repair")
    func verify() async throws {
        try await withDatabase { folder, options, store, seeded in
            let products = folder.appendingPathComponent("products.csv")
            try Data("SKU,Name,Price,Currency\nTEE,Tee,20.00,EUR\nMUG,Mug,7.50,EUR\n".utf8).write(to: products)
            #expect(await Cairn.run(arguments: ["import", "products", products.path] + options) == 0)
            let orders = folder.appendingPathComponent("orders.csv")
            try Data("""
            order_id,currency,sku,quantity,unit_price,placed_at,status
            V-1,EUR,TEE,2,20.00,2026-11-20T10:00:00Z,paid
            V-2,EUR,MUG,1,7.50,2026-11-21T10:00:00Z,cancelled

            """.utf8).write(to: orders)
            #expect(await Cairn.run(arguments: ["import", "orders", orders.path] + options) == 0)
            let database = ["--database", options[1]]
            #expect(await Cairn.run(arguments: ["verify"] + database) == 0)
            try await store.database.withConnection { sql in try await sql.raw("UPDATE units_sold_daily SET units = units + 5").run() }
            #expect(await Cairn.run(arguments: ["verify"] + database) == 1, "drift found, nothing changed")
            #expect(await Cairn.run(arguments: ["verify", "--repair"] + database) == 0)
            #expect(await Cairn.run(arguments: ["verify"] + database) == 0)
        }
    }
}


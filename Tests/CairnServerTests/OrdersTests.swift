import CairnCore
import CairnEngine
import CairnStore
import CairnTestSupport
import Foundation
import NIOCore
import Testing
import HTTPTypes
import HummingbirdTesting

@Suite("Orders")
struct OrdersTests {
    func fields(_ problem: [String: Any]) -> [String] {
        ((problem["errors"] as? [[String: Any]]) ?? []).compactMap { $0["field"] as? String }
    }

    func amount(_ value: Any?) -> String? { (value as? [String: Any])?["amount"] as? String }

    @Test("An order is taken once per orderId, priced exactly, tied to its customer and moved through its life", arguments: TestDatabase.engines)
    func lifecycle(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let writer = h.a.secretKeys[.manager]!, reader = h.a.secretKeys[.viewer]!
            let customer = try await h.a.customer(in: h.store)
            _ = try await h.api(.post, "/api/v1/products", key: writer, json: #"{"sku":"TEE","name":"Tee","price":"19.99","currency":"EUR"}"#)
            _ = try await h.api(.post, "/api/v1/products", key: writer, json: #"{"sku":"MUG","name":"Mug"}"#)
            let body = #"{"orderId":"W-1001","userId":"customer-alpha","currency":"EUR","channel":"store","lines":[{"sku":"TEE","quantity":3,"discount":"0.97"},{"sku":"MUG","quantity":1,"unitPrice":"7.10"}],"tax":"9.12","shipping":4.9,"discount":"1.00","placedAt":"2026-11-20T09:30:00+01:00"}"#
            let placed = try await h.api(.post, "/api/v1/orders", key: writer, json: body)
            #expect(placed.status == .created, "\(placed.text)")
            let order = try placed.json()
            let id = try #require(order["id"] as? String)
            // 3 × 19.99 − 0.97 = 59.00; + 7.10 = 66.10 subtotal; − 1.00 + 9.12 + 4.90 = 79.12. No float anywhere.
            #expect(amount(order["subtotal"]) == "66.10")
            #expect(amount(order["total"]) == "79.12")
            #expect(amount((order["lines"] as? [[String: Any]])?.first?["total"]) == "59.00")
            #expect((order["lines"] as? [[String: Any]])?.first?["name"] as? String == "Tee")
            #expect(order["profileId"] as? String == customer.rawValue)
            #expect(order["status"] as? String == "placed")
            #expect(order["placedAt"] as? String == "2026-11-20T08:30:00Z")

            // The same orderId again is the same order, unchanged.
            let again = try await h.api(.post, "/api/v1/orders", key: writer, json: body.replacingOccurrences(of: #""quantity":3"#, with: #""quantity":9"#))
            #expect(again.status == .ok)
            #expect(try again.json()["id"] as? String == id)
            #expect(amount(try again.json()["total"]) == "79.12")

            // Lifecycle: allowed steps are recorded with who made them; impossible ones are refused naming what is allowed.
            let paid = try await h.api(.post, "/api/v1/orders/\(id)/status", key: writer, json: #"{"status":"paid"}"#)
            #expect(paid.status == .ok, "\(paid.text)")
            let backwards = try await h.api(.post, "/api/v1/orders/\(id)/status", key: writer, json: #"{"status":"placed"}"#)
            #expect(backwards.status == .badRequest)
            #expect(fields(try backwards.json()) == ["status"])
            #expect(backwards.text.contains("fulfilled"))
            for step in ["fulfilled", "delivered"] {
                #expect(try await h.api(.post, "/api/v1/orders/\(id)/status", key: writer, json: #"{"status":"\#(step)"}"#).status == .ok)
            }
            let read = try await h.api(.get, "/api/v1/orders/\(id)", key: reader).json()
            let changes = ((read["changes"] as? [[String: Any]]) ?? []).compactMap { $0["status"] as? String }
            #expect(changes == ["placed", "paid", "fulfilled", "delivered"])
            #expect(((read["changes"] as? [[String: Any]]) ?? []).last?["by"] as? String == "key:" + (try await h.store.keys(in: h.a.workspace.id, after: nil, limit: 50).items.first { $0.role == .manager && $0.kind == .secret }!.id.rawValue))

            // Lists: newest first, by status, by customer.
            _ = try await h.api(.post, "/api/v1/orders", key: writer, json: #"{"orderId":"W-1002","currency":"EUR","lines":[{"sku":"TEE","quantity":1}]}"#)
            func references(_ query: String) async throws -> [String] {
                let list = try await h.api(.get, "/api/v1/orders\(query)", key: reader)
                #expect(list.status == .ok, "\(list.text)")
                return ((try list.json()["data"] as? [[String: Any]]) ?? []).compactMap { $0["reference"] as? String }
            }
            #expect(try await references("") == ["W-1002", "W-1001"])
            #expect(try await references("?status=delivered") == ["W-1001"])
            #expect(try await references("?profileId=\(customer)") == ["W-1001"])
            #expect(try await h.api(.get, "/api/v1/orders?status=lost", key: reader).status == .badRequest)

            // The customer's record carries the figures; the 360 page shows them and the order.
            func figures() async throws -> [String: Any] {
                try #require(try await h.api(.get, "/api/v1/profiles/\(customer)", key: reader).json()["commerce"] as? [String: Any])
            }
            let before = try await figures()
            #expect(before["orderCount"] as? Int == 1)
            let spend = try #require((before["spend"] as? [[String: Any]])?.first)
            #expect(amount(spend["gross"]) == "79.12" && amount(spend["net"]) == "79.12" && amount(spend["averageOrderValue"]) == "79.12")
            #expect(before["firstOrderAt"] as? String == "2026-11-20T08:30:00Z")
            var agent = try await h.signIn(h.a.users[.agent]!.email)
            let (_, page) = try await agent.get("/customers/\(customer)")
            #expect(page.contains("W-1001") && page.contains("79.12 EUR"))
            // Refunds are money, not a status to set: recorded, bounded by what was paid, and the status follows.
            let byHand = try await h.api(.post, "/api/v1/orders/\(id)/status", key: writer, json: #"{"status":"refunded"}"#)
            #expect(byHand.status == .badRequest)
            #expect(byHand.text.contains("/transactions"))
            let partial = try await h.api(.post, "/api/v1/orders/\(id)/transactions", key: writer,
                                          json: #"{"kind":"refund","amount":"20.00","currency":"EUR","method":"card","providerReference":"re_1"}"#)
            #expect(partial.status == .created, "\(partial.text)")
            let partly = try partial.json()
            #expect(partly["status"] as? String == "partially_refunded")
            #expect(amount((partly["balance"] as? [String: Any])?["paid"]) == "79.12", "marking it paid recorded what was due")
            #expect(amount((partly["balance"] as? [String: Any])?["refunded"]) == "20.00")
            let tooMuch = try await h.api(.post, "/api/v1/orders/\(id)/transactions", key: writer, json: #"{"kind":"refund","amount":"59.13"}"#)
            #expect(tooMuch.status == .badRequest)
            #expect(fields(try tooMuch.json()) == ["amount"])
            #expect(tooMuch.text.contains("59.12 EUR"))
            #expect(amount((try await figures()["spend"] as? [[String: Any]])?.first?["net"]) == "59.12")
            let rest = try await h.api(.post, "/api/v1/orders/\(id)/transactions", key: writer, json: #"{"kind":"chargeback","amount":59.12}"#).json()
            #expect(rest["status"] as? String == "refunded")
            let after = try #require((try await figures()["spend"] as? [[String: Any]])?.first)
            #expect(amount(after["gross"]) == "79.12" && amount(after["net"]) == "0.00", "everything given back leaves nothing net")
        }
    }

    @Test("Payments are in the order's currency and settle it; bad transactions are refused naming the field", arguments: TestDatabase.engines)
    func payments(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let writer = h.a.secretKeys[.manager]!
            _ = try await h.api(.post, "/api/v1/products", key: writer, json: #"{"sku":"TEE","name":"Tee","price":"19.99","currency":"EUR"}"#)
            let order = try await h.api(.post, "/api/v1/orders", key: writer, json: #"{"currency":"EUR","lines":[{"sku":"TEE","quantity":2}]}"#).json()
            let id = try #require(order["id"] as? String)
            for (json, field) in [(#"{"kind":"payment","amount":"10.00","currency":"USD"}"#, "currency"),
                                  (#"{"kind":"payment","amount":"0"}"#, "amount"),
                                  (#"{"kind":"payment","amount":"1.005"}"#, "amount"),
                                  (#"{"kind":"payment"}"#, "amount"),
                                  (#"{"kind":"gift","amount":"1"}"#, "kind"),
                                  (#"{"kind":"payment","amount":"1","status":"maybe"}"#, "status"),
                                  (#"{"kind":"refund","amount":"1.00"}"#, "amount")] {
                let response = try await h.api(.post, "/api/v1/orders/\(id)/transactions", key: writer, json: json)
                #expect(response.status == .badRequest, "\(json)")
                #expect(fields(try response.json()) == [field], "\(json): \(response.text)")
            }
            // A failed payment counts for nothing; two succeeded ones that cover 39.98 make the order paid.
            let failed = try await h.api(.post, "/api/v1/orders/\(id)/transactions", key: writer, json: #"{"kind":"payment","amount":"39.98","status":"failed"}"#).json()
            #expect(failed["status"] as? String == "placed")
            #expect(amount((failed["balance"] as? [String: Any])?["due"]) == "39.98")
            let half = try await h.api(.post, "/api/v1/orders/\(id)/transactions", key: writer, json: #"{"kind":"payment","amount":"20.00","method":"card"}"#).json()
            #expect(half["status"] as? String == "placed")
            let rest = try await h.api(.post, "/api/v1/orders/\(id)/transactions", key: writer, json: #"{"kind":"payment","amount":19.98,"method":"cash"}"#).json()
            #expect(rest["status"] as? String == "paid")
            #expect(amount((rest["balance"] as? [String: Any])?["due"]) == "0.00")
            #expect(((rest["transactions"] as? [[String: Any]]) ?? []).count == 3)
            let unknown = try await h.api(.post, "/api/v1/orders/0198a3f0-0000-7000-8000-000000000000/transactions", key: writer, json: #"{"kind":"payment","amount":"1"}"#)
            #expect(unknown.status == .notFound)
        }
    }

    @Test("E-commerce v2 events become orders and meet API orders in one record per order_id", arguments: TestDatabase.engines)
    func fromEvents(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let writer = h.a.secretKeys[.manager]!, reader = h.a.secretKeys[.viewer]!
            _ = try await h.api(.post, "/api/v1/products", key: writer, json: #"{"sku":"TEE","name":"Tee","price":"19.99","currency":"EUR"}"#)
            // An order the shop took through the API first; the same order_id then arrives as an event.
            let api = try await h.api(.post, "/api/v1/orders", key: writer, json: #"{"orderId":"W-2","userId":"buyer-1","currency":"EUR","lines":[{"sku":"TEE","quantity":1}]}"#).json()
            // As Segment's libraries send them: properties in snake_case, numbers as JSON numbers, a product new to the catalogue.
            let batch = #"""
                {"batch":[
                 {"type":"identify","userId":"buyer-1","messageId":"m-1","traits":{"email":"buyer@example.com"}},
                 {"type":"track","userId":"buyer-1","messageId":"m-2","event":"Order Completed","timestamp":"2026-11-21T10:00:00.000Z","context":{"channel":"app"},
                  "properties":{"order_id":"E-1","total":49.98,"revenue":45.48,"tax":3.5,"shipping":2,"discount":1,"currency":"EUR",
                   "products":[{"product_id":"507f1f77bcf86cd799439011","sku":"TEE","name":"Tee","price":19.99,"quantity":2},
                               {"product_id":"505bd76785ebb509fc183733","sku":"NEW-SKU","name":"New thing","category":"Misc","price":5.5,"quantity":1}]}},
                 {"type":"track","userId":"buyer-1","messageId":"m-3","event":"Order Completed","properties":{"order_id":"W-2","total":19.99,"currency":"EUR"}},
                 {"type":"track","userId":"buyer-1","messageId":"m-4","event":"Order Cancelled","properties":{"order_id":"E-1"}},
                 {"type":"track","userId":"buyer-1","messageId":"m-5","event":"Order Completed","properties":{"total":3}}
                ]}
                """#
            for _ in 0..<2 {  // a retried batch changes nothing
                #expect(try await h.client.execute(uri: "/v1/batch", method: .post, headers: [.authorization: "Basic \(Data("\(h.a.writeKey):".utf8).base64EncodedString())", .contentType: "application/json"],
                                                   body: ByteBuffer(string: batch)).status == .ok)
                try await IdentityResolver(store: h.store).resolvePending(in: h.a.workspace.id)
            }
            let buyer = try #require(try await h.store.profileID(for: Identifier(kind: .userID, value: "buyer-1"), in: h.a.workspace.id))
            let list = try await h.api(.get, "/api/v1/orders", key: reader).json()
            let orders = (list["data"] as? [[String: Any]]) ?? []
            #expect(Set(orders.compactMap { $0["reference"] as? String }) == ["E-1", "W-2"], "one order per order_id; an event without one makes none")
            let fromEvent = try #require(orders.first { $0["reference"] as? String == "E-1" })
            // 2 × 19.99 + 5.50 − 1.00 + 3.50 + 2.00 = 49.98, in cents all the way.
            #expect(amount(fromEvent["total"]) == "49.98")
            #expect(fromEvent["profileId"] as? String == buyer.rawValue)
            #expect(fromEvent["channel"] as? String == "app")
            #expect(((fromEvent["changes"] as? [[String: Any]]) ?? []).compactMap { $0["status"] as? String } == ["placed", "paid", "cancelled"])
            #expect(((fromEvent["lines"] as? [[String: Any]]) ?? []).compactMap { $0["sku"] as? String } == ["TEE", "NEW-SKU"])
            let viaAPI = try #require(orders.first { $0["reference"] as? String == "W-2" })
            #expect(viaAPI["id"] as? String == api["id"] as? String)
            #expect(viaAPI["status"] as? String == "paid")
            #expect(((viaAPI["changes"] as? [[String: Any]]) ?? []).last?["by"] as? String == "event:" + (try await h.store.event(messageID: "m-3", in: h.a.workspace.id)!.id.rawValue))
            // The product first seen in the event joined the catalogue.
            let products = (try await h.api(.get, "/api/v1/products?q=new-sku", key: reader).json()["data"] as? [[String: Any]]) ?? []
            #expect(products.first?["origin"] as? String == "event")
            #expect(amount(products.first?["price"]) == "5.50")
            #expect(products.first?["category"] as? String == "Misc")

            // Order Updated rewrites the lines and amounts of an order not yet fulfilled; a cancelled one stays as it was.
            let updates = #"""
                {"batch":[
                 {"type":"track","userId":"buyer-1","messageId":"u-1","event":"Order Updated","properties":{"order_id":"W-2","currency":"EUR","shipping":4,
                  "products":[{"sku":"TEE","name":"Tee","price":19.99,"quantity":3}]}},
                 {"type":"track","userId":"buyer-1","messageId":"u-2","event":"Order Updated","properties":{"order_id":"E-1","products":[{"sku":"TEE","quantity":9}]}}
                ]}
                """#
            #expect(try await h.client.execute(uri: "/v1/batch", method: .post, headers: [.authorization: "Basic \(Data("\(h.a.writeKey):".utf8).base64EncodedString())", .contentType: "application/json"],
                                               body: ByteBuffer(string: updates)).status == .ok)
            try await IdentityResolver(store: h.store).resolvePending(in: h.a.workspace.id)
            let rewritten = try await h.api(.get, "/api/v1/orders/\(api["id"] as? String ?? "")", key: reader).json()
            #expect(((rewritten["lines"] as? [[String: Any]]) ?? []).map { "\($0["sku"] ?? "") \($0["quantity"] ?? "")" } == ["TEE 3"])
            // 3 × 19.99 + 4.00 shipping = 63.97; 19.99 was paid, so 43.98 is due and the order stays paid.
            #expect(amount(rewritten["total"]) == "63.97" && amount((rewritten["balance"] as? [String: Any])?["due"]) == "43.98" && rewritten["status"] as? String == "paid")
            let cancelled = try await h.api(.get, "/api/v1/orders?status=cancelled", key: reader).json()
            #expect(((cancelled["data"] as? [[String: Any]])?.first?["lines"] as? [[String: Any]])?.first?["quantity"] as? Int == 2)
            // Units sold follows the rewritten lines (W-2 today: 3 tees; E-1 is cancelled and counts nothing).
            let sold = try await h.api(.get, "/api/v1/reports/units-sold?by=product&period=month&from=2026-01-01&until=2028-01-01", key: reader).json()
            #expect(((sold["data"] as? [[String: Any]]) ?? []).map { "\($0["key"] ?? "") \($0["units"] ?? "")" } == ["TEE 3"])
        }
    }

    @Test("A batch of new orders from events is stored together exactly as one order at a time would be", arguments: TestDatabase.engines)
    func newOrdersTogether(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            // Four new orders (two customers, two currencies, a product new to the catalogue, one line too large to be
            // a line), one order named twice in the batch (completed, then refunded), one event without an order_id.
            let messages = [
                #"{"type":"identify","userId":"buyer-1","messageId":"n-0","traits":{"email":"buyer@example.com"}}"#,
                #"{"type":"track","userId":"buyer-1","messageId":"n-1","event":"Order Completed","timestamp":"2026-11-21T10:00:00.000Z","context":{"channel":"app","traits":{"email":"Buyer@Example.com"}},"properties":{"order_id":"N-1","tax":3.5,"shipping":2,"discount":1,"currency":"EUR","products":[{"sku":"TEE","name":"Tee","price":19.99,"quantity":2},{"sku":"NEW-SKU","name":"New thing","category":"Misc","price":5.5,"quantity":1}]}}"#,
                #"{"type":"track","userId":"buyer-1","messageId":"n-2","event":"Order Completed","timestamp":"2026-11-22T10:00:00.000Z","properties":{"order_id":"N-2","currency":"ILS","products":[{"sku":"TEE","price":80,"quantity":1},{"sku":"HUGE","price":9999999999.99,"quantity":1000000}]}}"#,
                #"{"type":"track","userId":"buyer-2","messageId":"n-3","event":"Order Completed","timestamp":"2026-11-23T10:00:00.000Z","properties":{"order_id":"N-3","currency":"EUR","shipping":4.9,"products":[{"sku":"MUG","price":7.1,"quantity":3}]}}"#,
                #"{"type":"track","userId":"buyer-2","messageId":"n-4","event":"Order Completed","timestamp":"2026-11-23T11:00:00.000Z","properties":{"order_id":"N-4","currency":"EUR","products":[]}}"#,
                #"{"type":"track","userId":"buyer-2","messageId":"n-5","event":"Order Completed","timestamp":"2026-11-24T10:00:00.000Z","properties":{"order_id":"N-5","currency":"EUR","products":[{"sku":"MUG","price":7.1,"quantity":1}]}}"#,
                #"{"type":"track","userId":"buyer-2","messageId":"n-6","event":"Order Refunded","timestamp":"2026-11-25T10:00:00.000Z","properties":{"order_id":"N-5","total":2}}"#,
                #"{"type":"track","userId":"buyer-2","messageId":"n-7","event":"Order Completed","properties":{"total":3}}"#,
            ]
            func send(_ batch: [String], as workspace: SeededWorkspace) async throws {
                #expect(try await h.client.execute(uri: "/v1/batch", method: .post,
                                                   headers: [.authorization: "Basic \(Data("\(workspace.writeKey):".utf8).base64EncodedString())", .contentType: "application/json"],
                                                   body: ByteBuffer(string: #"{"batch":["# + batch.joined(separator: ",") + "]}")).status == .ok)
                try await IdentityResolver(store: h.store).resolvePending(in: workspace.workspace.id)
            }
            try await send(messages, as: h.a)                       // one resolution batch: the orders are stored together
            for message in messages { try await send([message], as: h.b) }  // one event per batch: one order at a time
            func summary(_ workspace: SeededWorkspace) async throws -> [String] {
                let reader = workspace.secretKeys[.viewer]!
                let orders = (try await h.api(.get, "/api/v1/orders?limit=50", key: reader).json()["data"] as? [[String: Any]]) ?? []
                var lines = orders.map { order in
                    let changes = ((order["changes"] as? [[String: Any]]) ?? []).map { "\($0["status"] ?? "") \($0["at"] ?? "")" }
                    let items = ((order["lines"] as? [[String: Any]]) ?? []).map { "\($0["sku"] ?? "")×\($0["quantity"] ?? "")@\(amount($0["unitPrice"]) ?? "")" }
                    let money = ((order["transactions"] as? [[String: Any]]) ?? []).map { "\($0["kind"] ?? "") \(amount($0["amount"]) ?? "") \($0["status"] ?? "")" }
                    return "\(order["reference"] ?? "") \(order["status"] ?? "") \(amount(order["total"]) ?? "") \(order["email"] ?? "-") \(order["channel"] ?? "") \(order["placedAt"] ?? "") "
                        + "\(changes) \(items) \(money.sorted())"
                }.sorted()
                let sold = try await h.api(.get, "/api/v1/reports/units-sold?by=product&period=day&from=2026-11-01&until=2026-12-01", key: reader).json()
                lines += ((sold["data"] as? [[String: Any]]) ?? []).map { "sold \($0["key"] ?? "") \($0["period"] ?? "") \($0["units"] ?? "") \(amount($0["gross"]) ?? "") \(amount($0["refunds"]) ?? "")" }.sorted()
                for user in ["buyer-1", "buyer-2"] {
                    let profile = try #require(try await h.store.profileID(for: Identifier(kind: .userID, value: user), in: workspace.workspace.id))
                    let record = try await h.api(.get, "/api/v1/profiles/\(profile)", key: reader).json()
                    let commerce = try JSONSerialization.data(withJSONObject: record["commerce"] ?? [:], options: [.sortedKeys])
                    lines.append("\(user) \(String(decoding: commerce, as: UTF8.self))")
                }
                return lines
            }
            let together = try await summary(h.a), alone = try await summary(h.b)
            #expect(together == alone)
            // Hand-worked: N-1 is 2 × 19.99 + 5.50 − 1.00 + 3.50 + 2.00 = 49.98, placed then paid, by the app.
            #expect(together.contains { $0.hasPrefix("N-1 paid 49.98 buyer@example.com app 2026-11-21T10:00:00") }, "\(together)")
            #expect(together.contains { $0.hasPrefix("N-4 paid 0.00") && $0.hasSuffix("[] []") }, "an order of nothing is paid with no payment: \(together)")
            #expect(together.filter { $0.hasPrefix("N-") }.count == 5, "\(together)")
        }
    }

    @Test("Bad orders are refused whole, naming every field and the fix; nothing is written", arguments: TestDatabase.engines)
    func refusals(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let writer = h.a.secretKeys[.manager]!
            _ = try await h.api(.post, "/api/v1/products", key: writer, json: #"{"sku":"TEE","name":"Tee","price":"19.99","currency":"EUR"}"#)
            _ = try await h.api(.post, "/api/v1/products", key: writer, json: #"{"sku":"YEN","name":"Yen item","price":"500","currency":"JPY"}"#)
            let bad = try await h.api(.post, "/api/v1/orders", key: writer, json: #"""
                {"orderId":"W-9","currency":"EUR","lines":[{"sku":"NOPE","quantity":1},{"sku":"TEE","quantity":0},{"sku":"TEE","quantity":2.5},
                 {"sku":"YEN","quantity":1},{"sku":"TEE","quantity":1,"unitPrice":"1.001"},{"sku":"TEE","quantity":1,"discount":"25"}],"tax":"-1"}
                """#)
            #expect(bad.status == .badRequest)
            #expect(Set(fields(try bad.json())) == ["lines[0].sku", "lines[1].quantity", "lines[2].quantity", "lines[3].unitPrice", "lines[4].unitPrice", "lines[5].discount", "tax"])
            for (json, field) in [(#"{"lines":[{"sku":"TEE","quantity":1}]}"#, "currency"),
                                  (#"{"currency":"EUR","lines":[]}"#, "lines"),
                                  (#"{"currency":"EUR"}"#, "lines"),
                                  (#"{"currency":"EUR","channel":"moon","lines":[{"sku":"TEE","quantity":1}]}"#, "channel"),
                                  (#"{"currency":"EUR","email":"not an email","lines":[{"sku":"TEE","quantity":1}]}"#, "email"),
                                  (#"{"currency":"EUR","placedAt":"yesterday","lines":[{"sku":"TEE","quantity":1}]}"#, "placedAt"),
                                  (#"{"currency":"EUR","discount":"100","lines":[{"sku":"TEE","quantity":1}]}"#, "discount"),
                                  (#"{"currency":"EUR","lines":[{"sku":"TEE","quantity":1000000,"unitPrice":"9999999999.99"}]}"#, "lines[0].quantity"),
                                  (#"{"currency":"EUR","lines":[{"productId":"0198a3f0-0000-7000-8000-000000000000","quantity":1}]}"#, "lines[0].productId")] {
                let response = try await h.api(.post, "/api/v1/orders", key: writer, json: json)
                #expect(response.status == .badRequest, "\(json)")
                #expect(fields(try response.json()).contains(field), "\(json) names \(field): \(response.text)")
            }
            #expect(try await h.store.orders(in: h.a.workspace.id, after: nil, limit: 50).items.isEmpty, "nothing of a refused order is written")
            // Another workspace's products are unknown here.
            _ = try await h.api(.post, "/api/v1/products", key: h.b.secretKeys[.manager]!, json: #"{"sku":"B-ONLY","name":"B's","price":"1","currency":"EUR"}"#)
            let foreign = try await h.api(.post, "/api/v1/orders", key: writer, json: #"{"currency":"EUR","lines":[{"sku":"B-ONLY","quantity":1}]}"#)
            #expect(fields(try foreign.json()) == ["lines[0].sku"])
            // A cancelled order stays cancelled.
            let order = try await h.api(.post, "/api/v1/orders", key: writer, json: #"{"currency":"EUR","lines":[{"sku":"TEE","quantity":1}]}"#).json()
            let id = try #require(order["id"] as? String)
            #expect(try await h.api(.post, "/api/v1/orders/\(id)/status", key: writer, json: #"{"status":"cancelled"}"#).status == .ok)
            let reopened = try await h.api(.post, "/api/v1/orders/\(id)/status", key: writer, json: #"{"status":"paid"}"#)
            #expect(reopened.status == .badRequest)
            #expect(reopened.text.contains("cannot be moved by hand any more"))
            #expect(try await h.api(.post, "/api/v1/orders/\(id)/status", key: writer, json: #"{"status":"shipped"}"#).status == .badRequest)
        }
    }
}

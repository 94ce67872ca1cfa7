import CairnCore
import CairnEngine
import CairnStore
import CairnTestSupport
import Foundation
import Testing
import HTTPTypes
import HummingbirdTesting

@Suite("Product catalogue")
struct ProductCatalogueTests {
    func fields(_ problem: [String: Any]) -> [String] {
        ((problem["errors"] as? [[String: Any]]) ?? []).compactMap { $0["field"] as? String }
    }

    @Test("Products are added, found, changed and listed with exact prices", arguments: TestDatabase.engines)
    func lifecycle(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let writer = h.a.secretKeys[.manager]!, reader = h.a.secretKeys[.viewer]!
            let created = try await h.api(.post, "/api/v1/products", key: writer,
                                          json: #"{"sku":" TEE-BLUE-M ","name":"Blue tee, M","category":"Apparel","price":19.99,"currency":"eur"}"#)
            #expect(created.status == .created)
            let tee = try created.json()
            let id = try #require(tee["id"] as? String)
            #expect(created.headers[.location] == "/api/v1/products/\(id)")
            #expect(tee["sku"] as? String == "TEE-BLUE-M")
            #expect(tee["kind"] as? String == "product")
            let price = try #require(tee["price"] as? [String: Any])
            #expect(price["amount"] as? String == "19.99")
            #expect(price["currency"] as? String == "EUR")
            #expect(price["minorUnits"] as? Int == 1999)
            _ = try await h.api(.post, "/api/v1/products", key: writer, json: #"{"sku":"SVC-REPAIR","name":"Repair service","kind":"service","price":"1500","currency":"JPY"}"#)
            _ = try await h.api(.post, "/api/v1/products", key: writer, json: #"{"sku":"MUG","name":"Mug","category":"Kitchen"}"#)

            // Read back, listed, filtered, searched.
            #expect(try await h.api(.get, "/api/v1/products/\(id)", key: reader).json()["name"] as? String == "Blue tee, M")
            func skus(_ query: String) async throws -> [String] {
                let list = try await h.api(.get, "/api/v1/products\(query)", key: reader)
                #expect(list.status == .ok, "\(query): \(list.text)")
                return ((try list.json()["data"] as? [[String: Any]]) ?? []).compactMap { $0["sku"] as? String }
            }
            #expect(try await skus("") == ["TEE-BLUE-M", "SVC-REPAIR", "MUG"])
            #expect(try await skus("?category=Apparel") == ["TEE-BLUE-M"])
            #expect(try await skus("?q=repair") == ["SVC-REPAIR"])
            #expect(try await skus("?q=tee-blue") == ["TEE-BLUE-M"])
            let firstPage = try await h.api(.get, "/api/v1/products?limit=2", key: reader).json()
            let cursor = try #require(firstPage["nextCursor"] as? String)
            #expect(try await skus("?limit=2&cursor=\(cursor)") == ["MUG"])

            // Changes: a new price in the held currency, a cleared category; fields left out stay.
            let changed = try await h.api(.patch, "/api/v1/products/\(id)", key: writer, json: #"{"price":"17.5","category":null}"#)
            #expect(changed.status == .ok, "\(changed.text)")
            let after = try changed.json()
            #expect((after["price"] as? [String: Any])?["amount"] as? String == "17.50")
            #expect(after["category"] == nil || after["category"] is NSNull)
            #expect(after["name"] as? String == "Blue tee, M")
            // Another currency needs its price with it.
            let currencyOnly = try await h.api(.patch, "/api/v1/products/\(id)", key: writer, json: #"{"currency":"USD"}"#)
            #expect(currencyOnly.status == .badRequest)
            #expect(fields(try currencyOnly.json()) == ["price"])
            let moved = try await h.api(.patch, "/api/v1/products/\(id)", key: writer, json: #"{"currency":"USD","price":"21.00"}"#).json()
            #expect((moved["price"] as? [String: Any])?["currency"] as? String == "USD")
        }
    }

    @Test("Bad products are refused whole, naming every field and the fix; nothing is written", arguments: TestDatabase.engines)
    func refusals(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let writer = h.a.secretKeys[.manager]!
            let bad = try await h.api(.post, "/api/v1/products", key: writer,
                                      json: #"{"sku":"","name":"   ","kind":"gadget","price":"19.999","currency":"EUR"}"#)
            #expect(bad.status == .badRequest)
            let problem = try bad.json()
            #expect(Set(fields(problem)) == ["sku", "name", "kind", "price"])
            #expect(((problem["errors"] as? [[String: Any]]) ?? []).allSatisfy { ($0["hint"] as? String)?.isEmpty == false })
            for (json, field) in [(#"{"sku":"A","name":"A","price":"5"}"#, "currency"),
                                  (#"{"sku":"A","name":"A","price":"-5","currency":"EUR"}"#, "price"),
                                  (#"{"sku":"A","name":"A","price":"five","currency":"EUR"}"#, "price"),
                                  (#"{"sku":"A","name":"A","price":"5","currency":"EURO"}"#, "currency"),
                                  (#"{"sku":"A","name":"A","price":true,"currency":"EUR"}"#, "price"),
                                  (#"{"sku":null,"name":"A"}"#, "sku")] {
                let response = try await h.api(.post, "/api/v1/products", key: writer, json: json)
                #expect(response.status == .badRequest, "\(json)")
                #expect(fields(try response.json()).contains(field), "\(json) names \(field): \(response.text)")
            }
            #expect(try await h.store.products(in: h.a.workspace.id, after: nil, limit: 50).items.isEmpty, "nothing of a refused request is written")
            // A SKU is the workspace's own: a second one conflicts, another workspace may use it.
            #expect(try await h.api(.post, "/api/v1/products", key: writer, json: #"{"sku":"GIFT","name":"Gift card"}"#).status == .created)
            let twice = try await h.api(.post, "/api/v1/products", key: writer, json: #"{"sku":"GIFT","name":"Gift card again"}"#)
            #expect(twice.status == .conflict)
            #expect(fields(try twice.json()) == ["sku"])
            #expect(try await h.api(.post, "/api/v1/products", key: h.b.secretKeys[.manager]!, json: #"{"sku":"GIFT","name":"B's gift card"}"#).status == .created)
            let other = try await h.api(.post, "/api/v1/products", key: writer, json: #"{"sku":"OTHER","name":"Other"}"#).json()
            let renamed = try await h.api(.patch, "/api/v1/products/\(other["id"] as? String ?? "")", key: writer, json: #"{"sku":"GIFT"}"#)
            #expect(renamed.status == .conflict, "a change may not take another product's SKU")
            #expect(try await h.api(.get, "/api/v1/products/0198a3f0-0000-7000-8000-000000000000", key: writer).status == .notFound)
        }
    }
}

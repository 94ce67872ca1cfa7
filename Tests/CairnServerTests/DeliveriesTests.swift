import CairnCore
import CairnEngine
import CairnStore
import CairnTestSupport
import Foundation
import NIOCore
import Testing
import HTTPTypes
import HummingbirdTesting

@Suite("Deliveries")
struct DeliveriesTests {
    func fields(_ problem: [String: Any]) -> [String] {
        ((problem["errors"] as? [[String: Any]]) ?? []).compactMap { $0["field"] as? String }
    }

    @Test("Shipments move their order along, and the monitor flags late and stuck parcels as the clock moves", arguments: TestDatabase.engines)
    func monitor(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let writer = h.a.secretKeys[.manager]!, reader = h.a.secretKeys[.viewer]!
            _ = try await h.api(.post, "/api/v1/products", key: writer, json: #"{"sku":"TEE","name":"Tee","price":"19.99","currency":"EUR"}"#)
            func order() async throws -> String {
                try #require(try await h.api(.post, "/api/v1/orders", key: writer, json: #"{"currency":"EUR","lines":[{"sku":"TEE","quantity":1}]}"#).json()["id"] as? String)
            }
            let (first, second) = (try await order(), try await order())
            let promised = ISO8601DateFormatter().string(from: h.clock.now.addingTimeInterval(24 * 3600))
            let created = try await h.api(.post, "/api/v1/shipments", key: writer,
                                          json: #"{"orderId":"\#(first)","carrier":"DHL","trackingNumber":"JD0001","promisedAt":"\#(promised)"}"#)
            #expect(created.status == .created, "\(created.text)")
            let parcel = try #require(try created.json()["id"] as? String)
            let other = try #require(try await h.api(.post, "/api/v1/shipments", key: writer, json: #"{"orderId":"\#(second)","carrier":"UPS"}"#).json()["id"] as? String)

            func flagged(_ flag: String) async throws -> [String] {
                let list = try await h.api(.get, "/api/v1/shipments?flag=\(flag)", key: reader)
                #expect(list.status == .ok, "\(list.text)")
                return ((try list.json()["data"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String }
            }
            #expect(try await flagged("late") == [])
            #expect(try await flagged("stuck") == [])
            // Shipped: the order is fulfilled.
            #expect(try await h.api(.post, "/api/v1/shipments/\(parcel)/updates", key: writer, json: #"{"status":"shipped"}"#).status == .ok)
            #expect(try await h.api(.get, "/api/v1/orders/\(first)", key: reader).json()["status"] as? String == "fulfilled")
            // Thirty hours later: the first is past its promise (late); neither has changed for 48 hours yet.
            h.clock.advance(by: 30 * 3600)
            #expect(try await flagged("late") == [parcel])
            #expect(try await flagged("stuck") == [])
            // The workspace says 24 hours without news is stuck: both are.
            #expect(try await h.api(.put, "/api/v1/delivery-settings", key: h.a.secretKeys[.admin]!, json: #"{"stuckAfterHours":24}"#).status == .ok)
            #expect(Set(try await flagged("stuck")) == [parcel, other])
            let one = try await h.api(.get, "/api/v1/shipments/\(parcel)", key: reader).json()
            #expect(one["late"] as? Bool == true && one["stuck"] as? Bool == true)
            // News and delivery clear the flags; the order is delivered.
            #expect(try await h.api(.post, "/api/v1/shipments/\(other)/updates", key: writer, json: #"{"status":"in_transit","note":"Hub Leipzig"}"#).status == .ok)
            #expect(try await flagged("stuck") == [parcel])
            let delivered = try await h.api(.post, "/api/v1/shipments/\(parcel)/updates", key: writer, json: #"{"status":"delivered"}"#).json()
            #expect(delivered["late"] as? Bool == false && delivered["stuck"] as? Bool == false)
            #expect(((delivered["updates"] as? [[String: Any]]) ?? []).compactMap { $0["status"] as? String } == ["label_created", "shipped", "delivered"])
            #expect(try await flagged("late") == [])
            #expect(try await flagged("stuck") == [])
            #expect(try await h.api(.get, "/api/v1/orders/\(first)", key: reader).json()["status"] as? String == "delivered")

            // Impossible changes and bad input are refused, naming the field.
            let after = try await h.api(.post, "/api/v1/shipments/\(parcel)/updates", key: writer, json: #"{"status":"in_transit"}"#)
            #expect(after.status == .badRequest)
            #expect(fields(try after.json()) == ["status"])
            #expect(after.text.contains("returned"))
            for (json, field) in [(#"{"carrier":"DHL"}"#, "orderId"),
                                  (#"{"orderId":"0198a3f0-0000-7000-8000-000000000000","carrier":"DHL"}"#, "orderId"),
                                  (#"{"orderId":"\#(second)","carrier":""}"#, "carrier"),
                                  (#"{"orderId":"\#(second)","carrier":"DHL","promisedAt":"soon"}"#, "promisedAt"),
                                  (#"{"orderId":"\#(second)","carrier":"DHL","status":"lost"}"#, "status")] {
                let response = try await h.api(.post, "/api/v1/shipments", key: writer, json: json)
                #expect(response.status == .badRequest, "\(json)")
                #expect(fields(try response.json()) == [field], "\(json): \(response.text)")
            }
            #expect(try await h.api(.put, "/api/v1/delivery-settings", key: h.a.secretKeys[.admin]!, json: #"{"stuckAfterHours":0}"#).status == .badRequest)
            #expect(try await h.api(.get, "/api/v1/shipments?flag=lost", key: reader).status == .badRequest)
            #expect(try await h.store.shipments(in: h.a.workspace.id, after: nil, limit: 50).items.count == 2, "nothing of a refused request was written")
        }
    }

    @Test("Delivery events move shipments and their orders, as documented", arguments: TestDatabase.engines)
    func fromEvents(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let reader = h.a.secretKeys[.viewer]!
            let batch = #"""
                {"batch":[
                 {"type":"track","userId":"buyer-7","messageId":"d-1","event":"Order Completed","properties":{"order_id":"E-7","currency":"EUR","products":[{"sku":"TEE","name":"Tee","price":19.99,"quantity":1}]}},
                 {"type":"track","userId":"buyer-7","messageId":"d-2","event":"Order Shipped","context":{"channel":"delivery"},"properties":{"order_id":"E-7","carrier":"DHL","tracking_number":"JD7","promised_at":"2030-01-02T18:00:00Z"}},
                 {"type":"track","userId":"buyer-7","messageId":"d-3","event":"Delivery Status Updated","context":{"channel":"delivery"},"properties":{"order_id":"E-7","tracking_number":"JD7","status":"out_for_delivery","location":"Leipzig"}},
                 {"type":"track","userId":"buyer-7","messageId":"d-4","event":"Delivery Status Updated","properties":{"order_id":"E-7","tracking_number":"JD7","status":"teleported"}},
                 {"type":"track","userId":"buyer-7","messageId":"d-5","event":"Order Delivered","context":{"channel":"delivery"},"properties":{"order_id":"E-7","tracking_number":"JD7"}},
                 {"type":"track","userId":"buyer-7","messageId":"d-6","event":"Order Shipped","properties":{"order_id":"NOT-AN-ORDER","carrier":"DHL"}}
                ]}
                """#
            #expect(try await h.client.execute(uri: "/v1/batch", method: .post, headers: [.authorization: "Basic \(Data("\(h.a.writeKey):".utf8).base64EncodedString())", .contentType: "application/json"],
                                               body: ByteBuffer(string: batch)).status == .ok)
            try await IdentityResolver(store: h.store).resolvePending(in: h.a.workspace.id)
            let shipments = (try await h.api(.get, "/api/v1/shipments", key: reader).json()["data"] as? [[String: Any]]) ?? []
            #expect(shipments.count == 1, "one parcel; an event for an unknown order makes none")
            let parcel = try #require(shipments.first)
            #expect(parcel["carrier"] as? String == "DHL" && parcel["trackingNumber"] as? String == "JD7")
            #expect(parcel["promisedAt"] as? String == "2030-01-02T18:00:00Z")
            #expect(((parcel["updates"] as? [[String: Any]]) ?? []).compactMap { $0["status"] as? String } == ["shipped", "out_for_delivery", "delivered"])
            #expect(((parcel["updates"] as? [[String: Any]]) ?? []).first { $0["status"] as? String == "out_for_delivery" }?["note"] as? String == "Leipzig")
            let order = try #require(((try await h.api(.get, "/api/v1/orders", key: reader).json()["data"] as? [[String: Any]]) ?? []).first)
            #expect(order["status"] as? String == "delivered")
            #expect(((order["changes"] as? [[String: Any]]) ?? []).compactMap { $0["status"] as? String } == ["placed", "paid", "fulfilled", "delivered"])
        }
    }

    @Test("The monitor emits Delivery Late and Delivery Stuck once each, as events of the order's customer", arguments: TestDatabase.engines)
    func alerts(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let writer = h.a.secretKeys[.manager]!
            let customer = try await h.a.customer(in: h.store)
            _ = try await h.api(.post, "/api/v1/products", key: writer, json: #"{"sku":"TEE","name":"Tee","price":"19.99","currency":"EUR"}"#)
            let order = try #require(try await h.api(.post, "/api/v1/orders", key: writer,
                                                     json: #"{"orderId":"W-77","userId":"customer-alpha","currency":"EUR","lines":[{"sku":"TEE","quantity":1}]}"#).json()["id"] as? String)
            let promised = ISO8601DateFormatter().string(from: h.clock.now.addingTimeInterval(3600))
            let parcel = try #require(try await h.api(.post, "/api/v1/shipments", key: writer,
                                                      json: #"{"orderId":"\#(order)","carrier":"DHL","trackingNumber":"JD77","promisedAt":"\#(promised)"}"#).json()["id"] as? String)
            let monitor = Deliveries(store: h.store, clock: h.clock.source)
            func alerts() async throws -> [Event] {
                try await h.store.events(in: h.a.workspace.id, matching: EventFilter(kind: .track), after: nil, limit: 50).items
                    .filter { ($0.name ?? "").hasPrefix("Delivery ") }
            }
            #expect(try await monitor.emitAlerts(in: h.a.workspace.id) == 0, "nothing is late or stuck yet")
            h.clock.advance(by: 2 * 3600)
            #expect(try await monitor.emitAlerts(in: h.a.workspace.id) == 1)
            #expect(try await monitor.emitAlerts(in: h.a.workspace.id) == 0, "each alert once, however often the monitor runs")
            let late = try #require(try await alerts().first)
            #expect(late.name == "Delivery Late" && late.userID == "customer-alpha" && late.channel == .delivery)
            #expect(late.payload["properties"]?["order_id"]?.stringValue == "W-77")
            #expect(late.payload["properties"]?["shipment_id"]?.stringValue == parcel)
            // Two days without news: stuck. News ends it; silence again makes it stuck again, a new alert.
            h.clock.advance(by: 48 * 3600)
            #expect(try await monitor.emitAlerts(in: h.a.workspace.id) == 1)
            #expect(try await h.api(.post, "/api/v1/shipments/\(parcel)/updates", key: writer, json: #"{"status":"in_transit"}"#).status == .ok)
            #expect(try await monitor.emitAlerts(in: h.a.workspace.id) == 0)
            h.clock.advance(by: 49 * 3600)
            #expect(try await monitor.emitAlerts(in: h.a.workspace.id) == 1)
            let names = try await alerts().compactMap(\.name)
            #expect(names.filter { $0 == "Delivery Stuck" }.count == 2 && names.filter { $0 == "Delivery Late" }.count == 1)
            // The alerts join the customer's story like any event.
            try await IdentityResolver(store: h.store).resolvePending(in: h.a.workspace.id)
            #expect(try await alerts().allSatisfy { $0.profileID == customer })
            // Another workspace's monitor sees none of it.
            #expect(try await monitor.emitAlerts(in: h.b.workspace.id) == 0)
        }
    }
}

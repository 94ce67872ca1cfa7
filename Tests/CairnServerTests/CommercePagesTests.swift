import CairnCore
import CairnStore
import CairnTestSupport
import Foundation
import HTTPTypes
import Testing
import HummingbirdTesting

@Suite("Commerce pages")
struct CommercePagesTests {
    @Test("Orders list and filter, an order's lines, money, history and parcel timeline, the deliveries board with late parcels marked, products with units sold, the units-sold report with its chart and CSV",
          arguments: TestDatabase.engines)
    func commercePages(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let writer = h.a.secretKeys[.manager]!
            let customer = try await h.a.customer(in: h.store)
            #expect(try await h.api(.post, "/api/v1/products", key: writer, json: #"{"sku":"TEE","name":"Tee <b>shirt</b>","category":"Apparel","price":"20.00","currency":"EUR"}"#).status == .created)
            let today = ISO8601DateFormatter().string(from: h.clock.now)
            let placed = try await h.api(.post, "/api/v1/orders", key: writer,
                                         json: #"{"orderId":"W-100","userId":"customer-alpha","currency":"EUR","placedAt":"\#(today)","lines":[{"sku":"TEE","quantity":3}],"shipping":"5.00"}"#)
            #expect(placed.status == .created)
            let id = try placed.json()["id"] as? String ?? ""
            #expect(try await h.api(.post, "/api/v1/orders/\(id)/status", key: writer, json: #"{"status":"paid"}"#).status == .ok)
            #expect(try await h.api(.post, "/api/v1/orders/\(id)/transactions", key: writer, json: #"{"kind":"refund","amount":"20.00","method":"card","providerReference":"re_1"}"#).status == .created)
            let yesterday = ISO8601DateFormatter().string(from: h.clock.now.addingTimeInterval(-86_400))
            let shipped = try await h.api(.post, "/api/v1/shipments", key: writer, json: #"{"orderId":"\#(id)","carrier":"DHL","trackingNumber":"JD0042","promisedAt":"\#(yesterday)"}"#)
            #expect(shipped.status == .created)
            let shipment = try shipped.json()["id"] as? String ?? ""
            #expect(try await h.api(.post, "/api/v1/shipments/\(shipment)/updates", key: writer, json: #"{"status":"in_transit","note":"Hub Leipzig"}"#).status == .ok)

            var viewer = try await h.signIn(h.a.users[.viewer]!.email)
            let (_, list) = try await viewer.get("/commerce")
            #expect(list.contains(#"data-order="W-100""#) && list.contains("/commerce/orders/\(id)") && list.contains("/customers/\(customer)"))
            #expect(!list.contains(#""></a>"#) && !list.contains("nil"), "every customer link has text; no absent value printed")
            #expect(try await viewer.get("/commerce?status=partially_refunded").1.contains(#"data-order="W-100""#))
            #expect(try await viewer.get("/commerce?status=cancelled").1.contains(#"id="no-orders""#))

            let (_, detail) = try await viewer.get("/commerce/orders/\(id)")
            #expect(detail.contains("<bdi>API key «") && !detail.contains(">key:") && !detail.contains(">user:"), "the history names who changed the order")
            #expect(detail.contains("Tee &lt;b&gt;shirt&lt;/b&gt;"), "names are escaped")
            #expect(detail.contains(#"<strong id="order-total"><bdi>65.00 EUR</bdi></strong>"#))
            #expect(detail.contains(#"<strong id="balance-paid"><bdi>65.00 EUR</bdi></strong>"#) && detail.contains(#"<strong id="balance-refunded"><bdi>20.00 EUR</bdi></strong>"#))
            #expect(detail.contains("re_1") && detail.contains("Hub Leipzig") && detail.contains("JD0042"))
            #expect(detail.contains("Partly refunded") && detail.contains(#"class="shipment flag-late""#))
            #expect(try await viewer.get("/commerce/orders/\(OrderID.generate())").0.status == .notFound)

            let (_, late) = try await viewer.get("/commerce/deliveries?flag=late")
            #expect(late.contains(#"data-shipment="\#(shipment)""#) && late.contains(#"class="flag-late "#) && late.contains(#"data-flag="late""#))
            #expect(try await viewer.get("/commerce/deliveries?flag=stuck").1.contains(#"id="no-shipments""#))

            let (_, products) = try await viewer.get("/commerce/products")
            #expect(products.contains(#"<tr data-sku="TEE">"#) && products.contains(#"data-units>3</td>"#))

            let (_, units) = try await viewer.get("/commerce/units-sold?by=category&period=month")
            #expect(units.contains("<svg") && units.contains(#"data-key="Apparel""#))
            // 60.00 of lines, 20.00 of the 65.00 order given back: 18.46 falls on the lines.
            #expect(units.contains(#"data-net><bdi>41.54</bdi></td>"#))
            let (csv, text) = try await viewer.get("/commerce/units-sold.csv?by=product&period=day")
            #expect(csv.headers[.contentType]?.hasPrefix("text/csv") == true)
            #expect(text.hasPrefix("period,product,label,currency,units,gross,refunds,net\n") && text.contains(",TEE,Tee <b>shirt</b>,EUR,3,60.00,18.46,41.54\n"))
            let (bad, badPage) = try await viewer.get("/commerce/units-sold?by=colour")
            #expect(bad.status == .badRequest && badPage.contains("<strong>by</strong>"))

            // The customer's 360 timeline tells the order's story beside their events.
            let (_, story) = try await viewer.get("/customers/\(customer)")
            #expect(story.contains(#"<li data-kind="order">"#) && story.contains("<strong><bdi>Partly refunded</bdi></strong>"))
            #expect(story.contains("<strong><bdi>Refund 20.00 EUR</bdi></strong>") && story.contains("<strong><bdi>In transit · DHL</bdi></strong>"))
            #expect(story.contains(#"<a href="/commerce/orders/\#(id)"><bdi>Order W-100</bdi></a>"#), "values of unknown direction are isolated")

            var hebrew = try await h.signIn(h.a.users[.viewer]!.email, headers: [.acceptLanguage: "he"])
            let (_, rtl) = try await hebrew.get("/commerce/units-sold")
            #expect(rtl.contains(#"dir="rtl""#) && rtl.contains("יחידות שנמכרו"))
            // Another workspace sees none of it.
            var other = try await h.signIn(h.b.users[.viewer]!.email)
            #expect(try await other.get("/commerce").1.contains(#"id="no-orders""#))
            #expect(try await other.get("/commerce/orders/\(id)").0.status == .notFound)
        }
    }
}

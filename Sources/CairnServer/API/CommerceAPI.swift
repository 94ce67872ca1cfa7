import CairnCore
import CairnEngine
import Foundation
public import Hummingbird
import NIOCore

/// `/api/v1/products` and `/api/v1/orders`: the workspace's catalogue, and the orders customers place.
struct CommerceAPI {
    let catalogue: Catalogue
    let orders: Orders
    let deliveries: Deliveries
    let unitsSold: UnitsSoldReport
    let clock: DateSource

    func addRoutes(to group: RouterGroup<CairnRequestContext>) {
        group.get("products", use: listProducts)
        group.post("products", use: createProduct)
        group.get("products/{id}", use: product)
        group.patch("products/{id}", use: updateProduct)
        group.get("orders", use: listOrders)
        group.post("orders", use: placeOrder)
        group.get("orders/{id}", use: order)
        group.post("orders/{id}/status", use: moveOrder)
        group.post("orders/{id}/transactions", use: recordTransaction)
        group.get("shipments", use: listShipments)
        group.post("shipments", use: createShipment)
        group.get("shipments/{id}", use: shipment)
        group.post("shipments/{id}/updates", use: updateShipment)
        group.get("reports/units-sold", use: unitsSold)
        group.get("delivery-settings", use: deliverySettings)
        group.put("delivery-settings", use: setDeliverySettings)
    }

    // MARK: Units sold

    enum ReportFormat: String, CaseIterable { case json, csv }

    struct UnitsSoldBody: ResponseEncodable {
        var by: String
        var period: String
        var from: Date
        var until: Date
        var data: [UnitsSoldReport.Row]

        /// The JSON its `Encodable` form gives, written straight: a year by product per month is about 13,000 rows,
        /// which a `JSONEncoder` took some 200 ms to write.
        func json() -> [UInt8] {
            var json = JSONWriter(capacity: 256 + data.count * 280)
            json.beginObject()
            json.field("by", by)
            json.field("period", period)
            json.field("from", from.formatted(.iso8601))
            json.field("until", until.formatted(.iso8601))
            json.key("data")
            json.beginArray()
            for row in data { row.write(to: &json) }
            json.endArray()
            json.endObject()
            return json.bytes
        }

        func response() -> Response {
            Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: json())))
        }
    }

    /// `by=product|category|channel`, `period=day|week|month`, `from`/`until` (ISO 8601; the last 30 days by default, at
    /// most 3 years; widened to whole UTC days), `format=csv` for a download.
    @Sendable func unitsSold(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        try principal.require(.commerceRead)
        var query = UnitsSoldQuery(request, now: clock.now())
        let format = request.queryChoice("format", as: ReportFormat.self, hint: "Use json or csv.", collecting: &query.issues)
        try query.issues.throwIfAny()
        let rows = try await query.rows(for: principal, report: unitsSold)
        if format == .csv {
            return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"units-sold.csv\""],
                            body: .init(byteBuffer: ByteBuffer(string: UnitsSoldReport.csv(rows, by: query.key))))
        }
        // The report counts whole UTC days; the answer says which.
        let days = query.days
        return UnitsSoldBody(by: query.key.rawValue, period: query.period.rawValue, from: days.from, until: days.until, data: rows).response()
    }

    // MARK: Deliveries

    struct ShipmentBody: Decodable {
        var input = Deliveries.ShipmentInput()
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            input.orderID = try container.decodeUnlessNull(String.self, forKey: .orderId)
            input.carrier = try container.decodeUnlessNull(String.self, forKey: .carrier)
            input.trackingNumber = try container.decodeIfPresent(String.self, forKey: .trackingNumber)
            input.promisedAt = try container.decodeIfPresent(String.self, forKey: .promisedAt)
            input.status = try container.decodeUnlessNull(String.self, forKey: .status)
        }
        enum CodingKeys: String, CodingKey { case orderId, carrier, trackingNumber, promisedAt, status }
    }

    /// Filters: `flag=late|stuck` (the delivery monitor's lists), `orderId`.
    @Sendable func listShipments(_ request: Request, context: CairnRequestContext) async throws -> ListBody<MonitoredShipment> {
        let principal = try context.requirePrincipal()
        try principal.require(.commerceRead)
        let (cursor, limit) = try request.pagination()
        var issues = ValidationCollector()
        let flag = request.queryChoice("flag", as: Deliveries.Flag.self, hint: "Use late or stuck.", collecting: &issues)
        let order = request.queryID("orderId", as: OrderID.self, kind: "an order", collecting: &issues)
        try issues.throwIfAny()
        return ListBody(try await deliveries.shipments(for: principal, flag: flag, order: order, after: cursor, limit: limit))
    }

    @Sendable func createShipment(_ request: Request, context: CairnRequestContext) async throws -> EditedResponse<MonitoredShipment> {
        let principal = try context.requirePrincipal()
        try principal.require(.commerceWrite)
        let body = try await request.decodeJSON(ShipmentBody.self, context: context)
        let shipment = try await deliveries.ship(body.input, by: principal)
        return EditedResponse(status: .created, headers: [.location: "/api/v1/shipments/\(shipment.shipment.id)"], response: shipment)
    }

    @Sendable func shipment(_ request: Request, context: CairnRequestContext) async throws -> MonitoredShipment {
        try await deliveries.monitored(try context.parameters.id(as: ShipmentID.self, kind: "shipment"), for: try context.requirePrincipal())
    }

    struct UpdateBody: Decodable {
        var status: String?
        var note: String?
    }

    @Sendable func updateShipment(_ request: Request, context: CairnRequestContext) async throws -> MonitoredShipment {
        let principal = try context.requirePrincipal()
        try principal.require(.commerceWrite)
        let id = try context.parameters.id(as: ShipmentID.self, kind: "shipment")
        let body = try await request.decodeJSON(UpdateBody.self, context: context)
        return try await deliveries.update(id, status: body.status, note: body.note, by: principal)
    }

    struct DeliverySettingsBody: ResponseEncodable, Decodable {
        var stuckAfterHours: Int?
    }

    @Sendable func deliverySettings(_ request: Request, context: CairnRequestContext) async throws -> DeliverySettingsBody {
        DeliverySettingsBody(stuckAfterHours: try await deliveries.stuckAfterHours(for: try context.requirePrincipal()))
    }

    @Sendable func setDeliverySettings(_ request: Request, context: CairnRequestContext) async throws -> DeliverySettingsBody {
        let principal = try context.requirePrincipal()
        try principal.require(.workspaceManage)
        let body = try await request.decodeJSON(DeliverySettingsBody.self, context: context)
        return DeliverySettingsBody(stuckAfterHours: try await deliveries.setStuckAfterHours(body.stuckAfterHours, by: principal))
    }

    // MARK: Orders

    struct OrderBody: Decodable {
        var input = Orders.Input()

        struct LineBody: Decodable {
            var line = Orders.Input.Line()
            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                line.sku = try container.decodeUnlessNull(String.self, forKey: .sku)
                line.productID = try container.decodeUnlessNull(String.self, forKey: .productId)
                line.quantity = try container.decodeUnlessNull(JSONValue.self, forKey: .quantity)
                line.unitPrice = try container.decodeUnlessNull(JSONValue.self, forKey: .unitPrice)
                line.discount = try container.decodeUnlessNull(JSONValue.self, forKey: .discount)
            }
            enum CodingKeys: String, CodingKey { case sku, productId, quantity, unitPrice, discount }
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            input.reference = try container.decodeUnlessNull(String.self, forKey: .orderId)
            input.userID = try container.decodeIfPresent(String.self, forKey: .userId)
            input.email = try container.decodeIfPresent(String.self, forKey: .email)
            input.anonymousID = try container.decodeIfPresent(String.self, forKey: .anonymousId)
            input.channel = try container.decodeUnlessNull(String.self, forKey: .channel)
            input.currency = try container.decodeUnlessNull(String.self, forKey: .currency)
            input.lines = try container.decodeUnlessNull([LineBody].self, forKey: .lines)?.map(\.line)
            input.discount = try container.decodeUnlessNull(JSONValue.self, forKey: .discount)
            input.tax = try container.decodeUnlessNull(JSONValue.self, forKey: .tax)
            input.shipping = try container.decodeUnlessNull(JSONValue.self, forKey: .shipping)
            input.placedAt = try container.decodeUnlessNull(String.self, forKey: .placedAt)
        }
        enum CodingKeys: String, CodingKey { case orderId, userId, email, anonymousId, channel, currency, lines, discount, tax, shipping, placedAt }
    }

    /// Filters: `status`, `profileId`.
    @Sendable func listOrders(_ request: Request, context: CairnRequestContext) async throws -> ListBody<Order> {
        let principal = try context.requirePrincipal()
        try principal.require(.commerceRead)
        let (cursor, limit) = try request.pagination()
        var issues = ValidationCollector()
        let status = request.queryChoice("status", as: Order.Status.self, hint: "Use one of the order statuses.", collecting: &issues)
        let profile = request.queryID("profileId", as: ProfileID.self, kind: "a profile", collecting: &issues)
        try issues.throwIfAny()
        return ListBody(try await orders.orders(for: principal, status: status, profile: profile, after: cursor, limit: limit))
    }

    /// 201 with the new order; 200 with the stored one when the workspace already has an order with this `orderId`.
    @Sendable func placeOrder(_ request: Request, context: CairnRequestContext) async throws -> EditedResponse<Order> {
        let principal = try context.requirePrincipal()
        try principal.require(.commerceWrite)
        let body = try await request.decodeJSON(OrderBody.self, context: context)
        let (order, created) = try await orders.place(body.input, by: principal)
        return EditedResponse(status: created ? .created : .ok, headers: [.location: "/api/v1/orders/\(order.id)"], response: order)
    }

    @Sendable func order(_ request: Request, context: CairnRequestContext) async throws -> Order {
        try await orders.order(try context.parameters.id(as: OrderID.self, kind: "order"), for: try context.requirePrincipal())
    }

    struct TransactionBody: Decodable {
        var input = Orders.TransactionInput()
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            input.kind = try container.decodeUnlessNull(String.self, forKey: .kind)
            input.amount = try container.decodeUnlessNull(JSONValue.self, forKey: .amount)
            input.currency = try container.decodeUnlessNull(String.self, forKey: .currency)
            input.method = try container.decodeIfPresent(String.self, forKey: .method)
            input.providerReference = try container.decodeIfPresent(String.self, forKey: .providerReference)
            input.status = try container.decodeUnlessNull(String.self, forKey: .status)
        }
        enum CodingKeys: String, CodingKey { case kind, amount, currency, method, providerReference, status }
    }

    /// 201 with the order as it stands after the payment, refund or chargeback.
    @Sendable func recordTransaction(_ request: Request, context: CairnRequestContext) async throws -> EditedResponse<Order> {
        let principal = try context.requirePrincipal()
        try principal.require(.commerceWrite)
        let id = try context.parameters.id(as: OrderID.self, kind: "order")
        let body = try await request.decodeJSON(TransactionBody.self, context: context)
        let order = try await orders.record(body.input, on: id, by: principal)
        return EditedResponse(status: .created, headers: [.location: "/api/v1/orders/\(id)"], response: order)
    }

    struct StatusBody: Decodable {
        var status: String?
    }

    @Sendable func moveOrder(_ request: Request, context: CairnRequestContext) async throws -> Order {
        let principal = try context.requirePrincipal()
        try principal.require(.commerceWrite)
        let id = try context.parameters.id(as: OrderID.self, kind: "order")
        let body = try await request.decodeJSON(StatusBody.self, context: context)
        guard let status = body.status.flatMap(Order.Status.init(rawValue:)) else {
            throw ValidationError(field: "status", issue: .unknownValue(allowed: Order.Status.allCases.map(\.rawValue)),
                                  hint: "Send the status the order moves to: paid, fulfilled, delivered, cancelled, refunded or partially_refunded.")
        }
        return try await orders.move(id, to: status, by: principal)
    }

    /// `category` and `price`: absent leaves them, `null` clears them. `price` is a number or a decimal string in major
    /// units ("19.99"); it needs `currency` unless the product already has a price in the same currency.
    struct ProductFields: Decodable {
        var fields = Catalogue.Fields()

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            fields.sku = try container.decodeUnlessNull(String.self, forKey: .sku)
            fields.name = try container.decodeUnlessNull(String.self, forKey: .name)
            fields.kind = try container.decodeUnlessNull(String.self, forKey: .kind)
            fields.currency = try container.decodeUnlessNull(String.self, forKey: .currency)
            if container.contains(.category) {
                fields.category = .some(try container.decodeNil(forKey: .category) ? nil : try container.decode(String.self, forKey: .category))
            }
            if container.contains(.price) {
                fields.price = .some(try container.decodeNil(forKey: .price) ? nil : try container.decode(JSONValue.self, forKey: .price))
            }
        }
        enum CodingKeys: String, CodingKey { case sku, name, category, kind, price, currency }
    }

    /// Filters: `category` (exact) and `q` (text in the SKU or name).
    @Sendable func listProducts(_ request: Request, context: CairnRequestContext) async throws -> ListBody<Product> {
        let principal = try context.requirePrincipal()
        try principal.require(.commerceRead)
        let (cursor, limit) = try request.pagination()
        let query = request.uri.queryParameters
        var filter = ProductFilter(category: query["category"].map(String.init))
        if let text = query["q"].map(String.init) {
            guard text.count <= 200 else { throw ValidationError(field: "q", issue: .tooLong(limit: 200), hint: "Search for at most 200 characters.") }
            filter.search = text.trimmingCharacters(in: .whitespaces).isEmpty ? nil : text
        }
        return ListBody(try await catalogue.products(for: principal, matching: filter, after: cursor, limit: limit))
    }

    @Sendable func createProduct(_ request: Request, context: CairnRequestContext) async throws -> EditedResponse<Product> {
        let principal = try context.requirePrincipal()
        try principal.require(.commerceWrite)
        let body = try await request.decodeJSON(ProductFields.self, context: context)
        let product = try await catalogue.create(body.fields, by: principal)
        return EditedResponse(status: .created, headers: [.location: "/api/v1/products/\(product.id)"], response: product)
    }

    @Sendable func product(_ request: Request, context: CairnRequestContext) async throws -> Product {
        try await catalogue.product(try context.parameters.id(as: ProductID.self, kind: "product"), for: try context.requirePrincipal())
    }

    @Sendable func updateProduct(_ request: Request, context: CairnRequestContext) async throws -> Product {
        let principal = try context.requirePrincipal()
        try principal.require(.commerceWrite)
        let id = try context.parameters.id(as: ProductID.self, kind: "product")
        let body = try await request.decodeJSON(ProductFields.self, context: context)
        return try await catalogue.update(id, with: body.fields, by: principal)
    }
}

extension Product: ResponseEncodable {}
extension Order: ResponseEncodable {}
extension MonitoredShipment: ResponseEncodable {}

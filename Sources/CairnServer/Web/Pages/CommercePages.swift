import CairnCore
import CairnEngine
import Foundation
import Hummingbird
import NIOCore

/// Commerce: the orders list and an order's whole story (lines, money, changes, parcels), the deliveries board with
/// late and stuck parcels highlighted, the products with what they sold, and the units-sold report with its chart and
/// CSV download. Everything needs `commerce.read`.
struct CommercePages {
    let renderer: WebRenderer
    let catalogue: Catalogue
    let orders: Orders
    let deliveries: Deliveries

    let unitsSold: UnitsSoldReport
    let administration: Administration
    let clock: DateSource

    func addRoutes(to router: Router<CairnRequestContext>) {
        router.get("commerce", use: orderList)
        router.get("commerce/orders/{id}", use: order)
        router.get("commerce/deliveries", use: deliveryBoard)
        router.get("commerce/products", use: productList)
        router.get("commerce/units-sold", use: unitsSoldPage)
        router.get("commerce/units-sold.csv", use: unitsSoldCSV)
    }

    /// The sub-navigation of the commerce pages.
    private func nav(_ current: String, texts: [String: String]) -> [[String: Any]] {
        [("orders", "/commerce", "commerce_orders"), ("deliveries", "/commerce/deliveries", "commerce_deliveries"),
         ("products", "/commerce/products", "commerce_products"), ("units", "/commerce/units-sold", "commerce_units_sold")].map {
            ["id": $0.0, "href": $0.1, "label": texts[$0.2] ?? $0.2, "current": $0.0 == current]
        }
    }

    private func statusLabel(_ status: Order.Status, _ texts: [String: String]) -> String { texts["order_status_\(status.rawValue)"] ?? status.rawValue }
    private func shipmentLabel(_ status: Shipment.Status, _ texts: [String: String]) -> String { texts["shipment_status_\(status.rawValue)"] ?? status.rawValue }

    private func nextLink(_ path: String, _ items: [URLQueryItem], cursor: String?) -> String? {
        guard let cursor else { return nil }
        var components = URLComponents()
        components.path = path
        components.queryItems = items + [URLQueryItem(name: "cursor", value: cursor)]
        return components.string
    }

    // MARK: Orders

    @Sendable func orderList(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try principal.require(.commerceRead)
        let texts = renderer.catalogue.texts(for: context.language)
        let statusText = request.uri.queryParameters["status"].map(String.init) ?? ""
        let status = Order.Status(rawValue: statusText)
        let (cursor, limit) = try request.pagination()
        let page = try await orders.orders(for: principal, status: status, profile: nil, after: cursor, limit: limit)
        return try renderer.page("commerce_orders", titleKey: "commerce_orders", section: "commerce", context: context, values: [
            "commerceNav": nav("orders", texts: texts),
            "statuses": Order.Status.allCases.map { ["value": $0.rawValue, "label": statusLabel($0, texts), "selected": $0 == status] },
            "hasOrders": !page.items.isEmpty,
            "orders": page.items.map { order -> [String: Any] in
                ["id": order.id.rawValue, "reference": order.reference, "placed": displayDate(order.placedAt), "status": order.status.rawValue,
                 "statusLabel": statusLabel(order.status, texts), "channel": texts["channel_\(order.channel.rawValue)"] ?? order.channel.rawValue,
                 "total": order.total.description, "customer": order.profileID?.rawValue as Any, "email": order.email as Any, "lines": order.lines.count]
            },
            "nextLink": nextLink("/commerce", status.map { [URLQueryItem(name: "status", value: $0.rawValue)] } ?? [], cursor: page.nextCursor) as Any,
        ])
    }

    @Sendable func order(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        let id = try context.parameters.id(as: OrderID.self, kind: "order")
        let order = try await orders.order(id, for: principal)
        let actors = try await administration.actorNames(Set(order.changes.map(\.by)), for: principal)
        let texts = renderer.catalogue.texts(for: context.language)
        let shipments = try await deliveries.shipments(for: principal, flag: nil, order: id, after: nil, limit: try PageSize(100)).items
        let balance = order.balance
        return try renderer.page("commerce_order", titleKey: "commerce_order", section: "commerce", context: context, values: [
            "commerceNav": nav("orders", texts: texts),
            "order": [
                "id": order.id.rawValue, "reference": order.reference, "placed": displayDate(order.placedAt), "status": order.status.rawValue,
                "statusLabel": statusLabel(order.status, texts), "channel": texts["channel_\(order.channel.rawValue)"] ?? order.channel.rawValue,
                "customer": order.profileID?.rawValue as Any, "email": order.email as Any, "userID": order.userID ?? "",
                "subtotal": order.subtotal.description, "discount": order.discount.description, "tax": order.tax.description,
                "shipping": order.shipping.description, "total": order.total.description,
                "paid": balance.paid.description, "refunded": (balance.refunded + balance.chargedBack).description, "due": balance.due.description,
            ] as [String: Any],
            "lines": order.lines.map { line -> [String: Any] in
                ["sku": line.sku, "name": line.name, "quantity": line.quantity, "unitPrice": line.unitPrice.description, "discount": line.discount.description,
                 "total": line.total.description]
            },
            "hasTransactions": !order.transactions.isEmpty,
            "transactions": order.transactions.map { transaction -> [String: Any] in
                ["when": displayDate(transaction.at), "kind": texts["transaction_\(transaction.kind.rawValue)"] ?? transaction.kind.rawValue,
                 "amount": transaction.amount.description, "method": transaction.method ?? "", "reference": transaction.providerReference ?? "",
                 "status": texts["transaction_status_\(transaction.status.rawValue)"] ?? transaction.status.rawValue]
            },
            "changes": order.changes.map { change -> [String: Any] in
                ["when": displayDate(change.at), "status": statusLabel(change.status, texts), "by": actorText(change.by, actors, texts: texts)]
            },
            "hasShipments": !shipments.isEmpty,
            "shipments": shipments.map { shipmentValues($0, texts: texts) },
        ])
    }

    private func shipmentValues(_ monitored: MonitoredShipment, texts: [String: String]) -> [String: Any] {
        let shipment = monitored.shipment
        return ["id": shipment.id.rawValue, "orderID": shipment.orderID.rawValue, "carrier": shipment.carrier, "tracking": shipment.trackingNumber ?? "",
                "promised": shipment.promisedAt.map(displayDate) ?? "", "status": shipment.status.rawValue, "statusLabel": shipmentLabel(shipment.status, texts),
                "updated": displayDate(shipment.updatedAt), "late": monitored.late, "stuck": monitored.stuck, "flagged": monitored.late || monitored.stuck,
                "updates": shipment.updates.map { update -> [String: Any] in
                    ["when": displayDate(update.at), "status": shipmentLabel(update.status, texts), "note": update.note ?? ""]
                }]
    }

    // MARK: Deliveries

    @Sendable func deliveryBoard(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try principal.require(.commerceRead)
        let texts = renderer.catalogue.texts(for: context.language)
        let flag = request.uri.queryParameters["flag"].flatMap { Deliveries.Flag(rawValue: String($0)) }
        let (cursor, limit) = try request.pagination()
        let page = try await deliveries.shipments(for: principal, flag: flag, order: nil, after: cursor, limit: limit)
        let references = try await orders.orders(page.items.map(\.shipment.orderID), for: principal)
        let filters: [(String, String?)] = [("deliveries_all", nil), ("deliveries_late", "late"), ("deliveries_stuck", "stuck")]
        return try renderer.page("commerce_deliveries", titleKey: "commerce_deliveries", section: "commerce", context: context, values: [
            "commerceNav": nav("deliveries", texts: texts),
            "filters": filters.map { ["label": texts[$0.0] ?? $0.0, "href": $0.1.map { "/commerce/deliveries?flag=\($0)" } ?? "/commerce/deliveries",
                                      "current": $0.1 == flag?.rawValue, "id": $0.1 ?? "all"] },
            "stuckAfterHours": try await deliveries.stuckAfterHours(for: principal),
            "hasShipments": !page.items.isEmpty,
            "shipments": page.items.map { monitored -> [String: Any] in
                var values = shipmentValues(monitored, texts: texts)
                values["reference"] = references[monitored.shipment.orderID]?.reference ?? monitored.shipment.orderID.rawValue
                return values
            },
            "nextLink": nextLink("/commerce/deliveries", flag.map { [URLQueryItem(name: "flag", value: $0.rawValue)] } ?? [], cursor: page.nextCursor) as Any,
        ])
    }

    // MARK: Products

    @Sendable func productList(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try principal.require(.commerceRead)
        let texts = renderer.catalogue.texts(for: context.language)
        let query = request.uri.queryParameters["q"].map { String($0).trimmingCharacters(in: .whitespaces) } ?? ""
        let (cursor, limit) = try request.pagination()
        let page = try await catalogue.products(for: principal, matching: ProductFilter(search: query.isEmpty ? nil : query), after: cursor, limit: limit)
        // What each sold in the last 30 days (whole UTC days up to today), per currency.
        let until = clock.now()
        let sold = try await unitsSold.rows(for: principal, by: .product, period: .month, from: until.addingTimeInterval(-30 * 86_400), until: until)
        var units: [String: Int64] = [:], net: [String: [Currency: Int64]] = [:]
        for row in sold {
            units[row.key, default: 0] += row.units
            net[row.key, default: [:]][row.currency, default: 0] += row.net.minorUnits
        }
        return try renderer.page("commerce_products", titleKey: "commerce_products", section: "commerce", context: context, values: [
            "commerceNav": nav("products", texts: texts),
            "query": query,
            "hasProducts": !page.items.isEmpty,
            "products": page.items.map { product -> [String: Any] in
                ["sku": product.sku, "name": product.name, "category": product.category ?? "", "kind": texts["product_kind_\(product.kind.rawValue)"] ?? product.kind.rawValue,
                 "price": product.price?.description ?? "", "units": units[product.sku] ?? 0,
                 "net": (net[product.sku] ?? [:]).sorted { $0.key.code < $1.key.code }.map { Money(minorUnits: $0.value, currency: $0.key).description }.joined(separator: " · ")]
            },
            "nextLink": nextLink("/commerce/products", query.isEmpty ? [] : [URLQueryItem(name: "q", value: query)], cursor: page.nextCursor) as Any,
        ])
    }

    // MARK: Units sold

    /// Where the page's rows come from, as CSV.
    private func csvLink(_ query: UnitsSoldQuery) -> String {
        let days = query.days
        return "/commerce/units-sold.csv?by=\(query.key.rawValue)&period=\(query.period.rawValue)&from=\(UnitsSoldQuery.dayText(days.from))&until=\(UnitsSoldQuery.dayText(days.until))"
    }

    @Sendable func unitsSoldPage(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try principal.require(.commerceRead)
        let texts = renderer.catalogue.texts(for: context.language)
        let query = UnitsSoldQuery(request, now: clock.now())
        var errors: [String: Any]?
        var rows: [UnitsSoldReport.Row] = []
        if query.issues.issues.isEmpty {
            rows = try await query.rows(for: principal, report: unitsSold)
        } else {
            errors = fieldErrors(ValidationError(issues: query.issues.issues), texts: renderer.catalogue, language: context.language)
        }
        // The chart: units per period, oldest first, each bar divided by product, category or channel — the seven that
        // sold most with their own colour, the rest together — and a legend naming them.
        var perPeriod: [String: Int64] = [:], perGroup: [String: Int64] = [:], cells: [String: [String: Int64]] = [:]
        var names: [String: String] = [:]
        for row in rows {
            perPeriod[row.period, default: 0] += row.units
            perGroup[row.key, default: 0] += row.units
            cells[row.key, default: [:]][row.period, default: 0] += row.units
            names[row.key] = row.label
        }
        // By day, every day of the window is drawn (a day with nothing sold as zero), so a busy day does not stand
        // for the whole period.
        var periods = perPeriod.keys.sorted()
        let span = Date.utcDays(from: query.from, until: query.until)
        if query.period == .day, span.until > span.from, span.until - span.from <= 400 {
            periods = (span.from..<span.until).map { UnitsSoldPeriod.day.label(ofBucket: $0) }
        }
        let ranked = perGroup.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map(\.key)
        let shown = ranked.count > 8 ? Array(ranked.prefix(7)) : ranked
        var stacks = shown.map { key in SVGChart.Stack(name: names[key] ?? key, values: periods.map { Double(cells[key]?[$0] ?? 0) }) }
        var legend: [[String: Any]] = shown.enumerated().map { ["name": names[$0.element] ?? $0.element, "units": perGroup[$0.element] ?? 0, "swatch": "s\($0.offset)"] }
        if ranked.count > shown.count {
            let rest = ranked.dropFirst(shown.count)
            let name = (texts["units_others"] ?? "%d others").replacingOccurrences(of: "%d", with: String(rest.count))
            stacks.append(SVGChart.Stack(name: name, values: periods.map { period in Double(rest.reduce(0) { $0 + (cells[$1]?[period] ?? 0) }) }))
            legend.append(["name": name, "units": rest.reduce(0) { $0 + (perGroup[$1] ?? 0) }, "swatch": "s7"])
        }
        var chart = SVGChart(kind: .bar, title: texts["units_chart_title"] ?? "", summary: texts["units_chart_summary"] ?? "",
                             xAxisLabel: texts["units_period_\(query.period.rawValue)"] ?? "", yAxisLabel: texts["units_units"] ?? "",
                             points: periods.map { .init(label: $0, value: Double(perPeriod[$0] ?? 0)) }, idPrefix: "units", wholeNumbers: true)
        chart.stacks = stacks
        return try renderer.page("commerce_units", titleKey: "commerce_units_sold", section: "commerce", context: context, values: [
            "commerceNav": nav("units", texts: texts),
            "errors": errors as Any,
            "keys": UnitsSoldKey.allCases.map { ["value": $0.rawValue, "label": texts["units_key_\($0.rawValue)"] ?? $0.rawValue, "selected": $0 == query.key] },
            "periods": UnitsSoldPeriod.allCases.map { ["value": $0.rawValue, "label": texts["units_period_\($0.rawValue)"] ?? $0.rawValue, "selected": $0 == query.period] },
            "from": UnitsSoldQuery.dayText(query.days.from), "until": UnitsSoldQuery.dayText(query.days.until),
            "keyLabel": texts["units_key_\(query.key.rawValue)"] ?? query.key.rawValue,
            "hasRows": !rows.isEmpty,
            "chart": rows.isEmpty ? "" : chart.render(),
            "legend": legend,
            "csvLink": csvLink(query),
            "rows": rows.map { row -> [String: Any] in
                ["period": row.period, "key": row.key, "label": row.label, "currency": row.currency.code, "units": row.units,
                 "gross": row.gross.decimalText, "refunds": row.refunds.decimalText, "net": row.net.decimalText]
            },
        ], status: errors == nil ? .ok : .badRequest)
    }

    @Sendable func unitsSoldCSV(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try principal.require(.commerceRead)
        let query = UnitsSoldQuery(request, now: clock.now())
        try query.issues.throwIfAny()
        let rows = try await query.rows(for: principal, report: unitsSold)
        let days = query.days
        return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8",
                                               .contentDisposition: "attachment; filename=\"units-sold-\(UnitsSoldQuery.dayText(days.from))-\(UnitsSoldQuery.dayText(days.until)).csv\""],
                        body: .init(byteBuffer: ByteBuffer(string: UnitsSoldReport.csv(rows, by: query.key))))
    }
}

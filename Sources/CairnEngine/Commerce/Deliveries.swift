public import CairnCore
public import CairnStore
import Foundation

/// Shipments of orders and the delivery monitor: which parcels are late (past the promised date, not delivered) and
/// which are stuck (no status change for a workspace-set number of hours). Reading needs `commerce.read`, changing
/// `commerce.write`; the clock is injected, so tests move time by hand.
public struct Deliveries: Sendable {
    let store: Store
    public let clock: DateSource
    public static let defaultStuckAfterHours = 48

    public init(store: Store, clock: DateSource = .system) {
        self.store = store
        self.clock = clock
    }

    public struct ShipmentInput: Sendable {
        public var orderID: String?
        public var carrier: String?
        public var trackingNumber: String?
        public var promisedAt: String?
        public var status: String?

        public init(orderID: String? = nil, carrier: String? = nil, trackingNumber: String? = nil, promisedAt: String? = nil, status: String? = nil) {
            self.orderID = orderID
            self.carrier = carrier
            self.trackingNumber = trackingNumber
            self.promisedAt = promisedAt
            self.status = status
        }
    }

    public enum Flag: String, Sendable, CaseIterable { case late, stuck }

    static func status(_ text: String?, field: String) throws(ValidationError) -> Shipment.Status? {
        guard let text else { return nil }
        guard let status = Shipment.Status(rawValue: text) else {
            throw ValidationError(field: field, issue: .unknownValue(allowed: Shipment.Status.allCases.map(\.rawValue)),
                                  hint: "Use label_created, shipped, in_transit, out_for_delivery, delivered, failed_attempt or returned.")
        }
        return status
    }

    public func ship(_ input: ShipmentInput, by principal: Principal) async throws -> MonitoredShipment {
        try principal.require(.commerceWrite)
        let workspace = principal.workspaceID
        var issues = ValidationCollector()
        let carrier = (input.carrier ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if carrier.isEmpty { issues.add(FieldIssue(field: "carrier", issue: .missing, hint: "Name the carrier, e.g. DHL or \"own van\".")) }
        else if carrier.count > 100 { issues.add(FieldIssue(field: "carrier", issue: .tooLong(limit: 100), hint: "Use at most 100 characters.")) }
        let tracking = input.trackingNumber?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let tracking, tracking.count > 100 { issues.add(FieldIssue(field: "trackingNumber", issue: .tooLong(limit: 100), hint: "Use at most 100 characters.")) }
        var promisedAt: Date?
        if let text = input.promisedAt {
            promisedAt = Timestamp.parse(text)
            if promisedAt == nil { issues.add(FieldIssue(field: "promisedAt", issue: .invalid, hint: "Use ISO 8601, e.g. 2026-11-25T18:00:00Z.")) }
        }
        let status = issues.check { () throws(ValidationError) in try Self.status(input.status, field: "status") } ?? nil
        var order: Order?
        if let text = input.orderID {
            if let id = OrderID(text) { order = try await store.order(id: id, in: workspace) }
            if order == nil { issues.add(FieldIssue(field: "orderId", issue: .unknownValue(allowed: []), hint: "No order with this id; see GET /api/v1/orders.")) }
            else if order?.status == .cancelled { issues.add(FieldIssue(field: "orderId", issue: .invalid, hint: "The order was cancelled; it ships nothing.")) }
        } else {
            issues.add(FieldIssue(field: "orderId", issue: .missing, hint: "Give the id of the order the parcel belongs to."))
        }
        try issues.throwIfAny()
        guard let order else { preconditionFailure("checked values missing without an issue") }
        let now = clock.now(), first = status ?? .labelCreated
        let shipment = Shipment(id: .generate(), workspaceID: workspace, orderID: order.id, carrier: carrier, trackingNumber: tracking?.isEmpty == true ? nil : tracking,
                                promisedAt: promisedAt, status: first, createdAt: now, updatedAt: now,
                                updates: [Shipment.Update(status: first, at: now, by: principal.actorReference, note: nil)])
        try await store.transaction { tx in
            try await tx.insert(shipment)
            try await Self.follow(first, order: order.id, in: workspace, at: now, by: principal.actorReference, tx: tx)
        }
        return try await monitored(shipment.id, for: principal)
    }

    /// Records a status the carrier reported. A delivered parcel may only come back (returned); a returned one is done.
    public func update(_ id: ShipmentID, status text: String?, note: String?, by principal: Principal) async throws -> MonitoredShipment {
        try principal.require(.commerceWrite)
        let workspace = principal.workspaceID
        guard let status = try Self.status(text, field: "status") else {
            throw ValidationError(field: "status", issue: .missing, hint: "Give the status the carrier reported, e.g. in_transit.")
        }
        if let note, note.count > 500 { throw ValidationError(field: "note", issue: .tooLong(limit: 500), hint: "Use at most 500 characters.") }
        let now = clock.now(), actor = principal.actorReference
        try await store.transaction { tx in
            guard let shipment = try await tx.shipment(id: id, in: workspace) else {
                throw NotFoundError(kind: "shipment", id: id.rawValue)
            }
            guard shipment.status.next.contains(status) else {
                let allowed = shipment.status.next.map(\.rawValue).sorted()
                throw ValidationError(field: "status", issue: .unknownValue(allowed: allowed),
                                      hint: allowed.isEmpty ? "The parcel was \(shipment.status.rawValue); it takes no more updates."
                                                            : "A parcel that is \(shipment.status.rawValue) can become \(allowed.joined(separator: ", ")).")
            }
            try await tx.append(Shipment.Update(status: status, at: now, by: actor, note: note), to: id, in: workspace)
            try await Self.follow(status, order: shipment.orderID, in: workspace, at: now, by: actor, tx: tx)
        }
        return try await monitored(id, for: principal)
    }

    /// The order follows its parcels: shipped means fulfilled, delivered means delivered (when its status allows).
    static func follow(_ status: Shipment.Status, order id: OrderID, in workspace: WorkspaceID, at date: Date, by actor: String, tx: TransactionStore) async throws {
        let steps: [Order.Status] = switch status {
        case .shipped, .inTransit, .outForDelivery: [.fulfilled]
        case .delivered: [.fulfilled, .delivered]
        default: []
        }
        guard !steps.isEmpty, var current = try await tx.status(of: id, in: workspace) else { return }
        for step in steps where current.next.contains(step) {
            try await tx.setStatus(of: id, to: Order.Change(status: step, at: date, by: actor), in: workspace)
            current = step
        }
    }

    public func monitored(_ id: ShipmentID, for principal: Principal) async throws -> MonitoredShipment {
        try principal.require(.commerceRead)
        guard let shipment = try await store.shipment(id: id, in: principal.workspaceID) else { throw NotFoundError(kind: "shipment", id: id.rawValue) }
        return MonitoredShipment(shipment, at: clock.now(), stuckAfter: try await stuckThreshold(in: principal.workspaceID))
    }

    func stuckThreshold(in workspace: WorkspaceID) async throws -> TimeInterval {
        TimeInterval((try await store.stuckAfterHours(in: workspace) ?? Self.defaultStuckAfterHours) * 3600)
    }

    /// Shipments, oldest first; `flag` keeps only the late or the stuck ones (the monitor's list).
    public func shipments(for principal: Principal, flag: Flag?, order: OrderID?, after cursor: Cursor?, limit: PageSize) async throws -> Page<MonitoredShipment> {
        try principal.require(.commerceRead)
        let workspace = principal.workspaceID
        let now = clock.now(), threshold = try await stuckThreshold(in: workspace)
        guard let flag else {
            let page = try await store.shipments(in: workspace, order: order, after: cursor, limit: limit.value)
            return Page(items: page.items.map { MonitoredShipment($0, at: now, stuckAfter: threshold) }, nextCursor: page.nextCursor)
        }
        // Open shipments are read page by page and kept when flagged, until a page of flagged ones is full.
        var found: [MonitoredShipment] = [], next = cursor
        while found.count < limit.value {
            let page = try await store.shipments(in: workspace, order: order, openOnly: true, after: next, limit: 200)
            for shipment in page.items {
                let monitored = MonitoredShipment(shipment, at: now, stuckAfter: threshold)
                if flag == .late ? monitored.late : monitored.stuck { found.append(monitored) }
                if found.count == limit.value {
                    let more = shipment.id != page.items.last?.id || page.nextCursor != nil
                    return Page(items: found, nextCursor: more ? Cursor(sortKey: shipment.createdAt.storageMillis, id: shipment.id.rawValue).token : nil)
                }
            }
            guard let token = page.nextCursor else { break }
            next = try Cursor(token: token)
        }
        return Page(items: found, nextCursor: nil)
    }

    /// The source the delivery monitor's events come from, made (channel `delivery`) the first time it is needed.
    public static let monitorSourceName = "Cairn delivery monitor"

    func monitorSource(in workspace: WorkspaceID) async throws -> Source {
        try await store.ownSource(named: Self.monitorSourceName, channel: .delivery, in: workspace, at: clock.now())
    }

    /// Emits a `Delivery Late` track event for each shipment that became late, and a `Delivery Stuck` event each time
    /// one becomes stuck, for the order's customer, so other capabilities (survey triggers, alerts) can react. Each
    /// event's messageId names the shipment (and, for stuck, the status it is stuck in since), so however often this runs,
    /// and in however many processes, each is stored once. Returns, per workspace that got any, how many new events were stored.
    @discardableResult
    public func emitAlertsInEveryWorkspace() async throws -> [WorkspaceID: Int] {
        // One server at a time works this (Store.exclusively): with several servers on one database nothing is done twice.
        try await store.exclusively("delivery-monitor") { try await emitAlertsInEveryWorkspaceRound() } ?? [:]
    }

    func emitAlertsInEveryWorkspaceRound() async throws -> [WorkspaceID: Int] {
        var emitted: [WorkspaceID: Int] = [:]
        for workspace in try await store.allWorkspaces() {
            let count = try await emitAlerts(in: workspace.id)
            if count > 0 { emitted[workspace.id] = count }
        }
        return emitted
    }

    /// The delivery alerts of one workspace (see ``emitAlertsInEveryWorkspace()``). Returns how many new events were stored.
    @discardableResult
    public func emitAlerts(in workspace: WorkspaceID) async throws -> Int {
        let now = clock.now(), threshold = try await stuckThreshold(in: workspace)
        var messages: [TrackingMessage] = []
        try await Page.walk({ cursor in try await store.shipments(in: workspace, openOnly: true, after: cursor, limit: 200) }) { items in
            let flagged = items.filter { $0.isLate(at: now) || $0.isStuck(at: now, after: threshold) }
            let orders = try await store.orders(ids: flagged.map(\.orderID), in: workspace)
            for shipment in flagged {
                let late = shipment.isLate(at: now), stuck = shipment.isStuck(at: now, after: threshold)
                guard let order = orders[shipment.orderID] else { continue }
                if late { messages.append(try alert("Delivery Late", messageID: "cairn-delivery-late-\(shipment.id)", shipment: shipment, order: order, at: now)) }
                if stuck {
                    messages.append(try alert("Delivery Stuck", messageID: "cairn-delivery-stuck-\(shipment.id)-\(shipment.updatedAt.storageMillis)",
                                              shipment: shipment, order: order, at: now))
                }
            }
        }
        guard !messages.isEmpty else { return 0 }
        let source = try await monitorSource(in: workspace)
        return try await Ingestor(store: store, clock: clock).ingest(messages, from: source, rateLimited: false).stored
    }

    func alert(_ name: String, messageID: String, shipment: Shipment, order: Order, at now: Date) throws -> TrackingMessage {
        var properties: [String: JSONValue] = ["order_id": .string(order.reference), "shipment_id": .string(shipment.id.rawValue), "carrier": .string(shipment.carrier),
                                               "status": .string(shipment.status.rawValue), "last_update_at": .string(shipment.updatedAt.formatted(.iso8601))]
        if let tracking = shipment.trackingNumber { properties["tracking_number"] = .string(tracking) }
        if let promised = shipment.promisedAt { properties["promised_at"] = .string(promised.formatted(.iso8601)) }
        var object: [String: JSONValue] = ["type": .string("track"), "event": .string(name), "messageId": .string(messageID),
                                           "timestamp": .string(now.formatted(.iso8601)), "properties": .object(properties),
                                           "context": .object(["channel": .string("delivery")])]
        // The order's customer; an order without a user id is known by its reference.
        if let user = order.userID { object["userId"] = .string(user) } else { object["anonymousId"] = .string("order-\(order.reference)") }
        return try TrackingMessage.parse(object, kind: .track, makeMessageID: { messageID }).get()
    }

    public func stuckAfterHours(for principal: Principal) async throws -> Int {
        try principal.require(.commerceRead)
        return try await store.stuckAfterHours(in: principal.workspaceID) ?? Self.defaultStuckAfterHours
    }

    public func setStuckAfterHours(_ hours: Int?, by principal: Principal) async throws -> Int {
        try principal.require(.workspaceManage)
        guard let hours, (1...720).contains(hours) else {
            throw ValidationError(field: "stuckAfterHours", issue: .invalid, hint: "Use a whole number of hours from 1 to 720.")
        }
        try await store.setStuckAfterHours(hours, in: principal.workspaceID)
        return hours
    }
}

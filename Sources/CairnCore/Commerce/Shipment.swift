public import Foundation

public struct ShipmentID: EntityID { public let rawValue: String; public init(rawValue: String) { self.rawValue = rawValue } }

/// One parcel of an order on its way: carrier, tracking number, the date promised to the customer, and every status
/// the carrier reported.
public struct Shipment: Sendable, Hashable, Encodable {
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        case labelCreated = "label_created", shipped, inTransit = "in_transit", outForDelivery = "out_for_delivery", delivered,
             failedAttempt = "failed_attempt", returned

        /// Delivered and returned parcels are done; a delivered one may still come back.
        public var next: Set<Status> {
            switch self {
            case .delivered: [.returned]
            case .returned: []
            default: Set(Status.allCases).subtracting([.labelCreated])
            }
        }

        public var isDone: Bool { self == .delivered || self == .returned }
    }

    public struct Update: Sendable, Hashable, Codable {
        public var status: Status
        public var at: Date
        public var by: String
        public var note: String?

        public init(status: Status, at: Date, by: String, note: String?) {
            self.status = status
            self.at = at
            self.by = by
            self.note = note
        }
    }

    public var id: ShipmentID
    public var workspaceID: WorkspaceID
    public var orderID: OrderID
    public var carrier: String
    public var trackingNumber: String?
    public var promisedAt: Date?
    public var status: Status
    public var createdAt: Date
    /// When the status last changed.
    public var updatedAt: Date
    public var updates: [Update]

    public init(id: ShipmentID, workspaceID: WorkspaceID, orderID: OrderID, carrier: String, trackingNumber: String?, promisedAt: Date?, status: Status,
                createdAt: Date, updatedAt: Date, updates: [Update]) {
        self.id = id
        self.workspaceID = workspaceID
        self.orderID = orderID
        self.carrier = carrier
        self.trackingNumber = trackingNumber
        self.promisedAt = promisedAt
        self.status = status
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.updates = updates
    }

    /// Past the promised date and not delivered (a returned parcel is not late any more: it is done).
    public func isLate(at now: Date) -> Bool {
        guard let promisedAt, !status.isDone else { return false }
        return promisedAt < now
    }

    /// No status change for longer than `threshold` while not done.
    public func isStuck(at now: Date, after threshold: TimeInterval) -> Bool {
        !status.isDone && now.timeIntervalSince(updatedAt) > threshold
    }
}

/// A shipment with what the delivery monitor says of it at one moment.
public struct MonitoredShipment: Sendable, Hashable, Encodable {
    public var shipment: Shipment
    public var late: Bool
    public var stuck: Bool

    public init(_ shipment: Shipment, at now: Date, stuckAfter threshold: TimeInterval) {
        self.shipment = shipment
        self.late = shipment.isLate(at: now)
        self.stuck = shipment.isStuck(at: now, after: threshold)
    }

    enum CodingKeys: String, CodingKey { case id, orderID, carrier, trackingNumber, promisedAt, status, createdAt, updatedAt, updates, late, stuck }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(shipment.id, forKey: .id)
        try container.encode(shipment.orderID, forKey: .orderID)
        try container.encode(shipment.carrier, forKey: .carrier)
        try container.encode(shipment.trackingNumber, forKey: .trackingNumber)
        try container.encode(shipment.promisedAt, forKey: .promisedAt)
        try container.encode(shipment.status, forKey: .status)
        try container.encode(shipment.createdAt, forKey: .createdAt)
        try container.encode(shipment.updatedAt, forKey: .updatedAt)
        try container.encode(shipment.updates, forKey: .updates)
        try container.encode(late, forKey: .late)
        try container.encode(stuck, forKey: .stuck)
    }
}

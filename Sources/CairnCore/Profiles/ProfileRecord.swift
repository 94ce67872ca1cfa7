public import Foundation

/// All a customer 360 shows about one profile, as the store reads it: the golden record, merges, the consent ledger
/// with the workspace's purposes, how many events the profile has, and its order figures.
public struct ProfileRecord: Sendable {
    public var profile: Profile
    /// Set when the id asked for was merged into `profile`.
    public var mergedInto: ProfileID?
    /// Merges (and refused merges) that involve the profile, oldest first.
    public var merges: [ProfileMerge]
    /// The consent ledger, oldest first.
    public var consent: [ConsentRecord]
    /// Purposes the workspace configured (name → mode and description).
    public var purposes: [ConsentPurpose: (mode: ConsentMode, description: String)]
    public var eventCount: Int
    /// Orders not cancelled, per currency: how many, their totals, and what was given back (refunds and chargebacks).
    public var orders: [Currency: (count: Int, gross: Int64, refunded: Int64)]
    public var firstOrderAt: Date?
    public var lastOrderAt: Date?

    public init(profile: Profile, mergedInto: ProfileID?, merges: [ProfileMerge], consent: [ConsentRecord],
                purposes: [ConsentPurpose: (mode: ConsentMode, description: String)], eventCount: Int,
                orders: [Currency: (count: Int, gross: Int64, refunded: Int64)], firstOrderAt: Date?, lastOrderAt: Date?) {
        self.profile = profile
        self.mergedInto = mergedInto
        self.merges = merges
        self.consent = consent
        self.purposes = purposes
        self.eventCount = eventCount
        self.orders = orders
        self.firstOrderAt = firstOrderAt
        self.lastOrderAt = lastOrderAt
    }
}

public import Foundation

/// Narrows a list of customers; every field left `nil` matches everyone.
public struct ProfileFilter: Sendable, Hashable {
    /// A trait that must have exactly this (string) value.
    public var trait: (name: String, value: String)?
    /// A channel the customer must have used.
    public var channel: Channel?
    /// Seen at or after this time.
    public var seenSince: Date?
    /// Text people search for: part of a name or any other trait's text, part of an identifier (email, user id,
    /// phone…), or the profile's id. Case does not matter.
    public var search: String?
    /// Only customers in this value tier at the last value computation.
    public var valueTier: ValueTier?
    /// Only members of this segment.
    public var segment: SegmentID?
    /// Only customers of this persona (its key) at the last persona computation.
    public var persona: String?

    public init(trait: (name: String, value: String)? = nil, channel: Channel? = nil, seenSince: Date? = nil, search: String? = nil, valueTier: ValueTier? = nil,
                segment: SegmentID? = nil) {
        self.segment = segment
        self.trait = trait
        self.channel = channel
        self.seenSince = seenSince
        self.search = search
        self.valueTier = valueTier
    }

    public static func == (lhs: ProfileFilter, rhs: ProfileFilter) -> Bool {
        lhs.trait?.name == rhs.trait?.name && lhs.trait?.value == rhs.trait?.value && lhs.channel == rhs.channel && lhs.seenSince == rhs.seenSince && lhs.search == rhs.search
            && lhs.valueTier == rhs.valueTier && lhs.segment == rhs.segment && lhs.persona == rhs.persona
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(trait?.name)
        hasher.combine(trait?.value)
        hasher.combine(channel)
        hasher.combine(seenSince)
        hasher.combine(search)
        hasher.combine(valueTier)
        hasher.combine(segment)
        hasher.combine(persona)
    }
}

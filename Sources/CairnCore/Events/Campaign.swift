public import Foundation

/// A marketing campaign as Cairn knows it: seen in events (`context.campaign.name`, what Segment's libraries fill from
/// a link's `utm_campaign`) from the first event that named it, or declared by someone with its start (a campaign
/// with no links: a TV spot, a catalogue). What began on a day is part of the reason a spike gives.
public struct Campaign: Sendable, Hashable, Codable {
    public enum Source: String, Sendable, Hashable, Codable, CaseIterable {
        /// First named by an event; `startedAt` is the earliest such event's time.
        case events
        /// Declared through the API with its start.
        case declared
    }

    public var name: String
    public var startedAt: Date
    public var source: Source

    public init(name: String, startedAt: Date, source: Source) {
        self.name = name
        self.startedAt = startedAt
        self.source = source
    }

    /// A campaign's name: 1 to 100 characters on one line, spaces at the ends trimmed.
    public static func validName(_ raw: String) -> String? {
        let name = raw.trimmingCharacters(in: .whitespaces)
        guard (1...100).contains(name.count), !name.contains(where: { $0.isNewline || $0 == "\t" }) else { return nil }
        return name
    }
}

extension Event {
    /// The campaign the event came from (`context.campaign.name`), when it names a valid one.
    public var campaignName: String? {
        payload["context"]?.objectValue?["campaign"]?.objectValue?["name"]?.stringValue.flatMap(Campaign.validName)
    }
}

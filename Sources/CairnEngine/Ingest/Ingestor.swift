public import CairnCore
public import CairnStore
public import Foundation
public import Logging

/// Takes validated tracking messages from a write key's source and stores them as events. Tiny on purpose: check the
/// key's source and its rate, append (de-duplicated by `messageId`), acknowledge. Nothing slow happens before the
/// events are committed, so an acknowledged event cannot be lost.
public struct Ingestor: Sendable {
    let store: Store
    public let clock: DateSource
    let limiter: SourceRateLimiter
    let logger: Logger

    public init(store: Store, clock: DateSource = .system, logger: Logger = Logger(label: "cairn.ingest")) {
        self.store = store
        self.clock = clock
        self.limiter = SourceRateLimiter(store: store)
        self.logger = logger
    }

    public struct Receipt: Sendable, Hashable {
        /// Events newly stored.
        public var stored: Int
        /// Messages whose `messageId` the workspace already had (retries); acknowledged, not stored twice.
        public var duplicates: Int
    }

    /// Stores `messages` for the source of `key` (a write key). Throws ``IngestError/rateLimited(retryAfterSeconds:)``
    /// when the source is over its rate.
    public func ingest(_ messages: [TrackingMessage], key: APIKey) async throws -> Receipt {
        guard key.kind == .write, !key.isRevoked, let sourceID = key.sourceID,
              let source = try await store.source(id: sourceID, in: key.workspaceID) else {
            throw IngestError.unknownSource
        }
        return try await ingest(messages, from: source, rateLimited: true)
    }

    /// Stores `messages` as coming from `source` (of its workspace). `rateLimited: false` is for imports of
    /// history by an operator, which the source's live rate does not apply to.
    public func ingest(_ messages: [TrackingMessage], from source: Source, rateLimited: Bool) async throws -> Receipt {
        let workspace = source.workspaceID
        let receivedAt = clock.now()
        if rateLimited, let limit = source.rateLimit,
           let wait = try await limiter.take(messages.count, source: source.id, perSecond: limit, now: receivedAt) {
            throw IngestError.rateLimited(retryAfterSeconds: wait)
        }
        // A channel must be built in or defined by the workspace; the whole request is refused otherwise.
        let unknown = try await Administration.unknownChannels(messages.compactMap(\.channel), in: workspace, store: store)
        if !unknown.isEmpty {
            throw IngestError.unknownChannels(messages.enumerated().compactMap { index, message in
                message.channel.flatMap { unknown.contains($0) ? UnknownChannel(index: index, channel: $0) : nil }
            })
        }
        // The first of several messages with one messageId in a request wins, as a retry would.
        var seen = Set<String>()
        let unique = messages.filter { seen.insert($0.messageID).inserted }
        let events = Self.events(from: unique, source: source, receivedAt: receivedAt)
        let stored = try await store.append(events: events, in: workspace, source: source.id, at: receivedAt)
        logger.debug("events stored", metadata: ["source.id": "\(source.id)", "stored": "\(stored)", "received": "\(messages.count)"])
        return Receipt(stored: stored, duplicates: messages.count - stored)
    }
}

extension Ingestor {
    /// The events `messages` become when `source` sends them at `receivedAt`: channel defaulted from the source,
    /// timestamp corrected for clock skew, `receivedAt` added to the payload.
    public static func events(from messages: [TrackingMessage], source: Source, receivedAt: Date) -> [Event] {
        let received = JSONValue.string(receivedAt.formatted(.iso8601))
        return messages.map { message in
            var payload = message.payload
            payload["receivedAt"] = received
            return Event(id: .generate(), workspaceID: source.workspaceID, sourceID: source.id, messageID: message.messageID, kind: message.kind,
                         name: message.name, userID: message.userID, anonymousID: message.anonymousID,
                         channel: message.channel ?? source.defaultChannel, timestamp: message.timestamp(receivedAt: receivedAt),
                         receivedAt: receivedAt, payload: .object(payload))
        }
    }
}

public enum IngestError: Error, Sendable, Hashable {
    /// The key has no source (it is not a write key, or its source was removed).
    case unknownSource
    /// The source sent more than its configured rate; retry after this many seconds.
    case rateLimited(retryAfterSeconds: Int)
    /// Messages (by index in the request) name channels the workspace neither has built in nor defined.
    case unknownChannels([UnknownChannel])
}

public struct UnknownChannel: Sendable, Hashable {
    public var index: Int
    public var channel: Channel
}

/// Token buckets per source: `perSecond` tokens a second, with room for ten seconds' worth (at least 100) in a burst.
/// Kept in the database (`shared_counters`), so a source's limit holds across every server on it.
struct SourceRateLimiter: Sendable {
    let store: Store

    /// Takes `count` tokens; returns seconds to wait when there are not enough (and takes none).
    func take(_ count: Int, source: SourceID, perSecond: Int, now: Date) async throws -> Int? {
        let capacity = Double(max(perSecond * 10, 100))
        return try await store.updateSharedCounter("rate.source:\(source)") { counter in
            let updated = counter.map { Date(storageMillis: $0.at) } ?? now
            var tokens = min(capacity, (counter?.value ?? capacity) + max(0, now.timeIntervalSince(updated)) * Double(perSecond))
            // Times are kept to the millisecond: a hair's breadth short of a whole token is not a refusal.
            guard tokens + 0.01 >= Double(count) else {
                let missing = Double(count) - tokens
                return (SharedCounter(value: tokens, at: now.storageMillis), max(1, Int((missing / Double(perSecond)).rounded(.up))))
            }
            tokens = max(0, tokens - Double(count))
            return (SharedCounter(value: tokens, at: now.storageMillis), nil)
        }
    }
}

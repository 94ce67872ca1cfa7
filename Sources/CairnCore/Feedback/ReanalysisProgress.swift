public import Foundation

/// A workspace's stored answers being read again: why, since when, and how many responses have been looked at.
public struct ReanalysisProgress: Sendable, Hashable {
    /// "topics" (the workspace's own topics changed) or "analysis" (the text analysis itself learnt something).
    public var reason: String
    public var requestedAt: Date
    public var reread: Int64

    public init(reason: String, requestedAt: Date, reread: Int64) {
        self.reason = reason
        self.requestedAt = requestedAt
        self.reread = reread
    }
}

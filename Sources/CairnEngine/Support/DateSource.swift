public import Foundation

/// Where "now" comes from; injected so tests are deterministic.
public struct DateSource: Sendable {
    public var now: @Sendable () -> Date

    public init(now: @escaping @Sendable () -> Date) {
        self.now = now
    }

    public static let system = DateSource { Date() }
}

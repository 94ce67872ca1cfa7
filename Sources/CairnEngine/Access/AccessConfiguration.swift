import Foundation

/// Settings of sign-in and sessions.
public struct AccessConfiguration: Sendable {
    public var passwordHasher: PasswordHasher
    public var sessionLifetime: Duration
    public var throttle: LoginThrottle.Policy

    public init(passwordHasher: PasswordHasher = PasswordHasher(), sessionLifetime: Duration = .seconds(12 * 3600), throttle: LoginThrottle.Policy = .init()) {
        self.passwordHasher = passwordHasher
        self.sessionLifetime = sessionLifetime
        self.throttle = throttle
    }
}

/// Where a request came from, recorded in the audit log.
public struct RequestOrigin: Sendable, Hashable {
    public var ipAddress: String?
    public init(ipAddress: String?) {
        self.ipAddress = ipAddress
    }
    public static let console = RequestOrigin(ipAddress: nil)
}

public import CairnCore
public import CairnEngine
public import Foundation
import HTTPTypes
public import Hummingbird
import Logging
import NIOCore

/// Who made a request, once authentication has looked at it.
public struct RequestIdentity: Sendable {
    public var principal: Principal
    /// Set for browser sessions.
    public var user: User?
    public var session: WebSession?
    public var sessionToken: String?

    public var isBrowserSession: Bool { session != nil }
}

/// The one request context of Cairn.
public struct CairnRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The client's address, as seen on the socket.
    public var remoteAddress: String?
    public var requestID: String = ""
    public var identity: RequestIdentity?
    /// The interface language chosen for this request (web pages and localised problems).
    public var language: InterfaceLanguage = .english
    /// Whether the request arrived over TLS (directly or as told by a trusted proxy); cookies get `Secure` then.
    public var isSecure: Bool = false

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress?.ipAddress
    }

    /// Response bodies in the public JSON's one id casing (``PublicJSON``).
    public var responseEncoder: JSONEncoder { PublicJSON.encoder() }

    /// JSON bodies of the management API may be at most 1 MiB.
    public var maxUploadSize: Int { 1 << 20 }

    public var origin: RequestOrigin { RequestOrigin(ipAddress: remoteAddress) }

    /// The acting principal, or a 401 problem.
    public func requirePrincipal() throws -> Principal {
        guard let identity else { throw AccessError.unauthenticated }
        return identity.principal
    }
}

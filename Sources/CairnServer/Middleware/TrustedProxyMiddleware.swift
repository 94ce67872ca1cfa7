import CairnEngine
import Foundation
import HTTPTypes
import Hummingbird

/// A network written as CIDR (`10.0.0.0/8`, `192.168.1.10`, `fd00::/8`, `::1`).
public struct AddressRange: Sendable, Hashable {
    let bytes: [UInt8]
    let prefix: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
        guard let first = parts.first, let bytes = AddressRange.bytes(of: first) else { return nil }
        let bits = bytes.count * 8
        let prefix = parts.count == 2 ? Int(parts[1]) : bits
        guard let prefix, (0...bits).contains(prefix) else { return nil }
        self.bytes = bytes
        self.prefix = prefix
    }

    /// The bytes of an IPv4 (dotted, four parts) or IPv6 address; an IPv4-mapped IPv6 address is read as IPv4.
    static func bytes(of text: String) -> [UInt8]? {
        let bare = text.hasPrefix("[") && text.hasSuffix("]") ? String(text.dropFirst().dropLast()) : text
        if !bare.contains(":") {
            let parts = bare.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 4 else { return nil }
            let values = parts.compactMap { UInt8($0) }
            return values.count == 4 ? values : nil
        }
        guard let v6 = WebhookAddresses.ipv6Bytes(bare) else { return nil }
        if v6[0..<10].allSatisfy({ $0 == 0 }) && v6[10] == 0xFF && v6[11] == 0xFF { return Array(v6[12...]) }
        return v6
    }

    public func contains(_ address: String) -> Bool {
        guard let other = AddressRange.bytes(of: address), other.count == bytes.count else { return false }
        var remaining = prefix
        for index in 0..<bytes.count where remaining > 0 {
            let take = min(8, remaining)
            let mask: UInt8 = take == 8 ? 0xFF : UInt8(0xFF << (8 - take) & 0xFF)
            if bytes[index] & mask != other[index] & mask { return false }
            remaining -= take
        }
        return true
    }
}

/// Behind a reverse proxy every request comes from the proxy's address, so sign-in throttling and the survey flood
/// limit would treat all users as one. When the connection comes from a trusted proxy (`--trusted-proxy CIDR`), the
/// client is the right-most address in `X-Forwarded-For` that is not itself a trusted proxy; from anyone else the
/// header is ignored (a client cannot choose its own address).
struct TrustedProxyMiddleware: RouterMiddleware {
    typealias Context = CairnRequestContext
    let proxies: [AddressRange]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let hops = request.headers[values: .xForwardedFor].flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        guard !proxies.isEmpty, !hops.isEmpty, let peer = context.remoteAddress, proxies.contains(where: { $0.contains(peer) }) else {
            return try await next(request, context)
        }
        var context = context
        for hop in hops.reversed() {
            guard AddressRange.bytes(of: hop) != nil else { break }
            context.remoteAddress = hop
            if !proxies.contains(where: { $0.contains(hop) }) { break }
        }
        return try await next(request, context)
    }
}

extension HTTPField.Name {
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
}

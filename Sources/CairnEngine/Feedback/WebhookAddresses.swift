import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a webhook may not go: this machine, the private networks behind it, link-local addresses (the cloud metadata
/// service at 169.254.169.254), and anything that is not a public unicast address — however the address is written
/// (`2130706433`, `0x7f.1`, `0177.0.0.1`, `[::1]`, `[::ffff:127.0.0.1]`). Checked when an endpoint is saved and again
/// at every delivery after resolving its host, since DNS can change in between; `--webhook-allow-private` turns it
/// off for tests and for receivers inside the same network.
public enum WebhookAddresses {
    public enum Verdict: Sendable, Equatable {
        case publicAddress
        case internalAddress(String)
        case unresolved
    }

    /// An IPv4 address written any way `inet_aton` reads it: one to four parts, each decimal, octal (leading 0) or
    /// hexadecimal (0x), the last filling the remaining bytes.
    static func ipv4(_ text: String) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...4).contains(parts.count) else { return nil }
        var values: [UInt64] = []
        for part in parts {
            let lower = part.lowercased()
            let value: UInt64?
            if lower.hasPrefix("0x") { value = lower.count > 2 ? UInt64(lower.dropFirst(2), radix: 16) : 0 }
            else if lower.count > 1, lower.hasPrefix("0") { value = UInt64(lower.dropFirst(), radix: 8) }
            else { value = lower.isEmpty ? nil : UInt64(lower, radix: 10) }
            guard let value else { return nil }
            values.append(value)
        }
        var address: UInt64 = 0
        for (index, value) in values.enumerated() {
            if index == values.count - 1 {
                let remaining = 4 - index
                guard value < (UInt64(1) << (8 * UInt64(remaining))) else { return nil }
                address = (address << (8 * UInt64(remaining))) | value
            } else {
                guard value <= 255 else { return nil }
                address = (address << 8) | value
            }
        }
        return UInt32(address)
    }

    static func isInternal(ipv4 address: UInt32) -> Bool {
        func within(_ base: UInt32, _ bits: UInt32) -> Bool { bits == 0 || (address >> (32 - bits)) == (base >> (32 - bits)) }
        return within(0x0000_0000, 8)        // 0.0.0.0/8 "this network"
            || within(0x0A00_0000, 8)        // 10/8
            || within(0x6440_0000, 10)       // 100.64/10 carrier-grade NAT
            || within(0x7F00_0000, 8)        // 127/8 loopback
            || within(0xA9FE_0000, 16)       // 169.254/16 link-local (cloud metadata)
            || within(0xAC10_0000, 12)       // 172.16/12
            || within(0xC000_0000, 24)       // 192.0.0/24
            || within(0xC000_0200, 24)       // 192.0.2/24 documentation
            || within(0xC0A8_0000, 16)       // 192.168/16
            || within(0xC612_0000, 15)       // 198.18/15 benchmarking
            || within(0xC633_6400, 24)       // 198.51.100/24 documentation
            || within(0xCB00_7100, 24)       // 203.0.113/24 documentation
            || within(0xE000_0000, 4)        // multicast
            || within(0xF000_0000, 4)        // reserved and broadcast
    }

    static func isInternal(ipv6 bytes: [UInt8]) -> Bool {
        guard bytes.count == 16 else { return true }
        if bytes.allSatisfy({ $0 == 0 }) { return true }                                       // ::
        if bytes[0..<15].allSatisfy({ $0 == 0 }) && bytes[15] == 1 { return true }              // ::1
        if bytes[0] & 0xFE == 0xFC { return true }                                               // fc00::/7 unique local
        if bytes[0] == 0xFE && bytes[1] & 0xC0 == 0x80 { return true }                           // fe80::/10 link-local
        if bytes[0] == 0xFE && bytes[1] & 0xC0 == 0xC0 { return true }                           // fec0::/10 site-local
        if bytes[0] == 0xFF { return true }                                                      // multicast
        let v4 = UInt32(bytes[12]) << 24 | UInt32(bytes[13]) << 16 | UInt32(bytes[14]) << 8 | UInt32(bytes[15])
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF { return isInternal(ipv4: v4) }   // ::ffff:a.b.c.d
        if bytes[0..<12].allSatisfy({ $0 == 0 }) { return true }                                 // ::a.b.c.d (deprecated)
        if bytes[0] == 0x00 && bytes[1] == 0x64 && bytes[2] == 0xFF && bytes[3] == 0x9B { return isInternal(ipv4: v4) }   // 64:ff9b::/96
        if bytes[0] == 0x20 && bytes[1] == 0x02 {                                                 // 2002::/16 6to4
            return isInternal(ipv4: UInt32(bytes[2]) << 24 | UInt32(bytes[3]) << 16 | UInt32(bytes[4]) << 8 | UInt32(bytes[5]))
        }
        if bytes[0] == 0x20 && bytes[1] == 0x01 && bytes[2] == 0x0D && bytes[3] == 0xB8 { return true }   // documentation
        return false
    }

    /// The 16 bytes of an IPv6 address in text, or nil.
    public static func ipv6Bytes(_ text: String) -> [UInt8]? { ipv6(text) }

    static func ipv6(_ text: String) -> [UInt8]? {
        var address = in6_addr()
        guard inet_pton(AF_INET6, text, &address) == 1 else { return nil }
        return withUnsafeBytes(of: &address) { Array($0) }
    }

    /// The host as written in a URL, without IPv6 brackets or a trailing dot.
    static func bareHost(_ host: String) -> String {
        var host = host.lowercased()
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        while host.hasSuffix(".") { host.removeLast() }
        return host
    }

    /// What the host is without asking DNS: an address literal judged at once, a name for this machine refused, any
    /// other name left to resolution (nil).
    public static func literalVerdict(host: String) -> Verdict? {
        let host = bareHost(host)
        if host.isEmpty { return .internalAddress("no host") }
        if host == "localhost" || host.hasSuffix(".localhost") || host.hasSuffix(".local") || host.hasSuffix(".internal") || host.hasSuffix(".home.arpa") {
            return .internalAddress(host)
        }
        if host.contains(":") {
            guard let bytes = ipv6(host.split(separator: "%").first.map(String.init) ?? host) else { return .internalAddress(host) }
            return isInternal(ipv6: bytes) ? .internalAddress(host) : .publicAddress
        }
        if host.allSatisfy({ $0.isHexDigit || $0 == "." || $0 == "x" }), let v4 = ipv4(host) {
            return isInternal(ipv4: v4) ? .internalAddress(host) : .publicAddress
        }
        return nil
    }

    /// Every address the host resolves to must be public.
    public static func verdict(host: String) async -> Verdict {
        if let verdict = literalVerdict(host: host) { return verdict }
        let name = bareHost(host)
        let addresses = await Task.detached { resolve(name) }.value
        guard !addresses.isEmpty else { return .unresolved }
        for address in addresses {
            switch address {
            case .v4(let value) where isInternal(ipv4: value): return .internalAddress(name)
            case .v6(let bytes) where isInternal(ipv6: bytes): return .internalAddress(name)
            default: continue
            }
        }
        return .publicAddress
    }

    enum Address { case v4(UInt32), v6([UInt8]) }

    static func resolve(_ name: String) -> [Address] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(name, nil, &hints, &result) == 0, let first = result else { return [] }
        defer { freeaddrinfo(first) }
        var addresses: [Address] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            if let socketAddress = entry.pointee.ai_addr {
                if entry.pointee.ai_family == AF_INET {
                    let v4 = socketAddress.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr.s_addr }
                    addresses.append(.v4(UInt32(bigEndian: v4)))
                } else if entry.pointee.ai_family == AF_INET6 {
                    var v6 = socketAddress.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
                    addresses.append(.v6(withUnsafeBytes(of: &v6) { Array($0) }))
                }
            }
            cursor = entry.pointee.ai_next
        }
        return addresses
    }
}

import CairnCore
import Crypto
import Foundation
import HummingbirdBcrypt
import NIOPosix

/// Random tokens and their hashes.
public enum Secrets {
    /// `byteCount` random bytes from the system's cryptographic generator, as base64url without padding.
    public static func randomToken(byteCount: Int = 32) -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<byteCount).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// SHA-256 of a high-entropy token, hex-encoded. Tokens are random, so a fast hash is enough (unlike passwords).
    public static func tokenHash(_ token: String) -> String {
        Hex.encode(SHA256.hash(data: Data(token.utf8)))
    }

    /// A password that people can type: 20 characters from an unambiguous alphabet (about 110 bits).
    public static func generatedPassword() -> String {
        let alphabet = Array("abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        let characters = (0..<20).map { _ in alphabet.randomElement(using: &generator)! }
        return stride(from: 0, to: 20, by: 5).map { String(characters[$0..<$0 + 5]) }.joined(separator: "-")
    }

    /// Compares two strings in time that does not depend on where they differ.
    public static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let left = Array(a.utf8), right = Array(b.utf8)
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices { difference |= left[index] ^ right[index] }
        return difference == 0
    }
}

/// bcrypt password hashing, run on the blocking-I/O thread pool so it never stalls request handling.
public struct PasswordHasher: Sendable {
    /// The bcrypt cost factor (2^cost rounds). 12 in production; tests use the minimum, 4.
    public var cost: UInt8

    public init(cost: UInt8 = 12) {
        self.cost = cost
    }

    public func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    public func verify(_ password: String, against hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }

    /// A hash of a random password, verified against when an email is unknown so that timing does not tell.
    public func decoyHash() -> String {
        Bcrypt.hash(Secrets.randomToken(), cost: cost)
    }
}

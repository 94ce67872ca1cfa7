import CairnCore
import CairnEngine
import CompressNIO
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Finds the write key a tracking client or the survey widget sends: the HTTP Basic user name with an empty password
/// (the Segment libraries' way), else `writeKey` in the body (or, for the widget's GETs, the query).
struct WriteKeyAuthentication: Sendable {
    let authenticator: Authenticator

    func key(_ request: Request, body: [String: JSONValue]) async throws -> APIKey {
        var token: String?
        if let authorization = request.headers[.authorization], authorization.lowercased().hasPrefix("basic ") {
            let encoded = authorization.dropFirst(6).trimmingCharacters(in: .whitespaces)
            if let data = Data(base64Encoded: encoded), let decoded = String(data: data, encoding: .utf8) {
                token = String(decoded.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
            }
        }
        if token == nil || token?.isEmpty == true { token = body["writeKey"]?.stringValue }
        guard let token, !token.isEmpty else {
            throw Problem(slug: "unauthenticated", title: "Write key required", status: .unauthorized,
                          detail: "Send your source's write key as the HTTP Basic user name (empty password), or as writeKey in the body.",
                          headers: ["WWW-Authenticate": #"Basic realm="cairn""#])
        }
        guard let key = try await authenticator.key(token: token, kind: .write) else { throw Self.badKey }
        return key
    }

    static let badKey = Problem(slug: "invalid-key", title: "Invalid write key", status: .unauthorized,
                                detail: "The write key is not an active write key of any source. Copy it again from Settings › API keys.",
                                headers: ["WWW-Authenticate": #"Basic realm="cairn""#])
}

import CairnCore
import CairnEngine
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Recognises a secret API key (`Authorization: Bearer`) or a session cookie, picks the interface language, and
/// refuses state-changing browser requests that lack the CSRF token.
///
/// CSRF rules: a request authenticated by a session cookie must carry the session's token, as the `_csrf` form field
/// or the `X-CSRF-Token` header, on every method but GET/HEAD/OPTIONS. Anonymous form posts (sign-in, setup) use a
/// double-submit cookie. Requests authenticated by an API key carry no cookies and need no token. Public survey
/// answers (`/s/…`) and pulse answers (`/pulse/…`) are exempt: their link's token is the capability and they never use
/// the session.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = CairnRequestContext

    static let sessionCookie = "cairn_session"
    static let anonymousCSRFCookie = "cairn_csrf"
    static let languageCookie = "cairn_lang"
    /// Form bodies are read here to find `_csrf`; they may be at most this large.
    static let maxFormSize = 64 * 1024

    let authenticator: Authenticator
    let secureCookies: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        var request = request
        // Behind a TLS-terminating proxy the request says so; marking cookies Secure then can only make them safer.
        context.isSecure = secureCookies || request.headers[.xForwardedProto]?.lowercased() == "https"

        var authenticatedByKey = false
        if let authorization = request.headers[.authorization], authorization.lowercased().hasPrefix("bearer ") {
            // Other schemes (Basic with a write key) belong to the tracking endpoints, which check them themselves.
            guard let principal = try await authenticator.principal(forSecretKey: String(authorization.dropFirst(7)).trimmingCharacters(in: .whitespaces)) else {
                throw Problem(slug: "invalid-key", title: "Invalid API key", status: .unauthorized,
                              detail: "The bearer token is not an active secret key of any workspace. Create one under Settings › API keys, or check that it was not revoked.",
                              headers: ["WWW-Authenticate": #"Bearer realm="cairn", error="invalid_token""#])
            }
            context.identity = RequestIdentity(principal: principal)
            authenticatedByKey = true
        } else if let token = request.cookies[Self.sessionCookie]?.value, let (session, user) = try await authenticator.session(token: token) {
            context.identity = RequestIdentity(principal: Principal(workspaceID: user.workspaceID, kind: .user(user.id), role: user.role),
                                               user: user, session: session, sessionToken: token)
        }

        context.language = context.identity?.user?.locale
            ?? request.uri.queryParameters["lang"].flatMap { InterfaceLanguage(rawValue: String($0)) }
            ?? request.cookies[Self.languageCookie].flatMap { InterfaceLanguage(rawValue: $0.value) }
            ?? InterfaceLanguage.negotiate(acceptLanguage: request.headers[.acceptLanguage])
            ?? .english

        // Public survey pages (`/s/…`) and employee pulse pages (`/pulse/…`) are answered by their link's token and never
        // act with a session's authority, so they need no CSRF token (respondents may have no cookies at all).
        let isPublicSurvey = request.uri.path.hasPrefix("/s/") || request.uri.path.hasPrefix("/pulse/")
        if ![.get, .head, .options].contains(request.method), !authenticatedByKey, !isPublicSurvey {
            // JSON APIs (management and tracking) answer 401 themselves; only browser forms use the anonymous token.
            let isAPI = request.uri.path.hasPrefix("/api/") || request.uri.path.hasPrefix("/v1/")
            if let session = context.identity?.session {
                let presented = try await Self.presentedToken(&request)
                guard let presented, Secrets.constantTimeEquals(presented, session.csrfToken) else { throw Self.csrfProblem }
            } else if !isAPI {
                let presented = try await Self.presentedToken(&request)
                guard let cookie = request.cookies[Self.anonymousCSRFCookie]?.value, let presented,
                      Secrets.constantTimeEquals(presented, cookie) else { throw Self.csrfProblem }
            }
        }
        return try await next(request, context)
    }

    static let csrfProblem = Problem(slug: "csrf", title: "Form expired", status: .forbidden,
                                     detail: "The request did not carry a valid CSRF token. Reload the page and submit the form again.")

    /// The CSRF token from the header, else from the `_csrf` field of a URL-encoded form (the body is put back).
    static func presentedToken(_ request: inout Request) async throws -> String? {
        if let header = request.headers[.xCSRFToken] { return header }
        guard request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true else { return nil }
        let buffer = try await request.body.collect(upTo: maxFormSize)
        request.body = .init(buffer: buffer)
        return FormFields(String(buffer: buffer))["_csrf"]
    }
}

/// A parsed `application/x-www-form-urlencoded` body.
struct FormFields: Sendable {
    private var values: [String: [String]] = [:]

    init(_ body: String) {
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.decode(parts[0])
            let value = parts.count > 1 ? Self.decode(parts[1]) : ""
            values[name, default: []].append(value)
        }
    }

    subscript(name: String) -> String? { values[name]?.first }

    /// Every value a repeated field was sent with, in order.
    func values(named name: String) -> [String] { values[name] ?? [] }

    /// The first value of each field whose name starts with `prefix`, by the rest of its name.
    func firstValues(prefixed prefix: String) -> [String: String] {
        var found: [String: String] = [:]
        for (name, list) in values where name.hasPrefix(prefix) { found[String(name.dropFirst(prefix.count))] = list.first }
        return found
    }

    private static func decode(_ text: Substring) -> String {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(text)
    }
}

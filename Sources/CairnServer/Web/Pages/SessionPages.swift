import CairnCore
import CairnEngine
import Foundation
import HTTPTypes
import Hummingbird

/// Sign-in, sign-out and first-run setup.
struct SessionPages {
    let renderer: WebRenderer
    let authenticator: Authenticator
    let firstRun: FirstRun
    let sessionLifetime: Duration

    func addRoutes(to router: Router<CairnRequestContext>) {
        router.get("login", use: loginForm)
        router.post("login", use: login)
        router.post("logout", use: logout)
        router.get("setup", use: setupForm)
        router.post("setup", use: setup)
    }

    /// The double-submit token of anonymous forms: reuse the cookie's, or mint one.
    private func anonymousToken(_ request: Request) -> (token: String, isNew: Bool) {
        if let value = request.cookies[AuthenticationMiddleware.anonymousCSRFCookie]?.value, value.count >= 32 { return (value, false) }
        return (Secrets.randomToken(), true)
    }

    private func withAnonymousCookies(_ response: Response, token: (token: String, isNew: Bool), request: Request, context: CairnRequestContext) -> Response {
        var response = response
        if token.isNew {
            response.setCookie(Cookie(name: AuthenticationMiddleware.anonymousCSRFCookie, value: token.token, path: "/", secure: context.isSecure, httpOnly: true, sameSite: .lax))
        }
        if let lang = request.uri.queryParameters["lang"], InterfaceLanguage(rawValue: String(lang)) != nil {
            response.setCookie(Cookie(name: AuthenticationMiddleware.languageCookie, value: String(lang), maxAge: 365 * 86400, path: "/", secure: context.isSecure, httpOnly: true, sameSite: .lax))
        }
        return response
    }

    private func languages(_ context: CairnRequestContext, path: String) -> [[String: Any]] {
        InterfaceLanguage.allCases.map { ["code": $0.rawValue, "name": $0.endonym, "href": "\(path)?lang=\($0.rawValue)", "current": $0 == context.language] }
    }

    @Sendable func loginForm(_ request: Request, context: CairnRequestContext) async throws -> Response {
        if context.identity?.user != nil { return WebRenderer.redirect(to: "/") }
        if try await firstRun.isOpen() { return WebRenderer.redirect(to: "/setup") }
        let token = anonymousToken(request)
        let page = try renderer.page("login", titleKey: "login_title", section: "login", context: context, values: [
            "csrf": token.token, "next": safeRedirectTarget(request.uri.queryParameters["next"].map(String.init)),
            "languages": languages(context, path: "/login"),
        ])
        return withAnonymousCookies(page, token: token, request: request, context: context)
    }

    @Sendable func login(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let form = try await request.form()
        let next = safeRedirectTarget(form["next"])
        let token = anonymousToken(request)
        func again(_ messageKey: String, status: HTTPResponse.Status, arguments: [String: String] = [:], retryAfter: Int? = nil) throws -> Response {
            var response = try renderer.page("login", titleKey: "login_title", section: "login", context: context, values: [
                "csrf": token.token, "next": next, "email": form["email"] ?? "",
                "error": renderer.catalogue.text(messageKey, context.language, arguments),
                "languages": languages(context, path: "/login"),
            ], status: status)
            if let retryAfter { response.headers[.retryAfter] = "\(retryAfter)" }
            return response
        }
        guard let email = form["email"], !email.isEmpty, let password = form["password"], !password.isEmpty else {
            return try again("login_missing", status: .badRequest)
        }
        do {
            let signedIn = try await authenticator.signIn(email: email, password: password, origin: context.origin)
            var response = WebRenderer.redirect(to: next)
            response.setCookie(Cookie(name: AuthenticationMiddleware.sessionCookie, value: signedIn.token,
                                      maxAge: Int(sessionLifetime.components.seconds), path: "/", secure: context.isSecure, httpOnly: true, sameSite: .lax))
            return response
        } catch AccessError.invalidCredentials {
            return try again("login_failed", status: .unauthorized)
        } catch AccessError.throttled(let seconds) {
            return try again("login_throttled", status: .tooManyRequests, arguments: ["seconds": "\(seconds)"], retryAfter: seconds)
        }
    }

    @Sendable func logout(_ request: Request, context: CairnRequestContext) async throws -> Response {
        if let identity = context.identity, let token = identity.sessionToken {
            try await authenticator.signOut(token: token, principal: identity.principal, origin: context.origin)
        }
        var response = WebRenderer.redirect(to: "/login")
        response.setCookie(Cookie(name: AuthenticationMiddleware.sessionCookie, value: "", maxAge: 0, path: "/", secure: context.isSecure, httpOnly: true, sameSite: .lax))
        return response
    }

    @Sendable func setupForm(_ request: Request, context: CairnRequestContext) async throws -> Response {
        guard try await firstRun.isOpen() else { return WebRenderer.redirect(to: "/login") }
        let token = anonymousToken(request)
        let page = try renderer.page("setup", titleKey: "setup_title", section: "setup", context: context, values: [
            "csrf": token.token, "languages": languages(context, path: "/setup"), "minimumPasswordLength": Credentials.minimumPasswordLength,
        ])
        return withAnonymousCookies(page, token: token, request: request, context: context)
    }

    @Sendable func setup(_ request: Request, context: CairnRequestContext) async throws -> Response {
        guard try await firstRun.isOpen() else { throw AccessError.setupAlreadyCompleted }
        let form = try await request.form()
        let token = anonymousToken(request)
        let password = form["password"] ?? ""
        do {
            if password.isEmpty { throw ValidationError(field: "password", issue: .missing, hint: "Choose a password of at least \(Credentials.minimumPasswordLength) characters.") }
            _ = try await firstRun.createFirstAdministrator(workspaceName: form["workspaceName"] ?? "", email: form["email"] ?? "",
                                                            displayName: form["displayName"] ?? "", password: password, origin: context.origin)
            let signedIn = try await authenticator.signIn(email: form["email"] ?? "", password: password, origin: context.origin)
            var response = WebRenderer.redirect(to: "/")
            response.setCookie(Cookie(name: AuthenticationMiddleware.sessionCookie, value: signedIn.token,
                                      maxAge: Int(sessionLifetime.components.seconds), path: "/", secure: context.isSecure, httpOnly: true, sameSite: .lax))
            return response
        } catch let error as ValidationError {
            return try renderer.page("setup", titleKey: "setup_title", section: "setup", context: context, values: [
                "csrf": token.token, "languages": languages(context, path: "/setup"), "minimumPasswordLength": Credentials.minimumPasswordLength,
                "workspaceName": form["workspaceName"] ?? "", "email": form["email"] ?? "", "displayName": form["displayName"] ?? "",
                "errors": fieldErrors(error, texts: renderer.catalogue, language: context.language),
            ], status: .badRequest)
        }
    }
}

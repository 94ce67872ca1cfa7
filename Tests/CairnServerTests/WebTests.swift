import CairnCore
import CairnServer
import CairnStore
import CairnTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite("Web shell")
struct WebTests {
    @Test("Signing in sets an HttpOnly, SameSite=Lax session cookie and opens the overview", arguments: TestDatabase.engines)
    func signInSetsASafeCookie(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            var browser = Browser(client: h.client)
            let (_, login) = try await browser.get("/login")
            let token = try #require(Browser.csrfToken(in: login))
            let response = try await browser.post("/login", form: ["email": h.a.users[.manager]!.email, "password": SeededWorkspace.password, "_csrf": token, "next": "/settings/profile"])
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/settings/profile")
            let cookie = try #require(response.headers[values: .setCookie].first { $0.hasPrefix("cairn_session=") })
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Lax"))
            #expect(!cookie.contains("Secure"), "plain HTTP without a https public URL")
            var proxied = Browser(client: h.client, extraHeaders: [.init("X-Forwarded-Proto")!: "https"])
            let (_, form) = try await proxied.get("/login")
            let behindTLS = try await proxied.post("/login", form: ["email": h.a.users[.manager]!.email, "password": SeededWorkspace.password, "_csrf": Browser.csrfToken(in: form)!])
            #expect(behindTLS.headers[values: .setCookie].first { $0.hasPrefix("cairn_session=") }?.contains("Secure") == true, "Secure behind a TLS proxy")
            let (overview, html) = try await browser.get("/")
            #expect(overview.status == .ok)
            #expect(html.contains("Alpha"))
            #expect(html.contains("<svg"), "the overview chart is rendered")
            let audit = try await h.store.auditLog(in: h.a.workspace.id, after: nil, limit: 50).items
            #expect(audit.contains { $0.action == .loginSucceeded && $0.actor == "user:\(h.a.users[.manager]!.id)" })
        }
    }

    @Test("A wrong password shows an error and is audited; the page never says which part was wrong")
    func wrongPasswordShowsError() async throws {
        try await Harness.run(.sqlite) { h in
            var browser = Browser(client: h.client)
            let (_, login) = try await browser.get("/login")
            let response = try await browser.post("/login", form: ["email": h.a.users[.agent]!.email, "password": "not the password", "_csrf": Browser.csrfToken(in: login)!])
            #expect(response.status == .unauthorized)
            #expect(response.text.contains("id=\"login-error\""))
            #expect(response.text.contains("The email or the password is wrong"))
            #expect(browser.cookies["cairn_session"] == nil)
            let unknown = try await browser.post("/login", form: ["email": "nobody@nowhere.example", "password": "whatever", "_csrf": Browser.csrfToken(in: login)!])
            #expect(unknown.status == .unauthorized)
            let audit = try await h.store.auditLog(in: h.a.workspace.id, after: nil, limit: 50).items
            #expect(audit.contains { $0.action == .loginFailed && $0.target == "user:\(h.a.users[.agent]!.id)" })
        }
    }

    @Test("Repeated failures from one address make that address wait, longer each time, then it goes on")
    func repeatedFailuresAreThrottled() async throws {
        try await Harness.run(.sqlite) { h in
            var browser = Browser(client: h.client)
            let (_, login) = try await browser.get("/login")
            let token = Browser.csrfToken(in: login)!
            let email = h.a.users[.viewer]!.email
            var statuses: [Int] = []
            for _ in 0..<6 {
                statuses.append(Int(try await browser.post("/login", form: ["email": email, "password": "wrong-password!", "_csrf": token]).status.code))
            }
            #expect(statuses == [401, 401, 401, 429, 429, 429], "three free failures, then a wait")
            let waiting = try await browser.post("/login", form: ["email": email, "password": SeededWorkspace.password, "_csrf": token])
            #expect(waiting.status == .tooManyRequests && waiting.headers[.init("Retry-After")!] == "2", "from this address even the right password waits 2 s")
            h.clock.advance(by: 3)
            let later = try await browser.post("/login", form: ["email": email, "password": SeededWorkspace.password, "_csrf": token])
            #expect(later.status == .seeOther)
            let actions = try await h.store.auditLog(in: h.a.workspace.id, after: nil, limit: 20).items.map(\.action)
            #expect(actions.contains(.loginThrottled))
        }
    }

    @Test("A form post without the CSRF token is refused and changes nothing", arguments: TestDatabase.engines)
    func formWithoutCSRFIsRefused(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            var browser = try await h.signIn(h.a.users[.admin]!.email)
            let missing = try await browser.post("/settings/workspace", form: ["name": "Hijacked"])
            #expect(missing.status == .forbidden)
            #expect(missing.text.contains("Reload the page"))
            let wrong = try await browser.post("/settings/workspace", form: ["name": "Hijacked", "_csrf": "forged"])
            #expect(wrong.status == .forbidden)
            let api = try await browser.send(.patch, "/api/v1/workspace", headers: [.contentType: "application/json"], body: #"{"name":"Hijacked"}"#)
            #expect(api.status == .forbidden, "cookie-authenticated API calls need X-CSRF-Token too")
            #expect(try await h.store.workspace(id: h.a.workspace.id)?.name == "Alpha")
            // And the sign-in form itself needs the double-submit token.
            var stranger = Browser(client: h.client)
            let login = try await stranger.post("/login", form: ["email": h.a.users[.admin]!.email, "password": SeededWorkspace.password])
            #expect(login.status == .forbidden)
            let withBasic = try await stranger.post("/login", form: ["email": h.a.users[.admin]!.email, "password": SeededWorkspace.password],
                                                    headers: [.authorization: "Basic \(Data("\(h.a.writeKey):".utf8).base64EncodedString())"])
            #expect(withBasic.status == .forbidden, "another auth scheme does not switch the CSRF check off")
            // With the token it works.
            let ok = try await browser.submit(on: "/settings/workspace", to: "/settings/workspace", form: ["name": "Alpha Two"])
            #expect(ok.status == .seeOther)
            #expect(try await h.store.workspace(id: h.a.workspace.id)?.name == "Alpha Two")
        }
    }

    @Test("The interface language follows the user's setting, else Accept-Language; Hebrew is right-to-left")
    func languageAndDirection() async throws {
        try await Harness.run(.sqlite) { h in
            var german = try await h.signIn(h.a.users[.agent]!.email, headers: [.acceptLanguage: "de-CH, de;q=0.9, en;q=0.5"])
            let (_, de) = try await german.get("/")
            #expect(de.contains(#"<html lang="de" dir="ltr">"#))
            #expect(de.contains("Einstellungen"))

            var browser = try await h.signIn(h.a.users[.admin]!.email, headers: [.acceptLanguage: "de"])
            let saved = try await browser.submit(on: "/settings/profile", to: "/settings/profile", form: ["displayName": "Dana", "locale": "he"])
            #expect(saved.status == .seeOther)
            let (_, he) = try await browser.get("/settings/profile")
            #expect(he.contains(#"<html lang="he" dir="rtl">"#), "the user's setting beats Accept-Language")
            #expect(he.contains("הגדרות"))
            let (_, zh) = try await Browser(client: h.client).withGet("/login", headers: [.acceptLanguage: "zh-CN,zh;q=0.9"])
            #expect(zh.contains(#"<html lang="zh-Hans" dir="ltr">"#))
            #expect(zh.contains("登录"))
            let bad = try await browser.submit(on: "/settings/profile", to: "/settings/profile", form: ["locale": "klingon"])
            #expect(bad.status == .badRequest)
        }
    }

    @Test("Pages a role may not see are refused and left out of its navigation")
    func navigationFollowsRole() async throws {
        try await Harness.run(.sqlite) { h in
            var viewer = try await h.signIn(h.a.users[.viewer]!.email)
            let (_, settings) = try await viewer.get("/settings/workspace")
            #expect(!settings.contains("/settings/keys"))
            #expect(!settings.contains("/settings/audit"))
            #expect(!settings.contains(#"action="/settings/workspace""#), "no rename form for viewers")
            let (keys, page) = try await viewer.get("/settings/keys")
            #expect(keys.status == .forbidden)
            #expect(page.contains("Your role does not allow this"))
            var admin = try await h.signIn(h.a.users[.admin]!.email)
            let (_, adminSettings) = try await admin.get("/settings/workspace")
            #expect(adminSettings.contains("/settings/keys") && adminSettings.contains("/settings/audit"))
            // The audit log names its actors as people read them: an API key by its name, never key:UUID or user:UUID.
            #expect(try await h.api(.patch, "/api/v1/workspace", key: h.a.secretKeys[.admin]!, json: #"{"name":"Alpha GmbH"}"#).status == .ok)
            let (_, audit) = try await admin.get("/settings/audit")
            #expect(audit.contains("<bdi>API key «") && !audit.contains(">key:") && !audit.contains(">user:"), "actors by name")
        }
    }

    @Test("Signed-out visitors are sent to sign in; unknown pages get the error page")
    func signedOutAndMissingPages() async throws {
        try await Harness.run(.sqlite) { h in
            var browser = Browser(client: h.client)
            let response = try await browser.send(.get, "/settings/users")
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/login?next=/settings/users")
            let (missing, html) = try await browser.get("/no-such-page")
            #expect(missing.status == .notFound)
            #expect(html.contains("<html lang=\"en\""))
            #expect(html.contains("does not exist"))
        }
    }

    @Test("Keys made in the UI are shown once and work; users made in the UI get a generated password")
    func keysAndUsersFromTheUI() async throws {
        try await Harness.run(.sqlite) { h in
            var admin = try await h.signIn(h.a.users[.admin]!.email)
            let created = try await admin.submit(on: "/settings/keys", to: "/settings/keys", form: ["kind": "secret", "name": "BI export", "role": "viewer"])
            #expect(created.status == .created)
            let token = try #require(created.text.firstMatch(of: /cairn_sk_[A-Za-z0-9_-]{20,}/).map { String($0.0) })
            #expect(try await h.api(.get, "/api/v1/me", key: token).status == .ok)
            let (_, list) = try await admin.get("/settings/keys")
            #expect(!list.contains(token), "the token is never shown again")
            let user = try await admin.submit(on: "/settings/users", to: "/settings/users", form: ["email": "new.agent@alpha.example", "role": "agent"])
            #expect(user.status == .created)
            let password = try #require(user.text.firstMatch(of: /id="generated-password">([^<]+)</).map { String($0.1) })
            _ = try await h.signIn("new.agent@alpha.example", password: password)
        }
    }

    @Test("The audit log exports as CSV, and the export is itself audited")
    func auditExport() async throws {
        try await Harness.run(.sqlite) { h in
            var admin = try await h.signIn(h.a.users[.admin]!.email)
            let response = try await admin.submit(on: "/settings/audit", to: "/settings/audit/export", form: [:])
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(response.headers[.contentDisposition]?.contains("attachment") == true)
            let lines = response.text.split(separator: "\r\n")
            #expect(lines.first == "occurred_at,action,actor,target,details,ip_address")
            #expect(lines.contains { $0.contains(",login.succeeded,user:\(h.a.users[.admin]!.id),") })
            #expect(!response.text.contains(h.b.workspace.id.rawValue) && !response.text.contains("user:\(h.b.users[.admin]!.id)"), "only A's log")
            let audit = try await h.store.auditLog(in: h.a.workspace.id, after: nil, limit: 200).items
            #expect(audit.contains { $0.action == .dataExported && $0.actor == "user:\(h.a.users[.admin]!.id)" })
        }
    }

    @Test("Setup works only while no administrator exists")
    func setupOnlyOnce() async throws {
        try await Harness.run(.sqlite, seed: false) { h in
            var browser = Browser(client: h.client)
            let home = try await browser.send(.get, "/")
            #expect(home.headers[.location] == "/setup")
            let (_, form) = try await browser.get("/setup")
            let token = try #require(Browser.csrfToken(in: form))
            let short = try await browser.post("/setup", form: ["_csrf": token, "workspaceName": "Acme", "email": "root@acme.example", "password": "short"])
            #expect(short.status == .badRequest)
            let done = try await browser.post("/setup", form: ["_csrf": token, "workspaceName": "Acme", "email": "root@acme.example", "password": "a long enough password"])
            #expect(done.status == .seeOther)
            #expect(browser.cookies["cairn_session"] != nil, "signed in straight away")
            var other = Browser(client: h.client)
            let again = try await other.send(.get, "/setup")
            #expect(again.headers[.location] == "/login")
            let (_, loginPage) = try await other.get("/login")
            let late = try await other.post("/setup", form: ["_csrf": Browser.csrfToken(in: loginPage)!, "workspaceName": "Evil", "email": "evil@x.example", "password": "a long enough password"])
            #expect(late.status == .conflict)
            #expect(try await h.store.allWorkspaces().map(\.name) == ["Acme"])
        }
    }

    @Test("Signing out ends the session on the server")
    func signOutEndsSession() async throws {
        try await Harness.run(.sqlite) { h in
            var browser = try await h.signIn(h.a.users[.agent]!.email)
            let stolen = browser.cookies["cairn_session"]!
            let out = try await browser.submit(on: "/", to: "/logout", form: [:])
            #expect(out.status == .seeOther)
            var thief = Browser(client: h.client)
            thief.cookies["cairn_session"] = stolen
            let response = try await thief.send(.get, "/")
            #expect(response.headers[.location]?.hasPrefix("/login") == true)
        }
    }
}

extension Browser {
    func withGet(_ path: String, headers: HTTPFields) async throws -> (TestResponse, String) {
        var copy = self
        return try await copy.get(path, headers: headers)
    }
}

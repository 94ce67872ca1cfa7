import CairnCore
import CairnEngine
import CairnServer
import CairnStore
import CairnTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing
import NIOFoundationEssentialsCompat

/// A running Cairn (router test framework) on a fresh database with two seeded workspaces, A and B.
struct Harness: Sendable {
    let client: any TestClientProtocol
    let store: Store
    let a: SeededWorkspace
    let b: SeededWorkspace
    let clock: TestClock
    let routes: [String]

    static func configuration() -> ServerConfiguration {
        ServerConfiguration(access: AccessConfiguration(passwordHasher: testPasswordHasher))
    }

    /// The engine as the composition root makes it. Emails are queued by the routes; nothing sends them here (the
    /// router runs without its services).
    static func useCases(_ store: Store, clock: DateSource = .system, allowPrivateWebhooks: Bool = false, logger: Logger) -> UseCases {
        UseCases(store: store, access: configuration().access,
                 mailer: SMTPConfiguration(host: "127.0.0.1", port: 2525, security: .none, from: "feedback@cairn.test"),
                 linkBase: configuration().linkBase, webhookAllowPrivate: allowPrivateWebhooks, clock: clock, logger: logger)
    }

    /// Runs `body` against a fresh app on `engine`.
    static func run(_ engine: DatabaseEngine, seed: Bool = true, allowPrivateWebhooks: Bool = false, logger: Logger? = nil, _ body: @escaping @Sendable (Harness) async throws -> Void) async throws {
        try await TestDatabase.withStore(engine) { (store: Store) async throws in
            let clock = TestClock(Date())
            let a = seed ? try await SeededWorkspace.create(named: "Alpha", in: store, clock: clock.source) : nil
            let b = seed ? try await SeededWorkspace.create(named: "Beta", in: store, clock: clock.source) : nil
            var logger = logger ?? Logger(label: "cairn.test.server")
            if logger.logLevel > .warning { logger.logLevel = .warning }
            let router = try await buildRouter(configuration: configuration(), useCases: useCases(store, clock: clock.source, allowPrivateWebhooks: allowPrivateWebhooks, logger: logger), logger: logger)
            let routes = router.routes.map { "\($0.method.rawValue) \($0.path)" }
            let app = Application(router: router, logger: logger)
            try await app.test(.router) { client in
                try await body(Harness(client: client, store: store, a: a ?? .empty, b: b ?? .empty, clock: clock, routes: routes))
            }
        }
    }

    /// A JSON API request; `key` goes in `Authorization: Bearer`.
    @discardableResult
    /// Reads the text of every answer the widget's API left waiting, as the server's background reader does.
    func readWaitingAnswers() async throws {
        while try await ResponseReading(store: store).readWaiting(limit: 500) > 0 {}
    }

    /// Sends tracking messages (JSON objects) to workspace A's `/v1/batch`, 300 a batch, and ties them to their
    /// customers as the server's resolver does. Returns whether every batch was accepted.
    @discardableResult
    func track(_ messages: [String]) async throws -> Bool {
        var accepted = true
        for part in stride(from: 0, to: messages.count, by: 300) {
            let sent = try await client.execute(uri: "/v1/batch", method: .post,
                                                headers: [.contentType: "application/json", .authorization: "Basic \(Data((a.writeKey + ":").utf8).base64EncodedString())"],
                                                body: ByteBuffer(string: #"{"batch":[\#(messages[part..<min(messages.count, part + 300)].joined(separator: ","))]}"#))
            accepted = accepted && sent.status == .ok
        }
        let resolver = IdentityResolver(store: store, clock: clock.source)
        while try await resolver.resolvePending(in: a.workspace.id, limit: 1_000) > 0 {}
        return accepted
    }

    func api(_ method: HTTPRequest.Method, _ path: String, key: String? = nil, json: String? = nil, headers: HTTPFields = [:]) async throws -> TestResponse {
        var headers = headers
        if let key { headers[.authorization] = "Bearer \(key)" }
        if json != nil, headers[.contentType] == nil { headers[.contentType] = "application/json" }
        return try await client.execute(uri: path, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }

    /// Signs in through the web form and returns a browser holding the session cookie.
    func signIn(_ email: String, password: String = SeededWorkspace.password, headers: HTTPFields = [:]) async throws -> Browser {
        var browser = Browser(client: client, extraHeaders: headers)
        let (_, page) = try await browser.get("/login")
        let token = try #require(Browser.csrfToken(in: page))
        let response = try await browser.post("/login", form: ["email": email, "password": password, "_csrf": token])
        #expect(response.status == .seeOther, "sign-in of \(email) should redirect")
        #expect(browser.cookies["cairn_session"] != nil)
        return browser
    }
}

extension SeededWorkspace {
    static let empty = SeededWorkspace(workspace: Workspace(id: .generate(), name: "", createdAt: Date()), users: [:], secretKeys: [:], writeKey: "")
}

/// Just enough of a browser: keeps cookies, reads CSRF tokens from forms, posts URL-encoded forms.
struct Browser: Sendable {
    let client: any TestClientProtocol
    var cookies: [String: String] = [:]
    var extraHeaders: HTTPFields = [:]

    init(client: any TestClientProtocol, extraHeaders: HTTPFields = [:]) {
        self.client = client
        self.extraHeaders = extraHeaders
    }

    mutating func send(_ method: HTTPRequest.Method, _ path: String, headers: HTTPFields = [:], body: String? = nil) async throws -> TestResponse {
        var all = extraHeaders
        for field in headers { all[field.name] = field.value }
        if !cookies.isEmpty { all[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
        let response = try await client.execute(uri: path, method: method, headers: all, body: body.map { ByteBuffer(string: $0) })
        for header in response.headers[values: .setCookie] {
            let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { continue }
            if pair[1].isEmpty || header.contains("Max-Age=0") { cookies[pair[0]] = nil } else { cookies[pair[0]] = pair[1] }
        }
        return response
    }

    mutating func get(_ path: String, headers: HTTPFields = [:]) async throws -> (TestResponse, String) {
        let response = try await send(.get, path, headers: headers)
        return (response, String(buffer: response.body))
    }

    @discardableResult
    mutating func post(_ path: String, form: [String: String], headers: HTTPFields = [:]) async throws -> TestResponse {
        var all = headers
        all[.contentType] = "application/x-www-form-urlencoded"
        let body = form.map { "\(Self.encode($0.key))=\(Self.encode($0.value))" }.joined(separator: "&")
        return try await send(.post, path, headers: all, body: body)
    }

    /// Fetches `page` and posts `form` with that page's CSRF token.
    @discardableResult
    mutating func submit(on page: String, to path: String, form: [String: String]) async throws -> TestResponse {
        let (_, html) = try await get(page)
        var form = form
        form["_csrf"] = Self.csrfToken(in: html)
        return try await post(path, form: form)
    }

    /// Fetches `page` and posts fields in order, a name as often as the form repeats it, with that page's CSRF token.
    @discardableResult
    mutating func submit(on page: String, to path: String, fields: [(String, String)]) async throws -> TestResponse {
        let (_, html) = try await get(page)
        let body = ([("_csrf", Self.csrfToken(in: html) ?? "")] + fields).map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        return try await send(.post, path, headers: [.contentType: "application/x-www-form-urlencoded"], body: body)
    }

    static func csrfToken(in html: String) -> String? {
        guard let range = html.range(of: #"name="_csrf" value="([^"]+)""#, options: .regularExpression) else { return nil }
        return html[range].split(separator: "\"")[3].description
    }

    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(.init(charactersIn: "-._~"))) ?? text
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }

    func json() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any], "body is a JSON object: \(text)")
    }
}

import AsyncHTTPClient
@testable import CairnCLI
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// The loaded demo world as a newcomer meets it over HTTP: the management API with the back office's key, and the
/// pages signed in as the CX lead, in a chosen language.
struct DemoSite {
    let loaded: DemoRunner.Loaded
    let client: HTTPClient

    init(_ loaded: DemoRunner.Loaded) {
        self.loaded = loaded
        // Redirects are not followed: the sign-in's 303 carries the session cookie.
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    func shutdown() async {
        try? await client.shutdown()
    }

    /// A management API read that must succeed; the parsed JSON.
    func api(_ path: String) async throws -> Any {
        var request = HTTPClientRequest(url: loaded.url + path)
        request.headers.add(name: "Authorization", value: "Bearer \(loaded.secretKey)")
        let response = try await client.execute(request, timeout: .seconds(120))
        let body = try await response.body.collect(upTo: 64 << 20)
        let text = String(buffer: body)
        try #require(response.status.code == 200, "GET \(path) answered \(response.status.code): \(text.prefix(300))")
        return try JSONSerialization.jsonObject(with: Data(text.utf8))
    }

    func object(_ path: String) async throws -> [String: Any] {
        try #require(try await api(path) as? [String: Any])
    }

    /// Signs in through the form with the page's CSRF token; the session cookie, for pages in `language`.
    func signIn(language: String) async throws -> Session {
        var session = Session(site: self, language: language)
        let login = try await session.get("/login")
        let token = try #require(Self.csrfToken(in: login))
        let status = try await session.post("/login", form: [("email", loaded.email), ("password", loaded.password ?? ""), ("_csrf", token)])
        try #require(status == 303, "sign-in answered \(status)")
        try #require(session.cookies["cairn_session"] != nil)
        return session
    }

    static func csrfToken(in html: String) -> String? {
        guard let range = html.range(of: #"name="_csrf" value="([^"]+)""#, options: .regularExpression) else { return nil }
        return html[range].split(separator: "\"")[3].description
    }

    struct Session {
        let site: DemoSite
        let language: String
        var cookies: [String: String] = [:]

        init(site: DemoSite, language: String) {
            self.site = site
            self.language = language
        }

        private mutating func send(_ request: HTTPClientRequest) async throws -> (Int, String) {
            var request = request
            request.headers.add(name: "Accept-Language", value: language)
            if !cookies.isEmpty { request.headers.add(name: "Cookie", value: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")) }
            let response = try await site.client.execute(request, timeout: .seconds(120))
            for header in response.headers["Set-Cookie"] {
                let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1).map(String.init)
                guard pair.count == 2 else { continue }
                if pair[1].isEmpty || header.contains("Max-Age=0") { cookies[pair[0]] = nil } else { cookies[pair[0]] = pair[1] }
            }
            let body = try await response.body.collect(upTo: 64 << 20)
            return (Int(response.status.code), String(buffer: body))
        }

        /// A page that must answer 200.
        mutating func get(_ path: String) async throws -> String {
            let (status, body) = try await send(HTTPClientRequest(url: site.loaded.url + path))
            try #require(status == 200, "GET \(path) in \(language) answered \(status)")
            return body
        }

        mutating func post(_ path: String, form: [(String, String)]) async throws -> Int {
            var request = HTTPClientRequest(url: site.loaded.url + path)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.body = .bytes(ByteBuffer(string: form.map { "\(DemoClient.formEncode($0.0))=\(DemoClient.formEncode($0.1))" }.joined(separator: "&")))
            return try await send(request).0
        }
    }
}

import CairnCore
import CairnServer
import CairnStore
import CairnTestSupport
import Foundation
import HTTPTypes
import Logging
import Testing
import HummingbirdTesting

/// Collects log lines (message plus all metadata, as text) in memory.
final class LogCapture: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [(message: String, metadata: [String: String])] = []

    var lines: [(message: String, metadata: [String: String])] { lock.withLock { stored } }

    func append(_ message: String, _ metadata: [String: String]) { lock.withLock { stored.append((message, metadata)) } }

    func logger() -> Logger {
        var logger = Logger(label: "cairn.capture", factory: { _ in CapturingHandler(capture: self, metadataProvider: RequestScope.metadataProvider) })
        logger.logLevel = .trace
        return logger
    }
}

struct CapturingHandler: LogHandler {
    let capture: LogCapture
    var metadataProvider: Logger.MetadataProvider?
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var all = metadata
        if let provided = metadataProvider?.get() { all.merge(provided) { _, new in new } }
        if let extra = event.metadata { all.merge(extra) { _, new in new } }
        capture.append("\(event.message)", all.mapValues { "\($0)" })
    }
}

@Suite("Logs")
struct LoggingTests {
    @Test("Log lines carry the request id and never personal data, passwords or tokens")
    func logsCarryRequestIDAndNoPersonalData() async throws {
        let capture = LogCapture()
        try await Harness.run(.sqlite, logger: capture.logger()) { h in
            let email = h.a.users[.manager]!.email
            _ = try await h.signIn(email, headers: [.init("X-Request-ID")!: "trace-sign-in"])
            var stranger = Browser(client: h.client)
            let (_, page) = try await stranger.get("/login")
            _ = try await stranger.post("/login", form: ["email": "unknown.person@alpha.example", "password": "a secret attempt", "_csrf": Browser.csrfToken(in: page)!])
            let created = try await h.api(.post, "/api/v1/users", key: h.a.secretKeys[.admin],
                                          json: #"{"email":"new.person@alpha.example","role":"agent","password":"their very own password"}"#)
            #expect(created.status == .created)
            let key = try await h.api(.post, "/api/v1/keys", key: h.a.secretKeys[.admin], json: #"{"kind":"write","name":"Shop"}"#).json()["token"] as? String

            let lines = capture.lines
            let signedIn = lines.filter { $0.message == "signed in" }
            #expect(signedIn.contains { $0.metadata["request.id"] == "trace-sign-in" }, "engine log lines carry the request id")
            #expect(lines.filter { $0.message == "request" }.allSatisfy { $0.metadata["request.id"] != nil })
            let text = lines.map { "\($0.message) \($0.metadata)" }.joined(separator: "\n")
            for secret in [email, "unknown.person@alpha.example", "new.person@alpha.example", SeededWorkspace.password, "a secret attempt",
                           "their very own password", h.a.secretKeys[.admin]!, key ?? "-"] {
                #expect(!text.contains(secret), "a log line contains \(secret.prefix(6))…")
            }
            #expect(!text.contains("?"), "no query strings in access logs")
        }
    }
}

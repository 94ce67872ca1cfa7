public import AsyncHTTPClient
public import CairnCore
public import CairnStore
import Crypto
public import Foundation
public import Logging
import NIOCore
import NIOHTTP1

/// Webhook endpoints of a workspace and their delivery log. Managing needs `workspace.manage`.
public struct Webhooks: Sendable {
    public static let events = [FeedbackAlerts.event]
    let store: Store
    public let clock: DateSource

    public init(store: Store, clock: DateSource = .system) {
        self.store = store
        self.clock = clock
    }

    /// Adds an endpoint; the signing secret is returned this once.
    public func create(url text: String?, events: [String]?, by principal: Principal) async throws -> (endpoint: WebhookEndpoint, secret: String) {
        try principal.require(.workspaceManage)
        var issues = ValidationCollector()
        let url = (text ?? "").trimmingCharacters(in: .whitespaces)
        if let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), ["https", "http"].contains(scheme), parsed.host?.isEmpty == false, url.count <= 500 {
        } else {
            issues.add(FieldIssue(field: "url", issue: .invalid, hint: "Give an http(s) address of at most 500 characters, e.g. https://example.com/cairn-hooks."))
        }
        let events = events ?? Self.events
        if events.isEmpty || !events.allSatisfy(Self.events.contains) {
            issues.add(FieldIssue(field: "events", issue: .unknownValue(allowed: Self.events), hint: "Subscribe to feedback.alert."))
        }
        try issues.throwIfAny()
        let secret = "whsec_" + Secrets.randomToken(byteCount: 24)
        let endpoint = WebhookEndpoint(id: .generate(), workspaceID: principal.workspaceID, url: url, events: Array(Set(events)).sorted(),
                                       secretPrefix: String(secret.prefix(12)), createdAt: clock.now())
        try await store.insert(endpoint, secret: secret)
        return (endpoint, secret)
    }

    public func endpoints(for principal: Principal) async throws -> [WebhookEndpoint] {
        try principal.require(.workspaceManage)
        return try await store.webhookEndpoints(in: principal.workspaceID)
    }

    public func delete(_ id: WebhookID, by principal: Principal) async throws {
        try principal.require(.workspaceManage)
        guard try await store.deleteWebhook(id, in: principal.workspaceID) else { throw NotFoundError(kind: "webhook", id: id.rawValue) }
    }

    public func deliveries(of id: WebhookID, for principal: Principal, after cursor: Cursor?, limit: PageSize) async throws -> Page<WebhookDelivery> {
        try principal.require(.workspaceManage)
        guard try await store.webhookEndpoints(in: principal.workspaceID).contains(where: { $0.id == id }) else { throw NotFoundError(kind: "webhook", id: id.rawValue) }
        return try await store.deliveries(of: id, in: principal.workspaceID, after: cursor, limit: limit.value)
    }

    /// `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the secret>`: the receiver recomputes it and
    /// refuses old timestamps, so a captured delivery cannot be replayed later.
    public static func signature(body: String, secret: String, at date: Date) -> String {
        let timestamp = Int(date.timeIntervalSince1970)
        let mac = HMAC<SHA256>.authenticationCode(for: Data("\(timestamp).\(body)".utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return "t=\(timestamp),v1=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    /// Pauses before each retry: 30 s, 2 min, 10 min, 1 h, 6 h, 24 h; after the seventh attempt it is given up.
    public static let backoff: [TimeInterval] = [30, 120, 600, 3_600, 21_600, 86_400]

    /// Sends what is due, each with its signature; a 2xx answer within 10 s is success, anything else is retried later.
    /// `client` defaults to the process's shared HTTP client.
    @discardableResult
    public func deliverDue(client: HTTPClient = .shared, logger: Logger, limit: Int = 50) async throws -> Int {
        let now = clock.now()
        let due = try await store.dueDeliveries(at: now, limit: limit)
        for (delivery, url, secret) in due {
            var attempt = delivery
            attempt.attempts += 1
            do {
                var request = HTTPClientRequest(url: url)
                request.method = .POST
                request.headers.add(name: "Content-Type", value: "application/json")
                request.headers.add(name: "User-Agent", value: "Cairn-Webhooks/1")
                request.headers.add(name: "Cairn-Event", value: delivery.event)
                request.headers.add(name: "Cairn-Delivery", value: delivery.id.rawValue)
                request.headers.add(name: "Cairn-Signature", value: Self.signature(body: delivery.payload, secret: secret, at: now))
                request.body = .bytes(ByteBuffer(string: delivery.payload))
                let response = try await client.execute(request, timeout: .seconds(10))
                attempt.lastStatusCode = Int(response.status.code)
                if (200..<300).contains(response.status.code) {
                    attempt.status = .succeeded
                    attempt.deliveredAt = clock.now()
                    attempt.nextAttemptAt = nil
                    attempt.lastError = nil
                } else {
                    attempt.lastError = "answered \(response.status.code)"
                }
            } catch {
                attempt.lastStatusCode = nil
                attempt.lastError = String(describing: error).prefix(300).description
            }
            if attempt.status == .pending {
                if attempt.attempts > Self.backoff.count {
                    attempt.status = .failed
                    attempt.nextAttemptAt = nil
                } else {
                    attempt.nextAttemptAt = now.addingTimeInterval(Self.backoff[attempt.attempts - 1])
                }
                logger.notice("webhook delivery not accepted", metadata: ["delivery": "\(delivery.id)", "attempt": "\(attempt.attempts)", "error": "\(attempt.lastError ?? "")"])
            }
            try await store.record(attempt)
        }
        return due.count
    }
}

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
    public static let events = [FeedbackAlerts.event, Cases.warningEvent, Cases.breachEvent, ServiceSpikes.event, Underperformance.event, Segments.enteredEvent, Segments.leftEvent]
    let store: Store
    public let clock: DateSource
    /// Deliver to loopback and private addresses too (`--webhook-allow-private`: tests, receivers on the same network).
    public let allowPrivateAddresses: Bool

    public init(store: Store, clock: DateSource = .system, allowPrivateAddresses: Bool = false) {
        self.store = store
        self.clock = clock
        self.allowPrivateAddresses = allowPrivateAddresses
    }

    /// The client deliveries go out with: it never follows a redirect (a POST turned into a GET to another, internal
    /// address would carry the signature there).
    public static let client = HTTPClient(eventLoopGroupProvider: .singleton,
                                          configuration: HTTPClient.Configuration(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(5), read: .seconds(10))))

    /// Adds an endpoint; the signing secret is returned this once.
    public func create(url text: String?, events: [String]?, by principal: Principal) async throws -> (endpoint: WebhookEndpoint, secret: String) {
        try principal.require(.workspaceManage)
        var issues = ValidationCollector()
        let url = (text ?? "").trimmingCharacters(in: .whitespaces)
        if let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), ["https", "http"].contains(scheme), let host = parsed.host, !host.isEmpty,
           url.count <= 500, parsed.user == nil, parsed.password == nil {
            if !allowPrivateAddresses, case .internalAddress = await WebhookAddresses.verdict(host: host) {
                issues.add(FieldIssue(field: "url", issue: .notAllowed,
                                      hint: "Webhooks go to public addresses only, not to this machine or a private or link-local network; give the receiver's public address."))
            }
        } else {
            issues.add(FieldIssue(field: "url", issue: .invalid, hint: "Give an http(s) address of at most 500 characters without a user or password, e.g. https://example.com/cairn-hooks."))
        }
        let events = events ?? Self.events
        if events.isEmpty || !events.allSatisfy(Self.events.contains) {
            issues.add(FieldIssue(field: "events", issue: .unknownValue(allowed: Self.events), hint: "Subscribe to one or more of: \(Self.events.joined(separator: ", "))."))
        }
        try issues.throwIfAny()
        // Standard Webhooks secrets: whsec_ and the key's bytes in base64.
        var generator = SystemRandomNumberGenerator()
        let secret = "whsec_" + Data((0..<24).map { _ in UInt8.random(in: .min ... .max, using: &generator) }).base64EncodedString()
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

    /// The Standard Webhooks signature (the scheme Svix and Formbricks use, which receivers' libraries verify):
    /// `v1,<base64 HMAC-SHA256 of "<webhook-id>.<webhook-timestamp>.<body>">`, keyed with the secret's bytes (the part
    /// after `whsec_`, base64). The receiver refuses old timestamps, so a captured delivery cannot be replayed later.
    public static func signature(id: String, body: String, secret: String, at date: Date) -> String {
        let timestamp = Int(date.timeIntervalSince1970)
        let mac = HMAC<SHA256>.authenticationCode(for: Data("\(id).\(timestamp).\(body)".utf8), using: SymmetricKey(data: key(of: secret)))
        return "v1," + Data(mac).base64EncodedString()
    }

    /// The key bytes of a `whsec_` secret (base64, or the base64url of secrets made before version 29).
    static func key(of secret: String) -> Data {
        var text = secret.hasPrefix("whsec_") ? String(secret.dropFirst(6)) : secret
        text = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        return Data(base64Encoded: text) ?? Data(secret.utf8)
    }

    /// Pauses before each retry: 30 s, 2 min, 10 min, 1 h, 6 h, 24 h; after the seventh attempt it is given up.
    public static let backoff: [TimeInterval] = [30, 120, 600, 3_600, 21_600, 86_400]

    /// Sends what is due, each with its signature; a 2xx answer within 10 s is success, anything else is retried later.
    /// `client` defaults to the process's shared HTTP client.
    @discardableResult
    public func deliverDue(client: HTTPClient = Webhooks.client, logger: Logger, limit: Int = 50) async throws -> Int {
        // One server at a time works this (Store.exclusively): with several servers on one database nothing is done twice.
        try await store.exclusively("webhooks") { try await deliverDueRound(client: client, logger: logger, limit: limit) } ?? 0
    }

    func deliverDueRound(client: HTTPClient = Webhooks.client, logger: Logger, limit: Int = 50) async throws -> Int {
        let now = clock.now()
        let due = try await store.dueDeliveries(at: now, limit: limit)
        for (delivery, url, secret) in due {
            var attempt = delivery
            attempt.attempts += 1
            // The host is resolved again before every attempt (DNS can change after the endpoint was saved); an
            // internal address is refused and the log says only that, never what the network answered.
            let host = URL(string: url)?.host ?? ""
            let verdict = allowPrivateAddresses ? .publicAddress : await WebhookAddresses.verdict(host: host)
            switch verdict {
            case .internalAddress:
                attempt.lastStatusCode = nil
                attempt.lastError = "refused: the address is not public"
                attempt.status = .failed
                attempt.nextAttemptAt = nil
                logger.notice("webhook delivery refused: internal address", metadata: ["delivery": "\(delivery.id)"])
                try await store.record(attempt)
                continue
            case .unresolved:
                attempt.lastStatusCode = nil
                attempt.lastError = "the host could not be resolved"
            case .publicAddress:
                do {
                    var request = HTTPClientRequest(url: url)
                    request.method = .POST
                    request.headers.add(name: "Content-Type", value: "application/json")
                    request.headers.add(name: "User-Agent", value: "Cairn-Webhooks/2")
                    request.headers.add(name: "webhook-id", value: delivery.id.rawValue)
                    request.headers.add(name: "webhook-timestamp", value: String(Int(now.timeIntervalSince1970)))
                    request.headers.add(name: "webhook-signature", value: Self.signature(id: delivery.id.rawValue, body: delivery.payload, secret: secret, at: now))
                    request.headers.add(name: "Cairn-Event", value: delivery.event)
                    request.body = .bytes(ByteBuffer(string: delivery.payload))
                    let response = try await client.execute(request, timeout: .seconds(10))
                    attempt.lastStatusCode = Int(response.status.code)
                    if (200..<300).contains(response.status.code) {
                        attempt.status = .succeeded
                        attempt.deliveredAt = clock.now()
                        attempt.nextAttemptAt = nil
                        attempt.lastError = nil
                    } else if (300..<400).contains(response.status.code) {
                        attempt.lastError = "answered \(response.status.code): redirects are not followed; give the final address"
                    } else {
                        attempt.lastError = "answered \(response.status.code)"
                    }
                } catch {
                    // What went wrong on the network (refused, reset, timed out) is not kept: it would let someone map
                    // what listens where.
                    attempt.lastStatusCode = nil
                    attempt.lastError = "no answer"
                }
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

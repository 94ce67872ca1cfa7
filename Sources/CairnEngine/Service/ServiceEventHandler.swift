import CairnCore
import CairnStore
import Foundation
import Logging

/// Cases from track events, for help desks and sites that report service contacts through the tracking API
/// (docs/service.md lists the mapping):
/// - `Support Case Opened` opens a case for the event's customer: `case_id` (the sender's id for it; a second event
///   with the same id changes nothing), `subject`, `channel` (email, chat, phone, store, web; the default web),
///   `priority`, `message` (the customer's first message), `order_id` (the order's reference), `product_id`/`sku`, `tags`.
/// - `Support Case Updated` changes the case with that `case_id`: `status`, `priority`, `subject`, and `message` (a
///   new message from the customer, which reopens a case that waits for them or was solved).
/// Any event that ties an email address to a customer also ties the cases opened for that bare address to them.
/// Events were accepted already, so nothing is refused here: a value that does not fit is left out, an update for an
/// unknown case does nothing; each event is applied in a savepoint of its own.
public struct ServiceEventHandler: ResolvedEventHandler {
    public let name = "service"
    public static let names: Set<String> = ["Support Case Opened", "Support Case Updated"]
    private let logger = Logger(label: "cairn.service")

    public init() {}

    /// Service events, and any event carrying an email address (a case opened for that address may be waiting).
    public func wants(_ events: [ResolvedEvent]) -> Bool {
        events.contains { resolved in
            resolved.event.name.map(Self.names.contains) == true || resolved.event.identifiers.contains { $0.kind == .email }
        }
    }

    public func handle(_ events: [ResolvedEvent], in context: ResolutionContext) async throws {
        // A case opened for a bare email address (an email, a chat visitor's address) joins the customer as soon as an
        // event ties that address to them.
        var addresses: [String: ProfileID] = [:]
        for resolved in events {
            for identifier in resolved.event.identifiers where identifier.kind == .email { addresses[identifier.value] = resolved.profile }
        }
        if !addresses.isEmpty, let error = try await context.tx.withSavepoint({
            for (address, profile) in addresses { try await context.tx.linkCases(withContact: address, to: profile, in: context.workspace) }
        }) {
            logger.warning("cases not tied to their customer", metadata: ["error": "\(String(reflecting: error).prefix(300))"])
        }
        for resolved in events where resolved.event.name.map(Self.names.contains) == true {
            if let error = try await context.tx.withSavepoint({ try await Self.apply(resolved.event, profile: resolved.profile, tx: context.tx, now: context.now) }) {
                logger.warning("service event not applied", metadata: ["event.id": "\(resolved.event.id)", "error": "\(String(reflecting: error).prefix(300))"])
            }
        }
    }

    static func text(_ value: JSONValue?, limit: Int) -> String? {
        let text: String? = switch value {
        case .string(let text)?: text.trimmingCharacters(in: .whitespacesAndNewlines)
        case .integer(let number)?: String(number)
        default: nil
        }
        guard let text, !text.isEmpty else { return nil }
        return String(text.prefix(limit))
    }

    static func apply(_ event: Event, profile: ProfileID, tx: TransactionStore, now: Date) async throws {
        guard let name = event.name, let properties = event.payload["properties"] else { return }
        let workspace = event.workspaceID, actor = "event:\(event.id)"
        let reference = text(properties["case_id"], limit: 100)
        let existing = try await reference.asyncFlatMap { try await tx.case(reference: $0, in: workspace) }
        let message = text(properties["message"], limit: 20_000)
        if name == "Support Case Opened" {
            guard existing == nil else { return }
            var tags: [String] = []
            if case .array(let values)? = properties["tags"] { tags = values.compactMap { text($0, limit: 50)?.lowercased() }.filter { !$0.contains(",") } }
            let order = try await text(properties["order_id"], limit: 100).asyncFlatMap { try await tx.order(reference: $0, in: workspace)?.id }
            let product = try await (text(properties["sku"], limit: 64) ?? text(properties["product_id"], limit: 64)).asyncFlatMap { try await tx.products(skus: [$0], in: workspace)[$0]?.id }
            _ = try await Cases.open(in: workspace, reference: reference, profile: profile, contact: nil,
                                     channel: text(properties["channel"], limit: 20).flatMap { Case.Channel(rawValue: $0.lowercased()) } ?? .web,
                                     subject: text(properties["subject"], limit: 200) ?? "Support case",
                                     priority: text(properties["priority"], limit: 20).flatMap { Case.Priority(rawValue: $0.lowercased()) } ?? .normal,
                                     team: nil, assignee: nil, tags: Array(tags.prefix(20)), order: order, product: product, shipment: nil,
                                     language: text(properties["language"], limit: 10), message: message, emailMessageID: nil, by: actor, at: event.timestamp, tx: tx)
            return
        }
        guard let item = existing else { return }
        if let message { try await Cases.customerWrote(message, to: item.id, in: workspace, at: event.timestamp, tx: tx) }
        var change = Cases.PreparedChange()
        if let status = text(properties["status"], limit: 20).flatMap({ Case.Status(rawValue: $0.lowercased()) }), status != .new { change.status = (status, nil) }
        change.priority = text(properties["priority"], limit: 20).flatMap { Case.Priority(rawValue: $0.lowercased()) }
        change.subject = text(properties["subject"], limit: 200)
        guard change.status != nil || change.priority != nil || change.subject != nil, let current = try await tx.case(id: item.id, in: workspace) else { return }
        if let status = change.status?.status, status != current.status, !current.status.next.contains(status) { change.status = nil }
        try await Cases.apply(change, to: current, by: actor, at: event.timestamp, tx: tx)
    }
}

extension Optional {
    func asyncFlatMap<T>(_ transform: (Wrapped) async throws -> T?) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}

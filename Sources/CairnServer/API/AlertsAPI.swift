import CairnCore
import CairnEngine
import Foundation
import Hummingbird

/// `/api/v1/feedback-alerts` (the feed of low scores), `/api/v1/feedback-alert-settings` (the CSAT and CES lines) and
/// `/api/v1/webhooks` (signed deliveries of those alerts, with their log).
struct AlertsAPI {
    let alerts: FeedbackAlerts
    let webhooks: Webhooks

    func addRoutes(to group: RouterGroup<CairnRequestContext>) {
        group.get("feedback-alerts", use: list)
        group.get("feedback-alert-settings", use: settings)
        group.put("feedback-alert-settings", use: setSettings)
        group.get("webhooks", use: endpoints)
        group.post("webhooks", use: create)
        group.delete("webhooks/{id}", use: delete)
        group.get("webhooks/{id}/deliveries", use: deliveries)
    }

    @Sendable func list(_ request: Request, context: CairnRequestContext) async throws -> ListBody<FeedbackAlert> {
        let (cursor, limit) = try request.pagination()
        return ListBody(try await alerts.alerts(for: try context.requirePrincipal(), after: cursor, limit: limit))
    }

    struct Settings: ResponseEncodable, Decodable {
        var csatAtMost: Int?
        var cesAtMost: Int?
        var npsAtMost = 6
    }

    @Sendable func settings(_ request: Request, context: CairnRequestContext) async throws -> Settings {
        let thresholds = try await alerts.thresholds(for: try context.requirePrincipal())
        return Settings(csatAtMost: thresholds.csatAtMost, cesAtMost: thresholds.cesAtMost)
    }

    @Sendable func setSettings(_ request: Request, context: CairnRequestContext) async throws -> Settings {
        let principal = try context.requirePrincipal()
        try principal.require(.feedbackManage)
        struct Body: Decodable { var csatAtMost: Int?; var cesAtMost: Int? }
        let body = try await request.decodeJSON(Body.self, context: context)
        let thresholds = try await alerts.setThresholds(csatAtMost: body.csatAtMost, cesAtMost: body.cesAtMost, by: principal)
        return Settings(csatAtMost: thresholds.csatAtMost, cesAtMost: thresholds.cesAtMost)
    }

    @Sendable func endpoints(_ request: Request, context: CairnRequestContext) async throws -> ListBody<WebhookEndpoint> {
        ListBody(Page(items: try await webhooks.endpoints(for: try context.requirePrincipal()), nextCursor: nil))
    }

    struct CreateBody: Decodable {
        var url: String?
        var events: [String]?
    }

    struct Created: ResponseEncodable {
        var endpoint: WebhookEndpoint
        /// Shown this once: the receiver checks each delivery's `Cairn-Signature` with it.
        var secret: String
    }

    @Sendable func create(_ request: Request, context: CairnRequestContext) async throws -> EditedResponse<Created> {
        let principal = try context.requirePrincipal()
        try principal.require(.workspaceManage)
        let body = try await request.decodeJSON(CreateBody.self, context: context)
        let (endpoint, secret) = try await webhooks.create(url: body.url, events: body.events, by: principal)
        return EditedResponse(status: .created, headers: [.location: "/api/v1/webhooks/\(endpoint.id)/deliveries"], response: Created(endpoint: endpoint, secret: secret))
    }

    @Sendable func delete(_ request: Request, context: CairnRequestContext) async throws -> Response {
        try await webhooks.delete(try context.parameters.id(as: WebhookID.self, kind: "webhook"), by: try context.requirePrincipal())
        return Response(status: .noContent)
    }

    @Sendable func deliveries(_ request: Request, context: CairnRequestContext) async throws -> ListBody<WebhookDelivery> {
        let (cursor, limit) = try request.pagination()
        return ListBody(try await webhooks.deliveries(of: try context.parameters.id(as: WebhookID.self, kind: "webhook"), for: try context.requirePrincipal(),
                                                      after: cursor, limit: limit))
    }
}

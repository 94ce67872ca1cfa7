public import CairnCore
public import Foundation
import SQLKit

extension Store {
    static let alertColumns = ["id", "workspace_id", "kind", "survey_id", "survey_name", "response_id", "profile_id", "question", "score", "comment", "at"]
    static let deliveryColumns = ["id", "endpoint_id", "event", "payload", "status", "attempts", "next_attempt_at", "last_status_code", "last_error", "created_at",
                                  "delivered_at"]
}

extension TransactionStore {
    /// Keeps an alert (once per response and question) and queues it for every webhook endpoint that wants `event`.
    /// Returns false when the alert was raised before.
    @discardableResult
    func raise(_ alert: FeedbackAlert, event: String, payload: String) async throws -> Bool {
        let inserted = try await sql.insert(into: "feedback_alerts").columns(Store.alertColumns)
            .values(SQLBind(alert.id.rawValue), SQLBind(alert.workspaceID.rawValue), SQLBind(alert.kind.rawValue), SQLBind(alert.surveyID.rawValue),
                    SQLBind(alert.surveyName), SQLBind(alert.responseID.rawValue), SQLBind(alert.profileID?.rawValue), SQLBind(alert.question),
                    SQLBind(Int64(alert.score)), SQLBind(alert.comment), SQLBind(alert.at.storageMillis))
            .ignoringConflicts(with: ["workspace_id", "response_id", "question"]).returning("id").first()
        guard inserted != nil else { return false }
        try await queueWebhook(event: event, payload: payload, in: alert.workspaceID, at: alert.at)
        return true
    }

    /// Queues `payload` for every webhook endpoint of the workspace that wants `event`, delivered after the commit.
    public func queueWebhook(event: String, payload: String, in workspace: WorkspaceID, at date: Date) async throws {
        for endpoint in try await webhookEndpoints(in: workspace) where endpoint.endpoint.events.contains(event) {
            try await sql.insert(into: "webhook_deliveries").columns(["workspace_id"] + Store.deliveryColumns)
                .values(SQLBind(workspace.rawValue), SQLBind(WebhookDeliveryID.generate().rawValue), SQLBind(endpoint.endpoint.id.rawValue),
                        SQLBind(event), SQLBind(payload), SQLBind(WebhookDelivery.Status.pending.rawValue), SQLBind(Int64(0)),
                        SQLBind(date.storageMillis), SQLBind(nil as Int64?), SQLBind(nil as String?), SQLBind(date.storageMillis), SQLBind(nil as Int64?))
                .run()
        }
    }
}

extension Store {
    public func alerts(in workspace: WorkspaceID, after cursor: Cursor?, limit: Int) async throws -> Page<FeedbackAlert> {
        try await database.withConnection { sql in
            let query = sql.select().columns(Self.alertColumns).from("feedback_alerts").where("workspace_id", .equal, workspace.rawValue)
            let rows = try await Keyset.apply(query, sortColumn: "at", cursor: cursor, direction: .descending, limit: limit).all()
            return Keyset.page(try rows.map(FeedbackAlert.init(row:)), limit: limit) { Cursor(sortKey: $0.at.storageMillis, id: $0.id.rawValue) }
        }
    }

    public func alertThresholds(in workspace: WorkspaceID) async throws -> AlertThresholds {
        try await database.withConnection { sql in
            try await sql.select().columns("csat_at_most", "ces_at_most").from("feedback_alert_settings").where("workspace_id", .equal, workspace.rawValue).first()
                .map { AlertThresholds(csatAtMost: Int(try $0.decode(column: "csat_at_most", as: Int64.self)), cesAtMost: Int(try $0.decode(column: "ces_at_most", as: Int64.self))) }
                ?? .standard
        }
    }

    public func setAlertThresholds(_ thresholds: AlertThresholds, in workspace: WorkspaceID) async throws {
        try await database.withConnection { sql in
            try await sql.insert(into: "feedback_alert_settings").columns("workspace_id", "csat_at_most", "ces_at_most")
                .values(SQLBind(workspace.rawValue), SQLBind(Int64(thresholds.csatAtMost)), SQLBind(Int64(thresholds.cesAtMost)))
                .onConflict(with: ["workspace_id"]) { $0.set(excludedValueOf: "csat_at_most").set(excludedValueOf: "ces_at_most") }.run()
        }
    }

    // MARK: Webhooks

    public func insert(_ endpoint: WebhookEndpoint, secret: String) async throws {
        try await database.withConnection { sql in
            try await sql.insert(into: "webhook_endpoints").columns("id", "workspace_id", "url", "events", "secret", "secret_prefix", "created_at")
                .values(SQLBind(endpoint.id.rawValue), SQLBind(endpoint.workspaceID.rawValue), SQLBind(endpoint.url), SQLBind(endpoint.events.joined(separator: ",")),
                        SQLBind(secret), SQLBind(endpoint.secretPrefix), SQLBind(endpoint.createdAt.storageMillis))
                .run()
        }
    }

    public func webhookEndpoints(in workspace: WorkspaceID) async throws -> [WebhookEndpoint] {
        try await database.withConnection { sql in try await TransactionStore(sql: sql, engine: engine).webhookEndpoints(in: workspace).map(\.endpoint) }
    }

    /// Removes an endpoint and what was still waiting for it; `false` when the workspace has no such endpoint.
    public func deleteWebhook(_ id: WebhookID, in workspace: WorkspaceID) async throws -> Bool {
        try await transaction { tx in
            let removed = try await tx.sql.delete(from: "webhook_endpoints").where("workspace_id", .equal, workspace.rawValue).where("id", .equal, id.rawValue)
                .returning("id").first() != nil
            if removed {
                try await tx.sql.delete(from: "webhook_deliveries").where("workspace_id", .equal, workspace.rawValue).where("endpoint_id", .equal, id.rawValue)
                    .where("status", .equal, WebhookDelivery.Status.pending.rawValue).run()
            }
            return removed
        }
    }

    public func deliveries(of endpoint: WebhookID, in workspace: WorkspaceID, after cursor: Cursor?, limit: Int) async throws -> Page<WebhookDelivery> {
        try await database.withConnection { sql in
            let query = sql.select().columns(Self.deliveryColumns).from("webhook_deliveries").where("workspace_id", .equal, workspace.rawValue)
                .where("endpoint_id", .equal, endpoint.rawValue)
            let rows = try await Keyset.apply(query, sortColumn: "created_at", cursor: cursor, direction: .descending, limit: limit).all()
            return Keyset.page(try rows.map(WebhookDelivery.init(row:)), limit: limit) { Cursor(sortKey: $0.createdAt.storageMillis, id: $0.id.rawValue) }
        }
    }

    /// Deliveries due now (any workspace's), with where they go and the secret to sign with, oldest first.
    public func dueDeliveries(at now: Date, limit: Int) async throws -> [(delivery: WebhookDelivery, url: String, secret: String)] {
        try await database.withConnection { sql in
            try await sql.select().columns(Self.deliveryColumns.map { SQLColumn($0, table: "d") as any SQLExpression })
                .column(SQLColumn("url", table: "e")).column(SQLColumn("secret", table: "e"))
                .from(SQLAlias(SQLIdentifier("webhook_deliveries"), as: SQLIdentifier("d")))
                .join(SQLAlias(SQLIdentifier("webhook_endpoints"), as: SQLIdentifier("e")), method: SQLJoinMethod.inner,
                      on: SQLBinaryExpression(SQLColumn("id", table: "e"), .equal, SQLColumn("endpoint_id", table: "d")))
                .where(SQLColumn("status", table: "d"), .equal, SQLBind(WebhookDelivery.Status.pending.rawValue))
                .where(SQLColumn("next_attempt_at", table: "d"), .lessThanOrEqual, SQLBind(now.storageMillis))
                .orderBy(SQLColumn("next_attempt_at", table: "d")).limit(limit).all()
                .map { (try WebhookDelivery(row: $0), try $0.decode(column: "url", as: String.self), try $0.decode(column: "secret", as: String.self)) }
        }
    }

    /// Writes how an attempt went.
    public func record(_ delivery: WebhookDelivery) async throws {
        try await database.withConnection { sql in
            try await sql.update("webhook_deliveries").set("status", to: delivery.status.rawValue).set("attempts", to: Int64(delivery.attempts))
                .set("next_attempt_at", to: delivery.nextAttemptAt?.storageMillis).set("last_status_code", to: delivery.lastStatusCode.map(Int64.init))
                .set("last_error", to: delivery.lastError).set("delivered_at", to: delivery.deliveredAt?.storageMillis)
                .where("id", .equal, delivery.id.rawValue).run()
        }
    }
}

extension TransactionStore {
    func webhookEndpoints(in workspace: WorkspaceID) async throws -> [(endpoint: WebhookEndpoint, secret: String)] {
        try await sql.select().columns("id", "workspace_id", "url", "events", "secret", "secret_prefix", "created_at").from("webhook_endpoints")
            .where("workspace_id", .equal, workspace.rawValue).orderBy("created_at").all().map { row in
                (WebhookEndpoint(id: WebhookID(rawValue: try row.decode(column: "id", as: String.self)), workspaceID: workspace,
                                 url: try row.decode(column: "url", as: String.self),
                                 events: try row.decode(column: "events", as: String.self).split(separator: ",").map(String.init),
                                 secretPrefix: try row.decode(column: "secret_prefix", as: String.self),
                                 createdAt: Date(storageMillis: try row.decode(column: "created_at", as: Int64.self))),
                 try row.decode(column: "secret", as: String.self))
            }
    }
}

extension FeedbackAlert {
    init(row: any SQLRow) throws {
        self.init(id: FeedbackAlertID(rawValue: try row.decode(column: "id", as: String.self)),
                  workspaceID: WorkspaceID(rawValue: try row.decode(column: "workspace_id", as: String.self)),
                  kind: FeedbackAlert.Kind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .detractor,
                  surveyID: SurveyID(rawValue: try row.decode(column: "survey_id", as: String.self)),
                  surveyName: try row.decode(column: "survey_name", as: String.self),
                  responseID: SurveyResponseID(rawValue: try row.decode(column: "response_id", as: String.self)),
                  profileID: try row.decode(column: "profile_id", as: String?.self).map(ProfileID.init(rawValue:)),
                  question: try row.decode(column: "question", as: String.self), score: Int(try row.decode(column: "score", as: Int64.self)),
                  comment: try row.decode(column: "comment", as: String?.self), at: Date(storageMillis: try row.decode(column: "at", as: Int64.self)))
    }
}

extension WebhookDelivery {
    init(row: any SQLRow) throws {
        self.init(id: WebhookDeliveryID(rawValue: try row.decode(column: "id", as: String.self)),
                  endpointID: WebhookID(rawValue: try row.decode(column: "endpoint_id", as: String.self)),
                  event: try row.decode(column: "event", as: String.self), payload: try row.decode(column: "payload", as: String.self),
                  status: WebhookDelivery.Status(rawValue: try row.decode(column: "status", as: String.self)) ?? .pending,
                  attempts: Int(try row.decode(column: "attempts", as: Int64.self)),
                  nextAttemptAt: try row.decode(column: "next_attempt_at", as: Int64?.self).map(Date.init(storageMillis:)),
                  lastStatusCode: try row.decode(column: "last_status_code", as: Int64?.self).map { Int($0) },
                  lastError: try row.decode(column: "last_error", as: String?.self),
                  createdAt: Date(storageMillis: try row.decode(column: "created_at", as: Int64.self)),
                  deliveredAt: try row.decode(column: "delivered_at", as: Int64?.self).map(Date.init(storageMillis:)))
    }
}

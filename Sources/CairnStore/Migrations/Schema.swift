import Foundation
import SQLKit

/// Every schema step Cairn has ever shipped, oldest first. Append only.
public enum Schema {
    public static let migrations: [Migration] = [
        Migration(version: 1, name: "workspaces, users, API keys and sessions") { sql in
            try await sql.create(table: "workspaces")
                .column("id", type: .text, .primaryKey(autoIncrement: false))
                .column("name", type: .text, .notNull)
                .column("created_at", type: .bigint, .notNull)
                .run()
            try await sql.create(table: "users")
                .column("id", type: .text, .primaryKey(autoIncrement: false))
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("email", type: .text, .notNull, .unique)
                .column("display_name", type: .text, .notNull)
                .column("role", type: .text, .notNull)
                .column("password_hash", type: .text, .notNull)
                .column("created_at", type: .bigint, .notNull)
                .run()
            try await sql.create(index: "users_workspace_created").on("users").column("workspace_id").column("created_at").column("id").run()
            try await sql.create(table: "api_keys")
                .column("id", type: .text, .primaryKey(autoIncrement: false))
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("kind", type: .text, .notNull)
                .column("name", type: .text, .notNull)
                .column("role", type: .text)
                .column("token_hash", type: .text, .notNull, .unique)
                .column("display_prefix", type: .text, .notNull)
                .column("created_at", type: .bigint, .notNull)
                .column("last_used_at", type: .bigint)
                .column("revoked_at", type: .bigint)
                .run()
            try await sql.create(index: "api_keys_workspace_created").on("api_keys").column("workspace_id").column("created_at").column("id").run()
            try await sql.create(table: "sessions")
                .column("token_hash", type: .text, .primaryKey(autoIncrement: false))
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("user_id", type: .text, .notNull, .references("users", "id", onDelete: .cascade))
                .column("csrf_token", type: .text, .notNull)
                .column("created_at", type: .bigint, .notNull)
                .column("expires_at", type: .bigint, .notNull)
                .run()
        },
        Migration(version: 2, name: "user language and the audit log") { sql in
            try await sql.alter(table: "users").column("locale", type: .text).run()
            try await sql.create(table: "audit_log")
                .column("id", type: .text, .primaryKey(autoIncrement: false))
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("occurred_at", type: .bigint, .notNull)
                .column("action", type: .text, .notNull)
                .column("actor", type: .text, .notNull)
                .column("target", type: .text)
                .column("details", type: .text, .notNull)
                .column("ip_address", type: .text)
                .run()
            try await sql.create(index: "audit_log_workspace_occurred").on("audit_log").column("workspace_id").column("occurred_at").column("id").run()
        },
        Migration(version: 3, name: "sources and events") { sql in
            try await sql.create(table: "sources")
                .column("id", type: .text, .primaryKey(autoIncrement: false))
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("name", type: .text, .notNull)
                .column("default_channel", type: .text, .notNull)
                .column("rate_limit", type: .bigint)
                .column("created_at", type: .bigint, .notNull)
                .column("last_seen_at", type: .bigint)
                .column("event_count", type: .bigint, .notNull, .default(SQLLiteral.numeric("0")))
                .run()
            try await sql.create(index: "sources_workspace_created").on("sources").column("workspace_id").column("created_at").column("id").run()
            try await sql.alter(table: "api_keys").column("source_id", type: .text).run()
            // Write keys made before sources existed join one "Default" source per workspace, made when its first
            // write key was.
            let workspaces = try await sql.raw("SELECT workspace_id AS w, MIN(created_at) AS c FROM api_keys WHERE kind = 'write' GROUP BY workspace_id").all()
                .map { (try $0.decode(column: "w", as: String.self), try $0.decode(column: "c", as: Int64.self)) }
            for (workspace, createdAt) in workspaces {
                let source = UUID().uuidString.lowercased()
                try await sql.insert(into: "sources").columns("id", "workspace_id", "name", "default_channel", "created_at", "event_count")
                    .values(SQLBind(source), SQLBind(workspace), SQLBind("Default"), SQLBind("web"), SQLBind(createdAt), SQLBind(Int64(0)))
                    .run()
                try await sql.update("api_keys").set("source_id", to: source)
                    .where("workspace_id", .equal, workspace).where("kind", .equal, "write").run()
            }
            try await sql.create(table: "events")
                .column("id", type: .text, .primaryKey(autoIncrement: false))
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("source_id", type: .text, .notNull)
                .column("message_id", type: .text, .notNull)
                .column("kind", type: .text, .notNull)
                .column("name", type: .text)
                .column("user_id", type: .text)
                .column("anonymous_id", type: .text)
                .column("channel", type: .text, .notNull)
                .column("timestamp", type: .bigint, .notNull)
                .column("received_at", type: .bigint, .notNull)
                .column("payload", type: .text, .notNull)
                .run()
            try await sql.create(index: "events_workspace_message").unique().on("events").column("workspace_id").column("message_id").run()
            try await sql.create(index: "events_workspace_timestamp").on("events").column("workspace_id").column("timestamp").column("id").run()
        },
        Migration(version: 4, name: "profiles, identities, traits and merges") { sql in
            try await sql.create(table: "profiles")
                .column("id", type: .text, .primaryKey(autoIncrement: false))
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("first_seen_at", type: .bigint, .notNull)
                .column("last_seen_at", type: .bigint, .notNull)
                .column("channels", type: .text, .notNull)
                .column("merged_into", type: .text)
                .run()
            try await sql.create(index: "profiles_workspace_seen").on("profiles").column("workspace_id").column("last_seen_at").column("id").run()
            try await sql.create(table: "identities")
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("kind", type: .text, .notNull)
                .column("value", type: .text, .notNull)
                .column("profile_id", type: .text, .notNull)
                .column("first_seen_at", type: .bigint, .notNull)
                .primaryKey("workspace_id", "kind", "value")
                .run()
            try await sql.create(index: "identities_profile").on("identities").column("workspace_id").column("profile_id").run()
            try await sql.create(table: "traits")
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("profile_id", type: .text, .notNull)
                .column("name", type: .text, .notNull)
                .column("value", type: .text, .notNull)
                .column("channel", type: .text, .notNull)
                .column("source_id", type: .text, .notNull)
                .column("observed_at", type: .bigint, .notNull)
                .column("event_id", type: .text, .notNull)
                .primaryKey("workspace_id", "profile_id", "name")
                .run()
            try await sql.create(table: "profile_merges")
                .column("id", type: .text, .primaryKey(autoIncrement: false))
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("survivor_id", type: .text, .notNull)
                .column("merged_id", type: .text, .notNull)
                .column("identifier_kind", type: .text, .notNull)
                .column("identifier_value", type: .text, .notNull)
                .column("event_id", type: .text, .notNull)
                .column("at", type: .bigint, .notNull)
                .column("refusal", type: .text)
                .run()
            try await sql.create(index: "profile_merges_survivor").on("profile_merges").column("workspace_id").column("survivor_id").run()
            try await sql.create(index: "profile_merges_merged").on("profile_merges").column("workspace_id").column("merged_id").run()
            try await sql.alter(table: "events").column("profile_id", type: .text).run()
            try await sql.create(index: "events_workspace_profile").on("events").column("workspace_id").column("profile_id").column("timestamp").run()
            try await sql.create(index: "events_workspace_received").on("events").column("workspace_id").column("received_at").column("id").run()
        },
        Migration(version: 5, name: "consent ledger and purposes") { sql in
            try await sql.create(table: "consent_purposes")
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("name", type: .text, .notNull)
                .column("mode", type: .text, .notNull)
                .column("description", type: .text, .notNull)
                .primaryKey("workspace_id", "name")
                .run()
            try await sql.create(table: "consent_records")
                .column("id", type: .text, .primaryKey(autoIncrement: false))
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("profile_id", type: .text, .notNull)
                .column("purpose", type: .text, .notNull)
                .column("status", type: .text, .notNull)
                .column("recorded_at", type: .bigint, .notNull)
                .column("channel", type: .text)
                .column("event_id", type: .text)
                .column("recorded_by", type: .text)
                .column("legal_basis", type: .text)
                .run()
            try await sql.create(index: "consent_records_profile").on("consent_records").column("workspace_id").column("profile_id").column("purpose").column("recorded_at").run()
        },
        Migration(version: 6, name: "erasure") { sql in
            try await sql.alter(table: "profiles").column("erased_at", type: .bigint).run()
            try await sql.create(table: "workspace_secrets")
                .column("workspace_id", type: .text, .primaryKey(autoIncrement: false), .references("workspaces", "id", onDelete: .cascade))
                .column("erasure_salt", type: .text, .notNull)
                .run()
            try await sql.create(table: "erased_identities")
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("hash", type: .text, .notNull)
                .column("profile_id", type: .text, .notNull)
                .column("erased_at", type: .bigint, .notNull)
                .primaryKey("workspace_id", "hash")
                .run()
        },
        Migration(version: 7, name: "workspace identity policy") { sql in
            try await sql.create(table: "identity_policies")
                .column("workspace_id", type: .text, .primaryKey(autoIncrement: false), .references("workspaces", "id", onDelete: .cascade))
                .column("limits", type: .text, .notNull)
                .run()
        },
        Migration(version: 8, name: "trait source priority, workspace channels") { sql in
            try await sql.alter(table: "identity_policies").column("trait_priorities", type: .text).run()
            try await sql.create(table: "workspace_channels")
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("name", type: .text, .notNull)
                .column("label", type: .text, .notNull)
                .column("created_at", type: .bigint, .notNull)
                .primaryKey("workspace_id", "name")
                .run()
        },
        Migration(version: 9, name: "index of events waiting for identity resolution") { sql in
            // Partial: it holds only the events not yet tied to a profile, so the resolver finds the next ones in
            // arrival order without sorting a backlog.
            try await sql.raw("CREATE INDEX events_unresolved ON events (workspace_id, received_at, timestamp, id) WHERE profile_id IS NULL").run()
        },
        Migration(version: 10, name: "product catalogue") { sql in
            try await sql.create(table: "products")
                .column("id", type: .text, .primaryKey(autoIncrement: false))
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("sku", type: .text, .notNull)
                .column("name", type: .text, .notNull)
                .column("category", type: .text)
                .column("kind", type: .text, .notNull)
                // Money: whole minor units and the ISO 4217 code, never a float.
                .column("price_minor", type: .bigint)
                .column("currency", type: .text)
                .column("origin", type: .text, .notNull)
                .column("created_at", type: .bigint, .notNull)
                .column("updated_at", type: .bigint, .notNull)
                .run()
            try await sql.create(index: "products_workspace_sku").unique().on("products").column("workspace_id").column("sku").run()
            try await sql.create(index: "products_workspace_name").on("products").column("workspace_id").column("name").column("id").run()
        },
        Migration(version: 11, name: "orders") { sql in
            // Money columns hold whole minor units of the order's currency.
            try await sql.create(table: "orders")
                .column("id", type: .text, .primaryKey(autoIncrement: false))
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("reference", type: .text, .notNull)
                .column("profile_id", type: .text)
                .column("user_id", type: .text)
                .column("email", type: .text)
                .column("channel", type: .text, .notNull)
                .column("currency", type: .text, .notNull)
                .column("discount_minor", type: .bigint, .notNull)
                .column("tax_minor", type: .bigint, .notNull)
                .column("shipping_minor", type: .bigint, .notNull)
                .column("total_minor", type: .bigint, .notNull)
                .column("status", type: .text, .notNull)
                .column("placed_at", type: .bigint, .notNull)
                .column("updated_at", type: .bigint, .notNull)
                .run()
            try await sql.create(index: "orders_workspace_reference").unique().on("orders").column("workspace_id").column("reference").run()
            try await sql.create(index: "orders_workspace_placed").on("orders").column("workspace_id").column("placed_at").column("id").run()
            try await sql.create(index: "orders_workspace_profile").on("orders").column("workspace_id").column("profile_id").column("placed_at").run()
            try await sql.create(table: "order_lines")
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("order_id", type: .text, .notNull)
                .column("position", type: .bigint, .notNull)
                .column("product_id", type: .text, .notNull)
                .column("sku", type: .text, .notNull)
                .column("name", type: .text, .notNull)
                .column("quantity", type: .bigint, .notNull)
                .column("unit_price_minor", type: .bigint, .notNull)
                .column("discount_minor", type: .bigint, .notNull)
                .primaryKey("workspace_id", "order_id", "position")
                .run()
            try await sql.create(table: "order_changes")
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("order_id", type: .text, .notNull)
                .column("position", type: .bigint, .notNull)
                .column("status", type: .text, .notNull)
                .column("at", type: .bigint, .notNull)
                .column("actor", type: .text, .notNull)
                .primaryKey("workspace_id", "order_id", "position")
                .run()
        },
        Migration(version: 12, name: "order transactions") { sql in
            try await sql.create(table: "order_transactions")
                .column("id", type: .text, .primaryKey(autoIncrement: false))
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("order_id", type: .text, .notNull)
                .column("kind", type: .text, .notNull)
                .column("amount_minor", type: .bigint, .notNull)
                .column("currency", type: .text, .notNull)
                .column("method", type: .text)
                .column("provider_reference", type: .text)
                .column("status", type: .text, .notNull)
                .column("at", type: .bigint, .notNull)
                .column("actor", type: .text, .notNull)
                .run()
            try await sql.create(index: "order_transactions_order").on("order_transactions").column("workspace_id").column("order_id").column("at").run()
        },
        Migration(version: 13, name: "shipments") { sql in
            try await sql.create(table: "shipments")
                .column("id", type: .text, .primaryKey(autoIncrement: false))
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("order_id", type: .text, .notNull)
                .column("carrier", type: .text, .notNull)
                .column("tracking_number", type: .text)
                .column("promised_at", type: .bigint)
                .column("status", type: .text, .notNull)
                .column("created_at", type: .bigint, .notNull)
                .column("updated_at", type: .bigint, .notNull)
                .run()
            try await sql.create(index: "shipments_workspace_created").on("shipments").column("workspace_id").column("created_at").column("id").run()
            try await sql.create(index: "shipments_workspace_order").on("shipments").column("workspace_id").column("order_id").run()
            try await sql.create(table: "shipment_updates")
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("shipment_id", type: .text, .notNull)
                .column("position", type: .bigint, .notNull)
                .column("status", type: .text, .notNull)
                .column("at", type: .bigint, .notNull)
                .column("actor", type: .text, .notNull)
                .column("note", type: .text)
                .primaryKey("workspace_id", "shipment_id", "position")
                .run()
            try await sql.create(table: "delivery_settings")
                .column("workspace_id", type: .text, .primaryKey(autoIncrement: false), .references("workspaces", "id", onDelete: .cascade))
                .column("stuck_after_hours", type: .bigint, .notNull)
                .run()
        },
        Migration(version: 14, name: "daily units-sold roll-up", jobs: [.rebuildUnitsSold]) { sql in
            try await sql.create(table: "units_sold_daily")
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("day", type: .bigint, .notNull)
                .column("product_id", type: .text, .notNull)
                .column("channel", type: .text, .notNull)
                .column("currency", type: .text, .notNull)
                // The day's month (months since January 1970), so monthly reports group without calendar arithmetic.
                .column("month", type: .bigint, .notNull)
                .column("units", type: .bigint, .notNull)
                .column("gross_minor", type: .bigint, .notNull)
                .column("refunds_minor", type: .bigint, .notNull)
                .primaryKey("workspace_id", "day", "product_id", "channel", "currency")
                .run()
        },
        Migration(version: 15, name: "surveys") { sql in
            try await sql.create(table: "surveys")
                .column("id", type: .text, .primaryKey(autoIncrement: false))
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("name", type: .text, .notNull)
                .column("status", type: .text, .notNull)
                // The questions, texts per language and theme, as JSON (SurveyDefinition).
                .column("definition", type: .text, .notNull)
                .column("token", type: .text, .notNull, .unique)
                .column("created_at", type: .bigint, .notNull)
                .column("updated_at", type: .bigint, .notNull)
                .column("published_at", type: .bigint)
                .column("closed_at", type: .bigint)
                .run()
            try await sql.create(index: "surveys_workspace_created").on("surveys").column("workspace_id").column("created_at").column("id").run()
        },
        Migration(version: 16, name: "survey invitations and responses") { sql in
            // A personal link: its token is shown once and kept only as a hash.
            try await sql.create(table: "survey_invitations")
                .column("id", type: .text, .primaryKey(autoIncrement: false))
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("survey_id", type: .text, .notNull)
                .column("profile_id", type: .text, .notNull)
                .column("token_hash", type: .text, .notNull, .unique)
                .column("created_at", type: .bigint, .notNull)
                .column("expires_at", type: .bigint, .notNull)
                .column("answered_at", type: .bigint)
                .run()
            try await sql.create(index: "survey_invitations_profile").on("survey_invitations").column("workspace_id").column("profile_id").column("created_at").run()
            try await sql.create(table: "survey_responses")
                .column("id", type: .text, .primaryKey(autoIncrement: false))
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("survey_id", type: .text, .notNull)
                .column("profile_id", type: .text)
                .column("invitation_id", type: .text, .unique)
                // The respondent's hold on an unfinished response (hashed), so its next answers join it.
                .column("token_hash", type: .text, .notNull, .unique)
                .column("language", type: .text, .notNull)
                // The answers by question id, as JSON.
                .column("answers", type: .text, .notNull)
                .column("complete", type: .bigint, .notNull)
                .column("started_at", type: .bigint, .notNull)
                .column("updated_at", type: .bigint, .notNull)
                .column("completed_at", type: .bigint)
                .run()
            try await sql.create(index: "survey_responses_survey").on("survey_responses").column("workspace_id").column("survey_id").column("started_at").column("id").run()
            try await sql.create(index: "survey_responses_profile").on("survey_responses").column("workspace_id").column("profile_id").column("started_at").run()
        },
        Migration(version: 17, name: "feedback alerts and signed webhooks") { sql in
            try await sql.create(table: "feedback_alerts")
                .column("id", type: .text, .primaryKey(autoIncrement: false))
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("kind", type: .text, .notNull)
                .column("survey_id", type: .text, .notNull)
                .column("survey_name", type: .text, .notNull)
                .column("response_id", type: .text, .notNull)
                .column("profile_id", type: .text)
                .column("question", type: .text, .notNull)
                .column("score", type: .bigint, .notNull)
                .column("comment", type: .text)
                .column("at", type: .bigint, .notNull)
                .run()
            try await sql.create(index: "feedback_alerts_response").unique().on("feedback_alerts").column("workspace_id").column("response_id").column("question").run()
            try await sql.create(index: "feedback_alerts_workspace_at").on("feedback_alerts").column("workspace_id").column("at").column("id").run()
            try await sql.create(table: "feedback_alert_settings")
                .column("workspace_id", type: .text, .primaryKey(autoIncrement: false), .references("workspaces", "id", onDelete: .cascade))
                .column("csat_at_most", type: .bigint, .notNull)
                .column("ces_at_most", type: .bigint, .notNull)
                .run()
            // The signing secret must be readable to sign with, so it is kept as given (never shown again, never logged).
            try await sql.create(table: "webhook_endpoints")
                .column("id", type: .text, .primaryKey(autoIncrement: false))
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("url", type: .text, .notNull)
                .column("events", type: .text, .notNull)
                .column("secret", type: .text, .notNull)
                .column("secret_prefix", type: .text, .notNull)
                .column("created_at", type: .bigint, .notNull)
                .run()
            try await sql.create(index: "webhook_endpoints_workspace").on("webhook_endpoints").column("workspace_id").column("created_at").run()
            try await sql.create(table: "webhook_deliveries")
                .column("id", type: .text, .primaryKey(autoIncrement: false))
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("endpoint_id", type: .text, .notNull)
                .column("event", type: .text, .notNull)
                .column("payload", type: .text, .notNull)
                .column("status", type: .text, .notNull)
                .column("attempts", type: .bigint, .notNull)
                .column("next_attempt_at", type: .bigint)
                .column("last_status_code", type: .bigint)
                .column("last_error", type: .text)
                .column("created_at", type: .bigint, .notNull)
                .column("delivered_at", type: .bigint)
                .run()
            try await sql.create(index: "webhook_deliveries_due").on("webhook_deliveries").column("status").column("next_attempt_at").run()
            try await sql.create(index: "webhook_deliveries_endpoint").on("webhook_deliveries").column("workspace_id").column("endpoint_id").column("created_at").run()
        },
        Migration(version: 18, name: "response channel and daily score counts", jobs: [.rebuildScoreCounts]) { sql in
            try await sql.alter(table: "survey_responses").column("channel", type: .text).run()
            // How many answers each scale value got, per survey, question, UTC day and channel: figures over any
            // period and channel read counts, not responses.
            try await sql.create(table: "survey_scores_daily")
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("survey_id", type: .text, .notNull)
                .column("question", type: .text, .notNull)
                .column("day", type: .bigint, .notNull)
                .column("channel", type: .text, .notNull)
                .column("value", type: .bigint, .notNull)
                .column("answers", type: .bigint, .notNull)
                .primaryKey("workspace_id", "survey_id", "question", "day", "channel", "value")
                .run()
        },
        Migration(version: 19, name: "responses counted by completeness from an index") { sql in
            try await sql.create(index: "survey_responses_complete").on("survey_responses").column("workspace_id").column("survey_id").column("complete").run()
        },
        Migration(version: 20, name: "customer order figures kept on the profile", jobs: [.rebuildCustomerFigures]) { sql in
            // Per customer and currency: orders not cancelled, their total, what was given back, first and last
            // order. Refreshed from the customer's orders whenever one of them changes, so the customer 360 reads one row
            // per currency instead of aggregating orders.
            try await sql.create(table: "customer_figures")
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("profile_id", type: .text, .notNull)
                .column("currency", type: .text, .notNull)
                .column("orders", type: .bigint, .notNull)
                .column("gross_minor", type: .bigint, .notNull)
                .column("refunded_minor", type: .bigint, .notNull)
                .column("first_order_at", type: .bigint, .notNull)
                .column("last_order_at", type: .bigint, .notNull)
                .primaryKey("workspace_id", "profile_id", "currency")
                .run()
        },
        Migration(version: 21, name: "what free-text answers say", jobs: [.rereadAnswers]) { sql in
            // Per response: the insights as JSON, and what they are filtered by (text language, sentiment in thousandths,
            // its label, topics space-separated with a space either side).
            for (column, type) in [("insights", SQLDataType.text), ("text_language", .text), ("sentiment_milli", .bigint), ("sentiment_label", .text), ("topics", .text)] {
                try await sql.alter(table: "survey_responses").column(column, type: type).run()
            }
            try await sql.create(index: "survey_responses_sentiment").on("survey_responses").column("workspace_id").column("sentiment_label").column("started_at").run()
            // How many responses mentioned each topic per survey, UTC day and sentiment label.
            try await sql.create(table: "survey_topics_daily")
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("survey_id", type: .text, .notNull)
                .column("topic", type: .text, .notNull)
                .column("day", type: .bigint, .notNull)
                .column("label", type: .text, .notNull)
                .column("responses", type: .bigint, .notNull)
                .primaryKey("workspace_id", "survey_id", "topic", "day", "label")
                .run()
        },
        Migration(version: 22, name: "survey emails: invitations and one reminder") { sql in
            // The outbox of survey emails. `token` is the invitation link's token, kept readable only while an email
            // for the invitation may still go out (cleared once its reminder is sent or no longer needed).
            try await sql.create(table: "survey_emails")
                .column("id", type: .text, .primaryKey(autoIncrement: false))
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("survey_id", type: .text, .notNull)
                .column("invitation_id", type: .text, .notNull)
                .column("profile_id", type: .text, .notNull)
                .column("kind", type: .text, .notNull)
                .column("status", type: .text, .notNull)
                .column("language", type: .text, .notNull)
                .column("token", type: .text)
                .column("send_at", type: .bigint, .notNull)
                .column("attempts", type: .bigint, .notNull)
                .column("last_error", type: .text)
                .column("sent_at", type: .bigint)
                .column("created_at", type: .bigint, .notNull)
                .run()
            try await sql.create(index: "survey_emails_due").on("survey_emails").column("status").column("send_at").run()
            try await sql.create(index: "survey_emails_survey").on("survey_emails").column("workspace_id").column("survey_id").column("created_at").column("id").run()
            try await sql.create(index: "survey_emails_invitation").on("survey_emails").column("workspace_id").column("invitation_id").run()
        },
        Migration(version: 23, name: "survey triggers and the recontact limit") { sql in
            try await sql.create(table: "survey_triggers")
                .column("id", type: .text, .primaryKey(autoIncrement: false))
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("survey_id", type: .text, .notNull)
                .column("event", type: .text, .notNull)
                .column("action", type: .text, .notNull)
                .column("delay_minutes", type: .bigint, .notNull)
                .column("sample_percent", type: .bigint, .notNull)
                .column("created_at", type: .bigint, .notNull)
                .run()
            try await sql.create(index: "survey_triggers_event").on("survey_triggers").column("workspace_id").column("event").run()
            try await sql.create(index: "survey_triggers_survey").on("survey_triggers").column("workspace_id").column("survey_id").run()
            // Each event that met a trigger, once per trigger and event.
            try await sql.create(table: "survey_trigger_firings")
                .column("id", type: .text, .primaryKey(autoIncrement: false))
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("trigger_id", type: .text, .notNull)
                .column("survey_id", type: .text, .notNull)
                .column("profile_id", type: .text, .notNull)
                .column("event_id", type: .text, .notNull)
                .column("action", type: .text, .notNull)
                .column("due_at", type: .bigint, .notNull)
                .column("status", type: .text, .notNull)
                .column("reason", type: .text)
                .column("created_at", type: .bigint, .notNull)
                .column("order_reference", type: .text)
                .column("touchpoint", type: .text)
                .run()
            try await sql.create(index: "survey_trigger_firings_once").unique().on("survey_trigger_firings").column("workspace_id").column("trigger_id").column("event_id").run()
            try await sql.create(index: "survey_trigger_firings_due").on("survey_trigger_firings").column("status").column("due_at").run()
            try await sql.create(index: "survey_trigger_firings_profile").on("survey_trigger_firings").column("workspace_id").column("profile_id").column("status").run()
            try await sql.create(index: "survey_trigger_firings_survey").on("survey_trigger_firings").column("workspace_id").column("survey_id").column("created_at").column("id").run()
            try await sql.create(table: "survey_contact_settings")
                .column("workspace_id", type: .text, .primaryKey(autoIncrement: false), .references("workspaces", "id", onDelete: .cascade))
                .column("recontact_days", type: .bigint, .notNull)
                .run()
        },
        Migration(version: 24, name: "touchpoint and order of invitations and responses") { sql in
            for table in ["survey_invitations", "survey_responses"] {
                try await sql.alter(table: table).column("touchpoint", type: .text).run()
                try await sql.alter(table: table).column("order_reference", type: .text).run()
            }
        },
        Migration(version: 25, name: "a workspace's own feedback topics") { sql in
            // Keywords per language as JSON ({"en":["parking"],"de":["parkplatz"]}).
            try await sql.create(table: "feedback_topics")
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("id", type: .text, .notNull)
                .column("name", type: .text, .notNull)
                .column("keywords", type: .text, .notNull)
                .column("created_at", type: .bigint, .notNull)
                .primaryKey("workspace_id", "id")
                .run()
        },
        Migration(version: 26, name: "reading stored answers again", jobs: [.rereadChineseAnswers]) { sql in
            // Chinese answers now get a sentiment: those stored before are read again (the job).
            // One row per workspace whose stored answers are to be read again (its own topics changed, or the analysis
            // learnt something); the job walks its responses by id from after_id and drops the row when done.
            try await sql.create(table: "response_reanalysis")
                .column("workspace_id", type: .text, .primaryKey(autoIncrement: false), .references("workspaces", "id", onDelete: .cascade))
                .column("after_id", type: .text, .notNull)
                .column("reason", type: .text, .notNull)
                .column("requested_at", type: .bigint, .notNull)
                .column("reread", type: .bigint, .notNull)
                .run()
        },
        Migration(version: 27, name: "stored answers read again: topics by words, German verdicts", jobs: [.rereadAnswers]) { _ in
            // No schema change: stored answers are read again with the better analysis (the job): topics matched by
            // words rather than parts of words, German quality verdicts; counts and filters of answers stored before
            // then agree with those stored after.
        },
        Migration(version: 28, name: "stored answers read again: sentiment per topic", jobs: [.rereadAnswers]) { _ in
            // No schema change: each topic gets the sentiment of the clauses that name it, and the daily topic counts
            // are kept by that label (read again by the job).
        },
        Migration(version: 29, name: "who made each key") { sql in
            // `user:<id>` or `key:<id>`: a secret key acts at most with its maker's current role and ends with its
            // maker. Keys made before are left to no one (as those made on the command line).
            try await sql.alter(table: "api_keys").column("created_by", type: .text).run()
            try await sql.create(index: "api_keys_created_by").on("api_keys").column("workspace_id").column("created_by").run()
        },
        Migration(version: 30, name: "limits every server sees alike") { sql in
            // Sign-in throttling and sources' rate limits, shared by every server on the database.
            try await sql.create(table: "shared_counters")
                .column("key", type: .text, .primaryKey(autoIncrement: false))
                .column("value", type: .custom(SQLRaw("DOUBLE PRECISION")), .notNull)
                .column("at", type: .bigint, .notNull)
                .column("note", type: .text, .notNull)
                .run()
        },
        Migration(version: 31, name: "when each event was tied to its customer") { sql in
            // Set with profile_id by identity resolution: received_at to resolved_at is the lag a customer record runs
            // behind its touchpoints, per event. Events tied before this version have none.
            try await sql.alter(table: "events").column("resolved_at", type: .bigint).run()
        },
        Migration(version: 32, name: "profiles found by the profile they were merged into") { sql in
            // A merge re-points every earlier pointer to the merged profile; without this index that walked all the
            // workspace's profiles, once per merge. Partial: only merged profiles are in it.
            try await sql.raw("CREATE INDEX profiles_merged_into ON profiles (workspace_id, merged_into) WHERE merged_into IS NOT NULL").run()
        },
        Migration(version: 33, name: "weekly, monthly and per-channel units-sold roll-ups", jobs: [.rebuildUnitsSold]) { sql in
            // Kept beside the daily roll-up from the same changes, so a report over a year reads weeks or months
            // (by product) or days without the product (by channel) instead of every product × channel × day cell.
            for (table, period, group) in [("units_sold_weekly", "week", "product_id"), ("units_sold_monthly", "month", "product_id"),
                                           ("units_sold_channel_daily", "day", "channel")] {
                let create = sql.create(table: table)
                    .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                    .column(period, type: .bigint, .notNull)
                    .column(group, type: .text, .notNull)
                    .column("currency", type: .text, .notNull)
                if period == "day" { _ = create.column("month", type: .bigint, .notNull) }
                try await create
                    .column("units", type: .bigint, .notNull)
                    .column("gross_minor", type: .bigint, .notNull)
                    .column("refunds_minor", type: .bigint, .notNull)
                    .primaryKey("workspace_id", period, group, "currency")
                    .run()
            }
        },
        Migration(version: 34, name: "answers whose text waits to be read") { sql in
            // The widget's API stores an answer at once and leaves its text to a background reader: when it was
            // stored waiting, null once read. Partial index: only waiting answers are in it.
            try await sql.alter(table: "survey_responses").column("waiting_since", type: .bigint).run()
            try await sql.raw("CREATE INDEX survey_responses_waiting ON survey_responses (waiting_since) WHERE waiting_since IS NOT NULL").run()
        },
        Migration(version: 35, name: "service: cases, their conversations, teams and service-level policies") { sql in
            // Teams work on a business-hours calendar (JSON: time zone, blocks per weekday, holidays); their members
            // see the team's queue.
            try await sql.create(table: "teams")
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("id", type: .text, .notNull)
                .column("name", type: .text, .notNull)
                .column("calendar", type: .text, .notNull)
                .column("created_at", type: .bigint, .notNull)
                .primaryKey("workspace_id", "id")
                .run()
            try await sql.create(table: "team_members")
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("team_id", type: .text, .notNull)
                .column("user_id", type: .text, .notNull)
                .primaryKey("workspace_id", "team_id", "user_id")
                .run()
            try await sql.create(index: "team_members_user").on("team_members").column("workspace_id").column("user_id").run()
            // The first policy by position whose conditions match applies (JSON: conditions, targets, warning, escalation).
            try await sql.create(table: "sla_policies")
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("id", type: .text, .notNull)
                .column("position", type: .bigint, .notNull)
                .column("definition", type: .text, .notNull)
                .column("created_at", type: .bigint, .notNull)
                .primaryKey("workspace_id", "id")
                .run()
            // Case numbers count per workspace from 1.
            try await sql.create(table: "case_counters")
                .column("workspace_id", type: .text, .primaryKey(autoIncrement: false), .references("workspaces", "id", onDelete: .cascade))
                .column("last", type: .bigint, .notNull)
                .run()
            // `is_open`: 1 until solved or closed (queues read only open cases). `sla`: the computed service-level
            // state (JSON); `sla_next_due`: its earliest running deadline, so "about to breach" and the escalation
            // timer read an index instead of computing every case. `sla_warned_at`/`sla_escalated_at`: the deadline
            // whose warning / breach was already acted on; `sla_alarm_at`: the next moment the escalation timer acts on the case
            // (its warning, then its breach), so the timer sleeps until the earliest one instead of polling.
            try await sql.create(table: "cases")
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("id", type: .text, .notNull)
                .column("number", type: .bigint, .notNull)
                .column("reference", type: .text)
                .column("profile_id", type: .text)
                .column("contact", type: .text)
                .column("channel", type: .text, .notNull)
                .column("subject", type: .text, .notNull)
                .column("status", type: .text, .notNull)
                .column("status_label", type: .text)
                .column("is_open", type: .bigint, .notNull)
                .column("priority", type: .text, .notNull)
                .column("team_id", type: .text)
                .column("assignee_id", type: .text)
                .column("tags", type: .text, .notNull)
                .column("order_id", type: .text)
                .column("product_id", type: .text)
                .column("shipment_id", type: .text)
                .column("language", type: .text)
                .column("created_at", type: .bigint, .notNull)
                .column("updated_at", type: .bigint, .notNull)
                .column("first_response_at", type: .bigint)
                .column("solved_at", type: .bigint)
                .column("merged_into", type: .text)
                .column("sla", type: .text)
                .column("sla_next_due", type: .bigint)
                .column("sla_warned_at", type: .bigint)
                .column("sla_escalated_at", type: .bigint)
                .column("sla_alarm_at", type: .bigint)
                .primaryKey("workspace_id", "id")
                .run()
            try await sql.raw("CREATE UNIQUE INDEX cases_number ON cases (workspace_id, number)").run()
            // The id another system (a help desk sending track events) knows the case by.
            try await sql.raw("CREATE UNIQUE INDEX cases_reference ON cases (workspace_id, reference) WHERE reference IS NOT NULL").run()
            try await sql.raw("CREATE INDEX cases_assignee ON cases (workspace_id, is_open, assignee_id, updated_at, id)").run()
            try await sql.raw("CREATE INDEX cases_team ON cases (workspace_id, is_open, team_id, updated_at, id)").run()
            try await sql.raw("CREATE INDEX cases_open ON cases (workspace_id, is_open, updated_at, id)").run()
            try await sql.raw("CREATE INDEX cases_due ON cases (workspace_id, sla_next_due, id) WHERE sla_next_due IS NOT NULL").run()
            try await sql.raw("CREATE INDEX cases_alarm ON cases (sla_alarm_at) WHERE sla_alarm_at IS NOT NULL").run()
            try await sql.raw("CREATE INDEX cases_profile ON cases (workspace_id, profile_id, created_at)").run()
            try await sql.raw("CREATE INDEX cases_created ON cases (workspace_id, created_at)").run()
            try await sql.create(table: "case_messages")
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("id", type: .text, .notNull)
                .column("case_id", type: .text, .notNull)
                .column("author", type: .text, .notNull)
                .column("actor", type: .text, .notNull)
                .column("body", type: .text, .notNull)
                .column("attachments", type: .text, .notNull)
                .column("channel", type: .text, .notNull)
                .column("email_message_id", type: .text)
                .column("at", type: .bigint, .notNull)
                .primaryKey("workspace_id", "id")
                .run()
            try await sql.raw("CREATE INDEX case_messages_case ON case_messages (workspace_id, case_id, at, id)").run()
            try await sql.raw("CREATE INDEX case_messages_email ON case_messages (workspace_id, email_message_id) WHERE email_message_id IS NOT NULL").run()
            try await sql.create(table: "case_status_changes")
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("case_id", type: .text, .notNull)
                .column("position", type: .bigint, .notNull)
                .column("status", type: .text, .notNull)
                .column("label", type: .text)
                .column("at", type: .bigint, .notNull)
                .column("actor", type: .text, .notNull)
                .primaryKey("workspace_id", "case_id", "position")
                .run()
            // Statuses a workspace adds, each behaving like a built-in one.
            try await sql.create(table: "case_statuses")
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("name", type: .text, .notNull)
                .column("behaves_like", type: .text, .notNull)
                .primaryKey("workspace_id", "name")
                .run()
        },
        Migration(version: 36, name: "service settings and feedback followed up by cases") { sql in
            // One row per workspace (JSON: the follow-up rule, cost per contact). An alert that the follow-up rule
            // handled records when and, if a case was opened, which (or why not: no consent, no customer).
            try await sql.create(table: "service_settings")
                .column("workspace_id", type: .text, .primaryKey(autoIncrement: false), .references("workspaces", "id", onDelete: .cascade))
                .column("definition", type: .text, .notNull)
                .run()
            try await sql.alter(table: "feedback_alerts").column("followed_up_at", type: .bigint).run()
            try await sql.alter(table: "feedback_alerts").column("follow_up_case_id", type: .text).run()
            try await sql.alter(table: "feedback_alerts").column("follow_up_note", type: .text).run()
            try await sql.raw("CREATE INDEX feedback_alerts_to_follow_up ON feedback_alerts (workspace_id, at) WHERE followed_up_at IS NULL").run()
        },
        Migration(version: 37, name: "replies to email cases go out through an outbox") { sql in
            // An agent's reply on an email case, waiting to be sent (then sent or failed). `message_id` is the
            // Message-ID it goes out with, so the customer's answer threads back onto the case.
            try await sql.create(table: "case_emails")
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("id", type: .text, .notNull)
                .column("case_id", type: .text, .notNull)
                .column("to_address", type: .text, .notNull)
                .column("subject", type: .text, .notNull)
                .column("body", type: .text, .notNull)
                .column("message_id", type: .text, .notNull)
                .column("in_reply_to", type: .text)
                .column("message_references", type: .text, .notNull)
                .column("status", type: .text, .notNull)
                .column("attempts", type: .bigint, .notNull)
                .column("send_at", type: .bigint, .notNull)
                .column("last_error", type: .text)
                .column("sent_at", type: .bigint)
                .primaryKey("workspace_id", "id")
                .run()
            try await sql.raw("CREATE INDEX case_emails_due ON case_emails (send_at) WHERE status = 'pending'").run()
            try await sql.raw("CREATE INDEX case_emails_case ON case_emails (workspace_id, case_id)").run()
        },
        Migration(version: 38, name: "canned replies") { sql in
            // Replies agents reuse, with a text per language (JSON: en, de, zh, he, …).
            try await sql.create(table: "canned_replies")
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("id", type: .text, .notNull)
                .column("title", type: .text, .notNull)
                .column("bodies", type: .text, .notNull)
                .column("created_at", type: .bigint, .notNull)
                .primaryKey("workspace_id", "id")
                .run()
        },
        Migration(version: 39, name: "what the service report reads off each case") { sql in
            // Kept by the engine with every change to a case, so a year's report is one grouped read of cases:
            // `topic` (the first topic its subject and first message name), `first_response_s` and `resolution_s`
            // (business seconds on its team's calendar), `reopens`, `agent_replies`, `sla_outcome` (met, breached).
            for (column, type) in [("topic", SQLDataType.text), ("first_response_s", .bigint), ("resolution_s", .bigint), ("sla_outcome", .text)] {
                try await sql.alter(table: "cases").column(column, type: type).run()
            }
            try await sql.alter(table: "cases").column("reopens", type: .bigint, .notNull, .default(0)).run()
            try await sql.alter(table: "cases").column("agent_replies", type: .bigint, .notNull, .default(0)).run()
        },
        Migration(version: 40, name: "spikes of cases and negative comments") { sql in
            // One alert per series and UTC day: cases about a product or topic, or negative comments on a topic, beyond
            // that series' usual range for the weekday.
            try await sql.create(table: "service_alerts")
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("id", type: .text, .notNull)
                .column("kind", type: .text, .notNull)
                .column("dimension", type: .text, .notNull)
                .column("series_key", type: .text, .notNull)
                .column("label", type: .text, .notNull)
                .column("day", type: .bigint, .notNull)
                .column("observed", type: .bigint, .notNull)
                .column("typical", type: .custom(SQLRaw("DOUBLE PRECISION")), .notNull)
                .column("spread", type: .custom(SQLRaw("DOUBLE PRECISION")), .notNull)
                .column("p_value", type: .custom(SQLRaw("DOUBLE PRECISION")), .notNull)
                .column("message", type: .text, .notNull)
                .column("at", type: .bigint, .notNull)
                .primaryKey("workspace_id", "id")
                .run()
            try await sql.raw("CREATE UNIQUE INDEX service_alerts_once ON service_alerts (workspace_id, kind, dimension, series_key, day)").run()
            try await sql.raw("CREATE INDEX service_alerts_at ON service_alerts (workspace_id, at, id)").run()
        },
        Migration(version: 41, name: "live chat: the knowledge base, chat sessions, agents' availability") { sql in
            // Articles the bot answers from, one language each.
            try await sql.create(table: "kb_articles")
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("id", type: .text, .notNull)
                .column("language", type: .text, .notNull)
                .column("title", type: .text, .notNull)
                .column("body", type: .text, .notNull)
                .column("updated_at", type: .bigint, .notNull)
                .primaryKey("workspace_id", "id")
                .run()
            // A chat case's visitor side: the hashed token the widget proves itself with, the chat's language, whether the
            // bot still answers, and why it handed over.
            try await sql.create(table: "chat_sessions")
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("case_id", type: .text, .notNull)
                .column("token_hash", type: .text, .notNull)
                .column("language", type: .text, .notNull)
                .column("bot_active", type: .bigint, .notNull)
                .column("bot_failures", type: .bigint, .notNull)
                .column("handover_reason", type: .text)
                .column("handed_over_at", type: .bigint)
                .column("visitor_email", type: .text)
                .column("verified", type: .bigint, .notNull)
                .column("created_at", type: .bigint, .notNull)
                .primaryKey("workspace_id", "case_id")
                .run()
            // Who is online for chats, in which languages and with which skills.
            try await sql.create(table: "agent_status")
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("user_id", type: .text, .notNull)
                .column("status", type: .text, .notNull)
                .column("languages", type: .text, .notNull)
                .column("skills", type: .text, .notNull)
                .column("updated_at", type: .bigint, .notNull)
                .primaryKey("workspace_id", "user_id")
                .run()
            // The secret a site's server signs visitors' identity tokens with (HS256).
            try await sql.create(table: "chat_settings")
                .column("workspace_id", type: .text, .primaryKey(autoIncrement: false), .references("workspaces", "id", onDelete: .cascade))
                .column("identity_secret", type: .text, .notNull)
                .column("created_at", type: .bigint, .notNull)
                .run()
        },
        Migration(version: 42, name: "service reads from indexes alone") { sql in
            // The console's queue counts and the service report read only these columns of a workspace's cases, so a
            // year's report or the counts of 100,000 open cases scan an index instead of the table.
            try await sql.raw("CREATE INDEX cases_open_counts ON cases (workspace_id, is_open, assignee_id, team_id, sla_next_due)").run()
            try await sql.raw("""
                CREATE INDEX cases_report ON cases (workspace_id, created_at, channel, topic, product_id, team_id, assignee_id, priority, status,
                  first_response_s, resolution_s, sla_outcome, reopens, agent_replies, merged_into)
                """).run()
        },
        Migration(version: 43, name: "what the bot tried in a chat") { sql in
            // A JSON list, one entry per turn, for the note an agent gets at the hand-over.
            try await sql.alter(table: "chat_sessions").column("bot_tried", type: .text).run()
        },
        Migration(version: 44, name: "cases waiting for their customer") { sql in
            // Cases opened for a bare contact (an address the channel gave) until identity resolution finds its customer.
            try await sql.raw("CREATE INDEX cases_contact_unlinked ON cases (workspace_id, contact) WHERE profile_id IS NULL").run()
        },
        Migration(version: 45, name: "CSAT and CES after contact") { sql in
            // A survey asked because a case was solved names the case from the trigger's event to the invitation; the
            // answer's first CSAT and CES scores are kept on the case, which the report's index covers.
            try await sql.alter(table: "survey_trigger_firings").column("case_id", type: .text).run()
            try await sql.alter(table: "survey_invitations").column("case_id", type: .text).run()
            try await sql.alter(table: "cases").column("csat_score", type: .bigint).run()
            try await sql.alter(table: "cases").column("ces_score", type: .bigint).run()
            try await sql.raw("DROP INDEX cases_report").run()
            try await sql.raw("""
                CREATE INDEX cases_report ON cases (workspace_id, created_at, channel, topic, product_id, team_id, assignee_id, priority, status,
                  first_response_s, resolution_s, sla_outcome, reopens, agent_replies, merged_into, csat_score, ces_score)
                """).run()
        },
        Migration(version: 46, name: "campaigns and when they began") { sql in
            // Seen in events (context.campaign.name, from the earliest such event) or declared with a start.
            try await sql.create(table: "campaigns")
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("name", type: .text, .notNull)
                .column("started_at", type: .bigint, .notNull)
                .column("source", type: .text, .notNull)
                .primaryKey("workspace_id", "name")
                .run()
            try await sql.create(index: "campaigns_started").on("campaigns").column("workspace_id").column("started_at").run()
            // The campaigns that began on a spike's day or the day before, as JSON ([{"name":…,"daysBefore":0}]).
            try await sql.alter(table: "service_alerts").column("campaigns", type: .text).run()
        },
        Migration(version: 47, name: "agents' notifications of service-level deadlines") { sql in
            try await sql.create(table: "service_notifications")
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("id", type: .text, .notNull)
                .column("user_id", type: .text, .notNull)
                .column("kind", type: .text, .notNull)
                .column("case_id", type: .text, .notNull)
                .column("case_number", type: .bigint, .notNull)
                .column("subject", type: .text, .notNull)
                .column("due_at", type: .bigint, .notNull)
                .column("created_at", type: .bigint, .notNull)
                .column("read_at", type: .bigint)
                .primaryKey("workspace_id", "id")
                .run()
            try await sql.raw("CREATE INDEX service_notifications_user ON service_notifications (workspace_id, user_id, created_at)").run()
        },
        Migration(version: 48, name: "open cases whose deadlines wait to be recomputed") { sql in
            // A policy or a team's hours changed in a workspace with more open cases than one transaction recomputes:
            // the rest are recomputed in batches, by case id from after_id on; requested_at tells a new change apart.
            try await sql.create(table: "sla_refresh")
                .column("workspace_id", type: .text, .primaryKey(autoIncrement: false), .references("workspaces", "id", onDelete: .cascade))
                .column("after_id", type: .text, .notNull)
                .column("requested_at", type: .bigint, .notNull)
                .run()
        },
        Migration(version: 49, name: "underperformance alerts and saved funnels") { sql in
            // One row per episode of a series beyond its control limit (days are UTC day numbers); ended_day is null
            // while it lasts, so at most one open row per series.
            try await sql.create(table: "insight_alerts")
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("id", type: .text, .notNull)
                .column("metric", type: .text, .notNull)
                .column("series_key", type: .text, .notNull)
                .column("label", type: .text, .notNull)
                .column("since_day", type: .bigint, .notNull)
                .column("alarm_day", type: .bigint, .notNull)
                .column("last_day", type: .bigint, .notNull)
                .column("ended_day", type: .bigint)
                .column("recent", type: .custom(SQLRaw("DOUBLE PRECISION")), .notNull)
                .column("normal", type: .custom(SQLRaw("DOUBLE PRECISION")), .notNull)
                .column("spread", type: .custom(SQLRaw("DOUBLE PRECISION")), .notNull)
                .column("message", type: .text, .notNull)
                .column("link", type: .text, .notNull)
                .column("raised_at", type: .bigint, .notNull)
                .column("updated_at", type: .bigint, .notNull)
                .primaryKey("workspace_id", "id")
                .run()
            try await sql.raw("CREATE INDEX insight_alerts_raised ON insight_alerts (workspace_id, raised_at, id)").run()
            try await sql.raw("CREATE INDEX insight_alerts_series ON insight_alerts (workspace_id, metric, series_key, ended_day)").run()
            try await sql.create(table: "saved_funnels")
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("id", type: .text, .notNull)
                .column("name", type: .text, .notNull)
                .column("definition", type: .text, .notNull)
                .column("created_at", type: .bigint, .notNull)
                .primaryKey("workspace_id", "id")
                .run()
            try await sql.raw("CREATE UNIQUE INDEX saved_funnels_name ON saved_funnels (workspace_id, name)").run()
        },
        Migration(version: 50, name: "journeys and their stages") { sql in
            // The stages as JSON ([{"name":"Buy","events":["Order Completed"],"channels":["web"]}]).
            try await sql.create(table: "journeys")
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("id", type: .text, .notNull)
                .column("name", type: .text, .notNull)
                .column("stages", type: .text, .notNull)
                .column("updated_at", type: .bigint, .notNull)
                .primaryKey("workspace_id", "id")
                .run()
        },
        Migration(version: 51, name: "what the in-process event columns catch up on") { sql in
            // Events tied to a customer since a moment (the columns' watermark), found without a scan.
            try await sql.raw("CREATE INDEX events_workspace_resolved ON events (workspace_id, resolved_at)").run()
            // Every merge re-points one profile's events to another: the columns apply these in order (id is time-ordered).
            try await sql.create(table: "event_rekeys")
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("id", type: .text, .notNull)
                .column("from_profile", type: .text, .notNull)
                .column("to_profile", type: .text, .notNull)
                .primaryKey("workspace_id", "id")
                .run()
        },
        Migration(version: 52, name: "customer value") { sql in
            // Each scored customer's figures from the last computation (money in minor units of the model's currency);
            // replaced as a whole by each computation.
            try await sql.create(table: "customer_values")
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("profile_id", type: .text, .notNull)
                .column("repeat_purchases", type: .bigint, .notNull)
                .column("recency_days", type: .bigint, .notNull)
                .column("age_days", type: .bigint, .notNull)
                .column("expected_90", type: .custom(SQLRaw("DOUBLE PRECISION")), .notNull)
                .column("expected_365", type: .custom(SQLRaw("DOUBLE PRECISION")), .notNull)
                .column("p_alive", type: .custom(SQLRaw("DOUBLE PRECISION")), .notNull)
                .column("mean_spend_minor", type: .bigint, .notNull)
                .column("value_minor", type: .bigint, .notNull)
                .column("lower_minor", type: .bigint, .notNull)
                .column("upper_minor", type: .bigint, .notNull)
                .column("currency", type: .text, .notNull)
                .column("tier", type: .text, .notNull)
                .column("computed_at", type: .bigint, .notNull)
                .primaryKey("workspace_id", "profile_id")
                .run()
            try await sql.raw("CREATE INDEX customer_values_rank ON customer_values (workspace_id, value_minor, profile_id)").run()
            try await sql.raw("CREATE INDEX customer_values_tier ON customer_values (workspace_id, tier, value_minor, profile_id)").run()
            // The last computation's models and holdout check, as JSON.
            try await sql.create(table: "value_models")
                .column("workspace_id", type: .text, .primaryKey(autoIncrement: false), .references("workspaces", "id", onDelete: .cascade))
                .column("summary", type: .text, .notNull)
                .column("computed_at", type: .bigint, .notNull)
                .run()
        },
        Migration(version: 53, name: "churn risk") { sql in
            // The chance of no purchase in the next 90 days, and the features that raise it most (JSON array of names).
            try await sql.alter(table: "customer_values").column("churn_risk", type: .custom(SQLRaw("DOUBLE PRECISION"))).run()
            try await sql.alter(table: "customer_values").column("churn_reasons", type: .text).run()
        },
        Migration(version: 54, name: "the money behind CX") { sql in
            // With each value computation: revenue at risk, scenarios and NPS cohorts (JSON).
            try await sql.alter(table: "value_models").column("roi", type: .text).run()
            // What CX costs, as the workspace entered it (JSON: cost per contact and programmes).
            try await sql.create(table: "cx_costs")
                .column("workspace_id", type: .text, .primaryKey(autoIncrement: false), .references("workspaces", "id", onDelete: .cascade))
                .column("costs", type: .text, .notNull)
                .column("updated_at", type: .bigint, .notNull)
                .run()
        },
        Migration(version: 55, name: "segments kept current as events are tied") { sql in
            // A segment's rule (JSON), its size, and when the whole workspace was last evaluated and last swept for
            // events leaving a condition's window.
            try await sql.create(table: "segments")
                .column("id", type: .text, .primaryKey(autoIncrement: false))
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("name", type: .text, .notNull)
                .column("description", type: .text, .notNull)
                .column("rule", type: .text, .notNull)
                .column("member_count", type: .bigint, .notNull)
                .column("created_at", type: .bigint, .notNull)
                .column("updated_at", type: .bigint, .notNull)
                .column("evaluated_at", type: .bigint)
                .column("swept_at", type: .bigint)
                .run()
            try await sql.raw("CREATE INDEX segments_workspace ON segments (workspace_id, name, id)").run()
            try await sql.create(table: "segment_members")
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("segment_id", type: .text, .notNull)
                .column("profile_id", type: .text, .notNull)
                .column("entered_at", type: .bigint, .notNull)
                .primaryKey("workspace_id", "segment_id", "profile_id")
                .run()
            try await sql.raw("CREATE INDEX segment_members_profile ON segment_members (workspace_id, profile_id)").run()
            // Each entry and exit after a segment was first built (the timeline, the webhooks, the counts).
            try await sql.create(table: "segment_changes")
                .column("id", type: .text, .primaryKey(autoIncrement: false))
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("segment_id", type: .text, .notNull)
                .column("profile_id", type: .text, .notNull)
                .column("kind", type: .text, .notNull)
                .column("at", type: .bigint, .notNull)
                .run()
            try await sql.raw("CREATE INDEX segment_changes_profile ON segment_changes (workspace_id, profile_id, at)").run()
            try await sql.raw("CREATE INDEX segment_changes_segment ON segment_changes (workspace_id, segment_id, at, id)").run()
            // Size at the end of each day with that day's entries and exits.
            try await sql.create(table: "segment_counts_daily")
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("segment_id", type: .text, .notNull)
                .column("day", type: .bigint, .notNull)
                .column("members", type: .bigint, .notNull)
                .column("entered", type: .bigint, .notNull)
                .column("left_count", type: .bigint, .notNull)
                .primaryKey("workspace_id", "segment_id", "day")
                .run()
            // Customers whose memberships must be decided again for something other than an event (an answer, a
            // consent statement recorded by hand, an erasure).
            try await sql.create(table: "segment_stale")
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("profile_id", type: .text, .notNull)
                .column("since", type: .bigint, .notNull)
                .primaryKey("workspace_id", "profile_id")
                .run()
            // Each customer's persona at the last persona computation (by the persona's key).
            try await sql.create(table: "profile_personas")
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("profile_id", type: .text, .notNull)
                .column("persona", type: .text, .notNull)
                .column("computed_at", type: .bigint, .notNull)
                .primaryKey("workspace_id", "profile_id")
                .run()
        },
        Migration(version: 56, name: "personas") { sql in
            // The last persona computation: how k was chosen, stability, each persona's description (JSON).
            try await sql.create(table: "persona_models")
                .column("workspace_id", type: .text, .primaryKey(autoIncrement: false), .references("workspaces", "id", onDelete: .cascade))
                .column("model", type: .text, .notNull)
                .column("computed_at", type: .bigint, .notNull)
                .run()
            try await sql.raw("CREATE INDEX profile_personas_persona ON profile_personas (workspace_id, persona, profile_id)").run()
        },
        Migration(version: 57, name: "segments read traits and event properties from indexes") { sql in
            // A segment over every customer asks "who has this trait equal to that" and "who did this event, with this
            // property, in the window": both found by an index, not by reading every row.
            // (Not covering profile_id on purpose: a covering index would lure SQLite away from the primary key for the
            // per-batch "these traits of these customers" reads, scanning every customer's trait instead.)
            try await sql.raw("CREATE INDEX traits_name_value ON traits (workspace_id, name, value)").run()
            // The property segments filter by most ("Order Completed where category is Shoes"); others get theirs when
            // a segment first uses them (Store.ensurePropertyIndex).
            let engine: DatabaseEngine = sql.dialect.name == "postgresql" ? .postgres : .sqlite
            if let statement = Store.propertyIndexStatement(["category"], engine: engine) { try await sql.raw("\(unsafeRaw: statement)").run() }
        },
        Migration(version: 58, name: "stores and offer decisions") { sql in
            try await sql.create(table: "retail_stores")
                .column("id", type: .text, .primaryKey(autoIncrement: false))
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("code", type: .text, .notNull)
                .column("name", type: .text, .notNull)
                .column("city", type: .text, .notNull)
                .column("country", type: .text, .notNull)
                .column("latitude", type: .custom(SQLRaw("DOUBLE PRECISION")))
                .column("longitude", type: .custom(SQLRaw("DOUBLE PRECISION")))
                .column("created_at", type: .bigint, .notNull)
                .column("updated_at", type: .bigint, .notNull)
                .run()
            try await sql.raw("CREATE UNIQUE INDEX retail_stores_code ON retail_stores (workspace_id, code)").run()
            // Every next-best-offer decision as made: the consent at that moment, the reason and what was shown (JSON).
            try await sql.create(table: "offer_decisions")
                .column("id", type: .text, .primaryKey(autoIncrement: false))
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("profile_id", type: .text, .notNull)
                .column("surface", type: .text, .notNull)
                .column("decided_at", type: .bigint, .notNull)
                .column("personalised", type: .bigint, .notNull)
                .column("consent", type: .text, .notNull)
                .column("reason", type: .text, .notNull)
                .column("items", type: .text, .notNull)
                .column("store", type: .text)
                .column("requested_by", type: .text, .notNull)
                .run()
            try await sql.raw("CREATE INDEX offer_decisions_profile ON offer_decisions (workspace_id, profile_id, decided_at)").run()
        },
        Migration(version: 59, name: "employees and anonymous pulses") { sql in
            try await sql.create(table: "employees")
                .column("id", type: .text, .primaryKey(autoIncrement: false))
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("name", type: .text, .notNull)
                .column("email", type: .text)
                .column("store_id", type: .text)
                .column("team_id", type: .text)
                .column("user_id", type: .text)
                .column("active", type: .bigint, .notNull)
                .column("created_at", type: .bigint, .notNull)
                .column("updated_at", type: .bigint, .notNull)
                .run()
            try await sql.raw("CREATE INDEX employees_store ON employees (workspace_id, store_id)").run()
            try await sql.raw("CREATE INDEX employees_user ON employees (workspace_id, user_id)").run()
            try await sql.create(table: "pulses")
                .column("id", type: .text, .primaryKey(autoIncrement: false))
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("name", type: .text, .notNull)
                .column("created_at", type: .bigint, .notNull)
                .column("closes_at", type: .bigint, .notNull)
                .column("invited", type: .bigint, .notNull)
                .run()
            // One single-use link per employee (its token hashed); `used` says it was answered — not when, and the
            // answer does not point back to it.
            try await sql.create(table: "pulse_invitations")
                .column("token_hash", type: .text, .primaryKey(autoIncrement: false))
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("pulse_id", type: .text, .notNull)
                .column("employee_id", type: .text, .notNull)
                .column("used", type: .bigint, .notNull)
                .run()
            try await sql.raw("CREATE INDEX pulse_invitations_pulse ON pulse_invitations (workspace_id, pulse_id)").run()
            // An answer: the store and team its employee was in, the day, the score and the comment. No employee, no link.
            try await sql.create(table: "pulse_answers")
                .column("id", type: .text, .primaryKey(autoIncrement: false))
                .column("workspace_id", type: .text, .notNull, .references("workspaces", "id", onDelete: .cascade))
                .column("pulse_id", type: .text, .notNull)
                .column("store_id", type: .text)
                .column("team_id", type: .text)
                .column("day", type: .bigint, .notNull)
                .column("score", type: .bigint, .notNull)
                .column("comment", type: .text)
                .run()
            try await sql.raw("CREATE INDEX pulse_answers_pulse ON pulse_answers (workspace_id, pulse_id)").run()
        },
    ]
}

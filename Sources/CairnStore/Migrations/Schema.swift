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
    ]
}

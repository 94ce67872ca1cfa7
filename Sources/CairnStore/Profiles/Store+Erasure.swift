public import CairnCore
public import Foundation
import SQLKit

extension TransactionStore {
    /// The workspace's secret salt for hashing erased identifiers, made on first use.
    public func erasureSalt(in workspace: WorkspaceID, makeNew: () -> String) async throws -> String {
        if let row = try await sql.select().column("erasure_salt").from("workspace_secrets").where("workspace_id", .equal, workspace.rawValue).first() {
            return try row.decode(column: "erasure_salt", as: String.self)
        }
        let salt = makeNew()
        try await sql.insert(into: "workspace_secrets").columns("workspace_id", "erasure_salt").values(SQLBind(workspace.rawValue), SQLBind(salt)).run()
        return salt
    }

    /// The erased profile an identifier hash belongs to, if any.
    public func erasedProfile(forHashes hashes: [String], in workspace: WorkspaceID) async throws -> ProfileID? {
        guard !hashes.isEmpty else { return nil }
        return try await sql.select().column("profile_id").from("erased_identities")
            .where("workspace_id", .equal, workspace.rawValue).where("hash", .in, hashes).first()
            .map { ProfileID(rawValue: try $0.decode(column: "profile_id", as: String.self)) }
    }

    /// Forgets that these identifier hashes belonged to an erased person, so later events with them build a new
    /// profile again. Returns how many were released.
    public func releaseErasedIdentities(hashes: [String], in workspace: WorkspaceID) async throws -> Int {
        guard !hashes.isEmpty else { return 0 }
        let held = try await sql.select().column("hash").from("erased_identities")
            .where("workspace_id", .equal, workspace.rawValue).where("hash", .in, hashes).all().count
        try await sql.delete(from: "erased_identities").where("workspace_id", .equal, workspace.rawValue).where("hash", .in, hashes).run()
        return held
    }

    /// Removes a person's personal data: identities (kept only as salted hashes), traits, consent statements, the
    /// identifier values in merge records, and from every event the ids and all but numbers and flags. The profile
    /// row stays, marked erased, with first/last seen and channels, so anonymous counts still add up.
    public func erase(_ profile: ProfileID, in workspace: WorkspaceID, hashes: [String], at date: Date) async throws -> Int {
        let w = workspace.rawValue
        for hash in hashes {
            try await sql.insert(into: "erased_identities").columns("workspace_id", "hash", "profile_id", "erased_at")
                .values(SQLBind(w), SQLBind(hash), SQLBind(profile.rawValue), SQLBind(date.storageMillis))
                .ignoringConflicts(with: ["workspace_id", "hash"]).run()
        }
        try await sql.delete(from: "identities").where("workspace_id", .equal, w).where("profile_id", .equal, profile.rawValue).run()
        try await sql.delete(from: "traits").where("workspace_id", .equal, w).where("profile_id", .equal, profile.rawValue).run()
        try await sql.delete(from: "consent_records").where("workspace_id", .equal, w).where("profile_id", .equal, profile.rawValue).run()
        try await sql.delete(from: "customer_values").where("workspace_id", .equal, w).where("profile_id", .equal, profile.rawValue).run()
        // What was offered to them and why says what they bought: gone with them.
        try await sql.delete(from: "offer_decisions").where("workspace_id", .equal, w).where("profile_id", .equal, profile.rawValue).run()
        try await sql.update("profile_merges").set("identifier_value", to: "erased")
            .where("workspace_id", .equal, w)
            .where { $0.where("survivor_id", .equal, profile.rawValue).orWhere("merged_id", .equal, profile.rawValue) }
            .run()
        let events = try await sql.select().columns(Store.eventColumns).from("events")
            .where("workspace_id", .equal, w).where("profile_id", .equal, profile.rawValue).all().map(Event.init(row:))
        for event in events { try await scrub(event, in: workspace) }
        try await scrubFeedback(of: profile, in: workspace)
        try await sql.update("profiles").set("erased_at", to: date.storageMillis)
            .where("workspace_id", .equal, w).where("id", .equal, profile.rawValue).run()
        return events.count
    }

    /// Keeps of an event only what is not about the person: kind, name, channel, times, message id, and the numbers
    /// and flags among its properties (amounts, counts) so aggregates stay right.
    public func scrub(_ event: Event, in workspace: WorkspaceID, assignTo profile: ProfileID? = nil) async throws {
        var kept: [String: JSONValue] = ["type": .string(event.kind.rawValue), "erased": .bool(true), "messageId": .string(event.messageID)]
        if let name = event.name { kept[event.kind == .track ? "event" : "name"] = .string(name) }
        let numbers = (event.payload["properties"]?.objectValue ?? [:]).filter { _, value in
            switch value { case .integer, .double, .bool: true; default: false }
        }
        if !numbers.isEmpty { kept["properties"] = .object(numbers) }
        let update = sql.update("events")
            .set("payload", to: JSONValue.object(kept).jsonText())
            .set("user_id", to: SQLBind(nil as String?)).set("anonymous_id", to: SQLBind(nil as String?))
        if let profile { update.set("profile_id", to: profile.rawValue) }
        try await update.where("workspace_id", .equal, workspace.rawValue).where("id", .equal, event.id.rawValue).run()
    }

    /// The person's survey answers keep their scores (the figures stay right) but lose their words: free text is
    /// removed, and with it the keywords read from it (language, sentiment and topics stay, as the counts do). Emails
    /// and triggered surveys still waiting for them are cancelled, and their links forgotten.
    func scrubFeedback(of profile: ProfileID, in workspace: WorkspaceID) async throws {
        let w = workspace.rawValue
        for row in try await sql.select().columns(Store.responseColumns).from("survey_responses")
            .where("workspace_id", .equal, w).where("profile_id", .equal, profile.rawValue).all() {
            var response = try SurveyResponse(row: row)
            response.answers = response.answers.filter { if case .text = $0.value { false } else { true } }
            for key in response.insights.keys {
                response.insights[key]?.keywords = []
                response.insights[key]?.sentences = []
            }
            let insights = (try? String(decoding: JSONEncoder.sorted.encode(response.insights), as: UTF8.self)) ?? "{}"
            try await sql.update("survey_responses").set("answers", to: JSONValue.object(response.answers.mapValues(\.json)).jsonText())
                .set("insights", to: insights)
                .where("workspace_id", .equal, w).where("id", .equal, response.id.rawValue).run()
        }
        try await sql.update("survey_emails").set("status", to: SurveyEmail.Status.skipped.rawValue).set("last_error", to: "erased")
            .where("workspace_id", .equal, w).where("profile_id", .equal, profile.rawValue)
            .where("status", .equal, SurveyEmail.Status.scheduled.rawValue).run()
        try await sql.update("survey_emails").set("token", to: SQLLiteral.null)
            .where("workspace_id", .equal, w).where("profile_id", .equal, profile.rawValue).run()
        try await sql.update("survey_trigger_firings").set("status", to: SurveyTriggerFiring.Status.skipped.rawValue).set("reason", to: "erased")
            .where("workspace_id", .equal, w).where("profile_id", .equal, profile.rawValue)
            .where("status", .in, [SurveyTriggerFiring.Status.pending.rawValue, SurveyTriggerFiring.Status.ready.rawValue]).run()
    }

    public func isErased(_ profile: ProfileID, in workspace: WorkspaceID) async throws -> Bool {
        try await sql.select().column("erased_at").from("profiles").where("workspace_id", .equal, workspace.rawValue).where("id", .equal, profile.rawValue)
            .first()?.decode(column: "erased_at", as: Int64?.self) != nil
    }
}

extension Store {
    /// After an erasure has committed, makes the database files forget the erased values. SQLite (which runs with
    /// `secure_delete`, so freed and rewritten cells are zeroed in the main file): the write-ahead log still holds the
    /// old pages, so it is checkpointed into the file and truncated to nothing (tried again for up to 5 s while a
    /// reader holds an older snapshot; false when it could not finish). PostgreSQL: the touched tables are vacuumed,
    /// so the dead row versions' space is marked for reuse; the server's WAL segments and any backups keep the values
    /// until they are recycled or expire (see docs/operations.md).
    @discardableResult
    public func forgetErasedValues() async throws -> Bool {
        switch engine {
        case .sqlite:
            for attempt in 0..<50 {
                let done = try await database.withConnection { sql in
                    // busy = 0 when the whole log was copied and reset.
                    try await sql.raw("PRAGMA wal_checkpoint(TRUNCATE)").first()?.decode(column: "busy", as: Int64.self) == 0
                }
                if done { return true }
                if attempt < 49 { try await Task.sleep(for: .milliseconds(100)) }
            }
            return false
        case .postgres:
            try await database.withConnection { sql in
                try await sql.raw("VACUUM events, profiles, identities, traits, consent_records, profile_merges, survey_responses, survey_emails").run()
            }
            return true
        }
    }

    /// SQLite only: folds the write-ahead log into the file and rewrites it, so deleted pages are gone from disk.
    public func compact() async throws {
        guard engine == .sqlite else { return }
        try await database.withConnection { sql in
            try await sql.raw("PRAGMA wal_checkpoint(TRUNCATE)").run()
            try await sql.raw("VACUUM").run()
            try await sql.raw("PRAGMA wal_checkpoint(TRUNCATE)").run()
        }
    }
}

public import CairnCore
public import Foundation
import SQLKit

/// What segments read of customers: for a few (as their events are tied) or for the whole workspace (when a segment is
/// built). `profiles` nil means every customer of the workspace.
extension TransactionStore {
    /// The workspace's customers that were not merged into another.
    public func liveProfileIDs(in workspace: WorkspaceID) async throws -> [String] {
        final class Found: @unchecked Sendable { var ids: [String] = [] }
        let found = Found()
        // Row by row as the database hands them over (a million rows are never held twice).
        try await sql.select().column("id").from("profiles").where("workspace_id", .equal, workspace.rawValue)
            .where("merged_into", .is, SQLLiteral.null).run { row in
                if let id = try? row.decode(column: "id", as: String.self) { found.ids.append(id) }
            }
        return found.ids
    }

    /// Those of these profiles that were not merged into another.
    public func live(_ profiles: some Collection<ProfileID>, in workspace: WorkspaceID) async throws -> [ProfileID] {
        var found: [ProfileID] = []
        for part in Array(Set(profiles)).chunked(into: Self.chunk) {
            found += try await sql.select().column("id").from("profiles").where("workspace_id", .equal, workspace.rawValue)
                .where("id", .in, part.map(\.rawValue)).where("merged_into", .is, SQLLiteral.null).all()
                .map { ProfileID(rawValue: try $0.decode(column: "id", as: String.self)) }
        }
        return found.sorted { $0.rawValue < $1.rawValue }
    }

    /// When customer value was last computed (milliseconds).
    public func valueComputedAt(in workspace: WorkspaceID) async throws -> Int64? {
        try await sql.select().column("computed_at").from("value_models").where("workspace_id", .equal, workspace.rawValue).first()?
            .decode(column: "computed_at", as: Int64.self)
    }

    /// When personas were last assigned (milliseconds).
    public func personasComputedAt(in workspace: WorkspaceID) async throws -> Int64? {
        try await sql.select().column(SQLFunction("MAX", args: SQLColumn("computed_at")), as: "at").from("profile_personas")
            .where("workspace_id", .equal, workspace.rawValue).first()?.decode(column: "at", as: Int64?.self)
    }

    /// Profiles merged into these ones (merged id → survivor).
    public func merged(into survivors: some Collection<ProfileID>, in workspace: WorkspaceID) async throws -> [String: String] {
        var found: [String: String] = [:]
        for part in Array(Set(survivors)).chunked(into: Self.chunk) {
            for row in try await sql.select().columns("id", "merged_into").from("profiles").where("workspace_id", .equal, workspace.rawValue)
                .where("merged_into", .in, part.map(\.rawValue)).all() {
                found[try row.decode(column: "id", as: String.self)] = try row.decode(column: "merged_into", as: String.self)
            }
        }
        return found
    }

    /// Each merged profile's survivor, for the whole workspace.
    public func allMerged(in workspace: WorkspaceID) async throws -> [String: String] {
        var found: [String: String] = [:]
        for row in try await sql.select().columns("id", "merged_into").from("profiles").where("workspace_id", .equal, workspace.rawValue)
            .where("merged_into", .isNot, SQLLiteral.null).all() {
            found[try row.decode(column: "id", as: String.self)] = try row.decode(column: "merged_into", as: String.self)
        }
        return found
    }

    private func eachPart(_ profiles: [String]?, _ body: ([String]?) async throws -> Void) async throws {
        guard let profiles else { return try await body(nil) }
        for part in profiles.chunked(into: Self.chunk) { try await body(Array(part)) }
    }

    /// Every customer's value of one trait, streamed; with `equalTo`, only the rows whose stored JSON is exactly that
    /// text (the database does the comparing).
    public func eachTraitValue(named name: String, equalTo texts: [String]? = nil, in workspace: WorkspaceID, _ body: @escaping @Sendable (String, String) -> Void) async throws {
        let query = sql.select().columns("profile_id", "value").from("traits").where("workspace_id", .equal, workspace.rawValue).where("name", .equal, name)
        if let texts { query.where("value", .in, texts) }
        try await query.run { row in
            if let profile = try? row.decode(column: "profile_id", as: String.self), let value = try? row.decode(column: "value", as: String.self) { body(profile, value) }
        }
    }

    /// The values of the named traits.
    public func traitValues(named names: Set<String>, of profiles: [String]?, in workspace: WorkspaceID) async throws -> [(profile: String, name: String, value: JSONValue)] {
        guard !names.isEmpty else { return [] }
        var found: [(profile: String, name: String, value: JSONValue)] = []
        try await eachPart(profiles) { part in
            let query = sql.select().columns("profile_id", "name", "value").from("traits").where("workspace_id", .equal, workspace.rawValue)
                .where("name", .in, names.sorted())
            if let part { query.where("profile_id", .in, part) }
            for row in try await query.all() {
                found.append((try row.decode(column: "profile_id", as: String.self), try row.decode(column: "name", as: String.self),
                              (try? JSONValue.parse(try row.decode(column: "value", as: String.self))) ?? .null))
            }
        }
        return found
    }

    /// The named events at or after `since` (all when nil), with their properties for the names in `withProperties`.
    public func eventFacts(named names: Set<String>, since: Int64?, withProperties: Set<String>, of profiles: [String]?,
                           in workspace: WorkspaceID) async throws -> [(profile: String, name: String, fact: EventFact)] {
        guard !names.isEmpty else { return [] }
        var found: [(profile: String, name: String, fact: EventFact)] = []
        try await eachPart(profiles) { part in
            let query = sql.select().columns("profile_id", "name", "timestamp").from("events").where("workspace_id", .equal, workspace.rawValue)
                .where("name", .in, names.sorted())
            if !withProperties.isEmpty { query.column("payload") }
            if let part { query.where("profile_id", .in, part) } else { query.where("profile_id", .isNot, SQLLiteral.null) }
            if let since { query.where("timestamp", .greaterThanOrEqual, since) }
            for row in try await query.all() {
                let name = try row.decode(column: "name", as: String.self)
                var properties: JSONValue?
                if withProperties.contains(name) { properties = (try? JSONValue.parse(try row.decode(column: "payload", as: String.self)))?["properties"] }
                found.append((try row.decode(column: "profile_id", as: String.self), name,
                              EventFact(time: try row.decode(column: "timestamp", as: Int64.self), properties: properties)))
            }
        }
        return found
    }

    /// Every customer's events of one name at or after `since`, streamed as (profile, time), only those whose
    /// properties at each path equal the text given — compared by the database, so no payload leaves it. A path of
    /// plain names is written as the same expression its property index is built on (``Store/ensurePropertyIndex(_:)``),
    /// so the database answers from that index without reading a row; other paths are found in the payload's text
    /// first (far cheaper than parsing it) and parsed only then.
    public func eachEvent(named name: String, since: Int64?, propertiesEqual: [(path: [String], text: String)], in workspace: WorkspaceID,
                          _ body: @escaping @Sendable (String, Int64) -> Void) async throws {
        var filters = SQLQueryString("")
        for (path, text) in propertiesEqual {
            if let expression = Store.propertyExpression(path, engine: engine) {
                filters = filters + " AND \(unsafeRaw: expression) = \(bind: text)"
                continue
            }
            // Payloads are stored as this encoder writes them, so a payload whose property equals the text holds the
            // text's JSON encoding.
            let encoded = JSONValue.string(text).jsonText()
            if engine == .postgres {
                filters = filters + " AND strpos(payload, \(bind: encoded)) > 0"
                filters = filters + " AND CAST(payload AS jsonb) #>> CAST(\(bind: "{" + (["properties"] + path).joined(separator: ",") + "}") AS text[]) = \(bind: text)"
            } else {
                filters = filters + " AND instr(payload, \(bind: encoded)) > 0"
                filters = filters + " AND json_extract(payload, \(bind: "$." + (["properties"] + path).map { "\"\($0)\"" }.joined(separator: "."))) = \(bind: text)"
            }
        }
        let window: SQLQueryString = since.map { " AND timestamp >= \(bind: $0)" } ?? ""
        try await sql.raw("""
            SELECT profile_id, timestamp FROM events WHERE workspace_id = \(bind: workspace.rawValue) AND name = \(bind: name) AND profile_id IS NOT NULL\(window)\(filters)
            """).run { row in
            if let profile = try? row.decode(column: "profile_id", as: String.self), let time = try? row.decode(column: "timestamp", as: Int64.self) { body(profile, time) }
        }
    }

    /// Each scored customer's value tier and churn risk at the last value computation.
    public func valueFacts(of profiles: [String]?, in workspace: WorkspaceID) async throws -> [(profile: String, tier: ValueTier?, churnRisk: Double?)] {
        var found: [(profile: String, tier: ValueTier?, churnRisk: Double?)] = []
        try await eachPart(profiles) { part in
            let query = sql.select().columns("profile_id", "tier", "churn_risk").from("customer_values").where("workspace_id", .equal, workspace.rawValue)
            if let part { query.where("profile_id", .in, part) }
            for row in try await query.all() {
                found.append((try row.decode(column: "profile_id", as: String.self), ValueTier(rawValue: try row.decode(column: "tier", as: String.self)),
                              try row.decode(column: "churn_risk", as: Double?.self)))
            }
        }
        return found
    }

    /// Each customer's latest NPS score (by the time the response was completed), keyed by the profile that answered.
    public func latestNPS(of profiles: [String]?, in workspace: WorkspaceID) async throws -> [String: (score: Int, at: Int64)] {
        var questions: [String: [String]] = [:]
        for row in try await sql.select().columns(Store.surveyColumns).from("surveys").where("workspace_id", .equal, workspace.rawValue).all() {
            let survey = try Survey(row: row)
            let ids = survey.definition.questions.filter { $0.type == .nps }.map(\.id)
            if !ids.isEmpty { questions[survey.id.rawValue] = ids }
        }
        guard !questions.isEmpty else { return [:] }
        var found: [String: (score: Int, at: Int64)] = [:]
        try await eachPart(profiles) { part in
            let query = sql.select().columns(Store.responseColumns).from("survey_responses").where("workspace_id", .equal, workspace.rawValue)
                .where("complete", .equal, Int64(1)).where("survey_id", .in, questions.keys.sorted())
            if let part { query.where("profile_id", .in, part) } else { query.where("profile_id", .isNot, SQLLiteral.null) }
            for row in try await query.all() {
                let response = try SurveyResponse(row: row)
                guard let profile = response.profileID?.rawValue else { continue }
                let at = (response.completedAt ?? response.updatedAt).storageMillis
                for question in questions[response.surveyID.rawValue] ?? [] {
                    guard case .number(let score)? = response.answers[question] else { continue }
                    if at >= found[profile]?.at ?? .min { found[profile] = (Int(score), at) }
                }
            }
        }
        return found
    }

    /// Effective consent to each purpose: the latest statement, or the purpose's mode for those who never made one.
    public func consentFacts(_ purposes: Set<ConsentPurpose>, of profiles: [String]?, in workspace: WorkspaceID) async throws
        -> [ConsentPurpose: (mode: ConsentMode, latest: [String: ConsentRecord.Status])] {
        guard !purposes.isEmpty else { return [:] }
        let modes = try await consentPurposes(in: workspace)
        var found: [ConsentPurpose: (mode: ConsentMode, latest: [String: ConsentRecord.Status])] = [:]
        for purpose in purposes { found[purpose] = (modes[purpose]?.mode ?? .default(for: purpose), [:]) }
        try await eachPart(profiles) { part in
            let query = sql.select().columns("profile_id", "purpose", "status").from("consent_records").where("workspace_id", .equal, workspace.rawValue)
                .where("purpose", .in, purposes.map(\.rawValue).sorted())
            if let part { query.where("profile_id", .in, part) }
            for row in try await query.orderBy("recorded_at").orderBy("id").all() {
                let purpose = ConsentPurpose(rawValue: try row.decode(column: "purpose", as: String.self))
                found[purpose]?.latest[try row.decode(column: "profile_id", as: String.self)] =
                    ConsentRecord.Status(rawValue: try row.decode(column: "status", as: String.self)) ?? .withdrawn
            }
        }
        return found
    }

    /// Each customer's persona at the last persona computation.
    public func personaFacts(of profiles: [String]?, in workspace: WorkspaceID) async throws -> [String: String] {
        var found: [String: String] = [:]
        try await eachPart(profiles) { part in
            let query = sql.select().columns("profile_id", "persona").from("profile_personas").where("workspace_id", .equal, workspace.rawValue)
            if let part { query.where("profile_id", .in, part) }
            for row in try await query.all() { found[try row.decode(column: "profile_id", as: String.self)] = try row.decode(column: "persona", as: String.self) }
        }
        return found
    }

    /// Profiles with a named event that left a window of `days` between `from` and `until` (milliseconds): their
    /// membership may have changed with time alone.
    public func profilesWithEvents(named names: Set<String>, from: Int64, until: Int64, in workspace: WorkspaceID, limit: Int) async throws -> [ProfileID] {
        guard !names.isEmpty, until > from else { return [] }
        return try await sql.select().distinct().column("profile_id").from("events").where("workspace_id", .equal, workspace.rawValue)
            .where("timestamp", .greaterThanOrEqual, from).where("timestamp", .lessThan, until).where("name", .in, names.sorted())
            .where("profile_id", .isNot, SQLLiteral.null).limit(limit).all()
            .map { ProfileID(rawValue: try $0.decode(column: "profile_id", as: String.self)) }
    }

    /// Marks when a segment was last swept for events leaving its windows.
    public func setSegmentSwept(_ segment: SegmentID, at time: Int64, in workspace: WorkspaceID) async throws {
        try await sql.update("segments").set("swept_at", to: time).where("workspace_id", .equal, workspace.rawValue).where("id", .equal, segment.rawValue).run()
    }

    /// Marks every segment of the workspace swept at `time` (one statement).
    public func setSegmentsSwept(at time: Int64, in workspace: WorkspaceID) async throws {
        try await sql.update("segments").set("swept_at", to: time).where("workspace_id", .equal, workspace.rawValue).run()
    }

    public func segmentSweptAt(in workspace: WorkspaceID) async throws -> [SegmentID: Int64] {
        var found: [SegmentID: Int64] = [:]
        for row in try await sql.select().columns("id", "swept_at").from("segments").where("workspace_id", .equal, workspace.rawValue).all() {
            if let at = try row.decode(column: "swept_at", as: Int64?.self) { found[SegmentID(rawValue: try row.decode(column: "id", as: String.self))] = at }
        }
        return found
    }
}

extension Store {
    /// The SQL expression of an event property at a path of plain names (a letter or '_' first, then letters, digits and
    /// '_'; at most four deep): written into the SQL as is — which is safe for such names — because a database uses
    /// an index on an expression only for that same expression. nil for any other path.
    public static func propertyExpression(_ path: [String], engine: DatabaseEngine) -> String? {
        func plain(_ name: String) -> Bool {
            guard let first = name.unicodeScalars.first, name.count <= 64, first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
            return name.unicodeScalars.allSatisfy { $0.isASCII && ($0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0)) }
        }
        guard !path.isEmpty, path.count <= 4, path.allSatisfy(plain) else { return nil }
        return engine == .postgres
            ? "(CAST(payload AS jsonb) #>> '{properties,\(path.joined(separator: ","))}')"
            : "json_extract(payload, '$.properties.\(path.joined(separator: "."))')"
    }

    /// An index over every event's property at this path, by name and time, made once (the first segment that
    /// filters events by it pays for reading every payload; later ones — and each tied event's own write — find it
    /// there). Only paths of plain names (see ``propertyExpression(_:engine:)``); false for others.
    @discardableResult
    public func ensurePropertyIndex(_ path: [String]) async throws -> Bool {
        guard let statement = Self.propertyIndexStatement(path, engine: engine) else { return false }
        try await database.withConnection { sql in try await sql.raw("\(unsafeRaw: statement)").run() }
        return true
    }

    /// `CREATE INDEX IF NOT EXISTS …` for a property path; its name is a stable hash of the path (FNV-1a, 64 bits), so
    /// `Category` and `category` get their own.
    static func propertyIndexStatement(_ path: [String], engine: DatabaseEngine) -> String? {
        guard let expression = propertyExpression(path, engine: engine) else { return nil }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in path.joined(separator: ".").utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        // Only events tied to a customer (the partial condition every segment query states): an event enters the index
        // once, when it is tied, instead of being indexed untied at arrival and moved when tied (each time computing
        // its property again).
        return "CREATE INDEX IF NOT EXISTS events_property_\(String(hash, radix: 16)) ON events (workspace_id, name, \(expression), timestamp, profile_id) "
            + "WHERE profile_id IS NOT NULL"
    }
}


public import CairnCore
public import Foundation
import SQLKit
import Synchronization

// MARK: Definitions

extension Store {
    static let segmentColumns = ["id", "workspace_id", "name", "description", "rule", "member_count", "created_at", "updated_at", "evaluated_at"]

    /// The workspace's segments by name.
    public func segments(in workspace: WorkspaceID) async throws -> [Segment] {
        try await database.withConnection { sql in try await sql.segments(in: workspace) }
    }

    public func segment(id: SegmentID, in workspace: WorkspaceID) async throws -> Segment? {
        try await database.withConnection { sql in
            try await sql.select().columns(Self.segmentColumns).from("segments").where("workspace_id", .equal, workspace.rawValue)
                .where("id", .equal, id.rawValue).first().map(Segment.init(row:))
        }
    }

    /// Deletes a segment with its members, changes and counts; false when the workspace has no such segment.
    public func deleteSegment(_ id: SegmentID, in workspace: WorkspaceID) async throws -> Bool {
        try await transaction { tx in
            let w = workspace.rawValue
            guard try await tx.sql.delete(from: "segments").where("workspace_id", .equal, w).where("id", .equal, id.rawValue).returning("id").first() != nil else { return false }
            for table in ["segment_members", "segment_changes", "segment_counts_daily"] {
                try await tx.sql.delete(from: table).where("workspace_id", .equal, w).where("segment_id", .equal, id.rawValue).run()
            }
            return true
        }
    }

    /// Renames or describes a segment without touching its rule.
    public func renameSegment(_ id: SegmentID, name: String, description: String, at now: Date, in workspace: WorkspaceID) async throws -> Bool {
        try await database.withConnection { sql in
            try await sql.update("segments").set("name", to: name).set("description", to: description).set("updated_at", to: now.storageMillis)
                .where("workspace_id", .equal, workspace.rawValue).where("id", .equal, id.rawValue).returning("id").first() != nil
        }
    }
}

extension TransactionStore {
    public func segments(in workspace: WorkspaceID) async throws -> [Segment] { try await sql.segments(in: workspace) }

    /// Saves a new segment, or a changed rule, name or description of one.
    public func save(_ segment: Segment) async throws {
        try await sql.insert(into: "segments").columns(Store.segmentColumns)
            .values(SQLBind(segment.id.rawValue), SQLBind(segment.workspaceID.rawValue), SQLBind(segment.name), SQLBind(segment.description),
                    SQLBind(segment.rule.json.jsonText()), SQLBind(Int64(segment.memberCount)), SQLBind(segment.createdAt.storageMillis),
                    SQLBind(segment.updatedAt.storageMillis), SQLBind(segment.evaluatedAt?.storageMillis))
            .onConflict(with: ["id"]) {
                $0.set(excludedValueOf: "name").set(excludedValueOf: "description").set(excludedValueOf: "rule").set(excludedValueOf: "member_count")
                    .set(excludedValueOf: "updated_at").set(excludedValueOf: "evaluated_at")
            }
            .run()
    }
}

extension SQLDatabase {
    func segments(in workspace: WorkspaceID) async throws -> [Segment] {
        try await select().columns(Store.segmentColumns).from("segments").where("workspace_id", .equal, workspace.rawValue)
            .orderBy("name").orderBy("id").all().map(Segment.init(row:))
    }
}

extension Segment {
    /// Rules as read from their stored text, by that text: every tied batch reads the workspace's segments. At most
    /// 1,000 are kept.
    private static let rules = Mutex<[String: SegmentRule]>([:])

    static func rule(_ text: String) -> SegmentRule {
        if let known = rules.withLock({ $0[text] }) { return known }
        let rule = (try? SegmentRule.parse(try JSONValue.parse(text))) ?? .all([])
        rules.withLock { cache in
            if cache.count >= 1_000 { cache.removeAll() }
            cache[text] = rule
        }
        return rule
    }

    init(row: any SQLRow) throws {
        let text = try row.decode(column: "rule", as: String.self)
        self.init(id: SegmentID(rawValue: try row.decode(column: "id", as: String.self)),
                  workspaceID: WorkspaceID(rawValue: try row.decode(column: "workspace_id", as: String.self)),
                  name: try row.decode(column: "name", as: String.self), description: try row.decode(column: "description", as: String.self),
                  rule: Self.rule(text),
                  memberCount: Int(try row.decode(column: "member_count", as: Int64.self)),
                  createdAt: Date(storageMillis: try row.decode(column: "created_at", as: Int64.self)),
                  updatedAt: Date(storageMillis: try row.decode(column: "updated_at", as: Int64.self)),
                  evaluatedAt: try row.decode(column: "evaluated_at", as: Int64?.self).map(Date.init(storageMillis:)))
    }
}

// MARK: Members, changes, counts

extension Store {
    /// A segment's members by profile id, a page at a time.
    public func segmentMembers(of segment: SegmentID, in workspace: WorkspaceID, after cursor: String?, limit: Int) async throws -> Page<(profile: ProfileID, enteredAt: Date)> {
        try await database.withConnection { sql in
            let query = sql.select().columns("profile_id", "entered_at").from("segment_members").where("workspace_id", .equal, workspace.rawValue)
                .where("segment_id", .equal, segment.rawValue)
            if let cursor { query.where("profile_id", .greaterThan, cursor) }
            let rows = try await query.orderBy("profile_id").limit(limit + 1).all().map {
                (profile: ProfileID(rawValue: try $0.decode(column: "profile_id", as: String.self)),
                 enteredAt: Date(storageMillis: try $0.decode(column: "entered_at", as: Int64.self)))
            }
            let items = Array(rows.prefix(limit))
            return Page(items: items, nextCursor: rows.count > limit ? items.last?.profile.rawValue : nil)
        }
    }

    /// Every member of a segment (the filters of reports read them).
    public func segmentMemberIDs(of segment: SegmentID, in workspace: WorkspaceID) async throws -> Set<String> {
        try await database.withConnection { sql in try await sql.memberIDs(of: segment, in: workspace) }
    }

    /// The segments a customer is in, with when they entered.
    public func segmentMemberships(of profile: ProfileID, in workspace: WorkspaceID) async throws -> [(segment: SegmentID, enteredAt: Date)] {
        try await database.withConnection { sql in
            try await sql.select().columns("segment_id", "entered_at").from("segment_members").where("workspace_id", .equal, workspace.rawValue)
                .where("profile_id", .equal, profile.rawValue).all().map {
                    (segment: SegmentID(rawValue: try $0.decode(column: "segment_id", as: String.self)),
                     enteredAt: Date(storageMillis: try $0.decode(column: "entered_at", as: Int64.self)))
                }
        }
    }

    /// A customer's latest entries and exits, newest first.
    public func segmentChanges(of profile: ProfileID, in workspace: WorkspaceID, limit: Int) async throws -> [SegmentChange] {
        try await database.withConnection { sql in
            try await sql.raw("""
                SELECT c.id AS id, c.segment_id AS segment_id, c.profile_id AS profile_id, c.kind AS kind, c.at AS at, s.name AS segment_name
                FROM segment_changes c JOIN segments s ON s.workspace_id = c.workspace_id AND s.id = c.segment_id
                WHERE c.workspace_id = \(bind: workspace.rawValue) AND c.profile_id = \(bind: profile.rawValue)
                ORDER BY c.at DESC, c.id DESC LIMIT \(unsafeRaw: String(limit))
                """).all().map(SegmentChange.init(row:))
        }
    }

    /// A segment's entries and exits, newest first.
    public func segmentChanges(of segment: Segment, after cursor: Cursor?, limit: Int) async throws -> Page<SegmentChange> {
        try await database.withConnection { sql in
            let query = sql.select().columns("id", "segment_id", "profile_id", "kind", "at").column(SQLAlias(SQLBind(segment.name), as: SQLIdentifier("segment_name")))
                .from("segment_changes").where("workspace_id", .equal, segment.workspaceID.rawValue).where("segment_id", .equal, segment.id.rawValue)
            let rows = try await Keyset.apply(query, sortColumn: "at", cursor: cursor, direction: .descending, limit: limit).all()
            return Keyset.page(try rows.map(SegmentChange.init(row:)), limit: limit) { Cursor(sortKey: $0.at.storageMillis, id: $0.id) }
        }
    }

    /// A segment's size per day in [fromDay, untilDay] (UTC day numbers), only the days with a change or a build; the
    /// size before the first of them too (as day `fromDay - 1`) when known.
    public func segmentCounts(of segment: SegmentID, in workspace: WorkspaceID, fromDay: Int64, untilDay: Int64) async throws -> [(day: Int64, members: Int, entered: Int, left: Int)] {
        try await database.withConnection { sql in
            func decode(_ row: any SQLRow) throws -> (day: Int64, members: Int, entered: Int, left: Int) {
                (day: try row.decode(column: "day", as: Int64.self), members: Int(try row.decode(column: "members", as: Int64.self)),
                 entered: Int(try row.decode(column: "entered", as: Int64.self)), left: Int(try row.decode(column: "left_count", as: Int64.self)))
            }
            let columns = ["day", "members", "entered", "left_count"]
            var rows = try await sql.select().columns(columns).from("segment_counts_daily").where("workspace_id", .equal, workspace.rawValue)
                .where("segment_id", .equal, segment.rawValue).where("day", .lessThan, fromDay).orderBy("day", .descending).limit(1).all().map(decode)
            rows = rows.map { (day: fromDay - 1, members: $0.members, entered: 0, left: 0) }
            rows += try await sql.select().columns(columns).from("segment_counts_daily").where("workspace_id", .equal, workspace.rawValue)
                .where("segment_id", .equal, segment.rawValue).where("day", .greaterThanOrEqual, fromDay).where("day", .lessThanOrEqual, untilDay)
                .orderBy("day").all().map(decode)
            return rows
        }
    }

    /// Notes customers whose memberships must be decided again (an answer, a consent statement, an erasure).
    public func markSegmentsStale(_ profiles: [ProfileID], in workspace: WorkspaceID, at now: Date) async throws {
        guard !profiles.isEmpty else { return }
        try await database.withConnection { sql in
            for part in Array(Set(profiles)).chunked(into: 400) {
                let insert = sql.insert(into: "segment_stale").columns("workspace_id", "profile_id", "since")
                for profile in part { insert.values(SQLBind(workspace.rawValue), SQLBind(profile.rawValue), SQLBind(now.storageMillis)) }
                try await insert.ignoringConflicts(with: ["workspace_id", "profile_id"]).run()
            }
        }
    }

    /// Workspaces that have segments.
    public func workspacesWithSegments() async throws -> [WorkspaceID] {
        try await database.withConnection { sql in
            try await sql.select().distinct().column("workspace_id").from("segments").all()
                .map { WorkspaceID(rawValue: try $0.decode(column: "workspace_id", as: String.self)) }
        }
    }

    /// Workspaces with customers waiting to be decided again.
    public func workspacesWithStaleSegments() async throws -> [WorkspaceID] {
        try await database.withConnection { sql in
            try await sql.select().distinct().column("workspace_id").from("segment_stale").limit(1_000).all()
                .map { WorkspaceID(rawValue: try $0.decode(column: "workspace_id", as: String.self)) }
        }
    }
}

extension TransactionStore {
    /// Notes customers whose memberships must be decided again, when the workspace has segments at all.
    public func markSegmentsStale(_ profiles: some Collection<ProfileID>, in workspace: WorkspaceID, at now: Date) async throws {
        for profile in Set(profiles).sorted(by: { $0.rawValue < $1.rawValue }) {
            try await sql.raw("""
                INSERT INTO segment_stale (workspace_id, profile_id, since)
                SELECT \(bind: workspace.rawValue), \(bind: profile.rawValue), \(bind: now.storageMillis)
                WHERE EXISTS (SELECT 1 FROM segments WHERE workspace_id = \(bind: workspace.rawValue))
                ON CONFLICT (workspace_id, profile_id) DO NOTHING
                """).run()
        }
    }

    /// Forgets an erased customer's memberships and their history (each segment's size follows).
    public func forgetSegments(of profile: ProfileID, in workspace: WorkspaceID) async throws {
        let w = workspace.rawValue
        let held = try await sql.select().column("segment_id").from("segment_members").where("workspace_id", .equal, w)
            .where("profile_id", .equal, profile.rawValue).all().map { try $0.decode(column: "segment_id", as: String.self) }
        for segment in held {
            try await sql.raw("UPDATE segments SET member_count = member_count - 1 WHERE workspace_id = \(bind: w) AND id = \(bind: segment)").run()
        }
        for table in ["segment_members", "segment_changes", "segment_stale", "profile_personas"] {
            try await sql.delete(from: table).where("workspace_id", .equal, w).where("profile_id", .equal, profile.rawValue).run()
        }
    }

    /// Takes up to `limit` customers waiting to be decided again (they are decided in the same transaction).
    public func takeStaleProfiles(in workspace: WorkspaceID, limit: Int) async throws -> [ProfileID] {
        let ids = try await sql.select().column("profile_id").from("segment_stale").where("workspace_id", .equal, workspace.rawValue)
            .orderBy("since").orderBy("profile_id").limit(limit).all().map { try $0.decode(column: "profile_id", as: String.self) }
        for part in ids.chunked(into: 400) {
            try await sql.delete(from: "segment_stale").where("workspace_id", .equal, workspace.rawValue).where("profile_id", .in, Array(part)).run()
        }
        return ids.map(ProfileID.init(rawValue:))
    }

    /// The segments each customer is in now.
    public func memberships(of profiles: some Collection<ProfileID>, in workspace: WorkspaceID) async throws -> [ProfileID: Set<SegmentID>] {
        var found: [ProfileID: Set<SegmentID>] = [:]
        for part in Array(Set(profiles)).chunked(into: Self.chunk) {
            for row in try await sql.select().columns("profile_id", "segment_id").from("segment_members").where("workspace_id", .equal, workspace.rawValue)
                .where("profile_id", .in, part.map(\.rawValue)).all() {
                found[ProfileID(rawValue: try row.decode(column: "profile_id", as: String.self)), default: []]
                    .insert(SegmentID(rawValue: try row.decode(column: "segment_id", as: String.self)))
            }
        }
        return found
    }

    /// Every member of a segment.
    public func segmentMemberIDs(of segment: SegmentID, in workspace: WorkspaceID) async throws -> Set<String> {
        try await sql.memberIDs(of: segment, in: workspace)
    }

    /// Applies decided entries and exits: members added and removed, each segment's size, the day's counts and — when
    /// `announce` (not for a segment's first build) — a change on each customer's timeline and a signed webhook to
    /// every endpoint that wants `segment.entered` / `segment.left`.
    public func apply(_ changes: [(segment: Segment, profile: ProfileID, kind: SegmentChange.Kind)], announce: Bool, writeMembers: Bool = true,
                      at now: Date, in workspace: WorkspaceID) async throws {
        guard !changes.isEmpty else { return }
        let w = workspace.rawValue, at = now.storageMillis
        var entered: [SegmentID: Int] = [:], left: [SegmentID: Int] = [:]
        var byID: [SegmentID: Segment] = [:]
        for change in changes {
            byID[change.segment.id] = change.segment
            if change.kind == .entered { entered[change.segment.id, default: 0] += 1 } else { left[change.segment.id, default: 0] += 1 }
        }
        let adds = writeMembers ? changes.filter { $0.kind == .entered } : [], removes = writeMembers ? changes.filter { $0.kind == .left } : []
        for part in adds.chunked(into: 1_000) {
            let insert = sql.insert(into: "segment_members").columns("workspace_id", "segment_id", "profile_id", "entered_at")
            for change in part { insert.values(SQLBind(w), SQLBind(change.segment.id.rawValue), SQLBind(change.profile.rawValue), SQLBind(at)) }
            try await insert.ignoringConflicts(with: ["workspace_id", "segment_id", "profile_id"]).run()
        }
        for (segment, group) in Dictionary(grouping: removes, by: { $0.segment.id }) {
            for part in group.chunked(into: 400) {
                try await sql.delete(from: "segment_members").where("workspace_id", .equal, w).where("segment_id", .equal, segment.rawValue)
                    .where("profile_id", .in, part.map(\.profile.rawValue)).run()
            }
        }
        let day = Int64((Double(at) / 86_400_000).rounded(.down))
        for id in Set(entered.keys).union(left.keys).sorted(by: { $0.rawValue < $1.rawValue }) {
            let delta = Int64((entered[id] ?? 0) - (left[id] ?? 0))
            let members = try await sql.raw("""
                UPDATE segments SET member_count = member_count + \(bind: delta) WHERE workspace_id = \(bind: w) AND id = \(bind: id.rawValue) RETURNING member_count
                """).first()?.decode(column: "member_count", as: Int64.self) ?? 0
            try await sql.raw("""
                INSERT INTO segment_counts_daily (workspace_id, segment_id, day, members, entered, left_count)
                VALUES (\(bind: w), \(bind: id.rawValue), \(bind: day), \(bind: members), \(bind: Int64(announce ? entered[id] ?? 0 : 0)), \(bind: Int64(announce ? left[id] ?? 0 : 0)))
                ON CONFLICT (workspace_id, segment_id, day) DO UPDATE SET members = excluded.members,
                    entered = segment_counts_daily.entered + excluded.entered, left_count = segment_counts_daily.left_count + excluded.left_count
                """).run()
        }
        guard announce else { return }
        for part in changes.chunked(into: 200) {
            let insert = sql.insert(into: "segment_changes").columns("id", "workspace_id", "segment_id", "profile_id", "kind", "at")
            for change in part {
                insert.values(SQLBind(EventID.generate().rawValue), SQLBind(w), SQLBind(change.segment.id.rawValue), SQLBind(change.profile.rawValue),
                              SQLBind(change.kind.rawValue), SQLBind(at))
            }
            try await insert.run()
        }
        let endpoints = try await webhookEndpoints(in: workspace)
        guard endpoints.contains(where: { $0.endpoint.events.contains(where: { $0.hasPrefix("segment.") }) }) else { return }
        for change in changes {
            let event = "segment.\(change.kind.rawValue)"
            let payload = JSONValue.object([
                "event": .string(event), "at": .string(now.formatted(.iso8601)), "profileId": .string(change.profile.rawValue),
                "segment": .object(["id": .string(change.segment.id.rawValue), "name": .string(change.segment.name)]),
            ]).jsonText()
            try await queueWebhook(event: event, payload: payload, in: workspace, at: now)
        }
    }

    /// Adds and removes many members of one segment at once (a whole evaluation): the ids travel as one JSON array per
    /// 50,000 and are unpacked by the database (`json_each` on SQLite, `jsonb_array_elements_text` on PostgreSQL), so a
    /// segment of hundreds of thousands is written with a few statements.
    public func changeMembers(of segment: SegmentID, adding: [String], removing: [String], at now: Date, in workspace: WorkspaceID) async throws {
        let w = workspace.rawValue, s = segment.rawValue, at = now.storageMillis
        let unpack = engine == .postgres ? "jsonb_array_elements_text(CAST(" : "json_each(("
        for part in adding.chunked(into: 50_000) {
            let list = JSONValue.array(part.map(JSONValue.string)).jsonText()
            try await sql.raw("""
                INSERT INTO segment_members (workspace_id, segment_id, profile_id, entered_at)
                SELECT \(bind: w), \(bind: s), value, \(bind: at) FROM \(unsafeRaw: unpack)\(bind: list)\(unsafeRaw: engine == .postgres ? " AS jsonb))" : "))") WHERE true
                ON CONFLICT (workspace_id, segment_id, profile_id) DO NOTHING
                """).run()
        }
        for part in removing.chunked(into: 50_000) {
            let list = JSONValue.array(part.map(JSONValue.string)).jsonText()
            try await sql.raw("""
                DELETE FROM segment_members WHERE workspace_id = \(bind: w) AND segment_id = \(bind: s)
                AND profile_id IN (SELECT value FROM \(unsafeRaw: unpack)\(bind: list)\(unsafeRaw: engine == .postgres ? " AS jsonb))" : "))"))
                """).run()
        }
    }

    /// Records a segment's size after a whole evaluation (and when it was evaluated).
    public func setSegmentSize(_ segment: SegmentID, members: Int, evaluatedAt now: Date, in workspace: WorkspaceID) async throws {
        let w = workspace.rawValue
        try await sql.update("segments").set("member_count", to: Int64(members)).set("evaluated_at", to: now.storageMillis)
            .where("workspace_id", .equal, w).where("id", .equal, segment.rawValue).run()
        let day = Int64((Double(now.storageMillis) / 86_400_000).rounded(.down))
        try await sql.raw("""
            INSERT INTO segment_counts_daily (workspace_id, segment_id, day, members, entered, left_count)
            VALUES (\(bind: w), \(bind: segment.rawValue), \(bind: day), \(bind: Int64(members)), 0, 0)
            ON CONFLICT (workspace_id, segment_id, day) DO UPDATE SET members = excluded.members
            """).run()
    }

    /// Removes the memberships of profiles merged into others (their survivor is decided again instead).
    public func dropMembershipsOfMerged(into survivors: some Collection<ProfileID>, in workspace: WorkspaceID, at now: Date) async throws {
        let w = workspace.rawValue
        var gone: [(segment: SegmentID, profile: String)] = []
        for part in Array(Set(survivors)).chunked(into: Self.chunk) {
            let merged = try await sql.select().column("id").from("profiles").where("workspace_id", .equal, w).where("merged_into", .in, part.map(\.rawValue)).all()
                .map { try $0.decode(column: "id", as: String.self) }
            for inner in merged.chunked(into: Self.chunk) {
                gone += try await sql.select().columns("segment_id", "profile_id").from("segment_members").where("workspace_id", .equal, w)
                    .where("profile_id", .in, Array(inner)).all()
                    .map { (segment: SegmentID(rawValue: try $0.decode(column: "segment_id", as: String.self)), profile: try $0.decode(column: "profile_id", as: String.self)) }
            }
        }
        guard !gone.isEmpty else { return }
        for part in gone.chunked(into: Self.chunk) {
            try await sql.delete(from: "segment_members").where("workspace_id", .equal, w).where("profile_id", .in, Array(Set(part.map(\.profile)))).run()
        }
        for (segment, group) in Dictionary(grouping: gone, by: \.segment) {
            try await sql.raw("UPDATE segments SET member_count = member_count - \(bind: Int64(group.count)) WHERE workspace_id = \(bind: w) AND id = \(bind: segment.rawValue)").run()
        }
    }
}

extension SQLDatabase {
    func memberIDs(of segment: SegmentID, in workspace: WorkspaceID) async throws -> Set<String> {
        var found = Set<String>()
        for row in try await select().column("profile_id").from("segment_members").where("workspace_id", .equal, workspace.rawValue)
            .where("segment_id", .equal, segment.rawValue).all() {
            found.insert(try row.decode(column: "profile_id", as: String.self))
        }
        return found
    }
}

extension SegmentChange {
    init(row: any SQLRow) throws {
        self.init(segmentID: SegmentID(rawValue: try row.decode(column: "segment_id", as: String.self)), segmentName: try row.decode(column: "segment_name", as: String.self),
                  profileID: ProfileID(rawValue: try row.decode(column: "profile_id", as: String.self)),
                  kind: SegmentChange.Kind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .entered,
                  at: Date(storageMillis: try row.decode(column: "at", as: Int64.self)), id: try row.decode(column: "id", as: String.self))
    }
}

import CairnAnalytics
import CairnCore
import CairnEngine
import CairnStore
import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOHTTP1
import NIOFoundationEssentialsCompat
import SQLKit

/// The segments part of `cairn bench`:
///
/// 1. **A new segment over many customers.** Customers with traits (country, plan) and a year of events each (orders
///    with a category, product views) are loaded straight into the tables as identity resolution leaves them; a
///    server is started and warmed (its event columns built); then three segments are defined through the API, each
///    timed from request to answer — the whole workspace evaluated and the members stored: a selective one (German
///    customers with two orders in a year), a broad one (no order in 90 days: most customers, so most rows written),
///    and one that filters orders by a property (read from the event table). DuckDB computes the same three
///    memberships on the same rows written to CSV (`scripts/segment-reference.py`) in the same run; the counts must
///    agree.
/// 2. **Twenty segments kept current at the spine's rate.** The realistic tracking traffic of the ingestion part is sent
///    twice to fresh databases — without segments, and with twenty segments using every kind of condition — and the
///    time until every event is tied to its customer (and so every membership decided) is compared.
extension Bench {
    struct SegmentResult {
        var profiles: Int
        var events: Int
        var loadSeconds: Double
        var warmSeconds: Double
        /// name → (members, seconds to evaluate (a preview), seconds to define (evaluated and stored), reference members, reference seconds)
        var builds: [(name: String, members: Int, evaluateSeconds: Double, seconds: Double, reference: Int?, referenceSeconds: Double?)]
        var referenceVersion: String?
        var referenceError: String?
        var peakRSSMiB: Int
        /// Realistic traffic: (segments defined, events, events/s until all tied, entries and exits recorded)
        var spine: [(segments: Int, events: Int, endToEnd: Double, changes: Int)]
    }

    static let segmentCountries = ["DE", "DE", "US", "CN", "IL", "FR", "GB"]
    static let segmentCategories = ["Shoes", "Apparel", "Books", "Home", "Garden"]

    func measureSegments(_ target: BenchDatabase, scratch: String, logger: Logger) async throws -> SegmentResult {
        var result = try await target.withFresh(logger: logger) { location in try await segmentBuilds(location, scratch: scratch, logger: logger) }
        if segmentSpineBatches > 0 {
            for count in [0, 20] {
                say("  segments: realistic traffic (\(segmentSpineBatches) batches of 100) with \(count) segments defined…")
                let workload = IngestWorkload.realistic(batches: segmentSpineBatches, seed: 11, runTag: "seg\(count)-\(UUID().uuidString.prefix(6).lowercased())")
                let run = try await target.withFresh(logger: logger) { location in try await segmentSpine(location, workload: workload, segments: count, logger: logger) }
                result.spine.append(run)
                say("    \(count) segments: \(Int(run.endToEnd)) events/s until every event was tied (\(run.changes) entries and exits)")
            }
        }
        return result
    }

    /// The three rules timed over the loaded customers, with the DuckDB SQL of each.
    static let segmentRules: [(name: String, rule: String)] = [
        ("Loyal Germans", #"{"all":[{"trait":{"name":"country","op":"eq","value":"DE"}},{"event":{"name":"Order Completed","atLeast":2,"withinDays":365}}]}"#),
        ("Lapsed", #"{"not":{"event":{"name":"Order Completed","withinDays":90}}}"#),
        ("Shoe buyers this half-year", #"{"event":{"name":"Order Completed","atLeast":1,"withinDays":182,"where":[{"property":"category","op":"eq","value":"Shoes"}]}}"#),
    ]

    func segmentBuilds(_ location: DatabaseLocation, scratch: String, logger: Logger) async throws -> SegmentResult {
        let seed = try await BenchSeed.create(in: location, logger: logger)
        let database = try CairnDatabase.open(location, logger: logger)
        let people = max(1, segmentProfiles)
        let now = Date().storageMillis
        let loadStart = ContinuousClock.now
        let w = seed.workspace.rawValue, s = seed.source.id.rawValue
        let profilesPath = scratch + "/segment-profiles.csv", eventsPath = scratch + "/segment-events.csv"
        FileManager.default.createFile(atPath: profilesPath, contents: nil)
        FileManager.default.createFile(atPath: eventsPath, contents: nil)
        guard let profilesCSV = FileHandle(forWritingAtPath: profilesPath), let eventsCSV = FileHandle(forWritingAtPath: eventsPath) else {
            throw BenchFailure("cannot write the segment CSV files in \(scratch)")
        }
        defer { try? profilesCSV.close(); try? eventsCSV.close() }
        profilesCSV.write(Data("profile,country\n".utf8))
        eventsCSV.write(Data("profile,name,t,category\n".utf8))
        var random = SplitMix64(seed: 20)
        var events = 0
        do {
            let chunk = 1_000
            for start in stride(from: 0, to: people, by: chunk) {
                let range = start..<min(people, start + chunk)
                var profileRows: [[any SQLExpression]] = [], traitRows: [[any SQLExpression]] = [], eventRows: [[any SQLExpression]] = []
                var profileLines = "", eventLines = ""
                for n in range {
                    let id = ProfileID.generate().rawValue
                    let country = Self.segmentCountries[Int(random.next() % UInt64(Self.segmentCountries.count))]
                    let first = now - 400 * 86_400_000 + Int64(random.next() % (30 * 86_400_000))
                    profileRows.append([SQLBind(id), SQLBind(w), SQLBind(first), SQLBind(now), SQLBind(#"["web"]"#), SQLBind(nil as String?)])
                    let identify = EventID.generate().rawValue
                    for (name, value) in [("country", "\"\(country)\""), ("plan", random.next() % 3 == 0 ? "\"premium\"" : "\"free\""), ("name", "\"Person \(n)\"")] {
                        traitRows.append([SQLBind(w), SQLBind(id), SQLBind(name), SQLBind(value), SQLBind("web"), SQLBind(s), SQLBind(first), SQLBind(identify)])
                    }
                    profileLines += "\(id),\(country)\n"
                    // A year of events: 0–4 orders (a category each), 1–4 product views.
                    let orders = Int(random.next() % 5), views = Int(random.next() % 4) + 1
                    for index in 0..<(orders + views) {
                        let isOrder = index < orders
                        // Whole days back, 6–18 hours into the day: no event sits within hours of a window's edge, so the
                        // minutes between loading and defining change no count.
                        let time = now - Int64(random.next() % 365) * 86_400_000 - 21_600_000 - Int64(random.next() % 43_200_000)
                        let category = Self.segmentCategories[Int(random.next() % UInt64(Self.segmentCategories.count))]
                        let name = isOrder ? "Order Completed" : "Product Viewed"
                        // As a website's SDK sends it (about 680 bytes), with the category the reference reads.
                        let payload = Self.payload(name: name, person: n, random: &random, channel: "web", category: category)
                        eventRows.append([SQLBind(EventID.generate().rawValue), SQLBind(w), SQLBind(s), SQLBind("sg-\(events)"), SQLBind("track"), SQLBind(name),
                                          SQLBind("user-\(n)"), SQLBind(nil as String?), SQLBind("web"), SQLBind(time), SQLBind(time), SQLBind(payload), SQLBind(id), SQLBind(time)])
                        eventLines += "\(id),\(name),\(time),\(category)\n"
                        events += 1
                    }
                }
                let (p, t, e) = (profileRows, traitRows, eventRows)
                try await database.transaction { sql in
                    try await sql.insert(into: "profiles").columns("id", "workspace_id", "first_seen_at", "last_seen_at", "channels", "merged_into").rows(p).run()
                    for part in stride(from: 0, to: t.count, by: 1_000) {
                        try await sql.insert(into: "traits").columns("workspace_id", "profile_id", "name", "value", "channel", "source_id", "observed_at", "event_id")
                            .rows(Array(t[part..<min(t.count, part + 1_000)])).run()
                    }
                    for part in stride(from: 0, to: e.count, by: 1_000) {
                        try await sql.insert(into: "events").columns("id", "workspace_id", "source_id", "message_id", "kind", "name", "user_id", "anonymous_id", "channel",
                                                                     "timestamp", "received_at", "payload", "profile_id", "resolved_at")
                            .rows(Array(e[part..<min(e.count, part + 1_000)])).run()
                    }
                }
                profilesCSV.write(Data(profileLines.utf8))
                eventsCSV.write(Data(eventLines.utf8))
                if start % 100_000 == 0 && start > 0 { say("    \(start) customers loaded…") }
            }
            if database.engine == .postgres { try await database.withConnection { sql in try await sql.raw("ANALYZE").run() } }
            try await database.shutdown()
        } catch {
            try? await database.shutdown()
            throw error
        }
        let loadSeconds = seconds(ContinuousClock.now - loadStart)
        say("    \(people) customers and \(events) events loaded in \(String(format: "%.0f", loadSeconds)) s")

        // A key that may define segments.
        let store = Store(database: try CairnDatabase.open(location, logger: logger))
        let console = Principal(workspaceID: seed.workspace, kind: .operatorConsole, role: .admin)
        let manager = try await Administration(store: store, passwordHasher: PasswordHasher(), logger: logger)
            .createKey(kind: .secret, name: "segments", role: .manager, by: console, origin: .console).token
        try await store.shutdown()

        let server = try await BenchServer.start(database: location, logger: logger)
        do {
            let connection = try await LoadConnection.connect(host: "127.0.0.1", port: server.port, group: MultiThreadedEventLoopGroup.singleton)
            let headers = [("Authorization", "Bearer \(manager)"), ("Content-Type", "application/json")]
            // Warm: a preview builds the event columns (the server also builds them at start).
            let warmStart = ContinuousClock.now
            let (warmStatus, warmBody) = try await connection.send(.POST, "/api/v1/segments/preview", headers: headers,
                                                                   body: ByteBuffer(string: #"{"rule":{"event":{"name":"Product Viewed","withinDays":7}}}"#))
            guard warmStatus == 200 else { throw BenchFailure("the preview answered \(warmStatus): \(String(buffer: warmBody).prefix(300))") }
            let warmSeconds = seconds(ContinuousClock.now - warmStart)
            var builds: [(name: String, members: Int, evaluateSeconds: Double, seconds: Double, reference: Int?, referenceSeconds: Double?)] = []
            for (name, rule) in Self.segmentRules {
                // Evaluated alone (a preview: who would belong, nothing stored), then defined (evaluated and stored).
                let asked = ContinuousClock.now
                let (previewStatus, previewBody) = try await connection.send(.POST, "/api/v1/segments/preview", headers: headers, body: ByteBuffer(string: #"{"rule":\#(rule)}"#))
                let evaluated = seconds(ContinuousClock.now - asked)
                guard previewStatus == 200 else { throw BenchFailure("previewing \(name) answered \(previewStatus): \(String(buffer: previewBody).prefix(300))") }
                let sent = ContinuousClock.now
                let (status, answer) = try await connection.send(.POST, "/api/v1/segments", headers: headers,
                                                                 body: ByteBuffer(string: #"{"name":"\#(name)","rule":\#(rule)}"#))
                let took = seconds(ContinuousClock.now - sent)
                guard status == 201 else { throw BenchFailure("defining \(name) answered \(status): \(String(buffer: answer).prefix(300))") }
                let json = try JSONSerialization.jsonObject(with: Data(buffer: answer)) as? [String: Any]
                builds.append((name, (json?["memberCount"] as? Int) ?? -1, evaluated, took, nil, nil))
                say("    \(name): \(builds.last!.members) members, evaluated in \(String(format: "%.2f", evaluated)) s, defined (stored) in \(String(format: "%.2f", took)) s")
            }
            await connection.close()
            let peak = server.residentMiB().peak
            try await server.stop()
            try? profilesCSV.close()
            try? eventsCSV.close()
            // The reference: DuckDB on the same rows.
            var result = SegmentResult(profiles: people, events: events, loadSeconds: loadSeconds, warmSeconds: warmSeconds, builds: builds, peakRSSMiB: peak, spine: [])
            do {
                let found = try Self.segmentReference(python: referencePython, profiles: profilesPath, events: eventsPath, now: now)
                result.referenceVersion = found.version
                for (index, build) in builds.enumerated() where index < found.counts.count {
                    result.builds[index] = (build.name, build.members, build.evaluateSeconds, build.seconds, found.counts[index], found.seconds[index])
                }
            } catch {
                result.referenceError = String(describing: error).prefix(300).description
            }
            return result
        } catch {
            try? await server.stop()
            throw error
        }
    }

    static func segmentReference(python: String, profiles: String, events: String, now: Int64) throws -> (counts: [Int], seconds: [Double], version: String) {
        let script = URL(fileURLWithPath: "scripts/segment-reference.py").path
        guard FileManager.default.fileExists(atPath: script) else { throw BenchFailure("scripts/segment-reference.py is not here (run from the repository)") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, script, profiles, events, String(now)]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0, let json = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw BenchFailure("segment-reference.py failed: \(String(decoding: errors, as: UTF8.self).suffix(300))")
        }
        return ((json["counts"] as? [Int]) ?? [], (json["seconds"] as? [Double]) ?? [], (json["duckdb"] as? String) ?? "?")
    }

    /// Twenty rules over what the realistic traffic carries, one of each kind of condition at least.
    static let spineRules: [String] = [
        #"{"trait":{"name":"plan","op":"eq","value":"premium"}}"#,
        #"{"trait":{"name":"plan","op":"in","value":["plus","premium"]}}"#,
        #"{"event":{"name":"Order Completed","atLeast":1,"withinDays":30}}"#,
        #"{"event":{"name":"Order Completed","atLeast":3,"withinDays":365}}"#,
        #"{"event":{"name":"Product Viewed","atLeast":5,"withinDays":7}}"#,
        #"{"not":{"event":{"name":"Order Completed","withinDays":90}}}"#,
        #"{"all":[{"event":{"name":"Cart Viewed","withinDays":1}},{"not":{"event":{"name":"Order Completed","withinDays":1}}}]}"#,
        #"{"event":{"name":"Support Case Opened","atLeast":1,"withinDays":30}}"#,
        #"{"event":{"name":"Order Refunded","atLeast":1,"withinDays":90}}"#,
        #"{"event":{"name":"Delivery Completed","atLeast":1,"withinDays":30}}"#,
        #"{"event":{"name":"Survey Responded","atLeast":1,"withinDays":90}}"#,
        #"{"all":[{"event":{"name":"Checkout Started","withinDays":7}},{"not":{"event":{"name":"Order Completed","withinDays":7}}}]}"#,
        #"{"any":[{"trait":{"name":"plan","op":"eq","value":"premium"}},{"event":{"name":"Order Completed","atLeast":2,"withinDays":30}}]}"#,
        #"{"consent":{"purpose":"marketing_email","granted":true}}"#,
        #"{"nps":["detractor"]}"#,
        #"{"valueTier":["top"]}"#,
        #"{"churnRisk":{"atLeast":0.5}}"#,
        #"{"event":{"name":"Product Added","atLeast":1,"withinDays":30,"where":[{"property":"currency","op":"eq","value":"EUR"}]}}"#,
        #"{"all":[{"segment":"{s2}"},{"trait":{"name":"plan","op":"eq","value":"premium"}}]}"#,
        #"{"all":[{"not":{"segment":"{s5}"}},{"event":{"name":"Product Added","atLeast":1,"withinDays":30}}]}"#,
    ]

    func segmentSpine(_ location: DatabaseLocation, workload: IngestWorkload, segments count: Int, logger: Logger) async throws -> (segments: Int, events: Int, endToEnd: Double, changes: Int) {
        // The segments are defined on the empty workspace (in process), then the traffic is sent as the ingestion part does.
        let seeded = try await BenchSeed.create(in: location, logger: logger)
        if count > 0 {
            let store = Store(database: try CairnDatabase.open(location, logger: logger))
            let console = Principal(workspaceID: seeded.workspace, kind: .operatorConsole, role: .admin)
            let segments = Segments(store: store, columns: EventColumns(store: store))
            var ids: [SegmentID] = []
            for (index, rule) in Self.spineRules.prefix(count).enumerated() {
                var text = rule
                for (n, id) in ids.enumerated() { text = text.replacingOccurrences(of: "{s\(n)}", with: id.rawValue) }
                ids.append(try await segments.create(name: "Segment \(index + 1)", description: nil, rule: try JSONValue.parse(text), by: console).id)
            }
            try await store.shutdown()
        }
        let run = try await ingest(into: location, workload: workload, logger: logger, seed: seeded)
        let database = try CairnDatabase.open(location, logger: logger)
        let changes = try await database.withConnection { sql in
            Int(try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("segment_changes").first()?.decode(column: "n", as: Int64.self) ?? 0)
        }
        try await database.shutdown()
        guard let resolved = run.resolutionSeconds else { throw BenchFailure("resolution did not catch up within \(resolutionTimeout) s (\(run.unresolvedLeft) left)") }
        let events = Double(workload.bodies.count * workload.eventsPerBatch)
        return (count, Int(events), events / resolved, changes)
    }
}

import CairnAnalytics
import CairnCore
import CairnEngine
import CairnStore
import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOHTTP1
import SQLKit
import NIOFoundationEssentialsCompat

/// The journeys part of `cairn bench`: a year of events of many people (realistic track payloads of about 680 bytes)
/// loaded straight into the event store as identity resolution leaves them (each tied to its person), then through the
/// API, one request at a time after one to warm up (which builds the event columns): the 4-step funnel with a 7-day
/// window, daily active people over the year, and the year's journey map (the standard journey) — and the same three in
/// DuckDB SQL and in pandas on the same events (`scripts/funnel-reference.py`, run by the Python given with
/// `--reference-python`), whose results must equal Cairn's.
extension Bench {
    struct FunnelResult {
        var events: Int
        var people: Int
        var loadSeconds: Double
        var latency: LatencySummary
        var samples: Int
        var counts: [Int]
        /// name → (counts, seconds, version); nil counts with an error.
        var references: [(name: String, counts: [Int]?, seconds: Double?, version: String?, error: String?)]
        var memoryMiB: (current: Int, peak: Int)
        /// The first request: it builds the event columns (one scan of the table).
        var firstSeconds: Double
        var activeLatency: LatencySummary
        var activeCounts: [Int]
        var mapLatency: LatencySummary
        var mapReached: [Int]
        var mapWentOn: [Int]
        /// Per reference: active people per day, the map's reached and went-on, and the seconds of each.
        var otherReferences: [(name: String, active: [Int]?, activeSeconds: Double?, reached: [Int]?, wentOn: [Int]?, mapSeconds: Double?)]
    }

    static let funnelSteps = ["Product Viewed", "Product Added", "Checkout Started", "Order Completed"]

    func measureFunnel(_ target: BenchDatabase, scratch: String, logger: Logger) async throws -> FunnelResult {
        try await target.withFresh(logger: logger) { location in
            let seed = try await BenchSeed.create(in: location, logger: logger)
            let database = try CairnDatabase.open(location, logger: logger)
            let loadStart = ContinuousClock.now
            let workspace = seed.workspace.rawValue
            let source = seed.source.id.rawValue
            let now = Date()
            let yearAgo = now.addingTimeInterval(-365 * 86_400)
            var random = SplitMix64(seed: 18)
            let people = max(1, funnelPeople)
            let personIDs = (0..<people).map { _ in ProfileID.generate().rawValue }
            let csvPath = scratch + "/funnel-events.csv"
            FileManager.default.createFile(atPath: csvPath, contents: nil)
            guard let csv = FileHandle(forWritingAtPath: csvPath) else { throw BenchFailure("cannot write \(csvPath)") }
            defer { try? csv.close() }
            csv.write(Data("person,t,step,name\n".utf8))
            let channels = ["web", "web", "app", "store", "call_center"]
            let others = Self.otherEvents
            do {
                // Each event is a step of the funnel or something else a customer does (half of them), at a time in the
                // year; a person's step events tend to follow each other (a visit of a few hours), often not all.
                var rows: [[any SQLExpression]] = [], lines = ""
                var written = 0
                func flush() async throws {
                    guard !rows.isEmpty else { return }
                    let batch = rows
                    try await database.transaction { sql in
                        try await sql.insert(into: "events").columns("id", "workspace_id", "source_id", "message_id", "kind", "name", "user_id", "anonymous_id", "channel",
                                                                     "timestamp", "received_at", "payload", "profile_id", "resolved_at")
                            .rows(batch).run()
                    }
                    rows.removeAll(keepingCapacity: true)
                    csv.write(Data(lines.utf8))
                    lines = ""
                }
                while written < funnelEvents {
                    let person = Int(random.next() % UInt64(people))
                    let visit = yearAgo.addingTimeInterval(Double(random.next() % 31_536_000)).storageMillis
                    // A visit: from step 1 on, each next step with probability 0.6, minutes to days apart; other events around.
                    var time = visit
                    var step = random.next() % 3 == 0 ? 1 : 0
                    let length = Int(random.next() % 6) + 2
                    for _ in 0..<length where written < funnelEvents {
                        let name: String
                        var stepNumber = 0
                        if step >= 1 && step <= 4 && random.next() % 2 == 0 {
                            name = Self.funnelSteps[step - 1]
                            stepNumber = step
                            step = random.next() % 10 < 6 ? step + 1 : 5
                        } else {
                            name = others[Int(random.next() % UInt64(others.count))]
                            if step == 0 && random.next() % 4 == 0 { step = 1 }
                        }
                        time += Int64(random.next() % 3_600_000) + (random.next() % 20 == 0 ? Int64(random.next() % 864_000_000) : 0)
                        let id = EventID.generate().rawValue
                        let payload = Self.payload(name: name, person: person, random: &random, channel: channels[Int(random.next() % 5)])
                        rows.append([SQLBind(id), SQLBind(workspace), SQLBind(source), SQLBind("fb-\(written)"), SQLBind("track"), SQLBind(name), SQLBind("user-\(person)"),
                                     SQLBind(nil as String?), SQLBind(channels[Int(random.next() % 5)]), SQLBind(time), SQLBind(time), SQLBind(payload),
                                     SQLBind(personIDs[person]), SQLBind(time)])
                        lines += "\(personIDs[person]),\(time),\(stepNumber),\(Self.benchNames.firstIndex(of: name) ?? -1)\n"
                        written += 1
                        if rows.count == 2_000 { try await flush() }
                    }
                }
                try await flush()
                if database.engine == .postgres { try await database.withConnection { sql in try await sql.raw("ANALYZE").run() } }
            } catch {
                try? await database.shutdown()
                throw error
            }
            let loadSeconds = seconds(ContinuousClock.now - loadStart)
            try await database.shutdown()

            let from = Date(utcDay: yearAgo.utcDay), until = Date(utcDay: now.utcDay + 1)
            let server = try await BenchServer.start(database: location, logger: logger)
            do {
                let connection = try await LoadConnection.connect(host: "127.0.0.1", port: server.port, group: MultiThreadedEventLoopGroup.singleton)
                let headers = [("Authorization", "Bearer \(seed.secretKey)"), ("Content-Type", "application/json")]
                let body = #"{"steps":[\#(Self.funnelSteps.map { #"{"event":"\#($0)"}"# }.joined(separator: ","))],"windowMinutes":10080,"#
                    + #""from":"\#(from.formatted(.iso8601.year().month().day()))","until":"\#(until.formatted(.iso8601.year().month().day()))"}"#
                var samples: [Double] = []
                var counts: [Int] = []
                var firstSeconds = 0.0
                for round in 0...funnelRounds {
                    let sent = ContinuousClock.now
                    let (status, answer) = try await connection.send(.POST, "/api/v1/funnels/query", headers: headers, body: ByteBuffer(string: body))
                    guard status == 200 else { throw BenchFailure("the funnel answered \(status): \(String(buffer: answer).prefix(300))") }
                    if round > 0 { samples.append(seconds(ContinuousClock.now - sent)) } else { firstSeconds = seconds(ContinuousClock.now - sent) }
                    let json = try JSONSerialization.jsonObject(with: Data(buffer: answer)) as? [String: Any]
                    counts = ((json?["steps"] as? [[String: Any]]) ?? []).compactMap { $0["people"] as? Int }
                }
                let period = "from=\(from.formatted(.iso8601.year().month().day()))&until=\(until.formatted(.iso8601.year().month().day()))"
                func timed(_ path: String) async throws -> (samples: [Double], json: [String: Any]) {
                    var samples: [Double] = []
                    var json: [String: Any] = [:]
                    for round in 0...funnelRounds {
                        let sent = ContinuousClock.now
                        let (status, answer) = try await connection.send(.GET, path, headers: headers, body: nil)
                        guard status == 200 else { throw BenchFailure("\(path) answered \(status): \(String(buffer: answer).prefix(300))") }
                        if round > 0 { samples.append(seconds(ContinuousClock.now - sent)) }
                        json = (try JSONSerialization.jsonObject(with: Data(buffer: answer)) as? [String: Any]) ?? [:]
                    }
                    return (samples, json)
                }
                let active = try await timed("/api/v1/insights/active-people?period=day&" + period)
                let activeCounts = ((active.json["points"] as? [[String: Any]]) ?? []).compactMap { $0["people"] as? Int }
                let map = try await timed("/api/v1/journeys/standard/map?" + period)
                let stages = (map.json["stages"] as? [[String: Any]]) ?? []
                let reached = stages.compactMap { $0["people"] as? Int }
                let wentOn = stages.dropLast().map { (($0["conversionToNext"] as? [String: Any])?["successes"] as? Int) ?? 0 }
                await connection.close()
                let memory = server.residentMiB()
                try await server.stop()
                // The standard journey's stages as the bench's name indices.
                let standard = JourneyDefinition.standard(at: now).stages.map { stage in stage.events.compactMap { Self.benchNames.firstIndex(of: $0) } }
                let spec: [String: Any] = ["steps": Self.funnelSteps.count, "window": 10080 * 60_000, "latestStart": until.storageMillis,
                                           "from": from.storageMillis, "until": until.storageMillis, "stages": standard]
                let (references, others) = try Self.funnelReferences(python: referencePython, csv: csvPath, spec: spec)
                return FunnelResult(events: funnelEvents, people: people, loadSeconds: loadSeconds, latency: LatencySummary(samples), samples: samples.count,
                                    counts: counts, references: references, memoryMiB: memory, firstSeconds: firstSeconds,
                                    activeLatency: LatencySummary(active.samples), activeCounts: activeCounts, mapLatency: LatencySummary(map.samples),
                                    mapReached: reached, mapWentOn: wentOn, otherReferences: others)
            } catch {
                try? await server.stop()
                throw error
            }
        }
    }

    static let otherEvents = ["Page Viewed", "Search Performed", "Support Case Opened", "Newsletter Opened"]
    static var benchNames: [String] { funnelSteps + otherEvents }

    /// A track call as a website's SDK sends it (about 680 bytes): the event with a product's properties, the page, the
    /// device, the campaign.
    static func payload(name: String, person: Int, random: inout SplitMix64, channel: String, category: String = "Kitchen/Small appliances") -> String {
        let sku = random.next() % 500, price = random.next() % 20_000
        return #"{"type":"track","event":"\#(name)","userId":"user-\#(person)","properties":{"sku":"SKU-\#(sku)","product_id":"p-\#(sku)","name":"Product \#(sku)","#
            + #""category":"\#(category)","price":\#(price),"currency":"EUR","quantity":\#(1 + random.next() % 3),"position":\#(random.next() % 24)},"#
            + #""context":{"channel":"\#(channel)","ip":"203.0.113.\#(random.next() % 250)","locale":"de-DE","timezone":"Europe/Berlin","#
            + #""library":{"name":"analytics.js","version":"4.1.0"},"page":{"path":"/p/\#(sku)","referrer":"https://search.example/?q=blender","#
            + #""title":"Product \#(sku) – Shop","url":"https://shop.example/p/\#(sku)"},"#
            + #""userAgent":"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36","#
            + #""campaign":{"name":"winter","source":"newsletter","medium":"email"}},"messageId":"m-\#(random.next() % 1_000_000_000)","#
            + #""timestamp":"2026-01-01T00:00:00.000Z","sentAt":"2026-01-01T00:00:01.000Z"}"#
    }

    /// Runs scripts/funnel-reference.py; an engine that is not installed is reported as such.
    static func funnelReferences(python: String, csv: String, spec: [String: Any]) throws
        -> ([(name: String, counts: [Int]?, seconds: Double?, version: String?, error: String?)],
            [(name: String, active: [Int]?, activeSeconds: Double?, reached: [Int]?, wentOn: [Int]?, mapSeconds: Double?)]) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, "scripts/funnel-reference.py", csv, String(decoding: try JSONSerialization.data(withJSONObject: spec), as: UTF8.self)]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        do { try process.run() } catch { return ([("DuckDB and pandas", nil, nil, nil, "could not start \(python): \(error)")], []) }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0, let json = try JSONSerialization.jsonObject(with: data) as? [String: [String: Any]] else {
            return ([("DuckDB and pandas", nil, nil, nil, "scripts/funnel-reference.py exited with \(process.terminationStatus)")], [])
        }
        var funnels: [(name: String, counts: [Int]?, seconds: Double?, version: String?, error: String?)] = []
        var others: [(name: String, active: [Int]?, activeSeconds: Double?, reached: [Int]?, wentOn: [Int]?, mapSeconds: Double?)] = []
        for name in ["duckdb", "pandas"] {
            let entry = json[name] ?? [:]
            let label = name == "duckdb" ? "DuckDB" : "pandas"
            let funnel = entry["funnel"] as? [String: Any], dau = entry["dau"] as? [String: Any], map = entry["map"] as? [String: Any]
            funnels.append((label, funnel?["counts"] as? [Int], funnel?["seconds"] as? Double, entry["version"] as? String, entry["error"] as? String))
            others.append((label, dau?["counts"] as? [Int], dau?["seconds"] as? Double, map?["reached"] as? [Int], map?["wentOn"] as? [Int], map?["seconds"] as? Double))
        }
        return (funnels, others)
    }
}

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

/// The funnel part of `cairn bench`: a year of events of many people loaded straight into the event store as
/// identity resolution leaves them (each tied to its person), then the 4-step funnel with a 7-day window through the
/// API, one request at a time — and the same definition in DuckDB SQL and in pandas on the same events
/// (`scripts/funnel-reference.py`, run by the Python given with `--reference-python`), whose counts must equal Cairn's.
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
            csv.write(Data("person,t,step\n".utf8))
            let channels = ["web", "web", "app", "store", "call_center"]
            let others = ["Page Viewed", "Search Performed", "Support Case Opened", "Newsletter Opened"]
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
                        let payload = #"{"type":"track","event":"\#(name)","properties":{"sku":"SKU-\#(random.next() % 500)","price":\#(random.next() % 20_000) },"context":{"channel":"\#(channels[Int(random.next() % 5)])"}}"#
                        rows.append([SQLBind(id), SQLBind(workspace), SQLBind(source), SQLBind("fb-\(written)"), SQLBind("track"), SQLBind(name), SQLBind("user-\(person)"),
                                     SQLBind(nil as String?), SQLBind(channels[Int(random.next() % 5)]), SQLBind(time), SQLBind(time), SQLBind(payload),
                                     SQLBind(personIDs[person]), SQLBind(time)])
                        if stepNumber > 0 { lines += "\(personIDs[person]),\(time),\(stepNumber)\n" }
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
                for round in 0...funnelRounds {
                    let sent = ContinuousClock.now
                    let (status, answer) = try await connection.send(.POST, "/api/v1/funnels/query", headers: headers, body: ByteBuffer(string: body))
                    guard status == 200 else { throw BenchFailure("the funnel answered \(status): \(String(buffer: answer).prefix(300))") }
                    if round > 0 { samples.append(seconds(ContinuousClock.now - sent)) }
                    let json = try JSONSerialization.jsonObject(with: Data(buffer: answer)) as? [String: Any]
                    counts = ((json?["steps"] as? [[String: Any]]) ?? []).compactMap { $0["people"] as? Int }
                }
                await connection.close()
                let memory = server.residentMiB()
                try await server.stop()
                let references = try Self.funnelReferences(python: referencePython, csv: csvPath, window: 10080 * 60_000, latestStart: until.storageMillis)
                return FunnelResult(events: funnelEvents, people: people, loadSeconds: loadSeconds, latency: LatencySummary(samples), samples: samples.count,
                                    counts: counts, references: references, memoryMiB: memory)
            } catch {
                try? await server.stop()
                throw error
            }
        }
    }

    /// Runs scripts/funnel-reference.py; an engine that is not installed is reported as such.
    static func funnelReferences(python: String, csv: String, window: Int64, latestStart: Int64) throws
        -> [(name: String, counts: [Int]?, seconds: Double?, version: String?, error: String?)] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, "scripts/funnel-reference.py", csv, String(funnelSteps.count), String(window), String(latestStart)]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        do { try process.run() } catch { return [("DuckDB and pandas", nil, nil, nil, "could not start \(python): \(error)")] }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0, let json = try JSONSerialization.jsonObject(with: data) as? [String: [String: Any]] else {
            return [("DuckDB and pandas", nil, nil, nil, "scripts/funnel-reference.py exited with \(process.terminationStatus)")]
        }
        return ["duckdb", "pandas"].map { name in
            let entry = json[name] ?? [:]
            return (name == "duckdb" ? "DuckDB" : "pandas", entry["counts"] as? [Int], entry["seconds"] as? Double, entry["version"] as? String, entry["error"] as? String)
        }
    }
}

import CairnCore
import CairnStore
import Foundation
import Logging
import SQLKit

/// The durability half of `cairn bench`: realistic batches offered at the lag target's rate, the server killed with
/// SIGKILL in the middle, and every event of every batch it acknowledged looked for in the database.
extension Bench {
    struct KillResult {
        var offeredPerSecond: Int
        var killedAfterSeconds: Double
        var acknowledgedBatches: Int
        var acknowledgedEvents: Int
        var lost: Int
    }

    func measureKill(_ target: BenchDatabase, rate: Int, logger: Logger) async throws -> KillResult {
        try await target.withFresh(logger: logger) { location in
            let batchesPerSecond = Double(rate) / 100
            let killAfter = Double(max(2, lagSeconds / 4))
            let total = Int(batchesPerSecond * killAfter * 2)
            let workload = IngestWorkload.realistic(batches: total, seed: UInt64(rate) + 7, runTag: "kill\(rate)-\(UUID().uuidString.prefix(6).lowercased())", perSecond: batchesPerSecond)
            let seed = try await BenchSeed.create(in: location, logger: logger)
            let server = try await BenchServer.start(database: location, logger: logger)
            let headers = [("Content-Type", "application/json"), ("Authorization", "Basic " + Data("\(seed.writeKey):".utf8).base64EncodedString())]
            let bodies = workload.bodies
            let killer = Task {
                try await Task.sleep(for: .milliseconds(Int64(killAfter * 1000)))
                kill(server.process.processIdentifier, SIGKILL)
            }
            // Open loop as in the lag run; a connection ends at its first error (the server is gone).
            let acked = try await postBatches(bodies, port: server.port, headers: headers, connections: max(8, connections), perSecond: batchesPerSecond,
                                              untilGone: true).acknowledged
            try? await killer.value
            _ = try? await server.stop()
            var wanted: Set<String> = []
            for index in acked {
                guard case .array(let events)? = try JSONValue.parse(bodies[index])["batch"] else { continue }
                for event in events { if let id = event["messageId"]?.stringValue { wanted.insert(id) } }
            }
            let database = try CairnDatabase.open(location, logger: logger)
            let stored = try await database.withConnection { sql in
                Set(try await sql.select().column("message_id").from("events").where("workspace_id", .equal, seed.workspace.rawValue).all()
                    .map { try $0.decode(column: "message_id", as: String.self) })
            }
            try await database.shutdown()
            return KillResult(offeredPerSecond: rate, killedAfterSeconds: killAfter, acknowledgedBatches: acked.count, acknowledgedEvents: wanted.count,
                              lost: wanted.subtracting(stored).count)
        }
    }
}

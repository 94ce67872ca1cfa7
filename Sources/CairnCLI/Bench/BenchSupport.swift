import CairnCore
import CairnEngine
import CairnStore
import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLKit
import Synchronization
import NIOHTTP1

/// Where a benchmark's fresh databases are made.
enum BenchDatabase {
    case sqlite(directory: URL)
    /// A server URL whose user may create databases; each fresh database is made there and dropped afterwards.
    case postgres(adminURL: String)

    func fresh(logger: Logger) async throws -> DatabaseLocation {
        let name = "cairn_bench_\(UUID().uuidString.prefix(8).lowercased())"
        switch self {
        case .sqlite(let directory):
            return .sqliteFile(path: directory.appendingPathComponent(name + ".sqlite").path)
        case .postgres(let adminURL):
            try await withAdmin(adminURL, logger: logger) { sql in try await sql.raw("CREATE DATABASE \(unsafeRaw: name)").run() }
            guard var components = URLComponents(string: adminURL) else { throw BenchFailure("The PostgreSQL URL could not be read.") }
            components.path = "/" + name
            return .postgres(url: components.string!, searchPath: nil)
        }
    }

    /// Runs `body` on a fresh database and drops it afterwards, whatever happened.
    func withFresh<T>(logger: Logger, _ body: (DatabaseLocation) async throws -> T) async throws -> T {
        let location = try await fresh(logger: logger)
        do {
            let result = try await body(location)
            try await drop(location, logger: logger)
            return result
        } catch {
            try? await drop(location, logger: logger)
            throw error
        }
    }

    func drop(_ location: DatabaseLocation, logger: Logger) async throws {
        switch (self, location) {
        case (.sqlite, .sqliteFile(let path)):
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        case (.postgres(let adminURL), .postgres(let url, _)):
            let name = URLComponents(string: url)?.path.dropFirst() ?? ""
            guard name.hasPrefix("cairn_bench_") else { return }
            try await withAdmin(adminURL, logger: logger) { sql in try await sql.raw("DROP DATABASE IF EXISTS \(unsafeRaw: String(name)) WITH (FORCE)").run() }
        default:
            break
        }
    }

    private func withAdmin(_ url: String, logger: Logger, _ body: @Sendable (any SQLDatabase) async throws -> Void) async throws {
        let database = try CairnDatabase.open(.postgres(url: url, searchPath: nil), logger: logger)
        do {
            try await database.withConnection(body)
            try await database.shutdown()
        } catch {
            try? await database.shutdown()
            throw error
        }
    }
}

/// A migrated database with one workspace, a source, a write key and a viewer's secret key.
struct BenchSeed {
    var workspace: WorkspaceID
    var source: Source
    var writeKey: String
    var secretKey: String

    static func create(in location: DatabaseLocation, logger: Logger) async throws -> BenchSeed {
        let database = try CairnDatabase.open(location, logger: logger)
        do {
            _ = try await Migrator(database: database).migrate()
            let store = Store(database: database)
            // The jobs the migrations leave (rebuilds, reading stored answers again), done now on the empty database as
            // every command does, so the server started later does not read the loaded answers again mid-measurement.
            _ = try await ScheduledJobs(store: store, logger: logger).runPending()
            let workspace = Workspace(id: .generate(), name: "Bench", createdAt: Date())
            try await store.insert(workspace)
            let console = Principal(workspaceID: workspace.id, kind: .operatorConsole, role: .admin)
            let administration = Administration(store: store, passwordHasher: PasswordHasher(), logger: logger)
            let source = try await administration.createSource(name: "Bench clients", defaultChannel: .web, rateLimit: nil, by: console, origin: .console)
            let write = try await administration.createKey(kind: .write, name: "bench", role: nil, source: source.id, by: console, origin: .console)
            let secret = try await administration.createKey(kind: .secret, name: "bench", role: .viewer, by: console, origin: .console)
            try await database.shutdown()
            return BenchSeed(workspace: workspace.id, source: source, writeKey: write.token, secretKey: secret.token)
        } catch {
            try? await database.shutdown()
            throw error
        }
    }
}

/// A `cairn serve` child process (this very binary) on a free loopback port.
final class BenchServer: Sendable {
    let process: Process
    let port: Int

    private init(process: Process, port: Int) {
        self.process = process
        self.port = port
    }

    static func start(database: DatabaseLocation, logger: Logger, arguments extra: [String] = []) async throws -> BenchServer {
        let port = try await freePort()
        let target: String = switch database {
        case .sqliteFile(let path): path
        case .postgres(let url, _): url
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0])
        process.arguments = ["serve", "--database", target, "--port", "\(port)", "--log-level", "error"] + extra
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.standardError
        try process.run()
        let server = BenchServer(process: process, port: port)
        // Ready when /ready answers 200 (migrations done, database reachable).
        for _ in 0..<300 {
            if let connection = try? await LoadConnection.connect(host: "127.0.0.1", port: port, group: MultiThreadedEventLoopGroup.singleton) {
                let status = (try? await connection.send(.GET, "/ready", headers: [], body: nil))?.status
                await connection.close()
                if status == 200 { return server }
            }
            guard process.isRunning else { throw BenchFailure("cairn serve stopped while starting (exit \(process.terminationStatus)).") }
            try await Task.sleep(for: .milliseconds(100))
        }
        try await server.stop()
        throw BenchFailure("cairn serve did not become ready within 30 seconds.")
    }

    /// Resident memory of the server process now and at its peak, in MiB.
    func residentMiB() -> (current: Int, peak: Int) { processResidentMiB("\(process.processIdentifier)") }

    func stop() async throws {
        guard process.isRunning else { return }
        process.terminate()
        for _ in 0..<300 where process.isRunning { try await Task.sleep(for: .milliseconds(100)) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    static func freePort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port ?? 0
        try await channel.close()
        return port
    }
}

/// Loads many profiles straight into the tables, as identity resolution would have left them: per profile a user id
/// and an email identity, three traits with provenance and two events on its timeline.
enum SyntheticProfiles {
    static func load(count: Int, workspace: WorkspaceID, source: SourceID, into location: DatabaseLocation, logger: Logger) async throws -> [ProfileID] {
        let ids = (0..<count).map { _ in ProfileID.generate() }
        let database = try CairnDatabase.open(location, logger: logger)
        let chunk = 500
        let chunks = stride(from: 0, to: count, by: chunk).map { $0..<min($0 + chunk, count) }
        let next = Tickets()
        let w = workspace.rawValue, s = source.rawValue
        let base: Int64 = 1_780_000_000_000
        do {
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                for _ in 0..<4 {
                    tasks.addTask {
                        while true {
                            let index = next.take()
                            guard index < chunks.count else { break }
                            let range = chunks[index]
                            try await database.transaction { sql in
                                let profiles = sql.insert(into: "profiles").columns("id", "workspace_id", "first_seen_at", "last_seen_at", "channels", "merged_into")
                                let identities = sql.insert(into: "identities").columns("workspace_id", "kind", "value", "profile_id", "first_seen_at")
                                let traits = sql.insert(into: "traits").columns("workspace_id", "profile_id", "name", "value", "channel", "source_id", "observed_at", "event_id")
                                let events = sql.insert(into: "events").columns(["id", "workspace_id", "source_id", "message_id", "kind", "name", "user_id", "anonymous_id",
                                                                                 "channel", "timestamp", "received_at", "payload", "profile_id"])
                                for i in range {
                                    let id = ids[i].rawValue, n = i + 1
                                    let seen = base + Int64(i) * 1000
                                    let identify = UUID().uuidString.lowercased(), order = UUID().uuidString.lowercased()
                                    profiles.values(SQLBind(id), SQLBind(w), SQLBind(seen), SQLBind(seen + 86_400_000), SQLBind(#"["web","store"]"#), SQLBind(nil as String?))
                                    identities.values(SQLBind(w), SQLBind("user_id"), SQLBind("user-\(n)"), SQLBind(id), SQLBind(seen))
                                    identities.values(SQLBind(w), SQLBind("email"), SQLBind("person\(n)@example.com"), SQLBind(id), SQLBind(seen))
                                    for (name, value) in [("name", "\"Person \(n)\""), ("email", "\"person\(n)@example.com\""), ("plan", "\"pro\"")] {
                                        traits.values(SQLBind(w), SQLBind(id), SQLBind(name), SQLBind(value), SQLBind("web"), SQLBind(s), SQLBind(seen), SQLBind(identify))
                                    }
                                    events.values(SQLBind(identify), SQLBind(w), SQLBind(s), SQLBind("seed-\(identify)"), SQLBind("identify"), SQLBind(nil as String?),
                                                  SQLBind("user-\(n)"), SQLBind(nil as String?), SQLBind("web"), SQLBind(seen), SQLBind(seen),
                                                  SQLBind(#"{"type":"identify","userId":"user-\#(n)","traits":{"name":"Person \#(n)","email":"person\#(n)@example.com","plan":"pro"}}"#), SQLBind(id))
                                    events.values(SQLBind(order), SQLBind(w), SQLBind(s), SQLBind("seed-\(order)"), SQLBind("track"), SQLBind("Order Completed"),
                                                  SQLBind("user-\(n)"), SQLBind(nil as String?), SQLBind("store"), SQLBind(seen + 86_400_000), SQLBind(seen + 86_400_000),
                                                  SQLBind(#"{"type":"track","event":"Order Completed","userId":"user-\#(n)","properties":{"revenue":42.5,"currency":"EUR"}}"#), SQLBind(id))
                                }
                                try await profiles.run()
                                try await identities.run()
                                try await traits.run()
                                try await events.run()
                            }
                        }
                    }
                }
                try await tasks.waitForAll()
            }
            // Fresh statistics, as a database that grew over time would have.
            try await database.withConnection { sql in try await sql.raw("ANALYZE").run() }
            try await database.shutdown()
        } catch {
            try? await database.shutdown()
            throw error
        }
        return ids
    }
}

/// Resident memory of a process (`self` or a pid) now and at its peak, in MiB, from /proc.
func processResidentMiB(_ process: String) -> (current: Int, peak: Int) {
    guard let status = try? String(contentsOfFile: "/proc/\(process)/status", encoding: .utf8) else { return (0, 0) }
    func kib(_ field: String) -> Int {
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") }) else { return 0 }
        return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "0") ?? 0
    }
    return (kib("VmRSS") / 1024, kib("VmHWM") / 1024)
}

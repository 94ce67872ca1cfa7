import ArgumentParser
import CairnCore
import CairnEngine
import CairnServer
import CairnStore
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle
import Synchronization
import UnixSignals

/// `cairn demo`: a fresh database, a retailer's 18 months lived into it through the real paths, then served.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load a simulated retailer's 18 months (customers, orders, parcels, surveys, cases, store teams) and serve it.",
        discussion: "The world is written to cairn-demo.sqlite (or --database) through the tracking API, the management API, the survey pages, chat and email. See docs/demo.md.")

    @Option(name: .long, help: ArgumentHelp("small (3,000 customers, under a minute) or standard (50,000 customers).", valueName: "size"))
    var size: String = "standard"
    @Option(name: .long, help: ArgumentHelp("The world's seed: the same seed lives the same world.", valueName: "number"))
    var seed: UInt64 = 2026
    @Option(name: .long, help: ArgumentHelp("Address to listen on (default 127.0.0.1).", valueName: "host"))
    var host: String = "127.0.0.1"
    @Option(name: .long, help: ArgumentHelp("Port to listen on, 0 for any free port (default 8080).", valueName: "port"))
    var port: Int = 8080
    @Option(name: .long, help: ArgumentHelp("SQLite file or postgres:// URL for the demo world (default cairn-demo.sqlite; an empty database).", valueName: "url"))
    var database: String?
    @Flag(name: .long, help: "Delete the SQLite file first and live the world again.")
    var replace = false
    @Flag(name: .long, help: "Stop once the world is loaded instead of serving it.")
    var loadOnly = false
    @Option(name: .long, help: ArgumentHelp("Log level (default warning, so the progress bar stays readable).", valueName: "level"))
    var logLevel: Logger.Level = .warning

    func validate() throws {
        guard DemoSize.named(size) != nil else { throw ValidationError("--size must be small or standard.") }
        if !(0...65535).contains(port) { throw ValidationError("--port must be between 0 and 65535.") }
    }

    func run() async throws {
        let location: DatabaseLocation
        do { location = try DatabaseLocation(parsing: database ?? "cairn-demo.sqlite") } catch { throw UsageProblem(error.description) }
        if replace {
            guard case .sqliteFile(let path) = location else { throw UsageProblem("--replace deletes an SQLite file only; give PostgreSQL an empty database instead.") }
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        let options = DemoRunner.Options(size: DemoSize.named(size)!, seed: seed, host: host, port: port, location: location, logLevel: logLevel)
        try await DemoRunner.run(options) { loaded in
            say(loaded.welcome)
            if loadOnly { return }
            say("Serving the demo world until you press Ctrl-C.")
            try await DemoRunner.waitForShutdownSignal()
        }
    }
}

/// Runs the demo: opens the database, serves it, lives the world into it, and hands the loaded world to `then`
/// (which may keep serving it); the server stops when `then` returns.
enum DemoRunner {
    struct Options: Sendable {
        var size: DemoSize
        var seed: UInt64
        var host = "127.0.0.1"
        var port = 0
        var location: DatabaseLocation
        var logLevel: Logger.Level = .warning
        var showProgress = true
    }

    /// What a newcomer needs to look at the loaded world.
    struct Loaded: Sendable {
        var url: String
        var email: String
        var password: String?
        var secretKey: String
        var workspace: WorkspaceID
        var counters: [String: Int]
        var phases: [String: Duration] = [:]
        var seconds: Double
        var useCases: UseCases

        var welcome: String {
            let counted = ["events", "orders", "cases", "widgetAnswers", "pageAnswers", "pulseAnswers"].map { "\(counters[$0, default: 0]) \($0)" }.joined(separator: ", ")
            return """

            The demo world is loaded (\(Int(seconds)) s: \(counted)).
            Sign in at \(url)/login
              email:    \(email)
              password: \(password ?? "(the one printed when this world was first loaded)")
            The tour is in the README; what the world hides is in docs/demo.md.
            """ + (ProcessInfo.processInfo.environment["CAIRN_DEMO_TIMINGS"] == "1" ? "\n" + timings : "")
        }

        var timings: String {
            phases.sorted { $0.value > $1.value }.map { "  \($0.key): \(String(format: "%.1f", Double($0.value.components.seconds) + Double($0.value.components.attoseconds) / 1e18)) s" }
                .joined(separator: "\n")
        }
    }

    static let adminEmail = "cx-lead@trailhead.example"
    static let workspaceName = "Trailhead Outdoor"

    static func run(_ options: Options, then: @escaping @Sendable (Loaded) async throws -> Void) async throws {
        Logs.bootstrap(level: options.logLevel, format: .text)
        let logger = {
            var logger = Logger(label: "cairn-demo")
            logger.logLevel = options.logLevel
            return logger
        }()
        let database: CairnDatabase
        // The demo world can be lived again, so its commits reach the disk at checkpoints rather than one by one.
        do { database = try CairnDatabase.open(options.location, logger: logger, durability: .checkpoints) } catch { throw UsageProblem("Could not open the database \(options.location): \(error)") }
        let store = Store(database: database)
        do {
            _ = try await Migrator(database: database).migrate()
            try await ScheduledJobs(store: store, logger: logger).runPending()
        } catch {
            try? await database.shutdown()
            throw UsageProblem("Could not prepare the database \(options.location): \(error)")
        }
        let clock = DemoClock()
        let configuration = ServerConfiguration(host: options.host, port: options.port, access: AccessConfiguration(passwordHasher: PasswordHasher(cost: 10)))
        let existing = try await store.allWorkspaces()
        let loadedBefore = existing.first { $0.name == workspaceName }
        if loadedBefore == nil, !existing.isEmpty {
            try? await database.shutdown()
            throw UsageProblem("\(options.location) already holds other workspaces. The demo needs an empty database: pass --database demo.sqlite, or --replace to start the demo file over.")
        }
        let portBox = Mutex<Int?>(nil)
        let ready = AsyncStream<Int>.makeStream()
        let useCases = UseCases(store: store, access: configuration.access, linkBase: configuration.linkBase, handlers: ResolvedEventHandlers.standard,
                                clock: clock.dateSource, logger: logger)
        let app = try await buildApplication(configuration: configuration, useCases: useCases, logger: logger) { channel in
            let port = channel.localAddress?.port ?? options.port
            portBox.withLock { $0 = port }
            ready.continuation.yield(port)
            ready.continuation.finish()
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
                } catch where String(describing: error).contains("Address already in use") {
                    throw UsageProblem("\(options.host):\(options.port) is already in use. Stop the other process or pass another --port.")
                }
            }
            group.addTask {
                var iterator = ready.stream.makeAsyncIterator()
                guard let port = await iterator.next() else { return }
                let started = ContinuousClock.now
                let loaded: Loaded
                if let workspace = loadedBefore {
                    loaded = Loaded(url: "http://\(options.host):\(port)", email: adminEmail, password: nil, secretKey: "", workspace: workspace.id,
                                    counters: [:], seconds: 0, useCases: useCases)
                } else {
                    loaded = try await load(options: options, port: port, clock: clock, useCases: useCases, logger: logger, started: started)
                }
                try await then(loaded)
                // Done: stop the server (the task group cancels it).
                throw DemoFinished()
            }
            do {
                try await group.next()
                group.cancelAll()
            } catch is DemoFinished {
                group.cancelAll()
            } catch {
                group.cancelAll()
                throw error
            }
        }
    }

    struct DemoFinished: Error {}

    static func waitForShutdownSignal() async throws {
        let signals = await UnixSignalsSequence(trapping: .sigint, .sigterm)
        for await _ in signals { return }
    }

    /// Creates the administrator and the back office's key, then lives the world.
    static func load(options: Options, port: Int, clock: DemoClock, useCases: UseCases, logger: Logger, started: ContinuousClock.Instant) async throws -> Loaded {
        let lastDay = Date(utcDay: Date().utcDay - 1)
        clock.set(lastDay.addingTimeInterval(-Double(options.size.days) * 86_400))
        let admin = try await useCases.firstRun.createFirstAdministrator(workspaceName: workspaceName, email: adminEmail, displayName: "Dana (CX lead)",
                                                                        password: nil, origin: .console)
        let principal = Principal(workspaceID: admin.workspace.id, kind: .operatorConsole, role: .admin)
        let key = try await useCases.administration.createKey(kind: .secret, name: "Back office", role: .admin, by: principal, origin: .console)
        let group = MultiThreadedEventLoopGroup.singleton
        let host = options.host == "0.0.0.0" ? "127.0.0.1" : options.host
        let client = try await DemoClient.connect(host: host, port: port, lanes: 4, group: group)
        let pagesClient = try await DemoClient.connect(host: host, port: port, lanes: 4, group: group)
        var simulation = DemoSimulation(size: options.size, seed: options.seed, client: client, pagesClient: pagesClient, clock: clock, useCases: useCases,
                                        logger: logger, lastDay: lastDay)
        simulation.keys.secret = key.token
        do {
            simulation.makeCustomers()
            try await simulation.setUp()
            var progress = DemoProgress(total: options.size.days + 1)
            for day in 0..<options.size.days {
                try await simulation.live(day: day)
                if options.showProgress {
                    progress.show(day + 1, simulation.date(day).formatted(.iso8601.year().month().day()) + "  \(simulation.counters["events", default: 0]) events")
                }
            }
            clock.set(nil)
            simulation.lapStarted = ContinuousClock.now
            try await simulation.finish()
            simulation.lap("daily and hourly computations")
            if options.showProgress {
                progress.show(options.size.days + 1, "computed value, churn risk, personas and alerts")
                progress.finish()
            }
        } catch {
            clock.set(nil)
            await client.close()
            await pagesClient.close()
            throw error
        }
        await client.close()
        await pagesClient.close()
        let elapsed = ContinuousClock.now - started
        return Loaded(url: "http://\(options.host == "0.0.0.0" ? "localhost" : options.host):\(port)", email: adminEmail, password: admin.generatedPassword,
                      secretKey: key.token, workspace: admin.workspace.id, counters: simulation.counters, phases: simulation.phases,
                      seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, useCases: useCases)
    }
}

extension DemoSimulation {
    /// After the last day, with the wall clock back: what the server computes daily and hourly, now — customer value
    /// and churn risk, personas, the underperformance watch, segment memberships.
    mutating func finish() async throws {
        try await resolveEverything()
        _ = try await useCases.triggers.processDue(limit: 100_000)
        while try await useCases.reading.readWaiting(limit: 500) > 0 {}
        let secret = DemoClient.Credential.secretKey(keys.secret)
        // A few segments a CX lead would keep.
        try await client.json(.POST, "/api/v1/segments", credential: secret,
                              ["name": "German customers", "rule": ["all": [["trait": ["name": "country", "op": "eq", "value": "DE"]]]]])
        try await client.json(.POST, "/api/v1/segments", credential: secret,
                              ["name": "Hamburg HafenCity customers", "rule": ["all": [["trait": ["name": "store", "op": "eq", "value": DemoWorld.troubledStore]]]]])
        try await client.json(.POST, "/api/v1/funnels/saved", credential: secret,
                              ["name": "View to order", "funnel": ["steps": [["event": "Product Viewed"], ["event": "Product Added"], ["event": "Checkout Started"], ["event": "Order Completed"]]]])
        _ = try await useCases.customerValues.recomputeAll()
        _ = try await useCases.personas.recomputeAll()
        _ = try await useCases.underperformance.scan()
        _ = try await useCases.spikes.scan()
        _ = try await useCases.segments.sweep()
    }
}

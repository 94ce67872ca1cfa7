import ArgumentParser
import CairnAnalytics
import CairnCore
import CairnEngine
import CairnStore
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import SQLKit
import Synchronization
import NIOFoundationEssentialsCompat

/// `cairn bench`: measures ingestion through `/v1/batch` against a real `cairn serve` process on loopback, the same
/// rows' raw bulk-insert rate (the ceiling) in the same run, and the customer 360 lookup with many profiles; writes the
/// results to docs/performance.md.
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure ingestion and customer lookups; write the results as Markdown.",
        discussion: """
        Run a release build: swift build -c release && .build/release/cairn bench --postgres postgres://…
        Each engine gets a fresh database (a temporary SQLite file; a new PostgreSQL database, dropped afterwards).
        """)

    @Option(name: .long, help: ArgumentHelp("Also measure PostgreSQL: a server URL whose user may create databases.", valueName: "url"))
    var postgres: String?
    @Option(name: .long, help: "Batches of 100 events to send per engine.") var batches: Int = 3000
    @Option(name: .long, help: "Concurrent connections (at least 4).") var connections: Int = 4
    @Option(name: .long, help: "Profiles to load for the customer 360 lookup (0 skips it).") var profiles: Int = 1_000_000
    @Option(name: .long, help: "Lookups to time per kind.") var lookups: Int = 2000
    @Option(name: .long, help: "Order lines to import from CSV before timing the units-sold report (0 skips it).") var orderLines: Int = 1_000_000
    @Option(name: .long, help: "Products in the generated catalogue.") var products: Int = 500
    @Option(name: .long, help: "Survey responses to load before timing the figures (0 skips the feedback part).") var feedbackResponses: Int = 1_000_000
    @Option(name: .long, help: ArgumentHelp("Where the report goes (docs/performance.md by default; --ingest-only and --lag-only write one only when given).", valueName: "path"))
    var output: String?
    @Option(name: .long, help: "Seconds to wait for identity resolution to catch up after ingestion.") var resolutionTimeout: Int = 600
    @Flag(name: .long, help: "Measure only the raw bulk-insert ceiling (for profiling the engine).") var ceilingOnly = false
    @Flag(name: .long, help: "Measure only the customer 360 lookups (for profiling); no report is written.") var lookupsOnly = false
    @Flag(name: .long, help: "Measure only PostgreSQL (for profiling); no report is written.") var postgresOnly = false
    @Flag(name: .long, help: "Measure only the order import and units-sold report (for profiling); no report is written.") var commerceOnly = false
    @Flag(name: .long, help: "Measure only the feedback figures and answers (for profiling); no report is written.") var feedbackOnly = false
    @Flag(name: .long, help: "Measure only ingestion, its ceiling and resolution (for profiling); no report is written.") var ingestOnly = false
    @Flag(name: .long, help: "Measure only the service console and report (for profiling); no report is written.") var serviceOnly = false
    @Option(name: .long, help: "Open service cases to load (half as many solved ones besides) before timing the console and the report (0 skips it).") var cases: Int = 100_000
    @Option(name: .long, help: "Case messages spread over them.") var caseMessages: Int = 1_000_000
    @Flag(name: .long, help: "Measure only the funnel against its DuckDB and pandas reference; no report is written.") var funnelOnly = false
    @Flag(name: .long, help: "Measure only the customer-value fit and scoring against lifetimes; no report is written.") var valueOnly = false
    @Option(name: .long, help: "Customers whose value is fitted and scored (0 skips it; lifetimes, from the --reference-python, is the reference).") var valueCustomers: Int = 1_000_000
    @Option(name: .long, help: "Events (a year of them) loaded for the funnel (0 skips it).") var funnelEvents: Int = 1_000_000
    @Option(name: .long, help: "People they belong to.") var funnelPeople: Int = 88_000
    @Option(name: .long, help: "Times the funnel is asked for (after one to warm up).") var funnelRounds: Int = 3
    @Option(name: .long, help: ArgumentHelp("The Python with duckdb and pandas that runs scripts/funnel-reference.py.", valueName: "python")) var referencePython: String = "python3"
    @Flag(name: .long, help: "Measure only the offers' offline evaluation on a simulated shop and their fitting and ranking times; no report is written.") var offersOnly = false
    @Option(name: .long, help: "Simulated customers of the offers' evaluation.") var offerCustomers: Int = 100_000
    @Flag(name: .long, help: "Measure only segments: a new one over many customers (DuckDB beside), and 20 kept current under realistic traffic; no report is written.") var segmentsOnly = false
    @Option(name: .long, help: "Customers loaded before segments are defined over them (0 skips the segments part).") var segmentProfiles: Int = 1_000_000
    @Option(name: .long, help: "Batches of 100 realistic events sent without and with 20 segments (0 skips that comparison).") var segmentSpineBatches: Int = 1_000
    @Flag(name: .long, help: "Measure only the resolution lag at the offered rates (for profiling); no report is written.") var lagOnly = false
    @Option(name: .long, help: ArgumentHelp("Offered events/s for the resolution lag on SQLite, the target first; more rates look for the highest bounded one.", valueName: "rates"))
    var lagRates: String = "10000,15000,20000"
    @Option(name: .long, help: ArgumentHelp("Offered events/s for the resolution lag on PostgreSQL.", valueName: "rates")) var postgresLagRates: String = "5000,10000"
    @Option(name: .long, help: "Seconds each offered rate is held.") var lagSeconds: Int = 60
    @Option(name: .long, help: "Whole survey responses sent through the widget's API.") var widgetAnswers: Int = 20_000
    @Option(name: .long, help: "Clients sending them at once (customers answering a survey sent to many).") var widgetClients: Int = 16

    func validate() throws {
        guard batches >= 10 else { throw ValidationError("--batches must be at least 10.") }
        guard (1...64).contains(connections) else { throw ValidationError("--connections must be from 1 to 64.") }
        guard profiles >= 0, lookups >= 10 else { throw ValidationError("--profiles must be 0 or more and --lookups at least 10.") }
        guard !lookupsOnly || profiles > 0 else { throw ValidationError("--lookups-only needs --profiles above 0.") }
        guard !postgresOnly || postgres != nil else { throw ValidationError("--postgres-only needs --postgres.") }
        guard orderLines >= 0, (1...100_000).contains(products) else { throw ValidationError("--order-lines must be 0 or more and --products from 1 to 100000.") }
        guard !commerceOnly || orderLines > 0 else { throw ValidationError("--commerce-only needs --order-lines above 0.") }
        guard feedbackResponses >= 0, !feedbackOnly || feedbackResponses > 0 else { throw ValidationError("--feedback-only needs --feedback-responses above 0.") }
        guard (10...1_000_000).contains(widgetAnswers), (1...256).contains(widgetClients) else {
            throw ValidationError("--widget-answers must be from 10 to 1000000 and --widget-clients from 1 to 256.")
        }
        guard (1...3600).contains(lagSeconds) else { throw ValidationError("--lag-seconds must be from 1 to 3600.") }
        guard !(ingestOnly && lagOnly) else { throw ValidationError("--ingest-only and --lag-only measure different parts; give one of them.") }
        for (name, rates) in [("--lag-rates", lagRates), ("--postgres-lag-rates", postgresLagRates)] {
            guard rates.split(separator: ",").allSatisfy({ Int($0.trimmingCharacters(in: .whitespaces)).map { (100...1_000_000).contains($0) } == true }) else {
                throw ValidationError("\(name) must be whole events per second from 100 to 1000000, separated by commas (e.g. 10000,15000).")
            }
        }
    }

    func run() async throws {
        var logger = Logger(label: "cairn.bench")
        logger.logLevel = .warning
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-bench-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }

        // The command as run, with any password in a database URL left out.
        let command = "cairn " + CommandLine.arguments.dropFirst().map { $0.replacing(#/(://[^:/@]+):[^@]*@/#) { "\($0.output.1):***@" } }.joined(separator: " ")
        var report = BenchReport(command: command, batches: batches, connections: connections, widgetClients: widgetClients)
        let runTag = String(UUID().uuidString.prefix(8)).lowercased()
        say("Generating \(batches) batches of 100 realistic events, and as many light ones…")
        let workload = IngestWorkload.realistic(batches: batches, runTag: runTag)
        let light = IngestWorkload(batches: batches, runTag: runTag + "-light")
        report.workloads = [workload, light].map { BenchReport.WorkloadShape(label: $0.label, averageEventBytes: $0.averageEventBytes, largestBatchBytes: $0.largestBatchBytes, newProfiles: $0.newProfiles) }
        say("  realistic: \(workload.averageEventBytes) bytes an event on average, largest batch \(workload.largestBatchBytes / 1000) KB; light: \(light.averageEventBytes) bytes")

        if offersOnly {
            say("Offers: a simulated shop, fitted on all but its last 90 days and measured on them…")
            measureOffers()
            return
        }
        var engines: [(String, BenchDatabase)] = postgresOnly ? [] : [("SQLite", .sqlite(directory: scratch))]
        if let postgres { engines.append(("PostgreSQL", .postgres(adminURL: postgres))) }
        let partOnly = ceilingOnly || lookupsOnly || postgresOnly || commerceOnly || feedbackOnly || ingestOnly || lagOnly || serviceOnly || funnelOnly || segmentsOnly
        if segmentsOnly || (segmentProfiles > 0 && !partOnly && !valueOnly) {
            say("Segments: \(segmentProfiles) customers with a year of events, three segments defined over them (DuckDB beside)…")
            let segments = try await measureSegments(engines[0].1, scratch: scratch.path, logger: logger)
            report.segments = segments
            if segmentsOnly {
                if let output { try report.markdown().write(toFile: output, atomically: true, encoding: .utf8); say("Wrote \(output) (segments only).") }
                return
            }
        }
        if valueOnly || (valueCustomers > 0 && !partOnly) {
            say("Customer value: \(valueCustomers) customers' summaries drawn from BG/NBD and Gamma-Gamma; fitted and scored, then lifetimes on the same summary…")
            let value = try measureValue(scratch: scratch)
            sayValue(value)
            report.value = value
            if valueOnly { return }
        }
        var orderFile: OrderLinesFile?
        if orderLines > 0, !feedbackOnly, !serviceOnly, !funnelOnly {
            say("Generating \(orderLines) order lines as CSV…")
            orderFile = try OrderLinesFile.write(lines: orderLines, products: products, to: scratch.appendingPathComponent("orders.csv").path)
            report.orderFile = orderFile
        }
        func commerce(_ name: String, _ target: BenchDatabase) async throws -> CommerceResult? {
            guard let orderFile else { return nil }
            say("\(name): cairn import orders of \(orderFile.lines) lines, then the units-sold report…")
            let result = try await measureCommerce(target, file: orderFile, scratch: scratch, logger: logger)
            say("  \(Int(Double(result.lines) / result.importSeconds)) rows/s (\(String(format: "%.0f", result.importSeconds)) s); \(result.rollupCells) roll-up cells; report "
                + result.reports.map { "\($0.query) p50 \(ms($0.latency.p50)) max \(ms($0.latency.max))" }.joined(separator: "; "))
            return result
        }
        func feedback(_ name: String, _ target: BenchDatabase) async throws -> FeedbackResult? {
            guard feedbackResponses > 0 else { return nil }
            say("\(name): \(feedbackResponses) survey responses, figures by week × channel, answers through the widget's API…")
            let result = try await measureFeedback(target, logger: logger)
            say("  loaded in \(String(format: "%.0f", result.loadSeconds)) s; " + result.queries.map { "\($0.query.prefix(40)) p50 \(ms($0.latency.p50)) max \(ms($0.latency.max))" }.joined(separator: "; ")
                + "; \(Int(result.submissionsPerSecond)) answers/s, p99 \(ms(result.submissionLatency.p99)), \(result.rejected) refused")
            return result
        }
        func service(_ name: String, _ target: BenchDatabase) async throws -> ServiceResult? {
            guard cases > 0 else { return nil }
            say("\(name): \(cases) open cases (and \(cases / 2) solved) with \(caseMessages) messages; queues, cases and a year's service report…")
            let result = try await measureService(target, logger: logger)
            say("  loaded in \(String(format: "%.0f", result.loadSeconds)) s; " + result.queries.map { "\($0.query.prefix(36)) p99 \(ms($0.latency.p99))" }.joined(separator: "; "))
            say("  reference (the SQL alone): " + result.reference.map { "\($0.query) p50 \(ms($0.latency.p50)) p99 \(ms($0.latency.p99))" }.joined(separator: "; ")
                + "; server memory \(result.memoryMiB.current) MiB, peak \(result.memoryMiB.peak) MiB")
            return result
        }
        func funnel(_ name: String, _ target: BenchDatabase) async throws -> FunnelResult? {
            guard funnelEvents > 0 else { return nil }
            say("\(name): the 4-step funnel (7-day window), daily active people and the year's journey map over \(funnelEvents) events of \(funnelPeople) people; "
                + "DuckDB and pandas on the same events…")
            let result = try await measureFunnel(target, scratch: scratch.path, logger: logger)
            say("  loaded in \(String(format: "%.0f", result.loadSeconds)) s; first request (builds the columns) \(ms(result.firstSeconds)); "
                + "funnel \(result.counts) p50 \(ms(result.latency.p50)) max \(ms(result.latency.max)); "
                + result.references.map { "\($0.name) \($0.counts.map { "\($0)" } ?? ($0.error ?? "?")) \($0.seconds.map { ms($0) } ?? "")" }.joined(separator: "; "))
            say("  active people p50 \(ms(result.activeLatency.p50)) max \(ms(result.activeLatency.max)); journey map \(result.mapReached) went on \(result.mapWentOn) "
                + "p50 \(ms(result.mapLatency.p50)) max \(ms(result.mapLatency.max)); "
                + result.otherReferences.map { "\($0.name) active \($0.activeSeconds.map { ms($0) } ?? "?") map \($0.mapSeconds.map { ms($0) } ?? "?")" }.joined(separator: "; ")
                + "; server memory \(result.memoryMiB.current) MiB, peak \(result.memoryMiB.peak) MiB")
            for reference in result.references {
                if let counts = reference.counts, counts != result.counts {
                    throw BenchFailure("the funnel's counts \(result.counts) differ from \(reference.name)'s \(counts)")
                }
            }
            for reference in result.otherReferences {
                if let active = reference.active, active != result.activeCounts {
                    throw BenchFailure("active people per day differ from \(reference.name)'s (first difference at day \(Array(zip(active, result.activeCounts)).firstIndex { $0.0 != $0.1 } ?? -1) of \(active.count))")
                }
                if let reached = reference.reached, let wentOn = reference.wentOn, reached != result.mapReached || wentOn != result.mapWentOn {
                    throw BenchFailure("the journey map \(result.mapReached) / \(result.mapWentOn) differs from \(reference.name)'s \(reached) / \(wentOn)")
                }
            }
            return result
        }
        for (name, target) in engines {
            if funnelOnly {
                _ = try await funnel(name, target)
                continue
            }
            if serviceOnly {
                _ = try await service(name, target)
                continue
            }
            if commerceOnly {
                _ = try await commerce(name, target)
                continue
            }
            if feedbackOnly {
                if name == engines.first?.0 {
                    say("text analytics: " + Self.measureTextAnalysis().map { "\($0.language) \(Int($0.perSecond))/s" }.joined(separator: ", "))
                }
                _ = try await feedback(name, target)
                continue
            }
            if ceilingOnly {
                say("\(name): raw bulk insert of the same rows…")
                say("  \(Int(try await measureCeiling(target, workload: workload, logger: logger))) rows/s")
                continue
            }
            if lookupsOnly {
                say("\(name): customer 360 with \(profiles) profiles (loading)…")
                let lookup = try await measureLookups(target, logger: logger)
                for (label, set) in [("1 client", lookup.alone), ("\(connections) clients", lookup.concurrent)] {
                    say("  \(label): record p50/p99 \(ms(set.record.p50))/\(ms(set.record.p99)), by email \(ms(set.byEmail.p50))/\(ms(set.byEmail.p99)), timeline \(ms(set.timeline.p50))/\(ms(set.timeline.p99))")
                }
                continue
            }
            var ingests: [BenchReport.IngestRow] = []
            if !lagOnly {
                for load in [workload, light] {
                    say("\(name): ingestion of the \(load.label) load through /v1/batch…")
                    let ingest = try await measureIngest(target, workload: load, logger: logger)
                    say("  \(Int(ingest.eventsPerSecond)) events/s, p50 \(ms(ingest.latency.p50)), p99 \(ms(ingest.latency.p99)); server RSS peak \(ingest.peakRSSMiB) MiB; "
                        + "all resolved after \(ingest.resolutionSeconds.map { String(format: "%.1f s", $0) } ?? "—") (\(ingest.unresolvedLeft) left)")
                    say("\(name): raw bulk insert of the same rows…")
                    let ceiling = try await measureCeiling(target, workload: load, logger: logger)
                    say("  \(Int(ceiling)) rows/s (\(Int((ingest.eventsPerSecond / ceiling * 100).rounded())) % reached through HTTP)")
                    ingests.append(.init(label: load.label, ingest: ingest, ceilingRowsPerSecond: ceiling))
                }
            }
            var lags: [LagResult] = []
            if !ingestOnly {
                let rates = (name == "SQLite" ? lagRates : postgresLagRates).split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
                for rate in rates {
                    say("\(name): \(rate) realistic events/s offered for \(lagSeconds) s, each timed from arrival to its customer…")
                    let lag = try await measureLag(target, rate: rate, logger: logger)
                    say("  sent \(Int(lag.sentPerSecond)) events/s, ack p99 \(ms(lag.acknowledgement.p99)); lag p50 \(ms(lag.lag.p50)), p99 \(ms(lag.lag.p99)), max \(ms(lag.lag.max)); "
                        + "\(lag.unresolved) unresolved; server RSS peak \(lag.peakRSSMiB) MiB")
                    lags.append(lag)
                }
            }
            var kill: KillResult?
            if !ingestOnly, let rate = (name == "SQLite" ? lagRates : postgresLagRates).split(separator: ",").compactMap({ Int($0.trimmingCharacters(in: .whitespaces)) }).first {
                say("\(name): \(rate) realistic events/s offered, the server killed with SIGKILL midway…")
                let result = try await measureKill(target, rate: rate, logger: logger)
                say("  killed after \(String(format: "%.0f", result.killedAfterSeconds)) s: \(result.acknowledgedEvents) events acknowledged in \(result.acknowledgedBatches) batches, \(result.lost) lost")
                guard result.lost == 0 else { throw BenchFailure("\(result.lost) acknowledged events were lost when the server was killed") }
                kill = result
            }
            if ingestOnly || lagOnly {
                report.engines.append(.init(name: name, ingests: ingests, lags: lags, kill: kill, lookup: nil, commerce: nil, feedback: nil))
                continue
            }
            var lookup: LookupResult?
            if profiles > 0 {
                say("\(name): customer 360 with \(profiles) profiles (loading)…")
                lookup = try await measureLookups(target, logger: logger)
                if let lookup {
                    say("  loaded in \(String(format: "%.0f", lookup.loadSeconds)) s; p99 with 1 client: record \(ms(lookup.alone.record.p99)), by email \(ms(lookup.alone.byEmail.p99)), timeline \(ms(lookup.alone.timeline.p99)); "
                        + "with \(connections): \(ms(lookup.concurrent.record.p99)), \(ms(lookup.concurrent.byEmail.p99)), \(ms(lookup.concurrent.timeline.p99))")
                }
            }
            let commerceResult = try await commerce(name, target)
            let feedbackResult = try await feedback(name, target)
            let serviceResult = try await service(name, target)
            let funnelResult = try await funnel(name, target)
            report.engines.append(.init(name: name, ingests: ingests, lags: lags, kill: kill, lookup: lookup, commerce: commerceResult, feedback: feedbackResult, service: serviceResult,
                                        funnel: funnelResult))
        }
        if ingestOnly || lagOnly, let output {
            try report.markdown().write(toFile: output, atomically: true, encoding: .utf8)
            say("Wrote \(output) (ingestion and resolution only).")
        }
        guard !partOnly else { return }
        let output = output ?? "docs/performance.md"
        if feedbackResponses > 0 {
            report.textAnalysis = Self.measureTextAnalysis()
            say("text analytics: " + report.textAnalysis.map { "\($0.language) \(Int($0.perSecond))/s" }.joined(separator: ", "))
        }
        // What people wrote below the marker (profiles, what limits a figure, partial runs) stays under the new report.
        let kept = (try? String(contentsOfFile: output, encoding: .utf8)).flatMap { text in
            text.range(of: BenchReport.notesMarker).map { String(text[$0.lowerBound...]) }
        }
        let markdown = report.markdown() + (kept.map { "\n" + $0 } ?? "")
        try markdown.write(toFile: output, atomically: true, encoding: .utf8)
        say("Wrote \(output).")
    }

    // MARK: Ingestion

    struct IngestResult {
        var eventsPerSecond: Double
        var seconds: Double
        var latency: LatencySummary
        var failures: Int
        var peakRSSMiB: Int
        var rssAfterMiB: Int
        var resolutionSeconds: Double?
        var unresolvedLeft: Int
    }

    func measureIngest(_ target: BenchDatabase, workload: IngestWorkload, logger: Logger) async throws -> IngestResult {
        try await target.withFresh(logger: logger) { location in try await ingest(into: location, workload: workload, logger: logger) }
    }

    func ingest(into location: DatabaseLocation, workload: IngestWorkload, logger: Logger, seed given: BenchSeed? = nil) async throws -> IngestResult {
        var made = given
        if made == nil { made = try await BenchSeed.create(in: location, logger: logger) }
        let seed = made!
        let server = try await BenchServer.start(database: location, logger: logger)
        do {
            let group = MultiThreadedEventLoopGroup.singleton
            let auth = "Basic " + Data("\(seed.writeKey):".utf8).base64EncodedString()
            let headers = [("Content-Type", "application/json"), ("Authorization", auth)]
            // Warm up: a few batches that are not counted.
            let warm = IngestWorkload.realistic(batches: 20, seed: 7, runTag: "warm-\(UUID().uuidString.prefix(6))")
            let first = try await LoadConnection.connect(host: "127.0.0.1", port: server.port, group: group)
            for body in warm.bodies { _ = try await first.send(.POST, "/v1/batch", headers: headers, body: ByteBuffer(data: body)) }
            await first.close()

            let bodies = workload.bodies
            let started = ContinuousClock.now
            let sent = try await postBatches(bodies, port: server.port, headers: headers, connections: connections)
            let elapsed = seconds(ContinuousClock.now - started)
            let rssAfter = server.residentMiB().current
            let failures = sent.failures
            let events = Double((bodies.count * workload.eventsPerBatch))

            // How long the background resolver needs to tie every event to a profile.
            let database = try CairnDatabase.open(location, logger: logger)
            let store = Store(database: database)
            var resolutionSeconds: Double?
            var left = 0
            let waitStart = ContinuousClock.now
            while seconds(ContinuousClock.now - waitStart) < Double(resolutionTimeout) {
                if !(try await store.hasUnresolvedEvents(in: seed.workspace)) { resolutionSeconds = seconds(ContinuousClock.now - started); break }
                try await Task.sleep(for: .milliseconds(200))
            }
            if resolutionSeconds == nil {
                left = try await database.withConnection { sql in
                    Int(try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("events")
                        .where(SQLColumn("profile_id"), .is, SQLLiteral.null).first()?.decode(column: "n", as: Int64.self) ?? 0)
                }
            }
            try await database.shutdown()
            let peak = server.residentMiB().peak
            try await server.stop()
            return IngestResult(eventsPerSecond: events / elapsed, seconds: elapsed, latency: LatencySummary(sent.latencies), failures: failures,
                                peakRSSMiB: peak, rssAfterMiB: rssAfter, resolutionSeconds: resolutionSeconds, unresolvedLeft: left)
        } catch {
            try? await server.stop()
            throw error
        }
    }

    // MARK: Resolution lag

    struct LagResult {
        var offeredPerSecond: Int
        var sentPerSecond: Double
        var events: Int
        var acknowledgement: LatencySummary
        var failures: Int
        /// From each event's arrival (`received_at`) to its tie to a customer (`resolved_at`).
        var lag: LatencySummary
        var unresolved: Int
        var peakRSSMiB: Int
    }

    /// Realistic batches offered at `rate` events/s for `lagSeconds` (open loop: each batch leaves at its time on as
    /// many connections as it takes), then every event's time from arrival to its customer, read from the database.
    func measureLag(_ target: BenchDatabase, rate: Int, logger: Logger) async throws -> LagResult {
        try await target.withFresh(logger: logger) { location in
            let batchesPerSecond = Double(rate) / 100
            let total = Int(batchesPerSecond * Double(lagSeconds))
            let workload = IngestWorkload.realistic(batches: total, seed: UInt64(rate), runTag: "lag\(rate)-\(UUID().uuidString.prefix(6).lowercased())", perSecond: batchesPerSecond)
            let seed = try await BenchSeed.create(in: location, logger: logger)
            let server = try await BenchServer.start(database: location, logger: logger)
            do {
                let headers = [("Content-Type", "application/json"), ("Authorization", "Basic " + Data("\(seed.writeKey):".utf8).base64EncodedString())]
                let bodies = workload.bodies
                let started = ContinuousClock.now
                let outcome = try await postBatches(bodies, port: server.port, headers: headers, connections: max(8, connections), perSecond: batchesPerSecond)
                let elapsed = seconds(ContinuousClock.now - started)
                let database = try CairnDatabase.open(location, logger: logger)
                let store = Store(database: database)
                let waitStart = ContinuousClock.now
                while seconds(ContinuousClock.now - waitStart) < Double(resolutionTimeout) {
                    if !(try await store.hasUnresolvedEvents(in: seed.workspace)) { break }
                    try await Task.sleep(for: .milliseconds(200))
                }
                let (lags, unresolved) = try await database.withConnection { sql in
                    var lags: [Double] = [], unresolved = 0
                    for row in try await sql.select().column("received_at").column("resolved_at").from("events").where("workspace_id", .equal, seed.workspace.rawValue).all() {
                        if let resolved = try row.decode(column: "resolved_at", as: Int64?.self) {
                            lags.append(Double(resolved - (try row.decode(column: "received_at", as: Int64.self))) / 1000)
                        } else {
                            unresolved += 1
                        }
                    }
                    return (lags, unresolved)
                }
                try await database.shutdown()
                let peak = server.residentMiB().peak
                try await server.stop()
                let events = bodies.count * workload.eventsPerBatch
                return LagResult(offeredPerSecond: rate, sentPerSecond: Double(events) / elapsed, events: events, acknowledgement: LatencySummary(outcome.latencies),
                                 failures: outcome.failures, lag: LatencySummary(lags), unresolved: unresolved, peakRSSMiB: peak)
            } catch {
                try? await server.stop()
                throw error
            }
        }
    }

    /// Posts each body to `/v1/batch` once, over `connections` keep-alive connections: as fast as answers come, or
    /// (given `perSecond`) open loop, each batch leaving at its time. Returns every batch's latency, the non-200s and
    /// the indexes of the batches answered 200. With `untilGone` a connection ends quietly at its first error (the
    /// server was killed) instead of failing the run.
    func postBatches(_ bodies: [Data], port: Int, headers: [(String, String)], connections: Int, perSecond: Double? = nil,
                     untilGone: Bool = false) async throws -> (latencies: [Double], failures: Int, acknowledged: [Int]) {
        let group = MultiThreadedEventLoopGroup.singleton
        let next = Tickets()
        let started = ContinuousClock.now
        return try await withThrowingTaskGroup(of: ([Double], Int, [Int]).self) { tasks in
            for _ in 0..<connections {
                tasks.addTask {
                    var latencies: [Double] = [], failures = 0, acknowledged: [Int] = []
                    let connection: LoadConnection
                    do { connection = try await LoadConnection.connect(host: "127.0.0.1", port: port, group: group) } catch {
                        if untilGone { return (latencies, failures, acknowledged) }
                        throw error
                    }
                    while true {
                        let index = next.take()
                        guard index < bodies.count else { break }
                        if let perSecond {
                            let due = started + .milliseconds(Int64(Double(index) / perSecond * 1000))
                            if ContinuousClock.now < due { try await Task.sleep(until: due) }
                        }
                        let sent = ContinuousClock.now
                        let status: Int
                        do { status = try await connection.send(.POST, "/v1/batch", headers: headers, body: ByteBuffer(data: bodies[index])).status } catch {
                            if untilGone { break }
                            throw error
                        }
                        latencies.append(seconds(ContinuousClock.now - sent))
                        if status == 200 { acknowledged.append(index) } else { failures += 1 }
                    }
                    await connection.close()
                    return (latencies, failures, acknowledged)
                }
            }
            var latencies: [Double] = [], failures = 0, acknowledged: [Int] = []
            for try await part in tasks {
                latencies += part.0
                failures += part.1
                acknowledged += part.2
            }
            return (latencies, failures, acknowledged)
        }
    }

    // MARK: Ceiling

    /// The same rows as stored events, inserted with one multi-row INSERT per batch of 100 in its own transaction, by as
    /// many concurrent writers as there are connections: no HTTP, no JSON, no de-duplication check.
    func measureCeiling(_ target: BenchDatabase, workload: IngestWorkload, logger: Logger) async throws -> Double {
        try await target.withFresh(logger: logger) { location in try await ceiling(into: location, workload: workload, logger: logger) }
    }

    func ceiling(into location: DatabaseLocation, workload: IngestWorkload, logger: Logger) async throws -> Double {
        let seed = try await BenchSeed.create(in: location, logger: logger)
        let receivedAt = Date()
        // The rows' values are made before the clock starts: the ceiling is the engine's work alone.
        var rows: [Store.PreparedRows] = []
        for body in workload.bodies {
            guard case .array(let batch)? = try JSONValue.parse(body)["batch"] else { continue }
            let messages = try batch.map { try TrackingMessage.parse($0.objectValue ?? [:], kind: nil, makeMessageID: { UUID().uuidString }).get() }
            rows.append(Store.prepare(Ingestor.events(from: messages, source: seed.source, receivedAt: receivedAt)))
        }
        let database = try CairnDatabase.open(location, logger: logger)
        let store = Store(database: database)
        if ceilingOnly { say("  inserting \(rows.count) batches…") }
        let next = Tickets()
        let batches = rows
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            for _ in 0..<connections {
                tasks.addTask {
                    while true {
                        let index = next.take()
                        guard index < batches.count else { break }
                        try await store.insertRaw(batches[index])
                    }
                }
            }
            try await tasks.waitForAll()
        }
        let elapsed = seconds(ContinuousClock.now - started)
        try await database.shutdown()
        return Double(rows.reduce(0) { $0 + $1.count }) / elapsed
    }

    // MARK: Customer 360

    struct LookupLatencies {
        var record: LatencySummary
        var byEmail: LatencySummary
        var timeline: LatencySummary
    }

    struct LookupResult {
        var profiles: Int
        var loadSeconds: Double
        /// One client asking, one request at a time: what one agent opening customer pages waits.
        var alone: LookupLatencies
        /// `connections` clients asking at once, as fast as answers come.
        var concurrent: LookupLatencies
        var peakRSSMiB: Int
    }

    func measureLookups(_ target: BenchDatabase, logger: Logger) async throws -> LookupResult {
        try await target.withFresh(logger: logger) { location in try await lookups(in: location, logger: logger) }
    }

    func lookups(in location: DatabaseLocation, logger: Logger) async throws -> LookupResult {
        let seed = try await BenchSeed.create(in: location, logger: logger)
        let loadStart = ContinuousClock.now
        let ids = try await SyntheticProfiles.load(count: profiles, workspace: seed.workspace, source: seed.source.id, into: location, logger: logger)
        let loadSeconds = seconds(ContinuousClock.now - loadStart)
        let server = try await BenchServer.start(database: location, logger: logger)
        do {
            let group = MultiThreadedEventLoopGroup.singleton
            let headers = [("Authorization", "Bearer \(seed.secretKey)")]
            var random = SplitMix64(seed: 42)
            let picks = (0..<lookups).map { _ in Int.random(in: 0..<ids.count, using: &random) }
            func timed(connections: Int, _ path: @escaping @Sendable (Int) -> String) async throws -> LatencySummary {
                let next = Tickets()
                let samples = try await withThrowingTaskGroup(of: [Double].self) { tasks in
                    for _ in 0..<connections {
                        tasks.addTask {
                            let connection = try await LoadConnection.connect(host: "127.0.0.1", port: server.port, group: group)
                            var latencies: [Double] = []
                            while true {
                                let index = next.take()
                                guard index < picks.count else { break }
                                let sent = ContinuousClock.now
                                let (status, _) = try await connection.send(.GET, path(picks[index]), headers: headers, body: nil)
                                latencies.append(seconds(ContinuousClock.now - sent))
                                guard status == 200 else { throw BenchFailure("GET \(path(picks[index])) answered \(status)") }
                            }
                            await connection.close()
                            return latencies
                        }
                    }
                    var all: [Double] = []
                    for try await part in tasks { all += part }
                    return all
                }
                return LatencySummary(samples)
            }
            // Warm the path (not the data) with a few requests first.
            _ = try await timed(connections: connections) { "/api/v1/profiles/\(ids[$0 % 10])" }
            func measure(connections: Int) async throws -> LookupLatencies {
                LookupLatencies(record: try await timed(connections: connections) { "/api/v1/profiles/\(ids[$0])" },
                                byEmail: try await timed(connections: connections) { "/api/v1/profiles/lookup?kind=email&value=person\($0 + 1)%40example.com" },
                                timeline: try await timed(connections: connections) { "/api/v1/profiles/\(ids[$0])/events?limit=50" })
            }
            let alone = try await measure(connections: 1)
            let concurrent = try await measure(connections: connections)
            let peak = server.residentMiB().peak
            try await server.stop()
            return LookupResult(profiles: ids.count, loadSeconds: loadSeconds, alone: alone, concurrent: concurrent, peakRSSMiB: peak)
        } catch {
            try? await server.stop()
            throw error
        }
    }
}

struct BenchFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

func ms(_ seconds: Double) -> String { String(format: "%.1f ms", seconds * 1000) }

import CairnAnalytics
import Foundation

/// The benchmark's results as Markdown: the machine, the command, and a table per measurement.
struct BenchReport {
    struct Engine {
        var name: String
        /// The realistic load first, the light one second.
        var ingests: [IngestRow]
        var lags: [Bench.LagResult]
        var kill: Bench.KillResult? = nil
        var lookup: Bench.LookupResult?
        var commerce: Bench.CommerceResult?
        var feedback: Bench.FeedbackResult?
        var service: Bench.ServiceResult? = nil
        var funnel: Bench.FunnelResult? = nil
    }

    var command: String
    var batches: Int
    var connections: Int
    var widgetClients: Int
    var workloads: [WorkloadShape] = []

    struct WorkloadShape {
        var label: String
        var averageEventBytes: Int
        var largestBatchBytes: Int
        var newProfiles: Int
    }

    struct IngestRow {
        var label: String
        var ingest: Bench.IngestResult
        var ceilingRowsPerSecond: Double
    }
    var orderFile: OrderLinesFile?
    var engines: [Engine] = []
    /// Customer value: fit and scoring in process, lifetimes beside (no database involved).
    var value: Bench.ValueResult?
    /// Segments: a new one over many customers beside DuckDB, and twenty kept current under realistic traffic.
    var segments: Bench.SegmentResult?
    /// Comments analysed per second, per language (no database involved).
    var textAnalysis: [(language: String, perSecond: Double)] = []

    /// Everything from this line on in the report's file is kept when `cairn bench` writes it again.
    static let notesMarker = "<!-- Notes below this line are kept when cairn bench rewrites the report above. -->"

    static var buildConfiguration: String {
        #if DEBUG
        "debug (numbers from a debug build are not representative)"
        #else
        "release"
        #endif
    }

    static var machine: String {
        let cpu = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
            .split(separator: "\n").first { $0.hasPrefix("model name") }?
            .split(separator: ":", maxSplits: 1).last?.trimmingCharacters(in: .whitespaces) ?? "unknown CPU"
        let memory = Double(ProcessInfo.processInfo.physicalMemory) / 1_073_741_824
        return "\(cpu), \(ProcessInfo.processInfo.activeProcessorCount) cores, \(String(format: "%.0f", memory)) GiB, \(ProcessInfo.processInfo.operatingSystemVersionString)"
    }

    func markdown() -> String {
        func rate(_ value: Double) -> String { Int(value.rounded()).formatted(.number.grouping(.automatic).locale(Locale(identifier: "en_US"))) }
        func ms(_ seconds: Double) -> String { String(format: "%.1f ms", seconds * 1000) }
        func wait(_ seconds: Double) -> String { seconds < 10 ? ms(seconds) : String(format: "%.1f s", seconds) }
        let events = batches * 100
        var text = """
        # Performance

        Written by `cairn bench`; every number below was measured in the run described here. Timings are never part of
        the tests.

        - Date: \(Date().formatted(.iso8601))
        - Machine: \(Self.machine)
        - Build: \(Self.buildConfiguration)
        - Command: `\(command)`
        - Load: \(batches) requests to `POST /v1/batch` per load, 100 events each (\(rate(Double(events))) events), over \(connections)
          concurrent keep-alive connections on loopback; the server is a separate `cairn serve` process and the load
          generator runs on the same machine. Each engine and load starts from an empty database.
          - **realistic** (\(workloads.first.map { "\($0.averageEventBytes) bytes an event on average, largest batch \(rate(Double($0.largestBatchBytes) / 1000)) KB, \(rate(Double($0.newProfiles))) people never seen before" } ?? "")):
            20 % identifies with traits (first and last names in German, Chinese and Hebrew, email, plan, phone, an address
            object), 80 % tracks with E-commerce v2 names and properties — Product Viewed 34 %, Product Added 14 %, Cart
            Viewed 8 %, Checkout Started 9 %, Order Completed 15 % (1–5 products, EUR/CNY/ILS, each one an order), Order
            Refunded 2 %, Delivery Completed 6 %, Support Case Opened 6 %, Survey Responded 6 % (score and comment in the
            customer's language); context with channel (web 50 %, app 30 %, store 12 %, call centre 8 %), locale,
            timezone, library and page or app and device; 30 % of messages from people never seen before, of the rest
            10 % from a returning person's new device, 10 % of tracks with only an anonymous id; timestamps seconds
            old, 1 % up to an hour late (`sentAt` set, so clock skew is corrected).
          - **light** (\(workloads.dropFirst().first.map { "\($0.averageEventBytes) bytes an event on average" } ?? "")): the earlier, small and plain load — 30 %
            a new person's identify, 10 % trait updates, 60 % tracks with four properties.
        - Ceiling: the same rows inserted straight into the `events` table by the engine, one multi-row INSERT per 100
          rows in its own transaction, \(connections) concurrent writers — no HTTP, no JSON (the rows' values are made
          before the clock starts), no de-duplication, no identity resolution beside it.

        ## Ingestion through `/v1/batch`

        | Engine | Load | Events/s | Batch latency p50 | p99 | Max | Non-200 | Ceiling (rows/s) | Share of ceiling | Server RSS after / peak |
        |---|---|---:|---:|---:|---:|---:|---:|---:|---:|

        """
        for engine in engines {
            for row in engine.ingests {
                let i = row.ingest
                text += "| \(engine.name) | \(row.label) | \(rate(i.eventsPerSecond)) | \(ms(i.latency.p50)) | \(ms(i.latency.p99)) | \(ms(i.latency.max)) | \(i.failures) | "
                    + "\(rate(row.ceilingRowsPerSecond)) | \(String(format: "%.0f %%", 100 * i.eventsPerSecond / row.ceilingRowsPerSecond)) | \(i.rssAfterMiB) / \(i.peakRSSMiB) MiB |\n"
            }
        }
        text += """

        Identity resolution runs in the background, after the events are acknowledged and durable. Time from the first
        batch until every event of the run was tied to a profile (traits updated, orders made, triggers checked):

        | Engine | Load | All events resolved after | Events left unresolved |
        |---|---|---:|---:|

        """
        for engine in engines {
            for row in engine.ingests {
                let resolved = row.ingest.resolutionSeconds.map { String(format: "%.1f s", $0) } ?? "not within the wait"
                text += "| \(engine.name) | \(row.label) | \(resolved) | \(row.ingest.unresolvedLeft) |\n"
            }
        }
        if engines.contains(where: { !$0.lags.isEmpty }) {
            text += """

            ## Resolution lag at a steady offered rate

            Realistic batches of 100 offered open-loop at a fixed rate (each batch leaves at its time, on up to
            \(max(8, connections)) connections), held for the time shown; then, for every event, the time from its arrival
            (`received_at`, just before its acknowledgement) to its tie to a customer (`resolved_at`, just before the
            resolution commits), read from the database. Each rate starts from an empty database.

            | Engine | Offered events/s | Held | Sent events/s | Ack p99 | Non-200 | Lag p50 | Lag p99 | Lag max | Unresolved | Server RSS peak |
            |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|

            """
            for engine in engines {
                for lag in engine.lags {
                    text += "| \(engine.name) | \(rate(Double(lag.offeredPerSecond))) | \(lag.events / max(1, lag.offeredPerSecond)) s | \(rate(lag.sentPerSecond)) | \(ms(lag.acknowledgement.p99)) | \(lag.failures) | "
                        + "\(wait(lag.lag.p50)) | \(wait(lag.lag.p99)) | \(wait(lag.lag.max)) | \(lag.unresolved) | \(lag.peakRSSMiB) MiB |\n"
                }
            }
        }
        let kills = engines.compactMap { engine in engine.kill.map { (engine.name, $0) } }
        if !kills.isEmpty {
            text += """

            ## Killed mid-load: nothing acknowledged is lost

            Realistic batches offered open-loop at the first rate above; the server is killed with SIGKILL midway; every
            event of every batch it answered 200 for is then looked for in the database.

            | Engine | Offered events/s | Killed after | Batches acknowledged | Events acknowledged | Lost |
            |---|---:|---:|---:|---:|---:|

            """
            for (name, kill) in kills {
                text += "| \(name) | \(rate(Double(kill.offeredPerSecond))) | \(String(format: "%.0f s", kill.killedAfterSeconds)) | \(rate(Double(kill.acknowledgedBatches))) | \(rate(Double(kill.acknowledgedEvents))) | \(kill.lost) |\n"
            }
        }
        let lookups = engines.compactMap { engine in engine.lookup.map { (engine.name, $0) } }
        if !lookups.isEmpty {
            text += """

            ## Customer 360 lookups

            Profiles loaded straight into the tables as identity resolution leaves them (two identities, three traits with
            provenance and two events each), then looked up at random through the API by a viewer's secret key: first
            by one client, one request at a time (what one agent opening customer pages waits), then by \(connections)
            clients at once, as fast as answers come (the server, the database and the load generator then share the
            machine's cores, so the times include waiting for a core). The record is the whole customer 360 as data:
            golden record, identities, traits with provenance, merges, consent on every purpose with its history, and
            counts. The timeline asks for a first page of up to 50 events.

            | Engine | Profiles | Load time | Clients | `GET /api/v1/profiles/{id}` p50 / p99 | Lookup by email p50 / p99 | Timeline p50 / p99 | Server RSS peak |
            |---|---:|---:|---:|---:|---:|---:|---:|

            """
            for (name, lookup) in lookups {
                for (clients, set) in [(1, lookup.alone), (connections, lookup.concurrent)] {
                    text += "| \(name) | \(rate(Double(lookup.profiles))) | \(String(format: "%.0f s", lookup.loadSeconds)) | \(clients) | \(ms(set.record.p50)) / \(ms(set.record.p99)) | "
                        + "\(ms(set.byEmail.p50)) / \(ms(set.byEmail.p99)) | \(ms(set.timeline.p50)) / \(ms(set.timeline.p99)) | \(lookup.peakRSSMiB) MiB |\n"
                }
            }
        }
        let commerce = engines.compactMap { engine in engine.commerce.map { (engine.name, $0) } }
        if let file = orderFile, !commerce.isEmpty {
            text += """

            ## Orders: import and units sold

            `cairn import orders` (the command's own code, batches of 5,000 lines, each one transaction) of a generated CSV
            file: \(rate(Double(file.lines))) order lines in \(rate(Double(file.orders))) orders over one year (\(file.firstDay) to \(file.untilDay)), \(file.products.count) products in
            12 categories with popularity falling off as 1/rank, 1–5 lines per order, four channels, one order in ten in
            US dollars, 70 % delivered (a payment each), 8 % cancelled. Every order is checked as the orders API checks it
            and tied to its customer by user id. Then the units-sold report through `GET /api/v1/reports/units-sold` by a
            viewer's key, for the whole year (and by product per day for the last 30 days): one request to warm up, then
            five timed, one at a time.

            | Engine | Lines imported | Import time | Lines/s | Roll-up cells | Report | Rows | p50 | Max |
            |---|---:|---:|---:|---:|---|---:|---:|---:|

            """
            for (name, result) in commerce {
                for (index, report) in result.reports.enumerated() {
                    let lead = index == 0
                        ? "| \(name) | \(rate(Double(result.lines))) | \(String(format: "%.0f s", result.importSeconds)) | \(rate(Double(result.lines) / result.importSeconds)) | \(rate(Double(result.rollupCells))) "
                        : "| | | | | "
                    text += lead + "| `\(report.query)` | \(rate(Double(report.rows))) | \(ms(report.latency.p50)) | \(ms(report.latency.max)) |\n"
                }
            }
        }
        let feedback = engines.compactMap { engine in engine.feedback.map { (engine.name, $0) } }
        if !feedback.isEmpty {
            text += """

            ## Feedback: figures over many responses, and answers under load

            Responses to one NPS survey loaded straight into the tables as the survey page leaves them (with the daily
            answer counts kept beside them), spread over one year and four channels; then the figures through the API by a
            viewer's key (one request to warm up, five timed, one at a time); then whole responses sent to the widget's
            API (`POST /v1/surveys/{token}/responses`) by \(widgetClients) clients at once (each answer an NPS score and a
            comment), each stored with its counts and checked for alerts.

            | Engine | Responses | Load time | Count cells | Query | Rows | p50 | Max |
            |---|---:|---:|---:|---|---:|---:|---:|

            """
            for (name, result) in feedback {
                for (index, query) in result.queries.enumerated() {
                    let lead = index == 0 ? "| \(name) | \(rate(Double(result.responses))) | \(String(format: "%.0f s", result.loadSeconds)) | \(rate(Double(result.scoreCells))) " : "| | | | "
                    text += lead + "| `\(query.query)` | \(query.rows) | \(ms(query.latency.p50)) | \(ms(query.latency.max)) |\n"
                }
            }
            text += """

            | Engine | Answers sent | Answers/s | p50 | p99 | Refused |
            |---|---:|---:|---:|---:|---:|

            """
            for (name, result) in feedback {
                text += "| \(name) | \(rate(Double(result.submissions))) | \(rate(result.submissionsPerSecond)) | \(ms(result.submissionLatency.p50)) | \(ms(result.submissionLatency.p99)) | \(result.rejected) |\n"
            }
        }
        let service = engines.compactMap { engine in engine.service.map { (engine.name, $0) } }
        if !service.isEmpty {
            text += """

            ## Service: the agent console and a year's report

            Open cases (and half as many solved ones) spread over one year, four teams and twenty agents, with their
            messages, loaded straight into the tables as the engine leaves them (what each case contributes to the report
            kept on its row); then the console's reads through the API by a viewer's key, one request at a time after one
            to warm up: queues of 50, the queue counts, a random case with its messages and status history, and the
            year's service report.

            | Engine | Open cases | Messages | Load time | Request | Timed | p50 | p99 | Max |
            |---|---:|---:|---:|---|---:|---:|---:|---:|

            """
            for (name, result) in service {
                for (index, query) in result.queries.enumerated() {
                    let lead = index == 0 ? "| \(name) | \(rate(Double(result.cases))) | \(rate(Double(result.messages))) | \(String(format: "%.0f s", result.loadSeconds)) " : "| | | | "
                    text += lead + "| `\(query.query)` | \(query.samples) | \(ms(query.latency.p50)) | \(ms(query.latency.p99)) | \(ms(query.latency.max)) |\n"
                }
            }
            text += """

            Reference, measured in the same run before the server started: the same reads' SQL sent straight to the
            database on a connection of its own (no HTTP, no access checks, no JSON, no second grouped pass), one after
            another after one to warm up. Memory: the server's resident set after the reads, and its peak.

            | Engine | Reference query | Timed | p50 | p99 | Max | Server memory now / peak |
            |---|---|---:|---:|---:|---:|---:|

            """
            for (name, result) in service {
                for (index, query) in result.reference.enumerated() {
                    let memory = index == 0 ? "\(result.memoryMiB.current) / \(result.memoryMiB.peak) MiB" : ""
                    text += "| \(index == 0 ? name : "") | \(query.query) | \(query.samples) | \(ms(query.latency.p50)) | \(ms(query.latency.p99)) | \(ms(query.latency.max)) | \(memory) |\n"
                }
            }
        }
        let funnels = engines.compactMap { engine in engine.funnel.map { (engine.name, $0) } }
        if !funnels.isEmpty {
            text += """

            ## Journeys: funnel, active people and journey map beside DuckDB and pandas

            A year of events of many people (half of them funnel steps, half other things customers do; track payloads of
            about 680 bytes as a website's SDK sends them), loaded straight into the event store as identity resolution
            leaves them; then through the API, one request at a time after one to warm up (which builds the in-process
            event columns from one scan of the table): the 4-step funnel (Product Viewed → Product Added → Checkout
            Started → Order Completed), sequential, 7-day window from step 1; daily active people over the year; the
            year's journey map (the standard journey). The reference is the same definitions in DuckDB SQL and in pandas
            by `scripts/funnel-reference.py` on the same events exported to CSV, timed after loading; the run fails if
            any result differs.

            | Engine | Events | People | First request (builds the columns) | Funnel p50 / max | DuckDB | pandas | Active people p50 / max | DuckDB | pandas | Journey map p50 / max | DuckDB | pandas | Server memory now / peak |
            |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|

            """
            for (name, result) in funnels {
                func reference(_ label: String) -> String {
                    guard let found = result.references.first(where: { $0.name == label }) else { return "—" }
                    if let seconds = found.seconds { return ms(seconds) + (found.counts == result.counts ? " (same)" : " (differs)") }
                    return found.error ?? "—"
                }
                func other(_ label: String, map: Bool) -> String {
                    guard let found = result.otherReferences.first(where: { $0.name == label }), let seconds = map ? found.mapSeconds : found.activeSeconds else { return "—" }
                    let same = map ? (found.reached == result.mapReached && found.wentOn == result.mapWentOn) : found.active == result.activeCounts
                    return ms(seconds) + (same ? " (same)" : " (differs)")
                }
                text += "| \(name) | \(rate(Double(result.events))) | \(rate(Double(result.people))) | \(ms(result.firstSeconds)) | "
                    + "\(ms(result.latency.p50)) / \(ms(result.latency.max)) | \(reference("DuckDB")) | \(reference("pandas")) | "
                    + "\(ms(result.activeLatency.p50)) / \(ms(result.activeLatency.max)) | \(other("DuckDB", map: false)) | \(other("pandas", map: false)) | "
                    + "\(ms(result.mapLatency.p50)) / \(ms(result.mapLatency.max)) | \(other("DuckDB", map: true)) | \(other("pandas", map: true)) | "
                    + "\(result.memoryMiB.current) / \(result.memoryMiB.peak) MiB |\n"
            }
        }
        if let value {
            let m = value.purchase.model, g = value.spend.model, reference = value.reference
            let b = reference?["bgnbd"] as? [String: Double] ?? [:], gg = reference?["gammaGamma"] as? [String: Double] ?? [:]
            func seconds(_ key: String) -> String { (reference?[key] as? Double).map { ms($0) } ?? "—" }
            func number(_ value: Double?, _ format: String) -> String { value.map { String(format: format, $0) } ?? "—" }
            text += """

            ## Customer value: BG/NBD and Gamma-Gamma beside lifetimes

            \(value.customers.formatted(.number.grouping(.automatic).locale(Locale(identifier: "en_US")))) customers' summaries in days (\(value.groups) distinct, \(value.repeatCustomers) with a repeat
            purchase) drawn from BG/NBD and Gamma-Gamma with CDNOW's parameters (r 0.243, α 30.9 days, a 0.793, b 2.426; p 6.25,
            q 3.74, γ 15.44), acquired over two years. In process, on both cores: BG/NBD fitted (grouping the summaries
            included), Gamma-Gamma fitted on the repeat customers, every customer scored (90- and 365-day purchases, P(alive),
            12 months' value discounted at 10 % a year) without and with intervals (\(value.method)). The reference is
            lifetimes (`scripts/value-reference.py`) on the same summary written to CSV, timed after loading, in the same run.
            Memory: this process's resident size before the fit and its peak after scoring (the summaries are already held);
            lifetimes' process peak.

            | | BG/NBD fit | Gamma-Gamma fit | Scoring | With intervals | Memory | r | α | a | b | p | q | γ | Log-likelihood |
            |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
            | Cairn | \(ms(value.fitSeconds)) | \(ms(value.spendFitSeconds)) | \(ms(value.scoreSeconds)) | \(ms(value.intervalSeconds)) | \(value.memoryMiB.before) → \(value.memoryMiB.peak) MiB | \(number(m.r, "%.4f")) | \(number(m.alpha, "%.3f")) | \(number(m.a, "%.4f")) | \(number(m.b, "%.4f")) | \(number(g.p, "%.3f")) | \(number(g.q, "%.3f")) | \(number(g.gamma, "%.3f")) | \(number(value.purchase.logLikelihood, "%.1f")) |
            | lifetimes \(reference?["version"] as? String ?? "") | \(seconds("fitSeconds")) | \(seconds("spendFitSeconds")) | \(seconds("scoreSeconds")) | — | \((reference?["peakMiB"] as? Int).map { "\($0) MiB" } ?? "—") | \(number(b["r"], "%.4f")) | \(number(b["alpha"], "%.3f")) | \(number(b["a"], "%.4f")) | \(number(b["b"], "%.4f")) | \(number(gg["p"], "%.3f")) | \(number(gg["q"], "%.3f")) | \(number(gg["gamma"], "%.3f")) | \(number(reference?["logLikelihood"] as? Double, "%.1f")) |
            \(value.referenceError.map { "\nlifetimes: \($0)\n" } ?? "")
            """
        }
        if let segments {
            func count(_ value: Int) -> String { value.formatted(.number.grouping(.automatic).locale(Locale(identifier: "en_US"))) }
            text += """

            ## Segments: a new one over every customer, and twenty kept current

            \(count(segments.profiles)) customers (country, plan) with a year of events (\(count(segments.events)): 0–4 orders with a
            category and 1–4 product views each, payloads of about 680 bytes as a website sends them) loaded straight into the tables, a server started and
            warmed (the first preview, which builds the event columns: \(ms(segments.warmSeconds))); then each segment
            evaluated through the API (`POST /api/v1/segments/preview`: who would belong, nothing stored) and defined
            (`POST /api/v1/segments`: the whole workspace evaluated and its members stored), each timed from request to answer. The
            reference is DuckDB (`scripts/segment-reference.py`) computing the same memberships on the same rows from CSV, in
            the same run. Server peak memory \(segments.peakRSSMiB) MiB.

            | Segment | Members | Evaluated in | Defined (stored) in | DuckDB members | DuckDB |
            |---|---:|---:|---:|---:|---:|

            """
            for build in segments.builds {
                text += "| \(build.name) | \(count(build.members)) | \(ms(build.evaluateSeconds)) | \(ms(build.seconds)) | \(build.reference.map(count) ?? "—") | \(build.referenceSeconds.map { ms($0) } ?? "—") |\n"
            }
            if let error = segments.referenceError { text += "\nDuckDB: \(error)\n" }
            if let version = segments.referenceVersion { text += "\nDuckDB \(version).\n" }
            if !segments.spine.isEmpty {
                text += """

                Realistic tracking traffic (the ingestion part's) sent to a fresh database without segments and with twenty
                (every kind of condition: traits, event counts in windows, absence, property filters, consent, NPS, value
                tier, churn risk, nesting), timed until every event was tied to its customer — and so every membership decided.

                | Segments | Events | Events/s until all tied | Entries and exits recorded |
                |---:|---:|---:|---:|

                """
                for run in segments.spine { text += "| \(run.segments) | \(count(run.events)) | \(count(Int(run.endToEnd))) | \(count(run.changes)) |\n" }
            }
        }
        if !textAnalysis.isEmpty {
            text += """

            ## Text analytics

            Comments read one after another on one core (language, sentiment, topics, keywords — what every free-text
            answer gets when it is stored); the loads above carry such comments in a third of their responses.

            | Language | Comments/s | Per comment |
            |---|---:|---:|

            """
            for (language, perSecond) in textAnalysis {
                text += "| \(language) | \(rate(perSecond)) | \(String(format: "%.0f µs", 1_000_000 / perSecond)) |\n"
            }
        }
        text += targets()
        return text
    }

    /// The targets the benchmark exists for, each with the measured value and whether it was met.
    func targets() -> String {
        func mark(_ met: Bool) -> String { met ? "met" : "**not met**" }
        func rate(_ value: Double) -> String { Int(value.rounded()).formatted(.number.grouping(.automatic).locale(Locale(identifier: "en_US"))) }
        func ms(_ seconds: Double) -> String { String(format: "%.1f ms", seconds * 1000) }
        var lines: [String] = []
        for engine in engines {
            if let realistic = engine.ingests.first {
                let i = realistic.ingest
                let share = i.eventsPerSecond / realistic.ceilingRowsPerSecond
                if engine.name == "SQLite" {
                    lines.append("- SQLite ingestion of realistic traffic at least 20,000 events/s: \(Int(i.eventsPerSecond)) — \(mark(i.eventsPerSecond >= 20_000)); "
                        + "batch p99 at most 50 ms: \(ms(i.latency.p99)) — \(mark(i.latency.p99 <= 0.050)).")
                }
                lines.append("- \(engine.name) ingestion of realistic traffic at least 60 % of the same run's ceiling: \(String(format: "%.0f %%", share * 100)) — \(mark(share >= 0.6)).")
                lines.append("- \(engine.name) server memory at most 300 MiB: peak \(([i.peakRSSMiB] + engine.lags.map(\.peakRSSMiB)).max() ?? 0) MiB — \(mark((([i.peakRSSMiB] + engine.lags.map(\.peakRSSMiB)).max() ?? 0) <= 300)).")
            }
            if let target = engine.lags.first {
                let bounded = engine.lags.filter { $0.lag.p99 <= 2 && $0.unresolved == 0 && $0.sentPerSecond >= 0.95 * Double($0.offeredPerSecond) }.map(\.offeredPerSecond).max()
                lines.append("- \(engine.name) every event tied to its customer within 2 s at p99 at \(rate(Double(target.offeredPerSecond))) events/s offered: p99 \(ms(target.lag.p99)) — "
                    + "\(mark(target.lag.p99 <= 2 && target.unresolved == 0)); highest offered rate tried with p99 within 2 s: \(bounded.map { rate(Double($0)) + " events/s" } ?? "none").")
            }
            if let lookup = engine.lookup {
                let worst = max(lookup.alone.record.p99, lookup.alone.byEmail.p99, lookup.alone.timeline.p99)
                let worstConcurrent = max(lookup.concurrent.record.p99, lookup.concurrent.byEmail.p99, lookup.concurrent.timeline.p99)
                lines.append("- \(engine.name) customer 360 lookup p99 at most 10 ms with \(lookup.profiles.formatted(.number.grouping(.automatic).locale(Locale(identifier: "en_US")))) profiles: "
                    + String(format: "%.1f ms", worst * 1000) + " for one client — \(mark(worst <= 0.010)); "
                    + String(format: "%.1f ms", worstConcurrent * 1000) + " with \(connections) clients at once — \(mark(worstConcurrent <= 0.010)).")
            }
        }
        for engine in engines {
            if let kill = engine.kill {
                lines.append("- \(engine.name) no acknowledged event lost under SIGKILL at \(rate(Double(kill.offeredPerSecond))) events/s offered: \(kill.lost) of "
                    + "\(rate(Double(kill.acknowledgedEvents))) lost — \(mark(kill.lost == 0 && kill.acknowledgedEvents > 0)).")
            }
            if let commerce = engine.commerce, let worst = commerce.reports.map(\.latency.max).max() {
                lines.append("- \(engine.name) units-sold report over \(commerce.lines.formatted(.number.grouping(.automatic).locale(Locale(identifier: "en_US")))) order lines at most 100 ms: slowest answer "
                    + String(format: "%.0f ms", worst * 1000) + " — \(mark(worst <= 0.1 && commerce.lines >= 1_000_000))\(commerce.lines < 1_000_000 ? " (fewer lines than the target asks)" : "").")
            }
            if let feedback = engine.feedback {
                lines.append("- \(engine.name) widget answers at least 3,000/s with p99 at most 30 ms (\(widgetClients) clients): \(rate(feedback.submissionsPerSecond))/s, p99 "
                    + "\(ms(feedback.submissionLatency.p99)) — \(mark(feedback.submissionsPerSecond >= 3_000 && feedback.submissionLatency.p99 <= 0.030)).")
            }
        }
        for engine in engines {
            if let feedback = engine.feedback, let slowest = feedback.queries.filter({ $0.query.contains("by=channel") }).map(\.latency.max).max() {
                lines.append("- \(engine.name) figures over \(feedback.responses.formatted(.number.grouping(.automatic).locale(Locale(identifier: "en_US")))) responses by week × channel under 0.5 s: slowest answer "
                    + String(format: "%.0f ms", slowest * 1000) + " — \(mark(slowest < 0.5 && feedback.responses >= 1_000_000))\(feedback.responses < 1_000_000 ? " (fewer responses than the target asks)" : "").")
            }
        }
        for engine in engines {
            guard let service = engine.service else { continue }
            let views = service.queries.filter { !$0.query.contains("reports/service") }.map(\.latency.p99).max() ?? 0
            let report = service.queries.filter { $0.query.contains("reports/service") }.map(\.latency.max).max() ?? 0
            let full = service.cases >= 100_000 && service.messages >= 1_000_000
            let note = full ? "" : " (fewer cases or messages than the target asks)"
            lines.append("- \(engine.name) queue and case views p99 at most 50 ms over \(rate(Double(service.cases))) open cases and \(rate(Double(service.messages))) messages: "
                + "slowest p99 \(ms(views)) — \(mark(views <= 0.050 && full))\(note).")
            lines.append("- \(engine.name) a year's service report at most 200 ms: slowest answer \(ms(report)) — \(mark(report <= 0.200 && full))\(note).")
        }
        for engine in engines {
            guard let funnel = engine.funnel else { continue }
            let full = funnel.events >= 10_000_000
            let note = full ? "" : " (fewer events than the target asks)"
            lines.append("- \(engine.name) the 4-step funnel over \(rate(Double(funnel.events))) events of \(rate(Double(funnel.people))) people at most 0.5 s: "
                + "slowest \(ms(funnel.latency.max)) — \(mark(funnel.latency.max <= 0.5 && full))\(note).")
            lines.append("- \(engine.name) daily active people over the year at most 0.2 s: slowest \(ms(funnel.activeLatency.max)) — \(mark(funnel.activeLatency.max <= 0.2 && full))\(note).")
            lines.append("- \(engine.name) the year's journey map at most 1 s: slowest \(ms(funnel.mapLatency.max)) — \(mark(funnel.mapLatency.max <= 1 && full))\(note).")
        }
        if let value {
            let full = value.customers >= 1_000_000
            let note = full ? "" : " (fewer customers than the target asks)"
            lines.append("- Fitting BG/NBD and Gamma-Gamma on \(rate(Double(value.customers))) customers at most 1.5 s: \(ms(value.fitSeconds + value.spendFitSeconds)) — "
                + "\(mark(value.fitSeconds + value.spendFitSeconds <= 1.5 && full))\(note).")
            lines.append("- Scoring all of them at most 1 s: \(ms(value.scoreSeconds)) (with intervals \(ms(value.intervalSeconds))) — \(mark(value.scoreSeconds <= 1 && full))\(note).")
        }
        if let segments {
            let full = segments.profiles >= 1_000_000
            let note = full ? "" : " (fewer customers than the target asks)"
            let slowest = segments.builds.map(\.evaluateSeconds).max() ?? 0, stored = segments.builds.map(\.seconds).max() ?? 0
            lines.append("- A new segment over \(rate(Double(segments.profiles))) customers evaluated in at most 2 s: slowest of \(segments.builds.count) \(ms(slowest)) — \(mark(slowest <= 2 && full))\(note); "
                + "with its members stored, slowest \(ms(stored)).")
            if let without = segments.spine.first(where: { $0.segments == 0 }), let with = segments.spine.first(where: { $0.segments == 20 }) {
                let share = with.endToEnd / max(1, without.endToEnd)
                lines.append("- 20 segments kept current at the spine's rate (end to end with them at least 90 % of without): \(rate(with.endToEnd)) vs \(rate(without.endToEnd)) events/s, "
                    + "\(Int((share * 100).rounded())) % — \(mark(share >= 0.9)).")
            }
        }
        guard !lines.isEmpty else { return "" }
        return "\n## Against the targets\n\n" + lines.joined(separator: "\n") + "\n"
    }
}

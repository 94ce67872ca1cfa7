import ArgumentParser
import CairnAnalytics
import CairnEngine
import Foundation

/// `cairn clv FILE.csv`: customer lifetime value from a transaction log that someone brings, without a server.
struct CLVCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clv",
        abstract: "Customer lifetime value from a transaction log (customer id, date, amount), as CSV.",
        discussion: """
        The first row names the columns: customer_id (or customer), date (YYYY-MM-DD, YYYYMMDD or ISO 8601 with a time; \
        or placed_at, purchased_at) and amount (or value, revenue; in major units, e.g. 19.99). Other columns are left \
        alone. Purchases of one customer on one UTC day are one purchase.

        BG/NBD (how often each customer buys and whether they still do) and Gamma-Gamma (how much) are fitted by \
        maximum likelihood on every customer; each customer gets the purchases expected in the next 90 and 365 days, \
        P(alive), the value over the horizon discounted monthly with a 95 % interval, and a tier (top 10 %, next 20 %, \
        next 30 %, the rest). The models and a holdout check (fitted without the last --holdout-days days, predicted \
        against actual purchases in them) go to standard error. The models: docs/prediction.md.

        A row that cannot be read is left out and reported with its line and the reason; the rest go on. Exit status: \
        0 when every row was read, 3 when some were left out.
        """)

    @Argument(help: "The transaction log (CSV).") var file: String
    @Option(name: .long, help: ArgumentHelp("Where the scores go (default: standard output).", valueName: "path")) var output: String?
    @Option(name: .long, help: ArgumentHelp("The day the log ends (YYYY-MM-DD; default the day after its last purchase).", valueName: "date"))
    var observationEnd: String?
    @Option(name: .long, help: "Months of value (1–120).") var horizonMonths: Int = 12
    @Option(name: .long, help: "Yearly discount rate (0–1).") var discount: Double = 0.10
    @Option(name: .long, help: "Days held out for the check (0 skips it).") var holdoutDays: Int = 90
    @Option(name: .long, help: ArgumentHelp("The customer column's name, when it is none of the usual ones.", valueName: "name")) var customerColumn: String?
    @Option(name: .long, help: ArgumentHelp("The date column's name.", valueName: "name")) var dateColumn: String?
    @Option(name: .long, help: ArgumentHelp("The amount column's name.", valueName: "name")) var amountColumn: String?

    func validate() throws {
        guard (1...120).contains(horizonMonths) else { throw ValidationError("--horizon-months must be from 1 to 120.") }
        guard (0...1).contains(discount) else { throw ValidationError("--discount must be from 0 to 1 (0.10 is 10 % a year).") }
        guard (0...3650).contains(holdoutDays) else { throw ValidationError("--holdout-days must be from 0 to 3650.") }
        if let observationEnd, Self.day(observationEnd) == nil { throw ValidationError("--observation-end must be a date such as 2026-12-31.") }
    }

    static let customerColumns = ["customer_id", "customer", "customerid", "id"]
    static let dateColumns = ["date", "placed_at", "purchased_at", "timestamp"]
    static let amountColumns = ["amount", "value", "revenue", "total"]

    /// A UTC day number from YYYY-MM-DD, YYYYMMDD or an ISO 8601 timestamp.
    static func day(_ text: String) -> Int64? {
        let digits = text.filter(\.isNumber)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        func fromParts(_ y: Int?, _ m: Int?, _ d: Int?) -> Int64? {
            guard let y, let m, let d, (1...12).contains(m), (1...31).contains(d),
                  let date = calendar.date(from: DateComponents(year: y, month: m, day: d)),
                  calendar.component(.day, from: date) == d else { return nil }
            return Int64((date.timeIntervalSince1970 / 86_400).rounded(.down))
        }
        if text.count == 8, digits.count == 8 {
            return fromParts(Int(digits.prefix(4)), Int(digits.dropFirst(4).prefix(2)), Int(digits.suffix(2)))
        }
        if text.count == 10, text.dropFirst(4).first == "-", text.dropFirst(7).first == "-" {
            let parts = text.split(separator: "-").map { Int($0) }
            return parts.count == 3 ? fromParts(parts[0], parts[1], parts[2]) : nil
        }
        if let date = try? Date(text, strategy: .iso8601) { return Int64((date.timeIntervalSince1970 / 86_400).rounded(.down)) }
        return nil
    }

    func run() async throws {
        let started = Date()
        let csv = try CSVFile(path: file)
        guard let headerRow = try csv.next() else { throw UsageProblem("\(file) is empty; the first row must name the columns customer_id, date, amount.") }
        let names = headerRow.fields.map { $0.trimmingCharacters(in: .whitespacesAndNewlines).lowercased() }
        func column(_ named: String?, _ choices: [String], _ label: String) throws -> Int {
            if let named {
                guard let index = names.firstIndex(of: named.lowercased()) else {
                    throw UsageProblem("\(file) has no column \(named); its columns are \(names.joined(separator: ", ")).")
                }
                return index
            }
            guard let index = names.firstIndex(where: choices.contains) else {
                throw UsageProblem("\(file) has no \(label) column (\(choices.joined(separator: ", "))); its columns are \(names.joined(separator: ", ")). "
                                   + "Name it with --\(label)-column.")
            }
            return index
        }
        let customerIndex = try column(customerColumn, Self.customerColumns, "customer"), dateIndex = try column(dateColumn, Self.dateColumns, "date")
        let amountIndex = try column(amountColumn, Self.amountColumns, "amount")
        var reading = Progress(total: csv.size, label: "Reading  ", unit: "rows")
        var index: [String: Int] = [:]
        var ids: [String] = []
        var customers: [PurchaseDays] = []
        var rows = 0
        var problems: [(line: Int, reason: String)] = []
        var problemCount = 0
        var lastDay = Int64.min
        while let row = try csv.next() {
            rows += 1
            reading.show(done: csv.bytesRead, records: rows)
            func field(_ index: Int) -> String { index < row.fields.count ? row.fields[index].trimmingCharacters(in: .whitespaces) : "" }
            let id = field(customerIndex), dateText = field(dateIndex), amountText = field(amountIndex)
            var reason: String?
            let day = Self.day(dateText), amount = Double(amountText)
            if id.isEmpty { reason = "no customer id" }
            else if day == nil { reason = "date \"\(dateText.prefix(40))\" is not a date (use YYYY-MM-DD, YYYYMMDD or ISO 8601)" }
            else if amount == nil || !(amount!.isFinite) { reason = "amount \"\(amountText.prefix(40))\" is not a number (use major units, e.g. 19.99)" }
            if let reason {
                problemCount += 1
                if problems.count < 5 { problems.append((row.line, reason)) }
                continue
            }
            let slot: Int
            if let found = index[id] { slot = found } else {
                slot = customers.count
                index[id] = slot
                ids.append(id)
                customers.append(PurchaseDays())
            }
            customers[slot].add(day: day!, amount: amount!)
            lastDay = max(lastDay, day!)
        }
        reading.finish(done: csv.size, records: rows)
        guard !customers.isEmpty else { throw UsageProblem("\(file) has no readable purchases (\(problemCount) rows left out).") }
        let today = observationEnd.flatMap(Self.day).map { $0 + 1 } ?? lastDay + 1
        let scoringBar = ProgressBox(label: "Scoring  ", unit: "summaries")
        let result: ValueComputation.Result
        do {
            result = try ValueComputation.run(customers, today: today, horizonMonths: horizonMonths, annualDiscount: discount, holdoutDays: holdoutDays) {
                scoringBar.show($0, of: $1)
            }
        } catch .tooFewCustomers(let count, let repeats) {
            throw UsageProblem("The models need at least \(ValueComputation.minimumCustomers) customers, \(ValueComputation.minimumRepeatCustomers) of them "
                               + "with a repeat purchase before the observation end; \(file) has \(count) and \(repeats).")
        }
        scoringBar.finish()
        var out = "customer_id,repeat_purchases,recency_days,age_days,p_alive,expected_purchases_90d,expected_purchases_365d,mean_spend,value,value_lower,value_upper,tier\n"
        for i in customers.indices {
            let s = result.scores[i], summary = result.summaries[i]
            out += [CSVWriter.field(ids[i]), "\(summary.frequency)", "\(Int(summary.recency))", "\(Int(summary.age))", String(format: "%.4f", s.probabilityAlive),
                    String(format: "%.4f", s.expected90), String(format: "%.4f", s.expected365), String(format: "%.2f", s.meanSpend),
                    String(format: "%.2f", s.value), String(format: "%.2f", s.lower), String(format: "%.2f", s.upper), result.tiers[i].name].joined(separator: ",") + "\n"
        }
        if let output { try out.write(toFile: output, atomically: true, encoding: .utf8) } else { print(out, terminator: "") }
        let bg = result.purchases.model, gg = result.spend.model
        func withError(_ value: Double, _ errors: [Double]?, _ index: Int) -> String {
            String(format: "%.4g", value) + (errors.map { String(format: " ± %.2g", $0[index]) } ?? "")
        }
        let be = result.purchases.standardErrors, ge = result.spend.standardErrors
        say("\(customers.count) customers (\(result.repeatCustomers) with a repeat purchase) from \(rows - problemCount) purchases, read in "
            + String(format: "%.1f s", Date().timeIntervalSince(started)) + ".")
        say("  BG/NBD (days): r \(withError(bg.r, be, 0)), α \(withError(bg.alpha, be, 1)), a \(withError(bg.a, be, 2)), b \(withError(bg.b, be, 3)); "
            + String(format: "log-likelihood %.1f", result.purchases.logLikelihood))
        say("  Gamma-Gamma: p \(withError(gg.p, ge, 0)), q \(withError(gg.q, ge, 1)), γ \(withError(gg.gamma, ge, 2))")
        say("  Value over \(horizonMonths) months at \(discount * 100) % a year: " + String(format: "%.2f in all", result.scores.reduce(0) { $0 + $1.value })
            + "; intervals by \(result.intervalMethod == .draws ? "parameter draws" : "the delta method").")
        if let holdout = result.holdout {
            say("  Holdout (last \(holdout.days) days, \(holdout.customers) customers): predicted " + String(format: "%.0f", holdout.predictedTotal)
                + " purchases, actual " + String(format: "%.0f", holdout.actualTotal) + "; per repeat-purchase group (mean absolute error "
                + String(format: "%.3f", holdout.meanAbsoluteError) + "):")
            for group in holdout.groups {
                say("    \(group.frequency)\(group.orMore ? "+" : " ") \(group.customers) customers: predicted " + String(format: "%.3f", group.predicted)
                    + ", actual " + String(format: "%.3f", group.actual))
            }
        } else if holdoutDays > 0 {
            say("  Holdout: not run (too few customers bought before the last \(holdoutDays) days).")
        }
        if problemCount > 0 {
            say("  \(problemCount) rows left out; first: " + problems.map { "line \($0.line): \($0.reason)" }.joined(separator: "; "))
            throw ExitCode(3)
        }
    }
}

/// A progress bar told from the scoring's threads.
final class ProgressBox: @unchecked Sendable {
    private var progress: Progress?
    private var done = 0
    private let label: String, unit: String
    private let lock = NSLock()
    init(label: String, unit: String) {
        self.label = label
        self.unit = unit
    }
    func show(_ done: Int, of total: Int) {
        lock.lock()
        if progress == nil { progress = Progress(total: total, label: label, unit: unit) }
        self.done = max(self.done, done)
        progress?.show(done: self.done, records: self.done)
        lock.unlock()
    }
    func finish() {
        lock.lock()
        progress?.finish(done: done, records: done)
        lock.unlock()
    }
}

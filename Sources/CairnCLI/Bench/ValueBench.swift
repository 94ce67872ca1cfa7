import CairnAnalytics
import Foundation

/// The customer-value part of `cairn bench`: a million customers' summaries (days) drawn from BG/NBD and Gamma-Gamma
/// with CDNOW's parameters over two years of acquisition; BG/NBD and Gamma-Gamma fitted and every customer scored, in
/// process; lifetimes on the same summary in the same run (`scripts/value-reference.py`), its parameters beside ours.
extension Bench {
    struct ValueResult {
        var customers: Int
        var groups: Int
        var repeatCustomers: Int
        var fitSeconds: Double
        var spendFitSeconds: Double
        var scoreSeconds: Double
        var intervalSeconds: Double
        var method: String
        var memoryMiB: (before: Int, peak: Int)
        var purchase: BGNBD.Fit
        var spend: GammaGamma.Fit
        var totalValue: Double
        var reference: [String: Any]?
        var referenceError: String?
    }

    /// CDNOW's published fits in days (α × 7; Gamma-Gamma in dollars).
    static let valueTruth = (r: 0.243, alpha: 4.414 * 7, a: 0.793, b: 2.426, p: 6.25, q: 3.74, gamma: 15.44)

    static func simulatedCustomers(_ count: Int, seed: UInt64) -> [(summary: PurchaseSummary, meanSpend: Double)] {
        var random = SplitMix64(seed: seed)
        func uniform() -> Double { random.uniform() }
        func gamma(_ shape: Double, _ scale: Double) -> Double { random.gamma(shape, scale) }
        let truth = valueTruth
        return (0..<count).map { _ in
            let rate = gamma(truth.r, 1 / truth.alpha), g = gamma(truth.a, 1), dropout = g / (g + gamma(truth.b, 1))
            let age = 1 + (uniform() * 730).rounded(.down)
            let nu = gamma(truth.q, 1 / truth.gamma)
            var t = 0.0, last = 0.0, x = 0, spent = 0.0
            while true {
                t += -log(uniform()) / rate
                guard t < age else { break }
                let day = t.rounded(.down)
                if day > last || (x == 0 && day > 0) {
                    x += 1
                    last = day
                    spent += gamma(truth.p, 1 / nu)
                }
                if uniform() < dropout { break }
            }
            return (PurchaseSummary(frequency: x, recency: last, age: age), x > 0 ? spent / Double(x) : 0)
        }
    }


    func measureValue(scratch: URL) throws -> ValueResult {
        let customers = Self.simulatedCustomers(valueCustomers, seed: 19)
        let csv = scratch.appendingPathComponent("value-summary.csv").path
        var text = "frequency,recency,T,monetary_value\n"
        text.reserveCapacity(customers.count * 24)
        for customer in customers {
            text += "\(customer.summary.frequency),\(Int(customer.summary.recency)),\(Int(customer.summary.age)),\(String(format: "%.4f", customer.meanSpend))\n"
        }
        try text.write(toFile: csv, atomically: false, encoding: .utf8)
        text = ""
        let before = processResidentMiB("self").current
        func seconds(_ body: () -> Void) -> Double {
            let start = ContinuousClock.now
            body()
            let elapsed = ContinuousClock.now - start
            return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        }
        var table: PurchaseTable?
        var purchase: BGNBD.Fit?
        let fitSeconds = seconds {
            table = PurchaseTable(customers.map(\.summary))
            purchase = BGNBD.fit(table!)
        }
        var spend: GammaGamma.Fit?
        let spendFitSeconds = seconds { spend = GammaGamma.fit(customers.map { (transactions: $0.summary.frequency, mean: $0.meanSpend) }) }
        let monthly = pow(1.1, 1.0 / 12) - 1
        let scoring = ValueScoring(purchases: purchase!, spend: spend!, periods: 12, periodLength: 365.25 / 12, discount: monthly)
        var points: [ValueScoring.Score] = []
        let scoreSeconds = seconds { points = scoring.score(customers, intervals: false) }
        var withIntervals: [ValueScoring.Score] = []
        let intervalSeconds = seconds { withIntervals = scoring.score(customers) }
        let memory = (before: before, peak: processResidentMiB("self").peak)
        _ = withIntervals.count
        // lifetimes on the same summary, after ours (so that its memory is its own process's).
        var reference: [String: Any]?, referenceError: String?
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [referencePython, "scripts/value-reference.py", csv, "12", "\(monthly)"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        do {
            try process.run()
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
            if process.terminationStatus == 0, let json { if let error = json["error"] as? String { referenceError = error } else { reference = json } }
            else { referenceError = "scripts/value-reference.py exited with \(process.terminationStatus)" }
        } catch {
            referenceError = "could not start \(referencePython): \(error)"
        }
        return ValueResult(customers: customers.count, groups: table!.groups, repeatCustomers: customers.count { $0.summary.frequency > 0 },
                           fitSeconds: fitSeconds, spendFitSeconds: spendFitSeconds, scoreSeconds: scoreSeconds, intervalSeconds: intervalSeconds,
                           method: scoring.intervalMethod(customers: customers.count, distinct: table!.groups).rawValue, memoryMiB: memory,
                           purchase: purchase!, spend: spend!, totalValue: points.reduce(0) { $0 + $1.value }, reference: reference, referenceError: referenceError)
    }

    func sayValue(_ result: ValueResult) {
        let m = result.purchase.model, g = result.spend.model
        say("  \(result.customers) customers (\(result.groups) distinct summaries): BG/NBD fit \(ms(result.fitSeconds)), Gamma-Gamma \(ms(result.spendFitSeconds)), "
            + "scoring \(ms(result.scoreSeconds)) (with \(result.method) intervals \(ms(result.intervalSeconds))); memory \(result.memoryMiB.before) → peak \(result.memoryMiB.peak) MiB")
        say("  ours r \(String(format: "%.4f", m.r)) α \(String(format: "%.3f", m.alpha)) a \(String(format: "%.4f", m.a)) b \(String(format: "%.4f", m.b)); "
            + "p \(String(format: "%.3f", g.p)) q \(String(format: "%.3f", g.q)) γ \(String(format: "%.3f", g.gamma)); LL \(String(format: "%.1f", result.purchase.logLikelihood))")
        if let reference = result.reference {
            let b = reference["bgnbd"] as? [String: Double] ?? [:], gg = reference["gammaGamma"] as? [String: Double] ?? [:]
            say("  lifetimes \(reference["version"] as? String ?? "?"): fit \(ms(reference["fitSeconds"] as? Double ?? 0)), Gamma-Gamma \(ms(reference["spendFitSeconds"] as? Double ?? 0)), "
                + "scoring \(ms(reference["scoreSeconds"] as? Double ?? 0)), peak \(reference["peakMiB"] as? Int ?? 0) MiB; r \(String(format: "%.4f", b["r"] ?? 0)) α \(String(format: "%.3f", b["alpha"] ?? 0)) "
                + "a \(String(format: "%.4f", b["a"] ?? 0)) b \(String(format: "%.4f", b["b"] ?? 0)); p \(String(format: "%.3f", gg["p"] ?? 0)) q \(String(format: "%.3f", gg["q"] ?? 0)) "
                + "γ \(String(format: "%.3f", gg["gamma"] ?? 0)); LL \(String(format: "%.1f", reference["logLikelihood"] as? Double ?? 0))")
        } else {
            say("  lifetimes: \(result.referenceError ?? "not run")")
        }
    }
}

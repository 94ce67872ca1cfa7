@testable import CairnCLI
import CairnStore
import Foundation
import Testing

/// `cairn demo --size small` lived into a fresh SQLite file through the real HTTP paths, then the five effects
/// docs/demo.md plants looked for on the product's own pages (in English, German, Chinese and Hebrew) and in the API
/// behind them. The world is random but seeded; each expectation leaves room for the draw.
@Suite("The demo world", .serialized)
struct DemoWorldTests {
    static let languages = ["en", "de", "zh", "he"]
    /// What each page calls things, per language (from the message catalogues).
    static let words: [String: [String: String]] = [
        "en": ["quality": "Product quality", "late": "Late delivery", "fixFirst": "Fix first", "german": "German", "delivery": "Delivery", "halve": "Halve late deliveries"],
        "de": ["quality": "Produktqualität", "late": "Verspätete Lieferung", "fixFirst": "Zuerst beheben", "german": "Deutsch", "delivery": "Lieferung", "halve": "Verspätete Lieferungen halbieren"],
        "zh": ["quality": "产品质量", "late": "配送延迟", "fixFirst": "优先改进", "german": "德文", "delivery": "配送", "halve": "将延迟送达减半"],
        "he": ["quality": "איכות המוצר", "late": "משלוח באיחור", "fixFirst": "לתקן קודם", "german": "גרמנית", "delivery": "משלוח", "halve": "לצמצם בחצי משלוחים מאוחרים"],
    ]

    @Test("The small world loads through the real paths and its planted effects are found on the product's pages in four languages")
    func plantedEffects() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-demo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let options = DemoRunner.Options(size: .small, seed: 2026, port: 0, location: .sqliteFile(path: folder.appendingPathComponent("demo.sqlite").path),
                                         showProgress: false)
        try await DemoRunner.run(options) { loaded in
            let site = DemoSite(loaded)
            do {
                try await Self.check(site)
                await site.shutdown()
            } catch {
                await site.shutdown()
                throw error
            }
        }
    }

    static func check(_ site: DemoSite) async throws {
        let loaded = site.loaded
        // Everything arrived through the paths the docs name.
        #expect(loaded.counters["events", default: 0] > 50_000)
        #expect(loaded.counters["widgetAnswers", default: 0] > 500)
        #expect(loaded.counters["pageAnswers", default: 0] > 500)
        #expect(loaded.counters["cases", default: 0] > 300)
        #expect(loaded.counters["pulseAnswers", default: 0] > 200)
        let surveys = try #require(try await site.object("/api/v1/surveys")["data"] as? [[String: Any]])
        func survey(_ name: String) throws -> String { try #require(surveys.first { $0["name"] as? String == name }?["id"] as? String) }
        let csat = try survey("Post-delivery CSAT")

        // 1. Late deliveries drive post-delivery CSAT: the first driver, fix first, most of R².
        let drivers = try #require(try await site.object("/api/v1/insights/key-drivers?surveyId=\(csat)&outcome=csat")["drivers"] as? [[String: Any]])
        // Late delivery, and the customers' negative comments about delivery that come with it, carry most of R²;
        // late delivery is the one to fix first (important, and performing worst).
        let late = try #require(drivers.first { $0["key"] as? String == "fact:late_delivery" }, "drivers: \(drivers)")
        let complaints = drivers.first { $0["key"] as? String == "topic:delivery" }
        #expect(late["quadrant"] as? String == "fix_first", "\(drivers)")
        #expect((late["weightPercent"] as? Double ?? 0) + (complaints?["weightPercent"] as? Double ?? 0) > 50, "\(drivers)")
        #expect((late["lower"] as? Double ?? 0) > 10, "late delivery's weight, lower bound: \(late)")
        // … and leaving: the ROI page's scenario of halving late parcels keeps customers.
        let roi = try #require(try await site.object("/api/v1/roi")["summary"] as? [String: Any])
        let scenarios = try #require(roi["scenarios"] as? [[String: Any]])
        let halve = try #require(scenarios.first { $0["key"] as? String == "halve_late_deliveries" })
        #expect((halve["retained"] as? Double ?? 0) > 0, "\(halve)")

        // 2. The bad batch: cases about the headlamp run far above normal now, on the overview's Needs attention.
        let alerts = try #require(try await site.object("/api/v1/insights/alerts?open=true")["data"] as? [[String: Any]])
        let headlamp = alerts.first { ($0["message"] as? String ?? "").contains("Trailblazer headlamp") || ($0["label"] as? String ?? "").contains("Trailblazer headlamp") }
        #expect(headlamp != nil, "open alerts: \(alerts)")
        // … and the comments: negative "product quality" mentions (relationship NPS and post-contact CES) run at more
        // than twice their daily rate of the months before the campaign.
        let day = { (daysAgo: Int) in Date().addingTimeInterval(Double(-daysAgo) * 86_400).formatted(.iso8601.year().month().day()) }
        func negativeQuality(from: Int, until: Int) async throws -> Int {
            var count = 0
            for name in ["Relationship NPS", "Post-contact CES"] {
                let points = try #require(try await site.object("/api/v1/surveys/\(try survey(name))/topics?period=day&from=\(day(from))&until=\(day(until))")["data"] as? [[String: Any]])
                count += points.filter { $0["topic"] as? String == "quality" }.reduce(0) { $0 + ($1["negative"] as? Int ?? 0) }
            }
            return count
        }
        let before = try await negativeQuality(from: 120, until: 40), during = try await negativeQuality(from: 28, until: 0)
        #expect(Double(during) / 28 > 2 * Double(before) / 80, "negative quality mentions: \(before) in the 80 days before the campaign, \(during) in its last 28")

        // 3. The unhappy store: Hamburg HafenCity lowest on eNPS and on its customers' CSAT in the latest pulse.
        let pulses = try #require(try await site.object("/api/v1/pulses")["data"] as? [[String: Any]])
        let pulse = try #require(pulses.first?["id"] as? String)
        let stores = try #require(try await site.object("/api/v1/pulses/\(pulse)/ex-cx")["stores"] as? [[String: Any]])
        func figure(_ store: [String: Any], _ key: String, _ field: String) -> Double? { (store[key] as? [String: Any])?[field] as? Double }
        let byENPS = stores.compactMap { store in figure(store, "enps", "score").map { (store["code"] as? String ?? "", $0) } }.sorted { $0.1 < $1.1 }
        #expect(byENPS.first?.0 == DemoWorld.troubledStore, "eNPS by store: \(byENPS)")
        let byNPS = stores.compactMap { store in figure(store, "customerNps", "score").map { (store["code"] as? String ?? "", $0) } }.sorted { $0.1 < $1.1 }
        #expect(byNPS.first?.0 == DemoWorld.troubledStore, "customer NPS by store: \(byNPS)")
        // CSAT rests on fewer answers a store: below the middle of the stores.
        let byCSAT = stores.compactMap { store in figure(store, "customerCsat", "percent").map { (store["code"] as? String ?? "", $0) } }.sorted { $0.1 < $1.1 }
        #expect(byCSAT.prefix(byCSAT.count / 2).contains { $0.0 == DemoWorld.troubledStore }, "customer CSAT by store: \(byCSAT)")

        // 4. Promoters spend more and buy again more often than detractors (ROI of CX, NPS cohorts).
        let cohorts = try #require(roi["cohorts"] as? [[String: Any]])
        func cohort(_ key: String) -> [String: Any] { cohorts.first { $0["key"] as? String == key } ?? [:] }
        #expect((cohort("promoters")["meanSpend"] as? Double ?? 0) > (cohort("detractors")["meanSpend"] as? Double ?? .infinity), "\(cohorts)")
        #expect((cohort("promoters")["retention"] as? Double ?? 0) > (cohort("detractors")["retention"] as? Double ?? 1), "\(cohorts)")

        // 5. A persona led by sustainability whose members answer mostly in German.
        let model = try #require(try await site.object("/api/v1/personas")["model"] as? [String: Any])
        let personas = try #require(model["personas"] as? [[String: Any]])
        let green = try #require(personas.first { ($0["leadingValues"] as? [String])?.first == "sustainability" }, "personas: \(personas.map { $0["key"] ?? "" })")
        let spoken = try #require((green["languages"] as? [[String: Any]])?.first)
        #expect(spoken["name"] as? String == "de" && (spoken["share"] as? Double ?? 0) > 0.6, "\(green["languages"] ?? "")")

        // The pages that should show each of them do, in every language.
        for language in languages {
            let word = try #require(words[language])
            var session = try await site.signIn(language: language)
            let driversPage = try await session.get("/insights?surveyId=\(csat)&outcome=csat")
            #expect(driversPage.contains(word["late"]!) && driversPage.contains(word["fixFirst"]!), "key drivers in \(language)")
            let overview = try await session.get("/")
            #expect(overview.contains("Trailblazer headlamp"), "needs attention in \(language)")
            let scorecard = try await session.get("/feedback")
            #expect(scorecard.contains(#"<tr data-topic="quality">"#) && scorecard.contains(word["quality"]!), "the quality topic on the scorecard in \(language)")
            let pulsePage = try await session.get("/workforce/pulses/\(pulse)")
            #expect(pulsePage.contains("Hamburg HafenCity"), "EX beside CX in \(language)")
            let roiPage = try await session.get("/insights/roi")
            #expect(roiPage.contains(word["halve"]!) && roiPage.contains("/insights/roi/customers?group=late_deliveries"), "ROI in \(language)")
            let personasPage = try await session.get("/insights/personas")
            #expect(personasPage.contains(word["german"]!), "personas in \(language)")
            // The journey map's Receive stage: its CSAT and what its comments are about, delivery first.
            let map = try await session.get("/journeys/map")
            #expect(map.contains(word["delivery"]! + " · "), "journey map in \(language)")
        }
    }
}

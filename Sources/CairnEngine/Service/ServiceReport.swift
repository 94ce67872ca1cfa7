public import CairnAnalytics
public import CairnCore
public import CairnStore
public import Foundation

/// What service achieved over a period, by channel, topic, product, team, agent or priority: volume, first-response
/// and resolution times in business hours, service levels met (with a 95 % interval), first-contact resolution,
/// reopen rate, the backlog now, and what the contacts cost. Needs `service.read`.
public struct ServiceReport: Sendable {
    let store: Store
    public let clock: DateSource

    public init(store: Store, clock: DateSource = .system) {
        self.store = store
        self.clock = clock
    }

    public typealias Dimension = ServiceDimension

    public struct Row: Sendable, Encodable {
        /// The group's key (a channel, topic, id, priority); nil: none (no team, no topic, …).
        public var key: String?
        /// The group as people read it (a team's, an agent's or a product's name).
        public var label: String
        public var cases: Int
        public var backlog: Int
        public var responded: Int
        public var firstResponseMinutes: Double?
        public var solved: Int
        public var resolutionHours: Double?
        /// Targets met among cases whose targets ended (met or breached).
        public var slaAttainment: Proportion
        /// Solved with one agent reply at most and never reopened, among solved cases.
        public var firstContactResolution: Proportion
        /// Opened again after being solved, among solved cases.
        public var reopenRate: Proportion
        /// Cases × cost per contact of their channel (channel rows and the total only).
        public var cost: Money?
        /// After contact: customers satisfied (CSAT 4 or 5) among cases whose customer answered the CSAT survey.
        public var csatAfterContact: Proportion
        /// After contact: the mean CES (1–7, higher is easier) and how many cases it was answered for.
        public var cesAfterContact: Double?
        public var cesAnswers: Int
    }

    public struct Report: Sendable, Encodable {
        public var by: String
        public var from: Date
        public var until: Date
        public var rows: [Row]
        public var total: Row
        public var days: [Day]
        public var chat: Chat
    }

    /// Chats of the period: how many the bot kept to itself (never handed over), and why it handed the others over.
    public struct Chat: Sendable, Encodable {
        public var chats: Int
        public var containment: Proportion
        public var handovers: [String: Int]
    }

    public struct Day: Sendable, Encodable {
        public var day: Date
        public var cases: Int
        public var firstResponseMinutes: Double?
    }

    public func report(by dimension: Dimension, from: Date, until: Date, for principal: Principal) async throws -> Report {
        try principal.require(.serviceRead)
        let workspace = principal.workspaceID
        async let cells = store.serviceReport(in: workspace, by: dimension, from: from, until: until)
        async let backlog = store.serviceBacklog(in: workspace, by: dimension)
        async let channelDays = store.serviceChannelDays(in: workspace, from: from, until: until)
        async let chats = store.chatOutcomes(in: workspace, from: from, until: until)
        let settings = try await store.serviceSettings(in: workspace)
        let names = try await labels(for: dimension, in: workspace)
        let (found, open, grid) = try await (cells, backlog, channelDays)
        var casesByChannel: [String: Int] = [:]
        var byDay: [Int64: (cases: Int, seconds: Double, responded: Int)] = [:]
        for cell in grid {
            casesByChannel[cell.channel, default: 0] += cell.cases
            var day = byDay[cell.day] ?? (0, 0, 0)
            day.cases += cell.cases
            day.seconds += cell.responseSeconds
            day.responded += cell.responded
            byDay[cell.day] = day
        }
        let perDay = byDay.sorted { $0.key < $1.key }.map { (day: $0.key, cases: $0.value.cases, firstResponseSeconds: $0.value.responded > 0 ? $0.value.seconds / Double($0.value.responded) : nil) }
        func cost(_ channel: String?, cases: Int) -> Money? { channel.flatMap { settings.costPerContact[$0] }?.times(Int64(cases)) }
        var rows = found.map { cell in
            row(cell, label: cell.key.map { names[$0] ?? $0 } ?? "—", backlog: open[cell.key] ?? 0, cost: dimension == .channel ? cost(cell.key, cases: cell.cases) : nil)
        }
        // Groups with a backlog but no case opened in the period.
        for (key, count) in open where !found.contains(where: { $0.key == key }) {
            rows.append(row(ServiceReportCell(key: key), label: key.map { names[$0] ?? $0 } ?? "—", backlog: count, cost: nil))
        }
        rows.sort { ($0.cases, $0.backlog, $1.label) > ($1.cases, $1.backlog, $0.label) }
        let totalCell = found.reduce(into: ServiceReportCell(key: nil)) { sum, cell in
            sum.firstResponseSeconds = Self.weighted(sum.firstResponseSeconds, sum.responded, cell.firstResponseSeconds, cell.responded)
            sum.resolutionSeconds = Self.weighted(sum.resolutionSeconds, sum.solved, cell.resolutionSeconds, cell.solved)
            sum.cases += cell.cases; sum.responded += cell.responded; sum.solved += cell.solved; sum.slaMet += cell.slaMet; sum.slaBreached += cell.slaBreached
            sum.reopened += cell.reopened; sum.firstContactResolved += cell.firstContactResolved
            sum.csatAnswered += cell.csatAnswered; sum.csatSatisfied += cell.csatSatisfied; sum.cesAnswered += cell.cesAnswered; sum.cesSum += cell.cesSum
        }
        var totalCost: Money?
        for (channel, count) in casesByChannel.sorted(by: { $0.key < $1.key }) {
            guard let part = cost(channel, cases: count) else { continue }
            totalCost = totalCost.map { Money(minorUnits: $0.minorUnits + part.minorUnits, currency: $0.currency) } ?? part
        }
        let total = row(totalCell, label: "", backlog: open.values.reduce(0, +), cost: totalCost)
        let outcome = try await chats
        return Report(by: dimension.rawValue, from: from, until: until, rows: rows, total: total,
                      days: perDay.map { Day(day: Date(timeIntervalSince1970: TimeInterval($0.day) * 86_400), cases: $0.cases, firstResponseMinutes: $0.firstResponseSeconds.map { $0 / 60 }) },
                      chat: Chat(chats: outcome.chats, containment: Proportion(successes: outcome.contained, n: outcome.chats), handovers: outcome.reasons))
    }

    static func weighted(_ a: Double?, _ na: Int, _ b: Double?, _ nb: Int) -> Double? {
        guard let b, nb > 0 else { return a }
        guard let a, na > 0 else { return b }
        return (a * Double(na) + b * Double(nb)) / Double(na + nb)
    }

    func row(_ cell: ServiceReportCell, label: String, backlog: Int, cost: Money?) -> Row {
        Row(key: cell.key, label: label, cases: cell.cases, backlog: backlog, responded: cell.responded, firstResponseMinutes: cell.firstResponseSeconds.map { $0 / 60 },
            solved: cell.solved, resolutionHours: cell.resolutionSeconds.map { $0 / 3600 },
            slaAttainment: Proportion(successes: cell.slaMet, n: cell.slaMet + cell.slaBreached),
            firstContactResolution: Proportion(successes: min(cell.firstContactResolved, cell.solved), n: cell.solved),
            reopenRate: Proportion(successes: min(cell.reopened, cell.solved), n: cell.solved), cost: cost,
            csatAfterContact: Proportion(successes: cell.csatSatisfied, n: cell.csatAnswered),
            cesAfterContact: cell.cesAnswered > 0 ? Double(cell.cesSum) / Double(cell.cesAnswered) : nil, cesAnswers: cell.cesAnswered)
    }

    /// Names for ids: teams, agents, products.
    func labels(for dimension: Dimension, in workspace: WorkspaceID) async throws -> [String: String] {
        switch dimension {
        case .team: return Dictionary(uniqueKeysWithValues: try await store.teams(in: workspace).map { ($0.id.rawValue, $0.name) })
        case .agent:
            var names: [String: String] = [:], cursor: Cursor?
            repeat {
                let page = try await store.users(in: workspace, after: cursor, limit: 200)
                for user in page.items { names[user.id.rawValue] = user.displayName.isEmpty ? user.email : user.displayName }
                cursor = try page.nextCursor.map { try Cursor(token: $0) }
            } while cursor != nil
            return names
        case .product:
            var names: [String: String] = [:], cursor: Cursor?
            repeat {
                let page = try await store.products(in: workspace, after: cursor, limit: 200)
                for product in page.items { names[product.id.rawValue] = product.name }
                cursor = try page.nextCursor.map { try Cursor(token: $0) }
            } while cursor != nil
            return names
        default: return [:]
        }
    }

    /// The report as CSV: one row per group, then the total.
    public static func csv(_ report: Report) -> String {
        var lines = ["\(report.by),label,cases,backlog,first_response_minutes,solved,resolution_hours,sla_attainment_percent,first_contact_resolution_percent,reopen_percent,csat_after_contact_percent,csat_answers,ces_after_contact_mean,ces_answers,cost,currency"]
        func number(_ value: Double?) -> String { value.map { String(format: "%.1f", $0) } ?? "" }
        for row in report.rows + [report.total] {
            let key = row.key ?? (row.label.isEmpty ? "total" : "")
            lines.append(CSVWriter.line([key, row.label, String(row.cases), String(row.backlog), number(row.firstResponseMinutes), String(row.solved),
                                         number(row.resolutionHours), number(row.slaAttainment.percent), number(row.firstContactResolution.percent),
                                         number(row.reopenRate.percent), number(row.csatAfterContact.percent), String(row.csatAfterContact.n),
                                         row.cesAfterContact.map { String(format: "%.2f", $0) } ?? "", String(row.cesAnswers),
                                         row.cost?.decimalText ?? "", row.cost?.currency.code ?? ""]))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

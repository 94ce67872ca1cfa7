import CairnAnalytics
import CairnCore
import CairnEngine
import Foundation
import Hummingbird

/// *Insights*: key drivers of a survey's outcome — relative weights with intervals beside performance, the "fix
/// first" drivers marked, as an importance × performance chart and a table. Needs `insights.read`.
struct InsightsPages {
    let renderer: WebRenderer
    let keyDrivers: KeyDrivers
    let scorecard: TouchpointScorecard
    let segments: Segments
    let surveys: Surveys
    let underperformance: Underperformance
    let values: CustomerValues
    let forecasts: RevenueForecasts
    let personas: Personas

    func addRoutes(to router: Router<CairnRequestContext>) {
        router.get("insights/forecast", use: forecastPage)
        router.get("insights/roi", use: returnPage)
        router.get("insights/roi/customers", use: returnCustomers)
        router.post("insights/roi/costs", use: saveCosts)
        router.get("insights/personas", use: personasPage)
        router.post("insights/personas/recompute", use: recomputePersonas)
        router.get("insights/value", use: valuePage)
        router.post("insights/value/recompute", use: recomputeValue)
        router.get("insights", use: page)
        router.get("insights/scorecard", use: scorecardPage)
        router.get("insights/alerts", use: alertsPage)
    }

    static func nav(_ current: String, texts: [String: String]) -> [[String: Any]] {
        [("drivers", "/insights"), ("scorecard", "/insights/scorecard"), ("alerts", "/insights/alerts"), ("value", "/insights/value"), ("personas", "/insights/personas"), ("forecast", "/insights/forecast"), ("roi", "/insights/roi")].map { ["id": $0.0, "href": $0.1, "label": texts["insights_nav_\($0.0)"] ?? $0.0, "current": $0.0 == current] }
    }

    /// Customer value: the models the last computation fitted (parameters with standard errors), its holdout check as
    /// predicted against actual purchases per group, the tiers and the most valuable customers.
    @Sendable func valuePage(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try principal.require(.insightsRead)
        let texts = renderer.catalogue.texts(for: context.language)
        let model = try await values.model(for: principal)
        let top = model == nil ? [] : try await values.ranked(for: principal, tier: nil, after: nil, limit: PageSize(20)).items
        func number(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }
        func parameters(_ list: [ValueModelSummary.Parameter]) -> [[String: Any]] {
            list.map { ["name": $0.name == "alpha" ? "α" : $0.name == "gamma" ? "γ" : $0.name, "value": number($0.value, 4),
                        "error": $0.standardError.map { number($0, 4) } ?? "–"] }
        }
        var values: [String: Any] = [
            "insightsNav": Self.nav("value", texts: texts), "hasModel": model != nil,
            "canRecompute": principal.can(.valueManage),
            "flash": request.uri.queryParameters["done"].flatMap { texts["flash_value_\($0)"] } as Any,
        ]
        if let retention = model?.retention {
            values["hasRetention"] = true
            values["retentionAlpha"] = number(retention.alpha, 3)
            values["retentionBeta"] = number(retention.beta, 3)
            values["retentionAfter12"] = number(retention.survivalAfter12 * 100, 1)
            values["retentionMonths"] = retention.retentionByMonth.enumerated().map { ["month": $0.offset + 1, "rate": number($0.element * 100, 1)] }
            values["retentionCohorts"] = retention.cohorts.map { cohort -> [String: Any] in
                ["start": cohort.start.formatted(.iso8601.year().month()), "customers": cohort.active.first ?? 0,
                 "months": cohort.active.enumerated().dropFirst().prefix(12).map { t, active in
                     ["month": t, "active": active, "expected": number(cohort.expected[t], 1)]
                 }]
            }
        }
        if let churn = model?.churn {
            values["hasChurn"] = true
            values["churnAUC"] = churn.auc.map { number($0, 3) } ?? "–"
            values["churnLift"] = churn.liftTopDecile.map { number($0, 2) } ?? "–"
            values["churnBase"] = number(churn.baseRate * 100, 1)
            values["churnHorizon"] = churn.horizonDays
            values["churnTraining"] = churn.trainingCustomers
            values["churnTest"] = churn.testCustomers
            values["churnScored"] = churn.scored
            values["churnBins"] = churn.calibration.map { ["customers": $0.customers, "predicted": number($0.predicted * 100, 1), "observed": number($0.observed * 100, 1)] }
            values["churnCoefficients"] = churn.coefficients.sorted { abs($0.value) > abs($1.value) }.map {
                ["name": texts["churn_reason_\($0.name)"] ?? $0.name, "value": number($0.value, 3), "raises": $0.value > 0]
            }
            values["churnChart"] = SVGChart(kind: .line, title: texts["churn_calibration_title"] ?? "", summary: texts["churn_calibration_summary"] ?? "",
                                            xAxisLabel: texts["churn_calibration_x"] ?? "", yAxisLabel: texts["churn_calibration_y"] ?? "",
                                            points: churn.calibration.map { SVGChart.Point(label: number($0.predicted * 100, 0), value: $0.observed * 100) },
                                            idPrefix: "churn-calibration", yDomain: 0...100).render()
        }
        if let model {
            let holdout = model.holdout
            values.merge([
                "computed": displayDate(model.computedAt), "customers": model.customers, "repeatCustomers": model.repeatCustomers,
                "withoutConsent": model.withoutConsent, "currency": model.currency.code, "total": model.totalValue.description,
                "horizon": model.horizonMonths, "discount": number(model.annualDiscount * 100, 0),
                "method": texts["value_interval_\(model.intervalMethod)"] ?? model.intervalMethod,
                "purchaseModel": parameters(model.purchaseModel), "spendModel": parameters(model.spendModel),
                "logLikelihood": number(model.purchaseLogLikelihood, 1),
                "tiers": zip(ValueTier.allCases, model.tierFloors).map { tier, floor in
                    ["tier": tier.rawValue, "label": texts["value_tier_\(tier.rawValue)"] ?? tier.rawValue, "floor": floor.description,
                     "href": "/customers?tier=\(tier.rawValue)"]
                },
                "hasHoldout": holdout != nil,
                "holdoutDays": holdout?.holdoutDays ?? 0,
                "holdoutMAE": holdout.map { number($0.meanAbsoluteError, 3) } ?? "",
                "holdoutPredicted": holdout.map { number($0.predictedTotal, 0) } ?? "", "holdoutActual": holdout.map { number($0.actualTotal, 0) } ?? "",
                "holdoutGroups": (holdout?.groups ?? []).map { group -> [String: Any] in
                    ["group": "\(group.repeatPurchases)\(group.orMore ? "+" : "")", "customers": group.customers,
                     "predicted": number(group.predicted, 3), "actual": number(group.actual, 3)]
                },
                "top": top.map { score -> [String: Any] in
                    ["id": score.profileID.rawValue, "value": score.value.description, "lower": score.lower.description, "upper": score.upper.description,
                     "alive": number(score.probabilityAlive * 100, 0), "expected365": number(score.expected365, 2),
                     "tier": texts["value_tier_\(score.tier.rawValue)"] ?? score.tier.rawValue]
                },
            ]) { a, _ in a }
        }
        return try renderer.page("insights_value", titleKey: "nav_insights", section: "insights", context: context, values: values)
    }

    /// Revenue ahead: the chart of the complete periods and the forecast, the forecast's table with its intervals, the
    /// backtest, per channel and category, and what moved revenue. Needs `insights.read` and `commerce.read`.
    @Sendable func forecastPage(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try principal.require(.insightsRead)
        let texts = renderer.catalogue.texts(for: context.language)
        let query = FormFields(request.uri.query ?? "")
        let period = query["period"] ?? "month"
        var values: [String: Any] = [
            "insightsNav": Self.nav("forecast", texts: texts),
            "periods": ["month", "week"].map { ["value": $0, "label": texts["forecast_period_\($0)"] ?? $0, "selected": $0 == period] },
            "horizon": query["horizon"] ?? "",
        ]
        func number(_ value: Double) -> String { String(format: "%.0f", value) }
        func day(_ date: Date) -> String { date.formatted(.iso8601.year().month().day()) }
        do {
            let result = try await forecasts.run(period: period, horizon: (query["horizon"] ?? "").isEmpty ? nil : query["horizon"], for: principal)
            values["currency"] = result.currency?.code ?? ""
            func lineValues(_ line: RevenueForecasts.Line) -> [String: Any] {
                [
                    "label": line.label.isEmpty ? (texts["forecast_none_label"] ?? "–") : line.label, "model": line.model,
                    "next": line.forecast.first.map { number($0.mean) } ?? "–",
                    "range": line.forecast.first.map { "\(number($0.lower80)) – \(number($0.upper80))" } ?? "",
                    "mase": line.backtest.map { String(format: "%.2f", $0.mase) } ?? "–", "naive": line.backtest.map { String(format: "%.2f", $0.naiveMASE) } ?? "–",
                    "coverage": line.backtest.map { String(format: "%.0f %% / %.0f %%", $0.coverage80 * 100, $0.coverage95 * 100) } ?? "–",
                ]
            }
            if let total = result.total, !total.actual.isEmpty {
                values["hasForecast"] = true
                values["total"] = lineValues(total)
                values["rows"] = zip(total.forecastPeriods, total.forecast).map { start, point -> [String: Any] in
                    ["start": day(start), "mean": number(point.mean), "range80": "\(number(point.lower80)) – \(number(point.upper80))",
                     "range95": "\(number(point.lower95)) – \(number(point.upper95))"]
                }
                let shown = total.actual.suffix(24)
                let history = zip(total.periods.suffix(24), shown).map { SVGChart.Point(label: day($0.0), value: $0.1) }
                let ahead = zip(total.forecastPeriods, total.forecast).map { SVGChart.Point(label: day($0.0) + " *", value: $0.1.mean) }
                values["chart"] = SVGChart(kind: .bar, title: texts["forecast_chart_title"] ?? "", summary: texts["forecast_chart_summary"] ?? "",
                                           xAxisLabel: texts["forecast_period_\(result.period.rawValue)"] ?? "", yAxisLabel: result.currency?.code ?? "",
                                           points: history + ahead, idPrefix: "forecast").render()
                values["channels"] = result.channels.map { line in lineValues(line).merging(["label": texts["channel_\(line.label)"] ?? line.label]) { $1 } }
                values["categories"] = result.categories.map(lineValues)
                values["drivers"] = result.drivers.suffix(13).reversed().map { row -> [String: Any] in
                    ["start": day(row.start), "revenue": number(row.revenue), "customers": row.customers, "new": row.newCustomers,
                     "newRevenue": number(row.newRevenue), "returningRevenue": number(row.returningRevenue),
                     "frequency": String(format: "%.2f", row.ordersPerCustomer), "basket": String(format: "%.2f", row.averageOrder)]
                }
                if let change = result.change {
                    func percent(_ log: Double) -> String { String(format: "%+.1f %%", (exp(log) - 1) * 100) }
                    values["change"] = ["from": day(change.from), "to": day(change.to), "revenue": percent(change.revenueChange),
                                        "customers": percent(change.customersPart), "frequency": percent(change.frequencyPart), "basket": percent(change.basketPart),
                                        "newRevenue": String(format: "%+.0f", change.newRevenueChange), "returningRevenue": String(format: "%+.0f", change.returningRevenueChange)]
                }
            }
        } catch let error as ValidationError {
            values["errors"] = fieldErrors(error, texts: renderer.catalogue, language: context.language)
        }
        return try renderer.page("insights_forecast", titleKey: "nav_insights", section: "insights", context: context, values: values)
    }

    /// The ROI of CX: revenue at risk, what changes would keep, what each NPS group went on to spend, and what CX
    /// costs — every figure linking to its customers or to how it is computed (the page's last section).
    @Sendable func returnPage(_ request: Request, context: CairnRequestContext) async throws -> Response {
        try await returnPage(request, context: context, errors: nil, form: nil, status: .ok)
    }

    private func returnPage(_ request: Request, context: CairnRequestContext, errors: [String: Any]?, form: [String: String]?,
                            status: HTTPResponse.Status) async throws -> Response {
        let (principal, _) = try context.requireUser()
        let texts = renderer.catalogue.texts(for: context.language)
        let found = try await values.returnOfCX(for: principal)
        func amount(_ value: Double) -> String { String(format: "%.0f", value) }
        let currency = found.summary?.currency.code ?? found.costs.programmes.programmes.first?.annualCost.currency.code ?? ""
        var values: [String: Any] = [
            "insightsNav": Self.nav("roi", texts: texts), "hasSummary": found.summary != nil, "currency": currency,
            "canManage": principal.can(.valueManage), "errors": errors as Any,
            "flash": request.uri.queryParameters["done"].flatMap { texts["flash_roi_\($0)"] } as Any,
            "contacts": found.costs.contacts.values.reduce(0, +),
            "contactsWithoutCost": found.costs.contactsWithoutCost,
            "costCurrency": form?["currency"] ?? (currency.isEmpty ? "EUR" : currency),
            "programmesText": form?["programmes"] ?? found.costs.programmes.programmes.map { "\($0.name); \($0.annualCost.decimalText)" }.joined(separator: "\n"),
            "programmes": found.costs.programmes.programmes.map { ["name": $0.name, "cost": $0.annualCost.description] },
            "hasProgrammes": !found.costs.programmes.programmes.isEmpty,
            "serviceCost": found.costs.serviceCost.isEmpty ? nil as String? as Any : found.costs.serviceCost.map(\.description).joined(separator: " + "),
            "programmesCost": found.costs.programmesTotal?.description as Any,
        ]
        if let summary = found.summary {
            values["horizon"] = summary.horizonMonths
            values["groups"] = summary.groups.map { group -> [String: Any] in
                ["key": group.key, "label": texts["roi_group_\(group.key)"] ?? group.key, "customers": group.customers, "value": amount(group.value),
                 "loss": amount(group.expectedLoss), "href": "/insights/roi/customers?group=\(group.key)"]
            }
            values["hasScenarios"] = !summary.scenarios.isEmpty
            values["scenarios"] = summary.scenarios.map { scenario -> [String: Any] in
                ["key": scenario.key, "label": texts["roi_scenario_\(scenario.key)"] ?? scenario.key, "customers": scenario.customers,
                 "retained": (scenario.retained >= 0 ? "+" : "") + amount(scenario.retained), "lower": amount(scenario.lower), "upper": amount(scenario.upper)]
            }
            values["cohortDays"] = summary.cohortDays
            values["cohorts"] = summary.cohorts.map { cohort -> [String: Any] in
                ["label": texts["roi_cohort_\(cohort.key)"] ?? cohort.key, "respondents": cohort.respondents,
                 "spend": cohort.meanSpend.map(amount) ?? "–",
                 "spendRange": cohort.spendLower.flatMap { lower in cohort.spendUpper.map { "\(amount(lower)) – \(amount($0))" } } ?? "",
                 "retention": cohort.retention.map { String(format: "%.0f %%", $0 * 100) } ?? "–",
                 "retentionRange": cohort.retentionLower.flatMap { lower in cohort.retentionUpper.map { String(format: "%.0f – %.0f %%", lower * 100, $0 * 100) } } ?? ""]
            }
            values["detractorsNow"] = summary.detractorsNow
            values["moves"] = summary.moves.map { move -> [String: Any] in
                ["label": texts["roi_move_\(move.key)"] ?? move.key, "perCustomer": amount(move.perCustomer), "range": "\(amount(move.lower)) – \(amount(move.upper))",
                 "potential": amount(move.perCustomer * Double(summary.detractorsNow)),
                 "potentialRange": "\(amount(move.lower * Double(summary.detractorsNow))) – \(amount(move.upper * Double(summary.detractorsNow)))"]
            }
            values["hasMoves"] = !summary.moves.isEmpty
        }
        return try renderer.page("insights_roi", titleKey: "nav_insights", section: "insights", context: context, values: values, status: status)
    }

    /// The customers behind a group's figure, largest expected loss first, each linking to the 360.
    @Sendable func returnCustomers(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        let texts = renderer.catalogue.texts(for: context.language)
        let key = request.uri.queryParameters["group"].map(String.init) ?? ""
        let found = try await values.returnOfCX(for: principal)
        let keys = ["detractors", "late_deliveries", "open_cases"]
        guard keys.contains(key) else { throw ValidationError(field: "group", issue: .unknownValue(allowed: keys), hint: "Choose a group from the page.") }
        let group = found.summary?.groups.first { $0.key == key } ?? ReturnSummary.Group(key: key, customers: 0, value: 0, expectedLoss: 0, members: [])
        let scored = try await values.values(of: group.members, for: principal)
        return try renderer.page("insights_roi_customers", titleKey: "nav_insights", section: "insights", context: context, values: [
            "insightsNav": Self.nav("roi", texts: texts), "label": texts["roi_group_\(key)"] ?? key, "customers": group.customers,
            "shown": group.members.count,
            "rows": group.members.compactMap { id -> [String: Any]? in
                guard let score = scored[id] else { return nil }
                let risk = score.churnRisk ?? 0
                return ["id": id.rawValue, "value": score.value.description, "risk": String(format: "%.0f %%", risk * 100),
                        "loss": Money(minorUnits: Int64((Double(score.value.minorUnits) * risk).rounded()), currency: score.value.currency).description]
            },
        ])
    }

    /// The costs form: currency, cost per contact, and programmes one a line as "name; yearly cost".
    @Sendable func saveCosts(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try principal.require(.valueManage)
        let form = try await request.form()
        let lines = (form["programmes"] ?? "").split(whereSeparator: \.isNewline).map(String.init).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        let programmes = lines.map { line -> (name: String?, annualCost: String?) in
            let parts = line.split(separator: ";", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            return (parts.first, parts.count > 1 ? parts[1] : nil)
        }
        do {
            _ = try await values.setCosts(currency: form["currency"], programmes: programmes, for: principal)
            return WebRenderer.redirect(to: "/insights/roi?done=saved")
        } catch let error as ValidationError {
            return try await returnPage(request, context: context, errors: fieldErrors(error, texts: renderer.catalogue, language: context.language),
                                        form: ["currency": form["currency"] ?? "", "programmes": form["programmes"] ?? ""],
                                        status: .badRequest)
        }
    }

    @Sendable func recomputeValue(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        let model = try await values.recompute(for: principal)
        return WebRenderer.redirect(to: "/insights/value?done=" + (model == nil ? "too_few" : "recomputed"))
    }

    /// The alert feed: the episodes lasting now, then the earlier ones, newest raised first, each linking to its data.
    @Sendable func alertsPage(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try principal.require(.insightsRead)
        let texts = renderer.catalogue.texts(for: context.language)
        let cursor = try request.pagination().cursor
        let open = cursor == nil ? try await underperformance.alerts(for: principal, openOnly: true, after: nil, limit: PageSize(100)).items : []
        let page = try await underperformance.alerts(for: principal, openOnly: false, after: cursor, limit: PageSize(50))
        let earlier = page.items.filter { $0.ended != nil }
        return try renderer.page("insights_alerts", titleKey: "nav_insights", section: "insights", context: context, values: [
            "insightsNav": Self.nav("alerts", texts: texts),
            "hasOpen": !open.isEmpty, "open": open.map { AlertText.values($0, texts: texts) },
            "hasEarlier": !earlier.isEmpty, "earlier": earlier.map { AlertText.values($0, texts: texts) },
            "next": page.nextCursor as Any,
        ])
    }

    /// Touchpoints × segments: NPS, CSAT or CES per cell with interval and n, gaps that hold after the FDR control marked.
    @Sendable func scorecardPage(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try principal.require(.insightsRead)
        let texts = renderer.catalogue.texts(for: context.language)
        let query = FormFields(request.uri.query ?? "")
        let metric = query["metric"] ?? "nps", by = query["by"] ?? "channel", traitName = query["trait"] ?? "", segment = query["segment"] ?? ""
        var values: [String: Any] = [
            "insightsNav": Self.nav("scorecard", texts: texts),
            "metrics": ScorecardMetric.allCases.map { ["value": $0.rawValue, "label": $0.rawValue.uppercased(), "selected": $0.rawValue == metric] },
            "bys": ["channel", "trait", "persona"].map { ["value": $0, "label": texts["scorecard_by_\($0)"] ?? $0, "selected": $0 == by] },
            "trait": traitName,
            "segmentOptions": try await segments.options(for: principal).map { ["value": $0.id.rawValue, "label": $0.name, "selected": $0.id.rawValue == segment] },
        ]
        do {
            let result = try await scorecard.run(metric: metric, by: by == "trait" ? "trait:" + traitName : (by == "persona" ? "persona" : "channel"), from: query["from"], until: query["until"],
                                                 segment: segment, for: principal)
            values["from"] = query["from"] ?? result.from.formatted(.iso8601.year().month().day())
            values["until"] = query["until"] ?? result.until.formatted(.iso8601.year().month().day())
            let cells = Dictionary(uniqueKeysWithValues: result.cells.map { ("\($0.row)\u{1F}\($0.column)", $0) })
            let format = result.metric == "ces" ? "%.1f" : "%.0f"
            // Personas by their names in the page's language (the scorecard answers with their keys).
            var names: [String: String] = [:]
            if by == "persona", let model = try await personas.model(for: principal) {
                for persona in model.personas { names[persona.key] = Self.personaName(persona, texts: texts) }
            }
            values["columns"] = result.columns.map { names[$0] ?? $0 }
            values["hasRows"] = !result.rows.isEmpty
            values["rows"] = result.rows.map { row -> [String: Any] in
                ["label": row, "cells": result.columns.map { key -> [String: Any] in
                    let column = names[key] ?? key
                    guard let cell = cells["\(row)\u{1F}\(key)"], let score = cell.score else { return ["empty": true, "column": column] }
                    let interval = cell.lower.flatMap { lower in cell.upper.map { String(format: " (\(format)–\(format))", lower, $0) } } ?? ""
                    return ["empty": false, "column": column, "score": String(format: format, score) + interval, "n": cell.n, "gap": cell.gap ?? "",
                            "higher": cell.gap == "higher", "lower": cell.gap == "lower", "heat": Self.heat(score, metric: result.metric)]
                }]
            }
            return try renderer.page("insights_scorecard", titleKey: "nav_insights", section: "insights", context: context, values: values)
        } catch let error as ValidationError {
            values["errors"] = fieldErrors(error, texts: renderer.catalogue, language: context.language)
            return try renderer.page("insights_scorecard", titleKey: "nav_insights", section: "insights", context: context, values: values, status: .badRequest)
        }
    }

    /// A heat class from 0 (worst) to 4 (best) on the metric's own scale.
    static func heat(_ score: Double, metric: String) -> Int {
        let share = switch metric {
        case "nps": (score + 100) / 200
        case "ces": (score - 1) / 6
        default: score / 100
        }
        return max(0, min(4, Int(share * 5)))
    }

    @Sendable func page(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try principal.require(.insightsRead)
        let texts = renderer.catalogue.texts(for: context.language)
        let query = FormFields(request.uri.query ?? "")
        let listed = principal.can(.feedbackRead) ? try await surveys.surveys(for: principal, status: nil, after: nil, limit: PageSize(100)).items : []
        let chosen = query["surveyId"].flatMap { id in listed.first { $0.id.rawValue == id } } ?? listed.first
        let now = keyDrivers.clock.now()
        let until = query["until"] ?? Date(utcDay: now.utcDay + 1).formatted(.iso8601.year().month().day())
        let from = query["from"] ?? Date(utcDay: now.utcDay - 89).formatted(.iso8601.year().month().day())
        let outcome = query["outcome"].flatMap { $0.isEmpty ? nil : $0 }
        var values: [String: Any] = [
            "insightsNav": Self.nav("drivers", texts: texts),
            "hasSurveys": !listed.isEmpty,
            "surveys": listed.map { ["id": $0.id.rawValue, "name": $0.name, "selected": $0.id == chosen?.id] },
            "outcomes": (chosen?.definition.questions ?? []).filter { $0.type.fixedScale != nil || $0.type == .rating }.map {
                ["id": $0.id, "label": $0.text.text(in: String(context.language.rawValue.prefix(2)), fallback: "en"), "selected": $0.id == outcome]
            } + KeyDrivers.Behaviour.allCases.map { ["id": $0.rawValue, "label": texts["drivers_outcome_\($0.rawValue)"] ?? $0.rawValue, "selected": $0.rawValue == outcome] },
            "from": from, "until": until,
        ]
        guard let chosen, query["surveyId"] != nil else {
            return try renderer.page("insights", titleKey: "nav_insights", section: "insights", context: context, values: values)
        }
        guard let fromDate = ReportPeriod.day(from), let untilDate = ReportPeriod.day(until), fromDate < untilDate else {
            values["errors"] = fieldErrors(ValidationError(field: "from", issue: .invalid, hint: "Use dates like 2026-09-01, from before until."), texts: renderer.catalogue, language: context.language)
            return try renderer.page("insights", titleKey: "nav_insights", section: "insights", context: context, values: values, status: .badRequest)
        }
        do {
            let result = try await keyDrivers.run(survey: chosen.id, outcome: outcome, from: fromDate, until: untilDate, rounds: 300, for: principal)
            let summary = (texts["drivers_summary"] ?? "{rows} answers; the drivers explain {r2} of the outcome's variance.")
                .replacingOccurrences(of: "{rows}", with: String(result.rows))
                .replacingOccurrences(of: "{r2}", with: result.rSquared.map { String(format: "%.0f %%", $0 * 100) } ?? "—")
            values["result"] = [
                "summary": summary, "note": result.note.map { _ in texts["drivers_too_few"] ?? "" } as Any,
                "hasDrivers": !result.drivers.isEmpty,
                "chart": Self.chart(result.drivers, texts: texts) { Self.driverLabel($0, survey: chosen, texts: texts, language: context.language.rawValue) },
                "drivers": result.drivers.map { driver -> [String: Any] in
                    ["key": driver.key, "label": Self.driverLabel(driver, survey: chosen, texts: texts, language: context.language.rawValue),
                     "quadrant": driver.quadrant, "fixFirst": driver.quadrant == "fix_first",
                     "quadrantLabel": texts["drivers_quadrant_\(driver.quadrant)"] ?? driver.quadrant,
                     "weight": String(format: "%.0f %% (%.0f–%.0f)", driver.weightPercent, driver.lower, driver.upper),
                     "performance": String(format: "%.0f", driver.performance)]
                },
                "constant": result.constant.joined(separator: ", "),
            ] as [String: Any]
            return try renderer.page("insights", titleKey: "nav_insights", section: "insights", context: context, values: values)
        } catch let error as ValidationError {
            values["errors"] = fieldErrors(error, texts: renderer.catalogue, language: context.language)
            return try renderer.page("insights", titleKey: "nav_insights", section: "insights", context: context, values: values, status: .badRequest)
        }
    }

    /// A driver's name in the page's language: a fact or topic by its message, a question by its text.
    static func driverLabel(_ driver: KeyDrivers.Driver, survey: Survey, texts: [String: String], language: String) -> String {
        let parts = driver.key.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return driver.label }
        switch parts[0] {
        case "fact": return texts["drivers_fact_\(parts[1])"] ?? driver.label
        case "topic": return texts["topic_\(parts[1])"] ?? driver.label
        case "question":
            return survey.definition.questions.first { $0.id == parts[1] }?.text.text(in: String(language.prefix(2)), fallback: survey.definition.defaultLanguage) ?? driver.label
        default: return driver.label
        }
    }

    /// Importance (weight, across) × performance (up): dashed lines at the average weight and the median performance;
    /// the lower right is "fix first".
    static func chart(_ drivers: [KeyDrivers.Driver], texts: [String: String], label: (KeyDrivers.Driver) -> String = { $0.label }) -> String {
        let width = 640.0, height = 360.0, left = 56.0, right = 16.0, top = 16.0, bottom = 44.0
        let maxWeight = max(10, (drivers.map(\.weightPercent).max() ?? 0) * 1.1)
        func x(_ weight: Double) -> Double { left + weight / maxWeight * (width - left - right) }
        func y(_ performance: Double) -> Double { top + (1 - performance / 100) * (height - top - bottom) }
        func escape(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        let average = drivers.isEmpty ? 0 : 100 / Double(drivers.count)
        let sorted = drivers.map(\.performance).sorted()
        let median = sorted.isEmpty ? 50 : sorted[(sorted.count - 1) / 2]
        var svg = #"<svg viewBox="0 0 \#(Int(width)) \#(Int(height))" width="\#(Int(width))" height="\#(Int(height))" role="img" aria-labelledby="drivers-title drivers-desc" class="chart" direction="ltr">"#
        svg += #"<title id="drivers-title">\#(escape(texts["drivers_chart_title"] ?? ""))</title><desc id="drivers-desc">\#(escape(texts["drivers_chart_summary"] ?? ""))</desc>"#
        svg += #"<line x1="\#(left)" y1="\#(height - bottom)" x2="\#(width - right)" y2="\#(height - bottom)" stroke="currentColor"/><line x1="\#(left)" y1="\#(top)" x2="\#(left)" y2="\#(height - bottom)" stroke="currentColor"/>"#
        svg += #"<line x1="\#(x(average))" y1="\#(top)" x2="\#(x(average))" y2="\#(height - bottom)" stroke="currentColor" stroke-dasharray="4 4" opacity="0.5"/>"#
        svg += #"<line x1="\#(left)" y1="\#(y(median))" x2="\#(width - right)" y2="\#(y(median))" stroke="currentColor" stroke-dasharray="4 4" opacity="0.5"/>"#
        svg += #"<text x="\#(width - right)" y="\#(height - bottom - 6)" text-anchor="end" font-size="12" opacity="0.8">\#(escape(texts["drivers_quadrant_fix_first"] ?? "fix first"))</text>"#
        svg += #"<text x="\#((left + width - right) / 2)" y="\#(height - 8)" text-anchor="middle" font-size="12">\#(escape(texts["drivers_weight"] ?? ""))</text>"#
        svg += #"<text x="14" y="\#((top + height - bottom) / 2)" text-anchor="middle" font-size="12" transform="rotate(-90 14 \#((top + height - bottom) / 2))">\#(escape(texts["drivers_performance"] ?? ""))</text>"#
        for driver in drivers {
            let cx = x(driver.weightPercent), cy = y(driver.performance)
            svg += #"<circle cx="\#(cx)" cy="\#(cy)" r="6" fill="\#(driver.quadrant == "fix_first" ? "#b3261e" : "#1f5fa8")"><title>\#(escape(label(driver)))</title></circle>"#
            svg += #"<text x="\#(cx + 9)" y="\#(cy + 4)" font-size="11">\#(escape(String(label(driver).prefix(28))))</text>"#
        }
        return svg + "</svg>"
    }
}

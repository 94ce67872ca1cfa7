import CairnAnalytics
import CairnCore
import CairnEngine
import Foundation
import HTTPTypes
import Hummingbird

/// Workforce: the directory and pulses (workforce.manage), a pulse's results with EX beside CX, the front line's
/// customers at risk this week (customers.read), and the public pulse page `/pulse/{token}` an employee answers on
/// (mobile first, four languages, right to left in Hebrew).
struct WorkforcePages {
    let renderer: WebRenderer
    let directory: Directory
    let pulses: Pulses
    let frontLine: FrontLine
    let clock: DateSource

    func addRoutes(to router: Router<CairnRequestContext>) {
        router.get("workforce", use: overview)
        router.post("workforce/pulses", use: startPulse)
        router.get("workforce/pulses/{id}", use: pulsePage)
        router.get("workforce/my-store", use: myStore)
        router.get("pulse/{token}", use: answerPage)
        router.post("pulse/{token}", use: answer)
    }

    // MARK: Managers

    @Sendable func overview(_ request: Request, context: CairnRequestContext) async throws -> Response {
        try await overview(request, context: context, links: nil)
    }

    func overview(_ request: Request, context: CairnRequestContext, links: [Pulses.Link]?, errors: [String: Any]? = nil, formName: String = "",
                  status: HTTPResponse.Status = .ok) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try principal.require(.workforceManage)
        let stores = try await directory.stores(for: principal)
        let employees = try await directory.employees(for: principal)
        let now = clock.now()
        var values: [String: Any] = [
            "storeCount": stores.count, "employeeCount": employees.filter(\.active).count,
            "stores": stores.map { shop -> [String: Any] in
                ["id": shop.id.rawValue, "name": shop.name, "code": shop.code, "city": shop.city,
                 "employees": employees.filter { $0.active && $0.storeID == shop.id }.count]
            },
            "pulses": try await pulses.list(for: principal).map { pulse -> [String: Any] in
                ["id": pulse.id.rawValue, "name": pulse.name, "created": displayDate(pulse.createdAt), "answered": pulse.answered, "invited": pulse.invited,
                 "open": pulse.isOpen(at: now)]
            },
            "errors": errors as Any, "formName": formName,
        ]
        if let links { values["links"] = ["items": links.map { ["name": $0.name, "email": $0.email ?? "", "path": $0.path] }] }
        return try renderer.page("workforce", titleKey: "workforce_title", section: "workforce", context: context, values: values, status: status)
    }

    @Sendable func startPulse(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try principal.require(.workforceManage)
        let form = try await request.form()
        do {
            let days = form["days"].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            if let text = form["days"], !text.isEmpty, days == nil {
                throw ValidationError(field: "days", issue: .invalid, hint: "Keep a pulse open 1 to 60 days.")
            }
            let made = try await pulses.create(name: form["name"], days: days, by: principal)
            return try await overview(request, context: context, links: made.links, status: .created)
        } catch let error as ValidationError {
            return try await overview(request, context: context, links: nil, errors: fieldErrors(error, texts: renderer.catalogue, language: context.language),
                                      formName: form["name"] ?? "", status: .badRequest)
        }
    }

    @Sendable func pulsePage(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        let id = try context.parameters.id(as: PulseID.self, kind: "pulse")
        let texts = renderer.catalogue.texts(for: context.language)
        let by = Pulses.Grouping(rawValue: request.uri.queryParameters["by"].map(String.init) ?? "store") ?? .store
        let results = try await pulses.results(id, by: by, for: principal)
        let beside = try await pulses.exBesideCX(id, for: principal)
        func score(_ nps: NPS?) -> String {
            guard let nps, let value = nps.score else { return "—" }
            let interval = nps.interval.map { String(format: " (%.0f–%.0f)", $0.lower, $0.upper) } ?? ""
            return String(format: "%.0f", value) + interval
        }
        let correlation = beside.correlation
        var sentence = (texts["workforce_correlation_few"] ?? "{n}").replacingOccurrences(of: "{n}", with: "\(correlation.n)")
        if let r = correlation.r {
            sentence = (texts["workforce_correlation"] ?? "r = {r}").replacingOccurrences(of: "{r}", with: String(format: "%.2f", r))
                .replacingOccurrences(of: "{n}", with: "\(correlation.n)")
                .replacingOccurrences(of: "{interval}", with: correlation.lower.map { lower in String(format: "%.2f – %.2f", lower, correlation.upper ?? lower) } ?? "—")
        }
        let values: [String: Any] = [
            "pulseID": id.rawValue, "name": results.pulse.name, "answered": results.pulse.answered, "invited": results.pulse.invited,
            "whole": ["shown": results.whole.shown, "enps": score(results.whole.enps), "answers": results.whole.answers ?? 0],
            // Comments of the whole pulse only, in an order that says nothing about who: never by group.
            "comments": results.whole.shown ? (results.whole.comments ?? []) : [],
            "bys": Pulses.Grouping.allCases.map { ["value": $0.rawValue, "label": texts["workforce_by_\($0.rawValue)"] ?? $0.rawValue, "selected": $0 == by] },
            "groupLabel": texts["workforce_by_\(by.rawValue)"] ?? by.rawValue,
            "groups": results.groups.map { group -> [String: Any] in
                ["key": group.key, "name": group.name.isEmpty ? (texts["workforce_no_group"] ?? "—") : group.name, "shown": group.shown,
                 "enps": score(group.enps), "answers": group.answers ?? 0]
            },
            "besides": beside.stores.map { row -> [String: Any] in
                ["code": row.code, "name": row.name, "enps": row.enps == nil ? (texts["workforce_hidden_short"] ?? "—") : score(row.enps),
                 "nps": row.customerNPS.n > 0 ? score(row.customerNPS) + " · n = \(row.customerNPS.n)" : "—",
                 "csat": row.customerCSAT.percent.map { String(format: "%.0f %%", $0) + " · n = \(row.customerCSAT.n)" } ?? "—"]
            },
            "correlation": sentence,
        ]
        return try renderer.page("workforce_pulse", titleKey: "workforce_title", section: "workforce", context: context, values: values)
    }

    // MARK: The front line

    @Sendable func myStore(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        let texts = renderer.catalogue.texts(for: context.language)
        var issues = ValidationCollector()
        let requested = request.queryID("store", as: RetailStoreID.self, kind: "store", collecting: &issues)
        try issues.throwIfAny()
        do {
            let view = try await frontLine.atRisk(store: requested, for: principal)
            let values: [String: Any] = [
                "store": view.store.name, "customers": view.customers,
                "atRisk": view.atRisk.map { customer -> [String: Any] in
                    ["id": customer.profileID.rawValue, "name": customer.name ?? (texts["customer_anonymous"] ?? ""),
                     "reasons": customer.reasons.map { texts["workforce_reason_\($0)"] ?? $0 }.joined(separator: " · ")]
                },
            ]
            return try renderer.page("workforce_my_store", titleKey: "workforce_at_risk_title", section: "mystore", context: context, values: values)
        } catch let error as ValidationError where error.issues.first?.field == "store" {
            return try renderer.page("workforce_my_store", titleKey: "workforce_at_risk_title", section: "mystore", context: context,
                                     values: ["store": texts["workforce_no_store"] ?? "", "customers": 0, "atRisk": [] as [Any]])
        }
    }

    // MARK: The pulse page (anyone with a link)

    /// The page's language, as the survey page chooses it: `?lang=` (en, de, zh, he), else the browser's, else English.
    func language(_ request: Request) -> (code: String, interface: InterfaceLanguage) {
        let languages = SurveyPages.surveyLanguages
        let asked = request.uri.queryParameters["lang"].map(String.init).flatMap { languages[$0] != nil ? $0 : nil }
        let browser = InterfaceLanguage.negotiate(acceptLanguage: request.headers[.acceptLanguage]).flatMap { b in languages.first { $0.value == b }?.key }
        let code = asked ?? browser ?? "en"
        return (code, languages[code] ?? .english)
    }

    func render(_ request: Request, token: String, values: [String: Any], status: HTTPResponse.Status = .ok) throws -> Response {
        let (code, interface) = language(request)
        var all = values
        all["lang"] = code == "zh" ? "zh-Hans" : code
        all["dir"] = interface.isRightToLeft ? "rtl" : "ltr"
        all["t"] = renderer.catalogue.texts(for: interface)
        all["token"] = token
        all["formLanguage"] = code
        all["languages"] = ["en", "de", "zh", "he"].map { ["code": $0, "name": (SurveyPages.surveyLanguages[$0] ?? .english).endonym, "current": $0 == code] }
        if all["scale"] == nil { all["scale"] = (0...10).map { ["value": $0, "checked": false] } }
        return try renderer.standalone("pulse", values: all, status: status)
    }

    func texts(_ request: Request) -> [String: String] { renderer.catalogue.texts(for: language(request).interface) }

    @Sendable func answerPage(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let token = context.parameters.get("token") ?? ""
        guard let pulse = try await pulses.invitation(token: token) else {
            return try render(request, token: token, values: ["done": true, "doneID": "pulse-unknown", "message": texts(request)["pulse_unknown"] ?? "", "name": ""], status: .notFound)
        }
        return try render(request, token: token, values: ["name": pulse.name, "done": false])
    }

    @Sendable func answer(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let token = context.parameters.get("token") ?? ""
        let form = try await request.form()
        let score = form["score"].flatMap { Int($0) }
        do {
            guard let pulse = try await pulses.invitation(token: token) else { throw NotFoundError(kind: "pulse link", id: "") }
            try await pulses.answer(token: token, score: form["score"] == nil ? nil : (score ?? -1), comment: form["comment"])
            return try render(request, token: token, values: ["done": true, "doneID": "pulse-thanks", "message": texts(request)["pulse_thanks"] ?? "", "name": pulse.name])
        } catch is NotFoundError {
            return try render(request, token: token, values: ["done": true, "doneID": "pulse-unknown", "message": texts(request)["pulse_unknown"] ?? "", "name": ""], status: .notFound)
        } catch let error as ValidationError {
            let name = try await pulses.invitation(token: token)?.name ?? ""
            return try render(request, token: token, values: [
                "name": name, "done": false, "errors": ["message": texts(request)["pulse_choose_score"] ?? error.summary], "comment": form["comment"] ?? "",
                "scale": (0...10).map { ["value": $0, "checked": $0 == score] },
            ], status: .badRequest)
        }
    }
}

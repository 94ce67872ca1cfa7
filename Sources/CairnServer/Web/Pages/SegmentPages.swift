import CairnCore
import CairnEngine
import Foundation
import Hummingbird

/// Customers › Segments: the list with sizes, a builder that needs no JSON (conditions as rows, the JSON beside them
/// for those who want it, a preview of the count), and each segment's page (its rule in words, size over time,
/// members, entries and exits, export).
struct SegmentPages {
    let renderer: WebRenderer
    let segments: Segments
    let records: CustomerRecords
    let funnels: Funnels
    let ledger: ConsentLedger
    let personas: Personas

    func addRoutes(to router: Router<CairnRequestContext>) {
        router.get("customers/segments", use: list)
        router.get("customers/segments/new", use: newForm)
        router.post("customers/segments", use: create)
        router.get("customers/segments/{id}", use: show)
        router.get("customers/segments/{id}/edit", use: editForm)
        router.post("customers/segments/{id}", use: update)
        router.post("customers/segments/{id}/delete", use: delete)
    }

    static func nav(_ current: String, texts: [String: String]) -> [[String: Any]] {
        [("all", "/customers", "customers_nav_all"), ("segments", "/customers/segments", "segments_title")]
            .map { ["id": $0.0, "href": $0.1, "label": texts[$0.2] ?? $0.0, "current": $0.0 == current] }
    }

    // MARK: List

    @Sendable func list(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        let texts = renderer.catalogue.texts(for: context.language)
        let all = try await segments.list(for: principal)
        let names = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0.name) })
        return try renderer.page("customers_segments", titleKey: "segments_title", section: "customers", context: context, values: [
            "customersNav": Self.nav("segments", texts: texts),
            "canManage": principal.can(.segmentsManage),
            "hasSegments": !all.isEmpty,
            "flash": request.uri.queryParameters["done"].flatMap { texts["flash_\($0)"] } as Any,
            "segments": all.map { segment -> [String: Any] in
                ["id": segment.id.rawValue, "name": segment.name, "description": segment.description, "members": segment.memberCount.formatted(),
                 "rule": Self.words(segment.rule, texts: texts, names: names).joined(separator: " "),
                 "updated": displayDate(segment.updatedAt)]
            },
        ])
    }

    // MARK: One segment

    @Sendable func show(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        let texts = renderer.catalogue.texts(for: context.language)
        let segment = try await segments.segment(try context.parameters.id(as: SegmentID.self, kind: "segment"), for: principal)
        let names = Dictionary(uniqueKeysWithValues: try await segments.list(for: principal).map { ($0.id, $0.name) })
        let counts = try await segments.counts(of: segment.id, for: principal, days: 90)
        let last30 = counts.suffix(30)
        let members = try await records.profiles(for: principal, matching: ProfileFilter(segment: segment.id), after: nil, limit: try PageSize(50))
        let changes = try await segments.changes(of: segment.id, for: principal, after: nil, limit: try PageSize(30)).items
        var people: [ProfileID: String] = [:]
        for profile in members.items { people[profile.id] = CustomerPages.displayName(profile, texts: texts) }
        let chart = SVGChart(kind: .line, title: texts["segment_chart_title"] ?? "", summary: (texts["segment_chart_summary"] ?? "").replacingOccurrences(of: "{name}", with: segment.name),
                             xAxisLabel: texts["segment_chart_x"] ?? "", yAxisLabel: texts["segment_chart_y"] ?? "",
                             points: counts.map { SVGChart.Point(label: String($0.day.dropFirst(5)), value: Double($0.members)) },
                             idPrefix: "segment-size", wholeNumbers: true).render()
        return try renderer.page("customers_segment", titleKey: "segments_title", section: "customers", context: context, values: [
            "customersNav": Self.nav("segments", texts: texts),
            "segment": ["id": segment.id.rawValue, "name": segment.name, "description": segment.description],
            "rule": Self.words(segment.rule, texts: texts, names: names).map { ["text": $0] },
            "members": segment.memberCount.formatted(),
            "entered30": last30.reduce(0) { $0 + $1.entered }.formatted(),
            "left30": last30.reduce(0) { $0 + $1.left }.formatted(),
            "evaluated": segment.evaluatedAt.map(displayDate) ?? "",
            "chart": chart,
            "people": members.items.map { ["id": $0.id.rawValue, "name": people[$0.id] ?? $0.id.rawValue, "lastSeen": displayDate($0.lastSeenAt)] },
            "hasPeople": !members.items.isEmpty,
            "morePeople": members.nextCursor != nil,
            "changes": changes.map { change -> [String: Any] in
                ["when": displayDate(change.at), "profile": change.profileID.rawValue, "entered": change.kind == .entered,
                 "kind": texts["segment_change_\(change.kind.rawValue)"] ?? change.kind.rawValue]
            },
            "hasChanges": !changes.isEmpty,
            "canManage": principal.can(.segmentsManage),
            "canExport": principal.can(.dataExport),
            "flash": request.uri.queryParameters["done"].flatMap { texts["flash_\($0)"] } as Any,
            "errors": request.uri.queryParameters["problem"].map { _ in ["items": [["field": "", "hint": texts["segment_in_use"] ?? ""]]] } as Any,
        ])
    }

    @Sendable func delete(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        let id = try context.parameters.id(as: SegmentID.self, kind: "segment")
        do {
            try await segments.delete(id, by: principal)
        } catch is ConflictError {
            return WebRenderer.redirect(to: "/customers/segments/\(id)?problem=in-use")
        }
        return WebRenderer.redirect(to: "/customers/segments?done=deleted")
    }

    // MARK: The builder

    @Sendable func newForm(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try principal.require(.segmentsManage)
        return try await form(nil, draft: Draft(), request: request, context: context)
    }

    @Sendable func editForm(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try principal.require(.segmentsManage)
        let segment = try await segments.segment(try context.parameters.id(as: SegmentID.self, kind: "segment"), for: principal)
        return try await form(segment, draft: Draft(segment), request: request, context: context)
    }

    @Sendable func create(_ request: Request, context: CairnRequestContext) async throws -> Response {
        try await save(nil, request: request, context: context)
    }

    @Sendable func update(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        let segment = try await segments.segment(try context.parameters.id(as: SegmentID.self, kind: "segment"), for: principal)
        return try await save(segment, request: request, context: context)
    }

    private func save(_ segment: Segment?, request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try principal.require(.segmentsManage)
        let draft = Draft(try await request.form())
        let texts = renderer.catalogue.texts(for: context.language)
        do {
            let rule = try draft.ruleJSON()
            if draft.intent == "preview" {
                let found = try await segments.preview(rule: rule, for: principal)
                let line = (texts["segment_preview_result"] ?? "{count} of {total}").replacingOccurrences(of: "{count}", with: found.count.formatted())
                    .replacingOccurrences(of: "{total}", with: found.total.formatted())
                return try await form(segment, draft: draft, request: request, context: context, preview: line)
            }
            if let segment {
                let saved = try await segments.update(segment.id, name: draft.name, description: draft.description, rule: rule, by: principal)
                return WebRenderer.redirect(to: "/customers/segments/\(saved.id)?done=saved")
            }
            let saved = try await segments.create(name: draft.name, description: draft.description, rule: rule, by: principal)
            return WebRenderer.redirect(to: "/customers/segments/\(saved.id)?done=created")
        } catch let error as ValidationError {
            // Fields of the rule are named by the condition's row, as the page shows them.
            let renamed = ValidationError(issues: error.issues.map { issue in
                var issue = issue
                issue.field = Self.rowName(issue.field, texts: texts)
                return issue
            })
            return try await form(segment, draft: draft, request: request, context: context,
                                  errors: fieldErrors(renamed, texts: renderer.catalogue, language: context.language), status: .badRequest)
        }
    }

    /// `rule.all[2].event.withinDays` → "Condition 3 · event.withinDays".
    static func rowName(_ field: String, texts: [String: String]) -> String {
        guard field.hasPrefix("rule.all[") || field.hasPrefix("rule.any[") else { return field }
        let rest = field.dropFirst(9)
        guard let close = rest.firstIndex(of: "]"), let index = Int(rest[..<close]) else { return field }
        let tail = rest[rest.index(after: close)...].drop { $0 == "." }
        let row = (texts["segment_condition_n"] ?? "Condition {n}").replacingOccurrences(of: "{n}", with: String(index + 1))
        return tail.isEmpty ? row : "\(row) · \(tail)"
    }

    private func form(_ segment: Segment?, draft: Draft, request: Request, context: CairnRequestContext, preview: String? = nil,
                      errors: [String: Any]? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let (principal, _) = try context.requireUser()
        let texts = renderer.catalogue.texts(for: context.language)
        let others = try await segments.list(for: principal).filter { $0.id != segment?.id }
        let purposes = try await ledger.purposes(for: principal).map(\.purpose)
        let personaOptions = principal.can(.insightsRead) ? (try await personas.model(for: principal)?.personas ?? []) : []
        func options(_ values: [String], selected: String, prefix: String) -> [[String: Any]] {
            values.map { ["value": $0, "label": texts["\(prefix)\($0)"] ?? $0, "selected": $0 == selected] }
        }
        let rows = draft.rows + Array(repeating: Draft.Row(), count: max(1, 3 - draft.rows.count))
        func row(_ row: Draft.Row) -> [String: Any] {
            [
                "kinds": options(Draft.kinds, selected: row.kind, prefix: "segment_kind_"),
                "negates": options(["is", "not"], selected: row.negate, prefix: "segment_negate_"),
                "field": row.field, "value": row.value, "count": row.count, "days": row.days, "property": row.property, "propertyValue": row.propertyValue,
                "churn": row.churn,
                "ops": options(ValueComparison.allCases.map(\.rawValue), selected: row.op.isEmpty ? "eq" : row.op, prefix: "segment_op_"),
                "countOps": options(EventCondition.Comparison.allCases.map(\.rawValue), selected: row.countOp, prefix: "segment_count_"),
                "tiers": options(ValueTier.allCases.map(\.rawValue), selected: row.tier, prefix: "value_tier_"),
                "npsOptions": options(NPSCategory.allCases.map(\.rawValue), selected: row.nps, prefix: "segment_nps_"),
                "churnOps": options(["atLeast", "below"], selected: row.churnOp, prefix: "segment_churn_"),
                "purposes": purposes.map { ["value": $0.rawValue, "label": texts["purpose_\($0.rawValue)"] ?? $0.rawValue, "selected": $0.rawValue == row.purpose] },
                "granted": options(["yes", "no"], selected: row.granted, prefix: "segment_granted_"),
                "segmentOptions": others.map { ["value": $0.id.rawValue, "label": $0.name, "selected": $0.id.rawValue == row.segment] },
                "personaOptions": personaOptions.map { ["value": $0.key, "label": InsightsPages.personaName($0, texts: texts), "selected": $0.key == row.persona] },
            ]
        }
        return try renderer.page("customers_segment_form", titleKey: segment == nil ? "segment_new" : "segment_edit", section: "customers", context: context, values: [
            "customersNav": Self.nav("segments", texts: texts),
            "action": segment.map { "/customers/segments/\($0.id)" } ?? "/customers/segments",
            "editing": segment != nil,
            "segmentID": segment?.id.rawValue ?? "",
            "name": draft.name, "description": draft.description,
            "matches": options(["all", "any"], selected: draft.match, prefix: "segment_match_"),
            "rows": rows.map(row),
            "blank": row(Draft.Row()),
            "json": draft.json, "useJSON": draft.useJSON,
            "eventNames": (try? await funnels.eventNames(for: principal)) ?? [],
            "preview": preview as Any,
            "errors": errors as Any,
        ], status: status)
    }

    /// What the builder's form holds: rows of conditions (one kind each, every input sent so the rows line up), or
    /// the rule as JSON.
    struct Draft {
        static let kinds = ["", "trait", "event", "valueTier", "churnRisk", "nps", "persona", "consent", "segment"]

        struct Row {
            var kind = "", negate = "is", field = "", op = "", value = "", countOp = "atLeast", count = "1", days = "", property = "", propertyValue = ""
            var tier = "", nps = "", churnOp = "atLeast", churn = "", purpose = "", granted = "yes", segment = "", persona = ""
        }

        var name = "", description = "", match = "all", json = "", useJSON = false, intent = ""
        var rows: [Row] = []

        init() {}

        init(_ form: FormFields) {
            name = form["name"] ?? ""
            description = form["description"] ?? ""
            match = form["match"] == "any" ? "any" : "all"
            json = form["json"] ?? ""
            useJSON = form["useJSON"] == "on"
            intent = form["intent"] ?? ""
            let kinds = form.values(named: "kind")
            func value(_ name: String, _ index: Int) -> String { form.values(named: name).indices.contains(index) ? form.values(named: name)[index].trimmingCharacters(in: .whitespaces) : "" }
            for index in kinds.indices {
                var row = Row()
                row.kind = kinds[index]
                row.negate = value("negate", index) == "not" ? "not" : "is"
                row.field = value("field", index); row.op = value("op", index); row.value = value("value", index)
                row.countOp = value("countOp", index); row.count = value("count", index); row.days = value("days", index)
                row.property = value("property", index); row.propertyValue = value("propertyValue", index)
                row.tier = value("tier", index); row.nps = value("nps", index); row.churnOp = value("churnOp", index); row.churn = value("churn", index)
                row.purpose = value("purpose", index); row.granted = value("granted", index); row.segment = value("segment", index)
                row.persona = value("persona", index)
                rows.append(row)
            }
            rows = rows.filter { !$0.kind.isEmpty }
        }

        /// The rows of a segment's rule when it is a list of conditions (each perhaps negated); otherwise the JSON.
        init(_ segment: Segment) {
            name = segment.name
            description = segment.description
            json = segment.rule.json.jsonText()
            var conditions: [SegmentRule]
            switch segment.rule {
            case .all(let list): conditions = list
            case .any(let list): conditions = list; match = "any"
            default: conditions = [segment.rule]
            }
            var rows: [Row] = []
            for condition in conditions {
                guard let row = Self.row(condition) else { useJSON = true; return }
                rows.append(row)
            }
            self.rows = rows
        }

        static func row(_ rule: SegmentRule) -> Row? {
            var row = Row()
            var rule = rule
            if case .not(let inner) = rule { row.negate = "not"; rule = inner }
            switch rule {
            case .trait(let condition):
                row.kind = "trait"; row.field = condition.name; row.op = condition.condition.op.rawValue
                row.value = condition.condition.op == .oneOf ? condition.condition.values.compactMap(ValueCondition.text).joined(separator: ", ")
                    : condition.condition.value.flatMap(ValueCondition.text) ?? ""
            case .event(let condition):
                guard condition.properties.count <= 1, condition.properties.allSatisfy({ $0.condition.op == .eq }) else { return nil }
                row.kind = "event"; row.field = condition.name; row.countOp = condition.comparison.rawValue; row.count = String(condition.count)
                row.days = condition.withinDays.map(String.init) ?? ""
                row.property = condition.properties.first?.property ?? ""
                row.propertyValue = condition.properties.first?.condition.value.flatMap(ValueCondition.text) ?? ""
            case .valueTier(let tiers):
                guard tiers.count == 1 else { return nil }
                row.kind = "valueTier"; row.tier = tiers.first!.rawValue
            case .nps(let categories):
                guard categories.count == 1 else { return nil }
                row.kind = "nps"; row.nps = categories.first!.rawValue
            case .churnRisk(let condition):
                guard (condition.atLeast == nil) != (condition.below == nil) else { return nil }
                row.kind = "churnRisk"; row.churnOp = condition.atLeast != nil ? "atLeast" : "below"
                row.churn = String(format: "%g", ((condition.atLeast ?? condition.below ?? 0) * 100))
            case .consent(let condition):
                row.kind = "consent"; row.purpose = condition.purpose.rawValue; row.granted = condition.granted ? "yes" : "no"
            case .segment(let id):
                row.kind = "segment"; row.segment = id.rawValue
            case .persona(let keys):
                guard keys.count == 1 else { return nil }
                row.kind = "persona"; row.persona = keys.first!
            default:
                return nil
            }
            return row
        }

        /// The rule the rows (or the JSON) say, for ``SegmentRule/parse(_:field:)`` to check.
        func ruleJSON() throws -> JSONValue? {
            if useJSON {
                do { return try JSONValue.parse(json) } catch {
                    throw ValidationError(field: "json", issue: .invalid, hint: "The rule is not JSON; check its brackets and quotes, or clear the box to use the conditions above.")
                }
            }
            guard !rows.isEmpty else {
                throw ValidationError(field: "rule", issue: .missing, hint: "Add at least one condition: choose what it is about in the first list.")
            }
            return .object([match: .array(rows.map(Self.json))])
        }

        static func number(_ text: String) -> JSONValue {
            if let whole = Int64(text) { return .integer(whole) }
            if let number = Double(text.replacingOccurrences(of: ",", with: ".")) { return .double(number) }
            return .string(text)
        }

        static func json(_ row: Row) -> JSONValue {
            let condition: JSONValue
            switch row.kind {
            case "trait":
                var body: [String: JSONValue] = ["name": .string(row.field), "op": .string(row.op.isEmpty ? "eq" : row.op)]
                switch ValueComparison(rawValue: row.op) {
                case .exists?, .missing?: break
                case .oneOf?: body["value"] = .array(row.value.split(separator: ",").map { .string($0.trimmingCharacters(in: .whitespaces)) })
                case .gt?, .gte?, .lt?, .lte?: body["value"] = number(row.value)
                default: body["value"] = .string(row.value)
                }
                condition = .object(["trait": .object(body)])
            case "event":
                var body: [String: JSONValue] = ["name": .string(row.field)]
                body[EventCondition.Comparison(rawValue: row.countOp)?.rawValue ?? "atLeast"] = row.count.isEmpty ? .integer(1) : number(row.count)
                if !row.days.isEmpty { body["withinDays"] = number(row.days) }
                if !row.property.isEmpty { body["where"] = .array([.object(["property": .string(row.property), "op": .string("eq"), "value": .string(row.propertyValue)])]) }
                condition = .object(["event": .object(body)])
            case "valueTier": condition = .object(["valueTier": .array(row.tier.isEmpty ? [] : [.string(row.tier)])])
            case "nps": condition = .object(["nps": .array(row.nps.isEmpty ? [] : [.string(row.nps)])])
            case "persona": condition = .object(["persona": .array(row.persona.isEmpty ? [] : [.string(row.persona)])])
            case "churnRisk":
                let share: JSONValue
                if let percent = Double(row.churn.replacingOccurrences(of: ",", with: ".")) { share = .double(percent / 100) } else { share = .string(row.churn) }
                condition = .object(["churnRisk": .object([row.churnOp == "below" ? "below" : "atLeast": share])])
            case "consent": condition = .object(["consent": .object(["purpose": .string(row.purpose), "granted": .bool(row.granted != "no")])])
            case "segment": condition = .object(["segment": .string(row.segment)])
            default: condition = .object([row.kind: .null])
            }
            return row.negate == "not" ? .object(["not": condition]) : condition
        }
    }

    // MARK: A rule in words

    /// Each condition as a short line in the page's language; names, values and event names stay as they are.
    static func words(_ rule: SegmentRule, texts: [String: String], names: [SegmentID: String]) -> [String] {
        func t(_ key: String) -> String { texts[key] ?? key }
        func line(_ rule: SegmentRule) -> String {
            switch rule {
            case .all(let rules): return "(" + rules.map(line).joined(separator: " \(t("segment_and")) ") + ")"
            case .any(let rules): return "(" + rules.map(line).joined(separator: " \(t("segment_or")) ") + ")"
            case .not(let inner): return t("segment_not") + " " + line(inner)
            case .trait(let condition):
                let value = condition.condition.op == .oneOf ? condition.condition.values.compactMap(ValueCondition.text).joined(separator: ", ")
                    : condition.condition.value.flatMap(ValueCondition.text) ?? ""
                return "\(t("segment_kind_trait")) \u{2068}\(condition.name)\u{2069} \(t("segment_op_\(condition.condition.op.rawValue)")) \u{2068}\(value)\u{2069}"
            case .event(let condition):
                var text = "\u{2068}\(condition.name)\u{2069} \(t("segment_count_\(condition.comparison.rawValue)")) \(condition.count)×"
                if let days = condition.withinDays { text += " " + t("segment_within_days").replacingOccurrences(of: "{n}", with: String(days)) }
                for property in condition.properties {
                    text += " (\u{2068}\(property.property)\u{2069} \(t("segment_op_\(property.condition.op.rawValue)")) \u{2068}\(property.condition.value.flatMap(ValueCondition.text) ?? "")\u{2069})"
                }
                return text
            case .valueTier(let tiers): return t("segment_kind_valueTier") + ": " + tiers.map { t("value_tier_\($0.rawValue)") }.sorted().joined(separator: ", ")
            case .nps(let categories): return t("segment_kind_nps") + ": " + categories.map { t("segment_nps_\($0.rawValue)") }.sorted().joined(separator: ", ")
            case .persona(let keys): return t("segment_kind_persona") + ": \u{2068}" + keys.sorted().joined(separator: ", ") + "\u{2069}"
            case .churnRisk(let condition):
                var parts: [String] = []
                if let at = condition.atLeast { parts.append("≥ \(Int((at * 100).rounded())) %") }
                if let below = condition.below { parts.append("< \(Int((below * 100).rounded())) %") }
                return t("segment_kind_churnRisk") + " " + parts.joined(separator: ", ")
            case .consent(let condition):
                return t("segment_kind_consent") + ": " + t("purpose_\(condition.purpose.rawValue)") + " — " + t(condition.granted ? "segment_granted_yes" : "segment_granted_no")
            case .segment(let id): return t("segment_kind_segment") + " \u{2068}" + (names[id] ?? id.rawValue) + "\u{2069}"
            }
        }
        switch rule {
        case .all(let rules): return rules.enumerated().map { ($0.offset == 0 ? "" : t("segment_and") + " ") + line($0.element) }
        case .any(let rules): return rules.enumerated().map { ($0.offset == 0 ? "" : t("segment_or") + " ") + line($0.element) }
        default: return [line(rule)]
        }
    }
}

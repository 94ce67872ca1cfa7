public import CairnCore
public import CairnStore
import Foundation

/// Surveys as data: made from a template or a definition, edited while a draft, published (then its questions stay
/// as they were asked) and closed. Reading needs `feedback.read`, changing `feedback.manage`.
public struct Surveys: Sendable {
    let store: Store
    public let clock: DateSource

    public init(store: Store, clock: DateSource = .system) {
        self.store = store
        self.clock = clock
    }

    /// A survey as a client sends it: a template, or a definition, or both (the definition then replaces the
    /// template's).
    public struct Input: Sendable {
        public var name: String?
        public var template: String?
        public var definition: SurveyDefinition?

        public init(name: String? = nil, template: String? = nil, definition: SurveyDefinition? = nil) {
            self.name = name
            self.template = template
            self.definition = definition
        }
    }

    public func create(_ input: Input, by principal: Principal) async throws -> Survey {
        try principal.require(.feedbackManage)
        var issues = ValidationCollector()
        var template: SurveyTemplate?
        if let text = input.template {
            template = SurveyTemplate(rawValue: text)
            if template == nil {
                issues.add(FieldIssue(field: "template", issue: .unknownValue(allowed: SurveyTemplate.allCases.map(\.rawValue)),
                                      hint: "Use relationship_nps, post_delivery_csat, post_contact_ces, employee_enps or customer_values, or send a definition."))
            }
        } else if input.definition == nil {
            issues.add(FieldIssue(field: "definition", issue: .missing, hint: "Send a definition (questions, texts, theme) or name a template."))
        }
        let name = (input.name ?? template?.name ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if name.isEmpty { issues.add(FieldIssue(field: "name", issue: .missing, hint: "Name the survey, e.g. \"Post-delivery CSAT\".")) }
        if name.count > 120 { issues.add(FieldIssue(field: "name", issue: .tooLong(limit: 120), hint: "Use at most 120 characters.")) }
        let definition = input.definition ?? template?.definition
        if let definition { issues.check { () throws(ValidationError) in try definition.validate() } }
        try issues.throwIfAny()
        guard let definition else { preconditionFailure("checked values missing without an issue") }
        let now = clock.now()
        let survey = Survey(id: .generate(), workspaceID: principal.workspaceID, name: name, status: .draft, definition: definition,
                            token: Secrets.randomToken(byteCount: 16), createdAt: now, updatedAt: now)
        try await store.insert(survey)
        return survey
    }

    public func survey(_ id: SurveyID, for principal: Principal) async throws -> Survey {
        try principal.require(.feedbackRead)
        guard let survey = try await store.survey(id: id, in: principal.workspaceID) else { throw NotFoundError(kind: "survey", id: id.rawValue) }
        return survey
    }

    public func surveys(for principal: Principal, status: Survey.Status?, after cursor: Cursor?, limit: PageSize) async throws -> Page<Survey> {
        try principal.require(.feedbackRead)
        return try await store.surveys(in: principal.workspaceID, status: status, after: cursor, limit: limit.value)
    }

    /// Changes a draft's name or definition. A published or closed survey keeps its questions: its answers mean
    /// what was asked (copy it into a new survey to ask something else); its name may still change.
    public func update(_ id: SurveyID, name: String?, definition: SurveyDefinition?, by principal: Principal) async throws -> Survey {
        try principal.require(.feedbackManage)
        var survey = try await self.survey(id, for: principal)
        var issues = ValidationCollector()
        if let name {
            let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { issues.add(FieldIssue(field: "name", issue: .missing, hint: "A survey needs a name.")) }
            else if trimmed.count > 120 { issues.add(FieldIssue(field: "name", issue: .tooLong(limit: 120), hint: "Use at most 120 characters.")) }
            else { survey.name = trimmed }
        }
        if let definition {
            if survey.status != .draft {
                throw ConflictError(field: "definition", detail: "The survey is \(survey.status.rawValue); its questions stay as they were asked. Make a new survey to ask something else.")
            }
            issues.check { () throws(ValidationError) in try definition.validate() }
            survey.definition = definition
        }
        try issues.throwIfAny()
        survey.updatedAt = clock.now()
        _ = try await store.update(survey)
        return survey
    }

    /// draft → published → closed; a closed survey may be published again (it takes answers again).
    public func move(_ id: SurveyID, to status: Survey.Status, by principal: Principal) async throws -> Survey {
        try principal.require(.feedbackManage)
        var survey = try await self.survey(id, for: principal)
        let allowed: [Survey.Status: Set<Survey.Status>] = [.draft: [.published, .closed], .published: [.closed], .closed: [.published]]
        guard allowed[survey.status, default: []].contains(status) else {
            let next = allowed[survey.status, default: []].map(\.rawValue).sorted()
            throw ValidationError(field: "status", issue: .unknownValue(allowed: next),
                                  hint: "A survey that is \(survey.status.rawValue) can become \(next.joined(separator: " or ")).")
        }
        let now = clock.now()
        survey.status = status
        survey.updatedAt = now
        if status == .published { survey.publishedAt = survey.publishedAt ?? now; survey.closedAt = nil }
        if status == .closed { survey.closedAt = now }
        _ = try await store.update(survey)
        return survey
    }
}

public import CairnCore
public import CairnStore
import Foundation
public import Logging

/// Surveys that follow events: when a customer's event matches a survey's trigger (for the sampled share of events),
/// the customer is invited by email or shown the survey by the widget after the trigger's delay — if they consented to
/// surveys and were not asked (any survey) within the workspace's recontact days.
public struct SurveyTriggers: Sendable {
    let store: Store
    public let clock: DateSource
    public let emails: SurveyEmails
    let logger: Logger

    public init(store: Store, clock: DateSource = .system, emails: SurveyEmails, logger: Logger = Logger(label: "cairn.triggers")) {
        self.store = store
        self.clock = clock
        self.emails = emails
        self.logger = logger
    }

    public struct Input: Sendable, Decodable {
        public var event: String
        public var action: String?
        public var delayMinutes: Int?
        public var samplePercent: Int?

        public init(event: String, action: String? = nil, delayMinutes: Int? = nil, samplePercent: Int? = nil) {
            self.event = event
            self.action = action
            self.delayMinutes = delayMinutes
            self.samplePercent = samplePercent
        }
    }

    public func triggers(of surveyID: SurveyID, for principal: Principal) async throws -> [SurveyTrigger] {
        try principal.require(.feedbackRead)
        guard try await store.survey(id: surveyID, in: principal.workspaceID) != nil else { throw NotFoundError(kind: "survey", id: surveyID.rawValue) }
        return try await store.triggers(of: surveyID, in: principal.workspaceID)
    }

    /// Replaces the survey's triggers (every bad field named; nothing written then).
    public func setTriggers(_ inputs: [Input], of surveyID: SurveyID, by principal: Principal) async throws -> [SurveyTrigger] {
        try principal.require(.feedbackManage)
        guard try await store.survey(id: surveyID, in: principal.workspaceID) != nil else { throw NotFoundError(kind: "survey", id: surveyID.rawValue) }
        var issues = ValidationCollector()
        if inputs.count > 20 { issues.add(FieldIssue(field: "triggers", issue: .invalid, hint: "A survey has at most 20 triggers.")) }
        let now = clock.now()
        var triggers: [SurveyTrigger] = []
        for (index, input) in inputs.enumerated() {
            let field = "triggers[\(index)]"
            let event = input.event.trimmingCharacters(in: .whitespacesAndNewlines)
            if event.isEmpty || event.count > 200 {
                issues.add(FieldIssue(field: "\(field).event", issue: .invalid, hint: "Name the track event, e.g. Order Delivered (at most 200 characters)."))
            }
            let action = SurveyTrigger.Action(rawValue: input.action ?? "email")
            if action == nil {
                issues.add(FieldIssue(field: "\(field).action", issue: .unknownValue(allowed: SurveyTrigger.Action.allCases.map(\.rawValue)),
                                      hint: "Use email (an invitation by email) or show (the web widget shows it)."))
            }
            let delay = input.delayMinutes ?? 0
            if !(0...43_200).contains(delay) { issues.add(FieldIssue(field: "\(field).delayMinutes", issue: .invalid, hint: "From 0 to 43200 minutes (30 days).")) }
            let percent = input.samplePercent ?? 100
            if !(1...100).contains(percent) { issues.add(FieldIssue(field: "\(field).samplePercent", issue: .invalid, hint: "A share from 1 to 100 percent.")) }
            if let action {
                triggers.append(SurveyTrigger(id: .generate(), workspaceID: principal.workspaceID, surveyID: surveyID, event: event, action: action,
                                              delayMinutes: delay, samplePercent: percent, createdAt: now))
            }
        }
        try issues.throwIfAny()
        try await store.replaceTriggers(of: surveyID, in: principal.workspaceID, with: triggers)
        return triggers
    }

    public func firings(of surveyID: SurveyID, for principal: Principal, after cursor: Cursor?, limit: PageSize) async throws -> Page<SurveyTriggerFiring> {
        try principal.require(.feedbackRead)
        guard try await store.survey(id: surveyID, in: principal.workspaceID) != nil else { throw NotFoundError(kind: "survey", id: surveyID.rawValue) }
        return try await store.firings(of: surveyID, in: principal.workspaceID, after: cursor, limit: limit.value)
    }

    public func recontactDays(for principal: Principal) async throws -> Int {
        try principal.require(.feedbackRead)
        return try await store.recontactDays(in: principal.workspaceID) ?? SurveyEmails.defaultRecontactDays
    }

    public func setRecontactDays(_ days: Int?, by principal: Principal) async throws -> Int {
        try principal.require(.feedbackManage)
        guard let days, (0...365).contains(days) else {
            throw ValidationError(field: "recontactDays", issue: .invalid, hint: "Days from 0 (no limit) to 365 within which a customer asked once is not asked again.")
        }
        try await store.setRecontactDays(days, in: principal.workspaceID)
        return days
    }

    /// Acts on the firings whose delay has passed; answers how many it looked at.
    @discardableResult
    public func processDue(limit: Int = 100) async throws -> Int {
        // One server at a time works this (Store.exclusively): with several servers on one database nothing is done twice.
        try await store.exclusively("survey-triggers") { try await processDueRound(limit: limit) } ?? 0
    }

    func processDueRound(limit: Int = 100) async throws -> Int {
        let due = try await store.dueFirings(now: clock.now(), limit: limit)
        for var firing in due {
            do {
                if let reason = try await reasonToSkip(firing) {
                    firing.status = .skipped
                    firing.reason = reason
                } else if firing.action == .show {
                    firing.status = .ready
                } else if let survey = try await store.survey(id: firing.surveyID, in: firing.workspaceID) {
                    switch try await emails.invite(firing.profileID, to: survey, touchpoint: firing.touchpoint, orderReference: firing.orderReference, caseID: firing.caseID) {
                    case .success: firing.status = .done
                    case .failure(let skip): firing.status = .skipped; firing.reason = skip.reason
                    }
                }
            } catch {
                firing.status = .skipped
                firing.reason = "error"
                logger.warning("survey trigger not acted on", metadata: ["firing": "\(firing.id)", "error": "\(String(reflecting: error).prefix(200))"])
            }
            try await store.update(firing)
        }
        return due.count
    }

    private func reasonToSkip(_ firing: SurveyTriggerFiring) async throws -> String? {
        guard let survey = try await store.survey(id: firing.surveyID, in: firing.workspaceID), survey.status == .published else { return "survey_closed" }
        if firing.action == .email, emails.mailer == nil { return "email_not_set_up" }
        guard try await ConsentLedger(store: store, clock: clock).hasConsented(firing.profileID, to: .surveys, in: firing.workspaceID) else { return "no_consent" }
        if try await SurveyEmails.recentlyAsked(firing.profileID, in: firing.workspaceID, store: store, now: clock.now()) { return "recontact_limit" }
        return nil
    }

    /// The survey the widget should show this customer now, if a trigger made one ready: the contact is recorded (it
    /// counts for the recontact limit) and the firing done. Rules are checked again at this moment.
    public func prompt(userID: String, in workspace: WorkspaceID) async throws -> (survey: Survey, touchpoint: String?, orderReference: String?, caseID: CaseID?)? {
        guard let identifier = Identifier.normalised(kind: .userID, userID), let profile = try await store.profileID(for: identifier, in: workspace) else { return nil }
        for var firing in try await store.readyFirings(of: profile, in: workspace) {
            if let reason = try await reasonToSkip(firing) {
                firing.status = .skipped
                firing.reason = reason
                try await store.update(firing)
                continue
            }
            guard let survey = try await store.survey(id: firing.surveyID, in: workspace) else { continue }
            let now = clock.now()
            // Shown counts as asked: an invitation row, answered through the widget, holds the contact.
            let invitation = SurveyInvitation(id: .generate(), workspaceID: workspace, surveyID: survey.id, profileID: profile, createdAt: now,
                                              expiresAt: now.addingTimeInterval(86_400), touchpoint: firing.touchpoint, orderReference: firing.orderReference,
                                              caseID: firing.caseID)
            try await store.insert(invitation, tokenHash: Secrets.tokenHash(Secrets.randomToken(byteCount: 24)))
            firing.status = .done
            try await store.update(firing)
            return (survey, firing.touchpoint, firing.orderReference, firing.caseID)
        }
        return nil
    }

    /// Firings for the events of one resolution batch (called inside its transaction): one per trigger and event,
    /// due after the trigger's delay. Events older than the delay plus a day (an import of history) start nothing.
    static func record(_ events: [(Event, ProfileID)], in workspace: WorkspaceID, tx: TransactionStore, now: Date) async throws {
        let named = events.filter { $0.0.kind == .track && $0.0.name != nil }
        guard !named.isEmpty else { return }
        let triggers = try await tx.triggersByEvent(in: workspace)
        guard !triggers.isEmpty else { return }
        var firings: [SurveyTriggerFiring] = []
        for (event, profile) in named {
            for trigger in triggers[event.name!] ?? [] {
                let delay = TimeInterval(trigger.delayMinutes * 60)
                guard event.timestamp.addingTimeInterval(delay + 86_400) >= now else { continue }
                let sampled = SurveyTriggerFiring.sampled(trigger: trigger.id, event: event.id, percent: trigger.samplePercent)
                firings.append(SurveyTriggerFiring(id: .generate(), workspaceID: workspace, triggerID: trigger.id, surveyID: trigger.surveyID, profileID: profile,
                                                   eventID: event.id, action: trigger.action, dueAt: max(now, event.timestamp.addingTimeInterval(delay)),
                                                   status: sampled ? .pending : .skipped, reason: sampled ? nil : "not_sampled", createdAt: now,
                                                   orderReference: event.payload["properties"]?.objectValue.flatMap { CommerceEvents.text($0["order_id"]) }.map { String($0.prefix(100)) },
                                                   touchpoint: trigger.event,
                                                   caseID: event.payload["properties"]?.objectValue?["case_id"]?.stringValue.flatMap { CaseID($0.lowercased()) }))
            }
        }
        try await tx.insert(firings: firings)
    }
}

import CairnAnalytics
import CairnCore
import CairnEngine
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

extension FeedbackPages {
    /// Invites the customers named in the form (one per line: an email address, a user id, or a profile id) by email.
    @Sendable func inviteByEmail(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try principal.require(.feedbackManage)
        let id = try context.parameters.id(as: SurveyID.self, kind: "survey")
        let form = try await request.form()
        let texts = renderer.catalogue.texts(for: context.language)
        var profiles: [String] = []
        var unknown: [String] = []
        for line in (form["customers"] ?? "").split(whereSeparator: \.isNewline).map({ $0.trimmingCharacters(in: .whitespaces) }) where !line.isEmpty {
            if let profile = ProfileID(line) { profiles.append(profile.rawValue); continue }
            let kind: Identifier.Kind = line.contains("@") ? .email : .userID
            if let profile = try await records.owner(of: Identifier(kind: kind, value: line), for: principal) {
                profiles.append(profile.rawValue)
            } else {
                unknown.append(line)
            }
        }
        do {
            guard !profiles.isEmpty else {
                throw ValidationError(field: "customers", issue: .missing, hint: "Name at least one known customer: an email address, user id or profile id per line.")
            }
            let outcome = try await emails.invite(.init(profileIds: Array(profiles.prefix(500)), expiresInDays: form["expiresInDays"].flatMap { Int($0) },
                                                        reminderAfterHours: form["reminderAfterHours"].flatMap { Int($0) }),
                                                  to: id, by: principal)
            var reasons: [String: Int] = [:]
            for skip in outcome.skipped { reasons[skip.reason, default: 0] += 1 }
            let summary: [String: Any] = [
                "invited": outcome.invited.count,
                "skipped": reasons.sorted { $0.key < $1.key }.map { ["reason": texts["skip_\($0.key)"] ?? $0.key, "count": $0.value] },
                "unknown": unknown.joined(separator: ", "), "hasUnknown": !unknown.isEmpty,
            ]
            return try await surveyPage(id, request: request, context: context, inviteOutcome: summary)
        } catch let error as ValidationError {
            return try await surveyPage(id, request: request, context: context, errors: fieldErrors(error, texts: renderer.catalogue, language: context.language),
                                        status: .badRequest)
        }
    }

    @Sendable func remindNow(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        let id = try context.parameters.id(as: SurveyID.self, kind: "survey")
        _ = try await emails.remindNow(id, by: principal)
        return WebRenderer.redirect(to: "/feedback/surveys/\(id)?done=reminders")
    }

    /// Saves the survey's triggers: from the form's rows (`event`, `action`, `delayMinutes`, `samplePercent` per
    /// row, `remove` naming rows to drop, a row without an event left out), or from their JSON (`triggers`).
    @Sendable func saveTriggers(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try principal.require(.feedbackManage)
        let id = try context.parameters.id(as: SurveyID.self, kind: "survey")
        let form = try await request.form()
        let text = form["triggers"] ?? ""
        var rows: [SurveyTriggers.Input]?
        do {
            let inputs: [SurveyTriggers.Input]
            if form["rows"] != nil {
                let (typed, problems) = Self.triggerRows(form)
                rows = typed
                if let problems { throw problems }
                inputs = typed
            } else {
                do {
                    inputs = text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? [] : try JSONDecoder().decode([SurveyTriggers.Input].self, from: Data(text.utf8))
                } catch {
                    throw ValidationError(field: "triggers", issue: .invalid, hint: "The triggers are not a valid JSON list: \(Self.describe(error))")
                }
            }
            _ = try await triggers.setTriggers(inputs, of: id, by: principal)
            return WebRenderer.redirect(to: "/feedback/surveys/\(id)?done=saved#distribution")
        } catch let error as ValidationError {
            return try await surveyPage(id, request: request, context: context, errors: fieldErrors(error, texts: renderer.catalogue, language: context.language),
                                        status: .badRequest, triggerDraft: rows == nil ? text : nil, triggerRows: rows)
        }
    }

    /// The triggers' form rows, and what was wrong with them: a number that is not one is named (not read as the
    /// default); its row is kept, with the default, so the form comes back with the rest as typed.
    static func triggerRows(_ form: FormFields) -> ([SurveyTriggers.Input], ValidationError?) {
        let events = form.values(named: "event"), actions = form.values(named: "action")
        let delays = form.values(named: "delayMinutes"), samples = form.values(named: "samplePercent")
        let removed = Set(form.values(named: "remove").compactMap { Int($0) })
        var issues = ValidationCollector()
        var inputs: [SurveyTriggers.Input] = []
        func number(_ list: [String], _ index: Int, field: String, hint: String) -> Int? {
            guard index < list.count else { return nil }
            let text = list[index].trimmingCharacters(in: .whitespaces)
            if text.isEmpty { return nil }
            guard let value = Int(text) else {
                issues.add(FieldIssue(field: "triggers[\(inputs.count)].\(field)", issue: .invalid, hint: hint))
                return nil
            }
            return value
        }
        for (index, event) in events.enumerated() where !removed.contains(index) {
            let name = event.trimmingCharacters(in: .whitespacesAndNewlines)
            if name.isEmpty { continue }
            let delay = number(delays, index, field: "delayMinutes", hint: "A whole number of minutes from 0 to 43200.")
            let sample = number(samples, index, field: "samplePercent", hint: "A whole percentage from 1 to 100.")
            inputs.append(.init(event: name, action: index < actions.count ? actions[index] : nil, delayMinutes: delay, samplePercent: sample))
        }
        do { try issues.throwIfAny() } catch { return (inputs, error) }
        return (inputs, nil)
    }

    @Sendable func saveContactSettings(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        let form = try await request.form()
        let back = form["survey"].flatMap { SurveyID($0) }
        do {
            _ = try await triggers.setRecontactDays(form["recontactDays"].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }, by: principal)
            return WebRenderer.redirect(to: back.map { "/feedback/surveys/\($0)?done=saved" } ?? "/feedback/surveys")
        } catch let error as ValidationError {
            guard let back else { throw error }
            return try await surveyPage(back, request: request, context: context, errors: fieldErrors(error, texts: renderer.catalogue, language: context.language),
                                        status: .badRequest)
        }
    }
}

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

    /// Saves the survey's triggers from their JSON (a list of {event, action, delayMinutes, samplePercent}).
    @Sendable func saveTriggers(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let (principal, _) = try context.requireUser()
        try principal.require(.feedbackManage)
        let id = try context.parameters.id(as: SurveyID.self, kind: "survey")
        let text = try await request.form()["triggers"] ?? ""
        do {
            let inputs: [SurveyTriggers.Input]
            do {
                inputs = text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? [] : try JSONDecoder().decode([SurveyTriggers.Input].self, from: Data(text.utf8))
            } catch {
                throw ValidationError(field: "triggers", issue: .invalid, hint: "The triggers are not a valid JSON list: \(Self.describe(error))")
            }
            _ = try await triggers.setTriggers(inputs, of: id, by: principal)
            return WebRenderer.redirect(to: "/feedback/surveys/\(id)?done=saved")
        } catch let error as ValidationError {
            return try await surveyPage(id, request: request, context: context, errors: fieldErrors(error, texts: renderer.catalogue, language: context.language),
                                        status: .badRequest, triggerDraft: text)
        }
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

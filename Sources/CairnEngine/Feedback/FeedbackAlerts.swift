import AsyncHTTPClient
public import CairnCore
public import CairnStore
import Crypto
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// Low scores become alerts: NPS detractors (0–6) always, CSAT and CES at or below the workspace's lines. An alert is
/// raised as soon as the score is given (a customer who leaves before the comment is still followed up; the comment,
/// when it was given first, goes with it), kept in the feed and queued, in the same transaction, for every webhook
/// endpoint that wants `feedback.alert`.
public struct FeedbackAlerts: Sendable {
    public static let event = "feedback.alert"
    let store: Store
    public let clock: DateSource

    public init(store: Store, clock: DateSource = .system) {
        self.store = store
        self.clock = clock
    }

    /// The alerts a response's answers call for: all of them, or only those to `questions` (the one just answered on
    /// the page), each with its webhook event and body, for the store to keep with the answer. The workspace's lines
    /// are read only for a CSAT or CES answer.
    func alerts(for response: SurveyResponse, of survey: Survey, questions: Set<String>? = nil) async throws -> [(alert: FeedbackAlert, event: String, payload: String)] {
        let scored = survey.definition.questions.filter { question in
            guard questions?.contains(question.id) ?? true, case .number? = response.answers[question.id] else { return false }
            return [.nps, .csat, .ces].contains(question.type)
        }
        guard !scored.isEmpty else { return [] }
        let thresholds = scored.contains { $0.type != .nps } ? try await store.alertThresholds(in: survey.workspaceID) : .standard
        let comment = survey.definition.questions.first { $0.type == .text }.flatMap { question -> String? in
            if case .text(let text)? = response.answers[question.id] { return String(text.prefix(2_000)) }
            return nil
        }
        var alerts: [(alert: FeedbackAlert, event: String, payload: String)] = []
        for question in scored {
            guard case .number(let score)? = response.answers[question.id] else { continue }
            let kind: FeedbackAlert.Kind? = switch question.type {
            case .nps where score <= 6: .detractor
            case .csat where score <= thresholds.csatAtMost: .lowCSAT
            case .ces where score <= thresholds.cesAtMost: .lowCES
            default: nil
            }
            guard let kind else { continue }
            let alert = FeedbackAlert(id: .generate(), workspaceID: survey.workspaceID, kind: kind, surveyID: survey.id, surveyName: survey.name,
                                      responseID: response.id, profileID: response.profileID, question: question.id, score: score, comment: comment, at: clock.now())
            alerts.append((alert, Self.event, Self.payload(alert)))
        }
        return alerts
    }

    /// The webhook body: `{"event":"feedback.alert","alert":{…}}`, keys sorted.
    static func payload(_ alert: FeedbackAlert) -> String {
        var fields: [String: JSONValue] = [
            "id": .string(alert.id.rawValue), "kind": .string(alert.kind.rawValue), "surveyId": .string(alert.surveyID.rawValue),
            "survey": .string(alert.surveyName), "responseId": .string(alert.responseID.rawValue), "question": .string(alert.question),
            "score": .integer(Int64(alert.score)), "at": .string(alert.at.formatted(.iso8601)),
        ]
        if let profile = alert.profileID { fields["profileId"] = .string(profile.rawValue) }
        if let comment = alert.comment { fields["comment"] = .string(comment) }
        return JSONValue.object(["event": .string(event), "alert": .object(fields)]).jsonText()
    }

    public func alerts(for principal: Principal, after cursor: Cursor?, limit: PageSize) async throws -> Page<FeedbackAlert> {
        try principal.require(.feedbackRead)
        return try await store.alerts(in: principal.workspaceID, after: cursor, limit: limit.value)
    }

    public func thresholds(for principal: Principal) async throws -> AlertThresholds {
        try principal.require(.feedbackRead)
        return try await store.alertThresholds(in: principal.workspaceID)
    }

    public func setThresholds(csatAtMost: Int?, cesAtMost: Int?, by principal: Principal) async throws -> AlertThresholds {
        try principal.require(.feedbackManage)
        var thresholds = try await store.alertThresholds(in: principal.workspaceID)
        var issues = ValidationCollector()
        if let csat = csatAtMost {
            if (1...4).contains(csat) { thresholds.csatAtMost = csat } else { issues.add(FieldIssue(field: "csatAtMost", issue: .invalid, hint: "A CSAT line from 1 to 4.")) }
        }
        if let ces = cesAtMost {
            if (1...6).contains(ces) { thresholds.cesAtMost = ces } else { issues.add(FieldIssue(field: "cesAtMost", issue: .invalid, hint: "A CES line from 1 to 6.")) }
        }
        try issues.throwIfAny()
        try await store.setAlertThresholds(thresholds, in: principal.workspaceID)
        return thresholds
    }
}

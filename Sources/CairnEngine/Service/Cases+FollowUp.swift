public import CairnCore
import CairnStore
public import Foundation
import Logging

/// Closing the loop: low feedback becomes a follow-up case by the workspace's rule, and a solved case tells the
/// customer's timeline (and so survey triggers) that it was solved.
extension Cases {
    /// Opens a follow-up case for every alert (detractor, low CSAT or CES) raised since the rule was set, when the
    /// alert's kind is followed up, it belongs to a known customer and that customer consented to the rule's purpose;
    /// the answer's score and comment go on the case (an unfinished response gets two minutes to add its comment). Each alert is handled once (also with several servers); those
    /// not followed up say why. Returns how many cases were opened.
    @discardableResult
    public func followUpAlerts(limit: Int = 200) async throws -> Int {
        try await store.exclusively("feedback-follow-up") {
            var opened = 0
            for (workspace, rule) in try await store.followUpRules() {
                for alert in try await store.alertsToFollowUp(in: workspace, since: rule.since, limit: limit) {
                    if try await followUp(alert, rule: rule, in: workspace) { opened += 1 }
                }
            }
            return opened
        } ?? 0
    }

    /// How long an unfinished response is given to add its comment before it is followed up without one.
    public static let commentGrace: TimeInterval = 120

    func followUp(_ alert: FeedbackAlert, rule: ServiceSettings.FollowUp, in workspace: WorkspaceID) async throws -> Bool {
        let now = clock.now()
        // The score raises the alert at once; the comment may follow. Wait for the finished response (or a while).
        let response = try await store.response(id: alert.responseID, in: workspace)
        if let response, !response.complete, now.timeIntervalSince(alert.at) < Self.commentGrace { return false }
        let comment = response?.answers.sorted { $0.key < $1.key }.lazy.compactMap { _, answer -> String? in
            if case .text(let text) = answer, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return text }
            return nil
        }.first ?? alert.comment
        var reason: String?
        if !rule.kinds.contains(alert.kind) { reason = "kind not followed up" }
        else if alert.profileID == nil { reason = "no known customer" }
        else if try await !ConsentLedger(store: store, clock: clock).hasConsented(alert.profileID!, to: rule.consentPurpose, in: workspace) {
            reason = "no consent to \(rule.consentPurpose.rawValue)"
        }
        if let reason {
            try await store.transaction { tx in _ = try await tx.markFollowedUp(alert.id, in: workspace, case: nil, note: reason, at: now) }
            return false
        }
        let label = switch alert.kind {
        case .detractor: "NPS \(alert.score)"
        case .lowCSAT: "CSAT \(alert.score)"
        case .lowCES: "CES \(alert.score)"
        }
        let opened: CaseID? = try await store.transaction { tx in
            // The alert is claimed first, so a second server (or a retry) opens nothing.
            guard try await tx.markFollowedUp(alert.id, in: workspace, case: nil, note: nil, at: now) else { return nil }
            var assignee = rule.assigneeID
            if let user = assignee, try await store.user(id: user, in: workspace)?.role.can(.serviceWork) != true { assignee = nil }
            var team = rule.teamID
            if let id = team, !(try await tx.teams(in: workspace)).contains(where: { $0.id == id }) { team = nil }
            let id = try await Self.open(in: workspace, profile: alert.profileID, contact: nil, channel: .email, subject: "Follow-up: \(label) on \(alert.surveyName)",
                                         priority: rule.priority, team: team, assignee: assignee, tags: ["follow-up", alert.kind.rawValue.replacingOccurrences(of: "_", with: "-")],
                                         order: nil, product: nil, shipment: nil, language: nil, message: comment, emailMessageID: nil, by: "rule:follow-up", at: now, tx: tx)
            try await tx.insert(CaseMessage(id: .generate(), caseID: id, author: .note, by: "rule:follow-up",
                                            body: "\(label) (question \(alert.question)) in \"\(alert.surveyName)\" at \(alert.at.formatted(.iso8601)); response \(alert.responseID).",
                                            attachments: [], channel: .email, emailMessageID: nil, at: now), in: workspace)
            try await tx.setFollowUpCase(id, of: alert.id, in: workspace)
            return id
        }
        if opened != nil { deadlinesChanged() }
        return opened != nil
    }

    /// The case a follow-up opened for an alert (nil: not handled yet, or handled without a case, with why).
    public func followUp(of alert: FeedbackAlertID, for principal: Principal) async throws -> (caseID: CaseID?, note: String?)? {
        try principal.require(.serviceRead)
        return try await store.followUp(of: alert, in: principal.workspaceID)
    }
}

extension Cases {
    public static let serviceSourceName = "Cairn service"
    public static let solvedEvent = "Support Case Solved"

    /// Records `Support Case Solved` on the customer's timeline when a case of a known customer is solved, so that a
    /// survey trigger on that event can ask for CSAT or CES (with its delay, sampling, consent and recontact limit).
    /// The event names the customer by their user id, else their anonymous id; a customer known only by email or phone
    /// gets none. Its messageId names the case and the moment, so it is stored once however often this runs.
    func recordSolved(_ item: Case) async {
        guard let profile = item.profileID, let stored = try? await store.profile(id: profile, in: item.workspaceID) else { return }
        let identifiers = stored.profile.identifiers
        var object: [String: JSONValue] = [:]
        if let user = identifiers.first(where: { $0.kind == .userID }) { object["userId"] = .string(user.value) }
        else if let anonymous = identifiers.first(where: { $0.kind == .anonymousID }) { object["anonymousId"] = .string(anonymous.value) }
        else { return }
        let now = clock.now()
        let messageID = "cairn-case-solved-\(item.id)-\(now.storageMillis)"
        let channel: CairnCore.Channel = switch item.channel {
        case .email: .email
        case .chat: .chat
        case .phone: .callCenter
        case .store: .store
        case .web: .web
        }
        object["type"] = .string("track")
        object["event"] = .string(Self.solvedEvent)
        object["messageId"] = .string(messageID)
        object["timestamp"] = .string(now.formatted(.iso8601))
        object["context"] = .object(["channel": .string(channel.rawValue)])
        var properties: [String: JSONValue] = ["case_id": .string(item.id.rawValue), "case_number": .integer(item.number), "channel": .string(item.channel.rawValue),
                                               "priority": .string(item.priority.rawValue), "reopened": .bool(item.statusChanges.filter { $0.status.isDone }.count > 1)]
        if let reference = item.reference { properties["reference"] = .string(reference) }
        object["properties"] = .object(properties)
        do {
            let message = try TrackingMessage.parse(object, kind: .track, makeMessageID: { messageID }).get()
            _ = try await Ingestor(store: store, clock: clock).ingest([message], from: try await serviceSource(in: item.workspaceID), rateLimited: false)
        } catch {
            logger.warning("solved case not recorded on the timeline", metadata: ["case.id": "\(item.id)", "error": "\(String(reflecting: error).prefix(300))"])
        }
    }

    func serviceSource(in workspace: WorkspaceID) async throws -> Source {
        try await store.ownSource(named: Self.serviceSourceName, channel: .web, in: workspace, at: clock.now())
    }
}

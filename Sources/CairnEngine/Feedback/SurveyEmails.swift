public import CairnCore
public import CairnStore
public import Foundation
public import Logging

/// Survey invitations by email, each with at most one reminder to those who have not answered.
///
/// Customers are skipped, with the reason, when they have not consented to surveys, have no address, hold an open
/// invitation to the survey, or were asked (any survey) within the workspace's recontact days.
/// Inviting writes the invitation and its emails in one transaction (an outbox); `sendDue` sends what is due over
/// SMTP. Before each email the rules are checked again: nobody who answered, withdrew their consent to surveys, lost
/// their address or whose link expired gets one. Failures are retried after 1, 5, 30 and 120 minutes, then given up.
public struct SurveyEmails: Sendable {
    let store: Store
    public let clock: DateSource
    /// Nil when no SMTP server is configured: inviting by email is then refused, saying how to set it up.
    public let mailer: SMTPMailer?
    /// Where customers reach the survey pages, e.g. `https://cx.acme.example`.
    public let publicURL: String
    let logger: Logger

    public init(store: Store, clock: DateSource = .system, mailer: SMTPMailer?, publicURL: String, logger: Logger = Logger(label: "cairn.email")) {
        self.store = store
        self.clock = clock
        self.mailer = mailer
        self.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        self.logger = logger
    }

    public struct Request: Sendable, Decodable {
        public var profileIds: [String]
        public var expiresInDays: Int?
        /// Hours after the invitation to remind those who have not answered (default 72).
        public var reminderAfterHours: Int?
        /// false: no reminder.
        public var reminder: Bool?

        public init(profileIds: [String], expiresInDays: Int? = nil, reminderAfterHours: Int? = nil, reminder: Bool? = nil) {
            self.profileIds = profileIds
            self.expiresInDays = expiresInDays
            self.reminderAfterHours = reminderAfterHours
            self.reminder = reminder
        }
    }

    public struct Invited: Sendable, Encodable {
        public var profileId: ProfileID
        public var invitationId: SurveyInvitationID
        public var expiresAt: Date
        public var reminderAt: Date?
    }

    public struct Skipped: Sendable, Encodable {
        public var profileId: String
        /// not_found, no_consent, no_email or already_invited.
        public var reason: String
    }

    public struct Outcome: Sendable, Encodable {
        public var invited: [Invited]
        public var skipped: [Skipped]
    }

    public func invite(_ request: Request, to surveyID: SurveyID, by principal: Principal) async throws -> Outcome {
        try principal.require(.feedbackManage)
        let workspace = principal.workspaceID
        var issues = ValidationCollector()
        if mailer == nil {
            issues.add(FieldIssue(field: "email", issue: .notAllowed, hint: "Email is not set up on this server: start cairn serve with --smtp-host and --smtp-from."))
        }
        if request.profileIds.isEmpty || request.profileIds.count > 500 {
            issues.add(FieldIssue(field: "profileIds", issue: .invalid, hint: "Send from 1 to 500 profile ids."))
        }
        var profiles: [ProfileID] = []
        for (index, text) in request.profileIds.enumerated() {
            if let id = ProfileID(text) { if !profiles.contains(id) { profiles.append(id) } } else {
                issues.add(FieldIssue(field: "profileIds[\(index)]", issue: .invalid, hint: "A profile id is a UUID."))
            }
        }
        let days = request.expiresInDays ?? 14
        if !(1...90).contains(days) { issues.add(FieldIssue(field: "expiresInDays", issue: .invalid, hint: "A link lasts from 1 to 90 days.")) }
        let reminderHours = request.reminder == false ? nil : (request.reminderAfterHours ?? 72)
        if let reminderHours, (1...90).contains(days), reminderHours < 1 || reminderHours >= days * 24 {
            issues.add(FieldIssue(field: "reminderAfterHours", issue: .invalid, hint: "Remind from 1 hour after the invitation to before the link expires (\(days * 24) hours)."))
        }
        guard let survey = try await store.survey(id: surveyID, in: workspace) else { throw NotFoundError(kind: "survey", id: surveyID.rawValue) }
        if survey.status != .published {
            issues.add(FieldIssue(field: "survey", issue: .invalid, hint: "The survey is \(survey.status.rawValue); publish it before inviting anyone."))
        }
        try issues.throwIfAny()

        var outcome = Outcome(invited: [], skipped: [])
        for profile in profiles {
            switch try await invite(profile, to: survey, days: days, reminderHours: reminderHours) {
            case .success(let invited): outcome.invited.append(invited)
            case .failure(let skip): outcome.skipped.append(Skipped(profileId: profile.rawValue, reason: skip.reason))
            }
        }
        return outcome
    }

    public struct Skip: Error, Sendable {
        public var reason: String
    }

    /// Invites one customer by email, or says why not: not_found, no_consent, no_email, already_invited (an open
    /// invitation to this survey), recontact_limit (asked within the workspace's recontact days, any survey).
    public func invite(_ profile: ProfileID, to survey: Survey, days: Int = 14, reminderHours: Int? = 72, touchpoint: String? = nil,
                       orderReference: String? = nil, caseID: CaseID? = nil) async throws -> Result<Invited, Skip> {
        let workspace = survey.workspaceID
        guard let stored = try await store.profile(id: profile, in: workspace) else { return .failure(Skip(reason: "not_found")) }
        guard try await ConsentLedger(store: store, clock: clock).hasConsented(stored.profile.id, to: .surveys, in: workspace) else {
            return .failure(Skip(reason: "no_consent"))
        }
        guard Self.address(of: stored.profile) != nil else { return .failure(Skip(reason: "no_email")) }
        let now = clock.now()
        if try await store.openInvitationExists(of: stored.profile.id, to: survey.id, in: workspace, at: now) { return .failure(Skip(reason: "already_invited")) }
        if try await Self.recentlyAsked(stored.profile.id, in: workspace, store: store, now: now) { return .failure(Skip(reason: "recontact_limit")) }
        let token = Secrets.randomToken(byteCount: 24)
        let invitation = SurveyInvitation(id: .generate(), workspaceID: workspace, surveyID: survey.id, profileID: stored.profile.id, createdAt: now,
                                          expiresAt: now.addingTimeInterval(TimeInterval(days * 86_400)), touchpoint: touchpoint, orderReference: orderReference, caseID: caseID)
        let language = Self.language(of: stored.profile, survey: survey)
        var emails = [SurveyEmail(id: .generate(), workspaceID: workspace, surveyID: survey.id, invitationID: invitation.id, profileID: stored.profile.id,
                                  kind: .invitation, status: .scheduled, language: language, sendAt: now, createdAt: now)]
        let reminderAt = reminderHours.map { now.addingTimeInterval(TimeInterval($0 * 3_600)) }
        if let reminderAt {
            emails.append(SurveyEmail(id: .generate(), workspaceID: workspace, surveyID: survey.id, invitationID: invitation.id, profileID: stored.profile.id,
                                      kind: .reminder, status: .scheduled, language: language, sendAt: reminderAt, createdAt: now))
        }
        try await store.insert(invitation, tokenHash: Secrets.tokenHash(token), token: token, emails: emails)
        return .success(Invited(profileId: stored.profile.id, invitationId: invitation.id, expiresAt: invitation.expiresAt, reminderAt: reminderAt))
    }

    /// Days within which a customer asked once (invited or shown a survey, any survey) is not asked again.
    public static let defaultRecontactDays = 30

    /// Whether the customer was asked within the workspace's recontact days.
    static func recentlyAsked(_ profile: ProfileID, in workspace: WorkspaceID, store: Store, now: Date) async throws -> Bool {
        let days = try await store.recontactDays(in: workspace) ?? defaultRecontactDays
        guard days > 0 else { return false }
        return try await store.invitationCount(of: profile, since: now.addingTimeInterval(-Double(days) * 86_400), in: workspace) > 0
    }

    /// Sends the reminders of a survey now instead of at their time (only to those who have not answered, once each).
    public func remindNow(_ surveyID: SurveyID, by principal: Principal) async throws -> Int {
        try principal.require(.feedbackManage)
        guard try await store.survey(id: surveyID, in: principal.workspaceID) != nil else { throw NotFoundError(kind: "survey", id: surveyID.rawValue) }
        return try await store.bringRemindersForward(of: surveyID, in: principal.workspaceID, to: clock.now())
    }

    /// The survey's emails, newest first: what was sent, skipped or failed, and why.
    public func emails(of surveyID: SurveyID, for principal: Principal, after cursor: Cursor?, limit: PageSize) async throws -> Page<SurveyEmail> {
        try principal.require(.feedbackRead)
        guard try await store.survey(id: surveyID, in: principal.workspaceID) != nil else { throw NotFoundError(kind: "survey", id: surveyID.rawValue) }
        return try await store.surveyEmails(of: surveyID, in: principal.workspaceID, after: cursor, limit: limit.value)
    }

    /// Sends the emails that are due; answers how many were looked at.
    @discardableResult
    public func sendDue(limit: Int = 50) async throws -> Int {
        // One server at a time works this (Store.exclusively): with several servers on one database nothing is done twice.
        try await store.exclusively("survey-emails") { try await sendDueRound(limit: limit) } ?? 0
    }

    func sendDueRound(limit: Int = 50) async throws -> Int {
        guard let mailer else { return 0 }
        let due = try await store.dueSurveyEmails(now: clock.now(), limit: limit)
        for (email, token) in due {
            var email = email
            let now = clock.now()
            do {
                if let reason = try await reasonToSkip(email, token: token, now: now) {
                    email.status = .skipped
                    email.lastError = reason
                } else if let token, let survey = try await store.survey(id: email.surveyID, in: email.workspaceID),
                          let profile = try await store.profile(id: email.profileID, in: email.workspaceID)?.profile, let address = Self.address(of: profile),
                          let invitation = try await store.invitation(id: email.invitationID, in: email.workspaceID) {
                    try await mailer.send(message(email, survey: survey, invitation: invitation, to: address, token: token))
                    email.status = .sent
                    email.sentAt = clock.now()
                    email.attempts += 1
                    email.lastError = nil
                }
            } catch {
                email.attempts += 1
                email.lastError = String(describing: error).prefix(300).description
                let pauses: [TimeInterval] = [60, 300, 1_800, 7_200]
                if email.attempts > pauses.count {
                    email.status = .failed
                } else {
                    email.sendAt = now.addingTimeInterval(pauses[email.attempts - 1])
                }
                // No address or server reply in the log: they may name the customer.
                logger.warning("survey email not sent", metadata: ["email": "\(email.id)", "attempts": "\(email.attempts)", "status": "\(email.status.rawValue)"])
            }
            try await store.update(email)
        }
        return due.count
    }

    private func reasonToSkip(_ email: SurveyEmail, token: String?, now: Date) async throws -> String? {
        guard token != nil, let invitation = try await store.invitation(id: email.invitationID, in: email.workspaceID) else { return "link_unknown" }
        if invitation.answeredAt != nil { return "answered" }
        if invitation.expiresAt <= now { return "expired" }
        guard let survey = try await store.survey(id: email.surveyID, in: email.workspaceID), survey.status == .published else { return "survey_closed" }
        guard let profile = try await store.profile(id: email.profileID, in: email.workspaceID)?.profile else { return "not_found" }
        guard try await ConsentLedger(store: store, clock: clock).hasConsented(profile.id, to: .surveys, in: email.workspaceID) else { return "no_consent" }
        if Self.address(of: profile) == nil { return "no_email" }
        return nil
    }

    /// The customer's email address: their email identifier, else an `email` trait.
    static func address(of profile: Profile) -> String? {
        let candidate = profile.identifiers.first { $0.kind == .email }?.value ?? profile.traits["email"]?.value.stringValue
        return candidate.flatMap { SMTPMailer.isPlainAddress($0) ? $0 : nil }
    }

    /// The customer's language (a `language` or `locale` trait such as de or de-DE) when the survey speaks it, else the
    /// survey's default.
    static func language(of profile: Profile, survey: Survey) -> String {
        for name in ["language", "locale"] {
            if let text = profile.traits[name]?.value.stringValue?.lowercased().prefix(2), SurveyDefinition.languages.contains(String(text)) { return String(text) }
        }
        return survey.definition.defaultLanguage
    }

    func message(_ email: SurveyEmail, survey: Survey, invitation: SurveyInvitation, to address: String, token: String) -> EmailMessage {
        let language = email.language
        let texts = EmailTexts.of(language)
        let title = survey.definition.title.text(in: language, fallback: survey.definition.defaultLanguage)
        let link = "\(publicURL)/s/\(token)?lang=\(language)"
        let withdraw = "\(publicURL)/s/\(token)/withdraw?lang=\(language)"
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: language == "zh" ? "zh-Hans" : language)
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateStyle = .long
        let until = formatter.string(from: invitation.expiresAt)
        let opening = email.kind == .reminder ? texts.reminder : texts.invitation
        let body = [texts.hello, "", opening.replacingOccurrences(of: "{title}", with: title), link, "",
                    texts.personal.replacingOccurrences(of: "{date}", with: until), "", texts.withdraw, withdraw, ""].joined(separator: "\n")
        let subject = email.kind == .reminder ? texts.reminderSubject.replacingOccurrences(of: "{title}", with: title) : title
        return EmailMessage(to: address, subject: subject, body: body, headers: [("List-Unsubscribe", "<\(withdraw)>"), ("Content-Language", language)])
    }
}

/// What survey emails say, in the four languages of the survey pages.
enum EmailTexts {
    struct Texts {
        var hello, invitation, reminder, reminderSubject, personal, withdraw: String
    }

    static func of(_ language: String) -> Texts {
        switch language {
        case "de":
            Texts(hello: "Guten Tag,", invitation: "Ihre Meinung ist uns wichtig: {title}. Es dauert ein bis zwei Minuten:",
                  reminder: "Wir haben noch keine Antwort von Ihnen erhalten – {title}. Es dauert ein bis zwei Minuten:",
                  reminderSubject: "Erinnerung: {title}", personal: "Der Link gilt nur für Sie, bis zum {date}.",
                  withdraw: "Wenn Sie keine Umfragen mehr von uns erhalten möchten:")
        case "zh":
            Texts(hello: "您好，", invitation: "我们很重视您的意见：{title}。只需一两分钟：", reminder: "我们还没有收到您的回答——{title}。只需一两分钟：",
                  reminderSubject: "提醒：{title}", personal: "此链接仅供您本人使用，有效期至 {date}。", withdraw: "如果您不想再收到我们的调查：")
        case "he":
            Texts(hello: "שלום,", invitation: "נשמח לשמוע את דעתך: {title}. זה לוקח דקה או שתיים:", reminder: "עדיין לא קיבלנו את תשובתך – {title}. זה לוקח דקה או שתיים:",
                  reminderSubject: "תזכורת: {title}", personal: "הקישור אישי ותקף עד {date}.", withdraw: "אם אינך רוצה לקבל מאיתנו סקרים נוספים:")
        default:
            Texts(hello: "Hello,", invitation: "We would value your opinion: {title}. It takes a minute or two:",
                  reminder: "We have not heard from you yet – {title}. It takes a minute or two:", reminderSubject: "Reminder: {title}",
                  personal: "The link is yours alone and works until {date}.", withdraw: "To stop receiving surveys from us:")
        }
    }
}

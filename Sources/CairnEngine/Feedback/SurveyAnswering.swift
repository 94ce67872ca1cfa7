public import CairnCore
public import CairnStore
import Crypto
import Foundation

/// Customers answering surveys on the public page: through a survey's anonymous link, or a personal link bound to
/// one profile (answered once, until it expires). The page asks one question at a time, so branching works without
/// script; every answer is kept as it comes, so a response left half-way stays, marked partial.
public struct SurveyAnswering: Sendable {
    let store: Store
    public let clock: DateSource
    /// Whole responses through the widget's API, stored together when they arrive together.
    let batcher: ResponseBatcher

    public init(store: Store, clock: DateSource = .system) {
        self.store = store
        self.clock = clock
        self.batcher = ResponseBatcher(store: store)
    }

    /// Whether whole responses arrived through the widget's API within `interval` (the background reader of their
    /// text then leaves the cores to the burst, reading a batch now and then).
    public func answersArrived(within interval: Duration) async -> Bool {
        await batcher.arrived(within: interval)
    }

    /// Why a link cannot be answered now.
    public enum Refusal: Error, Sendable, Equatable {
        case unknownLink
        case closed
        case expired
        case alreadyAnswered
    }

    /// What a link leads to: the survey, and for a personal link its invitation and any response begun with it.
    public struct Visit: Sendable {
        public var survey: Survey
        public var invitation: SurveyInvitation?
        public var response: SurveyResponse?
    }

    public func visit(_ token: String) async throws(Refusal) -> Visit {
        do {
            if let survey = try await store.survey(token: token) {
                guard survey.status == .published else { throw Refusal.closed }
                return Visit(survey: survey)
            }
            guard token.count <= 100, let invitation = try await store.invitation(tokenHash: Secrets.tokenHash(token)),
                  let survey = try await store.survey(id: invitation.surveyID, in: invitation.workspaceID) else { throw Refusal.unknownLink }
            guard survey.status == .published else { throw Refusal.closed }
            if invitation.answeredAt != nil { throw Refusal.alreadyAnswered }
            if invitation.expiresAt <= clock.now() { throw Refusal.expired }
            return Visit(survey: survey, invitation: invitation, response: try await store.response(invitation: invitation.id, in: invitation.workspaceID))
        } catch let refusal as Refusal {
            throw refusal
        } catch {
            throw .unknownLink
        }
    }

    /// A whole response at once (the web widget): every answer checked as the page checks it, the questions shown by
    /// the branching rules required; the customer found by their user id or anonymous id when Cairn knows them.
    /// The survey must be published and of the write key's workspace.
    ///
    /// `idempotencyKey` (the client's own response id, or its `Idempotency-Key`) makes a retry safe: the first
    /// submission with the key is stored; later ones return it unchanged, with `isReplay` set.
    public func submitWhole(token: String, workspace: WorkspaceID, answers raw: [String: JSONValue], userID: String?, anonymousID: String?,
                            language: String, channel channelText: String? = nil, touchpoint: String? = nil, orderReference: String? = nil,
                            caseID: CaseID? = nil, idempotencyKey: String? = nil) async throws -> (response: SurveyResponse, isReplay: Bool) {
        guard let survey = try await store.survey(token: token), survey.workspaceID == workspace else { throw NotFoundError(kind: "survey", id: token) }
        guard survey.status == .published else { throw NotFoundError(kind: "survey", id: token) }
        let id = idempotencyKey.map { Self.responseID(for: $0, survey: survey.id) } ?? .generate()
        if idempotencyKey != nil, let first = try await store.response(id: id, in: workspace) {
            guard first.surveyID == survey.id else {
                throw ValidationError(field: "responseId", issue: .invalid, hint: "This id names a response to another survey. Send a new id for each response.")
            }
            return (first, true)
        }
        var issues = ValidationCollector()
        var answers: [String: SurveyAnswer] = [:]
        for question in survey.definition.questions {
            guard let value = raw[question.id], value != .null else { continue }
            let values: [String]
            var ranks: [String: String] = [:]
            switch value {
            case .integer(let number): values = [String(number)]
            case .string(let text): values = [text]
            case .bool(let yes): values = [yes ? "yes" : "no"]
            case .array(let items):
                values = items.compactMap(\.stringValue)
                if question.type == .ranking { for (index, id) in values.enumerated() { ranks[id] = String(index + 1) } }
            default: values = ["?"]
            }
            do {
                answers[question.id] = try Self.answer(to: question, values: question.type == .ranking ? [] : values, ranks: ranks)
            } catch {
                issues.add(FieldIssue(field: "answers.\(question.id)", issue: .invalid, hint: error.issues.first?.hint ?? "Not a valid answer."))
            }
        }
        for id in raw.keys where !survey.definition.questions.contains(where: { $0.id == id }) {
            issues.add(FieldIssue(field: "answers.\(id)", issue: .unknownValue(allowed: survey.definition.questions.map(\.id)), hint: "The survey has no such question."))
        }
        try issues.throwIfAny()
        // Answers to questions the branching hides are dropped; the questions it shows must be answered when required.
        for question in survey.definition.questions where answers[question.id] != nil && !survey.definition.isShown(question, answers: answers) {
            answers[question.id] = nil
        }
        for question in survey.definition.questions where question.required && answers[question.id] == nil && survey.definition.isShown(question, answers: answers) {
            issues.add(FieldIssue(field: "answers.\(question.id)", issue: .missing, hint: "This question needs an answer."))
        }
        var channel = Channel.web
        if let channelText {
            if let valid = issues.check({ () throws(ValidationError) in try Channel.validate(channelText, field: "channel") }) { channel = valid }
        }
        for (field, value) in [("touchpoint", touchpoint), ("orderId", orderReference)] {
            if let value, value.isEmpty || value.count > 100 || value.contains(where: { $0.isNewline || $0 == "\t" }) {
                issues.add(FieldIssue(field: field, issue: .invalid, hint: "At most 100 characters on one line, e.g. checkout or the order's id."))
            }
        }
        try issues.throwIfAny()
        try await Administration.requireKnownChannel(channel, field: "channel", in: workspace, store: store)
        let candidates = [userID.flatMap { Identifier.normalised(kind: .userID, $0) }, anonymousID.flatMap { Identifier.normalised(kind: .anonymousID, $0) }].compactMap { $0 }
        let owners = try await store.owners(of: candidates, in: workspace)
        let profile = candidates.lazy.compactMap { owners[$0] }.first
        let now = clock.now()
        let response = SurveyResponse(id: id, workspaceID: workspace, surveyID: survey.id, profileID: profile, invitationID: nil,
                                      language: SurveyDefinition.languages.contains(language) ? language : survey.definition.defaultLanguage,
                                      answers: answers, channel: channel, complete: true, startedAt: now, updatedAt: now, completedAt: now,
                                      touchpoint: touchpoint, orderReference: orderReference)
        // The answer and the alerts it raises are kept in one transaction: acknowledged means both are stored.
        let alerts = try await FeedbackAlerts(store: store, clock: clock).alerts(for: response, of: survey)
        // Stored with the answers that arrive at the same moment, in one transaction with its counts and alerts; the
        // text is read in the background (ResponseReading.readWaiting), so a burst of answers never waits for it.
        let hasText = response.answers.values.contains { if case .text = $0 { true } else { false } }
        // The case the widget's prompt named: its customer's answers count as the case's CSAT/CES (another's case is left alone).
        let item = NewResponse(response: response, tokenHash: Secrets.tokenHash(Secrets.randomToken(byteCount: 16)), alerts: alerts, unread: hasText,
                               caseScore: CaseScore(caseID: caseID, answers: answers, of: survey.definition))
        if try await batcher.store(item) { return (response, false) }
        // The same retry arrived twice at once: the first one stored is the answer.
        guard let first = try await store.response(id: id, in: workspace), first.surveyID == survey.id else {
            throw ValidationError(field: "responseId", issue: .invalid, hint: "This id names a response to another survey. Send a new id for each response.")
        }
        return (first, true)
    }

    /// Whether a survey may be shown to this visitor: anyone when anonymous; a known customer only with consent to surveys.
    /// The response id a client's key stands for: the key itself when it is a response id (a UUID), else a UUID made
    /// from the SHA-256 of the survey and the key, so the same key on the same survey always names the same response.
    public static func responseID(for key: String, survey: SurveyID) -> SurveyResponseID {
        if let id = SurveyResponseID(key.lowercased()) { return id }
        var bytes = Array(SHA256.hash(data: Data("\(survey.rawValue)|\(key)".utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0f) | 0x80  // version 8: made by the application
        bytes[8] = (bytes[8] & 0x3f) | 0x80  // RFC 9562 variant
        let uuid = UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                               bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
        return SurveyResponseID(rawValue: uuid.uuidString.lowercased())
    }

    public func mayShow(token: String, workspace: WorkspaceID, userID: String?) async throws -> Survey? {
        guard let survey = try await store.survey(token: token), survey.workspaceID == workspace, survey.status == .published else { return nil }
        guard let userID, let identifier = Identifier.normalised(kind: .userID, userID),
              let profile = try await store.owners(of: [identifier], in: workspace)[identifier] else { return survey }
        return try await ConsentLedger(store: store, clock: clock).hasConsented(profile, to: .surveys, in: workspace) ? survey : nil
    }

    /// The invitation behind a personal link, answered or not, expired or not (for withdrawing consent with it).
    public func invitation(_ token: String) async throws -> SurveyInvitation? {
        guard token.count <= 100 else { return nil }
        return try await store.invitation(tokenHash: Secrets.tokenHash(token))
    }

    /// The link every invitation carries: its customer withdraws consent to surveys (recorded in the ledger, by the link).
    public func withdrawSurveyConsent(for invitation: SurveyInvitation) async throws {
        let now = clock.now()
        try await store.transaction { tx in
            let history = try await tx.consent(of: invitation.profileID, in: invitation.workspaceID)
            guard history.last(where: { $0.purpose == .surveys })?.status != .withdrawn else { return }
            try await tx.append(ConsentRecord(purpose: .surveys, status: .withdrawn, recordedAt: now, channel: .email, eventID: nil,
                                              recordedBy: "survey-invitation:\(invitation.id)", legalBasis: "Withdrawn with the link in a survey invitation"),
                                to: invitation.profileID, in: invitation.workspaceID)
        }
    }

    /// The first question still to be shown, given the answers so far (nil: nothing left to ask).
    public static func nextQuestion(of definition: SurveyDefinition, after answers: [String: SurveyAnswer], skipping current: String? = nil) -> SurveyDefinition.Question? {
        var passed = current == nil
        for question in definition.questions {
            if !passed { passed = question.id == current; continue }
            if answers[question.id] == nil, definition.isShown(question, answers: answers) { return question }
        }
        return nil
    }

    /// Reads one question's answer from the page's form fields: `answer` (one value), or `answer` repeated (multiple
    /// choice), or `rank.<option>` positions (ranking). Nil when left empty; a problem names the fix.
    public static func answer(to question: SurveyDefinition.Question, values: [String], ranks: [String: String]) throws(ValidationError) -> SurveyAnswer? {
        let given = values.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        let optionIDs = (question.options ?? []).map(\.id)
        switch question.type {
        case .nps, .csat, .ces, .rating:
            guard let text = given.first else { return nil }
            guard let value = Int(text), let range = question.range, range.contains(value) else {
                throw ValidationError(field: question.id, issue: .invalid, hint: "Choose a number from \(question.range?.lowerBound ?? 0) to \(question.range?.upperBound ?? 10).")
            }
            return .number(value)
        case .singleChoice:
            guard let choice = given.first else { return nil }
            guard given.count == 1, optionIDs.contains(choice) else { throw ValidationError(field: question.id, issue: .invalid, hint: "Choose one of the options.") }
            return .choices([choice])
        case .multipleChoice:
            guard !given.isEmpty else { return nil }
            guard given.allSatisfy(optionIDs.contains) else { throw ValidationError(field: question.id, issue: .invalid, hint: "Choose among the options.") }
            return .choices(optionIDs.filter(given.contains))
        case .ranking:
            let positions = optionIDs.compactMap { id in ranks[id].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }.map { (id, $0) } }
            guard !positions.isEmpty else { return nil }
            guard positions.count == optionIDs.count, Set(positions.map(\.1)) == Set(1...optionIDs.count) else {
                throw ValidationError(field: question.id, issue: .invalid, hint: "Give every option its own place, from 1 to \(optionIDs.count).")
            }
            return .choices(positions.sorted { $0.1 < $1.1 }.map(\.0))
        case .text:
            guard let text = given.first else { return nil }
            guard text.count <= 5_000 else { throw ValidationError(field: question.id, issue: .tooLong(limit: 5_000), hint: "Use at most 5000 characters.") }
            return .text(text)
        case .consent:
            guard let choice = given.first else { return nil }
            guard choice == "yes" || choice == "no" else { throw ValidationError(field: question.id, issue: .invalid, hint: "Answer yes or no.") }
            return .consent(choice == "yes")
        }
    }

    /// A respondent's hold on the response they are making: handed out with the first question, sent back with every
    /// answer.
    public static func newResponseToken() -> String { Secrets.randomToken(byteCount: 16) }

    static func isResponseToken(_ token: String) -> Bool {
        (22...100).contains(token.count) && token.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
    }

    /// Records the answer to `question` (nil: skipped, allowed when it is optional) and says what comes next. The
    /// response is made on the first answer; `responseToken` is the respondent's hold on it (new when nil).
    public func answer(_ answer: SurveyAnswer?, to questionID: String, in visit: Visit, responseToken: String?, language: String) async throws
        -> (response: SurveyResponse, token: String, next: SurveyDefinition.Question?) {
        let survey = visit.survey
        guard let question = survey.definition.questions.first(where: { $0.id == questionID }) else {
            throw ValidationError(field: "question", issue: .unknownValue(allowed: []), hint: "The page is out of date; open the link again.")
        }
        if answer == nil, question.required {
            throw ValidationError(field: question.id, issue: .missing, hint: "This question needs an answer.")
        }
        let now = clock.now()
        var response: SurveyResponse
        var token = responseToken ?? ""
        var heldByToken: SurveyResponse?
        if let responseToken { heldByToken = try await store.response(tokenHash: Secrets.tokenHash(responseToken)) }
        if let held = visit.response {
            response = held
        } else if let responseToken, let held = heldByToken, held.surveyID == survey.id, held.invitationID == visit.invitation?.id {
            // A hold belongs to the link it was handed out on: a personal link's response is never continued from the
            // public link (or another person's link) with its r value.
            // The respondent's page sends the same hold again after a time-out or a second click: a finished response
            // answers as it did the first time and stores nothing more.
            if held.complete { return (held, responseToken, nil) }
            response = held
        } else {
            // The page hands out the hold before the first answer (``newResponseToken()``), so a retry of that first
            // answer finds the response it made instead of making a second; a hold too short to be unguessable, or
            // one that holds another link's response, is replaced.
            token = responseToken.flatMap { Self.isResponseToken($0) && heldByToken == nil ? $0 : nil } ?? Self.newResponseToken()
            response = SurveyResponse(id: .generate(), workspaceID: survey.workspaceID, surveyID: survey.id, profileID: visit.invitation?.profileID,
                                      invitationID: visit.invitation?.id, language: language, answers: [:], complete: false, startedAt: now, updatedAt: now, completedAt: nil,
                                      touchpoint: visit.invitation?.touchpoint, orderReference: visit.invitation?.orderReference)
        }
        response.answers[question.id] = answer
        // Answers to questions no longer shown (an earlier answer changed) are dropped.
        for other in survey.definition.questions where response.answers[other.id] != nil && !survey.definition.isShown(other, answers: response.answers) {
            response.answers[other.id] = nil
        }
        response.language = language
        response.updatedAt = now
        let next = Self.nextQuestion(of: survey.definition, after: response.answers, skipping: question.id)
        if next == nil {
            response.complete = true
            response.completedAt = now
        }
        // A response already stored keeps its token hash (a personal link's is found by its invitation).
        // The answer, the alerts it raises and a consent statement it makes are kept in one transaction: nothing after
        // the commit can turn a stored answer into an error.
        let alerts = try await FeedbackAlerts(store: store, clock: clock).alerts(for: response, of: survey, questions: [question.id])
        var consent: ConsentRecord?
        if case .consent(let granted)? = answer, response.profileID != nil, let purpose = question.purpose.flatMap({ try? ConsentPurpose.validate($0) }) {
            consent = ConsentRecord(purpose: purpose, status: granted ? .granted : .denied, recordedAt: now, channel: nil, eventID: nil,
                                    recordedBy: "survey:\(survey.id)", legalBasis: "Answered in survey \(survey.name)")
        }
        // An invitation sent because a case was solved: the CSAT/CES answers are the case's (kept on it for the report).
        try await ResponseReading(store: store).save(response, tokenHash: Secrets.tokenHash(token), raising: alerts, recording: consent,
                                                     scoring: CaseScore(caseID: visit.invitation?.caseID, answers: response.answers, of: survey.definition))
        return (response, token, next)
    }
}

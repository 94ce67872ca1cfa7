import CairnEngine
import Foundation
import NIOHTTP1

/// How customers and employees answer: the app's widget after a delivery or a solved case, personal links on the
/// survey pages for the relationship NPS and the values survey, and the pulse page for store teams.
extension DemoSimulation {
    /// Finds the profile ids of `indices` that are not known yet (the management API's lookup by user id).
    mutating func ensureProfiles(_ indices: [Int]) async throws {
        let missing = Array(Set(indices.filter { customers[$0].profileID == nil })).sorted()
        guard !missing.isEmpty else { return }
        let client = self.client, secret = DemoClient.Credential.secretKey(keys.secret)
        let users = missing.map { customers[$0].userID }
        let found = try await client.spread(collecting: users) { lane, user -> String? in
            let (status, answer) = try await client.send(lane: lane, .GET, "/api/v1/profiles/lookup?kind=user_id&value=\(DemoClient.queryEncode(user))", credential: secret)
            guard status == 200 else { return nil }
            let found = (try? JSONSerialization.jsonObject(with: answer)) as? [String: Any]
            return (found?["profile"] as? [String: Any])?["id"] as? String
        }
        for (index, profile) in zip(missing, found) { customers[index].profileID = profile }
    }

    // MARK: - Scores: the planted effects live here

    /// Post-delivery CSAT (1–5): a late parcel costs most of a point and a half (effect 1); the troubled store's
    /// customers are a little less content everywhere (effect 3).
    mutating func csat(_ customer: DemoCustomer, late: Bool) -> Int {
        var score = 4.2 + 0.4 * customer.loyalty + 0.55 * random.normal()
        if late { score -= 1.7 }
        if customer.isTroubledStore { score -= 0.9 }
        return min(5, max(1, Int(score.rounded())))
    }

    /// Relationship NPS (0–10): loyalty drives it (and buying and staying, effect 4); late parcels, a broken headlamp,
    /// the troubled store and a recent case pull it down.
    mutating func nps(_ customer: DemoCustomer, day: Int) -> Int {
        var score = 7.8 + 1.8 * customer.loyalty + 1.1 * random.normal()
        if customer.hadLate(within: 60, of: day) { score -= 2.3 }
        if customer.hadDefect(within: 45, of: day) { score -= 2.6 }
        if customer.isTroubledStore { score -= 1.8 }
        if customer.hadCase(within: 60, of: day) { score -= 0.5 }
        return min(10, max(0, Int(score.rounded())))
    }

    mutating func ces(_ customer: DemoCustomer, kind: DemoCasePlan.Kind) -> Int {
        var score = 5.5 + 0.35 * customer.loyalty + 0.9 * random.normal()
        if kind == .late { score -= 1.2 }
        if kind == .defect { score -= 0.8 }
        return min(7, max(1, Int(score.rounded())))
    }

    mutating func comment(_ kind: CommentKind, _ customer: DemoCustomer) -> String {
        random.pick(DemoText.comments(kind, customer.language))
    }

    mutating func npsComment(_ customer: DemoCustomer, score: Int, day: Int) -> String {
        if customer.hadDefect(within: 45, of: day), random.chance(0.8) { return comment(.productDefect, customer) }
        if customer.hadLate(within: 60, of: day), random.chance(0.7) { return comment(.deliveryLate, customer) }
        if customer.isTroubledStore, random.chance(0.6) { return comment(.storeStaffUnfriendly, customer) }
        if customer.values.first == "sustainability", random.chance(0.4) { return comment(.sustainability, customer) }
        switch score {
        case 9...: return comment(random.pick(customer.store == nil ? [.promoter, .qualityPraise] : [.promoter, .qualityPraise, .storeStaffFriendly]), customer)
        case 7...8: return comment(.passive, customer)
        default: return comment(.detractor, customer)
        }
    }

    // MARK: - The widget: surveys the triggers readied

    /// Customers who got a parcel today or whose case was solved yesterday open the app; the widget asks whether a
    /// survey waits for them and, if so, most answer it.
    mutating func answerPrompts(day: Int) async throws {
        struct Candidate: Sendable {
            var user: String, key: String, language: String, channel: String
            /// The answers as JSON text, for a delivery survey and for a case survey.
            var answers: String?
            var answersCase: String?
            var willAnswer: Bool
        }
        var candidates: [Candidate] = []
        let delivered = deliveredToday.removeValue(forKey: day) ?? []
        var seen = Set<Int>()
        for (index, reference) in delivered where seen.insert(index).inserted {
            let customer = customers[index]
            guard customer.churnedOn == nil, customer.consentsToSurveys else { continue }
            let late = orders[reference]?.late ?? false
            let score = csat(customer, late: late)
            var answers: [String: Any] = ["csat": score]
            if random.chance(0.55) {
                answers["why"] = late ? comment(.deliveryLate, customer) : score >= 4 ? comment(random.pick([.deliveryOnTime, .deliveryOnTime, .qualityPraise]), customer)
                    : comment(.passive, customer)
            }
            candidates.append(Candidate(user: customer.userID, key: customer.prefersApp ? keys.app : keys.web, language: customer.language.code,
                                        channel: customer.prefersApp ? "app" : "web", answers: Self.json(answers), answersCase: nil, willAnswer: random.chance(0.33)))
        }
        for index in Set(cesPrompts.removeValue(forKey: day) ?? []).sorted() where !seen.contains(index) {
            let customer = customers[index]
            guard customer.consentsToSurveys else { continue }
            let kind: DemoCasePlan.Kind = customer.hadDefect(within: 20, of: day) ? .defect : customer.hadLate(within: 15, of: day) ? .late : .question
            let score = ces(customer, kind: kind)
            var answers: [String: Any] = ["ces": score]
            if random.chance(0.5) {
                answers["why"] = kind == .defect && random.chance(0.6) ? comment(.productDefect, customer) : comment(score >= 5 ? .easyContact : .hardContact, customer)
            }
            candidates.append(Candidate(user: customer.userID, key: customer.prefersApp ? keys.app : keys.web, language: customer.language.code,
                                        channel: customer.prefersApp ? "app" : "web", answers: nil, answersCase: Self.json(answers), willAnswer: random.chance(0.52)))
        }
        let client = self.client
        let outcomes = try await client.spread(collecting: candidates) { lane, candidate -> Bool in
            let (status, answer) = try await client.send(lane: lane, .GET, "/v1/survey-prompt?writeKey=\(candidate.key)&userId=\(DemoClient.queryEncode(candidate.user))")
            guard status == 200, let prompt = (try? JSONSerialization.jsonObject(with: answer)) as? [String: Any], prompt["show"] as? Bool == true,
                  let token = prompt["survey"] as? String, candidate.willAnswer else { return false }
            // The prompt names the survey; the answers the customer gives are for the question it asks.
            let wantsCES = prompt["caseId"] != nil
            guard let text = wantsCES ? candidate.answersCase : candidate.answers,
                  let answers = try? JSONSerialization.jsonObject(with: Data(text.utf8)) else { return false }
            var body: [String: Any] = ["writeKey": candidate.key, "userId": candidate.user, "language": candidate.language, "channel": candidate.channel,
                                       "answers": answers, "responseId": UUID().uuidString.lowercased()]
            for field in ["touchpoint", "orderId", "caseId"] { if let value = prompt[field] { body[field] = value } }
            try await client.json(lane: lane, .POST, "/v1/surveys/\(token)/responses", credential: .none, body)
            return true
        }
        count("widgetAnswers", outcomes.filter { $0 }.count)
    }

    // MARK: - Personal links on the survey pages

    /// The relationship NPS asks each customer about once a quarter, the values survey once, a few weeks after they
    /// join; both by personal link, answered on the survey page one question at a time.
    /// A relationship-NPS or values invitation decided for today: who, and what they will answer (if they do).
    struct PageInvitation: Sendable {
        var survey: String
        var profile: String
        var language: String
        var answers: [String: [(String, String)]]
        var willAnswer: Bool
    }

    /// Decides today's invitations to the survey pages (who is asked, what they answer). Made before the day's
    /// traffic so that the answering runs beside it (``answer(_:client:secret:)``), on connections of its own.
    mutating func chooseInvitations(day: Int) async throws -> [PageInvitation] {
        var chosen: [(index: Int, survey: String)] = []
        for index in customers.indices {
            let customer = customers[index]
            guard customer.active(on: day), customer.consentsToSurveys, day > customer.joinDay else { continue }
            if day - customer.lastNPSAsked >= 90, random.chance(1.0 / 55) { chosen.append((index, "relationship_nps")) }
            if !customer.valuesAsked, day - customer.joinDay >= 14, random.chance(0.04) { chosen.append((index, "customer_values")) }
        }
        guard !chosen.isEmpty else { return [] }
        try await ensureProfiles(chosen.map(\.index))
        var invitations: [PageInvitation] = []
        for (index, survey) in chosen {
            guard let profile = customers[index].profileID else { continue }
            let customer = customers[index]
            var answers: [String: [(String, String)]] = [:]
            let willAnswer: Bool
            if survey == "relationship_nps" {
                customers[index].lastNPSAsked = day
                let score = nps(customer, day: day)
                answers["nps"] = [("answer", "\(score)")]
                answers["why"] = [("answer", random.chance(0.62) ? npsComment(customer, score: score, day: day) : "")]
                answers["improve"] = [("answer", score <= 6 && random.chance(0.4) ? comment(random.pick([.detractor, .hardContact]), customer) : "")]
                willAnswer = random.chance(0.42 + 0.08 * max(-1, min(1, customer.loyalty)))
            } else {
                customers[index].valuesAsked = true
                answers["values"] = customer.values.enumerated().map { ("rank.\($0.element)", "\($0.offset + 1)") }
                answers["why"] = [("answer", customer.values.first == "sustainability" && random.chance(0.5) ? comment(.sustainability, customer) : "")]
                willAnswer = random.chance(0.58)
            }
            invitations.append(PageInvitation(survey: surveyIDs[survey] ?? "", profile: profile, language: customer.language.code, answers: answers, willAnswer: willAnswer))
        }
        count("invitations", invitations.count)
        return invitations
    }

    /// Makes each invitation's personal link through the management API and answers those who will on the page;
    /// answers how many did.
    static func answer(_ invitations: [PageInvitation], client: DemoClient, secret: String) async throws -> Int {
        let credential = DemoClient.Credential.secretKey(secret)
        let answered = try await client.spread(collecting: invitations) { lane, invitation -> Bool in
            let made = try await client.json(lane: lane, .POST, "/api/v1/surveys/\(invitation.survey)/invitations", credential: credential,
                                             ["profileId": invitation.profile, "expiresInDays": 14])
            guard invitation.willAnswer, let link = made["link"] as? String, let range = link.range(of: "/s/") else { return false }
            return try await DemoSimulation.answerOnPage(client: client, lane: lane, path: String(link[range.lowerBound...]), language: invitation.language,
                                                         answers: invitation.answers)
        }
        return answered.filter { $0 }.count
    }

    /// Walks a survey page as a browser does: the first question's page, then a form post per question (with the
    /// hold token the page hands out), until the thank-you page.
    static func answerOnPage(client: DemoClient, lane: Int, path: String, language: String, answers: [String: [(String, String)]]) async throws -> Bool {
        var (status, html) = try await client.page(lane: lane, "\(path)?lang=\(language)")
        guard status == 200 else { return false }
        for _ in 0..<10 {
            guard let question = field(html, "question") else { return true }
            var fields = [("question", question), ("r", field(html, "r") ?? ""), ("lang", language), ("website", "")]
            fields += answers[question] ?? [("answer", "")]
            (status, html) = try await client.form(lane: lane, path, fields)
            guard status == 200 else { return false }
        }
        return false
    }

    /// The value of a hidden form field on a page.
    static func field(_ html: String, _ name: String) -> String? {
        guard let start = html.range(of: "name=\"\(name)\" value=\"") else { return nil }
        guard let end = html[start.upperBound...].firstIndex(of: "\"") else { return nil }
        return String(html[start.upperBound..<end])
    }

    // MARK: - Store teams

    /// A pulse each quarter; each employee's link is answered on the pulse page within ten days by most of them. The
    /// troubled store's team is unhappy (effect 3).
    mutating func runPulses(day: Int) async throws {
        if day >= 40, (day - 40) % 91 == 0 {
            let name = "Pulse " + date(day).formatted(.dateTime.year().month(.abbreviated).locale(Locale(identifier: "en_US_POSIX")))
            let made = try await client.json(.POST, "/api/v1/pulses", credential: .secretKey(keys.secret), ["name": name, "days": 14])
            for link in made["links"] as? [[String: Any]] ?? [] {
                guard let path = link["path"] as? String, let employee = link["employeeId"] as? String, let store = employeeStores[employee],
                      random.chance(0.86) else { continue }
                pulseAnswers[day + random.int(0...9), default: []].append((path, store, DemoWorld.stores[store].language))
            }
            count("pulses")
        }
        guard let due = pulseAnswers.removeValue(forKey: day) else { return }
        var forms: [(path: String, fields: [(String, String)])] = []
        for answer in due {
            let troubled = DemoWorld.stores[answer.store].code == DemoWorld.troubledStore
            let score = min(10, max(0, Int(((troubled ? 4.6 : 8.4) + (troubled ? 1.8 : 1.4) * random.normal()).rounded())))
            var comment = ""
            if random.chance(0.45) {
                comment = random.pick(DemoText.comments(score >= 8 ? .pulseGood : score <= 6 ? .pulseBad : random.pick([.pulseGood, .pulseBad]), answer.language))
            }
            let path = answer.path.hasPrefix("/") ? answer.path : "/" + answer.path
            forms.append((path, [("score", "\(score)"), ("comment", comment), ("lang", answer.language.code)]))
        }
        let client = self.client
        try await client.spread(forms.map { PulseForm(path: $0.path, fields: $0.fields) }) { lane, form in
            let (status, body) = try await client.form(lane: lane, form.path, form.fields)
            guard status == 200 else { throw DemoRequestFailure(method: "POST", path: "/pulse/…", status: status, body: body) }
        }
        count("pulseAnswers", forms.count)
    }
}

struct PulseForm: Sendable {
    var path: String
    var fields: [(String, String)]
}

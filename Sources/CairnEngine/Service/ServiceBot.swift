public import CairnAnalytics
public import CairnCore
public import CairnStore
public import Foundation

/// What a bot knows when it answers: the workspace, the customer when a signed identity token verified them, the
/// chat's language, and how often it already failed in this chat.
public struct BotContext: Sendable {
    public var workspace: WorkspaceID
    public var verifiedProfile: ProfileID?
    public var language: TextLanguage
    public var failures: Int
    public var handoverTopics: [String]

    public init(workspace: WorkspaceID, verifiedProfile: ProfileID?, language: TextLanguage, failures: Int, handoverTopics: [String] = []) {
        self.workspace = workspace
        self.verifiedProfile = verifiedProfile
        self.language = language
        self.failures = failures
        self.handoverTopics = handoverTopics
    }
}

/// A bot's answer: its text, how sure it is (0 … 1), a hand-over when it should pass the chat to a person, and what it
/// tried (for the agent who takes over).
public struct BotReply: Sendable, Hashable {
    public enum Intent: String, Sendable, Hashable { case person, orderStatus = "order_status", offers, article, unknown }
    public var text: String
    public var confidence: Double
    public var handover: HandoverReason?
    public var intent: Intent
    public var tried: [String]
    /// The article answered with, if any, and its title.
    public var articleID: KnowledgeArticleID?
    public var articleTitle: String?
}

/// The interface a bot implements. Cairn's own answers from the knowledge base and the customer's orders; a local
/// language model could implement it later without the chat changing.
public protocol ServiceBot: Sendable {
    func reply(to question: String, context: BotContext) async throws -> BotReply
}

/// Cairn's bot: hands over when asked ("human", "Mensch", "人工", "נציג", …) or when the customer is upset or names a
/// topic that always goes to a person; answers "where is my order?" from the verified customer's latest order and
/// parcel (never for an unverified visitor); suggests what to buy when asked (``Offers``); else answers from the knowledge base (``KnowledgeSearch``) in the chat's
/// language — saying so when it is unsure — and hands over when nothing fits.
public struct KnowledgeBot: ServiceBot {
    let store: Store
    let offers: Offers
    public let clock: DateSource

    public init(store: Store, clock: DateSource = .system, offers: Offers? = nil) {
        self.store = store
        self.clock = clock
        self.offers = offers ?? Offers(store: store, clock: clock)
    }

    /// Words that ask for a person, per language (matched in the lower-cased question).
    static let personWords: [TextLanguage: [String]] = [
        .en: ["human", "person", "agent", "someone real", "real person", "operator", "representative", "talk to someone"],
        .de: ["mensch", "mitarbeiter", "person", "berater", "jemanden sprechen", "echte person"],
        .zh: ["人工", "客服", "真人", "转人工"],
        .he: ["נציג", "נציגה", "בן אדם", "אדם אמיתי"],
    ]
    /// Phrases that ask where the customer's own order or parcel is (a word like "delivery" alone asks about delivery
    /// in general, which the knowledge base answers).
    static let orderWords: [TextLanguage: [String]] = [
        .en: ["where is my", "my order", "my parcel", "my package", "order status", "track my", "when will my"],
        .de: ["wo ist meine", "wo ist mein", "meine bestellung", "mein paket", "meine lieferung", "bestellstatus", "sendungsverfolgung", "kommt mein", "kommt meine"],
        .zh: ["我的订单", "我的包裹", "我的快递", "订单状态", "到哪"],
        .he: ["איפה ההזמנה", "ההזמנה שלי", "החבילה שלי", "המשלוח שלי", "סטטוס הזמנה", "איפה החבילה"],
    ]

    /// Phrases that ask for a suggestion of what to buy.
    static let offerWords: [TextLanguage: [String]] = [
        .en: ["recommend", "suggest", "what should i buy", "something for me", "offers for me", "any offers", "what else"],
        .de: ["empfehl", "vorschlag", "was soll ich kaufen", "angebote für mich", "angebot für mich", "etwas für mich"],
        .zh: ["推荐", "建议买", "买什么", "适合我"],
        .he: ["המלצ", "להמליץ", "תמליץ", "מה כדאי לקנות", "הצעות בשבילי", "משהו בשבילי"],
    ]

    /// The bot's sentences in each language.
    static let phrases: [String: [TextLanguage: String]] = [
        "person": [.en: "I'll get you a person.", .de: "Ich verbinde Sie mit einem Menschen.", .zh: "我为您转接人工客服。", .he: "אני מעביר אותך לנציג."],
        "upset": [.en: "I'm sorry about this. A person will take over.", .de: "Das tut mir leid. Ein Mensch übernimmt.", .zh: "非常抱歉。人工客服将为您处理。",
                  .he: "אני מצטער על כך. נציג ימשיך איתך."],
        "topic": [.en: "A person will help you with this.", .de: "Dabei hilft Ihnen ein Mensch.", .zh: "这个问题将由人工客服为您处理。", .he: "נציג יעזור לך בזה."],
        "unverified": [.en: "I can only look up orders for signed-in customers. A person will help you.",
                       .de: "Bestellungen kann ich nur für angemeldete Kund:innen nachsehen. Ein Mensch hilft Ihnen.",
                       .zh: "我只能为已登录的客户查询订单。人工客服将为您服务。", .he: "אני יכול לבדוק הזמנות רק ללקוחות מחוברים. נציג יעזור לך."],
        "no_order": [.en: "I can't find an order of yours. A person will help you.", .de: "Ich finde keine Bestellung von Ihnen. Ein Mensch hilft Ihnen.",
                     .zh: "我没有找到您的订单。人工客服将为您服务。", .he: "לא מצאתי הזמנה שלך. נציג יעזור לך."],
        "order": [.en: "Your order {reference} is {status}.", .de: "Ihre Bestellung {reference} ist {status}.", .zh: "您的订单 {reference} 状态：{status}。",
                  .he: "ההזמנה שלך {reference} במצב: {status}."],
        "parcel": [.en: " The parcel is with {carrier}: {status}.", .de: " Das Paket ist bei {carrier}: {status}.", .zh: " 包裹由 {carrier} 配送：{status}。",
                   .he: " החבילה אצל {carrier}: {status}."],
        "offers": [.en: "You might like: {items}.", .de: "Das könnte Ihnen gefallen: {items}.", .zh: "您可能会喜欢：{items}。", .he: "אולי יעניין אותך: {items}."],
        "offers_store": [.en: " Your nearest store is {store}.", .de: " Ihr nächster Laden ist {store}.", .zh: " 离您最近的门店是 {store}。", .he: " החנות הקרובה אליך: {store}."],
        "no_offers": [.en: "I have no suggestions yet. A person can help you choose.", .de: "Ich habe noch keine Vorschläge. Ein Mensch hilft Ihnen gern bei der Auswahl.",
                      .zh: "我暂时没有推荐。人工客服可以帮您挑选。", .he: "אין לי עדיין המלצות. נציג יוכל לעזור לך לבחור."],
        "unsure": [.en: "I'm not sure, but this may help: ", .de: "Ich bin nicht sicher, aber das könnte helfen: ", .zh: "我不太确定，但这可能有帮助：",
                   .he: "אני לא בטוח, אבל אולי זה יעזור: "],
        "rephrase": [.en: "I'm not sure I understood. Could you say it in other words?", .de: "Ich bin nicht sicher, ob ich Sie verstanden habe. Können Sie es anders sagen?",
                     .zh: "我不太确定是否理解了。能换种说法吗？", .he: "אני לא בטוח שהבנתי. אפשר לנסח אחרת?"],
        "give_up": [.en: "I can't answer this myself. A person will take over.", .de: "Das kann ich nicht selbst beantworten. Ein Mensch übernimmt.",
                    .zh: "这个问题我无法回答。人工客服将为您处理。", .he: "אני לא יכול לענות על זה בעצמי. נציג ימשיך איתך."],
    ]

    static func say(_ key: String, _ language: TextLanguage) -> String { phrases[key]?[language] ?? phrases[key]?[.en] ?? "" }

    /// Order and parcel statuses in words, per language.
    static let statusWords: [String: [TextLanguage: String]] = [
        "placed": [.en: "placed", .de: "aufgegeben", .zh: "已下单", .he: "התקבלה"], "paid": [.en: "paid", .de: "bezahlt", .zh: "已付款", .he: "שולמה"],
        "fulfilled": [.en: "on its way", .de: "unterwegs", .zh: "已发货", .he: "בדרך"], "delivered": [.en: "delivered", .de: "zugestellt", .zh: "已送达", .he: "נמסרה"],
        "cancelled": [.en: "cancelled", .de: "storniert", .zh: "已取消", .he: "בוטלה"], "label_created": [.en: "label created", .de: "Etikett erstellt", .zh: "已创建面单", .he: "נוצרה תווית"],
        "shipped": [.en: "shipped", .de: "versandt", .zh: "已发出", .he: "נשלחה"], "in_transit": [.en: "in transit", .de: "unterwegs", .zh: "运输中", .he: "בדרך"],
        "out_for_delivery": [.en: "out for delivery", .de: "in Zustellung", .zh: "派送中", .he: "יצאה למסירה"],
        "failed_attempt": [.en: "a delivery attempt failed", .de: "Zustellversuch gescheitert", .zh: "投递未成功", .he: "ניסיון מסירה נכשל"],
        "returned": [.en: "returned", .de: "zurückgesandt", .zh: "已退回", .he: "הוחזרה"],
    ]

    static func status(_ raw: String, _ language: TextLanguage) -> String { statusWords[raw]?[language] ?? statusWords[raw]?[.en] ?? raw.replacingOccurrences(of: "_", with: " ") }

    static func mentions(_ words: [TextLanguage: [String]]?, in lowered: String, language: TextLanguage) -> Bool {
        (words?[language] ?? []).contains { lowered.contains($0) }
    }

    public func reply(to question: String, context: BotContext) async throws -> BotReply {
        let language = context.language
        let lowered = question.lowercased()
        if Self.mentions(Self.personWords, in: lowered, language: language) || Self.mentions(Self.personWords, in: lowered, language: .en) {
            return BotReply(text: Self.say("person", language), confidence: 1, handover: .asked, intent: .person, tried: ["the customer asked for a person"])
        }
        let analysis = TextAnalysis.of(question, fallback: language)
        if let score = analysis.sentiment?.overall.score, score <= -0.6 {
            return BotReply(text: Self.say("upset", language), confidence: 1, handover: .sentiment, intent: .unknown, tried: ["sentiment \(String(format: "%.2f", score))"])
        }
        if let topic = analysis.topics.first(where: context.handoverTopics.contains) {
            return BotReply(text: Self.say("topic", language), confidence: 1, handover: .topic, intent: .unknown, tried: ["topic \(topic)"])
        }
        if Self.mentions(Self.orderWords, in: lowered, language: language) {
            guard let profile = context.verifiedProfile else {
                return BotReply(text: Self.say("unverified", language), confidence: 1, handover: .cannotHelp, intent: .orderStatus, tried: ["order status: visitor not verified"])
            }
            guard let order = try await store.orders(in: context.workspace, status: nil, profile: profile, after: nil, limit: 1).items.first else {
                return BotReply(text: Self.say("no_order", language), confidence: 1, handover: .cannotHelp, intent: .orderStatus, tried: ["order status: no order found"])
            }
            var text = Self.say("order", language).replacingOccurrences(of: "{reference}", with: order.reference)
                .replacingOccurrences(of: "{status}", with: Self.status(order.status.rawValue, language))
            if let parcel = try await store.shipments(ofOrders: [order.id], in: context.workspace).max(by: { $0.updatedAt < $1.updatedAt }) {
                text += Self.say("parcel", language).replacingOccurrences(of: "{carrier}", with: parcel.carrier)
                    .replacingOccurrences(of: "{status}", with: Self.status(parcel.status.rawValue, language))
            }
            return BotReply(text: text, confidence: 1, handover: nil, intent: .orderStatus, tried: ["order status of \(order.reference)"])
        }
        if Self.mentions(Self.offerWords, in: lowered, language: language) || Self.mentions(Self.offerWords, in: lowered, language: .en) {
            // A verified customer gets offers decided for them (consent read now, the decision recorded); a visitor
            // what everyone buys.
            let items: [(name: String, price: Money?)]
            var tried: [String]
            var nearest: String?
            if let profile = context.verifiedProfile {
                let decision = try await offers.decideForBot(profile: profile, k: 3, in: context.workspace)
                items = decision.items.map { ($0.name, $0.price) }
                nearest = decision.store.map { "\($0.name), \($0.city)" }
                tried = ["offer decision \(decision.id) (\(decision.personalised ? "personalised" : "not personalised: \(decision.consent)"))"]
            } else {
                items = try await offers.popular(k: 3, in: context.workspace).map { ($0.name, $0.price) }
                tried = ["offers: what all customers buy (visitor not verified)"]
            }
            guard !items.isEmpty else {
                return BotReply(text: Self.say("no_offers", language), confidence: 1, handover: nil, intent: .offers, tried: tried + ["no products bought yet"])
            }
            var text = Self.say("offers", language).replacingOccurrences(of: "{items}", with: items.map { item in
                item.price.map { "\(item.name) (\($0))" } ?? item.name
            }.joined(separator: language == .zh ? "、" : ", "))
            if let nearest { text += Self.say("offers_store", language).replacingOccurrences(of: "{store}", with: nearest) }
            return BotReply(text: text, confidence: 1, handover: nil, intent: .offers, tried: tried)
        }
        let articles = try await store.articles(in: context.workspace)
        let search = KnowledgeSearch(articles.compactMap { article in
            TextLanguage(rawValue: article.language).map { KnowledgeSearch.Document(id: article.id.rawValue, language: $0, title: article.title, body: article.body) }
        })
        let hits = search.search(question, language: language)
        let tried = hits.compactMap { hit in articles.first { $0.id.rawValue == hit.id }.map { "article \"\($0.title)\" (\(Int(hit.coverage * 100)) %)" } }
        if let best = hits.first, let article = articles.first(where: { $0.id.rawValue == best.id }), best.coverage >= 0.34 {
            let sure = best.coverage >= 0.6
            let text = (sure ? "" : Self.say("unsure", language)) + "\(article.title): \(article.summary)"
            return BotReply(text: text, confidence: best.coverage, handover: nil, intent: .article, tried: tried, articleID: article.id, articleTitle: article.title)
        }
        if context.failures >= 1 {
            return BotReply(text: Self.say("give_up", language), confidence: hits.first?.coverage ?? 0, handover: .lowConfidence, intent: .unknown,
                            tried: tried.isEmpty ? ["no article matched"] : tried)
        }
        return BotReply(text: Self.say("rephrase", language), confidence: hits.first?.coverage ?? 0, handover: nil, intent: .unknown,
                        tried: tried.isEmpty ? ["no article matched"] : tried)
    }
}

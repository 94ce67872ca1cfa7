import Foundation

/// A theme customers write about, found by its keywords in each language.
public struct Topic: Sendable, Hashable, Identifiable {
    public let id: String
    /// Keywords per language. English ones match a word that starts with them ("deliver" finds "delivered"); German
    /// ones of five letters or more match inside a word too, for compounds ("erstatt" finds "Rückerstattung"), shorter
    /// ones its start; Hebrew ones match a word that ends with them after the one-letter prefixes
    /// ו ה ב ל מ ש כ ("והמשלוח" finds "משלוח"); Chinese ones match anywhere in the text. Keywords with a space match as
    /// a phrase.
    public let keywords: [TextLanguage: [String]]

    public init(id: String, keywords: [TextLanguage: [String]]) {
        self.id = id
        self.keywords = keywords
    }

    /// The topics every workspace starts with.
    public static let standard: [Topic] = [
        Topic(id: "delivery", keywords: [
            .en: ["deliver", "shipping", "shipped", "shipment", "parcel", "package", "courier", "arriv", "tracking", "late", "delay", "dispatch"],
            .de: ["liefer", "geliefert", "versand", "verschickt", "paket", "zustell", "kurier", "verspät", "sendung", "angekommen"],
            .zh: ["配送", "快递", "物流", "送货", "发货", "到货", "包裹", "送到", "收到货"],
            .he: ["משלוח", "שליח", "חבילה", "הגיע", "איחור", "מסירה", "הגעה"],
        ]),
        Topic(id: "price", keywords: [
            .en: ["price", "pricing", "expensive", "cheap", "cost", "value for money", "overpriced", "discount", "fee"],
            .de: ["preis", "teuer", "billig", "günstig", "kosten", "rabatt", "gebühr"],
            .zh: ["价格", "价钱", "太贵", "很贵", "便宜", "性价比", "优惠"],
            .he: ["מחיר", "יקר", "זול", "הנחה", "עלות"],
        ]),
        Topic(id: "staff", keywords: [
            .en: ["staff", "agent", "support", "service", "employee", "rude", "friendly", "helpful", "cashier", "advisor"],
            .de: ["mitarbeiter", "personal", "service", "kundenservice", "freundlich", "unfreundlich", "hilfsbereit", "beratung", "verkäufer"],
            .zh: ["客服", "服务", "态度", "店员", "工作人员", "售后"],
            .he: ["שירות", "נציג", "צוות", "אדיב", "עובד", "מוכר"],
        ]),
        Topic(id: "quality", keywords: [
            .en: ["quality", "broken", "defect", "damaged", "faulty", "stopped working", "material", "cheaply made"],
            .de: ["qualität", "kaputt", "defekt", "beschädigt", "material", "verarbeitung", "funktioniert nicht"],
            .zh: ["质量", "做工", "坏了", "破损", "材料", "质量差"],
            .he: ["איכות", "שבור", "פגום", "תקלה", "חומר"],
        ]),
        Topic(id: "website", keywords: [
            .en: ["website", "web site", "app", "checkout", "login", "log in", "password", "page", "online shop"],
            .de: ["webseite", "website", "app", "internetseite", "bestellvorgang", "anmeldung", "passwort", "onlineshop", "online-shop"],
            .zh: ["网站", "页面", "登录", "下单", "软件", "网页"],
            .he: ["אתר", "אפליקציה", "התחברות", "סיסמה", "דף"],
        ]),
        Topic(id: "waiting", keywords: [
            .en: ["wait", "queue", "slow", "hold", "took forever", "hours"],
            .de: ["warte", "gewartet", "schlange", "langsam", "warteschleife", "stunden"],
            .zh: ["等待", "排队", "太慢", "很慢", "等了"],
            .he: ["המתנה", "חיכיתי", "תור", "איטי", "לחכות"],
        ]),
        Topic(id: "returns", keywords: [
            .en: ["return", "refund", "exchange", "money back"],
            .de: ["rückgabe", "retour", "erstatt", "zurückgeben", "zurückgeschickt", "umtausch", "geld zurück"],
            .zh: ["退货", "退款", "换货", "退钱"],
            .he: ["החזרה", "החזר", "זיכוי", "החלפה"],
        ]),
        Topic(id: "payment", keywords: [
            .en: ["payment", "pay", "paid", "card", "charged", "invoice", "billing"],
            .de: ["zahlung", "bezahl", "karte", "rechnung", "abgebucht"],
            .zh: ["付款", "支付", "发票", "扣款", "付钱"],
            .he: ["תשלום", "כרטיס", "חשבונית", "חיוב", "שילמתי"],
        ]),
    ]

    private static let hebrewPrefixes: Set<Character> = ["ו", "ה", "ב", "ל", "מ", "ש", "כ"]

    /// The endings an English keyword may take (plural, tenses, -y and -al nouns) and German inflections.
    private static let englishEndings: Set<String> = ["", "s", "es", "ed", "d", "ing", "e", "y", "ies", "ied", "al", "als", "ment", "ments", "ation", "ations"]
    private static let germanEndings: Set<String> = ["", "e", "en", "er", "es", "n", "s", "t", "te", "ten", "st", "ung", "ungen"]

    /// Phrases that use a topic's word for something else: a returning customer is not returning goods.
    private static let notMentions: [String: [TextLanguage: [String]]] = [
        "returns": [.en: ["returning customer", "returning customers", "return visit", "in return"]],
        "waiting": [.en: ["can't wait", "cannot wait", "can not wait"]],
    ]

    static func isInflection(_ word: String, of keyword: String, german: Bool = false) -> Bool {
        guard word.hasPrefix(keyword) else { return false }
        return (german ? germanEndings : englishEndings).contains(String(word.dropFirst(keyword.count)))
    }

    private static let germanVerbPrefixes: Set<String> = ["be", "emp", "ent", "er", "ge", "miss", "ver", "zer"]

    static func isCompoundPart(_ keyword: String, of word: String) -> Bool {
        if word.hasPrefix(keyword) { return true }
        var searchStart = word.startIndex
        while let range = word.range(of: keyword, range: searchStart..<word.endIndex) {
            let head = String(word[..<range.lowerBound]), tail = String(word[range.upperBound...])
            if germanEndings.contains(tail) && !germanVerbPrefixes.contains(head) { return true }
            searchStart = word.index(after: range.lowerBound)
        }
        return false
    }

    /// Whether the words, in order, contain the phrase's words (each matched as an inflection of the phrase's).
    static func containsPhrase(_ phrase: String, in words: [String]) -> Bool {
        let parts = phrase.split(separator: " ").map(String.init)
        guard !parts.isEmpty, words.count >= parts.count else { return false }
        for start in 0...(words.count - parts.count) where zip(words[start...], parts).allSatisfy({ $0 == $1 || isInflection($0, of: $1) }) {
            return true
        }
        return false
    }

    /// Whether a text in a language mentions this topic.
    public func isMentioned(in text: String, language: TextLanguage) -> Bool {
        isMentioned(in: text, lowered: text.lowercased(), words: Tokenizer.latinWords(text), language: language)
    }

    /// The same, with the text's lower-cased form and words already at hand (one tokenisation for every topic).
    func isMentioned(in text: String, lowered: String, words: [String], language: TextLanguage) -> Bool {
        guard let keywords = keywords[language], !keywords.isEmpty else { return false }
        switch language {
        case .zh:
            return keywords.contains { text.contains($0) }
        case .en:
            // A keyword is a word or a stem: it matches the word itself or the word with an inflection ("deliver" →
            // delivered, delivery; "arriv" → arrived, arrival), never a longer word that merely starts with it
            // ("late" ≠ later, "wait" ≠ waiter, "card" ≠ cardboard, "cost" ≠ costume).
            return keywords.contains { keyword in
                keyword.contains(" ") ? Self.containsPhrase(keyword, in: words) : words.contains { Self.isInflection($0, of: keyword) }
            } && !(Self.notMentions[id]?[language] ?? []).contains { Self.containsPhrase($0, in: words) }
        case .de:
            // German joins words: a keyword of five letters or more also matches as the first part of a compound
            // (Lieferzeit) or as its last part with an inflection (Kundenservice, Rückerstattung), but not behind a
            // verb prefix that makes another word ("warte" is not in erwartet).
            return keywords.contains { keyword in
                keyword.contains(" ") ? Self.containsPhrase(keyword, in: words) : words.contains { word in
                    keyword.count >= 5 ? Self.isCompoundPart(keyword, of: word) : keyword.count >= 4 ? Self.isInflection(word, of: keyword, german: true) : word == keyword
                }
            }
        case .he:
            return keywords.contains { keyword in
                keyword.contains(" ") ? text.contains(keyword) : words.contains { word in
                    word.hasSuffix(keyword) && word.dropLast(keyword.count).allSatisfy(Self.hebrewPrefixes.contains)
                }
            }
        }
    }
}

/// What a piece of text says, as far as CairnAnalytics can tell: its language, its sentiment (English, German and
/// Chinese; not Hebrew), the topics it mentions and its keywords.
public struct TextAnalysis: Sendable, Hashable {
    public let language: TextLanguage?
    public let sentiment: SentimentAnalysis?
    public let topics: [String]
    /// Each topic's sentiment, from the clauses that name it ("staff great, delivery awful": staff positive, delivery
    /// negative); empty without sentiment (Hebrew).
    public let topicSentiment: [String: SentimentScore]
    public let keywords: [String]

    /// Analyses a text; `fallback` is the language to assume when the text itself is too short to tell (usually the
    /// language the survey was shown in).
    public static func of(_ text: String, fallback: TextLanguage? = nil, topics: [Topic] = Topic.standard, keywordLimit: Int = 5) -> TextAnalysis {
        let language = LanguageDetector.detect(text) ?? (text.contains(where: \.isLetter) ? fallback : nil)
        guard let language else { return TextAnalysis(language: nil, sentiment: nil, topics: [], topicSentiment: [:], keywords: []) }
        let lowered = text.lowercased(), words = Tokenizer.latinWords(text)
        let found = topics.filter { $0.isMentioned(in: text, lowered: lowered, words: words, language: language) }.map(\.id)
        var counts: [String: Int] = [:]
        var order: [String] = []
        for word in Tokenizer.contentWords(text, language: language) {
            if counts[word] == nil { order.append(word) }
            counts[word, default: 0] += 1
        }
        let keywords = order.enumerated().sorted { a, b in
            let (ca, cb) = (counts[a.element]!, counts[b.element]!)
            return ca != cb ? ca > cb : a.offset < b.offset
        }.prefix(keywordLimit).map(\.element)
        let sentiment = Sentiment.analyse(text, language: language)
        var topicSentiment: [String: SentimentScore] = [:]
        if let sentiment, !found.isEmpty {
            let chosen = topics.filter { found.contains($0.id) }
            for topic in chosen {
                topicSentiment[topic.id] = Self.sentiment(of: topic, in: text, language: language, overall: sentiment)
            }
        }
        return TextAnalysis(language: language, sentiment: sentiment, topics: found, topicSentiment: topicSentiment, keywords: Array(keywords))
    }

    /// A topic's sentiment: the mean over the clauses that name it; when they say nothing either way ("the parcel
    /// came a week late, very disappointing"), over the sentences that name it; when those say nothing either, the
    /// text's.
    static func sentiment(of topic: Topic, in text: String, language: TextLanguage, overall: SentimentAnalysis) -> SentimentScore {
        func mentions(_ part: String) -> Bool {
            topic.isMentioned(in: part, lowered: part.lowercased(), words: Tokenizer.latinWords(part), language: language)
        }
        func mean(_ scores: [Double]) -> SentimentScore? {
            guard !scores.isEmpty else { return nil }
            let score = SentimentScore(score: scores.reduce(0, +) / Double(scores.count))
            return score.label == .neutral ? nil : score
        }
        var clauses: [Double] = []
        for sentence in Tokenizer.sentences(text) {
            for clause in Tokenizer.clauses(sentence, language: language) where mentions(clause) {
                if let score = Sentiment.score(clause, language: language) { clauses.append(score) }
            }
        }
        return mean(clauses) ?? mean(overall.sentences.filter { mentions($0.text) }.map(\.sentiment.score)) ?? overall.overall
    }
}

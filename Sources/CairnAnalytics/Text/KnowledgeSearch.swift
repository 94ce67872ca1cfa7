import Foundation

/// Finds the articles of a knowledge base that answer a question, in English, German, Chinese and Hebrew: Okapi BM25
/// (Robertson & Zaragoza, "The Probabilistic Relevance Framework: BM25 and Beyond", 2009; k1 = 1.2, b = 0.75) over
/// the words of each article's title (counted twice) and body. Words are the language's content words (Chinese:
/// character bigrams); English and German words are cut to a light stem (plural and common endings); a Hebrew word
/// counts as itself and as each form without its leading one-letter prefixes ו ה ב ל מ ש כ (which may also be root
/// letters, so both are kept); a German stem of five letters or more also matches inside a compound ("liefer" finds
/// "Lieferzeiten"). So "orders" finds "order", "Bestellungen" finds "Bestellung" and "והמשלוח" finds "משלוח". Question
/// words ("when", "wie", "מתי", "什么", …) carry no subject and are left out of the question.
public struct KnowledgeSearch: Sendable {
    public struct Document: Sendable, Hashable {
        public var id: String
        public var language: TextLanguage
        public var title: String
        public var body: String
        public init(id: String, language: TextLanguage, title: String, body: String) {
            self.id = id
            self.language = language
            self.title = title
            self.body = body
        }
    }

    public struct Hit: Sendable, Hashable {
        public var id: String
        public var score: Double
        /// The share of the question's distinct words that the article contains (0 … 1): how sure the match is.
        public var coverage: Double
    }

    struct Indexed: Sendable {
        var id: String
        var language: TextLanguage
        var terms: [String: Int]
        var length: Int
    }

    let documents: [Indexed]
    let documentFrequency: [TextLanguage: [String: Int]]
    let averageLength: [TextLanguage: Double]

    public init(_ documents: [Document]) {
        var indexed: [Indexed] = []
        var frequency: [TextLanguage: [String: Int]] = [:]
        var lengths: [TextLanguage: [Int]] = [:]
        for document in documents {
            let words = Self.terms(document.title, document.language) + Self.terms(document.title, document.language) + Self.terms(document.body, document.language)
            var counts: [String: Int] = [:]
            for word in words { for form in Self.forms(word, document.language) { counts[form, default: 0] += 1 } }
            indexed.append(Indexed(id: document.id, language: document.language, terms: counts, length: words.count))
            for word in counts.keys { frequency[document.language, default: [:]][word, default: 0] += 1 }
            lengths[document.language, default: []].append(words.count)
        }
        self.documents = indexed
        self.documentFrequency = frequency
        self.averageLength = lengths.mapValues { Double($0.reduce(0, +)) / Double(max(1, $0.count)) }
    }

    /// The forms a Hebrew word is indexed and searched by: itself and each form without a leading prefix letter (while
    /// three letters or more remain). Other languages: the word itself.
    static func forms(_ word: String, _ language: TextLanguage) -> [String] {
        guard language == .he else { return [word] }
        var forms = [word], stem = Substring(word)
        while stem.count > 3, let first = stem.first, "והבלמשכ".contains(first) {
            stem = stem.dropFirst()
            forms.append(String(stem))
        }
        return forms
    }

    /// Words that ask rather than name a subject.
    static let questionWords: [TextLanguage: Set<String>] = [
        .en: ["how", "what", "when", "where", "why", "which", "who", "can", "does", "do", "is", "are", "will", "much", "long", "please", "need", "want", "get", "have"],
        .de: ["wie", "was", "wann", "wo", "warum", "welche", "welcher", "welches", "kann", "können", "gibt", "per", "bitte", "lange", "viel", "bekomm", "finde", "hab"],
        .he: ["מתי", "איך", "מה", "איפה", "כמה", "למה", "האם", "אפשר", "אילו", "איזה", "בבקשה", "יש"],
        .zh: ["什么", "怎么", "怎样", "多少", "多久", "哪些", "哪里", "为什", "么时", "时候", "可以"],
    ]
    /// The terms a text is searched by.
    public static func terms(_ text: String, _ language: TextLanguage) -> [String] {
        let words = Tokenizer.contentWords(text, language: language)
        switch language {
        case .en: return words.map(englishStem)
        case .de: return words.map(germanStem)
        case .he: return words.map(hebrewStem)
        case .zh: return words
        }
    }

    static func englishStem(_ word: String) -> String {
        for suffix in ["ing", "ed", "es", "s"] where word.count > suffix.count + 3 && word.hasSuffix(suffix) { return String(word.dropLast(suffix.count)) }
        return word
    }

    static func germanStem(_ word: String) -> String {
        let folded = word.replacingOccurrences(of: "ß", with: "ss")
        for suffix in ["ungen", "ung", "en", "er", "es", "e", "n", "s"] where folded.count > suffix.count + 3 && folded.hasSuffix(suffix) {
            return String(folded.dropLast(suffix.count))
        }
        return folded
    }

    static func hebrewStem(_ word: String) -> String { word }

    /// The articles in `language` that match the question, best first.
    public func search(_ question: String, language: TextLanguage, limit: Int = 3) -> [Hit] {
        let asking = Self.questionWords[language] ?? []
        let query = Array(Set(Self.terms(question, language).filter { !asking.contains($0) }))
        guard !query.isEmpty else { return [] }
        let frequency = documentFrequency[language] ?? [:]
        let count = Double(documents.filter { $0.language == language }.count)
        let average = averageLength[language] ?? 1
        var hits: [Hit] = []
        for document in documents where document.language == language {
            var score = 0.0, found = 0
            for word in query {
                // The best of the word's forms; a German stem may also sit inside a compound.
                var best = 0.0
                var candidates = Self.forms(word, language).filter { document.terms[$0] != nil }
                if candidates.isEmpty, language == .de, word.count >= 5 { candidates = document.terms.keys.filter { $0.count > word.count && $0.contains(word) } }
                for term in candidates {
                    guard let tf = document.terms[term] else { continue }
                    let df = Double(frequency[term] ?? 0)
                    let idf = log(1 + (count - df + 0.5) / (df + 0.5))
                    let t = Double(tf)
                    best = max(best, idf * t * 2.2 / (t + 1.2 * (0.25 + 0.75 * Double(document.length) / average)))
                }
                if best > 0 { found += 1; score += best }
            }
            if score > 0 { hits.append(Hit(id: document.id, score: score, coverage: Double(found) / Double(query.count))) }
        }
        return Array(hits.sorted { $0.score > $1.score }.prefix(limit))
    }
}

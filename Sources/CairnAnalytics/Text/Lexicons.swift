import Foundation

/// The word lists CairnAnalytics ships (origins and licences in Lexicons/SOURCES.md), read once on first use.
enum Lexicons {
    /// English valence, −4 to 4 (the VADER lexicon of Hutto & Gilbert, 2014).
    static let english: [String: Double] = readValues("en-valence.tsv", scale: 1)
    /// German polarity, −1 to 1 (the German Polarity Lexicon of Klenner, Clematide, Wiegand and Peters, 2010), put on
    /// the English scale.
    static let german: [String: Double] = readValues("de-polarity.tsv", scale: 3)
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

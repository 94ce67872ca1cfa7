import CairnAnalytics
import CairnCore
import Foundation

/// What the free-text answers of a response say (CairnAnalytics: language, sentiment, topics, keywords). Every way an
/// answer comes in — the page, the widget, an import, the re-reading of stored answers — reads it here, so all get the
/// same insights, kept with the response.
enum ResponseInsights {
    static func read(_ response: SurveyResponse, topics: [Topic] = Topic.standard) -> [String: TextInsight] {
        let fallback = TextLanguage(rawValue: response.language)
        var insights: [String: TextInsight] = [:]
        for (question, answer) in response.answers {
            guard case .text(let text) = answer, text.contains(where: \.isLetter) else { continue }
            let analysis = TextAnalysis.of(text, fallback: fallback, topics: topics)
            func rounded(_ value: Double) -> Double { (value * 1_000).rounded() / 1_000 }
            insights[question] = TextInsight(language: analysis.language?.rawValue, sentiment: analysis.sentiment.map { rounded($0.overall.score) },
                                             label: analysis.sentiment?.overall.label.rawValue,
                                             sentences: analysis.sentiment?.sentences.map { rounded($0.sentiment.score) } ?? [],
                                             topics: analysis.topics,
                                             topicSentiment: analysis.topicSentiment.isEmpty ? nil : analysis.topicSentiment.mapValues { rounded($0.score) },
                                             keywords: analysis.keywords)
        }
        return insights
    }
}

extension CustomTopic {
    /// The workspace's own topic as the text analysis matches it (keywords lowercased, per known language).
    var topic: Topic {
        Topic(id: id, keywords: Dictionary(uniqueKeysWithValues: keywords.compactMap { key, words in
            TextLanguage(rawValue: key).map { ($0, words.map { $0.lowercased() }) }
        }))
    }
}

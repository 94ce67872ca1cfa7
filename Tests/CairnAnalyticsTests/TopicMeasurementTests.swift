import Foundation
import Testing
@testable import CairnAnalytics

/// Topics, the sentiment per topic and the comment's sentiment measured on survey comments labelled by hand for this
/// project by a writer who never saw the keyword lists or lexicons (Fixtures/TOPICS-LABELLING.md): 230 English, 230
/// German, 120 Chinese and 120 Hebrew. The figures are printed for docs/feedback.md; the floors below sit a little
/// under what was measured, so a change that makes them worse fails here.
@Suite struct TopicMeasurementTests {
    struct Comment {
        var text: String
        /// topic → +, - or 0
        var topics: [String: Character]
        var sentiment: String
    }

    static func comments(_ language: TextLanguage) throws -> [Comment] {
        try TextAnalyticsTests.fixture("topics-\(language.rawValue).tsv").map { row in
            let topics = row[2].split(separator: ",").map { $0.split(separator: ":") }
            return Comment(text: row[1], topics: Dictionary(uniqueKeysWithValues: topics.map { (String($0[0]), $0[1].first!) }), sentiment: row[3])
        }
    }

    struct Measurement {
        var truePositives: [String: Int] = [:], falsePositives: [String: Int] = [:], falseNegatives: [String: Int] = [:]
        /// Topics labelled + or − that were found and given a label other than neutral: how many, and how many right.
        var topicSentimentLabelled = 0, topicSentimentRight = 0, topicSentimentFound = 0
        /// The same when every topic took the whole comment's label instead (what the clauses add).
        var wholeCommentLabelled = 0, wholeCommentRight = 0
        /// Comments labelled positive or negative: how many got a label other than neutral, and how many of those right.
        var clearComments = 0, commentsLabelled = 0, commentsRight = 0

        func precision(_ topic: String) -> Double? {
            let found = truePositives[topic, default: 0] + falsePositives[topic, default: 0]
            return found == 0 ? nil : Double(truePositives[topic, default: 0]) / Double(found)
        }
        func recall(_ topic: String) -> Double? {
            let labelled = truePositives[topic, default: 0] + falseNegatives[topic, default: 0]
            return labelled == 0 ? nil : Double(truePositives[topic, default: 0]) / Double(labelled)
        }
        var micro: (precision: Double, recall: Double) {
            let tp = Double(truePositives.values.reduce(0, +))
            return (tp / (tp + Double(falsePositives.values.reduce(0, +))), tp / (tp + Double(falseNegatives.values.reduce(0, +))))
        }
    }

    static func measure(_ language: TextLanguage) throws -> Measurement {
        var m = Measurement()
        for comment in try comments(language) {
            let analysis = TextAnalysis.of(comment.text, fallback: language)
            let found = Set(analysis.topics), labelled = Set(comment.topics.keys)
            for topic in found.intersection(labelled) { m.truePositives[topic, default: 0] += 1 }
            for topic in found.subtracting(labelled) { m.falsePositives[topic, default: 0] += 1 }
            for topic in labelled.subtracting(found) { m.falseNegatives[topic, default: 0] += 1 }
            for (topic, polarity) in comment.topics where polarity != "0" && found.contains(topic) && Sentiment.supports(language) {
                m.topicSentimentFound += 1
                if let whole = analysis.sentiment?.overall.label, whole != .neutral {
                    m.wholeCommentLabelled += 1
                    if (whole == .positive) == (polarity == "+") { m.wholeCommentRight += 1 }
                }
                guard let label = analysis.topicSentiment[topic]?.label, label != .neutral else { continue }
                m.topicSentimentLabelled += 1
                if (label == .positive) == (polarity == "+") { m.topicSentimentRight += 1 }
            }
            if comment.sentiment == "positive" || comment.sentiment == "negative", let label = analysis.sentiment?.overall.label {
                m.clearComments += 1
                if label != .neutral {
                    m.commentsLabelled += 1
                    if label.rawValue == comment.sentiment { m.commentsRight += 1 }
                }
            }
        }
        return m
    }

    static func percent(_ value: Double?) -> String { value.map { String(format: "%.0f %%", 100 * $0) } ?? "–" }

    @Test("Topic precision and recall, and sentiment per topic, on labelled survey comments", arguments: TextLanguage.allCases)
    func topicsOnLabelledComments(language: TextLanguage) throws {
        let m = try Self.measure(language)
        var lines = ["topics \(language.rawValue): micro precision \(Self.percent(m.micro.precision)), recall \(Self.percent(m.micro.recall))"]
        for topic in Topic.standard.map(\.id) {
            let labelled = m.truePositives[topic, default: 0] + m.falseNegatives[topic, default: 0]
            lines.append("  \(topic): labelled \(labelled), found \(m.truePositives[topic, default: 0] + m.falsePositives[topic, default: 0]), "
                         + "precision \(Self.percent(m.precision(topic))), recall \(Self.percent(m.recall(topic)))")
        }
        if Sentiment.supports(language) {
            lines.append("  sentiment per topic: \(m.topicSentimentFound) found topics labelled + or −, \(m.topicSentimentLabelled) given a label, "
                         + "\(m.topicSentimentRight) right (\(Self.percent(Double(m.topicSentimentRight) / Double(max(1, m.topicSentimentLabelled)))));"
                         + " with the whole comment's label instead \(m.wholeCommentLabelled) labelled, \(m.wholeCommentRight) right")
            lines.append("  comment sentiment: \(m.clearComments) comments labelled positive or negative, \(m.commentsLabelled) given a label, "
                         + "\(m.commentsRight) right (\(Self.percent(Double(m.commentsRight) / Double(max(1, m.commentsLabelled)))))")
        }
        print(lines.joined(separator: "\n"))
        // Measured 2026-12-05: micro precision / recall en 81 / 55 %, de 82 / 50 %, zh 87 / 56 %, he 80 / 54 %; the
        // topic's sentiment right for 75 % (en, 105 labelled), 70 % (de, 94), 69 % (zh, 71) of the found topics it labels.
        let floors: [TextLanguage: (precision: Double, recall: Double, topicSentiment: Double)] = [
            .en: (0.78, 0.52, 0.70), .de: (0.79, 0.47, 0.66), .zh: (0.83, 0.52, 0.65), .he: (0.76, 0.50, 0),
        ]
        let floor = floors[language]!
        #expect(m.micro.precision >= floor.precision && m.micro.recall >= floor.recall)
        #expect(Double(m.topicSentimentRight) >= floor.topicSentiment * Double(m.topicSentimentLabelled))
    }
}

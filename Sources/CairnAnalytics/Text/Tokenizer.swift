/// Splits text into words: letters and digits for Latin and Hebrew script; for Chinese, which is written without spaces,
/// every pair of neighbouring characters (the bigram segmentation search engines use for Chinese), so that words of two
/// characters — most Chinese words — are found without a dictionary.
public enum Tokenizer {
    /// Lower-cased words of a Latin-script text (apostrophes inside a word kept: "don't").
    public static func latinWords(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        for character in text.lowercased() {
            let character: Character = character == "\u{2019}" ? "'" : character
            if character.isLetter || character.isNumber || (character == "'" && !current.isEmpty) {
                current.append(character)
            } else if !current.isEmpty {
                words.append(current.hasSuffix("'") ? String(current.dropLast()) : current)
                current = ""
            }
        }
        if !current.isEmpty { words.append(current.hasSuffix("'") ? String(current.dropLast()) : current) }
        return words
    }

    /// Words of a text in a language, stopwords left out.
    public static func contentWords(_ text: String, language: TextLanguage) -> [String] {
        switch language {
        case .zh: return chineseBigrams(text).filter { !Lexicons.chineseStopwords.contains($0) && !$0.contains(where: Stopwords.chineseStopCharacters.contains) }
        case .en: return latinWords(text).filter { $0.count > 2 && !Stopwords.english.contains($0) && !$0.allSatisfy(\.isNumber) }
        case .de: return latinWords(text).filter { $0.count > 2 && !Stopwords.german.contains($0) && !$0.allSatisfy(\.isNumber) }
        case .he: return latinWords(text).filter { $0.count > 1 && !Stopwords.hebrew.contains($0) && !$0.allSatisfy(\.isNumber) }
        }
    }

    /// Each pair of neighbouring Chinese characters; a lone character between others is kept alone.
    public static func chineseBigrams(_ text: String) -> [String] {
        var tokens: [String] = []
        var run: [Character] = []
        func flush() {
            if run.count == 1 { tokens.append(String(run[0])) }
            if run.count > 1 { for index in 0..<(run.count - 1) { tokens.append(String(run[index...index + 1])) } }
            run = []
        }
        for character in text {
            if let scalar = character.unicodeScalars.first, (0x4E00...0x9FFF).contains(scalar.value) || (0x3400...0x4DBF).contains(scalar.value) {
                run.append(character)
            } else {
                flush()
            }
        }
        flush()
        return tokens
    }

    /// Words that open a new clause with another judgement ("…, but the delivery was late"); the split drops them.
    static let clauseOpeners: [TextLanguage: Set<String>] = [
        .en: ["but", "although", "though", "however", "whereas", "while", "yet", "except"],
        .de: ["aber", "jedoch", "allerdings", "dennoch", "trotzdem", "sondern", "obwohl", "während", "nur"],
        .he: ["אבל", "אך", "אולם", "למרות"],
    ]
    static let chineseClauseOpeners = ["但是", "可是", "不过", "然而", "但", "却"]

    /// Clauses of a sentence: split at a comma, semicolon, colon or dash followed by a space (not inside 19,99), at
    /// the Chinese commas (，、) and before a word such as but / aber / 但是 / אבל, which is left out.
    public static func clauses(_ sentence: String, language: TextLanguage) -> [String] {
        var clauses: [String] = []
        var current = ""
        var pendingBreak = false
        let characters = Array(sentence)
        var index = 0
        func close() {
            let trimmed = current.trimmingCharacters(in: .whitespaces)
            if trimmed.contains(where: \.isLetter) { clauses.append(trimmed) }
            current = ""
        }
        while index < characters.count {
            let character = characters[index]
            if language == .zh {
                if "，、,;；:：".contains(character) { close(); index += 1; continue }
                if let opener = chineseClauseOpeners.first(where: { characters[index...].starts(with: $0) }) {
                    close(); index += opener.count; continue
                }
                current.append(character); index += 1; continue
            }
            if ",;:–—-".contains(character) {
                let next = index + 1 < characters.count ? characters[index + 1] : " "
                if next.isWhitespace || character == "–" || character == "—" || character == ";" { pendingBreak = true; index += 1; continue }
            }
            if character.isWhitespace, pendingBreak { close(); pendingBreak = false }
            current.append(character)
            index += 1
        }
        close()
        // Before a clause opener: the opener starts a clause of its own and is left out.
        let openers = clauseOpeners[language] ?? []
        guard !openers.isEmpty else { return clauses }
        var split: [String] = []
        for clause in clauses {
            var part: [Substring] = []
            for word in clause.split(separator: " ", omittingEmptySubsequences: true) {
                let bare = word.lowercased().trimmingCharacters(in: CharacterSet.letters.inverted)
                if openers.contains(bare), !part.isEmpty {
                    split.append(part.joined(separator: " "))
                    part = []
                    continue
                }
                if openers.contains(bare), part.isEmpty { continue }
                part.append(word)
            }
            if part.contains(where: { $0.contains(where: \.isLetter) }) { split.append(part.joined(separator: " ")) }
        }
        return split
    }

    /// Sentences: split after . ! ? ; and their Chinese forms, and at line breaks.
    public static func sentences(_ text: String) -> [String] {
        var sentences: [String] = []
        var current = ""
        var closing = false
        for character in text {
            if character.isNewline {
                sentences.append(current); current = ""; closing = false
                continue
            }
            if closing && !".!?;。！？；".contains(character) {
                sentences.append(current); current = ""; closing = false
            }
            current.append(character)
            if ".!?;。！？；".contains(character) { closing = true }
        }
        sentences.append(current)
        return sentences.map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0.contains(where: { $0.isLetter }) }
    }
}

import Foundation

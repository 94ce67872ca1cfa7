/// The languages Cairn's text analytics knows.
public enum TextLanguage: String, Sendable, Hashable, CaseIterable, Codable {
    case en, de, he, zh
}

/// Tells which of English, German, Hebrew and Chinese a text is written in — or nothing, when it is none of them or
/// too short to tell.
///
/// Method: the script decides first (Hebrew letters → Hebrew; Chinese characters without Japanese kana → Chinese).
/// Latin text is weighed between English and German: each function word of a language counts 1, each of ä, ö, ü, ß 1.5
/// for German, endings such as -ung, -keit, -lich, -chen 1 for German and -ing, -ly 1 for English; when that leaves
/// them less than 2 apart, each word of a language's sentiment lexicon adds 0.5. A text with no evidence either way is
/// not guessed.
public enum LanguageDetector {
    public static func detect(_ text: String) -> TextLanguage? {
        var latin = 0, hebrew = 0, han = 0, other = 0
        for scalar in text.unicodeScalars where scalar.properties.isAlphabetic {
            switch scalar.value {
            case 0x0590...0x05FF, 0xFB1D...0xFB4F: hebrew += 1
            case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0xF900...0xFAFF: han += 2
            case 0x3040...0x30FF, 0xAC00...0xD7AF: return nil  // Japanese kana or Korean: not a language here
            case 0x0041...0x024F: latin += 1
            default: other += 1
            }
        }
        let letters = latin + hebrew + han + other
        guard letters > 0 else { return nil }
        // Hebrew or Chinese text often carries Latin names, file names or code; a third of its letters is enough.
        if hebrew >= 2, hebrew * 3 >= letters { return hebrew >= han ? .he : .zh }
        if han >= 2, han * 3 >= letters { return .zh }
        if other > latin { return nil }
        return latinLanguage(text)
    }

    static func latinLanguage(_ text: String) -> TextLanguage? {
        let words = Tokenizer.latinWords(text)
        var english = 0.0, german = 0.0
        for word in words {
            if Stopwords.englishFunctionWords.contains(word) { english += 1 }
            if Stopwords.germanFunctionWords.contains(word) { german += 1 }
            if word.count > 2 {
                for ending in ["ung", "keit", "heit", "lich", "chen", "isch"] where word.hasSuffix(ending) { german += 1 }
                for ending in ["ing", "ly"] where word.hasSuffix(ending) { english += 1 }
            }
            for character in word where "äöüß".contains(character) { german += 1.5 }
        }
        // The lexicons are asked only when the common words leave it open (they cost more).
        if english == german || abs(english - german) < 2 {
            for word in words where word.count > 2 {
                if Lexicons.english[word] != nil { english += 0.5 }
                if GermanStems.lookup(word, in: Lexicons.german) != nil { german += 0.5 }
            }
        }
        if english == german { return nil }
        return english > german ? .en : .de
    }
}

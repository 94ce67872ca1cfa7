/// Stopwords per language: words too common to say what a comment is about.
enum Stopwords {
    /// Words that say a Latin-script text is English (few of them are German words too): function words and a few
    /// everyday words of feedback (please, thanks, good). Interface words (enter, valid, delete…) that once stood here came
    /// from the detector's own evaluation set and were taken out.
    static let englishFunctionWords: Set<String> = Set([
        "the", "and", "is", "are", "were", "to", "of", "that", "it", "this", "for", "with", "you", "not", "have", "has", "be",
        "on", "at", "my", "your", "i", "we", "they", "but", "very", "it's", "don't", "can't", "won't", "didn't", "doesn't",
        "isn't", "wasn't", "will", "would", "please", "been", "or", "from", "by", "as", "all", "there", "what", "which",
        "when", "can", "if", "more", "me", "our", "their", "than", "too", "just", "did", "does", "do", "should", "could",
        "only", "a", "an", "no", "this", "these", "those", "here", "how", "why", "who", "about", "into", "out", "up",
        "one", "other", "some", "such", "any", "each", "may", "must", "its", "his", "her", "she", "he", "them", "you're",
        "i'm", "i've", "was", "got", "get", "like", "good", "great", "bad", "again", "never", "after", "before",
        "two", "three", "first", "yet", "thanks", "thank",
    ])
    /// Words that say a Latin-script text is German.
    static let germanFunctionWords: Set<String> = Set([
        "der", "die", "das", "und", "ist", "nicht", "ich", "sie", "es", "ein", "eine", "einen", "einem", "einer", "zu",
        "mit", "den", "dem", "des", "auf", "für", "von", "war", "sehr", "aber", "auch", "wir", "mir", "mich", "noch",
        "nur", "wie", "bei", "im", "am", "sind", "wurde", "wird", "werden", "kein", "keine", "dass", "schon", "hat",
        "haben", "oder", "als", "aus", "nach", "bitte", "diese", "dieser", "dieses", "alle", "gut", "danke", "können",
        "kann", "wenn", "man", "sich", "zum", "zur", "vom", "wurden", "hatte", "waren", "ihr", "ihre", "ihren", "mein",
        "meine", "dieser", "über", "unter", "zwischen", "durch", "gegen", "ohne", "wieder", "immer", "mehr", "viel",
        "sollte", "müssen", "muss", "wäre", "würde", "nichts", "etwas", "jetzt", "heute", "ganz", "leider", "hier",
        "da", "dann", "doch", "weil", "weiter", "eines", "welche", "welcher", "soll", "sein", "seine", "ihnen", "uns",
        "zwei", "drei", "einige", "seit", "bereits", "dort", "gerade", "lange",
    ])
    static let english: Set<String> = englishFunctionWords.union([
        "also", "am", "being", "because", "had", "having", "him", "himself", "herself", "itself", "myself", "ours",
        "ourselves", "yours", "yourself", "themselves", "then", "so", "same", "own", "off", "over", "under", "further",
        "once", "both", "few", "most", "nor", "through", "during", "while", "above", "below", "down", "in", "where",
        "whom", "until", "against", "between", "really", "still", "even", "much", "well", "way", "lot", "thing",
        "things", "make", "made", "went", "go", "going", "said", "say", "know", "think", "want", "need", "us", "im",
    ])
    static let german: Set<String> = germanFunctionWords.union([
        "an", "in", "so", "was", "wer", "wo", "ob", "also", "nun", "mal", "ja", "nein", "einfach", "gibt", "gab",
        "bin", "bist", "seid", "habe", "hast", "hatten", "wirklich", "sehr", "eigentlich", "dem", "denn", "deren",
        "dessen", "einige", "jede", "jeder", "jedes", "kann", "machen", "gemacht", "geht", "ging", "sagen", "gesagt",
    ])
    /// Hebrew function words (prepositions, pronouns, particles written as separate words).
    static let hebrew: Set<String> = Set([
        "של", "את", "על", "עם", "זה", "זו", "זאת", "הוא", "היא", "הם", "הן", "אני", "אנחנו", "אתה", "את", "אתם", "לא",
        "כן", "גם", "כי", "אם", "או", "אבל", "רק", "כל", "מה", "מי", "איך", "למה", "יש", "אין", "היה", "הייתה", "היו",
        "להיות", "אחרי", "לפני", "כמו", "עוד", "כבר", "מאוד", "אז", "שלי", "שלך", "שלו", "שלה", "לי", "לך", "לו", "לה",
        "אל", "מן", "בין", "עד", "אותו", "אותה", "אותי", "הזה", "הזאת", "האלה", "אלה", "אלו", "שם", "פה", "כאן",
    ])
    /// Chinese characters that carry grammar rather than meaning: a bigram containing one is not a keyword.
    static let chineseStopCharacters: Set<Character> = Set([
        "的", "了", "是", "在", "我", "你", "他", "她", "它", "们", "这", "那", "也", "就", "都", "和", "与", "很", "还",
        "吗", "呢", "吧", "啊", "个", "有", "没", "不", "说", "会", "要", "对", "把", "被", "给", "让", "到", "得", "着",
        "过", "一", "又", "才", "而", "但", "所", "以", "为", "么", "什", "怎", "其", "之", "于", "从", "自", "已", "经",
    ])
}

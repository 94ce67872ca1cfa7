/// Characters that let one text pose as another or hide what it says: control characters (a NUL ends a C string, so
/// "a-user-1\0evil" could land on a-user-1), and invisible formatting — zero-width characters and the bidi controls
/// that can reverse what a reader sees (U+202E). Identifiers refuse them all; traits' text refuses control
/// characters other than tab and line breaks; emails also fold look-alike forms (``Credentials/validateEmail``).
public enum TextSafety {
    /// C0 controls (tab and line breaks allowed when `allowingLineBreaks`), DEL and C1 controls.
    public static func hasControlCharacters(_ text: String, allowingLineBreaks: Bool = false) -> Bool {
        text.unicodeScalars.contains { scalar in
            switch scalar.value {
            case 0x09, 0x0A, 0x0D: !allowingLineBreaks
            case 0x00...0x1F, 0x7F...0x9F: true
            default: false
            }
        }
    }

    /// Zero-width characters, the soft hyphen, the byte-order mark and the bidi embedding, override and isolate
    /// controls.
    public static func hasInvisibleCharacters(_ text: String) -> Bool {
        text.unicodeScalars.contains { scalar in
            switch scalar.value {
            case 0x00AD, 0x034F, 0x061C, 0x115F, 0x1160, 0x180E, 0x200B...0x200F, 0x202A...0x202E, 0x2060...0x2064, 0x2066...0x2069, 0x3164, 0xFEFF, 0xFFA0: true
            default: false
            }
        }
    }

    /// Whether a text may serve as an identifier (user id, anonymous id, order id…): no control or invisible character.
    public static func isSafeIdentifier(_ text: String) -> Bool {
        !hasControlCharacters(text) && !hasInvisibleCharacters(text)
    }

    public static let identifierHint = "Remove control characters (such as NUL) and invisible ones (zero-width spaces, direction marks) from it."
}

import Foundation

/// The one CSV writer of every export (responses, units sold, the audit log, customer records): RFC 4180 quoting, and
/// a cell that a spreadsheet would run as a formula — one beginning with `=`, `+`, `-`, `@`, a tab or a carriage
/// return — is neutralised with a leading apostrophe (OWASP's advice), unless it is a plain number such as `-12.50`.
public enum CSVWriter {
    public static func field(_ text: String) -> String {
        quoted(neutralised(text))
    }

    public static func line(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",")
    }

    /// A line written back as it was read (an import's rejected rows, to fix and import again): quoted, not changed.
    public static func verbatimLine(_ fields: [String]) -> String {
        fields.map(quoted).joined(separator: ",")
    }

    static func neutralised(_ text: String) -> String {
        guard let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first), !isPlainNumber(text) else { return text }
        return "'" + text
    }

    static func isPlainNumber(_ text: String) -> Bool {
        var rest = Substring(text)
        if rest.first == "-" || rest.first == "+" { rest = rest.dropFirst() }
        let parts = rest.split(separator: ".", omittingEmptySubsequences: false)
        return (1...2).contains(parts.count) && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }
    }

    static func quoted(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

public import Foundation

/// An email as a mail server hands it over (RFC 5322 text with MIME parts), read for what a case needs: who wrote,
/// the subject, the text, and the Message-ID, In-Reply-To and References that thread it onto a case.
public struct InboundEmail: Sendable, Hashable {
    public var fromAddress: String
    public var fromName: String?
    public var subject: String
    /// The text the customer wrote: the plain-text part (else the HTML part without its tags), the quoted earlier
    /// conversation cut off.
    public var text: String
    public var messageID: String?
    public var inReplyTo: [String]
    public var references: [String]
    public var attachments: [CaseMessage.Attachment]

    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case noHeaders, noSender, tooLarge
        public var description: String {
            switch self {
            case .noHeaders: "The body is not an email: send the message as RFC 5322 text (headers, a blank line, the body)."
            case .noSender: "The email has no From address."
            case .tooLarge: "The email is larger than 10 MB."
            }
        }
    }

    public static let maximumSize = 10 << 20

    /// Reads an email; throws when it has no headers or no sender.
    public static func parse(_ data: Data) throws(ParseError) -> InboundEmail {
        guard data.count <= maximumSize else { throw .tooLarge }
        let raw = String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
        let (headers, body) = splitHeaders(raw)
        guard !headers.isEmpty else { throw .noHeaders }
        guard let from = header("from", in: headers), let sender = address(in: from) else { throw .noSender }
        var email = InboundEmail(fromAddress: sender.address, fromName: sender.name, subject: decodeWords(header("subject", in: headers) ?? ""), text: "",
                                 messageID: ids(in: header("message-id", in: headers) ?? "").first, inReplyTo: ids(in: header("in-reply-to", in: headers) ?? ""),
                                 references: ids(in: header("references", in: headers) ?? ""), attachments: [])
        var plain: String?, html: String?
        walk(headers: headers, body: body) { partHeaders, text, isAttachment in
            let type = (header("content-type", in: partHeaders) ?? "text/plain").lowercased()
            if isAttachment {
                let name = parameter("filename", in: header("content-disposition", in: partHeaders) ?? "") ?? parameter("name", in: header("content-type", in: partHeaders) ?? "") ?? "attachment"
                email.attachments.append(CaseMessage.Attachment(name: decodeWords(name), contentType: String(type.split(separator: ";").first ?? "application/octet-stream"),
                                                                size: decodedData(text, encoding: header("content-transfer-encoding", in: partHeaders)).count, url: nil))
            } else if type.hasPrefix("text/plain"), plain == nil {
                plain = decodedText(text, headers: partHeaders)
            } else if type.hasPrefix("text/html"), html == nil {
                html = decodedText(text, headers: partHeaders)
            }
        }
        email.text = withoutQuote(plain ?? html.map(strippingTags) ?? "")
        return email
    }

    // MARK: Headers

    /// Headers (unfolded, names lowercased, in order) and the body after the first blank line.
    static func splitHeaders(_ raw: String) -> ([(String, String)], String) {
        var headers: [(String, String)] = []
        var lines = raw.split(separator: "\n", omittingEmptySubsequences: false)[...]
        while let line = lines.first, !line.isEmpty {
            lines = lines.dropFirst()
            if line.first == " " || line.first == "\t", !headers.isEmpty {
                headers[headers.count - 1].1 += " " + line.trimmingCharacters(in: .whitespaces)
            } else if let colon = line.firstIndex(of: ":") {
                headers.append((line[..<colon].lowercased().trimmingCharacters(in: .whitespaces), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
            } else {
                return ([], raw)
            }
        }
        return (headers, lines.dropFirst().joined(separator: "\n"))
    }

    static func header(_ name: String, in headers: [(String, String)]) -> String? { headers.first { $0.0 == name }?.1 }

    /// `Name <a@b>` or `a@b`; the address lowercased.
    static func address(in text: String) -> (address: String, name: String?)? {
        if let open = text.lastIndex(of: "<"), let close = text.lastIndex(of: ">"), open < close {
            let address = text[text.index(after: open)..<close].trimmingCharacters(in: .whitespaces).lowercased()
            let name = decodeWords(String(text[..<open])).trimmingCharacters(in: CharacterSet(charactersIn: " \"'"))
            return address.contains("@") ? (address, name.isEmpty ? nil : name) : nil
        }
        let address = text.trimmingCharacters(in: .whitespaces).lowercased()
        return address.contains("@") && !address.contains(" ") ? (address, nil) : nil
    }

    /// The `<…>` ids of a Message-ID, In-Reply-To or References header, without brackets.
    static func ids(in text: String) -> [String] {
        var found: [String] = [], rest = text[...]
        while let open = rest.firstIndex(of: "<"), let close = rest[open...].firstIndex(of: ">") {
            let id = rest[rest.index(after: open)..<close].trimmingCharacters(in: .whitespaces)
            if !id.isEmpty, id.count <= 250 { found.append(id) }
            rest = rest[rest.index(after: close)...]
        }
        return found
    }

    static func parameter(_ name: String, in text: String) -> String? {
        for part in text.split(separator: ";").dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == name { return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        }
        return nil
    }

    /// RFC 2047 encoded words (`=?UTF-8?B?…?=`, `=?ISO-8859-1?Q?…?=`) decoded; other text as it is.
    static func decodeWords(_ text: String) -> String {
        var result = "", rest = text[...], lastWasWord = false
        while let start = rest.range(of: "=?") {
            let between = rest[..<start.lowerBound]
            let parts = rest[start.upperBound...].split(separator: "?", maxSplits: 3, omittingEmptySubsequences: false)
            guard parts.count == 4, parts[3].hasPrefix("="), let charset = encoding(String(parts[0])) else {
                result += rest[..<start.upperBound]
                rest = rest[start.upperBound...]
                lastWasWord = false
                continue
            }
            // Whitespace between two encoded words is not part of the text.
            if !(lastWasWord && between.allSatisfy(\.isWhitespace)) { result += between }
            let payload = String(parts[2])
            let bytes: Data? = parts[1].uppercased() == "B" ? Data(base64Encoded: payload, options: .ignoreUnknownCharacters)
                                                         : quotedPrintable(payload.replacingOccurrences(of: "_", with: " "))
            result += bytes.flatMap { String(data: $0, encoding: charset) } ?? payload
            rest = parts[3].dropFirst()
            lastWasWord = true
        }
        return result + rest
    }

    static func encoding(_ charset: String) -> String.Encoding? {
        switch charset.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "\"")) {
        case "utf-8", "utf8", "us-ascii", "ascii", "": .utf8
        case "iso-8859-1", "latin1", "windows-1252", "cp1252": .isoLatin1
        default: nil
        }
    }

    // MARK: Bodies

    /// Hands every leaf part to `body` with its headers, its text as sent, and whether it is an attachment.
    static func walk(headers: [(String, String)], body: String, depth: Int = 0, _ visit: ([(String, String)], String, Bool) -> Void) {
        let type = header("content-type", in: headers) ?? "text/plain"
        if type.lowercased().hasPrefix("multipart/"), let boundary = parameter("boundary", in: type), depth < 5 {
            let marker = "--" + boundary
            var parts = body.components(separatedBy: "\n" + marker)
            // The text before the first boundary is a preamble; a body that starts with the boundary has none.
            if body.hasPrefix(marker) { parts[0] = String(parts[0].dropFirst(marker.count)) } else { parts.removeFirst() }
            for part in parts {
                if part.hasPrefix("--") { break }
                let (partHeaders, partBody) = splitHeaders(String(part.drop { $0 != "\n" }.dropFirst()))
                walk(headers: partHeaders.isEmpty ? [("content-type", "text/plain")] : partHeaders, body: partBody, depth: depth + 1, visit)
            }
            return
        }
        let disposition = (header("content-disposition", in: headers) ?? "").lowercased()
        let isText = type.lowercased().hasPrefix("text/")
        visit(headers, body, disposition.hasPrefix("attachment") || !isText)
    }

    static func decodedData(_ text: String, encoding: String?) -> Data {
        switch encoding?.lowercased() {
        case "base64": Data(base64Encoded: text, options: .ignoreUnknownCharacters) ?? Data()
        case "quoted-printable": quotedPrintable(text) ?? Data(text.utf8)
        default: Data(text.utf8)
        }
    }

    static func decodedText(_ text: String, headers: [(String, String)]) -> String {
        let data = decodedData(text, encoding: header("content-transfer-encoding", in: headers))
        let charset = parameter("charset", in: header("content-type", in: headers) ?? "") ?? "utf-8"
        let text = String(data: data, encoding: encoding(charset) ?? .utf8) ?? String(decoding: data, as: UTF8.self)
        return text.replacingOccurrences(of: "\r\n", with: "\n")
    }

    static func quotedPrintable(_ text: String) -> Data? {
        var bytes: [UInt8] = []
        let source = Array(text.replacingOccurrences(of: "=\n", with: "").utf8)
        var index = 0
        while index < source.count {
            if source[index] == UInt8(ascii: "="), index + 2 < source.count,
               let byte = UInt8(String(decoding: source[(index + 1)...(index + 2)], as: UTF8.self), radix: 16) {
                bytes.append(byte)
                index += 3
            } else {
                bytes.append(source[index])
                index += 1
            }
        }
        return Data(bytes)
    }

    static func strippingTags(_ html: String) -> String {
        var text = html.replacingOccurrences(of: "<br>", with: "\n", options: .caseInsensitive).replacingOccurrences(of: "</p>", with: "\n", options: .caseInsensitive)
        while let open = text.range(of: "<"), let close = text[open.lowerBound...].range(of: ">") { text.removeSubrange(open.lowerBound..<close.upperBound) }
        return text.replacingOccurrences(of: "&nbsp;", with: " ").replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&amp;", with: "&")
    }

    /// The new text of a reply: from the first line that introduces the quoted earlier message ("On … wrote:",
    /// "Am … schrieb …:", "-----Original Message-----", a run of "> " lines), everything is cut.
    static func withoutQuote(_ text: String) -> String {
        var kept: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            let introducesQuote = (trimmed.hasPrefix("On ") && trimmed.hasSuffix("wrote:")) || (trimmed.hasPrefix("Am ") && trimmed.hasSuffix(":") && trimmed.contains("schrieb"))
                || trimmed.hasPrefix("-----Original Message-----") || trimmed.hasPrefix(">") || trimmed.hasSuffix("写道：") || trimmed.hasSuffix("כתב/ה:") || trimmed.hasSuffix("כתב:")
            if introducesQuote { break }
            kept.append(line)
        }
        let result = kept.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        return result.isEmpty ? text.trimmingCharacters(in: .whitespacesAndNewlines) : result
    }
}

public import Foundation

/// A person who signs in to Cairn. A user belongs to one workspace; the email is unique across the installation.
public struct User: Sendable, Hashable, Codable {
    public var id: UserID
    public var workspaceID: WorkspaceID
    public var email: String
    public var displayName: String
    public var role: Role
    /// The language the user chose for the interface; `nil` follows the browser.
    public var locale: InterfaceLanguage?
    public var createdAt: Date

    public init(id: UserID, workspaceID: WorkspaceID, email: String, displayName: String, role: Role, locale: InterfaceLanguage?, createdAt: Date) {
        self.id = id
        self.workspaceID = workspaceID
        self.email = email
        self.displayName = displayName
        self.role = role
        self.locale = locale
        self.createdAt = createdAt
    }
}

/// The interface languages Cairn ships catalogues for.
public enum InterfaceLanguage: String, Sendable, Hashable, Codable, CaseIterable {
    case english = "en"
    case german = "de"
    case chineseSimplified = "zh-Hans"
    case hebrew = "he"

    public var isRightToLeft: Bool { self == .hebrew }

    /// The language's name in itself, for language pickers.
    public var endonym: String {
        switch self {
        case .english: "English"
        case .german: "Deutsch"
        case .chineseSimplified: "简体中文"
        case .hebrew: "עברית"
        }
    }

    /// Picks the best supported language from an `Accept-Language` header (RFC 9110 §12.5.4).
    public static func negotiate(acceptLanguage header: String?) -> InterfaceLanguage? {
        guard let header, !header.isEmpty else { return nil }
        var ranked: [(tag: String, q: Double, order: Int)] = []
        for (order, part) in header.split(separator: ",").enumerated() {
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = pieces.first, !tag.isEmpty else { continue }
            var q = 1.0
            for parameter in pieces.dropFirst() where parameter.lowercased().hasPrefix("q=") {
                q = Double(parameter.dropFirst(2)) ?? 0
            }
            if q > 0 { ranked.append((tag.lowercased(), q, order)) }
        }
        ranked.sort { $0.q != $1.q ? $0.q > $1.q : $0.order < $1.order }
        for candidate in ranked {
            if let match = InterfaceLanguage(tag: candidate.tag) { return match }
        }
        return nil
    }

    /// Maps a BCP 47 tag to a supported language (`zh`, `zh-CN`, `zh-Hans-CN` → Simplified Chinese; `iw` → Hebrew).
    public init?(tag: String) {
        let lower = tag.lowercased()
        let primary = lower.split(separator: "-").first.map(String.init) ?? lower
        switch primary {
        case "en": self = .english
        case "de": self = .german
        case "he", "iw": self = .hebrew
        case "zh":
            if lower.contains("hant") || lower.hasSuffix("-tw") || lower.hasSuffix("-hk") || lower.hasSuffix("-mo") { return nil }
            self = .chineseSimplified
        default: return nil
        }
    }
}

/// Rules for email addresses and passwords that people type.
public enum Credentials {
    /// Normalises and checks an email address (trimmed, lowercased, one `@`, a dot in the domain).
    ///
    /// Look-alikes cannot pose as another address: the address is brought to Unicode's compatibility composition
    /// (NFKC), so fullwidth `ａｄａ@example.com` is `ada@example.com` and `ade` + combining acute is `adé`, and then to
    /// lower case; an address with a control character or an invisible one (a zero-width space, a direction mark) is
    /// refused rather than read as the address it hides behind.
    public static func validateEmail(_ email: String, field: String = "email") throws(ValidationError) -> String {
        if TextSafety.hasControlCharacters(email) || TextSafety.hasInvisibleCharacters(email) {
            throw ValidationError(field: field, issue: .invalid, hint: "The address holds an invisible or control character; type it again.")
        }
        let trimmed = email.precomposedStringWithCompatibilityMapping.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        guard !trimmed.isEmpty else {
            throw ValidationError(field: field, issue: .missing, hint: "Enter an email address.")
        }
        let parts = trimmed.split(separator: "@", omittingEmptySubsequences: false)
        guard trimmed.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
              !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
              !trimmed.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" }) else {
            throw ValidationError(field: field, issue: .invalid, hint: "Enter an address like name@example.com.")
        }
        return trimmed
    }

    /// The shortest password Cairn accepts.
    public static let minimumPasswordLength = 12

    /// Checks a new password: 12 to 72 bytes (bcrypt reads no further than 72).
    public static func validateNewPassword(_ password: String, field: String = "password") throws(ValidationError) {
        guard password.count >= minimumPasswordLength else {
            throw ValidationError(field: field, issue: .tooShort(limit: minimumPasswordLength), hint: "Use at least \(minimumPasswordLength) characters.")
        }
        guard password.utf8.count <= 72 else {
            throw ValidationError(field: field, issue: .tooLong(limit: 72), hint: "Use at most 72 bytes; longer passwords are cut by bcrypt.")
        }
    }

    /// Checks a display name.
    public static func validateDisplayName(_ name: String, field: String = "displayName") throws(ValidationError) -> String {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.count <= 100 else {
            throw ValidationError(field: field, issue: .tooLong(limit: 100), hint: "Use at most 100 characters.")
        }
        return trimmed
    }
}

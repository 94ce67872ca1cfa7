import CairnCore
import CairnEngine
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

extension CairnRequestContext {
    /// The signed-in person of a browser session, or a 401 (which browsers see as a redirect to the sign-in page).
    func requireUser() throws -> (principal: Principal, user: User) {
        guard let identity, let user = identity.user else { throw AccessError.unauthenticated }
        return (identity.principal, user)
    }
}

extension Request {
    /// Reads a URL-encoded form body (at most 64 KiB).
    func form() async throws -> FormFields {
        let buffer = try await body.collect(upTo: AuthenticationMiddleware.maxFormSize)
        return FormFields(String(buffer: buffer))
    }
}

/// Only same-site relative paths may be redirect targets after sign-in.
func safeRedirectTarget(_ next: String?) -> String {
    guard let next else { return "/" }
    // Judge the path as a browser will read it: browsers drop tabs and line breaks anywhere in a URL (so "/\t/evil"
    // is "//evil") and read a backslash as a slash. Control characters are removed first, then only a path on this
    // site is accepted.
    let cleaned = String(String.UnicodeScalarView(next.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }))
        .trimmingCharacters(in: .whitespaces)
        .replacingOccurrences(of: "\\", with: "/")
    guard cleaned.hasPrefix("/"), !cleaned.hasPrefix("//"), cleaned.count <= 2_000 else { return "/" }
    return cleaned
}

/// A date as people read it in the interface (UTC, ISO-like, no locale surprises).
func displayDate(_ date: Date?) -> String {
    guard let date else { return "—" }
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "yyyy-MM-dd HH:mm 'UTC'"
    return formatter.string(from: date)
}

/// Errors in the shape templates list them, in the page's language: the field's label and what is wrong with it.
/// `label` names a field for people (by default the catalogue's `field_…` text, else the field as sent).
func fieldErrors(_ error: any Error, texts catalogue: MessageCatalogue, language: InterfaceLanguage,
                 label: ((String, [String: String]) -> String)? = nil) -> [String: Any] {
    let problem = Problem(error)
    let slug = String(problem.type.dropFirst(Problem.typeBase.count))
    let texts = catalogue.texts(for: language)
    if problem.errors.isEmpty {
        return ["items": [["field": "", "hint": texts["problem_\(slug)"] ?? problem.detail]]]
    }
    // The engine's hint says exactly what to fix; it is English, so other languages get their own sentence first.
    return ["items": problem.errors.map { issue in
        ["field": label?(issue.field, texts) ?? texts["field_\(issue.field)"] ?? issue.field,
         "hint": language == .english ? issue.hint : (texts["issue_\(issue.issue)"].map { "\($0) (\(issue.hint))" } ?? issue.hint)]
    }]
}

/// An actor as people read it (a user's name, "API key «name»", "an event", "the command line"), never `user:UUID`.
func actorText(_ reference: String, _ names: [String: ActorName], texts: [String: String]) -> String {
    guard let actor = names[reference] else { return texts["actor_system"] ?? "" }
    switch actor.kind {
    case "user": return actor.name ?? (texts["actor_user_removed"] ?? "")
    case "key": return (texts["actor_key"] ?? "") + (actor.name.map { " «\($0)»" } ?? "")
    case "event", "survey", "console": return texts["actor_\(actor.kind)"] ?? actor.kind
    default: return texts["actor_system"] ?? actor.kind
    }
}


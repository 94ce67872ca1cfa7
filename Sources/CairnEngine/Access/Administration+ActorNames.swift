public import CairnCore
import CairnStore

extension Administration {
    /// Who or what an actor reference names, for showing it to people instead of `user:UUID`: a user's display name
    /// (else email), a key's name, and for the references that name no row a word of `kind`'s choosing — `event`,
    /// `survey`, `console`, `system`, a monitor. Only the principal's workspace is looked in; an unknown user or key
    /// (removed since) keeps its kind without the id.
    public func actorNames(_ references: Set<String>, for principal: Principal) async throws -> [String: ActorName] {
        var names: [String: ActorName] = [:]
        for reference in references {
            let parts = reference.split(separator: ":", maxSplits: 1).map(String.init)
            let kind = parts.first ?? reference, id = parts.count > 1 ? parts[1] : ""
            switch kind {
            case "user":
                let user = try await UserID(id).asyncFlatMap { try await store.user(id: $0, in: principal.workspaceID) }
                names[reference] = ActorName(kind: "user", name: user.map { $0.displayName.isEmpty ? $0.email : $0.displayName })
            case "key":
                let key = try await APIKeyID(id).asyncFlatMap { try await store.key(id: $0, in: principal.workspaceID) }
                names[reference] = ActorName(kind: "key", name: key?.name)
            default:
                names[reference] = ActorName(kind: kind, name: nil)
            }
        }
        return names
    }
}

/// How an actor is shown: its kind (user, key, event, survey, console, system, …) and, for users and keys still
/// there, its name.
public struct ActorName: Sendable, Hashable {
    public var kind: String
    public var name: String?
}

extension Optional {
    func asyncFlatMap<T>(_ transform: (Wrapped) async throws -> T?) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}

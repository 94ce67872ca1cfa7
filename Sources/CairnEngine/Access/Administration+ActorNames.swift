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
                var name: String?
                if let userID = UserID(id), let user = try await store.user(id: userID, in: principal.workspaceID) {
                    name = user.displayName.isEmpty ? user.email : user.displayName
                }
                names[reference] = ActorName(kind: "user", name: name)
            case "key":
                var name: String?
                if let keyID = APIKeyID(id) { name = try await store.key(id: keyID, in: principal.workspaceID)?.name }
                names[reference] = ActorName(kind: "key", name: name)
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

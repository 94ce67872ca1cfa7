import CairnCore

extension Event {
    /// The traits an event says about its person: an identify's `traits` (else `context.traits`); `context.traits` on
    /// any other event except group (whose traits describe the group).
    var personTraits: [String: JSONValue] {
        let contextTraits = payload["context"]?["traits"]?.objectValue ?? [:]
        switch kind {
        case .identify: return payload["traits"]?.objectValue ?? contextTraits
        case .group: return contextTraits
        default: return contextTraits
        }
    }

    /// Every identifier the event carries, normalised: userId, anonymousId, email and phone from its traits, and
    /// `context.externalIds`. An alias's `previousId` is handled by the resolver.
    var identifiers: [Identifier] {
        var found: [Identifier] = []
        if let userID, let id = Identifier.normalised(kind: .userID, userID) { found.append(id) }
        if let anonymousID, let id = Identifier.normalised(kind: .anonymousID, anonymousID) { found.append(id) }
        let traits = personTraits
        if let email = traits["email"]?.stringValue, let id = Identifier.normalised(kind: .email, email) { found.append(id) }
        if let phone = traits["phone"]?.stringValue, let id = Identifier.normalised(kind: .phone, phone) { found.append(id) }
        if case .array(let externals)? = payload["context"]?["externalIds"] {
            for external in externals {
                guard let type = external["type"]?.stringValue, let value = external["id"]?.stringValue, !type.isEmpty,
                      let id = Identifier.normalised(kind: .external(type), value) else { continue }
                found.append(id)
            }
        }
        var seen = Set<Identifier>()
        return found.filter { seen.insert($0).inserted }
    }

    var previousID: String? { payload["previousId"]?.stringValue }
}

import CairnCore
import CairnEngine
import Foundation
import HTTPTypes
import Hummingbird

extension AccessAPI {
    struct PolicyBody: ResponseEncodable, Decodable {
        /// Identifier kind → the most values of that kind one profile may hold.
        var limits: [String: Int]?
        /// Trait name → source ids, most trusted first (survivorship); traits not listed keep the latest value.
        var traitSourcePriority: [String: [String]]?

        init(_ policy: IdentityPolicy) {
            limits = policy.limits
            traitSourcePriority = policy.traitSourcePriority.mapValues { $0.map(\.rawValue) }
        }
    }

    @Sendable func identityPolicy(_ request: Request, context: CairnRequestContext) async throws -> PolicyBody {
        PolicyBody(try await administration.identityPolicy(for: try context.requirePrincipal()))
    }

    @Sendable func setIdentityPolicy(_ request: Request, context: CairnRequestContext) async throws -> PolicyBody {
        let principal = try context.requirePrincipal()
        try principal.require(.workspaceManage)
        let body = try await request.decodeJSON(PolicyBody.self, context: context)
        return PolicyBody(try await administration.setIdentityPolicy(limits: body.limits, traitSourcePriority: body.traitSourcePriority,
                                                                     by: principal, origin: context.origin))
    }
}

import CairnCore
import CairnEngine
import Foundation
public import Hummingbird

extension Funnels.Result: ResponseEncodable {}

/// `/api/v1/funnels/query`: a funnel over the workspace's events, defined in the request (journeys.read).
struct JourneysAPI {
    let funnels: Funnels

    func addRoutes(to group: RouterGroup<CairnRequestContext>) {
        group.post("funnels/query", use: funnel)
    }

    /// `{"steps":[{"event":"Product Viewed"},{"event":"Order Completed"}],"windowMinutes":10080,"from":"2026-11-01","until":"2026-12-01",
    /// "breakdown":{"by":"channel","attribution":"first_touch"}}`.
    @Sendable func funnel(_ request: Request, context: CairnRequestContext) async throws -> Funnels.Result {
        let principal = try context.requirePrincipal()
        try principal.require(.journeysRead)
        let query = try await request.decodeJSON(Funnels.Query.self, context: context)
        return try await funnels.run(query, for: principal)
    }
}

import CairnCore
import CairnEngine
import Foundation
import HTTPTypes
import Hummingbird

extension AccessAPI {
    @Sendable func listEvents(_ request: Request, context: CairnRequestContext) async throws -> ListBody<Event> {
        let principal = try context.requirePrincipal()
        try principal.require(.customersRead)
        let (cursor, limit) = try request.pagination()
        let query = request.uri.queryParameters
        var issues = ValidationCollector()
        var filter = request.eventFilter(collecting: &issues)
        for (name, keyPath) in [("since" as Substring, \EventFilter.since), ("until", \EventFilter.until)] {
            guard let text = query[name].map(String.init) else { continue }
            if let date = Timestamp.parse(text) { filter[keyPath: keyPath] = date } else {
                issues.add(FieldIssue(field: String(name), issue: .invalid, hint: "Use ISO 8601, e.g. 2026-11-23T00:00:00Z."))
            }
        }
        filter.userID = query["userId"].map(String.init)
        filter.anonymousID = query["anonymousId"].map(String.init)
        try issues.throwIfAny()
        return ListBody(try await administration.events(for: principal, matching: filter, after: cursor, limit: limit))
    }
}

import CairnAnalytics
import CairnCore
import CairnEngine
import Foundation
public import Hummingbird

extension Employee: ResponseEncodable {}
extension Pulses.Results: ResponseEncodable {}
extension Pulses.Beside: ResponseEncodable {}
extension FrontLine.View: ResponseEncodable {}

/// The employee directory, anonymous pulses and their results (workforce.manage), EX beside CX, and a store's customers
/// at risk this week.
struct WorkforceAPI {
    let directory: Directory
    let pulses: Pulses
    let frontLine: FrontLine

    func addRoutes(to group: RouterGroup<CairnRequestContext>) {
        group.get("employees", use: employees)
        group.post("employees", use: createEmployee)
        group.put("employees/{id}", use: updateEmployee)
        group.get("pulses", use: list)
        group.post("pulses", use: create)
        group.get("pulses/{id}/results", use: results)
        group.get("pulses/{id}/ex-cx", use: beside)
        group.get("stores/{id}/at-risk", use: atRisk)
    }

    struct EmployeeBody: Decodable {
        var name: String?
        var email: String?
        var storeId: String?
        var teamId: String?
        var userId: String?
        var active: Bool?
        var input: Directory.EmployeeInput { .init(name: name, email: email, storeID: storeId, teamID: teamId, userID: userId, active: active) }
    }

    @Sendable func employees(_ request: Request, context: CairnRequestContext) async throws -> ListBody<Employee> {
        ListBody(Page(items: try await directory.employees(for: try context.requirePrincipal()), nextCursor: nil))
    }

    /// `{"name": "Kim", "email": "kim@example.com", "storeId": "…", "teamId": "…", "userId": "…"}`.
    @Sendable func createEmployee(_ request: Request, context: CairnRequestContext) async throws -> EditedResponse<Employee> {
        let body = try await request.decodeJSON(EmployeeBody.self, context: context)
        return EditedResponse(status: .created, response: try await directory.createEmployee(body.input, by: try context.requirePrincipal()))
    }

    @Sendable func updateEmployee(_ request: Request, context: CairnRequestContext) async throws -> Employee {
        let id = try context.parameters.id(as: EmployeeID.self, kind: "employee")
        let body = try await request.decodeJSON(EmployeeBody.self, context: context)
        return try await directory.updateEmployee(id, body.input, by: try context.requirePrincipal())
    }

    @Sendable func list(_ request: Request, context: CairnRequestContext) async throws -> ListBody<Pulse> {
        ListBody(Page(items: try await pulses.list(for: try context.requirePrincipal()), nextCursor: nil))
    }

    struct PulseBody: Decodable {
        var name: String?
        var days: Int?
    }

    struct CreatedBody: ResponseEncodable {
        var pulse: Pulse
        /// Each employee's single-use link, shown this once.
        var links: [Pulses.Link]
    }

    /// `{"name": "Spring pulse", "days": 14}`: one single-use link per active employee, answered once, anonymously.
    @Sendable func create(_ request: Request, context: CairnRequestContext) async throws -> EditedResponse<CreatedBody> {
        let body = try await request.decodeJSON(PulseBody.self, context: context)
        let made = try await pulses.create(name: body.name, days: body.days, by: try context.requirePrincipal())
        return EditedResponse(status: .created, response: CreatedBody(pulse: made.pulse, links: made.links))
    }

    /// `?by=store` (default) or `team`.
    @Sendable func results(_ request: Request, context: CairnRequestContext) async throws -> Pulses.Results {
        let id = try context.parameters.id(as: PulseID.self, kind: "pulse")
        var issues = ValidationCollector()
        let by = request.queryChoice("by", as: Pulses.Grouping.self, hint: "Group by store or team.", collecting: &issues) ?? .store
        try issues.throwIfAny()
        return try await pulses.results(id, by: by, for: try context.requirePrincipal())
    }

    @Sendable func beside(_ request: Request, context: CairnRequestContext) async throws -> Pulses.Beside {
        try await pulses.exBesideCX(try context.parameters.id(as: PulseID.self, kind: "pulse"), for: try context.requirePrincipal())
    }

    @Sendable func atRisk(_ request: Request, context: CairnRequestContext) async throws -> FrontLine.View {
        try await frontLine.atRisk(store: try context.parameters.id(as: RetailStoreID.self, kind: "store"), for: try context.requirePrincipal())
    }
}

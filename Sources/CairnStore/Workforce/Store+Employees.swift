public import CairnCore
public import Foundation
import SQLKit

extension Store {
    static let employeeColumns = ["id", "workspace_id", "name", "email", "store_id", "team_id", "user_id", "active", "created_at", "updated_at"]

    public func employees(in workspace: WorkspaceID) async throws -> [Employee] {
        try await database.withConnection { sql in
            try await sql.select().columns(Self.employeeColumns).from("employees").where("workspace_id", .equal, workspace.rawValue)
                .orderBy("name").orderBy("id").all().map(Employee.init(row:))
        }
    }

    public func employee(id: EmployeeID, in workspace: WorkspaceID) async throws -> Employee? {
        try await database.withConnection { sql in
            try await sql.select().columns(Self.employeeColumns).from("employees").where("workspace_id", .equal, workspace.rawValue)
                .where("id", .equal, id.rawValue).first().map(Employee.init(row:))
        }
    }

    /// The employee record of a signed-in user, if they have one.
    public func employee(ofUser user: UserID, in workspace: WorkspaceID) async throws -> Employee? {
        try await database.withConnection { sql in
            try await sql.select().columns(Self.employeeColumns).from("employees").where("workspace_id", .equal, workspace.rawValue)
                .where("user_id", .equal, user.rawValue).where("active", .equal, Int64(1)).orderBy("created_at").first().map(Employee.init(row:))
        }
    }

    public func save(_ employee: Employee) async throws {
        try await database.withConnection { sql in
            try await sql.insert(into: "employees").columns(Self.employeeColumns)
                .values(SQLBind(employee.id.rawValue), SQLBind(employee.workspaceID.rawValue), SQLBind(employee.name), SQLBind(employee.email),
                        SQLBind(employee.storeID?.rawValue), SQLBind(employee.teamID?.rawValue), SQLBind(employee.userID?.rawValue),
                        SQLBind(Int64(employee.active ? 1 : 0)), SQLBind(employee.createdAt.storageMillis), SQLBind(employee.updatedAt.storageMillis))
                .onConflict(with: ["id"]) {
                    $0.set(excludedValueOf: "name").set(excludedValueOf: "email").set(excludedValueOf: "store_id").set(excludedValueOf: "team_id")
                        .set(excludedValueOf: "user_id").set(excludedValueOf: "active").set(excludedValueOf: "updated_at")
                }
                .run()
        }
    }

    // MARK: Pulses

    static let pulseColumns = ["id", "workspace_id", "name", "created_at", "closes_at", "invited"]

    /// Saves a pulse with one invitation per (token hash, employee).
    public func create(_ pulse: Pulse, invitations: [(tokenHash: String, employee: EmployeeID)]) async throws {
        try await transaction { tx in
            try await tx.sql.insert(into: "pulses").columns(Self.pulseColumns)
                .values(SQLBind(pulse.id.rawValue), SQLBind(pulse.workspaceID.rawValue), SQLBind(pulse.name), SQLBind(pulse.createdAt.storageMillis),
                        SQLBind(pulse.closesAt.storageMillis), SQLBind(Int64(pulse.invited)))
                .run()
            for part in invitations.chunked(into: 500) {
                try await tx.sql.insert(into: "pulse_invitations").columns("token_hash", "workspace_id", "pulse_id", "employee_id", "used")
                    .rows(part.map { [SQLBind($0.tokenHash), SQLBind(pulse.workspaceID.rawValue), SQLBind(pulse.id.rawValue), SQLBind($0.employee.rawValue), SQLBind(Int64(0))] })
                    .run()
            }
        }
    }

    public func pulses(in workspace: WorkspaceID) async throws -> [Pulse] {
        try await database.withConnection { sql in
            var pulses = try await sql.select().columns(Self.pulseColumns).from("pulses").where("workspace_id", .equal, workspace.rawValue)
                .orderBy("created_at", .descending).orderBy("id", .descending).all().map(Pulse.init(row:))
            let answered = try await sql.raw("""
                SELECT pulse_id AS p, COUNT(*) AS n FROM pulse_answers WHERE workspace_id = \(bind: workspace.rawValue) GROUP BY pulse_id
                """).all()
            var counts: [String: Int] = [:]
            for row in answered { counts[try row.decode(column: "p", as: String.self)] = Int(try row.decode(column: "n", as: Int64.self)) }
            for index in pulses.indices { pulses[index].answered = counts[pulses[index].id.rawValue] ?? 0 }
            return pulses
        }
    }

    public func pulse(id: PulseID, in workspace: WorkspaceID) async throws -> Pulse? {
        try await pulses(in: workspace).first { $0.id == id }
    }

    /// The pulse and the employee's store and team behind an unused link; nil when the link is unknown or used.
    public func openInvitation(tokenHash: String) async throws -> (pulse: Pulse, storeID: RetailStoreID?, teamID: TeamID?)? {
        try await database.withConnection { sql in
            guard let row = try await sql.raw("""
                SELECT i.workspace_id AS w, i.pulse_id AS p, e.store_id AS s, e.team_id AS t FROM pulse_invitations i
                JOIN employees e ON e.workspace_id = i.workspace_id AND e.id = i.employee_id
                WHERE i.token_hash = \(bind: tokenHash) AND i.used = 0
                """).first() else { return nil }
            let workspace = WorkspaceID(rawValue: try row.decode(column: "w", as: String.self))
            guard let pulse = try await sql.select().columns(Self.pulseColumns).from("pulses").where("workspace_id", .equal, workspace.rawValue)
                .where("id", .equal, try row.decode(column: "p", as: String.self)).first().map(Pulse.init(row:)) else { return nil }
            return (pulse, try row.decode(column: "s", as: String?.self).map(RetailStoreID.init(rawValue:)), try row.decode(column: "t", as: String?.self).map(TeamID.init(rawValue:)))
        }
    }

    /// Records an answer and spends its link in one transaction; false when the link was spent meanwhile.
    public func answer(tokenHash: String, pulse: Pulse, storeID: RetailStoreID?, teamID: TeamID?, day: Int64, score: Int, comment: String?) async throws -> Bool {
        try await transaction { tx in
            guard try await tx.sql.update("pulse_invitations").set("used", to: Int64(1)).where("token_hash", .equal, tokenHash).where("used", .equal, Int64(0))
                .returning("token_hash").first() != nil else { return false }
            // A random id (not a time-ordered one): the row must not say when it was written.
            try await tx.sql.insert(into: "pulse_answers").columns("id", "workspace_id", "pulse_id", "store_id", "team_id", "day", "score", "comment")
                .values(SQLBind(UUID().uuidString.lowercased()), SQLBind(pulse.workspaceID.rawValue), SQLBind(pulse.id.rawValue), SQLBind(storeID?.rawValue),
                        SQLBind(teamID?.rawValue), SQLBind(day), SQLBind(Int64(score)), SQLBind(comment))
                .run()
            return true
        }
    }

    /// A pulse's answers: store, team, score, comment (in an order that says nothing about who or when).
    public func pulseAnswers(of pulse: PulseID, in workspace: WorkspaceID) async throws -> [(store: String?, team: String?, score: Int, comment: String?)] {
        try await database.withConnection { sql in
            try await sql.select().columns("store_id", "team_id", "score", "comment").from("pulse_answers").where("workspace_id", .equal, workspace.rawValue)
                .where("pulse_id", .equal, pulse.rawValue).orderBy("id").all().map { row in
                    (try row.decode(column: "store_id", as: String?.self), try row.decode(column: "team_id", as: String?.self),
                     Int(try row.decode(column: "score", as: Int64.self)), try row.decode(column: "comment", as: String?.self))
                }
        }
    }

    // MARK: Customers by store

    /// Customers whose `store` trait names a store (its code, as JSON text) → the code.
    public func customersByStore(in workspace: WorkspaceID) async throws -> [String: String] {
        try await database.withConnection { sql in
            var found: [String: String] = [:]
            for row in try await sql.select().columns("profile_id", "value").from("traits").where("workspace_id", .equal, workspace.rawValue)
                .where("name", .equal, "store").all() {
                if let code = (try? JSONValue.parse(try row.decode(column: "value", as: String.self)))?.stringValue {
                    found[try row.decode(column: "profile_id", as: String.self)] = code.lowercased()
                }
            }
            return found
        }
    }
}

extension Employee {
    init(row: any SQLRow) throws {
        self.init(id: EmployeeID(rawValue: try row.decode(column: "id", as: String.self)),
                  workspaceID: WorkspaceID(rawValue: try row.decode(column: "workspace_id", as: String.self)),
                  name: try row.decode(column: "name", as: String.self), email: try row.decode(column: "email", as: String?.self),
                  storeID: try row.decode(column: "store_id", as: String?.self).map(RetailStoreID.init(rawValue:)),
                  teamID: try row.decode(column: "team_id", as: String?.self).map(TeamID.init(rawValue:)),
                  userID: try row.decode(column: "user_id", as: String?.self).map(UserID.init(rawValue:)),
                  active: try row.decode(column: "active", as: Int64.self) != 0,
                  createdAt: Date(storageMillis: try row.decode(column: "created_at", as: Int64.self)),
                  updatedAt: Date(storageMillis: try row.decode(column: "updated_at", as: Int64.self)))
    }
}

extension Pulse {
    init(row: any SQLRow) throws {
        self.init(id: PulseID(rawValue: try row.decode(column: "id", as: String.self)),
                  workspaceID: WorkspaceID(rawValue: try row.decode(column: "workspace_id", as: String.self)),
                  name: try row.decode(column: "name", as: String.self),
                  createdAt: Date(storageMillis: try row.decode(column: "created_at", as: Int64.self)),
                  closesAt: Date(storageMillis: try row.decode(column: "closes_at", as: Int64.self)),
                  invited: Int(try row.decode(column: "invited", as: Int64.self)), answered: 0)
    }
}

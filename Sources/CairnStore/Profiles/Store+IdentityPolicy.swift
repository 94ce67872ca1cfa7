public import CairnCore
import Foundation
import SQLKit

extension TransactionStore {
    /// The workspace's identity policy, or `nil` when it keeps the defaults.
    public func identityPolicy(in workspace: WorkspaceID) async throws -> IdentityPolicy? {
        guard let row = try await sql.select().columns("limits", "trait_priorities").from("identity_policies")
            .where("workspace_id", .equal, workspace.rawValue).first() else { return nil }
        let decoder = JSONDecoder()
        let priorities = try row.decode(column: "trait_priorities", as: String?.self)
            .map { try decoder.decode([String: [SourceID]].self, from: Data($0.utf8)) } ?? [:]
        return IdentityPolicy(limits: try decoder.decode([String: Int].self, from: Data(try row.decode(column: "limits", as: String.self).utf8)),
                              traitSourcePriority: priorities)
    }

    public func setIdentityPolicy(_ policy: IdentityPolicy, in workspace: WorkspaceID) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let limits = String(decoding: try encoder.encode(policy.limits), as: UTF8.self)
        let priorities = String(decoding: try encoder.encode(policy.traitSourcePriority), as: UTF8.self)
        try await sql.delete(from: "identity_policies").where("workspace_id", .equal, workspace.rawValue).run()
        try await sql.insert(into: "identity_policies").columns("workspace_id", "limits", "trait_priorities")
            .values(SQLBind(workspace.rawValue), SQLBind(limits), SQLBind(priorities)).run()
    }
}

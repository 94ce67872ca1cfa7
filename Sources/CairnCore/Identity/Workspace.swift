public import Foundation

/// A tenant: every stored row belongs to exactly one workspace.
public struct Workspace: Sendable, Hashable, Codable {
    public var id: WorkspaceID
    public var name: String
    public var createdAt: Date

    public init(id: WorkspaceID, name: String, createdAt: Date) {
        self.id = id
        self.name = name
        self.createdAt = createdAt
    }

    /// Checks a workspace name a person typed.
    public static func validateName(_ name: String, field: String = "name") throws(ValidationError) -> String {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else {
            throw ValidationError(field: field, issue: .missing, hint: "Give the workspace a name.")
        }
        guard trimmed.count <= 100 else {
            throw ValidationError(field: field, issue: .tooLong(limit: 100), hint: "Use at most 100 characters.")
        }
        return trimmed
    }
}

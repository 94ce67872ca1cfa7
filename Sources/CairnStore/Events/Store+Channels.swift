public import CairnCore
public import Foundation
import SQLKit

extension Store {
    /// The channels a workspace defined itself (not the built-in ones), by name.
    public func definedChannels(in workspace: WorkspaceID) async throws -> [WorkspaceChannel] {
        try await database.withConnection { sql in
            try await sql.select().columns("name", "label").from("workspace_channels")
                .where("workspace_id", .equal, workspace.rawValue).orderBy("name").all()
                .map { WorkspaceChannel(name: Channel(rawValue: try $0.decode(column: "name", as: String.self)),
                                        label: try $0.decode(column: "label", as: String.self), isBuiltIn: false) }
        }
    }

    /// Defines a channel, or relabels one the workspace already defined.
    public func defineChannel(_ channel: Channel, label: String, in workspace: WorkspaceID, at date: Date) async throws {
        try await database.transaction { sql in
            try await sql.delete(from: "workspace_channels").where("workspace_id", .equal, workspace.rawValue).where("name", .equal, channel.rawValue).run()
            try await sql.insert(into: "workspace_channels").columns("workspace_id", "name", "label", "created_at")
                .values(SQLBind(workspace.rawValue), SQLBind(channel.rawValue), SQLBind(label), SQLBind(date.storageMillis)).run()
        }
    }
}

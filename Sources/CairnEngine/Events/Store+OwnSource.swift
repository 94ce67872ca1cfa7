public import CairnCore
public import CairnStore
public import Foundation

extension Store {
    /// The source Cairn itself sends a kind of event from (the delivery monitor, service), found by its name and made
    /// on first use.
    func ownSource(named name: String, channel: CairnCore.Channel, in workspace: WorkspaceID, at date: Date) async throws -> Source {
        var cursor: Cursor?
        repeat {
            let page = try await sources(in: workspace, after: cursor, limit: 200)
            if let found = page.items.first(where: { $0.name == name }) { return found }
            cursor = try page.nextCursor.map { try Cursor(token: $0) }
        } while cursor != nil
        let source = Source(id: .generate(), workspaceID: workspace, name: name, defaultChannel: channel, rateLimit: nil, createdAt: date, lastSeenAt: nil, eventCount: 0)
        try await insert(source)
        return source
    }
}

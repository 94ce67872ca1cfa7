public import CairnCore
import CairnStore
import Foundation

extension Administration {
    static let builtInChannelLabels: [Channel: String] = [
        .web: "Web", .app: "App", .store: "Store", .callCenter: "Call centre", .chat: "Chat", .email: "Email", .delivery: "Delivery",
    ]

    /// The channels events of the workspace may carry: the built-in ones, then those it defined (workspace.read).
    public func channels(for principal: Principal) async throws -> [WorkspaceChannel] {
        try principal.require(.workspaceRead)
        return try await Self.channels(in: principal.workspaceID, store: store)
    }

    static func channels(in workspace: WorkspaceID, store: Store) async throws -> [WorkspaceChannel] {
        Channel.builtIn.map { WorkspaceChannel(name: $0, label: builtInChannelLabels[$0] ?? $0.rawValue, isBuiltIn: true) }
            + (try await store.definedChannels(in: workspace))
    }

    /// Defines a channel of the workspace's own (a kiosk, a partner's shop…), or relabels one it defined (workspace.manage).
    public func defineChannel(_ name: String, label: String, by principal: Principal, origin: RequestOrigin) async throws -> WorkspaceChannel {
        try principal.require(.workspaceManage)
        var issues = ValidationCollector()
        let channel = issues.check { () throws(ValidationError) in try Channel.validate(name, field: "name") }
        if let channel, Channel.builtIn.contains(channel) {
            issues.add(FieldIssue(field: "name", issue: .invalid, hint: "\(channel) is built in and needs no definition; choose another name."))
        }
        let label = label.trimmingCharacters(in: .whitespacesAndNewlines)
        if label.isEmpty { issues.add(FieldIssue(field: "label", issue: .missing, hint: "Give the channel a label people read, e.g. \"In-store kiosk\".")) }
        else if label.count > 60 { issues.add(FieldIssue(field: "label", issue: .tooLong(limit: 60), hint: "Use at most 60 characters.")) }
        try issues.throwIfAny()
        try await store.defineChannel(channel!, label: label, in: principal.workspaceID, at: clock.now())
        try await audit(.channelDefined, by: principal, target: "channel:\(channel!)", origin: origin)
        return WorkspaceChannel(name: channel!, label: label, isBuiltIn: false)
    }

    /// Those of `channels` the workspace neither has built in nor defined (read only when one is not built in).
    static func unknownChannels(_ channels: some Sequence<Channel>, in workspace: WorkspaceID, store: Store) async throws -> Set<Channel> {
        let candidates = Set(channels).subtracting(Channel.builtIn)
        guard !candidates.isEmpty else { return [] }
        return candidates.subtracting(try await store.definedChannels(in: workspace).map(\.name))
    }

    /// Refuses a channel the workspace does not know, naming the field.
    func requireKnownChannel(_ channel: Channel, field: String, in workspace: WorkspaceID) async throws {
        try await Self.requireKnownChannel(channel, field: field, in: workspace, store: store)
    }

    static func requireKnownChannel(_ channel: Channel, field: String, in workspace: WorkspaceID, store: Store) async throws {
        guard try await unknownChannels([channel], in: workspace, store: store).isEmpty else {
            throw ValidationError(field: field, issue: .unknownValue(allowed: []),
                                  hint: "\(channel) is not a channel of this workspace. Use a built-in channel or define it first (PUT /api/v1/channels/\(channel)).")
        }
    }
}

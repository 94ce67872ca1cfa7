import CairnCore
import CairnStore
import CairnTestSupport
import Foundation
import SQLKit
import Testing

@Suite("Group commit")
struct GroupCommitTests {
    func event(_ messageID: String, in workspace: WorkspaceID, source: SourceID) -> Event {
        Event(id: .generate(), workspaceID: workspace, sourceID: source, messageID: messageID, kind: .track, name: "Clicked", userID: "u-\(messageID)",
              anonymousID: nil, channel: .web, timestamp: Date(), receivedAt: Date(), payload: .object(["event": .string("Clicked")]))
    }

    @Test("Concurrent appends share commits, count each new event once, and a failing append fails alone", arguments: TestDatabase.engines)
    func appendsShareCommits(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { (store: Store) async throws in
            let workspace = Workspace(id: .generate(), name: "Group", createdAt: Date())
            try await store.insert(workspace)
            let source = Source(id: .generate(), workspaceID: workspace.id, name: "Web", defaultChannel: .web, rateLimit: nil, createdAt: Date(),
                                lastSeenAt: nil, eventCount: 0)
            try await store.insert(source)
            let ghost = WorkspaceID.generate()
            // 40 appends of 10 events; neighbours overlap by 5 messageIds, so 205 distinct ones. Every seventh append
            // names a workspace that does not exist: the database refuses it, and only it.
            let outcomes = try await withThrowingTaskGroup(of: (Int, Int?).self) { tasks in
                for index in 0..<40 {
                    tasks.addTask {
                        let target = index % 7 == 3 ? ghost : workspace.id
                        let events = (index * 5..<index * 5 + 10).map { event("m\($0)", in: target, source: source.id) }
                        do {
                            return (index, try await store.append(events: events, in: target, source: source.id, at: Date()))
                        } catch {
                            return (index, nil)
                        }
                    }
                }
                var all: [(Int, Int?)] = []
                for try await outcome in tasks { all.append(outcome) }
                return all
            }
            #expect(outcomes.count == 40)
            let failed = Set(outcomes.filter { $0.1 == nil }.map(\.0))
            #expect(failed == Set((0..<40).filter { $0 % 7 == 3 }), "exactly the appends the database refused report an error")
            var distinct = Set<String>()
            for index in 0..<40 where index % 7 != 3 {
                for number in index * 5..<index * 5 + 10 { distinct.insert("m\(number)") }
            }
            let reported = outcomes.compactMap(\.1).reduce(0, +)
            #expect(reported == distinct.count, "each new event is counted by exactly one append")
            #expect(try await store.countEvents(in: workspace.id) == distinct.count)
            #expect(try await store.source(id: source.id, in: workspace.id)?.eventCount == Int64(distinct.count))
            // A retry of everything stores nothing more.
            let again = try await store.append(events: distinct.map { event($0, in: workspace.id, source: source.id) }, in: workspace.id, source: source.id, at: Date())
            #expect(again == 0)
            #expect(try await store.countEvents(in: workspace.id) == distinct.count)
        }
    }
}

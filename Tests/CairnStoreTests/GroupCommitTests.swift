import CairnCore
@testable import CairnStore
import CairnTestSupport
import Foundation
import Logging
import SQLKit
import Testing

@Suite("Group commit")
struct GroupCommitTests {
    func event(_ messageID: String, in workspace: WorkspaceID, source: SourceID) -> Event {
        Event(id: .generate(), workspaceID: workspace, sourceID: source, messageID: messageID, kind: .track, name: "Clicked", userID: "u-\(messageID)",
              anonymousID: nil, channel: .web, timestamp: Date(), receivedAt: Date(), payload: .object(["event": .string("Clicked")]))
    }

    @Test("A waiting live stream is woken by new events of its own workspace: appended by this server, and on PostgreSQL by another one (LISTEN/NOTIFY)",
          arguments: TestDatabase.engines)
    func newEventsWakeWaiters(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { (store: Store) async throws in
            var sources: [WorkspaceID: SourceID] = [:]
            for name in ["Here", "Elsewhere"] {
                let workspace = Workspace(id: .generate(), name: name, createdAt: Date())
                try await store.insert(workspace)
                let source = Source(id: .generate(), workspaceID: workspace.id, name: "Web", defaultChannel: .web, rateLimit: nil, createdAt: Date(),
                                    lastSeenAt: nil, eventCount: 0)
                try await store.insert(source)
                sources[workspace.id] = source.id
            }
            let here = sources.keys.sorted { $0.rawValue < $1.rawValue }[0], elsewhere = sources.keys.sorted { $0.rawValue < $1.rawValue }[1]
            // On PostgreSQL the events come from a second pool of its own, as from another server: only NOTIFY can
            // reach this one's waiters. On SQLite (one server) they come from this store.
            let other = engine == .postgres ? Store(database: try CairnDatabase.open(store.database.location, logger: Logger(label: "other"))) : store
            var counter = 0
            func send(to workspace: WorkspaceID) async throws {
                counter += 1
                _ = try await other.append(events: [event("w\(counter)", in: workspace, source: sources[workspace]!)], in: workspace, source: sources[workspace]!, at: Date())
            }
            #expect(await store.waitForEvents(in: here, upTo: .milliseconds(200)) == false, "nothing arrived: the wait ends unwoken")
            // The listening connection opens with the first wait; a send before it listens is not heard (the stream
            // then finds the event on its next look), so each try waits for a while and sends again.
            func woken(by workspace: WorkspaceID, tries: Int = 10) async throws -> Bool {
                for _ in 0..<tries {
                    async let wake = store.waitForEvents(in: here, upTo: .seconds(2))
                    try await Task.sleep(for: .milliseconds(100))
                    try await send(to: workspace)
                    if await wake { return true }
                }
                return false
            }
            #expect(try await woken(by: here), "events of its workspace wake it")
            #expect(try await woken(by: elsewhere, tries: 2) == false, "another workspace's events do not")
            if engine == .postgres { try await other.database.shutdown() }
        }
    }

    @Test("A live case view is woken when a transaction changing its case commits: on this server, and on PostgreSQL on another one (LISTEN/NOTIFY); another case's change does not wake it",
          arguments: TestDatabase.engines)
    func caseChangesWakeWaiters(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { (store: Store) async throws in
            let workspace = Workspace(id: .generate(), name: "Chat", createdAt: Date())
            try await store.insert(workspace)
            let other = engine == .postgres ? Store(database: try CairnDatabase.open(store.database.location, logger: Logger(label: "other"))) : store
            let watched = CaseID.generate(), unrelated = CaseID.generate()
            func write(to item: CaseID) async throws {
                try await other.transaction { tx in
                    try await tx.insert(CaseMessage(id: .generate(), caseID: item, author: .customer, by: "customer", body: "Hello?", attachments: [], channel: .chat,
                                                    emailMessageID: nil, at: Date()), in: workspace.id)
                }
            }
            #expect(await store.waitForChange(of: watched, upTo: .milliseconds(200)) == false, "nothing changed: the wait ends unwoken")
            func woken(by item: CaseID, tries: Int = 10) async throws -> Bool {
                for _ in 0..<tries {
                    async let wake = store.waitForChange(of: watched, upTo: .seconds(2))
                    try await Task.sleep(for: .milliseconds(100))
                    try await write(to: item)
                    if await wake { return true }
                }
                return false
            }
            #expect(try await woken(by: watched), "a message to the case wakes it")
            #expect(try await woken(by: unrelated, tries: 2) == false, "another case's message does not")
            // A transaction that fails wakes nobody: its change never happened.
            async let quiet = store.waitForChange(of: watched, upTo: .milliseconds(500))
            try await Task.sleep(for: .milliseconds(100))
            struct Refused: Error {}
            _ = try? await other.transaction { tx in
                try await tx.insert(CaseMessage(id: .generate(), caseID: watched, author: .customer, by: "customer", body: "Lost", attachments: [], channel: .chat,
                                                emailMessageID: nil, at: Date()), in: workspace.id)
                throw Refused()
            }
            #expect(await quiet == false, "a rolled-back change wakes nobody")
            if engine == .postgres { try await other.database.shutdown() }
        }
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

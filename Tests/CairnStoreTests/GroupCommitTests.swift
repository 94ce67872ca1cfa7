import CairnCore
import CairnStore
import CairnTestSupport
import Foundation
import SQLKit
import Testing

@Suite("Group commit")
struct GroupCommitTests {
    struct Refused: Error {}

    @Test("Concurrent units share transactions; a failing unit is rolled back alone and gets its own error", arguments: TestDatabase.engines)
    func unitsShareCommits(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { (store: Store) async throws in
            let workspace = Workspace(id: .generate(), name: "Group", createdAt: Date())
            try await store.insert(workspace)
            let outcomes = try await withThrowingTaskGroup(of: (Int, Bool).self) { tasks in
                for index in 0..<40 {
                    tasks.addTask {
                        do {
                            let echoed = try await store.database.groupedTransaction { sql in
                                try await sql.insert(into: "workspace_channels").columns("workspace_id", "name", "label", "created_at")
                                    .values(SQLBind(workspace.id.rawValue), SQLBind("c\(index)"), SQLBind("Channel \(index)"), SQLBind(Int64(index))).run()
                                if index % 7 == 3 { throw Refused() }
                                return index
                            }
                            return (echoed, true)
                        } catch is Refused {
                            return (index, false)
                        }
                    }
                }
                var all: [(Int, Bool)] = []
                for try await outcome in tasks { all.append(outcome) }
                return all
            }
            #expect(outcomes.count == 40)
            let failed = Set(outcomes.filter { !$0.1 }.map(\.0))
            #expect(failed == Set((0..<40).filter { $0 % 7 == 3 }), "exactly the units that threw report their own error")
            let stored = Set(try await store.definedChannels(in: workspace.id).map(\.name.rawValue))
            #expect(stored == Set((0..<40).filter { $0 % 7 != 3 }.map { "c\($0)" }), "the others are committed, the failed ones are not")
        }
    }
}

@testable import CairnStore
import CairnTestSupport
import Testing
import SQLKit

/// Says out loud whether the PostgreSQL half of the suites ran.
@Suite("PostgreSQL")
struct PostgresAvailabilityTests {
    @Test("The PostgreSQL test server answers",
          .enabled(if: TestDatabase.postgresURL != nil,
                   "CAIRN_TEST_POSTGRES_URL is unset: store and server tests ran on SQLite only; their PostgreSQL cases were skipped"))
    func postgresAnswers() async throws {
        let version = try await TestDatabase.withStore(.postgres) { store in
            try await store.database.withConnection { sql in
                try await sql.raw("SELECT version() AS v").first()?.decode(column: "v", as: String.self)
            }
        }
        #expect(version?.hasPrefix("PostgreSQL") == true)
    }
}

@Suite("Work done once across servers")
struct ExclusiveRoundTests {
    @Test("A round of background work runs on one connection (one server) at a time; the others skip it")
    func oneAtATime() async throws {
        try await TestDatabase.withStore(.postgres) { store in
            async let first: Int? = store.exclusively("test-round") {
                try await Task.sleep(for: .milliseconds(600))
                return 1
            }
            try await Task.sleep(for: .milliseconds(150))
            let second = try await store.exclusively("test-round") { 2 }
            #expect(second == nil, "another connection holds the round")
            #expect(try await store.exclusively("another-round") { 3 } == 3, "other work is not held up")
            #expect(try await first == 1)
            #expect(try await store.exclusively("test-round") { 4 } == 4, "free again when the first round ended")
        }
    }
}

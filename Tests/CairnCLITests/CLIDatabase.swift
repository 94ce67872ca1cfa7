import CairnCore
import CairnStore
import CairnTestSupport
import Foundation
import Logging

/// A fresh SQLite file (`cairn.sqlite`) with one seeded workspace, in a temporary folder that goes afterwards.
func withCLIDatabase(named name: String, _ body: (URL, Store, SeededWorkspace) async throws -> Void) async throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let database = try CairnDatabase.open(.sqliteFile(path: folder.appendingPathComponent("cairn.sqlite").path), logger: Logger(label: "test"))
    let store = Store(database: database)
    do {
        _ = try await Migrator(database: database).migrate()
        let seeded = try await SeededWorkspace.create(named: name, in: store)
        try await body(folder, store, seeded)
        try await database.shutdown()
    } catch {
        try? await database.shutdown()
        throw error
    }
}

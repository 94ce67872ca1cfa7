import ArgumentParser
import CairnCore
import CairnEngine
import CairnStore
import Foundation
import Logging

/// Reads `CAIRN_…` environment variables; flags win over them, and they win over defaults.
enum Environment {
    static func value(_ name: String) -> String? {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else { return nil }
        return value
    }
}

/// A mistake the person running `cairn` can fix; printed as one line.
struct UsageProblem: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// `--database` and `--log-level`/`--log-format`, shared by every command that opens the database.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Database: an SQLite file path or a postgres:// URL (env CAIRN_DATABASE_URL; default cairn.sqlite).", valueName: "url"))
    var database: String?

    @Option(name: .long, help: ArgumentHelp("Log level: trace, debug, info, notice, warning, error, critical (env CAIRN_LOG_LEVEL; default info).", valueName: "level"))
    var logLevel: Logger.Level?

    @Option(name: .long, help: ArgumentHelp("Log format: text or json (env CAIRN_LOG_FORMAT; default text).", valueName: "format"))
    var logFormat: LogFormat?

    func location() throws -> DatabaseLocation {
        guard let text = database ?? Environment.value("CAIRN_DATABASE_URL") else { return .embeddedDefault }
        do { return try DatabaseLocation(parsing: text) } catch { throw UsageProblem(error.description) }
    }

    func resolvedLogLevel() throws -> Logger.Level {
        if let logLevel { return logLevel }
        guard let text = Environment.value("CAIRN_LOG_LEVEL") else { return .info }
        guard let level = Logger.Level(rawValue: text.lowercased()) else {
            throw UsageProblem("CAIRN_LOG_LEVEL=\(text) is not a log level. Use one of: \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        return level
    }

    func resolvedLogFormat() throws -> LogFormat {
        if let logFormat { return logFormat }
        guard let text = Environment.value("CAIRN_LOG_FORMAT") else { return .text }
        guard let format = LogFormat(rawValue: text.lowercased()) else { throw UsageProblem("CAIRN_LOG_FORMAT=\(text) is not a log format. Use text or json.") }
        return format
    }

    /// Sets up logging and opens the database, migrated to the newest schema, with the jobs migrations left done.
    func openStore(label: String = "cairn") async throws -> (Store, Logger) {
        let level = try resolvedLogLevel()
        Logs.bootstrap(level: level, format: try resolvedLogFormat())
        var logger = Logger(label: label)
        logger.logLevel = level
        let location = try location()
        let database: CairnDatabase
        do { database = try CairnDatabase.open(location, logger: logger) } catch { throw UsageProblem("Could not open the database \(location): \(error)") }
        do {
            let applied = try await Migrator(database: database).migrate()
            if !applied.isEmpty { logger.info("schema migrated", metadata: ["versions": "\(applied.map(String.init).joined(separator: ","))"]) }
            try await ScheduledJobs(store: Store(database: database), logger: logger).runPending()
        } catch let error as MigrationError {
            try? await database.shutdown()
            throw UsageProblem(error.description)
        } catch {
            try? await database.shutdown()
            throw UsageProblem("Could not prepare the database \(location): \(Self.reason(error)). Check the URL, that the server runs and that the user may create tables.")
        }
        return (Store(database: database), logger)
    }

    static func reason(_ error: any Error) -> String {
        let text = String(describing: error)
        return text.count > 300 ? String(text.prefix(300)) + "…" : text
    }
}

/// `--workspace`: which workspace a console command acts in (the only one, when there is just one).
struct WorkspaceOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Workspace id (default: the only workspace).", valueName: "id"))
    var workspace: String?

    func resolve(in store: Store) async throws -> Workspace {
        if let text = workspace {
            guard let id = WorkspaceID(text.lowercased()), let workspace = try await store.workspace(id: id) else {
                throw UsageProblem("No workspace has the id \(text). List them with: cairn workspace list")
            }
            return workspace
        }
        let all = try await store.allWorkspaces()
        switch all.count {
        case 0: throw UsageProblem("There is no workspace yet. Create one with: cairn workspace create --name \"Acme\"")
        case 1: return all[0]
        default: throw UsageProblem("There are \(all.count) workspaces; pick one with --workspace (ids: \(all.map(\.id.rawValue).joined(separator: ", "))).")
        }
    }
}

/// Prints a line for the person at the terminal and flushes at once, so notices such as a generated password are
/// never stuck in a buffer when output goes to a file or a pipe.
func say(_ text: String) {
    print(text)
    fflush(nil)
}

public import ArgumentParser
import CairnCore
import Foundation

/// `cairn`: the one binary.
public struct Cairn: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "cairn",
        abstract: "Cairn — a self-hosted customer experience platform.",
        version: "0.1.0",
        subcommands: [Serve.self, Demo.self, Migrate.self, Verify.self, WorkspaceCommand.self, UserCommand.self, KeyCommand.self, ProfileCommand.self, ImportCommand.self, ExportCommand.self, CLVCommand.self, Bench.self]
    )

    public init() {}

    /// Parses and runs; prints one friendly line for a mistake and returns the exit code.
    public static func run(arguments: [String]) async -> Int32 {
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            return 0
        } catch let exit as ExitCode {
            // The command has said what happened; only the status is left.
            return exit.rawValue
        } catch {
            let (line, code) = outcome(for: error)
            if code == 0 {
                print(line)
            } else {
                FileHandle.standardError.write(Data((line + "\n").utf8))
            }
            return code
        }
    }

    /// What to print for an error and with which exit code: help and version in full, mistakes as one line.
    static func outcome(for error: any Error) -> (String, Int32) {
        switch error {
        case let problem as UsageProblem: return ("cairn: \(problem.description)", 1)
        case let invalid as CairnCore.ValidationError: return ("cairn: \(invalid.summary)", 1)
        case let conflict as ConflictError: return ("cairn: \(conflict.detail)", 1)
        case let missing as NotFoundError: return ("cairn: No \(missing.kind) with id \(missing.id) exists in this workspace.", 1)
        case is CancellationError: return ("cairn: cancelled.", 1)
        default: break
        }
        if !(error is any CustomNSError) && String(describing: type(of: error)).hasPrefix("PSQL") {
            return ("cairn: database error: \(DatabaseOptions.reason(error))", 1)
        }
        let code = exitCode(for: error).rawValue
        if code == 0 { return (fullMessage(for: error), 0) }
        let message = message(for: error)
        let first = message.split(separator: "\n").first.map(String.init) ?? "Something went wrong."
        let hint = code == ExitCode.validationFailure.rawValue ? " (see cairn --help)" : ""
        return ("cairn: \(first.replacingOccurrences(of: "Error: ", with: ""))\(hint)", code)
    }
}

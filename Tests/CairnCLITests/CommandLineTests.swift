@testable import CairnCLI
import Testing
import ArgumentParser

@Suite("Command line")
struct CommandLineTests {
    @Test("Bad flags give one friendly line and a non-zero exit", arguments: [
        ["serve", "--port", "99999"],
        ["serve", "--bogus"],
        ["serve", "--log-format", "xml"],
        ["key", "create", "--kind", "public"],
        ["user", "create", "--email", "a@b.example", "--role", "owner"],
        ["frobnicate"],
    ])
    func badFlags(arguments: [String]) {
        do {
            _ = try Cairn.parseAsRoot(arguments)
            Issue.record("\(arguments) parsed")
        } catch {
            let (line, code) = Cairn.outcome(for: error)
            #expect(code != 0)
            #expect(!line.contains("\n"), "one line: \(line)")
            #expect(line.hasPrefix("cairn: "))
        }
    }

    @Test("Help is printed in full and exits zero")
    func help() throws {
        // `--help` parses into a help command whose run ends with the text, as `Cairn.run(arguments:)` runs it; a run
        // that ends without it would be a failure.
        let command = try Cairn.parseAsRoot(["serve", "--help"])
        let error = try #require(throws: (any Error).self) {
            var help = command
            try help.run()
        }
        let (text, code) = Cairn.outcome(for: error)
        #expect(code == 0)
        #expect(text.contains("--database") && text.contains("CAIRN_DATABASE_URL"))
    }

    @Test("A database URL of an unknown kind is refused in one line")
    func unknownDatabase() throws {
        let command = try Cairn.parseAsRoot(["migrate", "--database", "mysql://x"]) as? Migrate
        let options = try #require(command?.databaseOptions)
        #expect(throws: UsageProblem.self) { try options.location() }
    }
}

@testable import CairnCLI
import CairnCore
import CairnEngine
import CairnStore
import CairnTestSupport
import Foundation
import Logging
import Testing
import ArgumentParser

@Suite("cairn import events")
struct ImportTests {
    func withDatabase(_ body: (URL, Store, SeededWorkspace) async throws -> Void) async throws {
        try await withCLIDatabase(named: "Importer", body)
    }

    @Test("A CSV with a column mapping is imported; bad rows go to the rejects file with the reason; a second run stores nothing twice")
    func csvImport() async throws {
        try await withDatabase { folder, store, seeded in
            let csv = folder.appendingPathComponent("orders.csv")
            try Data("""
            \u{FEFF}Customer ID,Email,Event,When,Amount,Channel,Note\r
            c-1,ada@example.com,Order Completed,2025-01-02T10:00:00Z,19.90,store,"first, with ""quotes""\"\r
            c-2,,Order Completed,2025-01-03T10:00:00Z,abc,web,bad amount\r
            ,,Order Completed,2025-01-04T10:00:00Z,5,web,no id\r
            c-3,bob@example.com,Order Completed,2025-01-05T10:00:00Z,7,kiosk,"two
            lines"\r
            c-1,ada@example.com,Order Refunded,2025-01-06T10:00:00Z,19.90,store,\r

            """.utf8).write(to: csv)
            let arguments = ["import", "events", csv.path, "--database", folder.appendingPathComponent("cairn.sqlite").path, "--workspace", seeded.workspace.id.rawValue,
                             "--map", "userId=Customer ID", "--map", "traits.email=Email", "--map", "event=Event", "--map", "timestamp=When",
                             "--map", "properties.amount:number=Amount", "--map", "context.channel=Channel", "--batch-size", "2"]
            #expect(await Cairn.run(arguments: arguments) == 3, "some rows were rejected")
            let events = try await store.events(in: seeded.workspace.id, after: nil, limit: 50).items
            #expect(events.count == 2)
            let refund = try #require(events.first { $0.name == "Order Refunded" })
            #expect(refund.channel == .store && refund.userID == "c-1" && refund.timestamp == Timestamp.parse("2025-01-06T10:00:00Z"))
            #expect(refund.payload["properties"]?["amount"] == .double(19.9))
            #expect(refund.profileID != nil, "identities are resolved at the end of the import")

            let rejects = try String(contentsOf: folder.appendingPathComponent("orders.csv.rejects.csv"), encoding: .utf8)
            let lines = rejects.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.first == "Customer ID,Email,Event,When,Amount,Channel,Note,cairn_line,cairn_reject_reason")
            #expect(rejects.contains(#"c-2,,Order Completed,2025-01-03T10:00:00Z,abc,web,bad amount,3,"Amount: ""abc"" is not a number"#))
            #expect(rejects.contains(",4,userId: Send a userId or an anonymousId"))
            #expect(rejects.contains("\"two\nlines\",5,context.channel: kiosk is not a channel of this workspace"))

            // Fixed and imported again: the already stored rows are recognised, the fixed ones stored.
            _ = try await Administration(store: store, passwordHasher: testPasswordHasher).defineChannel("kiosk", label: "Kiosk", by: seeded.principal(.admin), origin: .console)
            #expect(await Cairn.run(arguments: arguments) == 3)
            #expect(try await store.countEvents(in: seeded.workspace.id) == 3, "only the row with the now-defined channel is new")
        }
    }

    @Test("NDJSON lines are tracking messages; unreadable lines are rejected, text is kept exactly")
    func ndjsonImport() async throws {
        try await withDatabase { folder, store, seeded in
            let file = folder.appendingPathComponent("events.ndjson")
            try Data(#"""
            {"type":"identify","userId":"n-1","traits":{"name":"Nia \ud83d\ude00","email":"NIA@example.com"},"timestamp":"2025-02-01T00:00:00.123456+02:00"}

            not json
            {"type":"track","userId":"n-1","event":"Viewed","messageId":"m-1","context":{"channel":"app"}}
            {"type":"bogus"}
            """#.utf8).write(to: file)
            let rejectsPath = folder.appendingPathComponent("bad.ndjson").path
            let code = await Cairn.run(arguments: ["import", "events", file.path, "--database", folder.appendingPathComponent("cairn.sqlite").path,
                                                   "--rejects", rejectsPath])
            #expect(code == 3)
            let profile = try #require(try await store.profileID(for: Identifier(kind: .email, value: "nia@example.com"), in: seeded.workspace.id))
            let stored = try #require(try await store.profile(id: profile, in: seeded.workspace.id)).profile
            #expect(stored.traits["name"]?.value == .string("Nia 😀"))
            #expect(try await store.event(messageID: "m-1", in: seeded.workspace.id)?.channel == .app)
            let rejects = try String(contentsOfFile: rejectsPath, encoding: .utf8).split(separator: "\n").map { line in
                try JSONDecoder().decode(JSONValue.self, from: Data(line.utf8))
            }
            #expect(rejects.map { $0["line"] } == [.integer(3), .integer(5)])
            #expect(rejects.first?["record"] == .string("not json"))
            #expect(rejects.last?["reason"]?.stringValue?.contains("type: Use one of") == true)

            // Everything fine: exit status 0, and no rejects file is left behind.
            let good = folder.appendingPathComponent("good.ndjson")
            try Data(#"{"type":"page","anonymousId":"v-9","name":"Home"}"#.utf8).write(to: good)
            #expect(await Cairn.run(arguments: ["import", "events", good.path, "--database", folder.appendingPathComponent("cairn.sqlite").path]) == 0)
            #expect(!FileManager.default.fileExists(atPath: good.path + ".rejects.ndjson"))
        }
    }

    @Test("Mistakes in the command are one line and change nothing", arguments: [
        (["--map", "shoeSize=Size"], "not a message field"),
        (["--map", "userId=Nope"], "no column \"Nope\""),
        (["--map", "properties.x:date=Amount"], "number, boolean or string"),
    ])
    func mistakes(extra: [String], message: String) async throws {
        try await withDatabase { folder, store, seeded in
            let csv = folder.appendingPathComponent("x.csv")
            try Data("userId,event,Amount\nu,E,1\n".utf8).write(to: csv)
            let command = try #require(try Cairn.parseAsRoot(["import", "events", csv.path, "--database", folder.appendingPathComponent("cairn.sqlite").path] + extra)
                as? ImportCommand.Events)
            do {
                try await command.run()
                Issue.record("\(extra) was accepted")
            } catch {
                let (line, code) = Cairn.outcome(for: error)
                #expect(code == 1)
                #expect(line.hasPrefix("cairn: ") && line.contains(message) && !line.contains("\n"), "\(line)")
            }
            #expect(try await store.countEvents(in: seeded.workspace.id) == 0)
        }
    }
}

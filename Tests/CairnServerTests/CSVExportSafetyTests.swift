import CairnCore
import CairnEngine
import CairnStore
import CairnTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// What a customer or a client writes can reach a spreadsheet through an export; no cell of any export may start a
/// formula (`=`, `+`, `-`, `@`) unless it is a plain number.
@Suite("CSV exports cannot run formulas")
struct CSVExportSafetyTests {
    /// Every cell of a CSV text (RFC 4180, as the exports write it).
    static func cells(_ text: String) -> [String] {
        var cells: [String] = [], current = "", quoted = false
        var characters = Array(text.unicodeScalars)[...]
        while let c = characters.popFirst() {
            if quoted {
                if c == "\"" { if characters.first == "\"" { current.unicodeScalars.append(characters.removeFirst()) } else { quoted = false } }
                else { current.unicodeScalars.append(c) }
            } else if c == "\"" { quoted = true }
            else if c == "," || c == "\n" || c == "\r" { cells.append(current); current = "" }
            else { current.unicodeScalars.append(c) }
        }
        cells.append(current)
        return cells
    }

    static func formulas(in text: String) -> [String] {
        cells(text).filter { cell in
            guard let first = cell.unicodeScalars.first, "=+-@".unicodeScalars.contains(first) else { return false }
            return Double(cell) == nil
        }
    }

    @Test("A survey answer and a product name that start formulas come out neutralised in the responses, units-sold and audit exports",
          arguments: TestDatabase.engines)
    func exports(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let manager = h.a.secretKeys[.manager]!
            let evil = #"=HYPERLINK("http://evil.example","click")"#
            _ = try await h.api(.post, "/api/v1/products", key: manager, json: #"{"sku":"SUM","name":"@SUM(1+1)*cmd","category":"+cat","price":"5.00","currency":"EUR"}"#)
            let order = try await h.api(.post, "/api/v1/orders", key: manager,
                                        json: #"{"orderId":"-1+2","currency":"EUR","channel":"web","lines":[{"sku":"SUM","quantity":2}]}"#)
            #expect(order.status == .created, "\(order.text)")
            let survey = try await h.api(.post, "/api/v1/surveys", key: manager, json: #"{"template":"relationship_nps"}"#).json()
            let id = try #require(survey["id"] as? String), token = try #require((survey["link"] as? String)?.dropFirst(3)).description
            _ = try await h.api(.post, "/api/v1/surveys/\(id)/status", key: manager, json: #"{"status":"published"}"#)
            let answer = try JSONSerialization.data(withJSONObject: ["writeKey": h.a.writeKey, "answers": ["nps": 3, "why": evil]])
            let posted = try await h.client.execute(uri: "/v1/surveys/\(token)/responses", method: .post, headers: [.contentType: "text/plain"],
                                                    body: ByteBuffer(bytes: Array(answer)))
            #expect(posted.status == .created)

            var browser = try await h.signIn(h.a.users[.admin]!.email)
            let (_, responses) = try await browser.get("/feedback/responses.csv")
            #expect(responses.contains("'=HYPERLINK"), "the answer is there, neutralised")
            let (_, units) = try await browser.get("/commerce/units-sold.csv?by=product&period=day")
            #expect(units.contains("'@SUM(1+1)*cmd"))
            let (_, byCategory) = try await browser.get("/commerce/units-sold.csv?by=category&period=day")
            #expect(byCategory.contains("'+cat"))
            let api = try await h.api(.get, "/api/v1/reports/units-sold?by=product&format=csv", key: manager)
            #expect(api.text.contains("'@SUM(1+1)*cmd"))
            _ = try await h.api(.post, "/api/v1/keys", key: h.a.secretKeys[.admin]!, json: #"{"kind":"secret","role":"viewer","name":"=cmd|' /C calc'!A0"}"#)
            let audit = String(buffer: try await browser.submit(on: "/settings/audit", to: "/settings/audit/export", form: [:]).body)
            for (name, text) in [("responses", responses), ("units by product", units), ("units by category", byCategory), ("units API", api.text), ("audit", audit)] {
                #expect(Self.formulas(in: text).isEmpty, "\(name): \(Self.formulas(in: text))")
            }
        }
    }

    @Test("A customer whose id and traits start formulas comes out neutralised in the profiles export (cairn export profiles)",
          arguments: TestDatabase.engines)
    func profilesExport(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let key = try #require(try await Authenticator(store: h.store, configuration: .init(passwordHasher: testPasswordHasher)).key(token: h.a.writeKey, kind: .write))
            let identify = try JSONDecoder().decode(JSONValue.self, from: Data(#"{"userId":"=1+1","traits":{"name":"@SUM(1)","plan":"-cmd"}}"#.utf8)).objectValue!
            _ = try await Ingestor(store: h.store).ingest([try TrackingMessage.parse(identify, kind: .identify, makeMessageID: { "formula-1" }).get()], key: key)
            try await IdentityResolver(store: h.store).resolvePending(in: h.a.workspace.id)
            var lines: [String] = []
            _ = try await CustomerRecords(store: h.store).exportProfiles(format: .csv, for: h.a.principal(.admin), origin: .console) { lines.append($0) }
            let text = lines.joined(separator: "\n")
            #expect(text.contains("'=1+1"), "the id is there, neutralised")
            #expect(Self.formulas(in: text).isEmpty, "\(Self.formulas(in: text))")
        }
    }
}

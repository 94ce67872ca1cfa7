import CairnCore
import CairnEngine
@testable import CairnStore
import CairnTestSupport
import Foundation
import Testing

@Suite("Erasure")
struct ErasureTests {
    @Test("Erasing a profile leaves neither email nor name anywhere in the SQLite file")
    func nothingLeftInTheFile() async throws {
        try await TestDatabase.withStore(.sqlite) { (store: Store) async throws in
            let seeded = try await SeededWorkspace.create(named: "Erase", in: store)
            let key = try #require(try await Authenticator(store: store, configuration: .init(passwordHasher: testPasswordHasher)).key(token: seeded.writeKey, kind: .write))
            let rig = IdentityResolverTests.Rig(store: store, seeded: seeded, key: key, ingestor: Ingestor(store: store), resolver: IdentityResolver(store: store))
            let email = "wilhelmina.zygmunt@example.org", name = "Wilhelmina Zygmuntowicz"
            try await rig.send([
                #"{"type":"page","anonymousId":"anon-wz","name":"Home","context":{"ip":"203.0.113.9","userAgent":"WZBrowser/1.0","traits":{"name":"\#(name)"}}}"#,
                #"{"type":"identify","userId":"wz-1","anonymousId":"anon-wz","traits":{"email":"\#(email)","name":"\#(name)","phone":"+48 601 234 567"},"context":{"consent":{"categoryPreferences":{"marketing_email":true},"legalBasis":"Form signed by \#(name)"}}}"#,
                #"{"type":"track","userId":"wz-1","event":"Order Completed","properties":{"total":99.5,"items":2,"giftMessage":"For \#(name)"}}"#,
            ])
            let profile = try #require(try await rig.profile(.email, email))
            let scrubbed = try await Erasure(store: store).erase(profile.id, by: seeded.principal(.admin), origin: .console)
            #expect(scrubbed == 3)

            // When erase returns, neither the database file nor its write-ahead log holds the person: no manual step.
            guard case .sqliteFile(let path) = store.location else { Issue.record("not a file"); return }
            func files() throws -> Data {
                var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
                if let wal = try? Data(contentsOf: URL(fileURLWithPath: path + "-wal")) { bytes += wal }
                return bytes
            }
            let atReturn = try files()
            for secret in [email, name, "Wilhelmina", "anon-wz", "wz-1", "+48601234567", "203.0.113.9", "WZBrowser"] {
                #expect(atReturn.range(of: Data(secret.utf8)) == nil, "\(secret) is still in the database files when erase returns")
            }
            #expect(atReturn.range(of: Data("Order Completed".utf8)) != nil, "the scan reads real content")

            // Aggregates stay: three events, the order's amount, channels and times.
            let events = try await store.events(in: seeded.workspace.id, matching: EventFilter(profileID: profile.id), after: nil, limit: 10).items
            #expect(events.count == 3)
            #expect(events.first { $0.name == "Order Completed" }?.payload["properties"]?["total"] == .double(99.5))
            #expect(events.allSatisfy { $0.userID == nil && $0.anonymousID == nil })
            let after = try #require(try await store.profile(id: profile.id, in: seeded.workspace.id))
            #expect(after.profile.identifiers.isEmpty && after.profile.traits.isEmpty)
            #expect(try await store.auditLog(in: seeded.workspace.id, after: nil, limit: 50).items.contains { $0.action == .dataErased && $0.target == "profile:\(profile.id)" })

            // A later event with the erased email builds no new profile.
            try await rig.send([#"{"type":"identify","anonymousId":"new-device","traits":{"email":"\#(email.uppercased())"}}"#])
            #expect(try await rig.profile(.anonymousID, "new-device") == nil)
            #expect(try await store.events(in: seeded.workspace.id, matching: EventFilter(profileID: profile.id), after: nil, limit: 10).items.count == 4)

            // The later event arrived with the email in it; once resolved and compacted, that is gone too.
            try await store.compact()
            let bytes = try files()
            for secret in [email, email.uppercased(), name, "Wilhelmina", "anon-wz", "wz-1", "+48601234567", "203.0.113.9", "WZBrowser"] {
                #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(secret) is still in the database file")
            }
            #expect(bytes.range(of: Data("Order Completed".utf8)) != nil, "the scan reads real content")
        }
    }

    @Test("Customers export as CSV and NDJSON, and the export is audited", arguments: TestDatabase.engines)
    func profilesExport(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { (store: Store) async throws in
            let seeded = try await SeededWorkspace.create(named: "Export", in: store)
            _ = try await seeded.customer(in: store)
            _ = try await seeded.customer(in: store, named: "second")
            let records = CustomerRecords(store: store)
            var csv: [String] = []
            #expect(try await records.exportProfiles(format: .csv, for: seeded.principal(.manager), origin: .console) { csv.append($0) } == 2)
            // With the value columns (empty until the customer is scored).
            #expect(csv.first == "id,user_id,email,phone,first_seen_at,last_seen_at,channels,traits,value_tier,value,value_lower,value_upper,value_currency,"
                    + "p_alive,expected_purchases_90d,expected_purchases_365d")
            #expect(csv.dropFirst().allSatisfy { $0.hasSuffix(",,,,,,,,") })
            #expect(csv.dropFirst().contains { $0.contains(",customer-export,customer1@export.example,") })
            var lines: [String] = []
            _ = try await records.exportProfiles(format: .ndjson, for: seeded.principal(.admin), origin: .console) { lines.append($0) }
            #expect(try lines.allSatisfy { try JSONSerialization.jsonObject(with: Data($0.utf8)) is [String: Any] })
            await #expect(throws: AccessError.forbidden(.dataExport)) {
                _ = try await records.exportProfiles(format: .csv, for: seeded.principal(.agent), origin: .console) { _ in }
            }
            #expect(try await store.auditLog(in: seeded.workspace.id, after: nil, limit: 50).items.filter { $0.action == .dataExported }.count == 2)
        }
    }

    @Test("An erased person's identifiers build no new profile until the workspace releases them", arguments: TestDatabase.engines)
    func releaseAfterErasure(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { (store: Store) async throws in
            let seeded = try await SeededWorkspace.create(named: "Release", in: store)
            let key = try #require(try await Authenticator(store: store, configuration: .init(passwordHasher: testPasswordHasher)).key(token: seeded.writeKey, kind: .write))
            func send(_ json: String) async throws {
                let object = try JSONDecoder().decode(JSONValue.self, from: Data(json.utf8)).objectValue!
                _ = try await Ingestor(store: store).ingest([try TrackingMessage.parse(object, kind: nil, makeMessageID: { UUID().uuidString }).get()], key: key)
                while try await IdentityResolver(store: store).resolvePending(in: seeded.workspace.id) > 0 {}
            }
            try await send(#"{"type":"identify","userId":"back-again","traits":{"email":"Back@Example.com","name":"Bea"}}"#)
            let erased = try #require(try await store.profileID(for: Identifier(kind: .userID, value: "back-again"), in: seeded.workspace.id))
            let erasure = Erasure(store: store)
            try await erasure.erase(erased, by: seeded.principal(.admin), origin: .console)

            try await send(#"{"type":"identify","traits":{"email":"back@example.com","name":"Bea"},"anonymousId":"new-device"}"#)
            #expect(try await store.countProfiles(in: seeded.workspace.id) == 1, "the event joined the erased profile")
            #expect(try await store.profileID(for: Identifier(kind: .email, value: "back@example.com"), in: seeded.workspace.id) == nil)

            await #expect(throws: AccessError.forbidden(.dataErase)) {
                try await erasure.release(Identifier(kind: .email, value: "back@example.com"), by: seeded.principal(.manager), origin: .console)
            }
            await #expect(throws: NotFoundError.self) {
                try await erasure.release(Identifier(kind: .email, value: "never@example.com"), by: seeded.principal(.admin), origin: .console)
            }
            // Any spelling of the address releases it.
            try await erasure.release(Identifier(kind: .email, value: " BACK@example.com "), by: seeded.principal(.admin), origin: .console)
            try await send(#"{"type":"identify","anonymousId":"device-3","traits":{"email":"back@example.com","name":"Bea"}}"#)
            let fresh = try #require(try await store.profileID(for: Identifier(kind: .email, value: "back@example.com"), in: seeded.workspace.id))
            #expect(fresh != erased)
            #expect(try await store.countProfiles(in: seeded.workspace.id) == 2)
            #expect(try await store.profile(id: erased, in: seeded.workspace.id)?.profile.identifiers.isEmpty == true, "the erased profile stays erased")
            // The user id was not released: it still leads to the erased person.
            try await send(#"{"type":"track","userId":"back-again","event":"Visit"}"#)
            #expect(try await store.profileID(for: Identifier(kind: .userID, value: "back-again"), in: seeded.workspace.id) == nil)
            let audit = try await store.auditLog(in: seeded.workspace.id, after: nil, limit: 50).items
            let entry = try #require(audit.first { $0.action == .erasureReleased })
            #expect(entry.target == "identifier:email" && !String(describing: entry).contains("back@example.com"))
        }
    }

    @Test("Only administrators erase; other workspaces' profiles are out of reach", arguments: TestDatabase.engines)
    func permissions(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { (store: Store) async throws in
            let a = try await SeededWorkspace.create(named: "EraseA", in: store)
            let b = try await SeededWorkspace.create(named: "EraseB", in: store)
            let customerOfB = try await b.customer(in: store)
            let erasure = Erasure(store: store)
            await #expect(throws: AccessError.forbidden(.dataErase)) { try await erasure.erase(customerOfB, by: b.principal(.manager), origin: .console) }
            await #expect(throws: NotFoundError.self) { try await erasure.erase(customerOfB, by: a.principal(.admin), origin: .console) }
            #expect(try await store.profile(id: customerOfB, in: b.workspace.id)?.profile.identifiers.isEmpty == false)
        }
    }
}

import CairnCore
import CairnEngine
@testable import CairnStore
import CairnTestSupport
import Foundation
import Testing
import Logging

@Suite("Identity resolution and the golden record")
struct IdentityResolverTests {
    struct Rig: Sendable {
        var store: Store
        var seeded: SeededWorkspace
        var key: APIKey
        var ingestor: Ingestor
        var resolver: IdentityResolver

        var workspace: WorkspaceID { seeded.workspace.id }

        /// Sends messages as a tracking client would and resolves them.
        func send(_ messages: [String]) async throws {
            let parsed = try messages.map { json in
                let object = try JSONDecoder().decode(JSONValue.self, from: Data(json.utf8)).objectValue!
                return try TrackingMessage.parse(object, kind: nil, makeMessageID: { UUID().uuidString }).get()
            }
            _ = try await ingestor.ingest(parsed, key: key)
            while try await resolver.resolvePending(in: workspace) > 0 {}
        }

        func profile(_ kind: Identifier.Kind, _ value: String) async throws -> Profile? {
            guard let id = try await store.profileID(for: Identifier(kind: kind, value: value), in: workspace) else { return nil }
            return try await store.profile(id: id, in: workspace)?.profile
        }
    }

    func withRig(_ engine: DatabaseEngine, _ body: @escaping @Sendable (Rig) async throws -> Void) async throws {
        try await TestDatabase.withStore(engine) { (store: Store) async throws in
            let seeded = try await SeededWorkspace.create(named: "Ident", in: store)
            let key = try #require(try await Authenticator(store: store, configuration: .init(passwordHasher: testPasswordHasher)).key(token: seeded.writeKey, kind: .write))
            try await body(Rig(store: store, seeded: seeded, key: key, ingestor: Ingestor(store: store), resolver: IdentityResolver(store: store)))
        }
    }

    @Test("An identify ties its ids, email and traits to one profile, with provenance", arguments: TestDatabase.engines)
    func identifyBuildsAProfile(engine: DatabaseEngine) async throws {
        try await withRig(engine) { rig in
            try await rig.send([#"{"type":"identify","userId":"u1","anonymousId":"a1","traits":{"email":" Ada@Example.COM ","name":"Ada","phone":"+44 20 7946 0958"},"timestamp":"2026-01-01T10:00:00Z","context":{"channel":"app","externalIds":[{"id":"C-77","type":"crm_id"}]}}"#])
            let profile = try #require(try await rig.profile(.email, "ada@example.com"))
            #expect(Set(profile.identifiers.map(\.description)) == ["user_id:u1", "anonymous_id:a1", "email:ada@example.com", "phone:+442079460958", "ext:crm_id:C-77"])
            let name = try #require(profile.traits["name"])
            #expect(name.value == .string("Ada") && name.channel == .app && name.sourceID == rig.key.sourceID)
            #expect(profile.channels == [.app])
            #expect(profile.firstSeenAt == Timestamp.parse("2026-01-01T10:00:00Z"))
            let events = try await rig.store.events(in: rig.workspace, matching: EventFilter(profileID: profile.id), after: nil, limit: 10).items
            #expect(events.count == 1 && events.first?.traitsEventID == name.eventID)
        }
    }

    @Test("An event linking two profiles merges them and records why", arguments: TestDatabase.engines)
    func linkingMerges(engine: DatabaseEngine) async throws {
        try await withRig(engine) { rig in
            try await rig.send([
                #"{"type":"page","anonymousId":"visitor-9","name":"Pricing","timestamp":"2026-01-01T09:00:00Z"}"#,
                #"{"type":"identify","userId":"u2","traits":{"plan":"pro"},"timestamp":"2026-01-02T09:00:00Z","context":{"channel":"store"}}"#,
            ])
            #expect(try await rig.store.countProfiles(in: rig.workspace) == 2)
            let before = try #require(try await rig.profile(.anonymousID, "visitor-9"))
            try await rig.send([#"{"type":"track","userId":"u2","anonymousId":"visitor-9","event":"Signed Up","timestamp":"2026-01-03T09:00:00Z"}"#])
            #expect(try await rig.store.countProfiles(in: rig.workspace) == 1)
            let merged = try #require(try await rig.profile(.userID, "u2"))
            #expect(merged.identifiers.contains(Identifier(kind: .anonymousID, value: "visitor-9")))
            #expect(merged.firstSeenAt == Timestamp.parse("2026-01-01T09:00:00Z"), "the earliest first-seen survives")
            #expect(Set(merged.channels) == [.web, .store])
            #expect(merged.traits["plan"]?.value == .string("pro"))
            let events = try await rig.store.events(in: rig.workspace, matching: EventFilter(profileID: merged.id), after: nil, limit: 10).items
            #expect(events.count == 3, "the visitor's page view moved to the merged profile")
            let merges = try await rig.store.merges(of: merged.id, in: rig.workspace)
            #expect(merges.count == 1 && merges.first?.refusal == nil)
            #expect(Set([merges.first?.mergedID, merges.first?.survivorID]) == Set([before.id, merged.id]))
            // The old id still leads to the record.
            let old = try #require(try await rig.store.profile(id: before.id == merged.id ? merges.first!.mergedID : before.id, in: rig.workspace))
            #expect(old.profile.id == merged.id)
        }
    }

    @Test("A shared device does not merge two people: the refusal is recorded", arguments: TestDatabase.engines)
    func sharedDeviceIsRefused(engine: DatabaseEngine) async throws {
        try await withRig(engine) { rig in
            try await rig.send([#"{"type":"identify","userId":"alice","anonymousId":"family-tablet","traits":{"email":"alice@example.com"}}"#])
            try await rig.send([#"{"type":"identify","userId":"bob","anonymousId":"family-tablet","traits":{"email":"bob@example.com"}}"#])
            let alice = try #require(try await rig.profile(.userID, "alice"))
            let bob = try #require(try await rig.profile(.userID, "bob"))
            #expect(alice.id != bob.id)
            #expect(bob.traits["email"]?.value == .string("bob@example.com"))
            #expect(alice.traits["email"]?.value == .string("alice@example.com"), "alice keeps her traits")
            let refusals = try await rig.store.merges(of: bob.id, in: rig.workspace).filter { $0.refusal != nil }
            #expect(refusals.count == 1)
            #expect(refusals.first?.refusal?.contains("user_id limit 1") == true)
        }
    }

    @Test("A workspace's own identity policy decides what may merge", arguments: TestDatabase.engines)
    func workspacePolicy(engine: DatabaseEngine) async throws {
        try await withRig(engine) { rig in
            let admin = Administration(store: rig.store, passwordHasher: testPasswordHasher)
            _ = try await admin.setIdentityPolicy(limits: ["user_id": 1, "email": 2], by: rig.seeded.principal(.admin), origin: .console)
            try await rig.send([#"{"type":"identify","userId":"two-mails","traits":{"email":"work@example.com"}}"#])
            try await rig.send([#"{"type":"identify","userId":"two-mails","traits":{"email":"home@example.com"}}"#])
            let profile = try #require(try await rig.profile(.userID, "two-mails"))
            #expect(profile.identifiers.filter { $0.kind == .email }.count == 2, "a second email is allowed by this workspace")
            await #expect(throws: ValidationError.self) {
                _ = try await admin.setIdentityPolicy(limits: ["shoe_size": 1, "email": 0], by: rig.seeded.principal(.admin), origin: .console)
            }
            await #expect(throws: AccessError.forbidden(.workspaceManage)) {
                _ = try await admin.setIdentityPolicy(limits: [:], by: rig.seeded.principal(.manager), origin: .console)
            }
            #expect(try await admin.identityPolicy(for: rig.seeded.principal(.viewer)).limits == ["user_id": 1, "email": 2])
        }
    }

    @Test("The latest observation of a trait wins, whatever order events arrive in", arguments: TestDatabase.engines)
    func latestTraitWins(engine: DatabaseEngine) async throws {
        try await withRig(engine) { rig in
            try await rig.send([#"{"type":"identify","userId":"u3","traits":{"city":"Berlin"},"timestamp":"2026-03-01T00:00:00Z"}"#])
            try await rig.send([#"{"type":"identify","userId":"u3","traits":{"city":"Hamburg"},"timestamp":"2026-01-01T00:00:00Z"}"#])
            #expect(try await rig.profile(.userID, "u3")?.traits["city"]?.value == .string("Berlin"))
            try await rig.send([#"{"type":"identify","userId":"u3","traits":{"city":"Munich"},"timestamp":"2026-04-01T00:00:00Z","context":{"channel":"call_center"}}"#])
            let city = try #require(try await rig.profile(.userID, "u3")?.traits["city"])
            #expect(city.value == .string("Munich") && city.channel == .callCenter)
        }
    }

    @Test("A per-trait source priority beats recency; other traits keep the latest value", arguments: TestDatabase.engines)
    func traitSourcePriority(engine: DatabaseEngine) async throws {
        try await withRig(engine) { rig in
            let admin = Administration(store: rig.store, passwordHasher: testPasswordHasher)
            let principal = rig.seeded.principal(.admin)
            let crm = try await admin.createSource(name: "CRM", defaultChannel: .callCenter, rateLimit: nil, by: principal, origin: .console)
            let crmKey = try await admin.createKey(kind: .write, name: "crm", role: nil, source: crm.id, by: principal, origin: .console)
            let crmRig = Rig(store: rig.store, seeded: rig.seeded,
                             key: try #require(try await Authenticator(store: rig.store, configuration: .init(passwordHasher: testPasswordHasher))
                                 .key(token: crmKey.token, kind: .write)),
                             ingestor: rig.ingestor, resolver: rig.resolver)
            let policy = try await admin.setIdentityPolicy(limits: nil, traitSourcePriority: ["name": [crm.id.rawValue]], by: principal, origin: .console)
            #expect(policy.limits == IdentityPolicy().limits, "limits left out stay as they were")

            try await crmRig.send([#"{"type":"identify","userId":"p1","traits":{"name":"Ada King","city":"London"},"timestamp":"2026-03-01T00:00:00Z"}"#])
            // Later values from the web source: the name stays the CRM's, the city moves on.
            try await rig.send([#"{"type":"identify","userId":"p1","traits":{"name":"ada k","city":"Leeds"},"timestamp":"2026-04-01T00:00:00Z"}"#])
            var profile = try #require(try await rig.profile(.userID, "p1"))
            #expect(profile.traits["name"]?.value == .string("Ada King") && profile.traits["name"]?.sourceID == crm.id)
            #expect(profile.traits["city"]?.value == .string("Leeds"))
            // The trusted source's later value replaces its own earlier one.
            try await crmRig.send([#"{"type":"identify","userId":"p1","traits":{"name":"Ada Lovelace"},"timestamp":"2026-05-01T00:00:00Z"}"#])
            profile = try #require(try await rig.profile(.userID, "p1"))
            #expect(profile.traits["name"]?.value == .string("Ada Lovelace"))

            // Merging two profiles applies the same rule.
            try await rig.send([#"{"type":"identify","anonymousId":"x9","traits":{"name":"Web Name"},"timestamp":"2026-06-01T00:00:00Z"}"#])
            try await rig.send([#"{"type":"track","anonymousId":"x9","userId":"p1","event":"Signed In","timestamp":"2026-06-02T00:00:00Z"}"#])
            profile = try #require(try await rig.profile(.anonymousID, "x9"))
            #expect(profile.identifiers.contains(Identifier(kind: .userID, value: "p1")))
            #expect(profile.traits["name"]?.value == .string("Ada Lovelace"))

            let error = await #expect(throws: ValidationError.self) {
                _ = try await admin.setIdentityPolicy(limits: nil, traitSourcePriority: ["name": [SourceID.generate().rawValue], "": []], by: principal, origin: .console)
            }
            #expect(Set(error?.issues.map(\.field) ?? []) == ["traitSourcePriority.name[0]", "traitSourcePriority."])
            #expect(try await admin.identityPolicy(for: principal).traitSourcePriority == ["name": [crm.id]], "a refused change changes nothing")
        }
    }

    @Test("alias ties a previous id to a user id", arguments: TestDatabase.engines)
    func aliasLinks(engine: DatabaseEngine) async throws {
        try await withRig(engine) { rig in
            try await rig.send([#"{"type":"track","anonymousId":"anon-5","event":"Added to Cart"}"#])
            try await rig.send([#"{"type":"alias","previousId":"anon-5","userId":"u5"}"#])
            let profile = try #require(try await rig.profile(.userID, "u5"))
            #expect(profile.identifiers.contains(Identifier(kind: .anonymousID, value: "anon-5")))
            #expect(try await rig.store.countProfiles(in: rig.workspace) == 1)
        }
    }

    @Test("Parallel ingestion by two servers sharing one database ends with one consistent profile", arguments: TestDatabase.engines)
    func concurrentResolution(engine: DatabaseEngine) async throws {
        try await withRig(engine) { rig in
            // A second pool on the same database plays the second `cairn serve` process.
            let second = try CairnDatabase.open(rig.store.database.location, logger: .init(label: "second"))
            let other = Rig(store: Store(database: second), seeded: rig.seeded, key: rig.key, ingestor: Ingestor(store: Store(database: second)),
                            resolver: IdentityResolver(store: Store(database: second)))
            do {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for index in 0..<24 {
                        let side = index.isMultiple(of: 2) ? rig : other
                        group.addTask {
                            // Every message links the person's user id with a device id of its own and sets a trait of its own.
                            try await side.send([#"{"type":"identify","userId":"crowd","anonymousId":"device-\#(index)","traits":{"t\#(index)":\#(index)}}"#])
                        }
                    }
                    try await group.waitForAll()
                }
                try await second.shutdown()
            } catch {
                try? await second.shutdown()
                throw error
            }
            #expect(try await rig.store.countProfiles(in: rig.workspace) == 1)
            let profile = try #require(try await rig.profile(.userID, "crowd"))
            #expect(profile.identifiers.filter { $0.kind == .anonymousID }.count == 24)
            #expect(profile.traits.count == 24, "no trait was lost")
            let events = try await rig.store.events(in: rig.workspace, matching: EventFilter(profileID: profile.id), after: nil, limit: 100).items
            #expect(events.count == 24)
        }
    }
}

extension Event {
    /// The id of this event, for comparing with a trait's provenance.
    var traitsEventID: EventID { id }
}

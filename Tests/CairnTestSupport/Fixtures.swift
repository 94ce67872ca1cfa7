public import CairnCore
public import CairnEngine
public import CairnStore
public import Foundation

/// A clock that tests move by hand.
public final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    public init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) {
        self.current = start
    }

    public var now: Date { lock.withLock { current } }

    public func advance(by seconds: TimeInterval) {
        lock.withLock { current = current.addingTimeInterval(seconds) }
    }

    public var source: DateSource { DateSource { [self] in self.now } }
}

/// bcrypt at its minimum cost so tests stay fast; the algorithm is the same.
public let testPasswordHasher = PasswordHasher(cost: 4)

/// A workspace with one user per role, each with a known password, plus one secret key per role.
public struct SeededWorkspace: Sendable {
    public var workspace: Workspace
    public var users: [Role: User]
    public var secretKeys: [Role: String]
    public var writeKey: String
    public static let password = "correct horse battery staple"

    public init(workspace: Workspace, users: [Role: User], secretKeys: [Role: String], writeKey: String) {
        self.workspace = workspace
        self.users = users
        self.secretKeys = secretKeys
        self.writeKey = writeKey
    }

    /// A customer of the workspace (tracked through its write key and resolved on first use), for customer routes.
    public func customer(in store: Store, named name: String? = nil) async throws -> ProfileID {
        let slug = name ?? workspace.name.lowercased().filter(\.isLetter)
        let userID = Identifier(kind: .userID, value: "customer-\(slug)")
        if let id = try await store.profileID(for: userID, in: workspace.id) { return id }
        let key = try await Authenticator(store: store, configuration: .init(passwordHasher: testPasswordHasher)).key(token: writeKey, kind: .write)!
        let identify = try JSONDecoder().decode(JSONValue.self, from: Data(#"{"userId":"customer-\#(slug)","traits":{"email":"customer1@\#(slug).example","name":"Customer of \#(workspace.name)"}}"#.utf8)).objectValue!
        _ = try await Ingestor(store: store).ingest([try TrackingMessage.parse(identify, kind: .identify, makeMessageID: { "seed-\(slug)-\(workspace.id)" }).get()], key: key)
        try await IdentityResolver(store: store).resolvePending(in: workspace.id)
        return try await store.profileID(for: userID, in: workspace.id)!
    }

    /// A product of the workspace's catalogue (made through the engine on first use), for product routes.
    public func product(in store: Store) async throws -> ProductID {
        let sku = "SEED-\(workspace.name.uppercased().filter(\.isLetter))"
        if let held = try await store.products(skus: [sku], in: workspace.id)[sku] { return held.id }
        let console = Principal(workspaceID: workspace.id, kind: .operatorConsole, role: .admin)
        return try await Catalogue(store: store).create(.init(sku: sku, name: "Seed product of \(workspace.name)", price: .string("12.50"), currency: "EUR"),
                                                        by: console).id
    }

    /// An order of the seeded product (the same one each time, or a new one when `fresh`), for order routes.
    public func order(in store: Store, fresh: Bool = false) async throws -> OrderID {
        let product = try await product(in: store)
        let sku = try await store.product(id: product, in: workspace.id)!.sku
        let console = Principal(workspaceID: workspace.id, kind: .operatorConsole, role: .admin)
        let reference = fresh ? "ORDER-\(UUID().uuidString.prefix(8))" : "ORDER-SEED"
        return try await Orders(store: store).place(.init(reference: reference, userID: "customer-\(workspace.name.lowercased().filter(\.isLetter))", currency: "EUR",
                                                          lines: [.init(sku: sku, quantity: .integer(2))]), by: console).order.id
    }

    /// A draft survey from the relationship NPS template (the same one each time, or a new one when `fresh`), for survey routes.
    public func survey(in store: Store, fresh: Bool = false) async throws -> SurveyID {
        let console = Principal(workspaceID: workspace.id, kind: .operatorConsole, role: .admin)
        if !fresh, let held = try await store.surveys(in: workspace.id, status: .draft, after: nil, limit: 100).items.first(where: { $0.name == "Seed survey" }) {
            return held.id
        }
        return try await Surveys(store: store).create(.init(name: fresh ? "Survey \(UUID().uuidString.prefix(6))" : "Seed survey", template: "relationship_nps"), by: console).id
    }

    /// A published survey and the seeded customer, who consented to surveys (the same each time), for invitations.
    public func invitee(in store: Store) async throws -> (SurveyID, ProfileID) {
        let console = Principal(workspaceID: workspace.id, kind: .operatorConsole, role: .admin)
        let customer = try await customer(in: store)
        let surveys = Surveys(store: store)
        let survey: SurveyID
        if let held = try await store.surveys(in: workspace.id, status: .published, after: nil, limit: 100).items.first(where: { $0.name == "Published seed survey" }) {
            survey = held.id
        } else {
            survey = try await surveys.create(.init(name: "Published seed survey", template: "post_delivery_csat"), by: console).id
            _ = try await surveys.move(survey, to: .published, by: console)
            _ = try await ConsentLedger(store: store).record(.granted, purpose: .surveys, for: customer, legalBasis: "test", by: console, origin: .console)
        }
        return (survey, customer)
    }

    /// A webhook endpoint (the same one each time, or a new one when `fresh`), for webhook routes.
    public func webhook(in store: Store, fresh: Bool = false) async throws -> WebhookID {
        let console = Principal(workspaceID: workspace.id, kind: .operatorConsole, role: .admin)
        if !fresh, let held = try await store.webhookEndpoints(in: workspace.id).first(where: { $0.url.hasSuffix("/seed") }) { return held.id }
        return try await Webhooks(store: store).create(url: fresh ? "https://hooks.example/\(UUID().uuidString)" : "https://hooks.example/seed", events: nil, by: console).endpoint.id
    }

    /// A shipment of the seeded order (the same one each time), for shipment routes.
    public func shipment(in store: Store) async throws -> ShipmentID {
        let order = try await order(in: store)
        if let held = try await store.shipments(in: workspace.id, order: order, after: nil, limit: 1).items.first { return held.id }
        let console = Principal(workspaceID: workspace.id, kind: .operatorConsole, role: .admin)
        return try await Deliveries(store: store).ship(.init(orderID: order.rawValue, carrier: "DHL", trackingNumber: "SEED"), by: console).shipment.id
    }

    /// A case of the seeded customer (the same one each time, or a new one when `fresh`), for case routes.
    public func serviceCase(in store: Store, fresh: Bool = false) async throws -> CaseID {
        let console = Principal(workspaceID: workspace.id, kind: .operatorConsole, role: .admin)
        if !fresh, let held = try await store.cases(in: workspace.id, queue: .open, after: nil, limit: 200).items.first(where: { $0.subject == "Seed case" }) {
            return held.id
        }
        let customer = try await customer(in: store)
        return try await Cases(store: store).open(.init(profileID: customer.rawValue, channel: "email", subject: fresh ? "Case \(UUID().uuidString.prefix(6))" : "Seed case",
                                                        message: "My blender arrived broken."), by: console).case.id
    }

    /// Five employees (made once): a pulse needs at least five.
    public func staff(in store: Store) async throws -> [EmployeeID] {
        let held = try await store.employees(in: workspace.id)
        if held.count >= 5 { return held.map(\.id) }
        let console = Principal(workspaceID: workspace.id, kind: .operatorConsole, role: .admin)
        var made: [EmployeeID] = held.map(\.id)
        for n in held.count..<5 { made.append(try await Directory(store: store).createEmployee(.init(name: "Seed employee \(n + 1)"), by: console).id) }
        return made
    }

    /// A pulse over the seeded staff (a fresh one each time).
    public func pulse(in store: Store) async throws -> PulseID {
        _ = try await staff(in: store)
        let console = Principal(workspaceID: workspace.id, kind: .operatorConsole, role: .admin)
        return try await Pulses(store: store).create(name: "Seed pulse", days: 7, by: console).pulse.id
    }

    /// A team (the same one each time), for team routes.
    public func team(in store: Store) async throws -> TeamID {
        if let held = try await store.teams(in: workspace.id).first(where: { $0.name == "Seed team" }) { return held.id }
        let console = Principal(workspaceID: workspace.id, kind: .operatorConsole, role: .admin)
        return try await ServiceSetup(store: store).createTeam(.init(name: "Seed team"), by: console).id
    }

    /// An SLA policy (the same one each time, or a new one when `fresh`), for policy routes.
    public func slaPolicy(in store: Store, fresh: Bool = false) async throws -> SLAPolicyID {
        if !fresh, let held = try await store.slaPolicies(in: workspace.id).first(where: { $0.name == "Seed policy" }) { return held.id }
        let console = Principal(workspaceID: workspace.id, kind: .operatorConsole, role: .admin)
        var input = ServiceSetup.PolicyInput()
        input.name = fresh ? "Policy \(UUID().uuidString.prefix(6))" : "Seed policy"
        input.firstResponseMinutes = 240
        return try await ServiceSetup(store: store).savePolicy(nil, input, by: console).id
    }

    public func principal(_ role: Role) -> Principal {
        Principal(workspaceID: workspace.id, kind: .user(users[role]!.id), role: role)
    }

    /// Creates it through the engine, as an operator would.
    public static func create(named name: String, in store: Store, clock: DateSource = .system) async throws -> SeededWorkspace {
        let workspace = Workspace(id: .generate(), name: name, createdAt: clock.now())
        try await store.insert(workspace)
        let console = Principal(workspaceID: workspace.id, kind: .operatorConsole, role: .admin)
        let administration = Administration(store: store, passwordHasher: testPasswordHasher, clock: clock)
        var users: [Role: User] = [:]
        var keys: [Role: String] = [:]
        let slug = name.lowercased().filter(\.isLetter)
        for role in Role.allCases {
            let created = try await administration.createUser(.init(email: "\(role.rawValue)@\(slug).example", displayName: "\(role.rawValue) of \(name)", role: role, password: password),
                                                              by: console, origin: .console)
            users[role] = created.user
            keys[role] = try await administration.createKey(kind: .secret, name: "\(role.rawValue) key", role: role, by: console, origin: .console).token
        }
        let writeKey = try await administration.createKey(kind: .write, name: "web", role: nil, by: console, origin: .console).token
        return SeededWorkspace(workspace: workspace, users: users, secretKeys: keys, writeKey: writeKey)
    }
}

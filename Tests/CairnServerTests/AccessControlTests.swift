import CairnCore
import CairnEngine
import CairnServer
import CairnStore
import CairnTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite("Roles and workspace isolation")
struct AccessControlTests {
    /// A user or key of `seeded` that a route may act on without disturbing the seeded principals.
    func target(_ route: RouteCase, in seeded: SeededWorkspace, store: Store) async throws -> String {
        let console = Principal(workspaceID: seeded.workspace.id, kind: .operatorConsole, role: .admin)
        let administration = Administration(store: store, passwordHasher: testPasswordHasher)
        switch route.target {
        case .collection:
            return ""
        case .user:
            if route.needsThrowaway {
                return try await administration.createUser(.init(email: "gone-\(UUID().uuidString.prefix(8))@example.com", role: .viewer, password: SeededWorkspace.password),
                                                           by: console, origin: .console).user.id.rawValue
            }
            return seeded.users[.agent]!.id.rawValue
        case .key:
            if route.needsThrowaway {
                return try await administration.createKey(kind: .write, name: "throwaway", role: nil, by: console, origin: .console).key.id.rawValue
            }
            let keys = try await store.keys(in: seeded.workspace.id, after: nil, limit: 200).items
            return keys.first { $0.kind == .write }!.id.rawValue
        case .source:
            return try await store.sources(in: seeded.workspace.id, after: nil, limit: 1).items.first!.id.rawValue
        case .profile:
            if route.needsThrowaway { return try await seeded.customer(in: store, named: "gone-\(UUID().uuidString.prefix(6).lowercased())").rawValue }
            return try await seeded.customer(in: store).rawValue
        case .erasedIdentifier:
            let name = "gone-\(UUID().uuidString.prefix(6).lowercased())"
            try await Erasure(store: store).erase(try await seeded.customer(in: store, named: name), by: console, origin: .console)
            return "customer-\(name)"
        case .product:
            return try await seeded.product(in: store).rawValue
        case .order, .orderInBody:
            return try await seeded.order(in: store, fresh: route.needsThrowaway).rawValue
        case .shipment:
            return try await seeded.shipment(in: store).rawValue
        case .survey:
            return try await seeded.survey(in: store, fresh: route.needsThrowaway).rawValue
        case .webhook:
            return try await seeded.webhook(in: store, fresh: route.needsThrowaway).rawValue
        case .invitee:
            let (survey, profile) = try await seeded.invitee(in: store)
            return "\(survey)|\(profile)"
        case .serviceCase, .caseInBody:
            if route.needsThrowaway {
                return "\(try await seeded.serviceCase(in: store, fresh: true))|\(try await seeded.serviceCase(in: store, fresh: true))"
            }
            return try await seeded.serviceCase(in: store).rawValue
        case .team:
            return try await seeded.team(in: store).rawValue
        case .slaPolicy:
            return try await seeded.slaPolicy(in: store, fresh: route.needsThrowaway).rawValue
        case .article:
            let console = Principal(workspaceID: seeded.workspace.id, kind: .operatorConsole, role: .admin)
            return try await LiveChat(store: store).saveArticle(nil, language: "en", title: "Throwaway", body: "Text", by: console).id.rawValue
        case .cannedReply:
            let console = Principal(workspaceID: seeded.workspace.id, kind: .operatorConsole, role: .admin)
            return try await ServiceSetup(store: store).addCannedReply(title: "Throwaway", bodies: ["en": "Hi"], by: console).id.rawValue
        case .savedFunnel:
            let console = Principal(workspaceID: seeded.workspace.id, kind: .operatorConsole, role: .admin)
            return try await Underperformance(store: store, funnels: Funnels(store: store)).saveFunnel(
                name: "Throwaway \(UUID().uuidString.prefix(8))", query: .init(steps: [.init(event: "Cart Viewed"), .init(event: "Order Completed")]), by: console).id.rawValue
        case .segment:
            let console = Principal(workspaceID: seeded.workspace.id, kind: .operatorConsole, role: .admin)
            return try await Segments(store: store, columns: EventColumns(store: store)).create(name: "Seeded \(UUID().uuidString.prefix(8))", description: nil,
                                                                                               rule: .object(["trait": .object(["name": .string("country"), "op": .string("exists")])]),
                                                                                               by: console).id.rawValue
        case .employee:
            return try await seeded.staff(in: store)[0].rawValue
        case .pulse:
            return try await seeded.pulse(in: store).rawValue
        case .staffed:
            _ = try await seeded.staff(in: store)
            return ""
        case .retailStore:
            let console = Principal(workspaceID: seeded.workspace.id, kind: .operatorConsole, role: .admin)
            let code = "seeded-\(UUID().uuidString.prefix(8).lowercased())"
            return try await Directory(store: store).createStore(.init(code: code, name: "Seeded", city: "Berlin", country: "DE", latitude: 52.52, longitude: 13.405),
                                                                 by: console).id.rawValue
        case .journey:
            let console = Principal(workspaceID: seeded.workspace.id, kind: .operatorConsole, role: .admin)
            return try await JourneyMaps(store: store).define(nil, name: "Seeded \(UUID().uuidString.prefix(8))",
                                                              stages: [.init(name: "Consider", events: ["Product Viewed"]), .init(name: "Buy", events: ["Order Completed"])], by: console).id.rawValue
        }
    }

    func fill(_ text: String) -> String { text.replacingOccurrences(of: "{n}", with: UUID().uuidString.prefix(8).lowercased()) }

    /// The caller's own seeded product's SKU, for bodies that name one.
    func fill(_ text: String, for seeded: SeededWorkspace) -> String {
        fill(text).replacingOccurrences(of: "{sku}", with: "SEED-\(seeded.workspace.name.uppercased().filter(\.isLetter))")
    }

    /// Calls a route as a role of workspace A (a secret key for the API, a signed-in browser for the web) on `id`.
    func call(_ route: RouteCase, id: String, key: String?, browser: inout Browser, h: Harness) async throws -> TestResponse {
        let path = route.path(id: id)
        switch route.surface {
        case .api, .open, .tracking:
            return try await h.api(route.method, path, key: key, json: route.json.map { route.body(fill($0, for: h.a), id: id) })
        case .web:
            if route.method == .get { return try await browser.get(path).0 }
            let form = (route.form ?? [:]).mapValues { route.body(fill($0), id: id) }
            return try await browser.submit(on: "/settings/profile", to: path, form: form)
        }
    }

    @Test("The router's routes are exactly the catalogued ones")
    func everyRouteIsCatalogued() async throws {
        try await Harness.run(.sqlite, seed: false) { h in
            #expect(Set(h.routes) == Set(RouteCase.all.map(\.route)), "add new routes to RouteCase.all so they are role- and isolation-tested")
        }
    }

    @Test("Each role may do exactly what its written list says, in the API and the UI", arguments: Role.allCases)
    func rolesAreEnforced(role: Role) async throws {
        try await Harness.run(.sqlite) { h in
            _ = try await h.a.customer(in: h.store)
            _ = try await h.a.product(in: h.store)
            let key = h.a.secretKeys[role]!
            for route in RouteCase.all where route.surface != .open && route.surface != .tracking && route.template != "/logout" {
                // A fresh session per call: some calls (removing a user, revoking) must not sign us out of the next.
                var browser = try await h.signIn(h.a.users[role]!.email)
                let id = try await target(route, in: h.a, store: h.store)
                let response = try await call(route, id: id, key: key, browser: &browser, h: h)
                let allowed = route.permission.map(role.can) ?? true
                if allowed {
                    #expect(response.status.code < 400, "\(role) should be allowed \(route), got \(response.status.code): \(response.text.prefix(300))")
                } else {
                    #expect(response.status == .forbidden, "\(role) must be refused \(route), got \(response.status.code)")
                }
            }
        }
    }

    @Test("A user or key of workspace A can neither read nor change anything of workspace B", arguments: TestDatabase.engines)
    func workspacesAreIsolated(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            _ = try await h.a.customer(in: h.store)
            _ = try await h.b.customer(in: h.store)
            _ = try await h.b.product(in: h.store)
            _ = try await h.b.order(in: h.store)
            _ = try await h.b.shipment(in: h.store)
            _ = try await h.b.serviceCase(in: h.store)
            _ = try await h.b.team(in: h.store)
            _ = try await h.b.slaPolicy(in: h.store)
            _ = try await h.a.product(in: h.store)
            _ = try await h.a.staff(in: h.store)
            let before = try await snapshot(of: h.b, store: h.store)
            let keyOfA = h.a.secretKeys[.admin]!
            for route in RouteCase.all where route.surface != .open && route.surface != .tracking && route.template != "/logout" {
                var browser = try await h.signIn(h.a.users[.admin]!.email)
                let idOfB = try await target(route, in: h.b, store: h.store)
                let response = try await call(route, id: idOfB, key: keyOfA, browser: &browser, h: h)
                let text = response.text
                switch route.target {
                case .user, .key, .source, .profile, .erasedIdentifier, .product, .order, .shipment, .survey, .invitee, .webhook, .serviceCase, .team, .slaPolicy, .cannedReply, .article, .savedFunnel, .journey, .segment, .retailStore, .employee, .pulse:
                    #expect(response.status == .notFound, "\(route) with B's id must be 404 for A, got \(response.status.code)")
                case .orderInBody:
                    #expect(response.status == .badRequest && text.contains("orderId"), "\(route) with B's order must be refused naming orderId, got \(response.status.code)")
                case .caseInBody:
                    #expect(response.status == .badRequest && text.contains("ids[0]"), "\(route) with B's case must be refused naming ids[0], got \(response.status.code)")
                case .collection, .staffed:
                    #expect(response.status.code < 400, "\(route) works on A's own data, got \(response.status.code)")
                }
                // The requested id itself is echoed in the 404 problem; it says nothing about whether it exists.
                for secret in before.identifiers where secret != idOfB && text.contains(secret) {
                    Issue.record("\(route) answered A with B's identifier \(secret)")
                }
            }
            // Throwaway rows aside, B is exactly as it was.
            let after = try await snapshot(of: h.b, store: h.store)
            #expect(after.workspaceName == before.workspaceName)
            #expect(after.users.filter { before.users.keys.contains($0.key) } == before.users)
            #expect(after.keys.filter { before.keys.keys.contains($0.key) } == before.keys)
            #expect(after.sources == before.sources)
            #expect(after.products == before.products)
            #expect(after.orders.filter { before.orders.keys.contains($0.key) } == before.orders, "B's orders keep their status")
            #expect(after.shipments == before.shipments, "B's shipments are untouched")
            #expect(after.cases.filter { before.cases.keys.contains($0.key) } == before.cases, "B's cases are untouched")
            #expect(after.teams == before.teams && after.policies.filter(before.policies.contains) == before.policies, "B's service setup is untouched")
            #expect(after.auditNotByConsole == before.auditNotByConsole, "nothing A did was audited in B (the console made B's throwaway rows)")
        }
    }

    struct Snapshot {
        var workspaceName: String
        var users: [UserID: Role]
        var keys: [APIKeyID: Date?]
        /// Settings only: the throwaway customers made in B for erase routes count as B's own traffic.
        var sources: [String]
        var products: [String]
        var orders: [String: String]
        var shipments: [String: String]
        var cases: [String: String]
        var teams: [String]
        var policies: [String]
        var auditNotByConsole: [AuditEntryID]
        var identifiers: [String]
    }

    func snapshot(of seeded: SeededWorkspace, store: Store) async throws -> Snapshot {
        let users = try await store.users(in: seeded.workspace.id, after: nil, limit: 200).items
        let keys = try await store.keys(in: seeded.workspace.id, after: nil, limit: 200).items
        let audit = try await store.auditLog(in: seeded.workspace.id, after: nil, limit: 200).items
        let sources = try await store.sources(in: seeded.workspace.id, after: nil, limit: 200).items
        let products = try await store.products(in: seeded.workspace.id, after: nil, limit: 200).items
        let orders = try await store.orders(in: seeded.workspace.id, after: nil, limit: 200).items
        let shipments = try await store.shipments(in: seeded.workspace.id, after: nil, limit: 200).items
        let cases = try await store.cases(in: seeded.workspace.id, queue: .open, after: nil, limit: 200).items
        var messages: [String: Int] = [:]
        for item in cases { messages[item.id.rawValue] = try await store.thread(id: item.id, in: seeded.workspace.id)?.messages.count ?? 0 }
        let teams = try await store.teams(in: seeded.workspace.id)
        let policies = try await store.slaPolicies(in: seeded.workspace.id)
        let customer = try await store.profile(id: try await seeded.customer(in: store), in: seeded.workspace.id)!.profile
        let name = try await store.workspace(id: seeded.workspace.id)?.name ?? ""
        return Snapshot(workspaceName: name,
                        users: Dictionary(uniqueKeysWithValues: users.map { ($0.id, $0.role) }),
                        keys: Dictionary(uniqueKeysWithValues: keys.map { ($0.id, $0.revokedAt) }),
                        sources: sources.map { "\($0.id) \($0.name) \($0.defaultChannel) \($0.rateLimit.map(String.init) ?? "-")" },
                        products: products.map { "\($0.id) \($0.sku) \($0.name) \($0.price?.description ?? "-") \($0.updatedAt)" },
                        orders: Dictionary(uniqueKeysWithValues: orders.map { ($0.id.rawValue, "\($0.status) \($0.changes.count)") }),
                        shipments: Dictionary(uniqueKeysWithValues: shipments.map { ($0.id.rawValue, "\($0.status) \($0.updates.count)") }),
                        cases: Dictionary(uniqueKeysWithValues: cases.map { ($0.id.rawValue, "\($0.status) \($0.priority) \($0.tags) \($0.updatedAt) \(messages[$0.id.rawValue] ?? 0)") }),
                        teams: teams.map { "\($0.id) \($0.name) \($0.members)" },
                        policies: policies.map { "\($0.id) \($0.name) \($0.targets)" },
                        auditNotByConsole: audit.filter { $0.actor != "console" }.map(\.id),
                        identifiers: [seeded.workspace.id.rawValue] + users.map(\.id.rawValue) + users.map(\.email) + keys.map(\.id.rawValue) + sources.map(\.id.rawValue) + products.map(\.id.rawValue) + orders.map(\.id.rawValue) + shipments.map(\.id.rawValue)
                            + cases.map(\.id.rawValue) + teams.map(\.id.rawValue) + policies.map(\.id.rawValue)
                            + [customer.id.rawValue] + customer.identifiers.map(\.value) + customer.traits.values.compactMap(\.value.stringValue))
    }
}

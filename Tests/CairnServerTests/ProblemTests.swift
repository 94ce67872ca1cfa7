import CairnCore
import CairnServer
import CairnStore
import CairnTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite("Problem details")
struct ProblemTests {
    func errors(_ response: TestResponse) throws -> [(field: String, issue: String)] {
        let list = try response.json()["errors"] as? [[String: Any]] ?? []
        return list.map { ($0["field"] as? String ?? "", $0["issue"] as? String ?? "") }
    }

    @Test("No credentials is a 401 problem that says how to authenticate", arguments: TestDatabase.engines)
    func missingCredentials(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let response = try await h.api(.get, "/api/v1/users")
            #expect(response.status == .unauthorized)
            #expect(response.headers[.contentType] == "application/problem+json")
            #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            let body = try response.json()
            #expect(body["type"] as? String == "/problems/unauthenticated")
            #expect(body["status"] as? Int == 401)
            #expect((body["detail"] as? String)?.contains("Bearer") == true)
            #expect(body["instance"] as? String == "/api/v1/users")
        }
    }

    @Test("Unknown, malformed and revoked keys are refused", arguments: TestDatabase.engines)
    func badKeys(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            for token in ["cairn_sk_nope", "garbage", h.a.writeKey] {
                let response = try await h.api(.get, "/api/v1/me", key: token)
                #expect(response.status == .unauthorized, "token \(token.prefix(12)) must not authenticate the management API")
                #expect(try response.json()["type"] as? String == "/problems/invalid-key")
            }
            let created = try await h.api(.post, "/api/v1/keys", key: h.a.secretKeys[.admin], json: #"{"kind":"secret","name":"temp","role":"viewer"}"#)
            #expect(created.status == .created)
            let body = try created.json()
            let token = try #require(body["token"] as? String)
            let id = try #require((body["key"] as? [String: Any])?["id"] as? String)
            #expect(try await h.api(.get, "/api/v1/me", key: token).status == .ok)
            #expect(try await h.api(.post, "/api/v1/keys/\(id)/revoke", key: h.a.secretKeys[.admin]).status == .ok)
            #expect(try await h.api(.get, "/api/v1/me", key: token).status == .unauthorized, "a revoked key stops working at once")
        }
    }

    @Test("Invalid fields are all named, with a hint", arguments: TestDatabase.engines)
    func validationNamesEveryField(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let response = try await h.api(.post, "/api/v1/users", key: h.a.secretKeys[.admin], json: #"{"email":"not-an-email","role":"superuser","password":"short"}"#)
            #expect(response.status == .badRequest)
            let fields = try errors(response).map(\.field)
            #expect(Set(fields) == ["email", "role", "password"])
            let list = try response.json()["errors"] as? [[String: Any]] ?? []
            #expect(list.allSatisfy { ($0["hint"] as? String)?.isEmpty == false })
            #expect(try await h.store.users(in: h.a.workspace.id, after: nil, limit: 50).items.count == 4, "nothing was stored")
        }
    }

    @Test("Bodies that are not JSON, the wrong type, or too large get clear problems")
    func malformedBodies() async throws {
        try await Harness.run(.sqlite) { h in
            let key = h.a.secretKeys[.admin]
            let broken = try await h.api(.post, "/api/v1/keys", key: key, json: #"{"kind":"write","name":"#)
            #expect(broken.status == .badRequest)
            #expect(try broken.json()["type"] as? String == "/problems/invalid-json")
            let wrongType = try await h.api(.post, "/api/v1/keys", key: key, json: #"{"kind":"write","name":42}"#)
            #expect(wrongType.status == .badRequest)
            #expect(try errors(wrongType).first?.field == "name")
            let form = try await h.api(.post, "/api/v1/keys", key: key, json: "kind=write", headers: [.contentType: "application/x-www-form-urlencoded"])
            #expect(form.status == .unsupportedMediaType)
            let huge = "{\"kind\":\"write\",\"name\":\"" + String(repeating: "x", count: 1_100_000) + "\"}"
            let tooLarge = try await h.api(.post, "/api/v1/keys", key: key, json: huge)
            #expect(tooLarge.status == .contentTooLarge)
            #expect(tooLarge.headers[.contentType] == "application/problem+json")
            let badCursor = try await h.api(.get, "/api/v1/users?cursor=%%%&limit=0", key: key)
            #expect(badCursor.status == .badRequest)
            #expect(Set(try errors(badCursor).map(\.field)) == ["cursor", "limit"])
            let unknown = try await h.api(.get, "/api/v1/nothing-here", key: key)
            #expect(unknown.status == .notFound)
            #expect(unknown.headers[.contentType] == "application/problem+json")
        }
    }

    @Test("A known path called with another method is 405 with an Allow header")
    func methodNotAllowed() async throws {
        try await Harness.run(.sqlite, seed: false) { h in
            let response = try await h.api(.put, "/api/v1/workspace")
            #expect(response.status == .methodNotAllowed)
            #expect(response.headers[.allow] == "GET, PATCH")
            let withID = try await h.api(.post, "/api/v1/users/5f0e7f0e-0000-4000-8000-000000000000")
            #expect(withID.headers[.allow] == "DELETE, GET, PATCH")
            #expect(try await h.api(.put, "/api/v1/nothing").status == .notFound)
        }
    }

    @Test("A field sent as null is refused by name, not ignored")
    func nullFieldsAreRefused() async throws {
        try await Harness.run(.sqlite) { h in
            let response = try await h.api(.patch, "/api/v1/workspace", key: h.a.secretKeys[.admin], json: #"{"name":null}"#)
            #expect(response.status == .badRequest)
            #expect(try errors(response).map(\.field) == ["name"])
            let user = try await h.api(.patch, "/api/v1/users/\(h.a.users[.agent]!.id)", key: h.a.secretKeys[.admin], json: #"{"role":null}"#)
            #expect(try errors(user).map(\.field) == ["role"])
        }
    }

    @Test("The last administrator cannot be demoted or removed", arguments: TestDatabase.engines)
    func lastAdministratorIsKept(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let admin = h.a.users[.admin]!
            let demote = try await h.api(.patch, "/api/v1/users/\(admin.id)", key: h.a.secretKeys[.admin], json: #"{"role":"viewer"}"#)
            #expect(demote.status == .conflict)
            #expect(try demote.json()["type"] as? String == "/problems/last-administrator")
            #expect(try await h.api(.delete, "/api/v1/users/\(admin.id)", key: h.a.secretKeys[.admin]).status == .conflict)
            #expect(try await h.store.user(id: admin.id, in: h.a.workspace.id)?.role == .admin)
        }
    }
}

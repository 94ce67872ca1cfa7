import CairnServer
import CairnStore
import Foundation
import Testing

@Suite("OpenAPI document")
struct OpenAPITests {
    @Test("The document describes exactly the API and operations routes the router has")
    func documentMatchesRouter() async throws {
        try await Harness.run(.sqlite, seed: false) { h in
            let response = try await h.api(.get, "/api/v1/openapi.json")
            #expect(response.status == .ok)
            let document = try response.json()
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            let methods = Set(["get", "put", "post", "patch", "delete", "head", "options"])
            var documented = Set<String>()
            for (path, item) in paths {
                for method in item.keys where methods.contains(method) { documented.insert("\(method.uppercased()) \(path)") }
            }
            let served = Set(h.routes.filter { route in
                let path = route.split(separator: " ", maxSplits: 1)[1]
                return path.hasPrefix("/api/") || ["/health", "/ready", "/metrics"].contains(String(path))
            })
            #expect(documented == served, "undocumented: \(served.subtracting(documented).sorted()); not served: \(documented.subtracting(served).sorted())")
        }
    }

    @Test("Every documented operation has an id, a summary and its error responses")
    func operationsAreComplete() async throws {
        try await Harness.run(.sqlite, seed: false) { h in
            let document = try await h.api(.get, "/api/v1/openapi.json").json()
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            var operationIDs: [String] = []
            for (path, item) in paths {
                for (method, value) in item where method != "parameters" {
                    let operation = try #require(value as? [String: Any], "\(method) \(path)")
                    operationIDs.append(try #require(operation["operationId"] as? String, "\(method) \(path) has an operationId"))
                    #expect(operation["summary"] is String, "\(method) \(path) has a summary")
                    let responses = try #require(operation["responses"] as? [String: Any])
                    if path.hasPrefix("/api/v1/"), path != "/api/v1/openapi.json" {
                        #expect(responses["401"] != nil && responses["403"] != nil, "\(method) \(path) documents 401 and 403")
                    }
                }
            }
            #expect(Set(operationIDs).count == operationIDs.count, "operation ids are unique")
        }
    }
}

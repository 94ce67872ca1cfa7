import CairnServer
import CairnStore
import Foundation
import Testing
import CairnTestSupport
import HTTPTypes
import HummingbirdTesting
import CairnCore

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

    /// Every property name of every schema the document has (components, request bodies, responses), with where it is.
    static func propertyNames(in node: Any, at path: String = "#") -> [(name: String, path: String)] {
        var found: [(String, String)] = []
        if let object = node as? [String: Any] {
            if let properties = object["properties"] as? [String: Any] {
                found += properties.keys.map { ($0, path) }
            }
            for (key, value) in object { found += propertyNames(in: value, at: "\(path)/\(key)") }
        } else if let array = node as? [Any] {
            for (index, value) in array.enumerated() { found += propertyNames(in: value, at: "\(path)/\(index)") }
        }
        return found
    }

    @Test("Every schema uses the tracking API's one id casing (userId, profileId, workspaceId), never workspaceID or profile_id")
    func oneIDCasing() async throws {
        try await Harness.run(.sqlite, seed: false) { h in
            let document = try await h.api(.get, "/api/v1/openapi.json").json()
            let names = Self.propertyNames(in: document)
            #expect(names.count > 100, "the walk reaches the schemas")
            let mixed = names.filter { $0.name.hasSuffix("ID") || $0.name.lowercased().hasSuffix("_id") }
            #expect(mixed.isEmpty, "\(mixed.map { "\($0.name) at \($0.path)" })")
            #expect(names.contains { $0.name == "workspaceId" } && names.contains { $0.name == "profileId" })
        }
    }

    @Test("Responses write ids as the document says: profileId, workspaceId, sourceId, eventId, orderId, productId")
    func responsesUseOneIDCasing() async throws {
        try await Harness.run(.sqlite) { h in
            let writer = h.a.secretKeys[.manager]!
            _ = try await h.api(.post, "/api/v1/products", key: writer, json: #"{"sku":"TEE","name":"Tee","price":"19.99","currency":"EUR"}"#)
            let placed = try await h.api(.post, "/api/v1/orders", key: writer,
                                         json: #"{"orderId":"W-1","userId":"u-1","currency":"EUR","lines":[{"sku":"TEE","quantity":1}]}"#)
            #expect(placed.status == .created, "\(placed.text)")
            let order = try placed.json()
            let line = try #require((order["lines"] as? [[String: Any]])?.first)
            #expect(order["workspaceId"] is String && order["workspaceID"] == nil, "\(order.keys.sorted())")
            #expect(line["productId"] is String && line["productID"] == nil, "\(line.keys.sorted())")
            let products = try await h.api(.get, "/api/v1/products", key: writer).json()
            let product = try #require((products["data"] as? [[String: Any]])?.first)
            #expect(product["workspaceId"] is String && !product.keys.contains { $0.hasSuffix("ID") }, "\(product.keys.sorted())")
        }
    }
}

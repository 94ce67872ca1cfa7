import CairnCore
import Foundation
import Testing

@Suite("Public JSON")
struct PublicJSONTests {
    struct Inner: Encodable { var orderID: String; var paid: Bool }
    struct Body: Encodable {
        var id: String
        var workspaceID: String
        var ID: String
        var valid: Bool
        var inner: Inner
        var traits: [String: String]
    }

    @Test("Property names ending in ID are written with Id at every depth; id, short names and free keys stay as they are, again and again")
    func casing() throws {
        let body = Body(id: "1", workspaceID: "w", ID: "x", valid: true, inner: Inner(orderID: "o", paid: false), traits: ["customerID": "c", "plan": "pro"])
        let encoder = PublicJSON.encoder([.sortedKeys])
        let expected = #"{"ID":"x","id":"1","inner":{"orderId":"o","paid":false},"traits":{"customerID":"c","plan":"pro"},"valid":true,"workspaceId":"w"}"#
        // The second and third encodings answer from what the first learnt about each key type.
        for _ in 0..<3 {
            #expect(String(decoding: try encoder.encode(body), as: UTF8.self) == expected)
        }
        #expect(String(decoding: try PublicJSON.encoder([.sortedKeys]).encode(body), as: UTF8.self) == expected)
    }
}

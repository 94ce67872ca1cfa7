import CairnCore
import CairnStore
import CairnTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// Requests as the browser and mobile libraries send them (their shapes taken from the libraries' sources): Segment's
/// analytics-next posts each call to `/t`, `/i`, `/p`… and batches to `/b` as `text/plain` with the key in the body;
/// the mobile libraries upload batches to `/b` with Basic auth; RudderStack's JavaScript SDK sends JSON with an
/// Authorization header, so browsers preflight it. Chromium runs them from another origin in Tests/Browser.
@Suite("Browser and app tracking clients")
struct TrackingClientsTests {
    static let origin: HTTPFields = [HTTPField.Name("Origin")!: "https://shop.example"]

    @Test("analytics-next's short paths and batches, as text/plain with the key in the body, answer any origin; a retry is stored once",
          arguments: TestDatabase.engines)
    func analyticsNext(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            var headers = Self.origin
            headers[.contentType] = "text/plain"
            let sentAt = Date().formatted(.iso8601)
            let context = #""context":{"library":{"name":"analytics.js","version":"next-1.72.0"},"page":{"url":"https://shop.example/p/1"},"userAgent":"Mozilla/5.0"}"#
            let calls = [
                ("/v1/t", #"{"type":"track","event":"Product Viewed","properties":{"sku":"BOOT"},"anonymousId":"anon-1","messageId":"ajs-next-1","timestamp":"\#(sentAt)",\#(context),"writeKey":"\#(h.a.writeKey)","sentAt":"\#(sentAt)","_metadata":{"bundled":["Segment.io"],"unbundled":[]}}"#),
                ("/v1/p", #"{"type":"page","name":"Home","anonymousId":"anon-1","messageId":"ajs-next-2",\#(context),"writeKey":"\#(h.a.writeKey)","sentAt":"\#(sentAt)"}"#),
                ("/v1/i", #"{"type":"identify","userId":"u-77","anonymousId":"anon-1","traits":{"email":"u77@example.com"},"messageId":"ajs-next-3","writeKey":"\#(h.a.writeKey)"}"#),
                ("/v1/g", #"{"type":"group","userId":"u-77","groupId":"acme","messageId":"ajs-next-4","writeKey":"\#(h.a.writeKey)"}"#),
                ("/v1/a", #"{"type":"alias","userId":"u-77","previousId":"anon-1","messageId":"ajs-next-5","writeKey":"\#(h.a.writeKey)"}"#),
                ("/v1/s", #"{"type":"screen","name":"Basket","userId":"u-77","messageId":"ajs-next-6","writeKey":"\#(h.a.writeKey)"}"#),
                ("/v1/b", #"{"batch":[{"type":"track","event":"Cart Viewed","anonymousId":"anon-1","messageId":"ajs-next-7"},{"type":"track","event":"Checkout Started","anonymousId":"anon-1","messageId":"ajs-next-8"}],"writeKey":"\#(h.a.writeKey)","sentAt":"\#(sentAt)"}"#),
                // A page unload retried by the library's buffer: the same message again.
                ("/v1/t", #"{"type":"track","event":"Product Viewed","properties":{"sku":"BOOT"},"anonymousId":"anon-1","messageId":"ajs-next-1","writeKey":"\#(h.a.writeKey)","sentAt":"\#(sentAt)"}"#),
            ]
            for (path, body) in calls {
                let response = try await h.client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: body))
                #expect(response.status == .ok && String(buffer: response.body) == #"{"success":true}"#, "\(path): \(String(buffer: response.body))")
                #expect(response.headers[.accessControlAllowOrigin] == "*", "\(path) answers the shop's origin")
            }
            let events = try await h.store.events(in: h.a.workspace.id, after: nil, limit: 50).items
            #expect(events.count == 8, "eight messages, the retried one stored once: \(events.map(\.name))")
            // A wrong key is answered so a browser can read why.
            let refused = try await h.client.execute(uri: "/v1/t", method: .post, headers: headers,
                                                     body: ByteBuffer(string: #"{"type":"track","event":"X","anonymousId":"a","writeKey":"cairn_wk_nope"}"#))
            #expect(refused.status == .unauthorized && refused.headers[.accessControlAllowOrigin] == "*")
        }
    }

    @Test("The mobile libraries' batch upload to /b with Basic auth", arguments: TestDatabase.engines)
    func mobileBatch(engine: DatabaseEngine) async throws {
        try await Harness.run(engine) { h in
            let body = #"{"batch":[{"type":"screen","name":"Home","anonymousId":"ios-1","messageId":"swift-1","context":{"app":{"name":"Shop","version":"3.2"},"device":{"model":"iPhone15,2"},"os":{"name":"iOS","version":"18.1"},"library":{"name":"analytics-swift","version":"1.7.1"}},"timestamp":"2026-12-05T10:00:00.123Z"},{"type":"track","event":"Product Added","anonymousId":"ios-1","messageId":"swift-2","properties":{"sku":"BOOT","price":89.9,"quantity":1}}],"sentAt":"2026-12-05T10:00:01.000Z","writeKey":"\#(h.a.writeKey)"}"#
            let headers: HTTPFields = [.authorization: "Basic " + Data("\(h.a.writeKey):".utf8).base64EncodedString(), .contentType: "application/json",
                                       .userAgent: "analytics-ios/1.7.1"]
            let response = try await h.client.execute(uri: "/v1/b", method: .post, headers: headers, body: ByteBuffer(string: body))
            #expect(response.status == .ok)
            #expect(try await h.store.events(in: h.a.workspace.id, after: nil, limit: 10).items.count == 2)
        }
    }

    @Test("RudderStack's preflight is answered and cached for the tracking and widget endpoints, never for the management API")
    func preflight() async throws {
        try await Harness.run(.sqlite) { h in
            var headers = Self.origin
            headers[HTTPField.Name("Access-Control-Request-Method")!] = "POST"
            headers[HTTPField.Name("Access-Control-Request-Headers")!] = "authorization,content-type,anonymousid"
            for path in ["/v1/track", "/v1/batch", "/v1/t", "/v1/b", "/v1/surveys/abc/responses"] {
                let answer = try await h.client.execute(uri: path, method: .options, headers: headers)
                #expect(answer.status == .noContent, "\(path)")
                #expect(answer.headers[.accessControlAllowOrigin] == "*")
                let allowed = answer.headers[.accessControlAllowHeaders]?.lowercased() ?? ""
                #expect(allowed.contains("authorization") && allowed.contains("content-type") && allowed.contains("anonymousid"))
                #expect(answer.headers[HTTPField.Name("Access-Control-Max-Age")!] == "86400")
            }
            // RudderStack's actual request after the preflight: JSON, Basic auth.
            var post = Self.origin
            post[.authorization] = "Basic " + Data("\(h.a.writeKey):".utf8).base64EncodedString()
            post[.contentType] = "application/json;charset=UTF-8"
            let sent = try await h.client.execute(uri: "/v1/track", method: .post, headers: post,
                                                  body: ByteBuffer(string: #"{"type":"track","event":"Product Viewed","anonymousId":"rs-1","messageId":"rs-msg-1","channel":"web","context":{"library":{"name":"RudderLabs JavaScript SDK","version":"3.11.0"}}}"#))
            #expect(sent.status == .ok && sent.headers[.accessControlAllowOrigin] == "*")
            // The management API and the pages answer no other origin.
            for (method, path) in [(HTTPRequest.Method.options, "/api/v1/profiles"), (.get, "/api/v1/profiles"), (.get, "/login")] {
                let answer = try await h.client.execute(uri: path, method: method, headers: headers)
                #expect(answer.headers[.accessControlAllowOrigin] == nil, "\(method) \(path)")
            }
        }
    }
}

import CairnCore
import Foundation
import HTTPTypes
public import Hummingbird
import NIOCore
import NIOFoundationEssentialsCompat

/// A page of a list: `{"data":[…],"nextCursor":"…"}`; `nextCursor` is null on the last page.
struct ListBody<Item: Encodable & Sendable>: ResponseEncodable {
    var data: [Item]
    var nextCursor: String?

    init(_ page: Page<Item>) {
        self.data = page.items
        self.nextCursor = page.nextCursor
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(data, forKey: .data)
        try container.encode(nextCursor, forKey: .nextCursor)
    }

    enum CodingKeys: String, CodingKey { case data, nextCursor }
}

extension User: ResponseEncodable {}
extension APIKey: ResponseEncodable {}
extension AuditEntry: ResponseEncodable {}
extension Workspace: ResponseEncodable {}
extension Source: ResponseEncodable {}
extension Event: ResponseEncodable {}

extension Request {
    /// `cursor` and `limit` query parameters, validated.
    func pagination() throws(ValidationError) -> (cursor: Cursor?, limit: PageSize) {
        var issues = ValidationCollector()
        let cursor = issues.check { () throws(ValidationError) -> Cursor? in
            guard let text = uri.queryParameters["cursor"], !text.isEmpty else { return nil }
            return try Cursor(token: String(text))
        } ?? nil
        let limit = issues.check { () throws(ValidationError) -> PageSize in
            guard let text = uri.queryParameters["limit"] else { return try PageSize(nil) }
            guard let value = Int(String(text)) else {
                throw ValidationError(field: "limit", issue: .invalid, hint: "Use a whole number between 1 and \(PageSize.maximum).")
            }
            return try PageSize(value)
        }
        try issues.throwIfAny()
        return (cursor, limit!)
    }

    /// The `type`, `channel` and `event` query parameters shared by event lists and the event stream.
    func eventFilter(collecting issues: inout ValidationCollector) -> EventFilter {
        let query = uri.queryParameters
        var filter = EventFilter()
        if let text = query["type"].map(String.init) {
            filter.kind = TrackingMessage.Kind(rawValue: text)
            if filter.kind == nil {
                issues.add(FieldIssue(field: "type", issue: .unknownValue(allowed: TrackingMessage.Kind.allCases.map(\.rawValue)),
                                      hint: "Use one of: \(TrackingMessage.Kind.allCases.map(\.rawValue).joined(separator: ", "))."))
            }
        }
        if let text = query["channel"].map(String.init) {
            filter.channel = issues.check { () throws(ValidationError) in try CairnCore.Channel.validate(text, field: "channel") }
        }
        filter.name = query["event"].map(String.init)
        return filter
    }

    /// Decodes a JSON object body; an empty or non-object body is a clear 400.
    func decodeJSON<T: Decodable>(_ type: T.Type, context: CairnRequestContext) async throws -> T {
        if let contentType = headers[.contentType], !contentType.lowercased().contains("json") {
            throw Problem(slug: "unsupported-media-type", title: "Unsupported media type", status: .unsupportedMediaType,
                          detail: "Send the body as JSON with Content-Type: application/json.")
        }
        let buffer = try await body.collect(upTo: context.maxUploadSize)
        guard buffer.readableBytes > 0 else {
            throw Problem(slug: "invalid-json", title: "Invalid JSON body", status: .badRequest, detail: "body: The body is empty. Send a JSON object.",
                          errors: [FieldIssue(field: "body", issue: .missing, hint: "Send a JSON object.")])
        }
        let data = Data(buffer: buffer)
        // Read once as JSON text first, so a body that is not JSON is answered with what is wrong and where.
        do { _ = try JSONValue.parse(data) } catch { throw TrackingController.malformed(error) }
        return try JSONDecoder().decode(type, from: data)
    }
}

extension Request {
    /// An optional query parameter that is one of a closed set of values; anything else is recorded as its problem.
    func queryChoice<T: RawRepresentable & CaseIterable>(_ name: String, as type: T.Type, hint: String, collecting issues: inout ValidationCollector) -> T?
    where T.RawValue == String {
        guard let text = uri.queryParameters[name[...]].map(String.init) else { return nil }
        if let value = T(rawValue: text) { return value }
        issues.add(FieldIssue(field: name, issue: .unknownValue(allowed: T.allCases.map(\.rawValue)), hint: hint))
        return nil
    }

    /// An optional whole-number query parameter (the default when absent); anything else is recorded as its problem
    /// (the range is the use case's to check).
    func queryInteger(_ name: String, default fallback: Int, collecting issues: inout ValidationCollector) -> Int {
        guard let text = uri.queryParameters[name[...]].map(String.init) else { return fallback }
        if let value = Int(text.trimmingCharacters(in: .whitespaces)) { return value }
        issues.add(FieldIssue(field: name, issue: .invalid, hint: "Give \(name) as a whole number, e.g. \(fallback)."))
        return fallback
    }

    /// An optional query parameter naming a row by id; a malformed id is recorded as its problem.
    func queryID<ID: EntityID>(_ name: String, as type: ID.Type, kind: String, collecting issues: inout ValidationCollector) -> ID? {
        guard let text = uri.queryParameters[name[...]].map(String.init) else { return nil }
        if let id = ID(text) { return id }
        issues.add(FieldIssue(field: name, issue: .invalid, hint: "Send \(kind) id (a UUID)."))
        return nil
    }
}

extension Parameters {
    /// A path identifier; a malformed one is a 404 (it cannot name anything), not a 400.
    func id<ID: EntityID>(_ name: String = "id", as type: ID.Type, kind: String) throws -> ID {
        let text = self.get(name) ?? ""
        guard ID.isWellFormed(text) else { throw NotFoundError(kind: kind, id: String(text.prefix(40))) }
        return ID(rawValue: text.lowercased())
    }
}

/// Parses a role name, listing the allowed ones when it is wrong.
func parseRole(_ text: String?, field: String = "role") throws(ValidationError) -> Role {
    guard let text, !text.isEmpty else {
        throw ValidationError(field: field, issue: .missing, hint: "Choose one of: \(Role.allCases.map(\.rawValue).joined(separator: ", ")).")
    }
    guard let role = Role(rawValue: text) else {
        throw ValidationError(field: field, issue: .unknownValue(allowed: Role.allCases.map(\.rawValue)),
                              hint: "Choose one of: \(Role.allCases.map(\.rawValue).joined(separator: ", ")).")
    }
    return role
}

func parseLanguage(_ text: String?, field: String = "locale") throws(ValidationError) -> InterfaceLanguage? {
    guard let text, !text.isEmpty else { return nil }
    guard let language = InterfaceLanguage(rawValue: text) else {
        throw ValidationError(field: field, issue: .unknownValue(allowed: InterfaceLanguage.allCases.map(\.rawValue)),
                              hint: "Choose one of: \(InterfaceLanguage.allCases.map(\.rawValue).joined(separator: ", ")).")
    }
    return language
}

extension KeyedDecodingContainer {
    /// A field that may be left out but, when sent, must not be `null`.
    func decodeUnlessNull<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard contains(key) else { return nil }
        if try decodeNil(forKey: key) {
            let path = (codingPath + [key]).map(\.stringValue).joined(separator: ".")
            throw ValidationError(field: path, issue: .invalid, hint: "Send a value, or leave the field out; null is not allowed here.")
        }
        return try decode(T.self, forKey: key)
    }
}

extension Response {
    /// A JSON file to save, e.g. a data-subject access export.
    static func jsonDownload(_ data: Data, filename: String) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json", .contentDisposition: "attachment; filename=\"\(filename)\""],
                 body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

import Foundation

/// A slice of a list plus the cursor that fetches the next slice.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    /// Opaque; `nil` when this is the last page.
    public var nextCursor: String?

    public init(items: [Item], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }
}

extension Page {
    /// Reads a cursor-paged listing to its end, handing each page's items to `body`; `fetch` reads the page after the
    /// cursor it is given (nil: the first page).
    public static func walk(_ fetch: (Cursor?) async throws -> Page<Item>, _ body: ([Item]) async throws -> Void) async throws {
        var cursor: Cursor?
        repeat {
            let page = try await fetch(cursor)
            try await body(page.items)
            cursor = try page.nextCursor.map { try Cursor(token: $0) }
        } while cursor != nil
    }
}

/// Where a list continues: after the row with this sort key and id. Encoded as opaque base64url text.
public struct Cursor: Sendable, Hashable {
    public var sortKey: Int64
    public var id: String

    public init(sortKey: Int64, id: String) {
        self.sortKey = sortKey
        self.id = id
    }

    public var token: String {
        Data("\(sortKey)|\(id)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Parses a token; malformed tokens are a validation error on the `cursor` parameter.
    public init(token: String, field: String = "cursor") throws(ValidationError) {
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard token.count <= 200,
              let data = Data(base64Encoded: base64),
              let text = String(data: data, encoding: .utf8),
              let bar = text.firstIndex(of: "|"),
              let key = Int64(text[..<bar]) else {
            throw ValidationError(field: field, issue: .invalid, hint: "Pass the nextCursor value from the previous page unchanged.")
        }
        self.sortKey = key
        self.id = String(text[text.index(after: bar)...])
    }
}

/// How many rows a page may hold.
public struct PageSize: Sendable, Hashable {
    public static let `default` = 50
    public static let maximum = 200
    public let value: Int

    public init(_ requested: Int?, field: String = "limit") throws(ValidationError) {
        let value = requested ?? Self.default
        guard (1...Self.maximum).contains(value) else {
            throw ValidationError(field: field, issue: .invalid, hint: "Use a limit between 1 and \(Self.maximum).")
        }
        self.value = value
    }
}

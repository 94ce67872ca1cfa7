public import CairnCore
import Foundation
public import HTTPTypes
public import Hummingbird
import NIOCore

/// An RFC 9457 problem: what went wrong, for which field, and how to fix it.
public struct Problem: Error, Sendable, Encodable {
    /// Problem types are relative URIs under /problems/ on the Cairn server itself.
    public static let typeBase = "/problems/"

    public var type: String
    public var title: String
    public var status: Int
    public var detail: String
    public var instance: String?
    public var errors: [FieldIssue]
    public var requestID: String?
    /// Tracking endpoints also answer with `code` and `message`, the shape tracking clients read.
    public var code: String?
    public var message: String?
    /// Extra response headers (`Retry-After`, `WWW-Authenticate`).
    public var headers: [String: String] = [:]

    public init(slug: String, title: String, status: HTTPResponse.Status, detail: String, errors: [FieldIssue] = [], headers: [String: String] = [:]) {
        self.type = Self.typeBase + slug
        self.title = title
        self.status = status.code
        self.detail = detail
        self.errors = errors
        self.headers = headers
    }

    enum CodingKeys: String, CodingKey {
        case type, title, status, detail, instance, errors
        case requestID = "requestId"
        case code, message
    }

    /// Adds the `code` and `message` fields tracking clients read.
    public func forTrackingClients() -> Problem {
        var problem = self
        problem.code = switch status {
        case 400: "invalid_request"
        case 401: "unauthorized"
        case 413: "payload_too_large"
        case 415: "unsupported_media_type"
        case 429: "rate_limited"
        case 500...: "internal_error"
        default: String(type.dropFirst(Self.typeBase.count)).replacingOccurrences(of: "-", with: "_")
        }
        problem.message = detail
        return problem
    }

    public var httpStatus: HTTPResponse.Status { HTTPResponse.Status(code: status) }

    /// The problem as an `application/problem+json` response.
    public func response(requestID: String, path: String) -> Response {
        var problem = self
        problem.requestID = requestID
        problem.instance = problem.instance ?? path
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = (try? encoder.encode(problem)) ?? Data(#"{"title":"Error"}"#.utf8)
        var fields = HTTPFields()
        fields[.contentType] = "application/problem+json"
        for (name, value) in headers {
            if let field = HTTPField.Name(name) { fields[field] = value }
        }
        return Response(status: httpStatus, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

extension Problem {
    /// Maps any error to the problem people see. Unknown errors become a 500 that names only the request id.
    public init(_ error: any Error) {
        switch error {
        case let problem as Problem:
            self = problem
        case let error as ValidationError:
            self.init(slug: "invalid-input", title: "Invalid input", status: .badRequest, detail: error.summary, errors: error.issues)
        case let error as AccessError:
            switch error {
            case .forbidden(let permission):
                self.init(slug: "forbidden", title: "Not allowed", status: .forbidden,
                          detail: "Your role does not include the permission \"\(permission.rawValue)\" (\(permission.summary.lowercased())). Ask an administrator.")
            case .unauthenticated:
                self.init(slug: "unauthenticated", title: "Authentication required", status: .unauthorized,
                          detail: "Send a secret API key as \"Authorization: Bearer cairn_sk_…\", or sign in.",
                          headers: ["WWW-Authenticate": #"Bearer realm="cairn""#])
            case .invalidCredentials:
                self.init(slug: "invalid-credentials", title: "Wrong email or password", status: .unauthorized,
                          detail: "The email or the password is wrong. Check both and try again.")
            case .throttled(let seconds):
                self.init(slug: "too-many-attempts", title: "Too many attempts", status: .tooManyRequests,
                          detail: "Too many failed sign-ins. Wait \(seconds) seconds before trying again.", headers: ["Retry-After": "\(seconds)"])
            case .lastAdministrator:
                self.init(slug: "last-administrator", title: "Last administrator", status: .conflict,
                          detail: "This would leave the workspace without an administrator. Make someone else an admin first.")
            case .setupAlreadyCompleted:
                self.init(slug: "setup-completed", title: "Setup already completed", status: .conflict,
                          detail: "An administrator already exists. Sign in instead, or ask an administrator for an account.")
            }
        case let error as NotFoundError:
            self.init(slug: "not-found", title: "Not found", status: .notFound,
                      detail: "No \(error.kind) with id \(error.id) exists in this workspace. Check the id.")
        case let error as ConflictError:
            self.init(slug: "conflict", title: "Conflict", status: .conflict, detail: error.detail,
                      errors: [FieldIssue(field: error.field, issue: .alreadyTaken, hint: error.detail)])
        case let error as DecodingError:
            let (field, hint) = Self.describe(error)
            self.init(slug: "invalid-json", title: "Invalid JSON body", status: .badRequest, detail: "\(field): \(hint)",
                      errors: [FieldIssue(field: field, issue: .invalid, hint: hint)])
        case let error as any HTTPResponseError:
            let status = error.status
            switch status {
            case .notFound:
                self.init(slug: "not-found", title: "Not found", status: .notFound, detail: "Nothing is here. Check the address; the API lives under /api/v1.")
            case .methodNotAllowed:
                self.init(slug: "method-not-allowed", title: "Method not allowed", status: .methodNotAllowed, detail: "This address does not accept that method. See /api/v1/openapi.json.")
            case .contentTooLarge:
                self.init(slug: "too-large", title: "Request too large", status: .contentTooLarge, detail: "The body is larger than this endpoint accepts (1 MiB). Send less.")
            default:
                self.init(slug: "http-\(status.code)", title: status.reasonPhrase, status: status, detail: "The request could not be handled (\(status.code)). Check the address, method and body.")
            }
        default:
            self.init(slug: "internal", title: "Internal error", status: .internalServerError,
                      detail: "Something went wrong on our side. The error was logged with this request's id; report it if it persists.")
        }
    }

    /// Turns a decoding error into a JSON path and a hint.
    static func describe(_ error: DecodingError) -> (field: String, hint: String) {
        func path(_ codingPath: [any CodingKey], _ last: (any CodingKey)? = nil) -> String {
            let keys = codingPath + (last.map { [$0] } ?? [])
            guard !keys.isEmpty else { return "body" }
            return keys.reduce("") { text, key in
                if let index = key.intValue { return text + "[\(index)]" }
                return text.isEmpty ? key.stringValue : text + "." + key.stringValue
            }
        }
        switch error {
        case .keyNotFound(let key, let context):
            return (path(context.codingPath, key), "This field is required.")
        case .typeMismatch(let type, let context):
            return (path(context.codingPath), "Expected \(Self.jsonTypeName(type)).")
        case .valueNotFound(let type, let context):
            return (path(context.codingPath), "Expected \(Self.jsonTypeName(type)), got null.")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return ("body", "The body is not valid JSON. Send a JSON object with Content-Type: application/json.") }
            return (path(context.codingPath), "This value is not valid here: \(context.debugDescription)")
        @unknown default:
            return ("body", "The body could not be read.")
        }
    }

    static func jsonTypeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type: "an integer"
        case is Double.Type: "a number"
        case is Bool.Type: "true or false"
        default: "a different type"
        }
    }
}

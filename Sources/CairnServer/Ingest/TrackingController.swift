import CairnCore
import CairnEngine
import CompressNIO
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The public tracking endpoints, compatible with the Segment HTTP Tracking API: `/v1/identify`, `/v1/track`,
/// `/v1/page`, `/v1/screen`, `/v1/group`, `/v1/alias`, `/v1/batch` and `/v1/import`, and the short paths the browser
/// and mobile libraries use (`/v1/t`, `/v1/i`, `/v1/p`, `/v1/s`, `/v1/g`, `/v1/a`, `/v1/b`). JSON or `text/plain`
/// bodies, the write key as Basic user name or `writeKey` in the body; any origin may call them (PublicCORSMiddleware).
/// Existing Segment and RudderStack clients work with only their host changed. Success is exactly `200 {"success":true}`.
struct TrackingController {
    let authenticator: Authenticator
    let ingestor: Ingestor

    /// One request, after decompression.
    static let maximumRequestBytes = 4 * 1024 * 1024

    func addRoutes(to router: Router<CairnRequestContext>) {
        for kind in TrackingMessage.Kind.allCases {
            router.post(RouterPath("v1/\(kind.rawValue)")) { request, context in
                try await receive(request, context: context, kind: kind)
            }
            // analytics-next (Segment's browser library) and the mobile libraries post to the type's first letter:
            // /t, /i, /p, /s, /g, /a, and /b for a batch.
            router.post(RouterPath("v1/\(kind.rawValue.prefix(1))")) { request, context in
                try await receive(request, context: context, kind: kind)
            }
        }
        router.post("v1/batch") { request, context in try await receive(request, context: context, kind: nil) }
        router.post("v1/b") { request, context in try await receive(request, context: context, kind: nil) }
        router.post("v1/import") { request, context in try await receive(request, context: context, kind: nil) }
    }

    func receive(_ request: Request, context: CairnRequestContext, kind: TrackingMessage.Kind?) async throws -> Response {
        let body = try await Self.body(of: request)
        let object: [String: JSONValue]
        do {
            guard let parsed = try body.withUnsafeReadableBytes { try JSONValue.parse(bytes: $0) }.objectValue else { throw Self.malformed }
            object = parsed
        } catch let error as JSONTextError {
            throw Self.malformed(error)
        }
        let key = try await WriteKeyAuthentication(authenticator: authenticator).key(request, body: object)

        var messages: [TrackingMessage] = []
        var issues: [FieldIssue] = []
        func makeID() -> String { "cairn-" + UUID().uuidString.lowercased() }
        if let kind {
            if body.readableBytes > TrackingMessage.maximumBytes {
                throw Problem(slug: "too-large", title: "Message too large", status: .contentTooLarge,
                              detail: "A single message may be at most 32 KB. Send fewer properties.")
            }
            switch TrackingMessage.parse(object, kind: kind, makeMessageID: makeID) {
            case .success(let message): messages.append(message)
            case .failure(let error): issues += error.issues
            }
        } else {
            guard case .array(let batch)? = object["batch"] else {
                throw Problem(slug: "invalid-input", title: "Invalid batch", status: .badRequest,
                              detail: "batch: Send the messages as an array named \"batch\".",
                              errors: [FieldIssue(field: "batch", issue: object["batch"] == nil ? .missing : .invalid, hint: "Send an array of messages.")])
            }
            let context = object["context"]?.objectValue
            for (index, element) in batch.enumerated() {
                guard let message = element.objectValue else {
                    issues.append(FieldIssue(field: "batch[\(index)]", issue: .invalid, hint: "Each batch entry must be a JSON object."))
                    continue
                }
                switch TrackingMessage.parse(message, kind: nil, prefix: "batch[\(index)].", batchContext: context, batchSentAt: object["sentAt"], makeMessageID: makeID) {
                case .success(let parsed): messages.append(parsed)
                case .failure(let error): issues += error.issues
                }
            }
        }
        guard issues.isEmpty else {
            let detail = issues.prefix(3).map { "\($0.field): \($0.hint)" }.joined(separator: " ")
            throw Problem(slug: "invalid-input", title: "Invalid message", status: .badRequest,
                          detail: "Nothing was stored. \(detail)\(issues.count > 3 ? " (\(issues.count) problems in all)" : "")", errors: issues)
        }
        do {
            _ = try await ingestor.ingest(messages, key: key)
        } catch IngestError.rateLimited(let seconds) {
            throw Problem(slug: "rate-limited", title: "Too many events", status: .tooManyRequests,
                          detail: "This source is over its rate limit. Retry after \(seconds) seconds.", headers: ["Retry-After": "\(seconds)"])
        } catch IngestError.unknownSource {
            throw WriteKeyAuthentication.badKey
        } catch IngestError.unknownChannels(let unknown) {
            let issues = unknown.map { entry in
                FieldIssue(field: kind == nil ? "batch[\(entry.index)].context.channel" : "context.channel", issue: .unknownValue(allowed: []),
                           hint: "\(entry.channel) is not a channel of this workspace. Use web, app, store, call_center, chat, email, delivery, or define it first (PUT /api/v1/channels/\(entry.channel)).")
            }
            throw Problem(slug: "invalid-input", title: "Invalid message", status: .badRequest,
                          detail: "Nothing was stored. \(issues[0].field): \(issues[0].hint)", errors: issues)
        }
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: #"{"success":true}"#)))
    }

    /// The body, gunzipped when `Content-Encoding: gzip`, at most 4 MiB either way.
    static func body(of request: Request) async throws -> ByteBuffer {
        let tooLarge = Problem(slug: "too-large", title: "Request too large", status: .contentTooLarge,
                               detail: "A request may be at most 4 MiB after decompression. Send smaller batches.")
        var buffer: ByteBuffer
        do { buffer = try await request.body.collect(upTo: maximumRequestBytes) } catch let error as any HTTPResponseError where error.status == .contentTooLarge { throw tooLarge }
        switch request.headers[.contentEncoding]?.lowercased().trimmingCharacters(in: .whitespaces) {
        case nil, "", "identity":
            return buffer
        case "gzip", "x-gzip":
            do {
                // One byte of room past the limit tells "exactly 4 MiB" from "more".
                let decompressed = try buffer.decompress(with: .gzip(), maxSize: maximumRequestBytes + 1)
                guard decompressed.readableBytes <= maximumRequestBytes else { throw tooLarge }
                return decompressed
            } catch let error as CompressNIOError where error == .bufferOverflow {
                throw tooLarge
            } catch let problem as Problem {
                throw problem
            } catch {
                throw Problem(slug: "invalid-input", title: "Unreadable body", status: .badRequest,
                              detail: "The body says Content-Encoding: gzip but could not be decompressed. Send valid gzip or plain JSON.")
            }
        case let other?:
            throw Problem(slug: "unsupported-media-type", title: "Unsupported encoding", status: .unsupportedMediaType,
                          detail: "Content-Encoding \(other) is not supported. Send plain JSON or gzip.")
        }
    }

    static let malformed = Problem(slug: "invalid-json", title: "Malformed JSON", status: .badRequest,
                                   detail: "The body is not a JSON object. Send a message object, or {\"batch\":[…]} to /v1/batch.",
                                   errors: [FieldIssue(field: "body", issue: .invalid, hint: "Send a JSON object.")])

    /// JSON that could not be read, saying what is wrong and where (NaN, Infinity, 1e400, a byte-order mark, bytes
    /// that are not UTF-8…).
    static func malformed(_ error: JSONTextError) -> Problem {
        Problem(slug: "invalid-json", title: "Malformed JSON", status: .badRequest,
                detail: "The body is not valid JSON: \(error.reason) (at byte \(error.offset)).",
                errors: [FieldIssue(field: "body", issue: .invalid, hint: "Fix the JSON at byte \(error.offset): \(error.reason).")])
    }
}

extension HTTPField.Name {
    static let contentEncoding = HTTPField.Name("Content-Encoding")!
}

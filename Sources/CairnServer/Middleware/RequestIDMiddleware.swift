import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Gives every request an id (the client's `X-Request-ID` when it is sane), puts it in every log line and every
/// response, and logs one line per request without query strings or bodies (they may carry personal data).
struct RequestIDMiddleware: RouterMiddleware {
    typealias Context = CairnRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let incoming = request.headers[.xRequestID]
        let id = incoming.flatMap { Self.isSane($0) ? $0 : nil } ?? UUID().uuidString.lowercased()
        context.requestID = id
        context.logger[metadataKey: "request.id"] = .string(id)
        let start = ContinuousClock.now
        let scoped = context
        do {
            var response = try await RequestScope.$requestID.withValue(id) { try await next(request, scoped) }
            response.headers[.xRequestID] = id
            log(request, context: context, status: response.status.code, start: start)
            return response
        } catch {
            log(request, context: context, status: nil, start: start)
            throw error
        }
    }

    private func log(_ request: Request, context: Context, status: Int?, start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        context.logger.info("request", metadata: [
            "http.method": .string(request.method.rawValue),
            "http.route": .string(context.endpointPath ?? "unmatched"),
            "http.status": .string(status.map(String.init) ?? "error"),
            "duration.ms": .string(String(format: "%.1f", milliseconds)),
        ])
    }

    static func isSane(_ id: String) -> Bool {
        (1...64).contains(id.count) && id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") }
    }
}

extension HTTPField.Name {
    static let xRequestID = HTTPField.Name("X-Request-ID")!
    static let xCSRFToken = HTTPField.Name("X-CSRF-Token")!
    static let retryAfter = HTTPField.Name("Retry-After")!
    static let xForwardedProto = HTTPField.Name("X-Forwarded-Proto")!
}

import HTTPTypes
import Hummingbird

/// Cross-origin access for the public endpoints under `/v1/` — tracking (Segment's and RudderStack's browser
/// libraries post from the customer's own site) and the survey widget — and for nothing else: the management API
/// (`/api/`) and the pages never answer another origin. Every answer under `/v1/` (errors too, so a browser library
/// can read why) carries `Access-Control-Allow-Origin: *`; a preflight (OPTIONS) is answered here, for 24 hours.
struct PublicCORSMiddleware: RouterMiddleware {
    typealias Context = CairnRequestContext

    static let allowHeaders = "Authorization, Content-Type, Content-Encoding, Idempotency-Key, anonymousid"
    static let allowMethods = "GET, POST, OPTIONS"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.uri.path.hasPrefix("/v1/") else { return try await next(request, context) }
        if request.method == .options {
            var response = Response(status: .noContent)
            Self.allow(&response.headers)
            response.headers[.accessControlMaxAge] = "86400"
            return response
        }
        var response = try await next(request, context)
        Self.allow(&response.headers)
        return response
    }

    static func allow(_ headers: inout HTTPFields) {
        headers[.accessControlAllowOrigin] = "*"
        headers[.accessControlAllowHeaders] = allowHeaders
        headers[.accessControlAllowMethods] = allowMethods
    }
}

extension HTTPField.Name {
    static let accessControlAllowHeaders = HTTPField.Name("Access-Control-Allow-Headers")!
    static let accessControlAllowMethods = HTTPField.Name("Access-Control-Allow-Methods")!
    static let accessControlMaxAge = HTTPField.Name("Access-Control-Max-Age")!
}

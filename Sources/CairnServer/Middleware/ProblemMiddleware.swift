import Foundation
import HTTPTypes
import Hummingbird
import Logging
import CairnCore

/// Maps every error to RFC 9457 `application/problem+json` for API clients and to the error page for browsers.
/// The full error goes to the log with the request id; the response never carries internals.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = CairnRequestContext
    let renderer: WebRenderer
    let routes: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            var problem = Problem(error)
            // No route matched the path and method (Hummingbird names the endpoint "NotFound" then).
            if let http = error as? any HTTPResponseError, http.status == .notFound, context.endpointPath == nil || context.endpointPath == "NotFound" {
                let allowed = routes.allowedMethods(for: request.uri.path)
                if !allowed.isEmpty {
                    problem = Problem(slug: "method-not-allowed", title: "Method not allowed", status: .methodNotAllowed,
                                      detail: "\(request.uri.path) accepts \(allowed.joined(separator: ", ")), not \(request.method.rawValue).",
                                      headers: ["Allow": allowed.joined(separator: ", ")])
                }
            }
            if problem.status >= 500 {
                context.logger.error("request failed", metadata: ["error": "\(String(reflecting: error))"])
            } else {
                context.logger.debug("request refused", metadata: ["problem": "\(problem.type)"])
            }
            if request.uri.path.hasPrefix("/v1/") {
                return problem.forTrackingClients().response(requestID: context.requestID, path: request.uri.path)
            }
            if Self.wantsJSON(request) {
                return problem.response(requestID: context.requestID, path: request.uri.path)
            }
            if problem.status == 401, request.method == .get {
                return WebRenderer.redirect(to: "/login?next=\(request.uri.path.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(.init(charactersIn: "/-_"))) ?? "/")")
            }
            return errorPage(problem, context: context)
        }
    }

    func errorPage(_ problem: Problem, context: Context) -> Response {
        var slug = String(problem.type.dropFirst(Problem.typeBase.count))
        if slug.hasPrefix("http-") { slug = "generic" }
        let catalogue = renderer.catalogue
        let localisedDetail = catalogue.messages[context.language]?["problem_\(slug)"] ?? catalogue.messages[.english]?["problem_\(slug)"]
        var response = (try? renderer.page("error", titleKey: "error_title", section: "", context: context, values: [
            "status": problem.status,
            "detail": localisedDetail ?? problem.detail,
            "fieldErrors": problem.errors.isEmpty ? nil : ["items": problem.errors.map { ["field": $0.field, "hint": $0.hint] }] as [String: Any]? as Any,
        ], status: problem.httpStatus)) ?? WebRenderer.html("<!doctype html><title>Error</title><p>Error \(problem.status)</p>", status: problem.httpStatus)
        for (name, value) in problem.headers {
            if let field = HTTPField.Name(name) { response.headers[field] = value }
        }
        return response
    }

    /// API paths, the tracking endpoints and clients that ask for JSON get problem+json.
    static func wantsJSON(_ request: Request) -> Bool {
        let path = request.uri.path
        if path.hasPrefix("/api/") || path.hasPrefix("/v1/") || path == "/health" || path == "/ready" { return true }
        let accept = request.headers[.accept] ?? ""
        return accept.contains("json") && !accept.contains("text/html")
    }
}

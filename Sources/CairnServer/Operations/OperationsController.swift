import CairnEngine
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Prometheus
import Logging

/// `/health` (the process is alive), `/ready` (the database answers), `/metrics` (Prometheus text format),
/// and the OpenAPI document.
struct OperationsController {
    let useCases: UseCases
    let openAPIDocument: ByteBuffer

    func addRoutes(to router: Router<CairnRequestContext>) {
        router.get("health", use: health)
        router.get("ready", use: ready)
        router.get("metrics", use: metrics)
        router.get("api/v1/openapi.json", use: openAPI)
    }

    struct Status: ResponseEncodable {
        var status: String
        var database: String?
    }

    @Sendable func health(_ request: Request, context: CairnRequestContext) async throws -> Status {
        Status(status: "ok")
    }

    @Sendable func ready(_ request: Request, context: CairnRequestContext) async throws -> EditedResponse<Status> {
        do {
            try await useCases.pingDatabase()
            CairnMetrics.databaseUp(true)
            return EditedResponse(status: .ok, response: Status(status: "ready", database: useCases.databaseEngine))
        } catch {
            CairnMetrics.databaseUp(false)
            context.logger.warning("readiness check failed", metadata: ["error": "\(error)"])
            return EditedResponse(status: .serviceUnavailable, response: Status(status: "database unreachable", database: useCases.databaseEngine))
        }
    }

    @Sendable func metrics(_ request: Request, context: CairnRequestContext) async throws -> Response {
        Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(bytes: CairnMetrics.registry.emitToBuffer())))
    }

    @Sendable func openAPI(_ request: Request, context: CairnRequestContext) async throws -> Response {
        Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "public, max-age=300"], body: .init(byteBuffer: openAPIDocument))
    }

    /// The document shipped as a resource.
    static func loadOpenAPIDocument() throws -> ByteBuffer {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json") else { throw CocoaError(.fileNoSuchFile) }
        return ByteBuffer(bytes: try Data(contentsOf: url))
    }
}

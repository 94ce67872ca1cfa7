import CairnAnalytics
import CairnCore
import CairnEngine
import Foundation
public import Hummingbird

extension OfferDecision: ResponseEncodable {}
extension OfferEvaluation.Result: ResponseEncodable {}
extension RetailStore: ResponseEncodable {}

/// Next best offers (a site server to server, an agent's tools), why each was shown, their offline evaluation; and the
/// directory's stores.
struct OffersAPI {
    let offers: Offers
    let directory: Directory

    func addRoutes(to group: RouterGroup<CairnRequestContext>) {
        group.post("profiles/{id}/offers", use: decide)
        group.get("profiles/{id}/offer-decisions", use: decisions)
        group.get("offers/evaluation", use: evaluation)
        group.get("stores", use: stores)
        group.post("stores", use: createStore)
        group.get("stores/{id}", use: showStore)
        group.put("stores/{id}", use: updateStore)
        group.delete("stores/{id}", use: deleteStore)
    }

    struct OfferRequestBody: Decodable {
        struct Location: Decodable {
            var latitude: Double?
            var longitude: Double?
        }
        var k: Int?
        var surface: String?
        /// SKUs the customer is looking at.
        var context: [String]?
        var location: Location?
    }

    /// `{"k": 5, "surface": "site", "context": ["SKU-1"], "location": {"latitude": 52.52, "longitude": 13.40}}` (all
    /// optional): decides now — the consent to personalisation read at this moment — records the decision and answers it.
    @Sendable func decide(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let id = try context.parameters.id(as: ProfileID.self, kind: "profile")
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        var body = OfferRequestBody()
        if buffer.readableBytes > 0 {
            var copy = request
            copy.body = RequestBody(buffer: buffer)
            body = try await copy.decodeJSON(OfferRequestBody.self, context: context)
        }
        var issues = ValidationCollector()
        let surface: OfferSurface? = issues.check { () throws(ValidationError) -> OfferSurface in
            guard let text = body.surface else { return .site }
            guard let surface = OfferSurface(rawValue: text) else {
                throw ValidationError(field: "surface", issue: .unknownValue(allowed: OfferSurface.allCases.map(\.rawValue)), hint: "Say where the offers are shown: site, agent or bot.")
            }
            return surface
        }
        let location = issues.check { () throws(ValidationError) -> GeoPoint? in
            try GeoPoint.validated(latitude: body.location?.latitude, longitude: body.location?.longitude, field: "location")
        }
        if let context = body.context, context.count > 50 || context.contains(where: { $0.isEmpty || $0.count > 200 }) {
            issues.add(FieldIssue(field: "context", issue: .invalid, hint: "Send at most 50 SKUs, each 1–200 characters."))
        }
        if let k = body.k, !(1...Offers.maximumK).contains(k) {
            issues.add(FieldIssue(field: "k", issue: .invalid, hint: "Ask for 1 to \(Offers.maximumK) offers."))
        }
        try issues.throwIfAny()
        let decision = try await offers.decide(Offers.Request(profile: id, k: body.k ?? 5, surface: surface ?? .site, context: body.context ?? [],
                                                              location: location ?? nil), by: try context.requirePrincipal())
        var response = try decision.response(from: request, context: context)
        response.status = .created
        return response
    }

    /// The customer's recorded decisions, newest first: what was shown, where, and why.
    @Sendable func decisions(_ request: Request, context: CairnRequestContext) async throws -> ListBody<OfferDecision> {
        let id = try context.parameters.id(as: ProfileID.self, kind: "profile")
        return ListBody(Page(items: try await offers.decisions(of: id, by: try context.requirePrincipal()), nextCursor: nil))
    }

    /// `?holdoutDays=90&k=5`: the method against the most bought items on the last 90 days' purchases.
    @Sendable func evaluation(_ request: Request, context: CairnRequestContext) async throws -> OfferEvaluation.Result {
        var issues = ValidationCollector()
        let days = request.queryInteger("holdoutDays", default: 90, collecting: &issues)
        let k = request.queryInteger("k", default: 5, collecting: &issues)
        try issues.throwIfAny()
        return try await offers.evaluate(holdoutDays: days, k: k, by: try context.requirePrincipal())
    }

    struct StoreBody: Decodable {
        struct Location: Decodable {
            var latitude: Double?
            var longitude: Double?
        }
        var code: String?
        var name: String?
        var city: String?
        var country: String?
        var location: Location?

        var input: Directory.StoreInput {
            Directory.StoreInput(code: code, name: name, city: city, country: country, latitude: location?.latitude, longitude: location?.longitude)
        }
    }

    @Sendable func stores(_ request: Request, context: CairnRequestContext) async throws -> ListBody<RetailStore> {
        ListBody(Page(items: try await directory.stores(for: try context.requirePrincipal()), nextCursor: nil))
    }

    /// `{"code": "berlin-mitte", "name": "Berlin Mitte", "city": "Berlin", "country": "DE", "location": {"latitude": 52.52, "longitude": 13.405}}`.
    @Sendable func createStore(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(StoreBody.self, context: context)
        let made = try await directory.createStore(body.input, by: try context.requirePrincipal())
        var response = try made.response(from: request, context: context)
        response.status = .created
        response.headers[.location] = "/api/v1/stores/\(made.id)"
        return response
    }

    @Sendable func showStore(_ request: Request, context: CairnRequestContext) async throws -> RetailStore {
        try await directory.store(try context.parameters.id(as: RetailStoreID.self, kind: "store"), for: try context.requirePrincipal())
    }

    @Sendable func updateStore(_ request: Request, context: CairnRequestContext) async throws -> RetailStore {
        let id = try context.parameters.id(as: RetailStoreID.self, kind: "store")
        let body = try await request.decodeJSON(StoreBody.self, context: context)
        return try await directory.updateStore(id, body.input, by: try context.requirePrincipal())
    }

    @Sendable func deleteStore(_ request: Request, context: CairnRequestContext) async throws -> Response {
        try await directory.deleteStore(try context.parameters.id(as: RetailStoreID.self, kind: "store"), by: try context.requirePrincipal())
        return Response(status: .noContent)
    }
}

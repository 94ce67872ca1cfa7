import CairnCore
import CairnEngine
import Foundation
public import Hummingbird

extension CustomerValueScore: ResponseEncodable {}
extension RevenueForecasts.Result: ResponseEncodable {}
extension CXCosts: ResponseEncodable {}

/// Customer value: the models of the last computation, recomputing on demand, the customers ranked by value, and one
/// customer's figures.
struct ValueAPI {
    let values: CustomerValues
    let records: CustomerRecords
    let forecasts: RevenueForecasts

    func addRoutes(to group: RouterGroup<CairnRequestContext>) {
        group.get("value/model", use: model)
        group.post("value/recompute", use: recompute)
        group.get("value/customers", use: ranked)
        group.get("profiles/{id}/value", use: value)
        group.get("profiles/export", use: export)
        group.get("forecasts/revenue", use: forecast)
        group.get("roi", use: returnOfCX)
        group.put("roi/costs", use: setCosts)
    }

    /// The money behind CX: the last computation's revenue at risk, scenarios and NPS cohorts, with the costs entered
    /// and the service cost they imply.
    struct ReturnBody: ResponseEncodable {
        var summary: ReturnSummary?
        var programmes: [CXCosts.Programme]
        var programmesCost: Money?
        var contactsLastYear: [String: Int]
        var serviceCost: [Money]
        var contactsWithoutCost: Int
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(summary, forKey: .summary)
            try container.encode(programmes, forKey: .programmes)
            try container.encode(programmesCost, forKey: .programmesCost)
            try container.encode(contactsLastYear, forKey: .contactsLastYear)
            try container.encode(serviceCost, forKey: .serviceCost)
            try container.encode(contactsWithoutCost, forKey: .contactsWithoutCost)
        }
        enum CodingKeys: String, CodingKey { case summary, programmes, programmesCost, contactsLastYear, serviceCost, contactsWithoutCost }

        init(_ found: (summary: ReturnSummary?, costs: CustomerValues.Costs)) {
            summary = found.summary
            programmes = found.costs.programmes.programmes
            programmesCost = found.costs.programmesTotal
            contactsLastYear = found.costs.contacts
            serviceCost = found.costs.serviceCost
            contactsWithoutCost = found.costs.contactsWithoutCost
        }
    }

    @Sendable func returnOfCX(_ request: Request, context: CairnRequestContext) async throws -> ReturnBody {
        ReturnBody(try await values.returnOfCX(for: try context.requirePrincipal()))
    }

    struct CostsBody: Decodable {
        struct Programme: Decodable {
            var name: String?
            var annualCost: String?
        }
        var currency: String?
        var programmes: [Programme]?
    }

    /// `{"currency":"EUR","programmes":[{"name":"Faster couriers","annualCost":"12000"}]}`, replacing the list (value.manage).
    /// The cost of a service contact is the service settings' (`PUT /api/v1/service-settings`).
    @Sendable func setCosts(_ request: Request, context: CairnRequestContext) async throws -> CXCosts {
        let principal = try context.requirePrincipal()
        try principal.require(.valueManage)
        let body = try await request.decodeJSON(CostsBody.self, context: context)
        return try await values.setCosts(currency: body.currency, programmes: (body.programmes ?? []).map { ($0.name, $0.annualCost) }, for: principal)
    }

    /// `?period=week|month&horizon=N`: revenue ahead with intervals, its backtest, by channel and category, and what
    /// moved it (commerce.read).
    @Sendable func forecast(_ request: Request, context: CairnRequestContext) async throws -> RevenueForecasts.Result {
        let query = request.uri.queryParameters
        return try await forecasts.run(period: query["period"].map(String.init), horizon: query["horizon"].map(String.init), for: try context.requirePrincipal())
    }

    /// `{"model": …}`, null until the first computation.
    struct ModelBody: ResponseEncodable {
        var model: ValueModelSummary?
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(model, forKey: .model)
        }
        enum CodingKeys: String, CodingKey { case model }
    }

    @Sendable func model(_ request: Request, context: CairnRequestContext) async throws -> ModelBody {
        ModelBody(model: try await values.model(for: try context.requirePrincipal()))
    }

    /// Recomputes now (value.manage); `model` is null when the workspace has too few customers who bought to fit.
    @Sendable func recompute(_ request: Request, context: CairnRequestContext) async throws -> ModelBody {
        ModelBody(model: try await values.recompute(for: try context.requirePrincipal()))
    }

    /// `?tier=top|high|medium|low`: scored customers, highest value first.
    @Sendable func ranked(_ request: Request, context: CairnRequestContext) async throws -> ListBody<CustomerValueScore> {
        let principal = try context.requirePrincipal()
        let (cursor, limit) = try request.pagination()
        let tier = try request.uri.queryParameters["tier"].map { text throws(ValidationError) in try ValueTier.validate(String(text)) }
        return ListBody(try await values.ranked(for: principal, tier: tier, after: cursor, limit: limit))
    }

    /// `{"profileId": …, "value": …}`: null until the customer is scored.
    struct ValueBody: ResponseEncodable {
        var profileId: String
        var value: CustomerValueScore?
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(profileId, forKey: .profileId)
            try container.encode(value, forKey: .value)
        }
        enum CodingKeys: String, CodingKey { case profileId, value }
    }

    @Sendable func value(_ request: Request, context: CairnRequestContext) async throws -> ValueBody {
        let id = try context.parameters.id(as: ProfileID.self, kind: "profile")
        return ValueBody(profileId: id.rawValue, value: try await values.value(of: id, for: try context.requirePrincipal()))
    }

    /// `?format=csv|ndjson&tier=…`: every customer (of a value tier) with their value figures (data.export; audited).
    @Sendable func export(_ request: Request, context: CairnRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        try principal.require(.dataExport)
        var issues = ValidationCollector()
        let format = request.queryChoice("format", as: CustomerRecords.ExportFormat.self, hint: "Use csv or ndjson.", collecting: &issues) ?? .csv
        var filter = ProfileFilter()
        if let text = request.uri.queryParameters["tier"].map(String.init) {
            filter.valueTier = issues.check { () throws(ValidationError) in try ValueTier.validate(text) }
        }
        if let text = request.uri.queryParameters["segment"].map(String.init) {
            if let id = SegmentID(text) { filter.segment = id } else {
                issues.add(FieldIssue(field: "segment", issue: .invalid, hint: "Give the id of one of this workspace's segments (GET /api/v1/segments)."))
            }
        }
        try issues.throwIfAny()
        var lines: [String] = []
        _ = try await records.exportProfiles(format: format, matching: filter, for: principal, origin: context.origin) { lines.append($0) }
        let type = format == .csv ? "text/csv; charset=utf-8" : "application/x-ndjson"
        return Response(status: .ok, headers: [.contentType: type, .contentDisposition: "attachment; filename=\"customers.\(format.rawValue)\""],
                        body: .init(byteBuffer: ByteBuffer(string: lines.joined(separator: "\n") + "\n")))
    }
}

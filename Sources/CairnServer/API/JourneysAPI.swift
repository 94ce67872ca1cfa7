import CairnCore
import CairnEngine
import Foundation
public import Hummingbird

extension Funnels.Result: ResponseEncodable {}
extension JourneyPaths.Result: ResponseEncodable {}
extension KeyDrivers.Result: ResponseEncodable {}
extension TouchpointScorecard.Result: ResponseEncodable {}
extension UnderperformanceAlert: ResponseEncodable {}
extension JourneyDefinition: ResponseEncodable {}
extension JourneyMaps.Result: ResponseEncodable {}
extension ActivePeople.Result: ResponseEncodable {}

/// `/api/v1/funnels/query` and `/api/v1/paths/query`: a funnel, or the paths into or out of a step, over the workspace's
/// events, defined in the request (journeys.read).
struct JourneysAPI {
    let funnels: Funnels
    let paths: JourneyPaths
    let keyDrivers: KeyDrivers
    let scorecard: TouchpointScorecard
    let underperformance: Underperformance
    let maps: JourneyMaps
    let active: ActivePeople

    func addRoutes(to group: RouterGroup<CairnRequestContext>) {
        group.get("insights/scorecard", use: touchpoints)
        group.post("funnels/query", use: funnel)
        group.post("paths/query", use: path)
        group.get("insights/key-drivers", use: drivers)
        group.get("insights/alerts", use: alerts)
        group.get("funnels/saved", use: savedFunnels)
        group.post("funnels/saved", use: saveFunnel)
        group.delete("funnels/saved/{id}", use: deleteFunnel)
        group.get("insights/active-people", use: activePeople)
        group.get("journeys", use: listJourneys)
        group.post("journeys", use: createJourney)
        group.put("journeys/{id}", use: updateJourney)
        group.get("journeys/{id}/map", use: journeyMap)
        group.get("journeys/{id}/people", use: journeyPeople)
    }

    /// `?period=day&from=2026-01-01&until=2027-01-01`: different customers active per day, week or month.
    @Sendable func activePeople(_ request: Request, context: CairnRequestContext) async throws -> ActivePeople.Result {
        let query = request.uri.queryParameters
        return try await active.run(period: query["period"].map(String.init), from: query["from"].map(String.init), until: query["until"].map(String.init),
                                    for: try context.requirePrincipal())
    }

    /// `standard` (the journey a workspace starts with) or a journey's id.
    static func journeyID(_ context: CairnRequestContext) throws -> JourneyID {
        let text = try context.parameters.require("id")
        guard let id = JourneyID(reference: text) else { throw NotFoundError(kind: "journey", id: text) }
        return id
    }

    struct JourneyBody: Decodable {
        var name: String?
        var stages: [JourneyDefinition.Stage]?
    }

    @Sendable func listJourneys(_ request: Request, context: CairnRequestContext) async throws -> ListBody<JourneyDefinition> {
        ListBody(Page(items: try await maps.journeys(for: try context.requirePrincipal()), nextCursor: nil))
    }

    /// `{"name":"Online shopper","stages":[{"name":"Consider","events":["Product Viewed"]},{"name":"Buy","events":["Order Completed"]}]}`.
    @Sendable func createJourney(_ request: Request, context: CairnRequestContext) async throws -> EditedResponse<JourneyDefinition> {
        let principal = try context.requirePrincipal()
        try principal.require(.journeysManage)
        let body = try await request.decodeJSON(JourneyBody.self, context: context)
        let journey = try await maps.define(nil, name: body.name, stages: body.stages, by: principal)
        return EditedResponse(status: .created, headers: [.location: "/api/v1/journeys/\(journey.id)/map"], response: journey)
    }

    @Sendable func updateJourney(_ request: Request, context: CairnRequestContext) async throws -> JourneyDefinition {
        let principal = try context.requirePrincipal()
        try principal.require(.journeysManage)
        let id = try Self.journeyID(context)
        let body = try await request.decodeJSON(JourneyBody.self, context: context)
        return try await maps.define(id, name: body.name, stages: body.stages, by: principal)
    }

    static func filters(_ request: Request) -> JourneyMaps.Filters {
        let query = request.uri.queryParameters
        return JourneyMaps.Filters(from: query["from"].map(String.init), until: query["until"].map(String.init), channel: query["channel"].map(String.init),
                                   segment: query["segment"].map(String.init))
    }

    /// `?from=2026-01-01&until=2027-01-01&channel=web&segment=trait:tier=gold`.
    @Sendable func journeyMap(_ request: Request, context: CairnRequestContext) async throws -> JourneyMaps.Result {
        try await maps.map(try Self.journeyID(context), Self.filters(request), for: try context.requirePrincipal())
    }

    struct PeopleBody: ResponseEncodable {
        var profileIds: [String]
        var total: Int
    }

    /// `?stage=2&kind=dropped` (reached, converted or dropped; `lane=web` for one swimlane) and the map's filters.
    @Sendable func journeyPeople(_ request: Request, context: CairnRequestContext) async throws -> PeopleBody {
        let query = request.uri.queryParameters
        var issues = ValidationCollector()
        let stage = query["stage"].flatMap { Int($0) }
        if stage == nil { issues.add(FieldIssue(field: "stage", issue: query["stage"] == nil ? .missing : .invalid, hint: "Give the stage's number, from 1.")) }
        let kind = JourneyMaps.Kind(rawValue: query["kind"].map(String.init) ?? "reached")
        if kind == nil { issues.add(FieldIssue(field: "kind", issue: .unknownValue(allowed: JourneyMaps.Kind.allCases.map(\.rawValue)), hint: "Use reached, converted or dropped.")) }
        try issues.throwIfAny()
        let found = try await maps.people(try Self.journeyID(context), stage: stage!, kind: kind!, lane: query["lane"].map(String.init), Self.filters(request),
                                          for: try context.requirePrincipal())
        return PeopleBody(profileIds: found.ids, total: found.total)
    }

    /// `?open=true` for the episodes still lasting; newest raised first.
    @Sendable func alerts(_ request: Request, context: CairnRequestContext) async throws -> ListBody<UnderperformanceAlert> {
        let (cursor, limit) = try request.pagination()
        let open = request.uri.queryParameters["open"].map(String.init)
        if let open, !["true", "false"].contains(open) {
            throw ValidationError(field: "open", issue: .invalid, hint: "Use open=true for the alerts still lasting, or leave it out for all.")
        }
        return ListBody(try await underperformance.alerts(for: try context.requirePrincipal(), openOnly: open == "true", after: cursor, limit: limit))
    }

    /// A saved funnel with its definition as JSON.
    struct SavedFunnelBody: ResponseEncodable, Sendable {
        var id: String
        var name: String
        var funnel: JSONValue
        var createdAt: Date
        init(_ saved: SavedFunnel) {
            id = saved.id.rawValue
            name = saved.name
            funnel = (try? JSONValue.parse(saved.definition)) ?? .object([:])
            createdAt = saved.createdAt
        }
    }

    @Sendable func savedFunnels(_ request: Request, context: CairnRequestContext) async throws -> ListBody<SavedFunnelBody> {
        ListBody(Page(items: try await underperformance.savedFunnels(for: try context.requirePrincipal()).map(SavedFunnelBody.init), nextCursor: nil))
    }

    /// `{"name":"Checkout","funnel":{"steps":[{"event":"Cart Viewed"},{"event":"Order Completed"}],"windowMinutes":1440}}`.
    @Sendable func saveFunnel(_ request: Request, context: CairnRequestContext) async throws -> EditedResponse<SavedFunnelBody> {
        let principal = try context.requirePrincipal()
        try principal.require(.journeysManage)
        struct Body: Decodable { var name: String?; var funnel: Funnels.Query? }
        let body = try await request.decodeJSON(Body.self, context: context)
        let saved = try await underperformance.saveFunnel(name: body.name, query: body.funnel, by: principal)
        return EditedResponse(status: .created, headers: [.location: "/api/v1/funnels/saved"], response: SavedFunnelBody(saved))
    }

    @Sendable func deleteFunnel(_ request: Request, context: CairnRequestContext) async throws -> HTTPResponse.Status {
        try await underperformance.deleteFunnel(try context.parameters.id(as: SavedFunnelID.self, kind: "funnel"), by: try context.requirePrincipal())
        return .noContent
    }

    /// `?metric=nps&by=trait:tier&from=2026-09-01&until=2026-12-01`.
    @Sendable func touchpoints(_ request: Request, context: CairnRequestContext) async throws -> TouchpointScorecard.Result {
        let query = request.uri.queryParameters
        return try await scorecard.run(metric: query["metric"].map(String.init), by: query["by"].map(String.init), from: query["from"].map(String.init),
                                       until: query["until"].map(String.init), segment: query["segment"].map(String.init), for: try context.requirePrincipal())
    }

    /// `?surveyId=…&outcome=nps&from=2026-09-01&until=2026-12-01`.
    @Sendable func drivers(_ request: Request, context: CairnRequestContext) async throws -> KeyDrivers.Result {
        let principal = try context.requirePrincipal()
        try principal.require(.insightsRead)
        let query = request.uri.queryParameters
        var issues = ValidationCollector()
        let survey = query["surveyId"].flatMap { SurveyID(String($0).lowercased()) }
        if survey == nil { issues.add(FieldIssue(field: "surveyId", issue: query["surveyId"] == nil ? .missing : .invalid, hint: "Name the survey whose outcome is explained (GET /api/v1/surveys).")) }
        let period = ReportPeriod.parse(from: query["from"].map(String.init), until: query["until"].map(String.init), now: keyDrivers.clock.now(),
                                        defaultDays: 90, maximumDays: nil, collecting: &issues)
        try issues.throwIfAny()
        return try await keyDrivers.run(survey: survey!, outcome: query["outcome"].map(String.init), from: period!.from, until: period!.until, for: principal)
    }

    /// `{"event":"Support Case Opened","direction":"before","depth":3,"by":"event_channel"}`.
    @Sendable func path(_ request: Request, context: CairnRequestContext) async throws -> JourneyPaths.Result {
        let principal = try context.requirePrincipal()
        try principal.require(.journeysRead)
        let query = try await request.decodeJSON(JourneyPaths.Query.self, context: context)
        return try await paths.run(query, for: principal)
    }

    /// `{"steps":[{"event":"Product Viewed"},{"event":"Order Completed"}],"windowMinutes":10080,"from":"2026-11-01","until":"2026-12-01",
    /// "breakdown":{"by":"channel","attribution":"first_touch"}}`.
    @Sendable func funnel(_ request: Request, context: CairnRequestContext) async throws -> Funnels.Result {
        let principal = try context.requirePrincipal()
        try principal.require(.journeysRead)
        let query = try await request.decodeJSON(Funnels.Query.self, context: context)
        return try await funnels.run(query, for: principal)
    }
}

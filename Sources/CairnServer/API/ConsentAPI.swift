import CairnCore
import CairnEngine
import Foundation
public import Hummingbird

/// `/api/v1/profiles/{id}/consent` and `/api/v1/consent-purposes`.
struct ConsentAPI {
    let ledger: ConsentLedger

    func addRoutes(to group: RouterGroup<CairnRequestContext>) {
        group.get("profiles/{id}/consent", use: standing)
        group.post("profiles/{id}/consent", use: record)
        group.get("consent-purposes", use: purposes)
        group.put("consent-purposes/{name}", use: setPurpose)
    }

    struct PurposeBody: ResponseEncodable {
        var purpose: ConsentPurpose
        var mode: ConsentMode
        var description: String
        init(_ purpose: ConsentLedger.Purpose) {
            self.purpose = purpose.purpose
            self.mode = purpose.mode
            self.description = purpose.description
        }
    }

    struct PurposesBody: ResponseEncodable { var data: [PurposeBody] }

    struct StandingBody: ResponseEncodable {
        struct Entry: Encodable {
            var purpose: ConsentPurpose
            var mode: ConsentMode
            var hasConsented: Bool
            var status: ConsentRecord.Status?
            var since: Date?
        }
        var purposes: [Entry]
        var history: [ConsentRecord]

        init(standings: [ConsentLedger.Standing], history: [ConsentRecord]) {
            purposes = standings.map {
                Entry(purpose: $0.purpose.purpose, mode: $0.purpose.mode, hasConsented: $0.hasConsented, status: $0.latest?.status, since: $0.latest?.recordedAt)
            }
            self.history = history
        }
    }

    @Sendable func standing(_ request: Request, context: CairnRequestContext) async throws -> StandingBody {
        let principal = try context.requirePrincipal()
        let (standings, history) = try await ledger.standing(of: try context.parameters.id(as: ProfileID.self, kind: "profile"), for: principal)
        return StandingBody(standings: standings, history: history)
    }

    struct Statement: Decodable {
        var purpose: String?
        var status: String?
        var legalBasis: String?
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            purpose = try container.decodeUnlessNull(String.self, forKey: .purpose)
            status = try container.decodeUnlessNull(String.self, forKey: .status)
            legalBasis = try container.decodeIfPresent(String.self, forKey: .legalBasis)
        }
        enum CodingKeys: String, CodingKey { case purpose, status, legalBasis }
    }

    @Sendable func record(_ request: Request, context: CairnRequestContext) async throws -> EditedResponse<ConsentRecord> {
        let principal = try context.requirePrincipal()
        try principal.require(.customersWrite)
        let id = try context.parameters.id(as: ProfileID.self, kind: "profile")
        let body = try await request.decodeJSON(Statement.self, context: context)
        var issues = ValidationCollector()
        let purpose = issues.check { () throws(ValidationError) in try ConsentPurpose.validate(body.purpose ?? "") }
        let status = ConsentRecord.Status(rawValue: body.status ?? "")
        if status == nil {
            issues.add(FieldIssue(field: "status", issue: body.status == nil ? .missing : .unknownValue(allowed: ConsentRecord.Status.allCases.map(\.rawValue)),
                                  hint: "Use granted, denied or withdrawn."))
        }
        try issues.throwIfAny()
        let record = try await ledger.record(status!, purpose: purpose!, for: id, legalBasis: body.legalBasis, by: principal, origin: context.origin)
        return EditedResponse(status: .created, response: record)
    }

    @Sendable func purposes(_ request: Request, context: CairnRequestContext) async throws -> PurposesBody {
        PurposesBody(data: try await ledger.purposes(for: try context.requirePrincipal()).map(PurposeBody.init))
    }

    struct PurposeSettings: Decodable {
        var mode: String?
        var description: String?
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            mode = try container.decodeUnlessNull(String.self, forKey: .mode)
            description = try container.decodeUnlessNull(String.self, forKey: .description)
        }
        enum CodingKeys: String, CodingKey { case mode, description }
    }

    @Sendable func setPurpose(_ request: Request, context: CairnRequestContext) async throws -> PurposeBody {
        let principal = try context.requirePrincipal()
        try principal.require(.workspaceManage)
        let name = context.parameters.get("name") ?? ""
        let body = try await request.decodeJSON(PurposeSettings.self, context: context)
        var issues = ValidationCollector()
        let purpose = issues.check { () throws(ValidationError) in try ConsentPurpose.validate(name, field: "name") }
        let mode = ConsentMode(rawValue: body.mode ?? "")
        if mode == nil {
            issues.add(FieldIssue(field: "mode", issue: body.mode == nil ? .missing : .unknownValue(allowed: ConsentMode.allCases.map(\.rawValue)),
                                  hint: "Use opt_in (ask first) or opt_out (holds until the customer says no)."))
        }
        try issues.throwIfAny()
        return PurposeBody(try await ledger.setPurpose(purpose!, mode: mode!, description: body.description ?? "", by: principal, origin: context.origin))
    }
}

extension ConsentRecord: ResponseEncodable {}

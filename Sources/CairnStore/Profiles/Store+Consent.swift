public import CairnCore
import Foundation
import SQLKit

extension TransactionStore {
    /// The profile's consent ledger, oldest first.
    public func consent(of profile: ProfileID, in workspace: WorkspaceID) async throws -> [ConsentRecord] {
        try await sql.select().columns("purpose", "status", "recorded_at", "channel", "event_id", "recorded_by", "legal_basis").from("consent_records")
            .where("workspace_id", .equal, workspace.rawValue).where("profile_id", .equal, profile.rawValue)
            .orderBy("recorded_at").orderBy("purpose").orderBy("id").all()
            .map { row in
                ConsentRecord(purpose: ConsentPurpose(rawValue: try row.decode(column: "purpose", as: String.self)),
                              status: ConsentRecord.Status(rawValue: try row.decode(column: "status", as: String.self)) ?? .withdrawn,
                              recordedAt: Date(storageMillis: try row.decode(column: "recorded_at", as: Int64.self)),
                              channel: try row.decode(column: "channel", as: String?.self).map(Channel.init(rawValue:)),
                              eventID: try row.decode(column: "event_id", as: String?.self).map(EventID.init(rawValue:)),
                              recordedBy: try row.decode(column: "recorded_by", as: String?.self),
                              legalBasis: try row.decode(column: "legal_basis", as: String?.self))
            }
    }

    public func append(_ record: ConsentRecord, to profile: ProfileID, in workspace: WorkspaceID) async throws {
        try await sql.insert(into: "consent_records")
            .columns("id", "workspace_id", "profile_id", "purpose", "status", "recorded_at", "channel", "event_id", "recorded_by", "legal_basis")
            .values(SQLBind(UUID().uuidString.lowercased()), SQLBind(workspace.rawValue), SQLBind(profile.rawValue), SQLBind(record.purpose.rawValue),
                    SQLBind(record.status.rawValue), SQLBind(record.recordedAt.storageMillis), SQLBind(record.channel?.rawValue),
                    SQLBind(record.eventID?.rawValue), SQLBind(record.recordedBy), SQLBind(record.legalBasis))
            .run()
    }

    /// Moves a merged profile's consent statements to the survivor.
    public func moveConsent(from merged: ProfileID, to survivor: ProfileID, in workspace: WorkspaceID) async throws {
        try await sql.update("consent_records").set("profile_id", to: survivor.rawValue)
            .where("workspace_id", .equal, workspace.rawValue).where("profile_id", .equal, merged.rawValue).run()
    }

    /// Purposes the workspace configured (name → mode and description).
    public func consentPurposes(in workspace: WorkspaceID) async throws -> [ConsentPurpose: (mode: ConsentMode, description: String)] {
        var result: [ConsentPurpose: (ConsentMode, String)] = [:]
        for row in try await sql.select().columns("name", "mode", "description").from("consent_purposes")
            .where("workspace_id", .equal, workspace.rawValue).all() {
            result[ConsentPurpose(rawValue: try row.decode(column: "name", as: String.self))] =
                (ConsentMode(rawValue: try row.decode(column: "mode", as: String.self)) ?? .optIn, try row.decode(column: "description", as: String.self))
        }
        return result
    }

    public func setConsentPurpose(_ purpose: ConsentPurpose, mode: ConsentMode, description: String, in workspace: WorkspaceID) async throws {
        try await sql.delete(from: "consent_purposes").where("workspace_id", .equal, workspace.rawValue).where("name", .equal, purpose.rawValue).run()
        try await sql.insert(into: "consent_purposes").columns("workspace_id", "name", "mode", "description")
            .values(SQLBind(workspace.rawValue), SQLBind(purpose.rawValue), SQLBind(mode.rawValue), SQLBind(description)).run()
    }
}

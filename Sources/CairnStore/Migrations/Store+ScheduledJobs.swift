import CairnCore
public import Foundation
import SQLKit

extension Store {
    /// The jobs applied migrations left, oldest first.
    public func scheduledJobs() async throws -> [ScheduledJob] {
        try await database.withConnection { sql in
            try await sql.select().column("job").from("cairn_scheduled_jobs").orderBy("scheduled_at").orderBy("job").all()
                .compactMap { ScheduledJob(rawValue: try $0.decode(column: "job", as: String.self)) }
        }
    }

    /// Does one scheduled job and forgets it, in one transaction: a rebuild from the base rows, or a request to read
    /// stored answers again (the engine's re-reading then does the reading).
    public func run(_ job: ScheduledJob, at now: Date) async throws {
        try await transaction(priority: .background) { tx in
            switch job {
            case .rebuildUnitsSold: try await UnitsSoldRollup.rebuild(tx.sql)
            case .rebuildScoreCounts: try await ScoreCounts.rebuild(tx.sql)
            case .rebuildCustomerFigures: try await CustomerFigures.refresh(tx.sql, workspace: nil, profiles: nil)
            case .rereadAnswers: try await tx.requestReanalysisOfStoredAnswers(language: nil, at: now)
            case .rereadChineseAnswers: try await tx.requestReanalysisOfStoredAnswers(language: "zh", at: now)
            }
            try await tx.sql.delete(from: "cairn_scheduled_jobs").where("job", .equal, job.rawValue).run()
        }
    }
}

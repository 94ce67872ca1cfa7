import CairnAnalytics
public import CairnCore
public import CairnStore
import Foundation

/// Reads survey answers with the text analysis before they are stored, and reads stored answers again when a
/// workspace's own topics change or the analysis learns something.
public struct ResponseReading: Sendable {
    private let store: Store

    public init(store: Store) {
        self.store = store
    }

    /// The topics a workspace's answers are read with: the standard ones and its own.
    func topics(for workspace: WorkspaceID) async throws -> [Topic] {
        Topic.standard + (try await store.customTopics(in: workspace)).map(\.topic)
    }

    /// The response with what its free text says.
    public func read(_ response: SurveyResponse) async throws -> SurveyResponse {
        var read = response
        read.insights = ResponseInsights.read(response, topics: try await topics(for: response.workspaceID))
        return read
    }

    /// Stores a response as it stands with what its free text says, and the alerts it raises, in one transaction.
    @discardableResult
    public func save(_ response: SurveyResponse, tokenHash: String) async throws -> SurveyResponse {
        try await save(response, tokenHash: tokenHash, raising: [])
    }

    func save(_ response: SurveyResponse, tokenHash: String, raising alerts: [(alert: FeedbackAlert, event: String, payload: String)],
              recording consent: ConsentRecord? = nil, scoring caseScore: CaseScore? = nil) async throws -> SurveyResponse {
        try await store.save(try await read(response), tokenHash: tokenHash, raising: alerts, recording: consent, scoring: caseScore)
    }

    /// Reads the text of up to `limit` responses waiting for it and stores what it says (the topic counts follow).
    /// The analysis runs outside any transaction; one server at a time does this. Returns how many were read.
    public func readWaiting(limit: Int) async throws -> Int {
        try await store.exclusively("reading answers") {
            let waiting = try await store.waitingResponses(limit: limit)
            guard !waiting.isEmpty else { return 0 }
            var topics: [WorkspaceID: [Topic]] = [:]
            for workspace in Set(waiting.map(\.workspaceID)) { topics[workspace] = try await self.topics(for: workspace) }
            let read = waiting.map { response in
                var read = response
                read.insights = Self.reread(response, topics: topics[response.workspaceID] ?? Topic.standard)
                return read
            }
            try await store.storeInsights(of: read)
            return waiting.count
        } ?? 0
    }

    /// Stores many new responses at once (an import, or a benchmark's load), each read first.
    public func insert(_ responses: [SurveyResponse]) async throws {
        var topics: [WorkspaceID: [Topic]] = [:]
        for workspace in Set(responses.map(\.workspaceID)) { topics[workspace] = try await self.topics(for: workspace) }
        try await store.insert(responses: responses.map { response in
            var read = response
            read.insights = ResponseInsights.read(response, topics: topics[response.workspaceID] ?? Topic.standard)
            return read
        })
    }

    /// Reads the next `limit` stored responses of the longest-waiting request again with today's analysis and the
    /// workspace's topics; what changes is rewritten and the topic counts follow. Returns how many responses were
    /// looked at (0: nothing is waiting).
    public func rereadNextPage(limit: Int) async throws -> Int {
        // One server at a time works this (Store.exclusively): with several servers on one database nothing is done twice.
        try await store.exclusively("rereading") { try await rereadNextPageRound(limit: limit) } ?? 0
    }

    func rereadNextPageRound(limit: Int) async throws -> Int {
        guard let request = try await store.nextReanalysisRequest() else { return 0 }
        let topics = try await topics(for: request.workspace)
        return try await store.reread(request, limit: limit) { Self.reread($0, topics: topics) }
    }

    /// A stored response read again. An answer whose words were erased (the customer's data was erased; its score,
    /// sentiment and topics are kept on purpose) has nothing left to read: its insight stays as it was.
    static func reread(_ response: SurveyResponse, topics: [Topic]) -> [String: TextInsight] {
        var insights = ResponseInsights.read(response, topics: topics)
        for (question, kept) in response.insights where insights[question] == nil {
            if case .text? = response.answers[question] { continue }
            insights[question] = kept
        }
        return insights
    }
}

public import CairnCore
import CairnStore
import Crypto
import Foundation

/// Imports history: records read from a file (NDJSON in the tracking format, or CSV rows already mapped to message
/// objects) go through the same validation, de-duplication and storage as the tracking API, in batches. A record
/// that cannot be imported is rejected with its reason and the rest go on. Records without a `messageId` get one
/// derived from their content, so importing the same file twice stores nothing twice.
public struct EventImporter: Sendable {
    public let ingestor: Ingestor
    public let source: Source

    public init(ingestor: Ingestor, source: Source) {
        self.ingestor = ingestor
        self.source = source
    }

    /// One record of the file: where it starts and the message object, or why it could not be read.
    public struct Record: Sendable {
        public var line: Int
        public var object: Result<[String: JSONValue], ValidationError>

        public init(line: Int, object: Result<[String: JSONValue], ValidationError>) {
            self.line = line
            self.object = object
        }
    }

    public typealias Rejection = ImportRejection

    public struct Outcome: Sendable, Hashable {
        /// Events newly stored.
        public var stored = 0
        /// Records whose messageId the workspace already had.
        public var duplicates = 0
        public var rejections: [Rejection] = []
        public init() {}
    }

    /// Imports one batch of records. `defaultType` is the type of records that name none (CSV files of one kind).
    public func importBatch(_ records: [Record], defaultType: TrackingMessage.Kind?) async throws -> Outcome {
        var outcome = Outcome()
        var accepted: [(line: Int, message: TrackingMessage)] = []
        for record in records {
            switch record.object {
            case .failure(let error):
                outcome.rejections.append(Rejection(line: record.line, reason: Self.reason(error)))
            case .success(var object):
                if object["type"] == nil || object["type"] == .null, let defaultType { object["type"] = .string(defaultType.rawValue) }
                let text = JSONValue.object(object).jsonText()
                if text.utf8.count > TrackingMessage.maximumBytes {
                    outcome.rejections.append(Rejection(line: record.line, reason: "message: larger than 32 KB; send fewer properties."))
                    continue
                }
                let derivedID = "import-" + Hex.encode(SHA256.hash(data: Data(text.utf8)).prefix(16))
                switch TrackingMessage.parse(object, kind: nil, makeMessageID: { derivedID }) {
                case .success(let message): accepted.append((record.line, message))
                case .failure(let error): outcome.rejections.append(Rejection(line: record.line, reason: Self.reason(error)))
                }
            }
        }
        // Undefined channels are rejected one by one; the rest of the batch is stored.
        while !accepted.isEmpty {
            do {
                let receipt = try await ingestor.ingest(accepted.map(\.message), from: source, rateLimited: false)
                outcome.stored += receipt.stored
                outcome.duplicates += receipt.duplicates
                break
            } catch IngestError.unknownChannels(let unknown) {
                let bad = Set(unknown.map(\.index))
                for entry in unknown {
                    outcome.rejections.append(Rejection(line: accepted[entry.index].line,
                                                        reason: "context.channel: \(entry.channel) is not a channel of this workspace; define it first (PUT /api/v1/channels/\(entry.channel))."))
                }
                accepted = accepted.enumerated().filter { !bad.contains($0.offset) }.map(\.element)
            }
        }
        outcome.rejections.sort { $0.line < $1.line }
        return outcome
    }

    static func reason(_ error: ValidationError) -> String {
        error.issues.map { "\($0.field): \($0.hint)" }.joined(separator: " ")
    }
}

public import ArgumentParser
import Foundation
import CairnServer
public import Logging
import Synchronization

/// How log lines look: `text` for people, `json` (one object per line) for log shippers.
public enum LogFormat: String, Sendable, CaseIterable, ExpressibleByArgument {
    case text
    case json
}

/// Writes one JSON object per line to standard error: time, level, label, message and metadata.
/// Callers put ids in metadata, never personal data.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    public var metadataProvider: Logger.MetadataProvider?
    let label: String

    public init(label: String, metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        FileHandle.standardError.write(Self.line(label: label, event: event, metadata: metadata, provided: metadataProvider?.get(), at: Date()))
    }

    /// One log line as JSON bytes, newline-terminated.
    static func line(label: String, event: LogEvent, metadata: Logger.Metadata, provided: Logger.Metadata?, at date: Date) -> Data {
        var object: [String: Any] = [
            "time": date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted)),
            "level": event.level.rawValue,
            "logger": label,
            "message": "\(event.message)",
        ]
        var merged = metadata
        if let provided { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        for (key, value) in merged { object[key] = plain(value) }
        guard var data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else { return Data() }
        data.append(0x0A)
        return data
    }

    static func plain(_ value: Logger.Metadata.Value) -> Any {
        switch value {
        case .string(let text): text
        case .stringConvertible(let convertible): convertible.description
        case .array(let values): values.map(plain)
        case .dictionary(let values): values.mapValues(plain)
        }
    }
}

enum Logs {
    private static let bootstrapped = Mutex(false)

    /// Bootstraps swift-log once for the process; later calls (commands run in-process by tests) keep the first setup.
    static func bootstrap(level: Logger.Level, format: LogFormat) {
        guard bootstrapped.withLock({ done in defer { done = true }; return !done }) else { return }
        LoggingSystem.bootstrap({ label, provider in
            var handler: any LogHandler = switch format {
            case .json: JSONLogHandler(label: label, metadataProvider: provider)
            case .text: StreamLogHandler.standardError(label: label, metadataProvider: provider)
            }
            handler.logLevel = level
            return handler
        }, metadataProvider: RequestScope.metadataProvider)
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

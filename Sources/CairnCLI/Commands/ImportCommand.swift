public import ArgumentParser
import CairnCore
import CairnEngine
import CairnStore
import Foundation

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "import", abstract: "Import data from files.", subcommands: [Events.self, Orders.self, Products.self])

    struct Events: AsyncParsableCommand {
        enum Format: String, ExpressibleByArgument, CaseIterable { case ndjson, csv }

        static let configuration = CommandConfiguration(
            abstract: "Import events from NDJSON (one tracking message per line) or CSV (one event per row).",
            discussion: """
            Records go through the same checks and de-duplication as the tracking API; a record without a messageId gets \
            one derived from its content, so importing a file twice stores nothing twice. Records that cannot be imported \
            are written, with the reason, to the rejects file and the rest go on. Identities are resolved at the end.

            CSV: columns named like message fields (type, event, userId, anonymousId, timestamp, properties.NAME, \
            traits.NAME, context.channel…) are used as they are; map others with --map FIELD=COLUMN, typed with \
            :number or :boolean, e.g. --map "userId=Customer ID" --map "properties.revenue:number=Amount".

            Exit status: 0 when every record was imported (or was already stored), 3 when some were rejected.
            """)

        @Argument(help: "The file to import.") var file: String
        @Option(name: .long, help: "ndjson or csv (default: from the file's extension).") var format: Format?
        @Option(name: .long, parsing: .singleValue, help: ArgumentHelp("CSV: where a column goes, FIELD[:TYPE]=COLUMN (repeatable).", valueName: "mapping"))
        var map: [String] = []
        @Option(name: .long, help: "CSV: the type of rows without a type column.") var type: TrackingMessage.Kind = .track
        @Option(name: .long, help: ArgumentHelp("The source the events are recorded as coming from (default: the workspace's first source).", valueName: "id"))
        var source: String?
        @Option(name: .long, help: ArgumentHelp("Where rejected records go (default: FILE.rejects.csv or FILE.rejects.ndjson).", valueName: "path"))
        var rejects: String?
        @Option(name: .long, help: "Records per batch (1–5000).") var batchSize: Int = 1000
        @OptionGroup var workspaceOption: WorkspaceOption
        @OptionGroup var databaseOptions: DatabaseOptions

        func validate() throws {
            guard (1...5000).contains(batchSize) else { throw ValidationError("--batch-size must be from 1 to 5000.") }
        }

        func run() async throws {
            guard FileManager.default.isReadableFile(atPath: file), let handle = FileHandle(forReadingAtPath: file) else {
                throw UsageProblem("Cannot read \(file). Check the path.")
            }
            defer { try? handle.close() }
            let format = self.format ?? (file.lowercased().hasSuffix(".csv") ? .csv : .ndjson)
            let mapping = try ColumnMapping(arguments: map)
            if format == .ndjson, !map.isEmpty { throw UsageProblem("--map applies to CSV files only; NDJSON lines are tracking messages already.") }
            let rejectsPath = rejects ?? file + ".rejects." + format.rawValue
            let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0

            let exitCode: Int32 = try await withConsole(databaseOptions, in: workspaceOption) { console in
                let chosen: Source
                if let source {
                    guard let id = SourceID(source.lowercased()), let found = try await console.store.source(id: id, in: console.workspace.id) else {
                        throw UsageProblem("No source \(source) in workspace \(console.workspace.name). List them with GET /api/v1/sources or on Settings › Sources.")
                    }
                    chosen = found
                } else {
                    chosen = try await console.administration.defaultSource(in: console.workspace.id)
                }
                let importer = EventImporter(ingestor: Ingestor(store: console.store), source: chosen)
                var reader = RecordReader(format: format, mapping: mapping)
                let rejectsFile = RejectsFile(path: rejectsPath, format: format)
                var progress = Progress(total: size, label: "1/2 storing", unit: "records")
                var totals = EventImporter.Outcome()
                var records = 0
                var pending: [EventImporter.Record] = []
                var raw: [Int: String] = [:]

                func flush() async throws {
                    guard !pending.isEmpty else { return }
                    let outcome = try await importer.importBatch(pending, defaultType: format == .csv ? type : nil)
                    totals.stored += outcome.stored
                    totals.duplicates += outcome.duplicates
                    totals.rejections += outcome.rejections
                    try rejectsFile.write(outcome.rejections, raw: raw, header: reader.header)
                    pending.removeAll(keepingCapacity: true)
                    raw.removeAll(keepingCapacity: true)
                }

                while true {
                    let chunk = try handle.read(upToCount: 1 << 20) ?? Data()
                    let done = chunk.isEmpty
                    let parsed = done ? try reader.finish() : try reader.feed(chunk)
                    for item in parsed {
                        records += 1
                        pending.append(item.record)
                        raw[item.record.line] = item.raw
                        if pending.count >= batchSize {
                            try await flush()
                            progress.show(done: reader.bytesRead, records: records)
                        }
                    }
                    if done { break }
                }
                try await flush()
                progress.finish(done: reader.bytesRead, records: records)

                let seconds = progress.elapsed
                say("Imported \(file) into \(console.workspace.name) as source \"\(chosen.name)\": \(records) records in \(String(format: "%.1f", seconds)) s "
                    + "(\(Int(Double(records) / max(seconds, 0.001))) records/s).")
                say("  \(totals.stored) events stored, \(totals.duplicates) already stored, \(totals.rejections.count) rejected.")
                if totals.rejections.isEmpty {
                    rejectsFile.removeIfEmpty()
                } else {
                    say("  Rejected records, each with its reason, are in \(rejectsPath). First: line \(totals.rejections[0].line): \(totals.rejections[0].reason)")
                }
                // Phase 2 of 2: tie the new events to profiles now rather than waiting for a server, with a bar of its own.
                let resolver = IdentityResolver(store: console.store)
                let waiting = try await resolver.backlog().events
                var tying = Progress(total: waiting, label: "2/2 tying to profiles", unit: "events")
                var resolved = 0
                while true {
                    let count = try await resolver.resolvePending(in: console.workspace.id, limit: 1000)
                    if count == 0 { break }
                    resolved += count
                    tying.show(done: resolved, records: resolved)
                }
                tying.finish(done: resolved, records: resolved)
                say("  \(resolved) events tied to customer profiles in \(String(format: "%.1f", tying.elapsed)) s "
                    + "(\(Int(Double(resolved) / max(tying.elapsed, 0.001))) events/s).")
                return totals.rejections.isEmpty ? 0 : 3
            }
            if exitCode != 0 { throw ExitCode(exitCode) }
        }
    }
}

extension TrackingMessage.Kind: ExpressibleByArgument {}

/// Turns the file's bytes into import records, NDJSON lines or mapped CSV rows, keeping each record's raw text for the rejects file.
struct RecordReader {
    let format: ImportCommand.Events.Format
    let mapping: ColumnMapping
    private var csv = CSVReader()
    private(set) var header: [String]?
    private var targets: [ColumnMapping.Target?] = []
    private var lineBuffer: [UInt8] = []
    private var line = 0
    private(set) var bytesRead = 0

    init(format: ImportCommand.Events.Format, mapping: ColumnMapping) {
        self.format = format
        self.mapping = mapping
    }

    mutating func feed(_ data: Data) throws -> [(record: EventImporter.Record, raw: String)] {
        bytesRead += data.count
        switch format {
        case .csv:
            return try csv.feed(data).compactMap { try take($0) }
        case .ndjson:
            var out: [(EventImporter.Record, String)] = []
            for byte in data {
                if byte == UInt8(ascii: "\n") {
                    line += 1
                    if let item = ndjsonLine() { out.append(item) }
                    lineBuffer.removeAll(keepingCapacity: true)
                } else {
                    lineBuffer.append(byte)
                }
            }
            return out
        }
    }

    mutating func finish() throws -> [(record: EventImporter.Record, raw: String)] {
        switch format {
        case .csv:
            if csv.isInsideQuotes { throw UsageProblem("The file ends inside a quoted field: a quote (\") was never closed.") }
            guard let row = csv.finish() else { return [] }
            return try take(row).map { [$0] } ?? []
        case .ndjson:
            guard !lineBuffer.isEmpty else { return [] }
            line += 1
            defer { lineBuffer.removeAll() }
            return ndjsonLine().map { [$0] } ?? []
        }
    }

    private mutating func take(_ row: CSVReader.Row) throws -> (record: EventImporter.Record, raw: String)? {
        guard let header else {
            header = row.fields
            targets = try mapping.resolve(header: row.fields)
            guard targets.contains(where: { $0 != nil }) else {
                throw UsageProblem("No column of the file maps to a message field. Name columns like userId and event, or use --map FIELD=COLUMN.")
            }
            return nil
        }
        let record = EventImporter.Record(line: row.line, object: ColumnMapping.object(from: row.fields, header: header, targets: targets))
        return (record, CSVWriter.verbatimLine(row.fields))
    }

    private func ndjsonLine() -> (record: EventImporter.Record, raw: String)? {
        var bytes = lineBuffer[...]
        if bytes.last == UInt8(ascii: "\r") { bytes = bytes.dropLast() }
        if line == 1, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        let text = String(decoding: bytes, as: UTF8.self)
        guard !text.allSatisfy(\.isWhitespace) else { return nil }
        let object: Result<[String: JSONValue], CairnCore.ValidationError>
        if let value = try? JSONValue.parse(Data(bytes)), let dictionary = value.objectValue {
            object = .success(dictionary)
        } else {
            object = .failure(CairnCore.ValidationError(field: "line", issue: .invalid, hint: "The line is not a JSON object. Each line must be one tracking message."))
        }
        return (EventImporter.Record(line: line, object: object), text)
    }
}

/// Rejected records with their reasons: CSV keeps the file's columns and adds the line and the reason (fix and
/// import it again; the extra columns are ignored); NDJSON writes one object per record.
struct RejectsFile {
    let path: String
    let format: ImportCommand.Events.Format
    private let created = Box()

    final class Box: @unchecked Sendable { var handle: FileHandle? }

    init(path: String, format: ImportCommand.Events.Format) {
        self.path = path
        self.format = format
    }

    func write(_ rejections: [ImportRejection], raw: [Int: String], header: [String]?) throws {
        guard !rejections.isEmpty else { return }
        if created.handle == nil {
            guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
                throw UsageProblem("Cannot write the rejects file \(path). Choose another with --rejects.")
            }
            created.handle = handle
            if format == .csv, let header { try handle.write(contentsOf: Data((CSVWriter.verbatimLine(header + ["cairn_line", "cairn_reject_reason"]) + "\n").utf8)) }
        }
        var text = ""
        for rejection in rejections {
            let original = raw[rejection.line] ?? ""
            switch format {
            case .csv:
                text += original + "," + CSVWriter.line(["\(rejection.line)", rejection.reason]) + "\n"
            case .ndjson:
                let object: JSONValue = .object(["line": .integer(Int64(rejection.line)), "reason": .string(rejection.reason), "record": .string(original)])
                text += object.jsonText() + "\n"
            }
        }
        try created.handle?.write(contentsOf: Data(text.utf8))
    }

    func removeIfEmpty() {
        if created.handle == nil { try? FileManager.default.removeItem(atPath: path) }
    }
}

/// A progress bar on standard error when it is a terminal; silent otherwise. An import draws two: storing the file's
/// records (by bytes read), then tying the stored events to profiles (by events).
struct Progress {
    let total: Int
    let label: String
    let unit: String
    let started = Date()
    private var lastDrawn = Date.distantPast
    private let isTerminal = isatty(STDERR_FILENO) == 1

    init(total: Int, label: String, unit: String) {
        self.total = total
        self.label = label
        self.unit = unit
    }

    var elapsed: Double { Date().timeIntervalSince(started) }

    mutating func show(done: Int, records: Int) {
        guard isTerminal, Date().timeIntervalSince(lastDrawn) > 0.1 else { return }
        lastDrawn = Date()
        draw(done: done, records: records)
    }

    mutating func finish(done: Int, records: Int) {
        guard isTerminal else { return }
        draw(done: done, records: records)
        FileHandle.standardError.write(Data("\n".utf8))
    }

    private func draw(done: Int, records: Int) {
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 1
        let width = 30
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let rate = Int(Double(records) / max(elapsed, 0.001))
        FileHandle.standardError.write(Data("\r\(label) \(bar) \(Int(fraction * 100))%  \(records) \(unit)  \(rate)/s ".utf8))
    }
}

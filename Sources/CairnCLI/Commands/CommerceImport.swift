import ArgumentParser
import CairnCore
import CairnEngine
import CairnStore
import Foundation

extension ImportCommand {
    struct Orders: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import order history from CSV: one row per order line.",
            discussion: """
            Columns (by name, in any order; the header row names them): order_id, currency, sku and quantity are needed; \
            placed_at (ISO 8601; default now), channel (default web), status (placed, paid, fulfilled, delivered or \
            cancelled; default placed), user_id, email, anonymous_id (the customer), unit_price (default the product's \
            list price in the order's currency), line_discount, discount, tax, shipping (amounts in major units, e.g. \
            19.99), payment_method, payment_reference. The rows of one order are next to each other; its order-level \
            columns are read from its first row, and later rows leave them empty or repeat them.

            Products are named by SKU and must be in the catalogue (cairn import products). An order with any problem is \
            left out whole and its rows go, each with the reason, to the rejects file; the rest go on. An order_id the \
            workspace already has is skipped, so importing a file twice stores nothing twice. Orders paid or further on \
            get a payment of their total. Full format: docs/commerce.md.

            Exit status: 0 when every order was imported (or was already stored), 3 when some were rejected.
            """)

        @Argument(help: "The CSV file to import.") var file: String
        @Option(name: .long, help: ArgumentHelp("Where rejected rows go (default: FILE.rejects.csv).", valueName: "path")) var rejects: String?
        @Option(name: .long, help: "Order lines per batch (1–20000); each batch is one transaction.") var batchSize: Int = 5000
        @OptionGroup var workspaceOption: WorkspaceOption
        @OptionGroup var databaseOptions: DatabaseOptions

        func validate() throws {
            guard (1...20_000).contains(batchSize) else { throw ValidationError("--batch-size must be from 1 to 20000.") }
        }

        func run() async throws {
            let rejectsPath = rejects ?? file + ".rejects.csv"
            let exitCode: Int32 = try await withConsole(databaseOptions, in: workspaceOption) { console in
                let importer = OrderImporter(store: console.store, principal: console.principal)
                let summary = try await OrderFileImport(file: file, rejectsPath: rejectsPath, batchSize: batchSize).run(importer, progress: true)
                say("Imported \(file) into \(console.workspace.name): \(summary.rows) rows in \(String(format: "%.1f", summary.seconds)) s "
                    + "(\(Int(Double(summary.rows) / max(summary.seconds, 0.001))) rows/s).")
                say("  \(summary.outcome.orders) orders with \(summary.outcome.lines) lines stored, \(summary.outcome.duplicates) orders already stored, "
                    + "\(summary.outcome.rejections.count) rows rejected.")
                if !summary.ignoredColumns.isEmpty { say("  Columns not used: \(summary.ignoredColumns.joined(separator: ", ")).") }
                if let first = summary.outcome.rejections.first {
                    say("  Rejected rows, each with its reason, are in \(rejectsPath). First: line \(first.line): \(first.reason)")
                    return 3
                }
                return 0
            }
            if exitCode != 0 { throw ExitCode(exitCode) }
        }
    }

    struct Products: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import the product catalogue from CSV: one row per product or service.",
            discussion: """
            Columns: sku and name are needed; category, kind (product or service), price (major units, e.g. 19.99) and \
            currency (ISO 4217, needed with a price). A SKU the workspace has already is updated with the row's values, so \
            importing a file twice changes nothing. Rows with a problem go, each with the reason, to the rejects file.

            Exit status: 0 when every row was imported, 3 when some were rejected.
            """)

        @Argument(help: "The CSV file to import.") var file: String
        @Option(name: .long, help: ArgumentHelp("Where rejected rows go (default: FILE.rejects.csv).", valueName: "path")) var rejects: String?
        @OptionGroup var workspaceOption: WorkspaceOption
        @OptionGroup var databaseOptions: DatabaseOptions

        static let columns = ["sku", "name", "category", "kind", "price", "currency"]

        func run() async throws {
            let rejectsPath = rejects ?? file + ".rejects.csv"
            let exitCode: Int32 = try await withConsole(databaseOptions, in: workspaceOption) { console in
                let catalogue = Catalogue(store: console.store)
                var created = 0, updated = 0, rows = 0
                var rejections: [ImportRejection] = []
                var raw: [Int: String] = [:]
                let reader = try CSVFile(path: file)
                let header = try await reader.header(requiring: ["sku", "name"], known: Self.columns)
                for try await row in reader {
                    rows += 1
                    let values = header.values(of: row)
                    do {
                        let fields = Catalogue.Fields(sku: values["sku"], name: values["name"], category: .some(values["category"]), kind: values["kind"],
                                                      price: .some(values["price"].map(JSONValue.string)), currency: values["currency"])
                        if try await catalogue.upsert(fields, by: console.principal).created { created += 1 } else { updated += 1 }
                    } catch let error as CairnCore.ValidationError {
                        rejections.append(ImportRejection(line: row.line, reason: error.summary))
                        raw[row.line] = CSVWriter.verbatimLine(row.fields)
                    }
                }
                let rejectsFile = RejectsFile(path: rejectsPath, format: .csv)
                try rejectsFile.write(rejections, raw: raw, header: header.names)
                say("Imported \(file) into \(console.workspace.name): \(rows) rows; \(created) products added, \(updated) updated, \(rejections.count) rejected.")
                if !header.ignored.isEmpty { say("  Columns not used: \(header.ignored.joined(separator: ", ")).") }
                if let first = rejections.first {
                    say("  Rejected rows, each with its reason, are in \(rejectsPath). First: line \(first.line): \(first.reason)")
                    return 3
                }
                rejectsFile.removeIfEmpty()
                return 0
            }
            if exitCode != 0 { throw ExitCode(exitCode) }
        }
    }
}

/// A CSV file read in chunks, row by row (constant memory), with its header.
final class CSVFile: AsyncSequence, @unchecked Sendable {
    typealias Element = CSVReader.Row
    let path: String
    let handle: FileHandle
    let size: Int
    private var reader = CSVReader()
    private var buffered: [CSVReader.Row] = []
    private var nextIndex = 0
    private var done = false
    private(set) var bytesRead = 0

    init(path: String) throws {
        guard FileManager.default.isReadableFile(atPath: path), let handle = FileHandle(forReadingAtPath: path) else {
            throw UsageProblem("Cannot read \(path). Check the path.")
        }
        self.path = path
        self.handle = handle
        size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    }

    deinit { try? handle.close() }

    /// The next row, or nil at the end.
    func next() throws -> CSVReader.Row? {
        while nextIndex == buffered.count, !done {
            let chunk = try handle.read(upToCount: 1 << 20) ?? Data()
            bytesRead += chunk.count
            nextIndex = 0
            if chunk.isEmpty {
                done = true
                if reader.isInsideQuotes { throw UsageProblem("\(path) ends inside a quoted field: a quote (\") was never closed.") }
                buffered = reader.finish().map { [$0] } ?? []
            } else {
                buffered = reader.feed(chunk)
            }
        }
        guard nextIndex < buffered.count else { return nil }
        defer { nextIndex += 1 }
        return buffered[nextIndex]
    }

    /// The header row: column names trimmed and lowercased; refuses a file without the needed columns.
    func header(requiring required: [String], known: [String]) async throws -> CSVHeader {
        guard let row = try next() else { throw UsageProblem("\(path) is empty; the first row must name the columns (\(known.joined(separator: ", "))).") }
        let names = row.fields.map { $0.trimmingCharacters(in: .whitespacesAndNewlines).lowercased() }
        let missing = required.filter { !names.contains($0) }
        guard missing.isEmpty else {
            throw UsageProblem("\(path) has no column \(missing.joined(separator: ", ")). The first row names the columns: \(known.joined(separator: ", ")).")
        }
        return CSVHeader(names: names, ignored: names.filter { !known.contains($0) && !$0.isEmpty })
    }

    struct Iterator: AsyncIteratorProtocol {
        let file: CSVFile
        mutating func next() async throws -> CSVReader.Row? { try file.next() }
    }

    func makeAsyncIterator() -> Iterator { Iterator(file: self) }
}

struct CSVHeader {
    var names: [String]
    var ignored: [String]

    /// The row's non-empty cells by column name, trimmed.
    func values(of row: CSVReader.Row) -> [String: String] {
        var values: [String: String] = [:]
        for (name, field) in zip(names, row.fields) {
            let trimmed = field.trimmingCharacters(in: .whitespaces)
            if !trimmed.isEmpty, values[name] == nil { values[name] = trimmed }
        }
        return values
    }
}

/// `cairn import orders` without the command line: reads the file, groups its rows into orders, imports them in
/// batches, writes the rejects file. The benchmark runs this same code.
struct OrderFileImport {
    var file: String
    var rejectsPath: String
    var batchSize: Int

    struct Summary {
        var rows = 0
        var outcome = OrderImporter.Outcome()
        var ignoredColumns: [String] = []
        var seconds: Double = 0
    }

    func run(_ importer: OrderImporter, progress showProgress: Bool) async throws -> Summary {
        let reader = try CSVFile(path: file)
        let header = try await reader.header(requiring: OrderImporter.requiredColumns, known: OrderImporter.columns)
        let rejectsFile = RejectsFile(path: rejectsPath, format: .csv)
        var summary = Summary(ignoredColumns: header.ignored)
        var progress = Progress(total: showProgress ? reader.size : 0, label: "importing", unit: "rows")
        var memory = OrderImporter.Memory()
        var batch: [OrderImporter.OrderRows] = [], batchLines = 0
        var current: OrderImporter.OrderRows?
        var firstSeen: [String: Int] = [:]
        var raw: [Int: String] = [:]
        var early: [ImportRejection] = []

        func flush() async throws {
            var outcome = try await importer.importBatch(batch, memory: &memory)
            outcome.rejections = (early + outcome.rejections).sorted { $0.line < $1.line }
            summary.outcome.add(outcome)
            try rejectsFile.write(outcome.rejections, raw: raw, header: header.names)
            batch.removeAll(keepingCapacity: true)
            batchLines = 0
            early.removeAll()
            raw.removeAll(keepingCapacity: true)
        }
        func close() async throws {
            guard let order = current else { return }
            current = nil
            if let line = firstSeen[order.reference] {
                early += order.rows.map {
                    ImportRejection(line: $0.line, reason: "order_id: the rows of order \(order.reference) are not next to each other (it started at line \(line)); put them together.")
                }
                return
            }
            firstSeen[order.reference] = order.rows[0].line
            batch.append(order)
            batchLines += order.rows.count
            if batchLines >= batchSize { try await flush() }
        }

        let started = ContinuousClock.now
        for try await row in reader {
            summary.rows += 1
            let values = header.values(of: row)
            guard let reference = values["order_id"] else {
                try await close()
                raw[row.line] = CSVWriter.verbatimLine(row.fields)
                early.append(ImportRejection(line: row.line, reason: "order_id: every row names its order; this one has none."))
                continue
            }
            if current?.reference != reference {
                try await close()
                current = OrderImporter.OrderRows(reference: reference, rows: [])
            }
            raw[row.line] = CSVWriter.verbatimLine(row.fields)
            current?.rows.append(OrderImporter.Row(line: row.line, values: values))
            if showProgress { progress.show(done: reader.bytesRead, records: summary.rows) }
        }
        try await close()
        try await flush()
        if showProgress { progress.finish(done: reader.bytesRead, records: summary.rows) }
        summary.seconds = seconds(ContinuousClock.now - started)
        if summary.outcome.rejections.isEmpty { rejectsFile.removeIfEmpty() }
        return summary
    }
}

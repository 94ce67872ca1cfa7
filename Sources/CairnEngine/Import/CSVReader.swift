import Foundation

/// Reads CSV (RFC 4180: quoted fields may hold commas, quotes as `""`, and line breaks) as it arrives in chunks, so
/// files of any size are read in constant memory. A byte-order mark at the start is skipped; CRLF and LF both end rows.
public struct CSVReader: Sendable {
    public struct Row: Sendable, Hashable {
        /// The line the row starts on, counting from 1.
        public var line: Int
        public var fields: [String]
    }

    private var field: [UInt8] = []
    private var fields: [String] = []
    private var inQuotes = false
    /// A quote seen inside quotes: either the end of the field or the first of `""`.
    private var quotePending = false
    private var line = 1
    private var rowStartLine = 1
    private var atStart = true
    private var rowHasContent = false
    private var bomChecked = false
    private var bomPrefix: [UInt8] = []

    public init() {}

    /// Feeds the next bytes; returns the rows they complete.
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [Row] {
        var rows: [Row] = []
        var input = Array(bytes)
        if !bomChecked {
            // The mark may arrive split over chunks: hold the first bytes until they are known.
            let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
            bomPrefix += input
            input = []
            if bomPrefix.count < 3, bom.starts(with: bomPrefix) { return rows }
            input = bomPrefix.starts(with: bom) ? Array(bomPrefix.dropFirst(3)) : bomPrefix
            bomPrefix = []
            bomChecked = true
        }
        for byte in input {
            if quotePending {
                quotePending = false
                if byte == UInt8(ascii: "\"") { field.append(byte); continue }
                inQuotes = false
            }
            if inQuotes {
                if byte == UInt8(ascii: "\"") { quotePending = true; continue }
                if byte == UInt8(ascii: "\n") { line += 1 }
                field.append(byte)
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                if field.isEmpty { inQuotes = true; rowHasContent = true } else { field.append(byte) }
            case UInt8(ascii: ","):
                endField()
                rowHasContent = true
            case UInt8(ascii: "\r"):
                continue
            case UInt8(ascii: "\n"):
                if let row = endRow() { rows.append(row) }
                line += 1
                rowStartLine = line
            default:
                field.append(byte)
                rowHasContent = true
            }
        }
        return rows
    }

    /// Ends the input; returns the last row if it had no line break after it.
    public mutating func finish() -> Row? {
        if !bomChecked, !bomPrefix.isEmpty {
            // A file shorter than the mark: what was held is content.
            let held = bomPrefix
            bomPrefix = []
            bomChecked = true
            if let row = feed(held).first { return row }
        }
        if quotePending { quotePending = false; inQuotes = false }
        return endRow()
    }

    /// Whether the input ended inside a quoted field (a quote was never closed).
    public var isInsideQuotes: Bool { inQuotes && !quotePending }

    private mutating func endField() {
        fields.append(String(decoding: field, as: UTF8.self))
        field.removeAll(keepingCapacity: true)
    }

    private mutating func endRow() -> Row? {
        defer { rowHasContent = false; fields.removeAll(keepingCapacity: true) }
        guard rowHasContent || !field.isEmpty || !fields.isEmpty else { return nil }  // blank lines are skipped
        endField()
        return Row(line: rowStartLine, fields: fields)
    }
}

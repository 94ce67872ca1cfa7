@testable import CairnEngine
import Testing

@Suite("CSV export fields")
struct CSVTests {
    @Test("Fields are quoted per RFC 4180 and formulas are neutralised", arguments: [
        ("plain", "plain"),
        ("a,b", "\"a,b\""),
        ("say \"hi\"", "\"say \"\"hi\"\"\""),
        ("line\nbreak", "\"line\nbreak\""),
        ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
        ("@cmd", "'@cmd"),
        ("-1,2", "\"'-1,2\""),
        ("=HYPERLINK(\"http://evil.example\",\"click\")", "\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\""),
        ("+49 30 1234", "'+49 30 1234"),
        ("\tcmd", "'\tcmd"),
        ("\r=1", "\"'\r=1\""),
        // Plain numbers stay numbers (a refund's negative net, a signed score).
        ("-12.50", "-12.50"),
        ("+0.25", "+0.25"),
        ("-", "'-"),
    ])
    func field(input: String, expected: String) {
        #expect(CSVWriter.field(input) == expected)
        #expect(CSVWriter.line([input, "x"]) == expected + ",x")
    }

    @Test("An import's rejected rows are written back as they were read")
    func verbatim() {
        #expect(CSVWriter.verbatimLine(["=1+1", "a,b"]) == "=1+1,\"a,b\"")
    }
}

@Suite("CSV reading")
struct CSVReaderTests {
    static let text = "\u{FEFF}a,b,c\r\n1,\"x, \"\"y\"\"\",\"two\nlines\"\n\n,,\nlast,row,\"ü😀\""

    func read(inChunksOf size: Int) -> [CSVReader.Row] {
        var reader = CSVReader()
        let bytes = Array(Self.text.utf8)
        var rows: [CSVReader.Row] = []
        for start in stride(from: 0, to: bytes.count, by: size) { rows += reader.feed(bytes[start..<min(start + size, bytes.count)]) }
        if let last = reader.finish() { rows.append(last) }
        return rows
    }

    @Test("Quotes, doubled quotes, line breaks in fields, CRLF, a BOM and blank lines, whatever the chunk size", arguments: [1, 2, 3, 7, 1024])
    func rows(chunk: Int) {
        let rows = read(inChunksOf: chunk)
        #expect(rows.map(\.fields) == [["a", "b", "c"], ["1", "x, \"y\"", "two\nlines"], ["", "", ""], ["last", "row", "ü😀"]])
        #expect(rows.map(\.line) == [1, 2, 5, 6])
    }

    @Test("An unclosed quote is noticed at the end")
    func unclosedQuote() {
        var reader = CSVReader()
        _ = reader.feed(Array("a,b\n1,\"open".utf8))
        #expect(reader.isInsideQuotes)
    }
}

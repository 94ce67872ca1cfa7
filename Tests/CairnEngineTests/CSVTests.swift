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
    ])
    func field(input: String, expected: String) {
        #expect(Administration.csvField(input) == expected)
    }
}

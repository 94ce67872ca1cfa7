import CairnCore
import Foundation
import Testing

@Suite("JSON text")
struct JSONTextTests {
    @Test("Values read as the general JSON decoder reads them", arguments: [
        #"{"a":1,"b":[true,false,null],"c":{"d":"e"}}"#,
        #"{"price":19.90,"whole":1.0,"big":12345678901234567890,"exp":1e3,"neg":-0.5,"tiny":1e-7}"#,
        #"{"text":"line\nbreak \"quoted\" back\\slash \/ tab\t","esc":"\u00e9\u4e2d"}"#,
        #"  [ 1 , 2 , { "x" : [ ] } ]  "#,
        #""just a string""#,
        #"-0"#,
    ])
    func matchesFoundation(text: String) throws {
        let ours = try JSONValue.parse(text)
        let foundation = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        #expect(ours == foundation)
        #expect(try JSONValue.parse(ours.jsonText()) == ours, "written text reads back the same")
    }

    @Test("Emoji sent as surrogate pairs and raw UTF-8 are kept exactly")
    func unicode() throws {
        let value = try JSONValue.parse(#"{"name":"Nia \ud83d\ude00 ש","raw":"😀 中文"}"#)
        #expect(value["name"] == .string("Nia 😀 ש"))
        #expect(value["raw"] == .string("😀 中文"))
        #expect(value.jsonText() == #"{"name":"Nia 😀 ש","raw":"😀 中文"}"#)
    }

    @Test("Invalid JSON is refused", arguments: [
        "", "{", "{\"a\":}", "{\"a\":1,}", "[1,]", "{a:1}", "01", "1.", ".5", "1e", "+1", "tru", "nul", "\"open",
        "\"\\ud83d\"", "\"\\ude00\"", "\"\\x41\"", "\"tab\there\"", "{\"a\":1} x", "[1 2]", "NaN", "1e999",
    ])
    func refused(text: String) {
        #expect(throws: JSONTextError.self) { try JSONValue.parse(text) }
    }

    @Test("Bytes that are not UTF-8 and nesting deeper than the limit are refused")
    func limits() {
        #expect(throws: JSONTextError.self) { try JSONValue.parse(Data([0x22, 0xFF, 0xFE, 0x22])) }
        let deep = String(repeating: "[", count: JSONValue.maximumDepth + 1) + String(repeating: "]", count: JSONValue.maximumDepth + 1)
        #expect(throws: JSONTextError.self) { try JSONValue.parse(deep) }
        let fine = String(repeating: "[", count: JSONValue.maximumDepth) + String(repeating: "]", count: JSONValue.maximumDepth)
        #expect((try? JSONValue.parse(fine)) != nil)
    }

    @Test("Random values survive writing and reading, and the text is what the general encoder accepts")
    func roundTrip() throws {
        var random = SystemRandomNumberGenerator()
        func value(_ depth: Int) -> JSONValue {
            switch Int.random(in: 0..<(depth > 3 ? 5 : 7), using: &random) {
            case 0: return .null
            case 1: return .bool(Bool.random(using: &random))
            case 2: return .integer(Int64.random(in: Int64.min...Int64.max, using: &random))
            case 3: return .double(Double(Int.random(in: -1_000_000...1_000_000, using: &random)) / 64 + 1.0 / 128)  // never whole: a whole double reads back as an integer
            case 4: return .string(String((0..<Int.random(in: 0...12, using: &random)).map { _ in
                ["a", "\"", "\\", "\n", "\u{1}", "é", "中", "😀", "/", " "].randomElement(using: &random)! }))
            case 5: return .array((0..<Int.random(in: 0...4, using: &random)).map { _ in value(depth + 1) })
            default: return .object(Dictionary((0..<Int.random(in: 0...4, using: &random)).map { ("k\($0)\(["", "é", "\""].randomElement(using: &random)!)", value(depth + 1)) },
                                               uniquingKeysWith: { first, _ in first }))
            }
        }
        for _ in 0..<500 {
            let original = value(0)
            let text = original.jsonText()
            #expect(try JSONValue.parse(text) == original, "\(text)")
            #expect(try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) == original, "\(text)")
        }
    }
}

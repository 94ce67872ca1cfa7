/// Writes JSON text straight into bytes, for the few answers large enough that a `JSONEncoder` would take most of
/// their time (a units-sold report of 15,000 rows). Strings are escaped as ``JSONValue/jsonText()`` escapes them;
/// keys are literals in the public casing. Commas are placed by the writer.
public struct JSONWriter {
    public private(set) var bytes: [UInt8] = []
    /// Per open object or array: whether a value was written in it yet.
    private var filled: [Bool] = [false]

    public init(capacity: Int = 1024) { bytes.reserveCapacity(capacity) }

    private mutating func separate() {
        if filled[filled.count - 1] { bytes.append(UInt8(ascii: ",")) }
        filled[filled.count - 1] = true
    }

    private mutating func open(_ mark: Character) {
        separate()
        bytes.append(UInt8(ascii: mark.unicodeScalars.first!))
        filled.append(false)
    }

    private mutating func close(_ mark: Character) {
        filled.removeLast()
        bytes.append(UInt8(ascii: mark.unicodeScalars.first!))
    }

    public mutating func beginObject() { open("{") }
    public mutating func endObject() { close("}") }
    public mutating func beginArray() { open("[") }
    public mutating func endArray() { close("]") }

    /// An object's key, written as it is (a literal in the code: plain ASCII that needs no escape); its value follows.
    public mutating func key(_ name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        filled[filled.count - 1] = false  // the value that follows takes no comma
    }

    public mutating func string(_ text: String) {
        separate()
        JSONValue.writeString(text, to: &bytes)
    }

    public mutating func integer(_ value: Int64) {
        separate()
        bytes.append(contentsOf: String(value).utf8)
    }

    /// `"key": "text"` in one call.
    public mutating func field(_ name: StaticString, _ text: String) {
        key(name)
        string(text)
    }

    public mutating func field(_ name: StaticString, _ value: Int64) {
        key(name)
        integer(value)
    }
}

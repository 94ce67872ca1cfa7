import CairnCore
import Foundation
import Testing

@Suite("Time-ordered identifiers")
struct TimeOrderedIDTests {
    @Test("Identifiers made one after another sort in the order they were made, also within one millisecond")
    func strictlyIncreasing() {
        let ids = (0..<20_000).map { _ in EventID.generate().rawValue }
        #expect(zip(ids, ids.dropFirst()).allSatisfy { $0 < $1 })
        #expect(Set(ids).count == ids.count)
        for id in ids.prefix(100) {
            let characters = Array(id)
            #expect(characters[14] == "7", "version 7")
            #expect("89ab".contains(characters[19]), "RFC 9562 variant")
        }
        // The first 48 bits are the time in milliseconds.
        let millis = UInt64(String(ids[0].replacingOccurrences(of: "-", with: "").prefix(12)), radix: 16)!
        #expect(abs(Double(millis) / 1000 - Date().timeIntervalSince1970) < 60)
    }
}

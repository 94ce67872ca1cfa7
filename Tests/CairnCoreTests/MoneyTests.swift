import CairnCore
import Foundation
import Testing

@Suite("Money")
struct MoneyTests {
    let eur = try! Currency(validating: "eur")
    let jpy = try! Currency(validating: "JPY")
    let kwd = try! Currency(validating: "KWD")

    @Test("Amounts are read exactly into minor units, in each currency's own decimal places")
    func parsing() throws {
        #expect(try Money(parsing: "19.99", currency: eur, field: "price").minorUnits == 1999)
        #expect(try Money(parsing: "0.1", currency: eur, field: "price").minorUnits == 10)
        #expect(try Money(parsing: "-5", currency: eur, field: "price").minorUnits == -500)
        #expect(try Money(parsing: "1500", currency: jpy, field: "price").minorUnits == 1500)
        #expect(try Money(parsing: "1.234", currency: kwd, field: "price").minorUnits == 1234)
        #expect(try Money(parsing: "10000000000000.00", currency: eur, field: "price").minorUnits == Money.largestMinorUnits)
        #expect(throws: ValidationError.self) { try Money(parsing: "10000000000000.01", currency: eur, field: "price") }
        #expect(Money(minorUnits: Money.largestMinorUnits, currency: eur).times(2) == nil, "products beyond the largest figure are refused, not overflowed")
        #expect(Money(minorUnits: 1999, currency: eur).times(3)?.minorUnits == 5997)
        // 0.1 + 0.2 is 0.3 here, not 0.30000000000000004.
        let sum = try Money(parsing: "0.1", currency: eur, field: "a") + Money(parsing: "0.2", currency: eur, field: "b")
        #expect(sum == (try Money(parsing: "0.3", currency: eur, field: "c")))
    }

    @Test("Too many decimal places, words, and absurd sizes are refused with the field and the fix", arguments: [
        ("19.999", "EUR"), ("1.5", "JPY"), ("abc", "EUR"), ("", "EUR"), ("1e30", "EUR"), ("NaN", "EUR"),
    ])
    func refusals(text: String, code: String) throws {
        let currency = try Currency(validating: code)
        #expect(throws: ValidationError.self) { try Money(parsing: text, currency: currency, field: "lines[0].unitPrice") }
        do {
            _ = try Money(parsing: text, currency: currency, field: "lines[0].unitPrice")
        } catch {
            #expect(error.issues.first?.field == "lines[0].unitPrice")
            #expect(error.issues.first?.hint.isEmpty == false)
        }
    }

    @Test("JSON numbers are read through the text the client wrote")
    func fromJSON() throws {
        let value = try JSONValue.parse(#"{"a": 19.99, "b": 7, "c": "12.50", "d": 0.07, "e": true}"#)
        #expect(try Money(json: value["a"]!, currency: eur, field: "a").minorUnits == 1999)
        #expect(try Money(json: value["b"]!, currency: eur, field: "b").minorUnits == 700)
        #expect(try Money(json: value["c"]!, currency: eur, field: "c").minorUnits == 1250)
        #expect(try Money(json: value["d"]!, currency: eur, field: "d").minorUnits == 7)
        #expect(throws: ValidationError.self) { try Money(json: value["e"]!, currency: eur, field: "e") }
    }

    @Test("Amounts are written as exact decimal text, never as floating point")
    func writing() throws {
        #expect(Money(minorUnits: 1999, currency: eur).decimalText == "19.99")
        #expect(Money(minorUnits: -50, currency: eur).decimalText == "-0.50")
        #expect(Money(minorUnits: 5, currency: eur).decimalText == "0.05")
        #expect(Money(minorUnits: 1500, currency: jpy).decimalText == "1500")
        #expect(Money(minorUnits: 1, currency: kwd).decimalText == "0.001")
        let json = String(decoding: try JSONEncoder().encode(Money(minorUnits: 1999, currency: eur)), as: UTF8.self)
        #expect(json.contains(#""amount":"19.99""#) && json.contains(#""currency":"EUR""#) && json.contains(#""minorUnits":1999"#))
        #expect(try JSONDecoder().decode(Money.self, from: Data(json.utf8)) == Money(minorUnits: 1999, currency: eur))
    }

    @Test("Currency codes are three letters")
    func currencies() throws {
        #expect(try Currency(validating: " usd ").code == "USD")
        for bad in ["US", "EURO", "E1R", "€", ""] {
            #expect(throws: ValidationError.self) { try Currency(validating: bad) }
        }
    }
}

import Foundation

/// An ISO 4217 currency code (three capital letters) and how many decimal places its minor unit has.
public struct Currency: Sendable, Hashable, Codable, CustomStringConvertible {
    public let code: String

    /// Currencies whose minor unit is not a hundredth (ISO 4217); every other code has two decimal places.
    static let exponents: [String: Int] = [
        "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0, "PYG": 0, "RWF": 0, "UGX": 0,
        "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
        "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
        "CLF": 4, "UYW": 4,
    ]

    /// Decimal places of the minor unit: 2 for EUR (cents), 0 for JPY, 3 for KWD.
    public var exponent: Int { Self.exponents[code] ?? 2 }

    public var description: String { code }

    /// A code read back from storage, where only validated codes are written.
    public init(uncheckedCode code: String) {
        self.code = code
    }

    /// A code as sent: letters in any case, trimmed; anything else is refused.
    public init(validating text: String, field: String = "currency") throws(ValidationError) {
        let code = text.trimmingCharacters(in: .whitespaces).uppercased()
        guard code.count == 3, code.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) }) else {
            throw ValidationError(field: field, issue: .invalid, hint: "Use a three-letter ISO 4217 code such as EUR, USD or JPY.")
        }
        self.code = code
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(validating: text) } catch { throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.summary)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(code)
    }
}

/// An amount of money as a whole number of its currency's minor unit (cents for EUR, yen for JPY): exact, with no
/// floating point anywhere. Amounts of different currencies are never added.
public struct Money: Sendable, Hashable, Codable, CustomStringConvertible {
    public var minorUnits: Int64
    public var currency: Currency

    public init(minorUnits: Int64, currency: Currency) {
        self.minorUnits = minorUnits
        self.currency = currency
    }

    public static func zero(_ currency: Currency) -> Money { Money(minorUnits: 0, currency: currency) }

    /// The largest amount one figure may hold (10^15 minor units: ten trillion euros). Sums of a thousand such
    /// figures still fit in 64 bits, so order arithmetic never overflows.
    public static let largestMinorUnits: Int64 = 1_000_000_000_000_000

    /// `self × quantity` when it stays within ``largestMinorUnits``; `nil` otherwise.
    public func times(_ quantity: Int64) -> Money? {
        let (product, overflow) = minorUnits.multipliedReportingOverflow(by: quantity)
        guard !overflow, product.magnitude <= Money.largestMinorUnits.magnitude else { return nil }
        return Money(minorUnits: product, currency: currency)
    }

    /// The amount `text` (major units) in minor units of `currency`, not yet rounded; `nil` when it is no number.
    private static func scaled(_ text: String, currency: Currency) -> Decimal? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.contains(where: \.isNumber), let value = Decimal(string: trimmed, locale: Locale(identifier: "en_US_POSIX")), !value.isNaN else { return nil }
        return value * Decimal(sign: .plus, exponent: currency.exponent, significand: 1)
    }

    private static func rounded(_ value: Decimal, _ mode: NSDecimalNumber.RoundingMode) -> Decimal {
        var value = value, result = Decimal()
        NSDecimalRound(&result, &value, 0, mode)
        return result
    }

    /// The text of a JSON amount: a whole number, a fractional number through its shortest decimal form (the text the
    /// client wrote for any amount a client can mean), or a string; `nil` for anything else.
    private static func text(of json: JSONValue) -> String? {
        switch json {
        case .integer(let whole): String(whole)
        case .double(let value): "\(value)"
        case .string(let text): text
        default: nil
        }
    }

    /// A decimal amount in major units as written ("19.99", "-5", "1e2"), exact; more decimal places than the currency
    /// has, or an amount too large, is refused rather than rounded.
    public init(parsing text: String, currency: Currency, field: String) throws(ValidationError) {
        guard let scaled = Self.scaled(text, currency: currency) else {
            throw ValidationError(field: field, issue: .invalid, hint: "Write the amount as a number such as 19.99.")
        }
        let whole = Self.rounded(scaled, .plain)
        guard whole == scaled else {
            throw ValidationError(field: field, issue: .invalid,
                                  hint: "\(currency.code) has \(currency.exponent) decimal places; send the amount with at most that many.")
        }
        guard whole.magnitude <= Decimal(Money.largestMinorUnits) else {
            throw ValidationError(field: field, issue: .invalid, hint: "The amount is too large: at most \(Money(minorUnits: Money.largestMinorUnits, currency: currency).decimalText).")
        }
        self.init(minorUnits: NSDecimalNumber(decimal: whole).int64Value, currency: currency)
    }

    /// An amount from a JSON value: a number or a numeric string.
    public init(json: JSONValue, currency: Currency, field: String) throws(ValidationError) {
        guard let text = Self.text(of: json) else {
            throw ValidationError(field: field, issue: .invalid, hint: "Send the amount as a number such as 19.99.")
        }
        try self.init(parsing: text, currency: currency, field: field)
    }

    /// An amount from an event that was already accepted (nothing can be refused any more): a number or numeric
    /// string, rounded half to even to the currency's minor unit in decimal arithmetic; `nil` for anything else.
    public init?(rounding json: JSONValue, currency: Currency) {
        guard let text = Self.text(of: json), let scaled = Self.scaled(text, currency: currency) else { return nil }
        let whole = Self.rounded(scaled, .bankers)
        guard whole.magnitude <= Decimal(Money.largestMinorUnits) else { return nil }
        self.init(minorUnits: NSDecimalNumber(decimal: whole).int64Value, currency: currency)
    }

    /// The amount in major units as exact decimal text: "19.99", "-0.50", "1500" (JPY).
    public var decimalText: String {
        let exponent = currency.exponent
        let negative = minorUnits < 0
        let digits = String(minorUnits.magnitude)
        guard exponent > 0 else { return (negative ? "-" : "") + digits }
        let padded = String(repeating: "0", count: max(0, exponent + 1 - digits.count)) + digits
        let split = padded.index(padded.endIndex, offsetBy: -exponent)
        return (negative ? "-" : "") + padded[..<split] + "." + padded[split...]
    }

    public var description: String { "\(decimalText) \(currency.code)" }

    public static func + (lhs: Money, rhs: Money) -> Money {
        precondition(lhs.currency == rhs.currency, "amounts of different currencies are never added")
        return Money(minorUnits: lhs.minorUnits + rhs.minorUnits, currency: lhs.currency)
    }

    public static func - (lhs: Money, rhs: Money) -> Money {
        precondition(lhs.currency == rhs.currency, "amounts of different currencies are never subtracted")
        return Money(minorUnits: lhs.minorUnits - rhs.minorUnits, currency: lhs.currency)
    }

    /// The amount times a whole quantity.
    public static func * (lhs: Money, rhs: Int64) -> Money {
        Money(minorUnits: lhs.minorUnits * rhs, currency: lhs.currency)
    }

    /// Encoded as `{"amount": "19.99", "currency": "EUR", "minorUnits": 1999}`: a decimal string, never a float.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(decimalText, forKey: .amount)
        try container.encode(currency, forKey: .currency)
        try container.encode(minorUnits, forKey: .minorUnits)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let currency = try container.decode(Currency.self, forKey: .currency)
        self.init(minorUnits: try container.decode(Int64.self, forKey: .minorUnits), currency: currency)
    }

    enum CodingKeys: String, CodingKey { case amount, currency, minorUnits }

    /// The same object as `encode(to:)`, written straight (for large answers).
    public func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("amount", decimalText)
        json.field("currency", currency.code)
        json.field("minorUnits", minorUnits)
        json.endObject()
    }
}

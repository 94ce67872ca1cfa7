public import Foundation

/// What a customer may be contacted or processed for. Built-in purposes plus those a workspace defines.
public struct ConsentPurpose: Sendable, Hashable, Codable, RawRepresentable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    public static let analytics = ConsentPurpose(rawValue: "analytics")
    public static let personalization = ConsentPurpose(rawValue: "personalization")
    public static let marketingEmail = ConsentPurpose(rawValue: "marketing_email")
    public static let marketingSMS = ConsentPurpose(rawValue: "marketing_sms")
    public static let surveys = ConsentPurpose(rawValue: "surveys")

    public static let builtIn: [ConsentPurpose] = [.analytics, .personalization, .marketingEmail, .marketingSMS, .surveys]

    /// Checks a purpose name (lowercase letters, digits, `_`, up to 40).
    public static func validate(_ text: String, field: String = "purpose") throws(ValidationError) -> ConsentPurpose {
        guard (1...40).contains(text.count), text.first!.isLowercase,
              text.allSatisfy({ ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "_" }) else {
            throw ValidationError(field: field, issue: .invalid,
                                  hint: "Use a purpose such as \(builtIn.map(\.rawValue).joined(separator: ", ")), or your own lowercase name.")
        }
        return ConsentPurpose(rawValue: text)
    }
}

/// Whether a purpose needs a yes first (opt-in) or holds until the customer says no (opt-out).
public enum ConsentMode: String, Sendable, Hashable, Codable, CaseIterable {
    case optIn = "opt_in"
    case optOut = "opt_out"

    /// The mode a purpose has until the workspace sets one: marketing and surveys ask first.
    public static func `default`(for purpose: ConsentPurpose) -> ConsentMode {
        [.analytics, .personalization].contains(purpose) ? .optOut : .optIn
    }
}

/// One statement in a profile's consent ledger. The ledger keeps every statement; the latest one counts.
public struct ConsentRecord: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        case granted, denied, withdrawn
    }

    public var purpose: ConsentPurpose
    public var status: Status
    public var recordedAt: Date
    /// Where it came from: the event's channel and id, or the person or key who recorded it.
    public var channel: Channel?
    public var eventID: EventID?
    public var recordedBy: String?
    /// The legal basis, e.g. "GDPR Art. 6(1)(a) consent, sign-up form v3".
    public var legalBasis: String?

    public init(purpose: ConsentPurpose, status: Status, recordedAt: Date, channel: Channel?, eventID: EventID?, recordedBy: String?, legalBasis: String?) {
        self.purpose = purpose
        self.status = status
        self.recordedAt = recordedAt
        self.channel = channel
        self.eventID = eventID
        self.recordedBy = recordedBy
        self.legalBasis = legalBasis
    }
}

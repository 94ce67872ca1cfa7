public import Foundation

/// One message of the Segment-compatible tracking API (identify, track, page, screen, group, alias), validated.
public struct TrackingMessage: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case identify, track, page, screen, group, alias
    }

    public var kind: Kind
    /// The client's id for de-duplication; generated when the client sent none.
    public var messageID: String
    public var userID: String?
    public var anonymousID: String?
    /// `track`: the event name. `page`/`screen`: the page name.
    public var name: String?
    public var groupID: String?
    public var previousID: String?
    /// From `context.channel`; `nil` means the source's default.
    public var channel: Channel?
    /// The client's own clock readings.
    public var clientTimestamp: Date?
    public var sentAt: Date?
    /// The message as sent (with `type` filled in for single-message endpoints), text kept exactly.
    public var payload: [String: JSONValue]

    /// The largest message accepted, as JSON text.
    public static let maximumBytes = 32 * 1024

    /// Identify and group traits, read from `traits` or, failing that, `context.traits`.
    public var traits: [String: JSONValue] {
        payload["traits"]?.objectValue ?? payload["context"]?["traits"]?.objectValue ?? [:]
    }

    /// The event time corrected for the client's clock skew: `receivedAt − (sentAt − timestamp)` when both are known.
    public func timestamp(receivedAt: Date) -> Date {
        guard let clientTimestamp else { return receivedAt }
        guard let sentAt else { return clientTimestamp }
        return receivedAt.addingTimeInterval(-sentAt.timeIntervalSince(clientTimestamp))
    }

    /// Validates one message object. `kind` is given by single-message endpoints and read from `type` in batches.
    /// `defaults` are batch-level `context` and `sentAt`, which the message's own values override.
    /// Every problem is reported with its field path under `prefix` (e.g. `batch[3].`).
    public static func parse(_ object: [String: JSONValue], kind impliedKind: Kind?, prefix: String = "",
                             batchContext: [String: JSONValue]? = nil, batchSentAt: JSONValue? = nil,
                             makeMessageID: () -> String) -> Result<TrackingMessage, ValidationError> {
        var issues = ValidationCollector()
        var payload = object
        func field(_ name: String) -> String { prefix + name }

        var kind = impliedKind
        if impliedKind == nil {
            switch object["type"] {
            case .string(let text)?:
                kind = Kind(rawValue: text)
                if kind == nil {
                    issues.add(FieldIssue(field: field("type"), issue: .unknownValue(allowed: Kind.allCases.map(\.rawValue)),
                                          hint: "Use one of: \(Kind.allCases.map(\.rawValue).joined(separator: ", ")).")) }
            default:
                issues.add(FieldIssue(field: field("type"), issue: .missing, hint: "Every batch message needs a type such as \"track\" or \"identify\"."))
            }
        }
        if let kind { payload["type"] = .string(kind.rawValue) }

        func identifier(_ name: String) -> String? {
            switch object[name] {
            case nil, .null?: return nil
            case .string(let text)?:
                if text.count > 255 { issues.add(FieldIssue(field: field(name), issue: .tooLong(limit: 255), hint: "Use at most 255 characters.")) }
                if !TextSafety.isSafeIdentifier(text) { issues.add(FieldIssue(field: field(name), issue: .invalid, hint: TextSafety.identifierHint)) }
                return text.isEmpty ? nil : text
            case .integer(let number)?: return String(number)
            default:
                issues.add(FieldIssue(field: field(name), issue: .invalid, hint: "Send a string (or null)."))
                return nil
            }
        }
        let userID = identifier("userId")
        let anonymousID = identifier("anonymousId")
        var messageID = identifier("messageId")
        if messageID == nil {
            messageID = makeMessageID()
            payload["messageId"] = .string(messageID!)
        }

        func requiredText(_ name: String, hint: String) -> String? {
            guard case .string(let text)? = object[name], !text.isEmpty else {
                issues.add(FieldIssue(field: field(name), issue: object[name] == nil || object[name] == .null ? .missing : .invalid, hint: hint))
                return nil
            }
            return text
        }

        var name: String?, groupID: String?, previousID: String?
        switch kind {
        case .track?:
            name = requiredText("event", hint: "Name the event, e.g. \"Order Completed\".")
        case .page?, .screen?:
            name = object["name"]?.stringValue
        case .group?:
            groupID = identifier("groupId")
            if groupID == nil { issues.add(FieldIssue(field: field("groupId"), issue: .missing, hint: "Say which group (account, company) the user belongs to.")) }
        case .alias?:
            previousID = identifier("previousId")
            if previousID == nil { issues.add(FieldIssue(field: field("previousId"), issue: .missing, hint: "Send the id the user was known by before.")) }
            if userID == nil { issues.add(FieldIssue(field: field("userId"), issue: .missing, hint: "Send the new user id that previousId becomes.")) }
        case .identify?, nil:
            break
        }
        if kind != .alias && userID == nil && anonymousID == nil {
            issues.add(FieldIssue(field: field("userId"), issue: .missing, hint: "Send a userId or an anonymousId (at least one of them)."))
        }

        // Traits become the customer's record: their text may hold tabs and line breaks but no other control character,
        // and an email trait no invisible one either (it could pose as another address).
        func checkTraits(_ value: JSONValue, path: String) {
            switch value {
            case .string(let text):
                if TextSafety.hasControlCharacters(text, allowingLineBreaks: true) {
                    issues.add(FieldIssue(field: field(path), issue: .invalid, hint: "Remove control characters (such as NUL) from the text."))
                } else if path.hasSuffix(".email"), TextSafety.hasInvisibleCharacters(text) {
                    issues.add(FieldIssue(field: field(path), issue: .invalid, hint: "The address holds an invisible character (a zero-width space or a direction mark)."))
                }
            case .object(let members):
                for (key, member) in members { checkTraits(member, path: path + "." + key) }
            case .array(let items):
                for (index, item) in items.enumerated() { checkTraits(item, path: path + "[\(index)]") }
            default: break
            }
        }
        if let traits = object["traits"], traits.objectValue != nil { checkTraits(traits, path: "traits") }
        if let traits = object["context"]?["traits"], traits.objectValue != nil { checkTraits(traits, path: "context.traits") }
        if let event = name, TextSafety.hasControlCharacters(event) {
            issues.add(FieldIssue(field: field(kind == .track ? "event" : "name"), issue: .invalid, hint: "Remove control characters from the name."))
        }

        // E-commerce events become orders: an amount or quantity that cannot be kept exactly (1e300, NaN as text) is
        // refused here, naming the field, rather than stored as something else.
        if kind == .track, let event = name, ["Order ", "Product ", "Checkout ", "Cart ", "Payment "].contains(where: event.hasPrefix),
           let properties = object["properties"]?.objectValue {
            let currency = properties["currency"]?.stringValue.flatMap { try? Currency(validating: $0.uppercased()) } ?? Currency(uncheckedCode: "EUR")
            func checkAmount(_ value: JSONValue?, path: String) {
                guard let value, value != .null else { return }
                if Money(rounding: value, currency: currency) == nil {
                    issues.add(FieldIssue(field: field(path), issue: .invalid,
                                          hint: "Send an amount of at most \(Money(minorUnits: Money.largestMinorUnits, currency: currency).decimalText), e.g. 19.99."))
                }
            }
            func checkQuantity(_ value: JSONValue?, path: String) {
                guard let value, value != .null else { return }
                let quantity: Double? = switch value {
                case .integer(let whole): Double(whole)
                case .double(let number): number
                case .string(let text): Double(text)
                default: nil
                }
                if quantity.map({ !$0.isFinite || abs($0) > 1_000_000_000 }) ?? true {
                    issues.add(FieldIssue(field: field(path), issue: .invalid, hint: "Send a quantity of at most 1,000,000,000."))
                }
            }
            for key in ["total", "revenue", "subtotal", "tax", "shipping", "discount", "value", "price", "amount"] {
                checkAmount(properties[key], path: "properties." + key)
            }
            checkQuantity(properties["quantity"], path: "properties.quantity")
            if case .array(let products)? = properties["products"] {
                for (index, product) in products.enumerated() {
                    checkAmount(product["price"], path: "properties.products[\(index)].price")
                    checkQuantity(product["quantity"], path: "properties.products[\(index)].quantity")
                }
            }
        }

        for objectField in ["properties", "traits", "context", "integrations"] {
            if let value = object[objectField], value != .null, value.objectValue == nil {
                issues.add(FieldIssue(field: field(objectField), issue: .invalid, hint: "Send a JSON object."))
            }
        }

        // Batch-level context fills what the message leaves out.
        if let batchContext {
            var context = batchContext
            for (key, value) in object["context"]?.objectValue ?? [:] { context[key] = value }
            payload["context"] = .object(context)
        }
        if payload["sentAt"] == nil, let batchSentAt { payload["sentAt"] = batchSentAt }

        var channel: Channel?
        if let value = payload["context"]?["channel"], value != .null {
            if case .string(let text) = value {
                channel = issues.check { () throws(ValidationError) in try Channel.validate(text, field: field("context.channel")) }
            } else {
                issues.add(FieldIssue(field: field("context.channel"), issue: .invalid, hint: "Send the channel as a string, e.g. \"store\"."))
            }
        }

        func time(_ name: String) -> Date? {
            switch payload[name] {
            case nil, .null?: return nil
            case .string(let text)?:
                if let date = Timestamp.parse(text) {
                    // A time a database keeps as it was: from 1900 to 2199 (a device's clock may be wrong, not 8,000 years wrong).
                    if date < Timestamp.earliest || date >= Timestamp.latest {
                        issues.add(FieldIssue(field: field(name), issue: .invalid, hint: "Send a time between 1900 and 2199; this device's clock may be wrong."))
                        return nil
                    }
                    return date
                }
                fallthrough
            default:
                issues.add(FieldIssue(field: field(name), issue: .invalid, hint: "Use ISO 8601, e.g. 2026-11-23T14:03:07.123Z or 2026-11-23T15:03:07.123456+01:00."))
                return nil
            }
        }
        let clientTimestamp = time("timestamp") ?? time("originalTimestamp")
        let sentAt = time("sentAt")

        payload["receivedAt"] = nil
        payload["writeKey"] = nil
        // The message as the client sent it is measured (what the server adds — type, messageId, the batch's context —
        // does not count against the client), so a body the single-message endpoints let through always fits.
        var sent = object
        sent["receivedAt"] = nil
        sent["writeKey"] = nil
        let size = JSONValue.object(sent).jsonText().utf8.count
        if size > maximumBytes {
            issues.add(FieldIssue(field: prefix.isEmpty ? "body" : String(prefix.dropLast()), issue: .tooLong(limit: maximumBytes),
                                  hint: "A message may be at most 32 KB; this one is \(size / 1024) KB. Send fewer properties."))
        }

        if !issues.issues.isEmpty { return .failure(ValidationError(issues: issues.issues)) }
        return .success(TrackingMessage(kind: kind!, messageID: messageID!, userID: userID, anonymousID: anonymousID, name: name,
                                        groupID: groupID, previousID: previousID, channel: channel, clientTimestamp: clientTimestamp,
                                        sentAt: sentAt, payload: payload))
    }
}

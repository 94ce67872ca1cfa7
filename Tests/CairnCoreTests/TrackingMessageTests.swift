import CairnCore
import Foundation
import Testing

@Suite("Tracking messages")
struct TrackingMessageTests {
    func object(_ json: String) throws -> [String: JSONValue] {
        try #require(try JSONDecoder().decode(JSONValue.self, from: Data(json.utf8)).objectValue)
    }

    func parse(_ json: String, kind: TrackingMessage.Kind? = nil, prefix: String = "") throws -> Result<TrackingMessage, ValidationError> {
        TrackingMessage.parse(try object(json), kind: kind, prefix: prefix, makeMessageID: { "generated" })
    }

    @Test("Timestamps with milli-, micro- and nanoseconds and any offset", arguments: [
        ("2026-11-23T14:03:07Z", 1_795_442_587.0),
        ("2026-11-23T14:03:07.123Z", 1_795_442_587.123),
        ("2026-11-23T15:03:07.123456+01:00", 1_795_442_587.123456),
        ("2026-11-23T09:03:07.5-0500", 1_795_442_587.5),
        ("2026-11-23 14:03:07.123456789z", 1_795_442_587.123456789),
        ("2024-02-29T00:00:00Z", 1_709_164_800.0),
        ("1969-12-31T23:59:59Z", -1.0),
        ("2000-03-01T00:00:00+14:00", 951_818_400.0),
    ])
    func timestamps(text: String, seconds: Double) throws {
        let date = try #require(Timestamp.parse(text))
        #expect(abs(date.timeIntervalSince1970 - seconds) < 1e-6)
    }

    @Test("Malformed timestamps are refused", arguments: ["2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "yesterday", "2026-11-23T14:03:07", "2026-11-23T25:00:00Z", "1700000000",
                                                         "2023-02-29T00:00:00Z", "2026-11-23T14:03:07.Z", "2026-11-23T14:03:07.1234567890Z", "2026-11-23T14:03:07Z ",
                                                         "2026-11-23T14:03:07+1", "２０２６-11-23T14:03:07Z", ""])
    func badTimestamps(text: String) {
        #expect(Timestamp.parse(text) == nil)
    }

    @Test("Timestamps written by Foundation's ISO 8601 format read back to the same second, across four centuries")
    func timestampsAgreeWithFoundation() throws {
        var random = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let seconds = Double(Int64.random(in: -2_208_988_800...7_258_118_400, using: &random))
            let text = Date(timeIntervalSince1970: seconds).formatted(.iso8601)
            #expect(Timestamp.parse(text)?.timeIntervalSince1970 == seconds, "\(text)")
        }
    }

    @Test("Clock skew is corrected from sentAt: timestamp = receivedAt − (sentAt − timestamp)")
    func skewCorrection() throws {
        let message = try parse(#"{"userId":"u1","event":"Viewed","timestamp":"2026-11-23T10:00:00Z","sentAt":"2026-11-23T10:00:05Z"}"#, kind: .track).get()
        let received = try #require(Timestamp.parse("2026-11-23T12:00:10Z"))
        #expect(message.timestamp(receivedAt: received) == Timestamp.parse("2026-11-23T12:00:05Z"))
        let noSentAt = try parse(#"{"userId":"u1","event":"Viewed","timestamp":"2026-11-23T10:00:00Z"}"#, kind: .track).get()
        #expect(noSentAt.timestamp(receivedAt: received) == Timestamp.parse("2026-11-23T10:00:00Z"))
        let neither = try parse(#"{"userId":"u1","event":"Viewed"}"#, kind: .track).get()
        #expect(neither.timestamp(receivedAt: received) == received)
    }

    @Test("userId and anonymousId may be explicit null, but not both")
    func nullIdentifiers() throws {
        let message = try parse(#"{"userId":null,"anonymousId":"a-1","event":"X"}"#, kind: .track).get()
        #expect(message.userID == nil && message.anonymousID == "a-1")
        guard case .failure(let error) = try parse(#"{"userId":null,"anonymousId":null,"event":"X"}"#, kind: .track, prefix: "batch[3].") else {
            Issue.record("accepted a message without any id"); return
        }
        #expect(error.issues.map(\.field) == ["batch[3].userId"])
    }

    @Test("Each kind checks its own fields", arguments: [
        (#"{"userId":"u"}"#, TrackingMessage.Kind.track, "event"),
        (#"{"userId":"u"}"#, .group, "groupId"),
        (#"{"userId":"u"}"#, .alias, "previousId"),
        (#"{"previousId":"p"}"#, .alias, "userId"),
        (#"{"userId":"u","properties":[1]}"#, .page, "properties"),
        (#"{"userId":"u","timestamp":"soon"}"#, .identify, "timestamp"),
        (#"{"userId":"u","context":{"channel":"Carrier Pigeon"}}"#, .identify, "context.channel"),
        (#"{"userId":{"id":1}}"#, .identify, "userId"),
    ])
    func kindFields(json: String, kind: TrackingMessage.Kind, field: String) throws {
        guard case .failure(let error) = try parse(json, kind: kind) else { Issue.record("accepted \(json)"); return }
        #expect(error.issues.map(\.field).contains(field), "\(error.issues)")
    }

    @Test("Batch messages need a known type")
    func batchType() throws {
        guard case .failure(let missing) = try parse(#"{"userId":"u"}"#, prefix: "batch[0].") else { Issue.record("accepted"); return }
        #expect(missing.issues.first?.field == "batch[0].type")
        guard case .failure(let unknown) = try parse(#"{"userId":"u","type":"purchase"}"#, prefix: "batch[1].") else { Issue.record("accepted"); return }
        #expect(unknown.issues.first?.issue == "unknown_value")
    }

    @Test("Identify traits come from traits, else context.traits; text survives exactly")
    func traitsAndText() throws {
        let direct = try parse(#"{"userId":"u","traits":{"name":"Zoë \ud83d\ude80 \u05e9\u05dc\u05d5\u05dd 你好"}}"#, kind: .identify).get()
        #expect(direct.traits["name"] == .string("Zoë 🚀 שלום 你好"))
        let fromContext = try parse(#"{"userId":"u","context":{"traits":{"email":"z@example.com"}}}"#, kind: .identify).get()
        #expect(fromContext.traits["email"] == .string("z@example.com"))
        #expect(JSONValue.object(direct.payload).jsonText().contains("Zoë 🚀 שלום 你好"))
    }

    @Test("A missing messageId is generated; a channel is read from context")
    func generatedIDAndChannel() throws {
        let message = try parse(#"{"anonymousId":"a","name":"Home","context":{"channel":"store"}}"#, kind: .page).get()
        #expect(message.messageID == "generated")
        #expect(message.payload["messageId"] == .string("generated"))
        #expect(message.channel == .store)
        #expect(message.payload["type"] == .string("page"))
    }

    @Test("Messages over 32 KB are refused")
    func sizeLimit() throws {
        let big = String(repeating: "x", count: 33 * 1024)
        guard case .failure(let error) = try parse(#"{"userId":"u","event":"E","properties":{"blob":"\#(big)"}}"#, kind: .track, prefix: "batch[7].") else {
            Issue.record("accepted"); return
        }
        #expect(error.issues.first?.field == "batch[7]")
    }
}

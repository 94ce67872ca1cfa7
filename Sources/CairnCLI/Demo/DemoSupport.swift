import CairnAnalytics
import CairnEngine
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// The server's clock while the demo world is lived: each simulated day the simulator moves it on, so everything the
/// server stamps (when an event arrived, when a case was opened or solved, when a survey was asked) happens on that day.
/// Once the world is loaded it is the wall clock again.
final class DemoClock: Sendable {
    private let simulated = Mutex<Date?>(nil)

    func set(_ date: Date?) { simulated.withLock { $0 = date } }
    var now: Date { simulated.withLock { $0 } ?? Date() }
    var dateSource: DateSource { DateSource { [self] in now } }
}

/// A failure of a request the simulator made, with what the server said.
struct DemoRequestFailure: Error, CustomStringConvertible {
    var method: String
    var path: String
    var status: Int
    var body: String
    var description: String { "\(method) \(path) answered \(status): \(body.prefix(400))" }
}

/// The simulator's side of the real HTTP paths: keep-alive connections to the demo server, JSON in and out, and the
/// credentials each path takes (a source's write key, the management API's secret key, or none for public pages).
final class DemoClient: Sendable {
    enum Credential: Sendable {
        case none
        case writeKey(String)
        case secretKey(String)
    }

    private let connections: [LoadConnection]
    private let next = Atomic<Int>(0)
    let host: String
    let port: Int

    private init(connections: [LoadConnection], host: String, port: Int) {
        self.connections = connections
        self.host = host
        self.port = port
    }

    static func connect(host: String, port: Int, lanes: Int, group: any EventLoopGroup) async throws -> DemoClient {
        var connections: [LoadConnection] = []
        for _ in 0..<lanes { connections.append(try await LoadConnection.connect(host: host, port: port, group: group)) }
        return DemoClient(connections: connections, host: host, port: port)
    }

    var lanes: Int { connections.count }

    func close() async {
        for connection in connections { await connection.close() }
    }

    /// Sends one request on the given lane (each lane is one connection, used by one task at a time).
    func send(lane: Int, _ method: HTTPMethod, _ path: String, credential: Credential = .none, contentType: String = "application/json",
              body: Data? = nil) async throws -> (status: Int, body: Data) {
        var headers: [(String, String)] = [("Content-Type", contentType), ("Accept", "application/json")]
        switch credential {
        case .none: break
        case .writeKey(let key): headers.append(("Authorization", "Basic " + Data("\(key):".utf8).base64EncodedString()))
        case .secretKey(let key): headers.append(("Authorization", "Bearer \(key)"))
        }
        let buffer = body.map { ByteBuffer(bytes: $0) }
        let (status, answer) = try await connections[lane % connections.count].send(method, path, headers: headers, body: buffer)
        return (status, Data(answer.readableBytesView))
    }

    /// A JSON request that must succeed (2xx); answers the parsed body.
    @discardableResult
    func json(lane: Int = 0, _ method: HTTPMethod, _ path: String, credential: Credential, _ body: [String: Any]? = nil) async throws -> [String: Any] {
        let data = try body.map { try JSONSerialization.data(withJSONObject: $0) }
        let (status, answer) = try await send(lane: lane, method, path, credential: credential, body: data)
        guard (200..<300).contains(status) else {
            throw DemoRequestFailure(method: "\(method)", path: path, status: status, body: String(decoding: answer, as: UTF8.self))
        }
        if answer.isEmpty { return [:] }
        return (try? JSONSerialization.jsonObject(with: answer)) as? [String: Any] ?? [:]
    }

    /// A form post (`application/x-www-form-urlencoded`), as a browser sends a survey page.
    func form(lane: Int, _ path: String, _ fields: [(String, String)]) async throws -> (status: Int, body: String) {
        let text = fields.map { "\(Self.formEncode($0.0))=\(Self.formEncode($0.1))" }.joined(separator: "&")
        let (status, answer) = try await send(lane: lane, .POST, path, contentType: "application/x-www-form-urlencoded", body: Data(text.utf8))
        return (status, String(decoding: answer, as: UTF8.self))
    }

    func page(lane: Int, _ path: String) async throws -> (status: Int, body: String) {
        let (status, answer) = try await send(lane: lane, .GET, path, contentType: "text/html")
        return (status, String(decoding: answer, as: UTF8.self))
    }

    static func formEncode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._*")
        return (text.addingPercentEncoding(withAllowedCharacters: allowed) ?? "").replacingOccurrences(of: "%20", with: "+")
    }

    static func queryEncode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    /// Runs `work` for every item, spread over the client's lanes (items of one lane in order).
    func spread<Item: Sendable>(_ items: [Item], _ work: @escaping @Sendable (Int, Item) async throws -> Void) async throws {
        _ = try await spread(collecting: items, work)
    }
}

extension DemoClient {
    /// Runs `work` for every item over the lanes and answers the results in the items' order.
    func spread<Item: Sendable, Result: Sendable>(collecting items: [Item], _ work: @escaping @Sendable (Int, Item) async throws -> Result) async throws -> [Result] {
        guard !items.isEmpty else { return [] }
        let lanes = min(self.lanes, items.count)
        return try await withThrowingTaskGroup(of: [(Int, Result)].self) { group in
            for lane in 0..<lanes {
                group.addTask {
                    var results: [(Int, Result)] = []
                    var index = lane
                    while index < items.count {
                        results.append((index, try await work(lane, items[index])))
                        index += lanes
                    }
                    return results
                }
            }
            var all: [(Int, Result)] = []
            for try await part in group { all += part }
            return all.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }
}

/// Seeded draws for the world: the same seed lives the same world.
struct DemoRandom {
    private var generator: SplitMix64

    init(seed: UInt64) { generator = SplitMix64(seed: seed) }

    mutating func unit() -> Double { Double(generator.next() >> 11) / Double(1 << 53) }
    mutating func chance(_ probability: Double) -> Bool { unit() < probability }
    mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(generator.next() % UInt64(range.count)) }
    mutating func pick<T>(_ values: [T]) -> T { values[Int(generator.next() % UInt64(values.count))] }
    mutating func next() -> UInt64 { generator.next() }

    /// A standard normal draw (Box–Muller).
    mutating func normal() -> Double {
        let u = max(unit(), 1e-12), v = unit()
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }

    /// A draw from `weights` (not necessarily summing to 1).
    mutating func weighted(_ weights: [Double]) -> Int {
        let total = weights.reduce(0, +)
        var target = unit() * total
        for (index, weight) in weights.enumerated() {
            target -= weight
            if target < 0 { return index }
        }
        return weights.count - 1
    }

    mutating func hex(_ length: Int) -> String {
        var text = ""
        while text.count < length { text += String(generator.next(), radix: 16) }
        return String(text.prefix(length))
    }

    mutating func uuid() -> String {
        let a = generator.next(), b = generator.next()
        let bytes: uuid_t = withUnsafeBytes(of: (a, b)) { raw in
            (raw[0], raw[1], raw[2], raw[3], raw[4], raw[5], (raw[6] & 0x0f) | 0x40, raw[7], (raw[8] & 0x3f) | 0x80, raw[9], raw[10], raw[11], raw[12], raw[13], raw[14], raw[15])
        }
        return UUID(uuid: bytes).uuidString.lowercased()
    }
}

/// A one-line progress bar on the terminal (carriage return, no scrolling); quiet when the output is not a terminal
/// except for a line every tenth.
struct DemoProgress {
    let total: Int
    let isTerminal = isatty(STDOUT_FILENO) != 0
    private var shownTenth = -1
    private let started = ContinuousClock.now

    init(total: Int) { self.total = total }

    mutating func show(_ done: Int, _ what: String) {
        let share = total == 0 ? 1 : Double(done) / Double(total)
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        if isTerminal {
            let width = 30, filled = Int(share * Double(width))
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            let line = "\r\(bar) \(String(format: "%3d", Int(share * 100))) %  \(what)  \(Int(seconds)) s"
            FileHandle.standardOutput.write(Data((line.padding(toLength: max(line.count, 100), withPad: " ", startingAt: 0)).utf8))
        } else {
            let tenth = Int(share * 10)
            if tenth != shownTenth {
                shownTenth = tenth
                FileHandle.standardOutput.write(Data("\(tenth * 10) %  \(what)  \(Int(seconds)) s\n".utf8))
            }
        }
    }

    func finish() {
        if isTerminal { FileHandle.standardOutput.write(Data("\n".utf8)) }
    }
}

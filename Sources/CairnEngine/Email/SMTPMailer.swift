import Foundation
import Logging
public import NIOCore
public import NIOPosix
import NIOSSL

/// An email to send: plain text, UTF-8.
public struct EmailMessage: Sendable, Hashable {
    public var to: String
    public var subject: String
    public var body: String
    /// Extra headers, e.g. List-Unsubscribe.
    public var headers: [(String, String)]
    /// The Message-ID to send with (without brackets); nil makes one.
    public var messageID: String?

    public init(to: String, subject: String, body: String, headers: [(String, String)] = [], messageID: String? = nil) {
        self.to = to
        self.subject = subject
        self.body = body
        self.headers = headers
        self.messageID = messageID
    }

    public static func == (a: EmailMessage, b: EmailMessage) -> Bool {
        a.to == b.to && a.subject == b.subject && a.body == b.body && a.headers.map { "\($0.0):\($0.1)" } == b.headers.map { "\($0.0):\($0.1)" }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(to)
        hasher.combine(subject)
    }
}

/// Where Cairn's emails go out: an SMTP server.
public struct SMTPConfiguration: Sendable, Hashable {
    public enum Security: String, Sendable, Hashable, CaseIterable {
        /// Plain SMTP (a relay on the same machine or network).
        case none
        /// Plain first, then TLS after STARTTLS (submission, usually port 587).
        case starttls
        /// TLS from the first byte (usually port 465).
        case tls
    }

    public var host: String
    public var port: Int
    public var security: Security
    public var username: String?
    public var password: String?
    /// The sender, e.g. `Acme Feedback <feedback@acme.example>` or `feedback@acme.example`.
    public var from: String
    /// The name this machine gives in EHLO.
    public var heloName: String

    public init(host: String, port: Int = 25, security: Security = .none, username: String? = nil, password: String? = nil, from: String, heloName: String = "cairn.localhost") {
        self.host = host
        self.port = port
        self.security = security
        self.username = username
        self.password = password
        self.from = from
        self.heloName = heloName
    }

    /// The domain of the sender's address, for Message-IDs.
    public var domain: String { fromAddress.split(separator: "@").last.map(String.init) ?? "cairn.localhost" }

    /// The address inside `from` (`feedback@acme.example` of `Acme <feedback@acme.example>`).
    var fromAddress: String {
        if let open = from.lastIndex(of: "<"), let close = from.lastIndex(of: ">"), open < close { return String(from[from.index(after: open)..<close]) }
        return from
    }
}

public struct SMTPError: Error, CustomStringConvertible {
    public let description: String
}

/// Sends email over SMTP (RFC 5321): EHLO, STARTTLS or TLS when configured, AUTH PLAIN when a user is given, one
/// message per connection. The message is UTF-8 text, base64-encoded (RFC 2045), its subject an encoded word (RFC 2047).
public struct SMTPMailer: Sendable {
    public let configuration: SMTPConfiguration
    let group: any EventLoopGroup

    public init(configuration: SMTPConfiguration, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.configuration = configuration
        self.group = group
    }

    public func send(_ message: EmailMessage) async throws {
        guard Self.isPlainAddress(message.to) else { throw SMTPError(description: "the recipient is not a plain email address") }
        let replies = ReplyStream()
        let configuration = self.configuration
        let tlsContext: NIOSSLContext? = configuration.security == .none ? nil : try NIOSSLContext(configuration: .makeClientConfiguration())
        let channel = try await ClientBootstrap(group: group)
            .connectTimeout(.seconds(10))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if configuration.security == .tls, let tlsContext {
                        try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: tlsContext, serverHostname: configuration.host))
                    }
                    try channel.pipeline.syncOperations.addHandler(SMTPReplyHandler(replies: replies))
                }
            }
            .connect(host: configuration.host, port: configuration.port).get()
        do {
            try await converse(channel, replies: replies, message: message, tlsContext: tlsContext)
            _ = try? await channel.close()
        } catch {
            _ = try? await channel.close()
            throw error
        }
    }

    private func converse(_ channel: any Channel, replies: ReplyStream, message: EmailMessage, tlsContext: NIOSSLContext?) async throws {
        func expect(_ codes: Set<Int>, after command: String?) async throws -> SMTPReply {
            if let command { try await channel.writeAndFlush(ByteBuffer(string: command + "\r\n")) }
            guard let reply = try await replies.next() else { throw SMTPError(description: "the server closed the connection") }
            guard codes.contains(reply.code) else {
                // The command's verb only (never addresses or credentials) goes into the error.
                let verb = command.map { String($0.prefix { $0 != " " && $0 != ":" }) } ?? "greeting"
                throw SMTPError(description: "\(verb): \(reply.code) \(reply.text.prefix(200))")
            }
            return reply
        }
        _ = try await expect([220], after: nil)
        var hello = try await expect([250], after: "EHLO \(configuration.heloName)")
        if configuration.security == .starttls, let tlsContext {
            guard hello.text.uppercased().contains("STARTTLS") else { throw SMTPError(description: "the server does not offer STARTTLS") }
            _ = try await expect([220], after: "STARTTLS")
            try await channel.pipeline.addHandler(try NIOSSLClientHandler(context: tlsContext, serverHostname: configuration.host), position: .first).get()
            hello = try await expect([250], after: "EHLO \(configuration.heloName)")
        }
        if let username = configuration.username, let password = configuration.password {
            let credentials = Data("\u{0}\(username)\u{0}\(password)".utf8).base64EncodedString()
            _ = try await expect([235], after: "AUTH PLAIN \(credentials)")
        }
        _ = try await expect([250], after: "MAIL FROM:<\(configuration.fromAddress)>")
        _ = try await expect([250, 251], after: "RCPT TO:<\(message.to)>")
        _ = try await expect([354], after: "DATA")
        _ = try await expect([250], after: render(message) + "\r\n.")
        _ = try? await expect([221], after: "QUIT")
    }

    /// The message as sent: headers, a blank line, the base64 body (lines of 76); no line starts with a dot.
    func render(_ message: EmailMessage, date: Date = Date()) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        var lines = [
            "From: \(configuration.from)",
            "To: <\(message.to)>",
            "Subject: \(Self.encodedWord(message.subject))",
            "Date: \(formatter.string(from: date))",
            "Message-ID: <\(message.messageID ?? "\(UUID().uuidString.lowercased())@\(configuration.domain)")>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: base64",
        ]
        lines += message.headers.map { "\($0.0): \($0.1)" }
        lines.append("")
        let body = Data(message.body.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n").utf8).base64EncodedString()
        var index = body.startIndex
        while index < body.endIndex {
            let end = body.index(index, offsetBy: 76, limitedBy: body.endIndex) ?? body.endIndex
            lines.append(String(body[index..<end]))
            index = end
        }
        return lines.joined(separator: "\r\n")
    }

    static func encodedWord(_ text: String) -> String {
        let clean = text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        if clean.allSatisfy({ $0.isASCII }) { return clean }
        return "=?UTF-8?B?\(Data(clean.utf8).base64EncodedString())?="
    }

    /// One address, no display name, no characters that could end a command.
    static func isPlainAddress(_ address: String) -> Bool {
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && address.count <= 254
            && !address.contains { $0.isWhitespace || "<>\r\n,;\"".contains($0) || !$0.isASCII }
    }
}

/// One reply of the server: its code and its text (every line of a multi-line reply).
struct SMTPReply: Sendable {
    var code: Int
    var text: String
}

/// The replies read so far, handed to the conversation in order.
final class ReplyStream: Sendable {
    private let stream: AsyncThrowingStream<SMTPReply, any Error>
    let continuation: AsyncThrowingStream<SMTPReply, any Error>.Continuation
    private let iterator: IteratorBox

    final class IteratorBox: @unchecked Sendable {
        // Used by one conversation at a time (each awaits its reply before the next command).
        var iterator: AsyncThrowingStream<SMTPReply, any Error>.AsyncIterator
        init(_ iterator: AsyncThrowingStream<SMTPReply, any Error>.AsyncIterator) { self.iterator = iterator }
    }

    init() {
        (stream, continuation) = AsyncThrowingStream.makeStream(of: SMTPReply.self, throwing: (any Error).self)
        iterator = IteratorBox(stream.makeAsyncIterator())
    }

    func next() async throws -> SMTPReply? {
        try await withThrowingTaskGroup(of: SMTPReply?.self) { group in
            let box = iterator
            group.addTask { try await box.iterator.next() }
            group.addTask {
                try await Task.sleep(for: .seconds(30))
                throw SMTPError(description: "the server did not answer within 30 s")
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }
}

/// Splits what the server sends into replies: lines `250-…` continue a reply, `250 …` ends it.
final class SMTPReplyHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    let replies: ReplyStream
    private var pending = ""
    private var lines: [String] = []

    init(replies: ReplyStream) { self.replies = replies }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        pending += buffer.readString(length: buffer.readableBytes) ?? ""
        while let end = pending.range(of: "\r\n") ?? pending.range(of: "\n") {
            let line = String(pending[..<end.lowerBound])
            pending = String(pending[end.upperBound...])
            guard line.count >= 3, let code = Int(line.prefix(3)) else {
                replies.continuation.finish(throwing: SMTPError(description: "not an SMTP reply"))
                return
            }
            lines.append(String(line.dropFirst(4)))
            if line.count == 3 || line[line.index(line.startIndex, offsetBy: 3)] == " " {
                replies.continuation.yield(SMTPReply(code: code, text: lines.joined(separator: "\n")))
                lines = []
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        replies.continuation.finish()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        replies.continuation.finish(throwing: error)
        context.close(promise: nil)
    }
}

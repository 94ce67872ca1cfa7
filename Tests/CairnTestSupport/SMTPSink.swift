import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A small SMTP server on 127.0.0.1 for tests: it speaks enough RFC 5321 for a client (EHLO, MAIL, RCPT, DATA, QUIT),
/// keeps every message it accepts, and can be told to refuse the next messages with a temporary failure.
public final class SMTPSink: Sendable {
    public struct Message: Sendable {
        public var from: String
        public var to: [String]
        public var data: String

        /// A header's value (first occurrence).
        public func header(_ name: String) -> String? {
            for line in data.components(separatedBy: "\r\n") {
                if line.isEmpty { break }
                if line.lowercased().hasPrefix(name.lowercased() + ":") { return line.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces) }
            }
            return nil
        }

        /// The subject, its encoded word (RFC 2047, base64) decoded.
        public var subject: String {
            let raw = header("Subject") ?? ""
            guard raw.hasPrefix("=?UTF-8?B?"), raw.hasSuffix("?="), let data = Data(base64Encoded: String(raw.dropFirst(10).dropLast(2))) else { return raw }
            return String(decoding: data, as: UTF8.self)
        }

        /// The body, its base64 decoded.
        public var body: String {
            guard let range = data.range(of: "\r\n\r\n") else { return "" }
            let encoded = data[range.upperBound...].replacingOccurrences(of: "\r\n", with: "")
            let text = Data(base64Encoded: encoded).map { String(decoding: $0, as: UTF8.self) } ?? String(data[range.upperBound...])
            return text.replacingOccurrences(of: "\r\n", with: "\n")
        }
    }

    private let state = NIOLockedValueBox<(messages: [Message], refuse: Int)>(([], 0))
    private let channel: any Channel
    public let port: Int

    public var messages: [Message] { state.withLockedValue { $0.messages } }

    /// Refuses the next `count` messages with 451 (after DATA).
    public func refuseNext(_ count: Int) { state.withLockedValue { $0.refuse = count } }

    public static func start() async throws -> SMTPSink {
        let box = NIOLockedValueBox<SMTPSink?>(nil)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandler(Session(sink: { box.withLockedValue { $0! } }))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let sink = SMTPSink(channel: channel)
        box.withLockedValue { $0 = sink }
        return sink
    }

    private init(channel: any Channel) {
        self.channel = channel
        self.port = channel.localAddress?.port ?? 0
    }

    public func stop() async {
        try? await channel.close()
    }

    fileprivate func accept(_ message: Message) -> Bool {
        state.withLockedValue { state in
            if state.refuse > 0 { state.refuse -= 1; return false }
            state.messages.append(message)
            return true
        }
    }

    private final class Session: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let sink: @Sendable () -> SMTPSink
        var pending = ""
        var inData = false
        var message = Message(from: "", to: [], data: "")
        var lines: [String] = []

        init(sink: @escaping @Sendable () -> SMTPSink) { self.sink = sink }

        func channelActive(context: ChannelHandlerContext) {
            reply("220 sink ready", context)
        }

        func reply(_ text: String, _ context: ChannelHandlerContext) {
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: text + "\r\n")), promise: nil)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var buffer = unwrapInboundIn(data)
            pending += buffer.readString(length: buffer.readableBytes) ?? ""
            while let end = pending.range(of: "\r\n") {
                let line = String(pending[..<end.lowerBound])
                pending = String(pending[end.upperBound...])
                handle(line, context)
            }
        }

        func handle(_ line: String, _ context: ChannelHandlerContext) {
            if inData {
                if line == "." {
                    inData = false
                    message.data = lines.joined(separator: "\r\n")
                    lines = []
                    reply(sink().accept(message) ? "250 queued" : "451 try again later", context)
                    message = Message(from: "", to: [], data: "")
                } else {
                    lines.append(line.hasPrefix("..") ? String(line.dropFirst()) : line)
                }
                return
            }
            let upper = line.uppercased()
            if upper.hasPrefix("EHLO") || upper.hasPrefix("HELO") {
                reply("250-sink\r\n250 8BITMIME", context)
            } else if upper.hasPrefix("MAIL FROM:") {
                message.from = String(line.dropFirst(10)).trimmingCharacters(in: CharacterSet(charactersIn: "<> "))
                reply("250 ok", context)
            } else if upper.hasPrefix("RCPT TO:") {
                message.to.append(String(line.dropFirst(8)).trimmingCharacters(in: CharacterSet(charactersIn: "<> ")))
                reply("250 ok", context)
            } else if upper == "DATA" {
                inData = true
                reply("354 end with .", context)
            } else if upper == "QUIT" {
                reply("221 bye", context)
                context.close(promise: nil)
            } else {
                reply("502 not implemented", context)
            }
        }
    }
}

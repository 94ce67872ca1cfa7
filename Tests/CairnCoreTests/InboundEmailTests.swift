import CairnCore
import Foundation
import Testing

/// Emails as mail programs write them (headers and MIME structure after RFC 5322, 2045–2047), read for a case.
@Suite("Inbound email")
struct InboundEmailTests {
    static func parse(_ text: String) throws -> InboundEmail { try InboundEmail.parse(Data(text.replacingOccurrences(of: "\n", with: "\r\n").utf8)) }

    @Test("A multipart reply: quoted-printable text, an encoded subject, a folded References header, the quote cut off, an attachment described")
    func multipartReply() throws {
        let email = try Self.parse("""
        From: =?UTF-8?B?w4RubmUgTcO8bGxlcg==?= <Aenne.Mueller@Example.DE>
        To: service@shop.example
        Subject: Re: Mixer defekt [#12]
        Message-ID: <cafe-1@mail.example.de>
        In-Reply-To: <case-abc@shop.example>
        References: <first@mail.example.de>
         <case-abc@shop.example>
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="outer"

        This is a multi-part message in MIME format.
        --outer
        Content-Type: multipart/alternative; boundary=inner

        --inner
        Content-Type: text/plain; charset=utf-8
        Content-Transfer-Encoding: quoted-printable

        Danke, der Mixer l=C3=A4uft wieder nicht. Gr=C3=BC=C3=9Fe=
         =C3=84nne

        Am 5. Dezember 2026 schrieb Service <service@shop.example>:
        > Bitte probieren Sie es noch einmal.
        --inner
        Content-Type: text/html; charset=utf-8

        <p>Danke, der Mixer läuft wieder nicht.</p>
        --inner--
        --outer
        Content-Type: image/jpeg; name="foto.jpg"
        Content-Disposition: attachment; filename="foto.jpg"
        Content-Transfer-Encoding: base64

        /9j/4AAQSkZJRgABAQ==
        --outer--
        """)
        #expect(email.fromAddress == "aenne.mueller@example.de" && email.fromName == "Änne Müller")
        #expect(email.subject == "Re: Mixer defekt [#12]")
        #expect(email.messageID == "cafe-1@mail.example.de")
        #expect(email.inReplyTo == ["case-abc@shop.example"])
        #expect(email.references == ["first@mail.example.de", "case-abc@shop.example"])
        #expect(email.text == "Danke, der Mixer läuft wieder nicht. Grüße Änne")
        #expect(email.attachments == [CaseMessage.Attachment(name: "foto.jpg", contentType: "image/jpeg", size: 13, url: nil)])
    }

    @Test("Plain emails: base64 Hebrew, a Latin-1 Q-encoded subject, an address without a name, an English quote header")
    func plainEmails() throws {
        let hebrew = try Self.parse("""
        From: dana@example.co.il
        Subject: =?ISO-8859-1?Q?Caf=E9_order?=
        Content-Type: text/plain; charset=UTF-8
        Content-Transfer-Encoding: base64

        \(Data("ההזמנה לא הגיעה\n\nOn Fri, Dec 4, 2026 Shop wrote:\n> Thanks".utf8).base64EncodedString())
        """)
        #expect(hebrew.fromAddress == "dana@example.co.il" && hebrew.fromName == nil)
        #expect(hebrew.subject == "Café order")
        #expect(hebrew.text == "ההזמנה לא הגיעה")
        #expect(hebrew.messageID == nil && hebrew.inReplyTo.isEmpty)
        // Two encoded words in a row join without the space between them (RFC 2047, 6.2).
        #expect(try Self.parse("From: a@b.example\nSubject: =?UTF-8?B?5L2g5aW9?= =?UTF-8?B?5LiW55WM?=\n\nhi").subject == "你好世界")
    }

    @Test("Not an email, or no sender, is refused")
    func refused() {
        #expect(throws: InboundEmail.ParseError.noHeaders) { try Self.parse("just some text without headers") }
        #expect(throws: InboundEmail.ParseError.noSender) { try Self.parse("Subject: hi\n\nbody") }
        #expect(throws: InboundEmail.ParseError.noSender) { try Self.parse("From: nobody\nSubject: hi\n\nbody") }
    }
}

import CairnAnalytics
import Foundation

/// Tracking traffic as a shop's web, app, store and call-centre clients really send it (about 650 bytes a message):
/// 20 % identifies with traits (names in German, Chinese and Hebrew, email, plan, an address object), 80 % tracks with
/// E-commerce v2 names and properties — Product Viewed 34 %, Product Added 14 %, Cart Viewed 8 %, Checkout Started 9 %,
/// Order Completed 15 % (1–5 products, EUR/CNY/ILS), Order Refunded 2 %, Delivery Completed 6 %, Support Case
/// Opened 6 %, Survey Responded 6 % (a score and a comment in the customer's language); context with channel (web
/// 50 %, app 30 %, store 12 %, call centre 8 %), locale, library, and app and device or page. 30 % of messages come
/// from people never seen before; of the rest, 10 % from a returning person's new device (a new anonymous id), and
/// 10 % of tracks carry only an anonymous id. Timestamps are seconds old, 1 % up to an hour late.
struct RealisticTraffic {
    private var random: SplitMix64
    private let runTag: String
    private var people: [Person] = []
    private var message = 0
    private var orders: [(person: Int, id: String, total: Double, currency: String)] = []
    /// Messages from people never seen before, and how many of those people there are.
    private(set) var newPeople = 0

    struct Person {
        var user: String
        var anonymous: [String]
        var language: Int
    }

    init(seed: UInt64, runTag: String) {
        random = SplitMix64(seed: seed)
        self.runTag = runTag
    }

    /// One batch body of `count` messages, timestamped a few seconds before `now`.
    mutating func batch(_ count: Int, now: Date) -> Data {
        var text = #"{"batch":["#
        text.reserveCapacity(count * 720)
        for index in 0..<count {
            if index > 0 { text += "," }
            text += nextMessage(now: now)
        }
        text += #"],"sentAt":""# + iso(now) + #""}"#
        return Data(text.utf8)
    }

    private mutating func roll() -> Double { Double.random(in: 0..<1, using: &random) }
    private mutating func pick<T>(_ values: [T]) -> T { values[Int.random(in: 0..<values.count, using: &random)] }
    private mutating func hex(_ length: Int) -> String {
        var text = ""
        while text.count < length { text += String(random.next(), radix: 16) }
        return String(text.prefix(length))
    }

    private mutating func nextMessage(now: Date) -> String {
        message += 1
        let isNew = people.isEmpty || roll() < 0.30
        var person: Int
        if isNew {
            people.append(Person(user: "\(runTag)-u\(people.count + 1)", anonymous: [UUID(uuid: uuidBytes()).uuidString.lowercased()],
                                 language: Int.random(in: 0..<3, using: &random)))
            person = people.count - 1
            newPeople += 1
        } else {
            person = Int.random(in: 0..<people.count, using: &random)
            if roll() < 0.10 { people[person].anonymous.append(UUID(uuid: uuidBytes()).uuidString.lowercased()) }
        }
        let who = people[person]
        let language = Self.languages[who.language]
        let late = roll() < 0.01 ? Double.random(in: 60...3600, using: &random) : Double.random(in: 0.2...8, using: &random)
        let timestamp = iso(now.addingTimeInterval(-late))
        let channelRoll = roll()
        let channel = channelRoll < 0.50 ? "web" : channelRoll < 0.80 ? "app" : channelRoll < 0.92 ? "store" : "call_center"
        let anonymous = who.anonymous.last!
        var head = #"{"messageId":"\#(runTag)-m\#(message)","timestamp":"\#(timestamp)","#

        if roll() < 0.20 {
            head += #""type":"identify","userId":"\#(who.user)","anonymousId":"\#(anonymous)","#
            let first = pick(language.first), last = pick(language.last)
            let street = pick(language.streets)
            head += #""traits":{"firstName":"\#(first)","lastName":"\#(last)","email":"\#(who.user)@example.\#(language.domain)","#
                + #""plan":"\#(pick(["free", "plus", "premium"]))","#
                + #""address":{"street":"\#(street) \#(Int.random(in: 1...180, using: &random))","city":"\#(pick(language.cities))","#
                + #""postalCode":"\#(Int.random(in: 10000...99999, using: &random))","country":"\#(language.country)"}},"#
            return head + context(channel: channel, language: language, path: "/account") + "}"
        }
        // A track: a tenth only with the person's (anonymous) device.
        let anonymousOnly = roll() < 0.10
        head += anonymousOnly ? #""type":"track","anonymousId":"\#(anonymous)","# : #""type":"track","userId":"\#(who.user)","anonymousId":"\#(anonymous)","#
        let kind = roll()
        let product = Self.products[Int.random(in: 0..<Self.products.count, using: &random)]
        let currency = language.currency
        func productJSON(_ product: (sku: String, name: String, category: String, price: Double), quantity: Int) -> String {
            #"{"product_id":"\#(product.sku)","sku":"\#(product.sku)","name":"\#(product.name)","category":"\#(product.category)","price":\#(money(product.price * language.rate)),"quantity":\#(quantity)}"#
        }
        let event: String, properties: String, path: String
        switch kind {
        case ..<0.34:
            event = "Product Viewed"; path = "/p/\(product.sku)"
            properties = #"{"product_id":"\#(product.sku)","sku":"\#(product.sku)","category":"\#(product.category)","name":"\#(product.name)","#
                + #""variant":"\#(pick(["blue", "black", "green", "sand"]))","price":\#(money(product.price * language.rate)),"currency":"\#(currency)","#
                + #""position":\#(Int.random(in: 1...24, using: &random))}"#
        case ..<0.48:
            event = "Product Added"; path = "/p/\(product.sku)"
            properties = #"{"cart_id":"c-\#(hex(10))","product_id":"\#(product.sku)","sku":"\#(product.sku)","category":"\#(product.category)","name":"\#(product.name)","#
                + #""price":\#(money(product.price * language.rate)),"quantity":\#(Int.random(in: 1...3, using: &random)),"currency":"\#(currency)"}"#
        case ..<0.56:
            event = "Cart Viewed"; path = "/cart"
            properties = #"{"cart_id":"c-\#(hex(10))","products":[\#(productJSON(product, quantity: 1))]}"#
        case ..<0.65:
            event = "Checkout Started"; path = "/checkout"
            properties = #"{"order_id":"o-\#(hex(12))","value":\#(money(product.price * language.rate)),"revenue":\#(money(product.price * language.rate * 0.84)),"#
                + #""shipping":4.9,"tax":\#(money(product.price * language.rate * 0.16)),"currency":"\#(currency)","products":[\#(productJSON(product, quantity: 1))]}"#
        case ..<0.80:
            event = "Order Completed"; path = "/checkout/thanks"
            var lines: [String] = [], subtotal = 0.0
            for _ in 0..<Int.random(in: 1...5, using: &random) {
                let item = Self.products[Int.random(in: 0..<Self.products.count, using: &random)]
                let quantity = Int.random(in: 1...3, using: &random)
                subtotal += item.price * language.rate * Double(quantity)
                lines.append(productJSON(item, quantity: quantity))
            }
            let shipping = 4.9, tax = (subtotal * 0.16 * 100).rounded() / 100
            let order = "o-\(runTag)-\(message)"
            if !anonymousOnly { orders.append((person, order, subtotal + shipping, currency)) }
            properties = #"{"order_id":"\#(order)","revenue":\#(money(subtotal)),"total":\#(money(subtotal + shipping)),"#
                + #""tax":\#(money(tax)),"shipping":\#(shipping),"currency":"\#(currency)","products":[\#(lines.joined(separator: ","))]}"#
        case ..<0.82:
            event = "Order Refunded"; path = "/account/orders"
            let order = orders.isEmpty ? (person: person, id: "o-none", total: 10.0, currency: currency) : orders[Int.random(in: 0..<orders.count, using: &random)]
            properties = #"{"order_id":"\#(order.id)","total":\#(money(order.total)),"currency":"\#(order.currency)","reason":"\#(pick(["damaged", "wrong size", "late"]))"}"#
        case ..<0.88:
            event = "Delivery Completed"; path = "/account/orders"
            properties = #"{"order_id":"o-\#(hex(12))","carrier":"\#(pick(["DHL", "SF Express", "Israel Post"]))","tracking_number":"\#(hex(14).uppercased())","#
                + #""delivered_at":"\#(timestamp)","on_time":\#(roll() < 0.9)}"#
        case ..<0.94:
            event = "Support Case Opened"; path = "/help"
            properties = #"{"case_id":"s-\#(hex(10))","topic":"\#(pick(["delivery", "refund", "product question", "account"]))","priority":"\#(pick(["low", "normal", "high"]))","#
                + #""subject":"\#(pick(language.subjects))"}"#
        default:
            event = "Survey Responded"; path = "/survey"
            let score = Int.random(in: 0...10, using: &random)
            properties = #"{"survey_id":"nps-post-purchase","question":"nps","score":\#(score),"comment":"\#(pick(score >= 7 ? language.praise : language.complaints))","#
                + #""locale":"\#(language.locale)"}"#
        }
        return head + #""event":"\#(event)","properties":\#(properties),"# + context(channel: channel, language: language, path: path) + "}"
    }

    private mutating func context(channel: String, language: Language, path: String) -> String {
        var text = #""context":{"channel":"\#(channel)","locale":"\#(language.locale)","#
        switch channel {
        case "web":
            text += #""library":{"name":"analytics.js","version":"next-1.72.0"},"ip":"203.0.113.\#(Int.random(in: 1...254, using: &random))","#
                + #""userAgent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0.0.0","#
                + #""page":{"path":"\#(path)","referrer":"https://www.example.org/","url":"https://shop.example.com\#(path)"}}"#
        case "app":
            text += #""library":{"name":"analytics-swift","version":"1.7.1"},"app":{"name":"Cairn Shop","version":"5.3.0"},"#
                + #""device":{"id":"\#(hex(16))","manufacturer":"Apple","model":"iPhone16,2","type":"ios"},"os":{"name":"iOS","version":"18.1"},"#
                + #""network":{"wifi":\#(roll() < 0.6)}}"#
        case "store":
            text += #""library":{"name":"analytics-python","version":"2.3.3"},"location":{"store":"\#(pick(language.cities))-\#(Int.random(in: 1...9, using: &random))"},"#
                + #""device":{"id":"pos-\#(Int.random(in: 1...40, using: &random))","type":"pos"}}"#
        default:
            text += #""library":{"name":"analytics-node","version":"2.2.0"},"agent":{"id":"agent-\#(Int.random(in: 1...60, using: &random))","queue":"\#(pick(["orders", "returns"]))"}}"#
        }
        return text
    }

    private mutating func uuidBytes() -> uuid_t {
        let a = random.next(), b = random.next()
        return withUnsafeBytes(of: (a, b)) { raw in
            (raw[0], raw[1], raw[2], raw[3], raw[4], raw[5], (raw[6] & 0x0f) | 0x40, raw[7], (raw[8] & 0x3f) | 0x80, raw[9], raw[10], raw[11], raw[12], raw[13], raw[14], raw[15])
        }
    }

    private func iso(_ date: Date) -> String { date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted)) }
    private func money(_ value: Double) -> String { String(format: "%.2f", value) }

    struct Language {
        var locale: String, currency: String, rate: Double, domain: String, country: String
        var first: [String], last: [String], cities: [String], streets: [String]
        var subjects: [String], praise: [String], complaints: [String]
    }

    static let languages: [Language] = [
        Language(locale: "de-DE", currency: "EUR", rate: 1, domain: "de", country: "DE",
                 first: ["Lukas", "Anna", "Jonas", "Lea", "Felix", "Marie", "Paul", "Sophie", "Maximilian", "Jürgen"],
                 last: ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann"],
                 cities: ["Berlin", "München", "Köln", "Hamburg", "Leipzig"], streets: ["Hauptstraße", "Gartenweg", "Schillerstraße", "Lindenallee"],
                 subjects: ["Paket nicht angekommen", "Rücksendung", "Frage zur Größe"],
                 praise: ["Schnelle Lieferung, alles bestens verpackt.", "Sehr freundlicher Service im Laden, gerne wieder."],
                 complaints: ["Die Lieferung kam drei Tage zu spät und niemand hat sich gemeldet.", "Die Jacke war beschädigt, die Rücksendung dauert ewig."]),
        Language(locale: "zh-CN", currency: "CNY", rate: 7.8, domain: "cn", country: "CN",
                 first: ["伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "杰"], last: ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周"],
                 cities: ["上海", "北京", "广州", "深圳", "成都"], streets: ["南京东路", "长安街", "人民路", "中山路"],
                 subjects: ["包裹没有收到", "申请退货", "尺码问题"],
                 praise: ["物流很快，包装完好，客服态度很好。", "质量不错，和描述一致，下次还会再来。"],
                 complaints: ["快递太慢了，等了一个星期还没到。", "衣服有破损，退款到现在还没有处理。"]),
        Language(locale: "he-IL", currency: "ILS", rate: 4, domain: "co.il", country: "IL",
                 first: ["נועה", "איתי", "מאיה", "יונתן", "תמר", "אורי", "שירה", "דניאל", "רוני", "עומר"],
                 last: ["כהן", "לוי", "מזרחי", "פרץ", "ביטון", "דהן", "אברהם", "פרידמן", "אזולאי", "כץ"],
                 cities: ["תל אביב", "ירושלים", "חיפה", "באר שבע", "נתניה"], streets: ["הרצל", "דיזנגוף", "בן יהודה", "רוטשילד"],
                 subjects: ["החבילה לא הגיעה", "החזרת מוצר", "שאלה על מידה"],
                 praise: ["משלוח מהיר ושירות מצוין, תודה רבה.", "המוצר איכותי ובדיוק כמו בתמונה."],
                 complaints: ["השליח איחר ביומיים ולא ענו לי בטלפון.", "המעיל הגיע פגום וההחזר עוד לא התקבל."]),
    ]

    /// 500 products in 12 categories.
    static let products: [(sku: String, name: String, category: String, price: Double)] = {
        let categories = ["Jackets", "Boots", "Backpacks", "Tents", "Sleeping Bags", "Headlamps", "Gloves", "Socks", "Trousers", "Shirts", "Stoves", "Bottles"]
        var random = SplitMix64(seed: 500)
        return (1...500).map { n in
            let category = categories[n % categories.count]
            return ("SKU-\(10_000 + n)", "\(category.dropLast()) Trail \(n)", category, Double(Int.random(in: 900...34_900, using: &random)) / 100)
        }
    }()
}

import CairnEngine
import Foundation
import Logging
import NIOHTTP1

/// The keys the retailer's systems send with: one write key per source, and the back office's secret key.
struct DemoKeys: Sendable {
    var web = "", app = "", store = "", callCentre = "", delivery = ""
    var secret = ""
}

/// What the simulator keeps of one order it placed.
struct DemoOrder: Sendable {
    var customer: Int
    var reference: String
    var late: Bool
    var defective: Bool
    var totalEUR: Double
}

/// A service contact the simulator will open.
struct DemoCasePlan: Sendable {
    enum Kind: Sendable { case late, defect, question }
    var customer: Int
    var kind: Kind
    var order: String?
}

/// A case that is open and who will solve it when.
struct DemoOpenCase: Sendable {
    var id: String
    var customer: Int
    var kind: DemoCasePlan.Kind
    var order: String?
    var openedDay: Int
    var channel: String
}

/// Lives the retailer day by day for 18 months: customers join, browse, buy on the web, in the app, in stores and by
/// phone; parcels go out and some come late; customers answer surveys on the survey pages and in the app's widget;
/// they write to service by email and chat and call the call centre; agents solve cases; store employees answer
/// pulses. Everything goes through Cairn's HTTP paths; between days the simulator runs the server's own rounds (identity
/// resolution, survey triggers, reading answers, delivery monitor, spikes), which the server would run on its timers.
struct DemoSimulation {
    let size: DemoSize
    let client: DemoClient
    /// The survey pages' own connections (their answering runs beside the day's other traffic).
    let pagesClient: DemoClient
    let clock: DemoClock
    let useCases: UseCases
    let logger: Logger
    let firstDay: Date
    var random: DemoRandom
    var keys = DemoKeys()
    var customers: [DemoCustomer] = []
    var productIDs: [String: String] = [:]
    var storeIDs: [String] = []
    var surveyIDs: [String: String] = [:]
    var orders: [String: DemoOrder] = [:]
    var deliveries: [Int: [String]] = [:]          // day → tracking messages (JSON) of the delivery source
    var deliveredToday: [Int: [(customer: Int, order: String)]] = [:]
    var caseOpenings: [Int: [DemoCasePlan]] = [:]
    var solving: [Int: [DemoOpenCase]] = [:]
    var cesPrompts: [Int: [Int]] = [:]
    var pulseAnswers: [Int: [(path: String, store: Int, language: DemoLanguage)]] = [:]
    var employeeCount = 0
    var employeeStores: [String: Int] = [:]
    var counters: [String: Int] = [:]
    var messageNumber = 0
    /// Where the loading time goes, by phase (shown with CAIRN_DEMO_TIMINGS=1).
    var phases: [String: Duration] = [:]
    var lapStarted = ContinuousClock.now

    mutating func lap(_ phase: String) {
        let now = ContinuousClock.now
        phases[phase, default: .zero] += now - lapStarted
        lapStarted = now
    }

    init(size: DemoSize, seed: UInt64, client: DemoClient, pagesClient: DemoClient, clock: DemoClock, useCases: UseCases, logger: Logger, lastDay: Date) {
        self.size = size
        self.client = client
        self.pagesClient = pagesClient
        self.clock = clock
        self.useCases = useCases
        self.logger = logger
        self.random = DemoRandom(seed: seed)
        self.firstDay = lastDay.addingTimeInterval(-Double(size.days - 1) * 86_400)
    }

    func date(_ day: Int, hour: Double = 0) -> Date { firstDay.addingTimeInterval(Double(day) * 86_400 + hour * 3_600) }
    var campaignStart: Int { size.days - DemoWorld.campaignStartsDaysBeforeEnd }
    func inCampaign(_ day: Int) -> Bool { day >= campaignStart && day < campaignStart + DemoWorld.campaignDays }

    mutating func count(_ what: String, _ by: Int = 1) { counters[what, default: 0] += by }

    // MARK: - The world before the first day

    /// The people: who they are, where they shop, what matters to them, when they join.
    mutating func makeCustomers() {
        customers.reserveCapacity(size.customers)
        for number in 0..<size.customers {
            let language = DemoLanguage.allCases[random.weighted(DemoWorld.countryShares)]
            let firstIndex = random.int(0...(DemoText.firstNames(language).count - 1))
            let lastIndex = random.int(0...(DemoText.lastNames(language).count - 1))
            let stores = DemoWorld.stores.indices.filter { DemoWorld.stores[$0].language == language }
            let store: Int? = random.chance(0.55) ? random.pick(stores) : nil
            // A third are customers already when the period starts; the rest join evenly over it.
            let joinDay = random.chance(0.33) ? 0 : random.int(1...(size.days - 30))
            let sustainabilityFirst = random.chance(language == .german ? 0.42 : 0.06)
            var values: [String]
            if sustainabilityFirst {
                values = ["sustainability", "quality"] + shuffled(["price", "speed", "service"])
            } else {
                let lead = random.pick(["price", "price", "speed", "quality", "service"])
                values = [lead] + shuffled(DemoWorld.valueOptions.filter { $0 != lead && $0 != "sustainability" }) + ["sustainability"]
                if random.chance(0.3) { values.swapAt(3, 4) }
            }
            let userID = "C\(100_000 + number)"
            let email = "\(DemoText.emailLocalPart(firstIndex: firstIndex, lastIndex: lastIndex, language: language)).\(number)@\(language.emailDomain)"
            customers.append(DemoCustomer(number: number, language: language, firstIndex: firstIndex, lastIndex: lastIndex, userID: userID,
                                          anonymousID: random.uuid(), email: email, store: store, loyalty: random.normal(), values: values,
                                          prefersApp: random.chance(language == .chinese ? 0.7 : 0.4), joinDay: joinDay,
                                          consentsToSurveys: random.chance(0.86)))
        }
    }

    private mutating func shuffled(_ values: [String]) -> [String] {
        var values = values
        for index in stride(from: values.count - 1, to: 0, by: -1) { values.swapAt(index, random.int(0...index)) }
        return values
    }

    /// The retailer's setup, through the management API with the back office's secret key.
    mutating func setUp() async throws {
        clock.set(date(0, hour: 7))
        let secret = DemoClient.Credential.secretKey(keys.secret)
        let sources: [(String, String, WritableKeyPath<DemoKeys, String>)] = [
            ("Web shop", "web", \.web), ("Shop app", "app", \.app), ("Store tills", "store", \.store),
            ("Call centre", "call_center", \.callCentre), ("Delivery partners", "delivery", \.delivery),
        ]
        for (name, channel, path) in sources {
            let source = try await client.json(.POST, "/api/v1/sources", credential: secret, ["name": name, "defaultChannel": channel])
            let key = try await client.json(.POST, "/api/v1/keys", credential: secret, ["kind": "write", "name": name, "source": source["id"] as? String ?? ""])
            keys[keyPath: path] = key["token"] as? String ?? ""
        }
        for product in DemoWorld.products {
            let made = try await client.json(.POST, "/api/v1/products", credential: secret,
                                             ["sku": product.sku, "name": product.name, "category": product.category, "price": String(format: "%.2f", product.price), "currency": "EUR"])
            productIDs[product.sku] = made["id"] as? String
        }
        for store in DemoWorld.stores {
            let made = try await client.json(.POST, "/api/v1/stores", credential: secret,
                                             ["code": store.code, "name": store.name, "city": store.city, "country": store.language.country,
                                              "location": ["latitude": store.latitude, "longitude": store.longitude]])
            storeIDs.append(made["id"] as? String ?? "")
        }
        // Employees: each store's team, named in the store's language.
        for (index, store) in DemoWorld.stores.enumerated() {
            for _ in 0..<size.employeesPerStore {
                let first = random.int(0...(DemoText.firstNames(store.language).count - 1)), last = random.int(0...(DemoText.lastNames(store.language).count - 1))
                let name = DemoText.fullName(first: DemoText.firstNames(store.language)[first], last: DemoText.lastNames(store.language)[last], language: store.language)
                employeeCount += 1
                let email = "\(DemoText.emailLocalPart(firstIndex: first, lastIndex: last, language: store.language)).e\(employeeCount)@staff.example"
                let made = try await client.json(.POST, "/api/v1/employees", credential: secret, ["name": name, "email": email, "storeId": storeIDs[index]])
                if let id = made["id"] as? String { employeeStores[id] = index }
            }
        }
        // Surveys from the templates, published; the two that follow events are triggered into the app's widget.
        for template in ["relationship_nps", "post_delivery_csat", "post_contact_ces", "customer_values"] {
            let survey = try await client.json(.POST, "/api/v1/surveys", credential: secret, ["template": template])
            let id = survey["id"] as? String ?? ""
            surveyIDs[template] = id
            try await client.json(.POST, "/api/v1/surveys/\(id)/status", credential: secret, ["status": "published"])
        }
        try await client.json(.PUT, "/api/v1/surveys/\(surveyIDs["post_delivery_csat"]!)/triggers", credential: secret,
                              ["triggers": [["event": "Order Delivered", "action": "show", "delayMinutes": 30, "samplePercent": 100]]])
        try await client.json(.PUT, "/api/v1/surveys/\(surveyIDs["post_contact_ces"]!)/triggers", credential: secret,
                              ["triggers": [["event": "Support Case Solved", "action": "show", "delayMinutes": 60, "samplePercent": 100]]])
        try await client.json(.PUT, "/api/v1/survey-contact-settings", credential: secret, ["recontactDays": 7])
        try await client.json(.PUT, "/api/v1/service-settings", credential: secret,
                              ["costPerContact": ["email": "4.50", "chat": "3.20", "phone": "6.80", "store": "2.50", "web": "3.00"], "currency": "EUR"])
        try await client.json(.PUT, "/api/v1/roi/costs", credential: secret,
                              ["currency": "EUR", "programmes": [["name": "Customer care team", "annualCost": "420000"],
                                                                  ["name": "Survey and insight programme", "annualCost": "38000"],
                                                                  ["name": "Express delivery upgrade", "annualCost": "95000"]]])
        for article in DemoText.articles {
            try await client.json(.POST, "/api/v1/kb-articles", credential: secret, ["language": article.language, "title": article.title, "body": article.body])
        }
    }

    // MARK: - One day

    /// Lives one day: what customers do, what service does, what is asked and answered, then the server's rounds.
    mutating func live(day: Int) async throws {
        clock.set(date(day, hour: 21.5))
        lapStarted = ContinuousClock.now
        var bySource: [String: [String]] = ["web": [], "app": [], "store": [], "call_center": [], "delivery": deliveries.removeValue(forKey: day) ?? []]
        let season = Self.season(date(day))
        for index in customers.indices {
            guard customers[index].active(on: day) else { continue }
            var customer = customers[index]
            if day == customer.joinDay {
                bySource[customer.prefersApp ? "app" : "web", default: []].append(identify(customer, day: day))
            }
            // Leaving: loyal customers stay; a late parcel or a broken headlamp makes leaving likelier (effects 1, 2, 4).
            var hazard = 0.00105 * exp(-0.6 * customer.loyalty)
            if customer.hadLate(within: 90, of: day) { hazard *= 4 }
            if customer.hadDefect(within: 45, of: day) { hazard *= 2 }
            if customer.isTroubledStore { hazard *= 1.3 }
            if day > customer.joinDay + 20, random.chance(hazard) {
                customer.churnedOn = day
                customers[index] = customer
                continue
            }
            let appeal = exp(0.38 * customer.loyalty) * season
            let campaignBoost = inCampaign(day) ? 0.011 : 0
            if random.chance(0.0052 * appeal + campaignBoost) {
                let (messages, order) = onlineOrder(&customer, index: index, day: day)
                bySource[customer.prefersApp ? "app" : "web", default: []].append(contentsOf: messages)
                orders[order.reference] = order
            } else if random.chance(0.025 * appeal) {
                bySource[customer.prefersApp ? "app" : "web", default: []].append(contentsOf: browse(customer, day: day))
            }
            if let store = customer.store, random.chance(0.0028 * appeal) {
                bySource["store", default: []].append(storeOrder(&customer, store: store, day: day))
            }
            if random.chance(0.0006 * appeal) {
                bySource["call_center", default: []].append(phoneOrder(&customer, day: day))
            }
            if random.chance(0.0004) { caseOpenings[day, default: []].append(DemoCasePlan(customer: index, kind: .question, order: nil)) }
            customers[index] = customer
        }
        if day == campaignStart {
            try await client.json(.POST, "/api/v1/campaigns", credential: .secretKey(keys.secret),
                                  ["name": DemoWorld.campaignName, "startedAt": Self.iso(date(day, hour: 8))])
        }
        lap("customers decide")
        // Today's survey-page invitations are answered beside the day's traffic, on connections of their own.
        let invitations = try await chooseInvitations(day: day)
        let pagesClient = self.pagesClient, secret = keys.secret
        async let pageAnswers = Self.answer(invitations, client: pagesClient, secret: secret)
        lap("survey pages")
        try await sendTracking(bySource, day: day)
        lap("tracking API")
        try await openCases(day: day)
        try await solveCases(day: day)
        lap("service")
        // One resolution a day ties the day's events (and yesterday's answers and solved cases) to their customers;
        // the triggers they start are due by evening.
        try await resolveEverything()
        lap("identity resolution")
        _ = try await useCases.triggers.processDue(limit: 100_000)
        lap("survey triggers")
        try await answerPrompts(day: day)
        lap("widget answers")
        count("pageAnswers", try await pageAnswers)
        lap("survey pages")
        try await runPulses(day: day)
        lap("pulses")
        while try await useCases.reading.readWaiting(limit: 500) > 0 {}
        lap("reading answers")
        _ = try await useCases.deliveries.emitAlertsInEveryWorkspace()
        lap("delivery monitor")
        _ = try await useCases.spikes.scan()
        lap("spike watch")
    }

    static func season(_ date: Date) -> Double {
        switch Calendar(identifier: .gregorian).component(.month, from: date) {
        case 11: 1.35
        case 12: 1.7
        case 1, 2: 0.8
        case 5, 6, 7: 1.15
        default: 1
        }
    }

    /// Runs identity resolution until nothing waits (the server's background resolver does the same on its timer).
    func resolveEverything() async throws {
        while try await useCases.resolver.resolveStep(limit: 2_000).resolved > 0 {}
    }

    // MARK: - Tracking messages

    mutating func nextMessageID() -> String {
        messageNumber += 1
        return "demo-\(messageNumber)"
    }

    func timestamp(_ day: Int, _ hour: Double) -> String { Self.iso(date(day, hour: hour)) }

    /// `2026-03-08T14:05:00.000Z` (UTC, milliseconds), written directly: the simulator stamps a million of them.
    static func iso(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        let millis = Int((date.timeIntervalSince1970 - Double(seconds)) * 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let ms = millis < 10 ? "00\(millis)" : millis < 100 ? "0\(millis)" : "\(millis)"
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)).\(ms)Z"
    }

    /// JSON text of the simulator's messages (strings, numbers, booleans, objects and arrays of them), written
    /// directly rather than through JSONSerialization, which costs more than the server's whole ingestion here.
    static func json(_ value: Any) -> String {
        var text = ""
        text.reserveCapacity(600)
        write(value, into: &text)
        return text
    }

    private static func write(_ value: Any, into text: inout String) {
        switch value {
        case let string as String: writeString(string, into: &text)
        case let bool as Bool: text += bool ? "true" : "false"
        case let int as Int: text += String(int)
        case let double as Double:
            text += double == double.rounded() && abs(double) < 1e15 ? String(Int(double)) : String(format: "%.2f", double)
        case let object as [String: Any]:
            text += "{"
            var first = true
            for (key, member) in object {
                if !first { text += "," }
                first = false
                writeString(key, into: &text)
                text += ":"
                write(member, into: &text)
            }
            text += "}"
        case let array as [Any]:
            text += "["
            for (index, member) in array.enumerated() {
                if index > 0 { text += "," }
                write(member, into: &text)
            }
            text += "]"
        default: text += "null"
        }
    }

    private static func writeString(_ string: String, into text: inout String) {
        text += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            default:
                if scalar.value < 0x20 { text += String(format: "\\u%04x", scalar.value) } else { text.unicodeScalars.append(scalar) }
            }
        }
        text += "\""
    }

    func context(_ customer: DemoCustomer, channel: String, path: String? = nil, campaign: Bool = false) -> [String: Any] {
        var context: [String: Any] = ["channel": channel, "locale": customer.language.locale]
        switch channel {
        case "app":
            context["library"] = ["name": "analytics-swift", "version": "1.7.1"]
            context["app"] = ["name": "Trailhead", "version": "6.2.0"]
            context["device"] = ["type": customer.number % 3 == 0 ? "android" : "ios"]
        case "web":
            context["library"] = ["name": "analytics.js", "version": "next-1.72.0"]
            if let path { context["page"] = ["path": path, "url": "https://shop.trailhead.example\(path)"] }
        case "store":
            context["library"] = ["name": "analytics-python", "version": "2.3.3"]
        case "delivery":
            context["library"] = ["name": "analytics-node", "version": "2.2.0"]
        default:
            context["library"] = ["name": "analytics-node", "version": "2.2.0"]
        }
        if campaign { context["campaign"] = ["name": DemoWorld.campaignName, "source": "newsletter", "medium": "email"] }
        return context
    }

    mutating func identify(_ customer: DemoCustomer, day: Int) -> String {
        let first = DemoText.firstNames(customer.language)[customer.firstIndex], last = DemoText.lastNames(customer.language)[customer.lastIndex]
        var traits: [String: Any] = [
            "firstName": first, "lastName": last, "name": customer.name, "email": customer.email,
            "country": customer.language.country, "language": customer.language.code,
            "city": customer.store.map { DemoWorld.stores[$0].city } ?? DemoWorld.cities(customer.language)[customer.number % DemoWorld.cities(customer.language).count],
            "street": "\(DemoText.streets(customer.language)[customer.number % DemoText.streets(customer.language).count]) \(1 + customer.number % 120)",
        ]
        if let store = customer.store { traits["store"] = DemoWorld.stores[store].code }
        var context = self.context(customer, channel: customer.prefersApp ? "app" : "web", path: "/account")
        context["consent"] = ["categoryPreferences": ["surveys": customer.consentsToSurveys, "analytics": true, "marketing_email": customer.number % 4 != 0]]
        let message: [String: Any] = ["type": "identify", "messageId": nextMessageID(), "timestamp": timestamp(day, 9 + Double(customer.number % 10)),
                                      "userId": customer.userID, "anonymousId": customer.anonymousID, "traits": traits, "context": context]
        return Self.json(message)
    }

    func track(_ customer: DemoCustomer, _ event: String, _ properties: [String: Any], day: Int, hour: Double, channel: String, id: String,
               path: String? = nil, campaign: Bool = false) -> String {
        Self.json(["type": "track", "messageId": id, "timestamp": timestamp(day, hour), "userId": customer.userID, "anonymousId": customer.anonymousID,
                   "event": event, "properties": properties, "context": context(customer, channel: channel, path: path, campaign: campaign)])
    }

    mutating func pickProducts(_ customer: DemoCustomer, day: Int) -> [DemoWorld.Product] {
        var products: [DemoWorld.Product] = []
        // The headlamp is the shop's favourite add-on; the campaign pushes it to most buyers.
        if random.chance(inCampaign(day) ? 0.8 : 0.35) { products.append(DemoWorld.products.first { $0.sku == DemoWorld.defectiveSKU }!) }
        for _ in 0..<random.int(products.isEmpty ? 1...3 : 0...1) {
            var product = random.pick(DemoWorld.products)
            // Those who care about sustainability buy the lasting gear: jackets, boots, packs.
            if customer.values.first == "sustainability", random.chance(0.5) { product = random.pick(Array(DemoWorld.products.prefix(10))) }
            if !products.contains(where: { $0.sku == product.sku }) { products.append(product) }
        }
        return products
    }

    func lines(_ products: [DemoWorld.Product], customer: DemoCustomer) -> [[String: Any]] {
        products.map { ["product_id": $0.sku, "sku": $0.sku, "name": $0.name, "category": $0.category,
                        "price": DemoWorld.price($0, in: customer.language), "quantity": 1] }
    }

    mutating func onlineOrder(_ customer: inout DemoCustomer, index: Int, day: Int) -> ([String], DemoOrder) {
        let channel = customer.prefersApp ? "app" : "web"
        let products = pickProducts(customer, day: day)
        let campaign = inCampaign(day)
        let hour = 9 + Double(random.int(0...11)) + Double(random.int(0...59)) / 60
        var messages: [String] = []
        for (offset, product) in products.enumerated() {
            messages.append(track(customer, "Product Viewed", ["product_id": product.sku, "sku": product.sku, "name": product.name, "category": product.category,
                                                                "price": DemoWorld.price(product, in: customer.language), "currency": customer.language.currency],
                                  day: day, hour: hour + Double(offset) * 0.05, channel: channel, id: nextMessageID(), path: "/p/\(product.sku)", campaign: campaign))
        }
        messages.append(track(customer, "Product Added", ["product_id": products[0].sku, "sku": products[0].sku, "quantity": 1,
                                                           "price": DemoWorld.price(products[0], in: customer.language)],
                              day: day, hour: hour + 0.2, channel: channel, id: nextMessageID(), path: "/cart", campaign: campaign))
        let subtotal = products.reduce(0) { $0 + DemoWorld.price($1, in: customer.language) }
        let shipping = customer.language == .chinese ? 0 : customer.language == .hebrew ? 19.9 : 4.9
        count("orders")
        let reference = "W\(200_000 + counters["orders", default: 0])"
        messages.append(track(customer, "Checkout Started", ["order_id": reference, "value": subtotal, "currency": customer.language.currency],
                              day: day, hour: hour + 0.25, channel: channel, id: nextMessageID(), path: "/checkout", campaign: campaign))
        messages.append(track(customer, "Order Completed", ["order_id": reference, "revenue": subtotal, "total": subtotal + shipping, "shipping": shipping,
                                                             "currency": customer.language.currency, "products": lines(products, customer: customer)],
                              day: day, hour: hour + 0.3, channel: channel, id: nextMessageID(), path: "/checkout/thanks", campaign: campaign))
        let totalEUR = products.reduce(0) { $0 + $1.price }
        customer.spendEUR += totalEUR

        // The parcel: shipped the next day, promised within the carrier's days; some come late (effect 1).
        let carrier = DemoWorld.carrier(for: customer.language)
        let shipped = day + 1, promisedDay = shipped + carrier.promisedDays
        let lateChance = customer.language == .english ? 0.15 : 0.08
        let late = random.chance(lateChance)
        let deliveredDay = late ? promisedDay + random.int(1...5) : shipped + random.int(1...carrier.promisedDays)
        let tracking = "\(carrier.name.prefix(2).uppercased())\(random.hex(10).uppercased())"
        if shipped < size.days {
            deliveries[shipped, default: []].append(track(customer, "Order Shipped", ["order_id": reference, "carrier": carrier.name, "tracking_number": tracking,
                                                                                       "promised_at": Self.iso(date(promisedDay, hour: 20))],
                                                          day: shipped, hour: 10, channel: "delivery", id: nextMessageID()))
        }
        if deliveredDay < size.days {
            deliveries[deliveredDay, default: []].append(track(customer, "Order Delivered", ["order_id": reference, "tracking_number": tracking, "carrier": carrier.name],
                                                               day: deliveredDay, hour: 14 + Double(random.int(0...4)), channel: "delivery", id: nextMessageID()))
            deliveredToday[deliveredDay, default: []].append((index, reference))
        }
        if late {
            customer.lateDays.append(deliveredDay)
            // Some ask where their parcel is, the day after it was promised.
            if random.chance(0.35), promisedDay + 1 < size.days {
                caseOpenings[promisedDay + 1, default: []].append(DemoCasePlan(customer: index, kind: .late, order: reference))
            }
        }
        // The headlamp's switch is its weak point (about one in six fail); the bad batch sold in the campaign fails far
        // more often (effect 2).
        let defective = products.contains { $0.sku == DemoWorld.defectiveSKU } && random.chance(campaign ? 0.5 : 0.18)
        if defective {
            let failure = deliveredDay + random.int(3...12)
            customer.defectDay = failure
            if random.chance(0.8), failure < size.days {
                caseOpenings[failure, default: []].append(DemoCasePlan(customer: index, kind: .defect, order: reference))
            }
        }
        return (messages, DemoOrder(customer: index, reference: reference, late: late, defective: defective, totalEUR: totalEUR))
    }

    /// A visit without buying: the app opened or a search, then a product or two looked at.
    mutating func browse(_ customer: DemoCustomer, day: Int) -> [String] {
        let product = random.pick(DemoWorld.products)
        let channel = customer.prefersApp ? "app" : "web"
        let hour = 8 + Double(random.int(0...13))
        var messages: [String] = []
        if customer.prefersApp {
            messages.append(track(customer, "Application Opened", ["version": "6.2.0", "from_background": random.chance(0.6)], day: day, hour: hour, channel: channel, id: nextMessageID()))
        } else if random.chance(0.5) {
            messages.append(track(customer, "Products Searched", ["query": product.category.lowercased()], day: day, hour: hour, channel: channel, id: nextMessageID(), path: "/search"))
        }
        messages.append(track(customer, "Product Viewed", ["product_id": product.sku, "sku": product.sku, "name": product.name, "category": product.category,
                                                           "price": DemoWorld.price(product, in: customer.language), "currency": customer.language.currency],
                              day: day, hour: hour + 0.02, channel: channel, id: nextMessageID(), path: "/p/\(product.sku)"))
        // A few who like what they got say so: a review, or a friend told.
        if customer.loyalty > 0.8, random.chance(0.08) {
            messages.append(track(customer, random.chance(0.6) ? "Product Reviewed" : "Referral Sent", ["product_id": product.sku, "rating": 5],
                                  day: day, hour: hour + 0.05, channel: channel, id: nextMessageID()))
        }
        return messages
    }

    mutating func storeOrder(_ customer: inout DemoCustomer, store: Int, day: Int) -> String {
        let products = Array(pickProducts(customer, day: day).prefix(2))
        count("storeOrders")
        let reference = "S\(300_000 + counters["storeOrders", default: 0])"
        let subtotal = products.reduce(0) { $0 + DemoWorld.price($1, in: customer.language) }
        customer.spendEUR += products.reduce(0) { $0 + $1.price }
        return track(customer, "Order Completed", ["order_id": reference, "revenue": subtotal, "total": subtotal, "currency": customer.language.currency,
                                                   "store": DemoWorld.stores[store].code, "products": lines(products, customer: customer)],
                     day: day, hour: 10 + Double(random.int(0...8)), channel: "store", id: nextMessageID())
    }

    mutating func phoneOrder(_ customer: inout DemoCustomer, day: Int) -> String {
        let products = Array(pickProducts(customer, day: day).prefix(1))
        count("phoneOrders")
        let reference = "P\(400_000 + counters["phoneOrders", default: 0])"
        let subtotal = products.reduce(0) { $0 + DemoWorld.price($1, in: customer.language) }
        customer.spendEUR += products.reduce(0) { $0 + $1.price }
        return track(customer, "Order Completed", ["order_id": reference, "revenue": subtotal, "total": subtotal, "currency": customer.language.currency,
                                                   "products": lines(products, customer: customer)],
                     day: day, hour: 11 + Double(random.int(0...6)), channel: "call_center", id: nextMessageID())
    }

    /// Each source's messages in batches of 200, as the libraries send them.
    mutating func sendTracking(_ bySource: [String: [String]], day: Int) async throws {
        var batches: [(key: String, body: Data)] = []
        let sentAt = Self.iso(clock.now)
        for (source, messages) in bySource.sorted(by: { $0.key < $1.key }) where !messages.isEmpty {
            let key: String = switch source {
            case "web": keys.web
            case "app": keys.app
            case "store": keys.store
            case "call_center": keys.callCentre
            default: keys.delivery
            }
            for start in stride(from: 0, to: messages.count, by: 200) {
                let slice = messages[start..<min(start + 200, messages.count)]
                batches.append((key, Data(("{\"batch\":[" + slice.joined(separator: ",") + "],\"sentAt\":\"\(sentAt)\"}").utf8)))
            }
            count("events", messages.count)
        }
        let client = self.client
        try await client.spread(batches) { lane, batch in
            let (status, answer) = try await client.send(lane: lane, .POST, "/v1/batch", credential: .writeKey(batch.key), body: batch.body)
            guard status == 200 else { throw DemoRequestFailure(method: "POST", path: "/v1/batch", status: status, body: String(decoding: answer, as: UTF8.self)) }
        }
    }

    // MARK: - Service

    /// Opens the day's cases: by email (to the service mailbox), by chat (the widget) or by phone (an agent in the
    /// console, through the management API).
    mutating func openCases(day: Int) async throws {
        guard let plans = caseOpenings.removeValue(forKey: day) else { return }
        try await ensureProfiles(plans.map(\.customer))
        struct Opening: Sendable { var plan: DemoCasePlan; var channel: String; var customer: DemoCustomer; var subject: String; var message: String; var messageID: String; var productID: String? }
        var openings: [Opening] = []
        for plan in plans {
            var customer = customers[plan.customer]
            guard customer.churnedOn == nil || plan.kind != .question else { continue }
            let (subjects, messages): (CommentKind, CommentKind) = switch plan.kind {
            case .late: (.caseLateSubject, .caseLateMessage)
            case .defect: (.caseDefectSubject, .caseDefectMessage)
            case .question: (.caseQuestionSubject, .caseQuestionMessage)
            }
            let roll = random.unit()
            let channel = roll < 0.5 ? "email" : roll < 0.75 ? "chat" : "phone"
            customer.caseDays.append(day)
            customers[plan.customer] = customer
            openings.append(Opening(plan: plan, channel: channel, customer: customer,
                                    subject: random.pick(DemoText.comments(subjects, customer.language)),
                                    message: random.pick(DemoText.comments(messages, customer.language)),
                                    messageID: "<\(random.uuid())@mail.\(customer.language.emailDomain)>",
                                    productID: plan.kind == .defect ? productIDs[DemoWorld.defectiveSKU] : nil))
        }
        let client = self.client, keys = self.keys, sentAt = clock.now
        let opened = try await client.spread(collecting: openings) { lane, opening -> DemoOpenCase? in
            let customer = opening.customer
            switch opening.channel {
            case "email":
                let mail = DemoSimulation.email(from: customer, subject: opening.subject, body: opening.message, messageID: opening.messageID, at: sentAt)
                let (status, answer) = try await client.send(lane: lane, .POST, "/api/v1/email/inbound", credential: .secretKey(keys.secret), contentType: "message/rfc822", body: mail)
                guard (200..<300).contains(status) else { throw DemoRequestFailure(method: "POST", path: "/api/v1/email/inbound", status: status, body: String(decoding: answer, as: UTF8.self)) }
                let fields = (try? JSONSerialization.jsonObject(with: answer)) as? [String: Any]
                guard let id = fields?["caseID"] as? String ?? fields?["caseId"] as? String else { return nil }
                try await DemoSimulation.triage(id, opening.productID, client: client, lane: lane, secret: keys.secret)
                return DemoOpenCase(id: id, customer: opening.plan.customer, kind: opening.plan.kind, order: opening.plan.order, openedDay: 0, channel: "email")
            case "chat":
                let started = try await client.json(lane: lane, .POST, "/v1/chat/conversations", credential: .writeKey(keys.web),
                                                    ["message": opening.message, "language": customer.language.code, "name": customer.name, "email": customer.email])
                let view = started["view"] as? [String: Any]
                guard let id = view?["conversationId"] as? String else { return nil }
                try await DemoSimulation.triage(id, opening.productID, client: client, lane: lane, secret: keys.secret)
                return DemoOpenCase(id: id, customer: opening.plan.customer, kind: opening.plan.kind, order: opening.plan.order, openedDay: 0, channel: "chat")
            default:
                guard let profile = customer.profileID else { return nil }
                var body: [String: Any] = ["profileId": profile, "channel": "phone", "subject": opening.subject, "message": opening.message,
                                           "language": customer.language.code]
                if let product = opening.productID { body["productId"] = product }
                let made = try await client.json(lane: lane, .POST, "/api/v1/cases", credential: .secretKey(keys.secret), body)
                guard let id = made["id"] as? String else { return nil }
                return DemoOpenCase(id: id, customer: opening.plan.customer, kind: opening.plan.kind, order: opening.plan.order, openedDay: 0, channel: "phone")
            }
        }
        for var item in opened.compactMap({ $0 }) {
            item.openedDay = day
            count("cases")
            // Agents take one to three days; a broken headlamp takes longer to sort out.
            let after = item.kind == .defect ? random.int(2...4) : random.int(1...3)
            if day + after < size.days { solving[day + after, default: []].append(item) }
        }
    }

    /// Agents answer and solve the cases due today; a broken headlamp is refunded.
    mutating func solveCases(day: Int) async throws {
        guard let due = solving.removeValue(forKey: day) else { return }
        struct Solving: Sendable { var open: DemoOpenCase; var reply: String }
        var work: [Solving] = []
        var refunds: [String] = []
        for open in due {
            let customer = customers[open.customer]
            if open.kind == .defect, let reference = open.order, random.chance(0.6), let order = orders[reference] {
                let product = DemoWorld.products.first { $0.sku == DemoWorld.defectiveSKU }!
                refunds.append(track(customer, "Order Refunded", ["order_id": order.reference, "total": DemoWorld.price(product, in: customer.language),
                                                                   "currency": customer.language.currency, "reason": "defective"],
                                     day: day, hour: 11, channel: "call_center", id: nextMessageID()))
            }
            work.append(Solving(open: open, reply: random.pick(DemoText.comments(.agentReply, customer.language))))
            cesPrompts[day + 1, default: []].append(open.customer)
        }
        let client = self.client, secret = DemoClient.Credential.secretKey(keys.secret)
        try await client.spread(work) { lane, item in
            try await client.json(lane: lane, .POST, "/api/v1/cases/\(item.open.id)/messages", credential: secret, ["body": item.reply])
            var change: [String: Any] = ["status": "solved"]
            if item.open.kind == .late { change["tags"] = ["late-delivery"] }
            try await client.json(lane: lane, .PATCH, "/api/v1/cases/\(item.open.id)", credential: secret, change)
        }
        count("solved", work.count)
        if !refunds.isEmpty { try await sendTracking(["call_center": refunds], day: day) }
    }

    /// The agent who reads a new case names the product it is about.
    static func triage(_ id: String, _ product: String?, client: DemoClient, lane: Int, secret: String) async throws {
        guard let product else { return }
        try await client.json(lane: lane, .PATCH, "/api/v1/cases/\(id)", credential: .secretKey(secret), ["productId": product, "tags": ["product-quality"]])
    }

    static func email(from customer: DemoCustomer, subject: String, body: String, messageID: String, at date: Date) -> Data {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        let encodedSubject = "=?UTF-8?B?\(Data(subject.utf8).base64EncodedString())?="
        let encodedName = "=?UTF-8?B?\(Data(customer.name.utf8).base64EncodedString())?="
        let text = """
        From: \(encodedName) <\(customer.email)>\r
        To: service@trailhead.example\r
        Subject: \(encodedSubject)\r
        Message-ID: \(messageID)\r
        Date: \(formatter.string(from: date))\r
        MIME-Version: 1.0\r
        Content-Type: text/plain; charset=utf-8\r
        Content-Transfer-Encoding: base64\r
        \r
        \(Data(body.utf8).base64EncodedString(options: .lineLength76Characters))\r

        """
        return Data(text.utf8)
    }
}

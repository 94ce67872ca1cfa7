import Foundation

/// How large a world `cairn demo` lives.
struct DemoSize: Sendable {
    var name: String
    var customers: Int
    var employeesPerStore: Int
    var days = 548

    static let small = DemoSize(name: "small", customers: 3_000, employeesPerStore: 10)
    static let standard = DemoSize(name: "standard", customers: 50_000, employeesPerStore: 14)

    static func named(_ text: String) -> DemoSize? {
        switch text {
        case "small": .small
        case "standard", "default": .standard
        default: nil
        }
    }
}

/// The retailer: an outdoor-gear chain with a web shop, an app, a call centre and eight stores in Germany, China,
/// Israel and the US. Everything here is fixed; what customers do is drawn from the seed.
enum DemoWorld {
    struct Store: Sendable {
        var code: String
        var name: String
        var city: String
        var language: DemoLanguage
        var latitude: Double
        var longitude: Double
    }

    static let stores: [Store] = [
        Store(code: "berlin-mitte", name: "Berlin Mitte", city: "Berlin", language: .german, latitude: 52.5200, longitude: 13.4050),
        Store(code: "muenchen-marienplatz", name: "München Marienplatz", city: "München", language: .german, latitude: 48.1374, longitude: 11.5755),
        Store(code: "hamburg-hafencity", name: "Hamburg HafenCity", city: "Hamburg", language: .german, latitude: 53.5413, longitude: 9.9841),
        Store(code: "shanghai-jingan", name: "上海静安", city: "上海", language: .chinese, latitude: 31.2235, longitude: 121.4454),
        Store(code: "beijing-sanlitun", name: "北京三里屯", city: "北京", language: .chinese, latitude: 39.9365, longitude: 116.4477),
        Store(code: "tel-aviv-dizengoff", name: "תל אביב דיזנגוף", city: "תל אביב", language: .hebrew, latitude: 32.0809, longitude: 34.7806),
        Store(code: "new-york-soho", name: "New York SoHo", city: "New York", language: .english, latitude: 40.7233, longitude: -74.0030),
        Store(code: "chicago-loop", name: "Chicago Loop", city: "Chicago", language: .english, latitude: 41.8837, longitude: -87.6289),
    ]

    /// The store whose team is unhappy (planted effect 3).
    static let troubledStore = "hamburg-hafencity"

    struct Product: Sendable {
        var sku: String
        var name: String
        var category: String
        var price: Double // EUR
    }

    static let products: [Product] = [
        Product(sku: "JK-100", name: "Fjell rain jacket", category: "Jackets", price: 189),
        Product(sku: "JK-110", name: "Alpine down jacket", category: "Jackets", price: 249),
        Product(sku: "JK-120", name: "Trail softshell", category: "Jackets", price: 129),
        Product(sku: "JK-130", name: "Urban parka", category: "Jackets", price: 219),
        Product(sku: "BT-200", name: "Ridge hiking boots", category: "Boots", price: 159),
        Product(sku: "BT-210", name: "Summit mountaineering boots", category: "Boots", price: 279),
        Product(sku: "BT-220", name: "Trail runners", category: "Boots", price: 119),
        Product(sku: "BP-300", name: "Daypack 22", category: "Backpacks", price: 79),
        Product(sku: "BP-310", name: "Trekking pack 55", category: "Backpacks", price: 189),
        Product(sku: "BP-320", name: "City commuter pack", category: "Backpacks", price: 69),
        Product(sku: "TN-400", name: "Two-person dome tent", category: "Tents", price: 299),
        Product(sku: "TN-410", name: "Ultralight tarp", category: "Tents", price: 119),
        Product(sku: "SB-500", name: "Three-season sleeping bag", category: "Sleeping bags", price: 149),
        Product(sku: "SB-510", name: "Winter sleeping bag", category: "Sleeping bags", price: 259),
        Product(sku: "HL-200", name: "Trailblazer headlamp", category: "Lights", price: 49),
        Product(sku: "HL-210", name: "Camp lantern", category: "Lights", price: 39),
        Product(sku: "GL-600", name: "Merino gloves", category: "Accessories", price: 35),
        Product(sku: "SK-610", name: "Hiking socks, 3 pairs", category: "Accessories", price: 29),
        Product(sku: "BT-620", name: "Steel bottle 1 l", category: "Accessories", price: 27),
        Product(sku: "ST-700", name: "Camping stove", category: "Cooking", price: 69),
        Product(sku: "ST-710", name: "Titanium pot set", category: "Cooking", price: 59),
        Product(sku: "TR-800", name: "Trekking trousers", category: "Clothing", price: 89),
        Product(sku: "SH-810", name: "Merino shirt", category: "Clothing", price: 65),
        Product(sku: "SH-820", name: "Fleece pullover", category: "Clothing", price: 75),
    ]

    /// The headlamp of the bad batch sold in the winter campaign (planted effect 2).
    static let defectiveSKU = "HL-200"

    /// Prices in each customer's currency (a fixed rate, rounded to whole units and .90).
    static func price(_ product: Product, in language: DemoLanguage) -> Double {
        switch language {
        case .german: product.price
        case .chinese: (product.price * 7.8).rounded()
        case .hebrew: (product.price * 4).rounded() - 0.1
        case .english: (product.price * 1.08).rounded() - 0.01
        }
    }

    /// Cities customers without a home store live in.
    static func cities(_ language: DemoLanguage) -> [String] {
        switch language {
        case .german: ["Köln", "Frankfurt am Main", "Stuttgart", "Leipzig", "Dresden", "Bremen", "Hannover", "Nürnberg"]
        case .chinese: ["广州", "深圳", "成都", "杭州", "南京", "武汉", "西安", "重庆"]
        case .hebrew: ["ירושלים", "חיפה", "באר שבע", "נתניה", "ראשון לציון", "פתח תקווה", "אשדוד", "רחובות"]
        case .english: ["Boston", "Seattle", "Austin", "Denver", "Atlanta", "Portland", "San Diego", "Philadelphia"]
        }
    }

    /// Share of customers per country (de, zh, he, en).
    static let countryShares: [Double] = [0.36, 0.22, 0.14, 0.28]

    /// Carriers per country and how many days they promise.
    static func carrier(for language: DemoLanguage) -> (name: String, promisedDays: Int) {
        switch language {
        case .german: ("Paketblitz", 3)
        case .chinese: ("Dongfang Express", 4)
        case .hebrew: ("Shaliach Mahir", 4)
        case .english: ("Coastline Parcel", 4)
        }
    }

    /// The five things the values survey puts in order, and who puts what first.
    static let valueOptions = ["price", "sustainability", "speed", "quality", "service"]

    /// The winter campaign: when it starts (days before the end) and how long it runs.
    static let campaignName = "Winter night sale"
    static let campaignStartsDaysBeforeEnd = 34
    static let campaignDays = 24
}

/// One simulated customer and what the simulator remembers of them.
struct DemoCustomer: Sendable {
    let number: Int
    let language: DemoLanguage
    let firstIndex: Int
    let lastIndex: Int
    let userID: String
    let anonymousID: String
    let email: String
    let store: Int?
    /// How attached they are (standard normal): promoters buy more and stay longer (planted effect 4).
    let loyalty: Double
    /// What matters to them, most important first (planted effect 5: the sustainability-first are mostly German).
    let values: [String]
    let prefersApp: Bool
    let joinDay: Int
    let consentsToSurveys: Bool

    var churnedOn: Int?
    var profileID: String?
    var lateDays: [Int] = []
    var caseDays: [Int] = []
    var defectDay: Int?
    var spendEUR = 0.0
    var lastNPSAsked = -1_000
    var valuesAsked = false

    var name: String {
        DemoText.fullName(first: DemoText.firstNames(language)[firstIndex], last: DemoText.lastNames(language)[lastIndex], language: language)
    }

    func active(on day: Int) -> Bool { day >= joinDay && churnedOn == nil }
    func hadLate(within days: Int, of day: Int) -> Bool { lateDays.contains { day - $0 >= 0 && day - $0 <= days } }
    func hadCase(within days: Int, of day: Int) -> Bool { caseDays.contains { day - $0 >= 0 && day - $0 <= days } }
    func hadDefect(within days: Int, of day: Int) -> Bool { defectDay.map { day - $0 >= 0 && day - $0 <= days } ?? false }
    var isTroubledStore: Bool { store.map { DemoWorld.stores[$0].code == DemoWorld.troubledStore } ?? false }
}

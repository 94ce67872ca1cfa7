public import Foundation

/// Personas found from what customers say matters to them (a values-ranking question) and how they buy: the clusters,
/// how their number was chosen, how stable they are, and what each is like.
public struct PersonaModel: Sendable, Hashable, Codable {
    public struct Candidate: Sendable, Hashable, Codable {
        public var k: Int
        public var silhouette: Double
        public init(k: Int, silhouette: Double) {
            self.k = k
            self.silhouette = silhouette
        }
    }

    /// The number of personas: the k with the highest mean silhouette among `candidates`.
    public var k: Int
    public var candidates: [Candidate]
    /// Bootstrap stability: the mean adjusted Rand index between the clustering and resamples' (with its 2.5th and
    /// 97.5th percentiles).
    public var stability: Double
    public var stabilityLower: Double
    public var stabilityUpper: Double
    /// Customers with a values answer (clustered), and customers placed by their behaviour alone.
    public var clustered: Int
    public var assignedByBehaviour: Int
    /// The values ranked (option ids of the ranking question) and the features, in the order of the centroids.
    public var values: [String]
    public var features: [String]
    public var personas: [Persona]
    public var computedAt: Date

    public init(k: Int, candidates: [Candidate], stability: Double, stabilityLower: Double, stabilityUpper: Double, clustered: Int, assignedByBehaviour: Int,
                values: [String], features: [String], personas: [Persona], computedAt: Date) {
        self.k = k
        self.candidates = candidates
        self.stability = stability
        self.stabilityLower = stabilityLower
        self.stabilityUpper = stabilityUpper
        self.clustered = clustered
        self.assignedByBehaviour = assignedByBehaviour
        self.values = values
        self.features = features
        self.personas = personas
        self.computedAt = computedAt
    }

    /// At least this many customers must have answered the values question before personas are looked for.
    public static let minimumAnswers = 20
}

/// One persona: named by the values its members rank highest, described by who they are and how they feel and buy.
public struct Persona: Sendable, Hashable, Codable {
    public struct Share: Sendable, Hashable, Codable {
        public var name: String
        public var share: Double
        public init(name: String, share: Double) {
            self.name = name
            self.share = share
        }
    }

    /// Stable while the same values lead: the leading values joined with "-" (e.g. `sustainability-quality`).
    public var key: String
    /// The two values its members rank highest on average, first the highest.
    public var leadingValues: [String]
    /// Each value's mean score among members (1 ranked first … 0 ranked last).
    public var valueScores: [String: Double]
    /// Members among the clustered customers, their share of them, and all members (with those placed by behaviour).
    public var clustered: Int
    public var share: Double
    public var members: Int
    /// Members' latest NPS answers, with the interval.
    public var nps: NPSFigure?
    /// Mean 12-month customer value of scored members (minor units of `currency`) with a 95 % interval.
    public var meanValueMinor: Int64?
    public var valueLowerMinor: Int64?
    public var valueUpperMinor: Int64?
    public var currency: String?
    /// Orders a year and spend per order (mean, in the main currency's major units) of members.
    public var ordersPerYear: Double
    /// Share of members' orders by channel, and of their units by category (largest first).
    public var channels: [Share]
    public var categories: [Share]
    /// The topics of members' comments, most frequent first, with how many comments named each.
    public var topics: [Share]
    /// The languages members answered surveys in (each member's latest answer), most frequent first; missing in
    /// models computed before it was kept.
    public var languages: [Share]?

    public init(key: String, leadingValues: [String], valueScores: [String: Double], clustered: Int, share: Double, members: Int, nps: NPSFigure?,
                meanValueMinor: Int64?, valueLowerMinor: Int64?, valueUpperMinor: Int64?, currency: String?, ordersPerYear: Double,
                channels: [Share], categories: [Share], topics: [Share], languages: [Share]? = nil) {
        self.key = key
        self.leadingValues = leadingValues
        self.valueScores = valueScores
        self.clustered = clustered
        self.share = share
        self.members = members
        self.nps = nps
        self.meanValueMinor = meanValueMinor
        self.valueLowerMinor = valueLowerMinor
        self.valueUpperMinor = valueUpperMinor
        self.currency = currency
        self.ordersPerYear = ordersPerYear
        self.channels = channels
        self.categories = categories
        self.topics = topics
        self.languages = languages
    }
}

/// An NPS with its 95 % interval, as a persona card shows it.
public struct NPSFigure: Sendable, Hashable, Codable {
    public var score: Double
    public var lower: Double
    public var upper: Double
    public var n: Int
    public init(score: Double, lower: Double, upper: Double, n: Int) {
        self.score = score
        self.lower = lower
        self.upper = upper
        self.n = n
    }
}

/// The values a values-ranking question usually offers, with their names in the interface.
public enum CustomerValueOption: String, Sendable, CaseIterable {
    case price, sustainability, speed, quality, service, choice
}

public import Foundation

/// Where a customer's lifetime value places them among the workspace's scored customers: the top 10 %, the next 20 %,
/// the next 30 %, the rest. Routing and service-level conditions can match on it.
public enum ValueTier: String, Sendable, Hashable, Codable, CaseIterable {
    case top, high, medium, low

    public static func validate(_ text: String, field: String = "tier") throws(ValidationError) -> ValueTier {
        guard let tier = ValueTier(rawValue: text.trimmingCharacters(in: .whitespaces).lowercased()) else {
            throw ValidationError(field: field, issue: .unknownValue(allowed: allCases.map(\.rawValue)), hint: "Choose top, high, medium or low.")
        }
        return tier
    }
}

/// One customer's value as last computed: what they bought (repeat purchases x, the last at t_x days after the first,
/// observed T days), what the models expect of them, and their discounted value over the horizon with its interval.
public struct CustomerValueScore: Sendable, Hashable, Codable {
    public var profileID: ProfileID
    public var repeatPurchases: Int
    public var recencyDays: Int
    public var ageDays: Int
    public var expected90: Double
    public var expected365: Double
    public var probabilityAlive: Double
    /// Mean spend per purchase Gamma-Gamma expects of them.
    public var meanSpend: Money
    public var value: Money
    public var lower: Money
    public var upper: Money
    public var tier: ValueTier
    /// The chance of no purchase in the next 90 days (nil until a churn model could be trained), and the features that
    /// raise it most (``ChurnFeature`` names), largest first.
    public var churnRisk: Double?
    public var churnReasons: [String]
    public var computedAt: Date

    public init(profileID: ProfileID, repeatPurchases: Int, recencyDays: Int, ageDays: Int, expected90: Double, expected365: Double,
                probabilityAlive: Double, meanSpend: Money, value: Money, lower: Money, upper: Money, tier: ValueTier,
                churnRisk: Double? = nil, churnReasons: [String] = [], computedAt: Date) {
        self.churnRisk = churnRisk
        self.churnReasons = churnReasons
        self.profileID = profileID
        self.repeatPurchases = repeatPurchases
        self.recencyDays = recencyDays
        self.ageDays = ageDays
        self.expected90 = expected90
        self.expected365 = expected365
        self.probabilityAlive = probabilityAlive
        self.meanSpend = meanSpend
        self.value = value
        self.lower = lower
        self.upper = upper
        self.tier = tier
        self.computedAt = computedAt
    }
}

/// What the last value computation fitted and how well it predicted: kept per workspace beside the scores.
public struct ValueModelSummary: Sendable, Hashable, Codable {
    public struct Parameter: Sendable, Hashable, Codable {
        public var name: String
        public var value: Double
        public var standardError: Double?
        public init(name: String, value: Double, standardError: Double?) {
            self.name = name
            self.value = value
            self.standardError = standardError
        }
    }

    /// The calibration/holdout check: the models fitted on purchases up to `holdoutDays` before the computation,
    /// customers grouped by their repeat purchases then, each group's predicted and actual purchases since.
    public struct Holdout: Sendable, Hashable, Codable {
        public struct Group: Sendable, Hashable, Codable {
            public var repeatPurchases: Int
            public var orMore: Bool
            public var customers: Int
            public var predicted: Double
            public var actual: Double
            public init(repeatPurchases: Int, orMore: Bool, customers: Int, predicted: Double, actual: Double) {
                self.repeatPurchases = repeatPurchases
                self.orMore = orMore
                self.customers = customers
                self.predicted = predicted
                self.actual = actual
            }
        }
        public var holdoutDays: Int
        public var groups: [Group]
        public var meanAbsoluteError: Double
        /// Total predicted and actual purchases over the holdout.
        public var predictedTotal: Double
        public var actualTotal: Double
        public init(holdoutDays: Int, groups: [Group], meanAbsoluteError: Double, predictedTotal: Double, actualTotal: Double) {
            self.holdoutDays = holdoutDays
            self.groups = groups
            self.meanAbsoluteError = meanAbsoluteError
            self.predictedTotal = predictedTotal
            self.actualTotal = actualTotal
        }
    }

    public var computedAt: Date
    public var currency: Currency
    public var customers: Int
    public var repeatCustomers: Int
    /// Customers left out because they refused analytics (or, where it asks first, never agreed).
    public var withoutConsent: Int
    public var purchaseModel: [Parameter]
    public var purchaseLogLikelihood: Double
    public var spendModel: [Parameter]
    public var horizonMonths: Int
    public var annualDiscount: Double
    /// `draws` or `delta` (``CairnAnalytics``'s ValueScoring).
    public var intervalMethod: String
    /// Value thresholds (lowest value in the tier), top first.
    public var tierFloors: [Money]
    public var totalValue: Money
    public var holdout: Holdout?
    public var churn: Churn?
    public var retention: Retention?
    public var seconds: Double

    /// Subscription-style retention by monthly cohort: a month's purchase is a renewal, the first month without one
    /// the end; the shifted-beta-geometric model fitted on all the cohorts together.
    public struct Retention: Sendable, Hashable, Codable {
        public struct Cohort: Sendable, Hashable, Codable {
            public var start: Date
            /// Customers at the start, then those who renewed through each complete month.
            public var active: [Int]
            /// What the model expects of them for the same months and six more.
            public var expected: [Double]
            public init(start: Date, active: [Int], expected: [Double]) {
                self.start = start
                self.active = active
                self.expected = expected
            }
        }
        public var alpha: Double
        public var beta: Double
        public var standardErrors: [Double]?
        public var cohorts: [Cohort]
        /// The model's retention rate in months 1…12 of a subscription, and the share left after 12.
        public var retentionByMonth: [Double]
        public var survivalAfter12: Double
        public init(alpha: Double, beta: Double, standardErrors: [Double]?, cohorts: [Cohort], retentionByMonth: [Double], survivalAfter12: Double) {
            self.alpha = alpha
            self.beta = beta
            self.standardErrors = standardErrors
            self.cohorts = cohorts
            self.retentionByMonth = retentionByMonth
            self.survivalAfter12 = survivalAfter12
        }
    }

    /// The retail churn model (no purchase in the next `horizonDays`), tested on a later cut-off than it was trained on.
    public struct Churn: Sendable, Hashable, Codable {
        public struct Bin: Sendable, Hashable, Codable {
            public var customers: Int
            public var predicted: Double
            public var observed: Double
            public init(customers: Int, predicted: Double, observed: Double) {
                self.customers = customers
                self.predicted = predicted
                self.observed = observed
            }
        }
        public var horizonDays: Int
        public var trainingCustomers: Int
        public var testCustomers: Int
        /// The share of the test customers who did not buy.
        public var baseRate: Double
        public var auc: Double?
        public var liftTopDecile: Double?
        public var calibration: [Bin]
        /// Per feature, its coefficient on the standardised scale (log-odds per standard deviation).
        public var coefficients: [ValueModelSummary.Parameter]
        public var scored: Int
        public init(horizonDays: Int, trainingCustomers: Int, testCustomers: Int, baseRate: Double, auc: Double?, liftTopDecile: Double?,
                    calibration: [Bin], coefficients: [ValueModelSummary.Parameter], scored: Int) {
            self.horizonDays = horizonDays
            self.trainingCustomers = trainingCustomers
            self.testCustomers = testCustomers
            self.baseRate = baseRate
            self.auc = auc
            self.liftTopDecile = liftTopDecile
            self.calibration = calibration
            self.coefficients = coefficients
            self.scored = scored
        }
    }

    public init(computedAt: Date, currency: Currency, customers: Int, repeatCustomers: Int, withoutConsent: Int, purchaseModel: [Parameter],
                purchaseLogLikelihood: Double, spendModel: [Parameter], horizonMonths: Int, annualDiscount: Double, intervalMethod: String,
                tierFloors: [Money], totalValue: Money, holdout: Holdout?, retention: Retention? = nil, churn: Churn? = nil, seconds: Double) {
        self.retention = retention
        self.churn = churn
        self.computedAt = computedAt
        self.currency = currency
        self.customers = customers
        self.repeatCustomers = repeatCustomers
        self.withoutConsent = withoutConsent
        self.purchaseModel = purchaseModel
        self.purchaseLogLikelihood = purchaseLogLikelihood
        self.spendModel = spendModel
        self.horizonMonths = horizonMonths
        self.annualDiscount = annualDiscount
        self.intervalMethod = intervalMethod
        self.tierFloors = tierFloors
        self.totalValue = totalValue
        self.holdout = holdout
        self.seconds = seconds
    }
}

/// The money behind CX, computed with each value computation (``ValueModelSummary``), money in its currency's major
/// units: revenue at risk, what CX changes would keep, and what respondents of each NPS group went on to do.
public struct ReturnSummary: Sendable, Hashable, Codable {
    public struct Group: Sendable, Hashable, Codable {
        /// `detractors`, `late_deliveries` or `open_cases`.
        public var key: String
        public var customers: Int
        public var value: Double
        public var expectedLoss: Double
        /// The members with the largest expected loss first (at most 200).
        public var members: [ProfileID]
        public init(key: String, customers: Int, value: Double, expectedLoss: Double, members: [ProfileID]) {
            self.key = key
            self.customers = customers
            self.value = value
            self.expectedLoss = expectedLoss
            self.members = members
        }
    }

    public struct Scenario: Sendable, Hashable, Codable {
        /// `halve_late_deliveries`, `resolve_cases` or `detractors_to_passives`.
        public var key: String
        public var customers: Int
        public var retained: Double
        public var lower: Double
        public var upper: Double
        public init(key: String, customers: Int, retained: Double, lower: Double, upper: Double) {
            self.key = key
            self.customers = customers
            self.retained = retained
            self.lower = lower
            self.upper = upper
        }
    }

    public struct Cohort: Sendable, Hashable, Codable {
        /// `promoters`, `passives` or `detractors`.
        public var key: String
        public var respondents: Int
        public var meanSpend: Double?
        public var spendLower: Double?
        public var spendUpper: Double?
        public var retention: Double?
        public var retentionLower: Double?
        public var retentionUpper: Double?
        public init(key: String, respondents: Int, meanSpend: Double?, spendLower: Double?, spendUpper: Double?, retention: Double?,
                    retentionLower: Double?, retentionUpper: Double?) {
            self.key = key
            self.respondents = respondents
            self.meanSpend = meanSpend
            self.spendLower = spendLower
            self.spendUpper = spendUpper
            self.retention = retention
            self.retentionLower = retentionLower
            self.retentionUpper = retentionUpper
        }
    }

    /// A difference of mean spend per respondent over the window (to − from) with Welch's interval.
    public struct Move: Sendable, Hashable, Codable {
        public var key: String
        public var perCustomer: Double
        public var lower: Double
        public var upper: Double
        public init(key: String, perCustomer: Double, lower: Double, upper: Double) {
            self.key = key
            self.perCustomer = perCustomer
            self.lower = lower
            self.upper = upper
        }
    }

    public var currency: Currency
    public var horizonMonths: Int
    public var groups: [Group]
    public var scenarios: [Scenario]
    /// Respondents whose answer is at least `cohortDays` old, and what they did in the `cohortDays` after.
    public var cohortDays: Int
    public var cohorts: [Cohort]
    public var moves: [Move]
    /// Customers whose latest NPS answer is a detractor's.
    public var detractorsNow: Int

    public init(currency: Currency, horizonMonths: Int, groups: [Group], scenarios: [Scenario], cohortDays: Int, cohorts: [Cohort], moves: [Move],
                detractorsNow: Int) {
        self.currency = currency
        self.horizonMonths = horizonMonths
        self.groups = groups
        self.scenarios = scenarios
        self.cohortDays = cohortDays
        self.cohorts = cohorts
        self.moves = moves
        self.detractorsNow = detractorsNow
    }
}

/// What CX programmes cost, entered by the workspace, each with its yearly cost (the cost of a service contact is the
/// service settings' cost per contact by channel).
public struct CXCosts: Sendable, Hashable, Codable {
    public struct Programme: Sendable, Hashable, Codable {
        public var name: String
        public var annualCost: Money
        public init(name: String, annualCost: Money) {
            self.name = name
            self.annualCost = annualCost
        }
    }
    public var programmes: [Programme]
    public init(programmes: [Programme]) {
        self.programmes = programmes
    }
}

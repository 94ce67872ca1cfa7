import CairnCore
public import CairnStore
import Foundation
public import Logging

/// Every use case of Cairn over one store, made once by the composition root (the CLI, or a test) and handed to the
/// server. The server reaches the data only through these, by name; the store stays inside the engine.
public struct UseCases: Sendable {
    public let clock: DateSource
    public let authenticator: Authenticator
    public let administration: Administration
    public let firstRun: FirstRun
    public let ingestor: Ingestor
    public let resolver: IdentityResolver
    public let records: CustomerRecords
    public let ledger: ConsentLedger
    public let erasure: Erasure
    public let catalogue: Catalogue
    public let orders: Orders
    public let deliveries: Deliveries
    public let unitsSold: UnitsSoldReport
    public let surveys: Surveys
    public let results: SurveyResults
    public let answering: SurveyAnswering
    public let reading: ResponseReading
    public let emails: SurveyEmails
    public let triggers: SurveyTriggers
    public let alerts: FeedbackAlerts
    public let webhooks: Webhooks
    public let cases: Cases
    public let caseEmails: CaseEmails
    public let serviceReport: ServiceReport
    public let spikes: ServiceSpikes
    public let chat: LiveChat
    public let serviceSetup: ServiceSetup
    public let funnels: Funnels
    public let paths: JourneyPaths
    public let keyDrivers: KeyDrivers
    public let scorecard: TouchpointScorecard
    public let underperformance: Underperformance
    public let morning: MorningFigures
    public let journeyMaps: JourneyMaps
    /// Every event tied to a customer, in memory, for funnels, active people and journey maps.
    public let eventColumns: EventColumns
    public let activePeople: ActivePeople
    public let customerValues: CustomerValues
    public let revenueForecasts: RevenueForecasts
    public let segments: Segments
    public let personas: Personas
    public let offers: Offers
    public let directory: Directory
    public let pulses: Pulses
    public let frontLine: FrontLine
    /// Wakes the escalation timer after a change to a case's deadlines (set by the server's timer).
    public let deadlineSignal = DeadlineSignal()
    private let store: Store

    /// - Parameters:
    ///   - mailer: where survey emails go out; nil sends none.
    ///   - linkBase: the address links in emails point at.
    ///   - handlers: the capabilities offered every batch of resolved events.
    ///   - webhookAllowPrivate: deliver webhooks to loopback and private addresses too (tests, receivers on the same network).
    public init(store: Store, access: AccessConfiguration = .init(), mailer: SMTPConfiguration? = nil, linkBase: String = "http://127.0.0.1:8080",
                webhookAllowPrivate: Bool = false, handlers: [any ResolvedEventHandler] = ResolvedEventHandlers.standard, clock: DateSource = .system,
                logger: Logger) {
        self.store = store
        self.clock = clock
        authenticator = Authenticator(store: store, configuration: access, clock: clock, logger: logger)
        administration = Administration(store: store, passwordHasher: access.passwordHasher, clock: clock, logger: logger)
        firstRun = FirstRun(store: store, passwordHasher: access.passwordHasher, clock: clock)
        ingestor = Ingestor(store: store, clock: clock, logger: logger)
        resolver = IdentityResolver(store: store, clock: clock, handlers: handlers, logger: logger)
        records = CustomerRecords(store: store, clock: clock)
        ledger = ConsentLedger(store: store, clock: clock)
        erasure = Erasure(store: store, clock: clock)
        catalogue = Catalogue(store: store, clock: clock)
        orders = Orders(store: store, clock: clock)
        deliveries = Deliveries(store: store, clock: clock)
        unitsSold = UnitsSoldReport(store: store)
        surveys = Surveys(store: store, clock: clock)
        results = SurveyResults(store: store, clock: clock)
        answering = SurveyAnswering(store: store, clock: clock)
        reading = ResponseReading(store: store)
        emails = SurveyEmails(store: store, clock: clock, mailer: mailer.map { SMTPMailer(configuration: $0) }, publicURL: linkBase, logger: logger)
        triggers = SurveyTriggers(store: store, clock: clock, emails: emails, logger: logger)
        alerts = FeedbackAlerts(store: store, clock: clock)
        webhooks = Webhooks(store: store, clock: clock, allowPrivateAddresses: webhookAllowPrivate)
        let signal = deadlineSignal
        cases = Cases(store: store, clock: clock, logger: logger, mailDomain: mailer?.domain ?? "cairn.localhost", deadlinesChanged: { signal.notify() })
        caseEmails = CaseEmails(store: store, clock: clock, mailer: mailer.map { SMTPMailer(configuration: $0) }, logger: logger, deadlinesChanged: { signal.notify() })
        serviceReport = ServiceReport(store: store, clock: clock)
        spikes = ServiceSpikes(store: store, clock: clock)
        eventColumns = EventColumns(store: store)
        funnels = Funnels(store: store, clock: clock, columns: eventColumns)
        paths = JourneyPaths(store: store, clock: clock)
        keyDrivers = KeyDrivers(store: store, clock: clock)
        scorecard = TouchpointScorecard(store: store, clock: clock)
        underperformance = Underperformance(store: store, funnels: funnels, clock: clock)
        morning = MorningFigures(store: store, clock: clock)
        journeyMaps = JourneyMaps(store: store, clock: clock, columns: eventColumns)
        activePeople = ActivePeople(store: store, clock: clock, columns: eventColumns)
        customerValues = CustomerValues(store: store, clock: clock)
        revenueForecasts = RevenueForecasts(store: store, clock: clock)
        segments = Segments(store: store, columns: eventColumns, clock: clock)
        personas = Personas(store: store, clock: clock)
        offers = Offers(store: store, clock: clock)
        directory = Directory(store: store, clock: clock)
        pulses = Pulses(store: store, clock: clock)
        frontLine = FrontLine(store: store, clock: clock)
        chat = LiveChat(store: store, clock: clock, bot: KnowledgeBot(store: store, clock: clock, offers: offers), deadlinesChanged: { signal.notify() })
        serviceSetup = ServiceSetup(store: store, clock: clock, deadlinesChanged: { signal.notify() })
    }

    /// The database engine's name ("sqlite" or "postgres"), for readiness and the operations metrics.
    public var databaseEngine: String { store.engine.rawValue }

    /// Where the database lives, safe for logs.
    public var databaseLocation: String { store.location.description }

    /// Answers when the database does (readiness).
    public func pingDatabase() async throws {
        try await store.ping()
    }

    /// Closes the database's connections, last of all when the server stops.
    public func closeDatabase() async throws {
        try await store.shutdown()
    }
}

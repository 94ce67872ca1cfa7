import CairnCore
public import CairnEngine
import Foundation
import HTTPTypes
public import Hummingbird
public import Logging
public import NIOCore
import ServiceLifecycle

/// Everything the HTTP server needs to know, built once from flags, environment and defaults.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// The address people reach Cairn at; `https://…` turns on `Secure` cookies and HSTS.
    public var publicURL: String?
    public var access: AccessConfiguration
    public var version: String
    /// Survey answers accepted per address and link in 10 minutes (the flood limit of the survey page and widget).
    public var answersPerAddress: Int
    /// Reverse proxies whose `X-Forwarded-For` tells the client's address (`--trusted-proxy`).
    public var trustedProxies: [AddressRange]

    public init(host: String = "127.0.0.1", port: Int = 8080, publicURL: String? = nil, access: AccessConfiguration = .init(), version: String = CairnVersion.current,
                answersPerAddress: Int = 60, trustedProxies: [AddressRange] = []) {
        self.trustedProxies = trustedProxies
        self.host = host
        self.port = port
        self.publicURL = publicURL
        self.access = access
        self.version = version
        self.answersPerAddress = answersPerAddress
    }

    var secureCookies: Bool { publicURL?.lowercased().hasPrefix("https://") ?? false }

    /// The address links in emails point at: the public URL, else this server's own address.
    public var linkBase: String { publicURL ?? "http://\(host):\(port)" }
}

public enum CairnVersion {
    public static let current = "0.1.0"
}

/// Builds the router with all controllers and middleware over the engine's use cases. Tests use it with
/// `app.test(.router)`.
public func buildRouter(configuration: ServerConfiguration, useCases u: UseCases, logger: Logger) async throws -> Router<CairnRequestContext> {
    let renderer = try await WebRenderer(catalogue: try MessageCatalogue.bundled())
    CairnMetrics.publishInfo(version: configuration.version, engine: u.databaseEngine)

    let router = Router(context: CairnRequestContext.self)
    let routeTable = RouteTable()
    router.add(middleware: RequestIDMiddleware())
    router.add(middleware: TrustedProxyMiddleware(proxies: configuration.trustedProxies))
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: SecurityHeadersMiddleware())
    router.add(middleware: PublicCORSMiddleware())
    router.add(middleware: ProblemMiddleware(renderer: renderer, routes: routeTable))
    router.add(middleware: AuthenticationMiddleware(authenticator: u.authenticator, secureCookies: configuration.secureCookies))

    let tracking = TrackingController(authenticator: u.authenticator, ingestor: u.ingestor)
    tracking.addRoutes(to: router)
    let answerLimiter = SubmissionLimiter(limit: configuration.answersPerAddress)
    WidgetController(writeKeys: WriteKeyAuthentication(authenticator: u.authenticator), answering: u.answering, limiter: answerLimiter, triggers: u.triggers, clock: u.clock).addRoutes(to: router)
    ChatController(writeKeys: WriteKeyAuthentication(authenticator: u.authenticator), chat: u.chat, limiter: SubmissionLimiter(limit: configuration.answersPerAddress * 2), clock: u.clock).addRoutes(to: router)
    OperationsController(useCases: u, openAPIDocument: try OperationsController.loadOpenAPIDocument()).addRoutes(to: router)
    let api = router.group("api/v1")
    EventStream(administration: u.administration, authenticator: u.authenticator, clock: u.clock).addRoutes(to: api)
    AccessAPI(administration: u.administration).addRoutes(to: api)
    ProfilesAPI(records: u.records, erasure: u.erasure).addRoutes(to: api)
    ValueAPI(values: u.customerValues, records: u.records, forecasts: u.revenueForecasts).addRoutes(to: api)
    SegmentsAPI(segments: u.segments, personas: u.personas).addRoutes(to: api)
    OffersAPI(offers: u.offers, directory: u.directory).addRoutes(to: api)
    WorkforceAPI(directory: u.directory, pulses: u.pulses, frontLine: u.frontLine).addRoutes(to: api)
    ConsentAPI(ledger: u.ledger).addRoutes(to: api)
    CommerceAPI(catalogue: u.catalogue, orders: u.orders, deliveries: u.deliveries, unitsSold: u.unitsSold, clock: u.clock).addRoutes(to: api)
    SurveysAPI(surveys: u.surveys, results: u.results, emails: u.emails, triggers: u.triggers).addRoutes(to: api)
    AlertsAPI(alerts: u.alerts, webhooks: u.webhooks).addRoutes(to: api)
    ServiceAPI(cases: u.cases, setup: u.serviceSetup, emails: u.caseEmails, report: u.serviceReport, spikes: u.spikes, chat: u.chat, authenticator: u.authenticator).addRoutes(to: api)
    JourneysAPI(funnels: u.funnels, paths: u.paths, keyDrivers: u.keyDrivers, scorecard: u.scorecard, underperformance: u.underperformance, maps: u.journeyMaps, active: u.activePeople).addRoutes(to: api)
    FeedbackPages(renderer: renderer, surveys: u.surveys, results: u.results, records: u.records, emails: u.emails, triggers: u.triggers, segments: u.segments, clock: u.clock)
        .addRoutes(to: router)
    FeedbackTopicPages(renderer: renderer, results: u.results).addRoutes(to: router)
    SurveyPages(renderer: renderer, answering: u.answering, ledger: u.ledger, limiter: answerLimiter, clock: u.clock).addRoutes(to: router)
    SessionPages(renderer: renderer, authenticator: u.authenticator, firstRun: u.firstRun, sessionLifetime: configuration.access.sessionLifetime).addRoutes(to: router)
    CustomerPages(renderer: renderer, records: u.records, ledger: u.ledger, erasure: u.erasure, administration: u.administration,
                  values: u.customerValues, segments: u.segments, personas: u.personas).addRoutes(to: router)
    SegmentPages(renderer: renderer, segments: u.segments, records: u.records, funnels: u.funnels, ledger: u.ledger, personas: u.personas).addRoutes(to: router)
    WorkspacePages(renderer: renderer, administration: u.administration, firstRun: u.firstRun, spikes: u.spikes, results: u.results, cases: u.cases,
                   deliveries: u.deliveries, underperformance: u.underperformance, morning: u.morning, active: u.activePeople,
                   linkBase: configuration.linkBase).addRoutes(to: router)
    CommercePages(renderer: renderer, catalogue: u.catalogue, orders: u.orders, deliveries: u.deliveries, unitsSold: u.unitsSold, administration: u.administration,
                  clock: u.clock).addRoutes(to: router)
    SettingsPages(renderer: renderer, administration: u.administration).addRoutes(to: router)
    ServicePages(renderer: renderer, cases: u.cases, setup: u.serviceSetup, report: u.serviceReport, spikes: u.spikes, chat: u.chat, records: u.records, administration: u.administration, offers: u.offers).addRoutes(to: router)
    ServiceSetupPages(renderer: renderer, cases: u.cases, setup: u.serviceSetup, chat: u.chat).addRoutes(to: router)
    WorkforcePages(renderer: renderer, directory: u.directory, pulses: u.pulses, frontLine: u.frontLine, clock: u.clock).addRoutes(to: router)
    JourneysPages(renderer: renderer, funnels: u.funnels, paths: u.paths, maps: u.journeyMaps, underperformance: u.underperformance, segments: u.segments, personas: u.personas).addRoutes(to: router)
    InsightsPages(renderer: renderer, keyDrivers: u.keyDrivers, scorecard: u.scorecard, segments: u.segments, surveys: u.surveys, underperformance: u.underperformance,
                  values: u.customerValues, forecasts: u.revenueForecasts, personas: u.personas).addRoutes(to: router)
    try StaticAssets.load().addRoutes(to: router)
    routeTable.register(router.routes)
    return router
}

/// Builds the application: the router, the HTTP server, the background work, and the database, which closes last.
public func buildApplication(configuration: ServerConfiguration, useCases u: UseCases, logger: Logger,
                             onServerRunning: @escaping @Sendable (any NIOCore.Channel) async -> Void = { _ in }) async throws -> some ApplicationProtocol {
    let router = try await buildRouter(configuration: configuration, useCases: u, logger: logger)
    var app = Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "cairn"),
        onServerRunning: onServerRunning,
        logger: logger
    )
    // Services stop in reverse order: resolution first, the database last.
    app.addServices(DatabaseService(useCases: u, logger: logger),
                    IdentityResolutionService(resolver: u.resolver, logger: logger),
                    DeliveryMonitorService(deliveries: u.deliveries, logger: logger),
                    WebhookDeliveryService(webhooks: u.webhooks, logger: logger),
                    SurveyEmailService(emails: u.emails, logger: logger),
                    SurveyTriggerService(triggers: u.triggers, logger: logger),
                    ResponseReanalysisService(reading: u.reading, logger: logger),
                    AnswerReadingService(reading: u.reading, answering: u.answering, logger: logger),
                    CaseEscalationService(cases: u.cases, signal: u.deadlineSignal, logger: logger),
                    ServiceRoundsService(emails: u.caseEmails, cases: u.cases, spikes: u.spikes, logger: logger),
                    UnderperformanceService(underperformance: u.underperformance, logger: logger),
                    CustomerValueService(values: u.customerValues, logger: logger),
                    SegmentService(segments: u.segments, logger: logger),
                    PersonaService(personas: u.personas, logger: logger),
                    EventColumnsService(columns: u.eventColumns, logger: logger))
    return app
}

/// Keeps the connection pool open while the server runs and closes it after the server has drained.
struct DatabaseService: Service {
    let useCases: UseCases
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        try await useCases.closeDatabase()
        logger.info("database closed")
    }
}

/// The stylesheet and other files under `Web/Static`, served from memory.
struct StaticAssets {
    let files: [String: (ByteBuffer, String)]

    static func load() throws -> StaticAssets {
        var files: [String: (ByteBuffer, String)] = [:]
        for (name, type) in [("cairn.css", "text/css; charset=utf-8"), ("survey.css", "text/css; charset=utf-8"), ("live.js", "text/javascript; charset=utf-8"),
                             ("widget.js", "text/javascript; charset=utf-8"), ("menu.js", "text/javascript; charset=utf-8"),
                             ("service.js", "text/javascript; charset=utf-8"), ("chat.js", "text/javascript; charset=utf-8"),
                             ("segments.js", "text/javascript; charset=utf-8"),
                             ("start.js", "text/javascript; charset=utf-8")] {
            guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Static") else { throw CocoaError(.fileNoSuchFile) }
            files[name] = (ByteBuffer(bytes: try Data(contentsOf: url)), type)
        }
        return StaticAssets(files: files)
    }

    func addRoutes(to router: Router<CairnRequestContext>) {
        for (name, (buffer, type)) in files {
            router.get(RouterPath("static/\(name)")) { _, _ in
                Response(status: .ok, headers: [.contentType: type, .cacheControl: "public, max-age=3600"], body: .init(byteBuffer: buffer))
            }
        }
    }
}

import CairnCore
import CairnEngine
import CairnStore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
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
    /// Where survey emails go out; nil: no emails.
    public var smtp: SMTPConfiguration?

    public init(host: String = "127.0.0.1", port: Int = 8080, publicURL: String? = nil, access: AccessConfiguration = .init(), version: String = CairnVersion.current,
                answersPerAddress: Int = 60, smtp: SMTPConfiguration? = nil) {
        self.smtp = smtp
        self.host = host
        self.port = port
        self.publicURL = publicURL
        self.access = access
        self.version = version
        self.answersPerAddress = answersPerAddress
    }

    var secureCookies: Bool { publicURL?.lowercased().hasPrefix("https://") ?? false }

    /// The address links in emails point at: the public URL, else this server's own address.
    var linkBase: String { publicURL ?? "http://\(host):\(port)" }

    func surveyEmails(store: Store, clock: DateSource, logger: Logger) -> SurveyEmails {
        SurveyEmails(store: store, clock: clock, mailer: smtp.map { SMTPMailer(configuration: $0) }, publicURL: linkBase, logger: logger)
    }

    func surveyTriggers(store: Store, clock: DateSource, logger: Logger) -> SurveyTriggers {
        SurveyTriggers(store: store, clock: clock, emails: surveyEmails(store: store, clock: clock, logger: logger), logger: logger)
    }
}

public enum CairnVersion {
    public static let current = "0.1.0"
}

/// Builds the router with all controllers and middleware. Tests use it with `app.test(.router)`.
public func buildRouter(configuration: ServerConfiguration, store: Store, clock: DateSource = .system, logger: Logger) async throws -> Router<CairnRequestContext> {
    let renderer = try await WebRenderer(catalogue: try MessageCatalogue.bundled())
    let authenticator = Authenticator(store: store, configuration: configuration.access, clock: clock, logger: logger)
    let administration = Administration(store: store, passwordHasher: configuration.access.passwordHasher, clock: clock, logger: logger)
    let firstRun = FirstRun(store: store, passwordHasher: configuration.access.passwordHasher, clock: clock)
    let ingestor = Ingestor(store: store, clock: clock, logger: logger)
    CairnMetrics.publishInfo(version: configuration.version, engine: store.engine)

    let router = Router(context: CairnRequestContext.self)
    let routeTable = RouteTable()
    router.add(middleware: RequestIDMiddleware())
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: SecurityHeadersMiddleware())
    router.add(middleware: ProblemMiddleware(renderer: renderer, routes: routeTable))
    router.add(middleware: AuthenticationMiddleware(authenticator: authenticator, secureCookies: configuration.secureCookies))

    let tracking = TrackingController(authenticator: authenticator, ingestor: ingestor)
    tracking.addRoutes(to: router)
    let answerLimiter = SubmissionLimiter(limit: configuration.answersPerAddress)
    WidgetController(tracking: tracking, answering: SurveyAnswering(store: store, clock: clock), limiter: answerLimiter,
                     triggers: configuration.surveyTriggers(store: store, clock: clock, logger: logger)).addRoutes(to: router)
    OperationsController(store: store, openAPIDocument: try OperationsController.loadOpenAPIDocument()).addRoutes(to: router)
    EventStream(administration: administration, clock: clock).addRoutes(to: router.group("api/v1"))
    AccessAPI(administration: administration).addRoutes(to: router.group("api/v1"))
    ProfilesAPI(records: CustomerRecords(store: store, clock: clock), erasure: Erasure(store: store, clock: clock)).addRoutes(to: router.group("api/v1"))
    ConsentAPI(ledger: ConsentLedger(store: store, clock: clock)).addRoutes(to: router.group("api/v1"))
    CommerceAPI(catalogue: Catalogue(store: store, clock: clock), orders: Orders(store: store, clock: clock), deliveries: Deliveries(store: store, clock: clock))
        .addRoutes(to: router.group("api/v1"))
    SurveysAPI(surveys: Surveys(store: store, clock: clock), results: SurveyResults(store: store, clock: clock),
               emails: configuration.surveyEmails(store: store, clock: clock, logger: logger),
               triggers: configuration.surveyTriggers(store: store, clock: clock, logger: logger)).addRoutes(to: router.group("api/v1"))
    AlertsAPI(alerts: FeedbackAlerts(store: store, clock: clock), webhooks: Webhooks(store: store, clock: clock)).addRoutes(to: router.group("api/v1"))
    FeedbackPages(renderer: renderer, surveys: Surveys(store: store, clock: clock), results: SurveyResults(store: store, clock: clock),
                  records: CustomerRecords(store: store, clock: clock), emails: configuration.surveyEmails(store: store, clock: clock, logger: logger),
                  triggers: configuration.surveyTriggers(store: store, clock: clock, logger: logger)).addRoutes(to: router)
    FeedbackTopicPages(renderer: renderer, results: SurveyResults(store: store, clock: clock)).addRoutes(to: router)
    SurveyPages(renderer: renderer, answering: SurveyAnswering(store: store, clock: clock), ledger: ConsentLedger(store: store, clock: clock),
                limiter: answerLimiter).addRoutes(to: router)
    SessionPages(renderer: renderer, authenticator: authenticator, firstRun: firstRun, sessionLifetime: configuration.access.sessionLifetime).addRoutes(to: router)
    CustomerPages(renderer: renderer, records: CustomerRecords(store: store, clock: clock), ledger: ConsentLedger(store: store, clock: clock),
                  erasure: Erasure(store: store, clock: clock)).addRoutes(to: router)
    WorkspacePages(renderer: renderer, administration: administration, firstRun: firstRun).addRoutes(to: router)
    CommercePages(renderer: renderer, catalogue: Catalogue(store: store, clock: clock), orders: Orders(store: store, clock: clock),
                  deliveries: Deliveries(store: store, clock: clock)).addRoutes(to: router)
    SettingsPages(renderer: renderer, administration: administration).addRoutes(to: router)
    try StaticAssets.load().addRoutes(to: router)
    routeTable.register(router.routes)
    return router
}

/// Builds the application: the router, the HTTP server, and the database as a service that closes last.
public func buildApplication(configuration: ServerConfiguration, store: Store, clock: DateSource = .system, logger: Logger,
                             onServerRunning: @escaping @Sendable (any NIOCore.Channel) async -> Void = { _ in }) async throws -> some ApplicationProtocol {
    let router = try await buildRouter(configuration: configuration, store: store, clock: clock, logger: logger)
    var app = Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "cairn"),
        onServerRunning: onServerRunning,
        logger: logger
    )
    // Services stop in reverse order: resolution first, the database last.
    app.addServices(DatabaseService(database: store.database, logger: logger),
                    IdentityResolutionService(resolver: IdentityResolver(store: store, clock: clock, logger: logger), logger: logger),
                    DeliveryMonitorService(deliveries: Deliveries(store: store, clock: clock), logger: logger),
                    WebhookDeliveryService(webhooks: Webhooks(store: store, clock: clock), logger: logger),
                    SurveyEmailService(emails: configuration.surveyEmails(store: store, clock: clock, logger: logger), logger: logger),
                    SurveyTriggerService(triggers: configuration.surveyTriggers(store: store, clock: clock, logger: logger), logger: logger),
                    ResponseReanalysisService(reading: ResponseReading(store: store), logger: logger))
    return app
}

/// Keeps the connection pool open while the server runs and closes it after the server has drained.
struct DatabaseService: Service {
    let database: CairnDatabase
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        try await database.shutdown()
        logger.info("database closed")
    }
}

/// The stylesheet and other files under `Web/Static`, served from memory.
struct StaticAssets {
    let files: [String: (ByteBuffer, String)]

    static func load() throws -> StaticAssets {
        var files: [String: (ByteBuffer, String)] = [:]
        for (name, type) in [("cairn.css", "text/css; charset=utf-8"), ("survey.css", "text/css; charset=utf-8"), ("live.js", "text/javascript; charset=utf-8"),
                             ("widget.js", "text/javascript; charset=utf-8")] {
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

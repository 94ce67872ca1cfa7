import ArgumentParser
import CairnCore
import CairnEngine
import CairnServer
import CairnStore
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import UnixSignals

/// `cairn serve`: migrate, make sure someone can get in, then serve HTTP until SIGTERM/SIGINT.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the Cairn server.")

    @Option(name: .long, help: ArgumentHelp("Address to listen on (env CAIRN_HOST; default 127.0.0.1).", valueName: "host"))
    var host: String?

    @Option(name: .long, help: ArgumentHelp("Port to listen on, 0 for any free port (env CAIRN_PORT; default 8080).", valueName: "port"))
    var port: Int?

    @Option(name: .long, help: ArgumentHelp("On first start, create this administrator and print a generated password once (env CAIRN_ADMIN_EMAIL).", valueName: "email"))
    var adminEmail: String?

    @Option(name: .long, help: ArgumentHelp("The address people use to reach Cairn; https:// turns on Secure cookies (env CAIRN_PUBLIC_URL).", valueName: "url"))
    var publicURL: String?

    @Option(name: .long, help: ArgumentHelp("bcrypt cost for new passwords, 10 to 16 (env CAIRN_BCRYPT_COST; default 12).", valueName: "cost"))
    var bcryptCost: Int?
    @Option(name: .long, help: ArgumentHelp("Survey answers accepted per address and link in 10 minutes (default 60).", valueName: "count"))
    var answersPerAddress: Int = 60

    @Option(name: .long, help: ArgumentHelp("SMTP server for survey emails (env CAIRN_SMTP_HOST); without it, nobody is invited by email.", valueName: "host"))
    var smtpHost: String?
    @Option(name: .long, help: ArgumentHelp("SMTP port (env CAIRN_SMTP_PORT; default 587 with starttls, 465 with tls, 25 with none).", valueName: "port"))
    var smtpPort: Int?
    @Option(name: .long, help: ArgumentHelp("none, starttls or tls (env CAIRN_SMTP_SECURITY; default starttls).", valueName: "security"))
    var smtpSecurity: String?
    @Option(name: .long, help: ArgumentHelp("SMTP user, if the server wants one (env CAIRN_SMTP_USER); the password comes from CAIRN_SMTP_PASSWORD only.", valueName: "user"))
    var smtpUser: String?
    @Option(name: .long, help: ArgumentHelp("Sender of survey emails, e.g. \"Acme <feedback@acme.example>\" (env CAIRN_SMTP_FROM).", valueName: "address"))
    var smtpFrom: String?

    @Option(name: .long, help: ArgumentHelp("A reverse proxy (CIDR, repeatable; env CAIRN_TRUSTED_PROXIES, comma-separated) whose X-Forwarded-For gives the client's address.", valueName: "cidr"))
    var trustedProxy: [String] = []

    @Flag(name: .long, help: "Deliver webhooks to loopback and private addresses too (tests, receivers on the same network); env CAIRN_WEBHOOK_ALLOW_PRIVATE=1.")
    var webhookAllowPrivate = false

    @OptionGroup var databaseOptions: DatabaseOptions

    func validate() throws {
        if let port, !(0...65535).contains(port) { throw ArgumentParser.ValidationError("--port must be between 0 and 65535.") }
        if let bcryptCost, !(4...16).contains(bcryptCost) { throw ArgumentParser.ValidationError("--bcrypt-cost must be between 4 and 16.") }
        if !(1...1_000_000).contains(answersPerAddress) { throw ArgumentParser.ValidationError("--answers-per-address must be from 1 to 1000000.") }
    }

    func configuration() throws -> ServerConfiguration {
        let host = host ?? Environment.value("CAIRN_HOST") ?? "127.0.0.1"
        var port = self.port ?? 8080
        if self.port == nil, let text = Environment.value("CAIRN_PORT") {
            guard let value = Int(text), (0...65535).contains(value) else { throw UsageProblem("CAIRN_PORT=\(text) is not a port. Use a number from 0 to 65535.") }
            port = value
        }
        var cost = bcryptCost ?? 12
        if bcryptCost == nil, let text = Environment.value("CAIRN_BCRYPT_COST") {
            guard let value = Int(text), (4...16).contains(value) else { throw UsageProblem("CAIRN_BCRYPT_COST=\(text) must be a number from 4 to 16.") }
            cost = value
        }
        let publicURL = publicURL ?? Environment.value("CAIRN_PUBLIC_URL")
        if let publicURL, !(publicURL.hasPrefix("http://") || publicURL.hasPrefix("https://")) {
            throw UsageProblem("--public-url must start with http:// or https://.")
        }
        let proxyTexts = trustedProxy.isEmpty ? (Environment.value("CAIRN_TRUSTED_PROXIES")?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } ?? []) : trustedProxy
        var proxies: [AddressRange] = []
        for text in proxyTexts where !text.isEmpty {
            guard let range = AddressRange(text) else { throw UsageProblem("--trusted-proxy \(text) is not an address or network. Use CIDR such as 10.0.0.0/8 or ::1.") }
            proxies.append(range)
        }
        return ServerConfiguration(host: host, port: port, publicURL: publicURL,
                                   access: AccessConfiguration(passwordHasher: PasswordHasher(cost: UInt8(cost))), answersPerAddress: answersPerAddress,
                                   trustedProxies: proxies)
    }

    func smtpConfiguration() throws -> SMTPConfiguration? {
        guard let host = smtpHost ?? Environment.value("CAIRN_SMTP_HOST") else { return nil }
        let securityText = smtpSecurity ?? Environment.value("CAIRN_SMTP_SECURITY") ?? "starttls"
        guard let security = SMTPConfiguration.Security(rawValue: securityText) else {
            throw UsageProblem("--smtp-security \(securityText) is not known. Use none, starttls or tls.")
        }
        var port = smtpPort ?? (security == .tls ? 465 : security == .starttls ? 587 : 25)
        if smtpPort == nil, let text = Environment.value("CAIRN_SMTP_PORT") {
            guard let value = Int(text), (1...65535).contains(value) else { throw UsageProblem("CAIRN_SMTP_PORT=\(text) is not a port. Use a number from 1 to 65535.") }
            port = value
        }
        guard (1...65535).contains(port) else { throw UsageProblem("--smtp-port must be from 1 to 65535.") }
        guard let from = smtpFrom ?? Environment.value("CAIRN_SMTP_FROM"), from.contains("@") else {
            throw UsageProblem("--smtp-from is needed with --smtp-host: the sender of survey emails, e.g. feedback@acme.example.")
        }
        let user = smtpUser ?? Environment.value("CAIRN_SMTP_USER")
        let password = Environment.value("CAIRN_SMTP_PASSWORD")
        if user != nil, password == nil { throw UsageProblem("--smtp-user needs the password in CAIRN_SMTP_PASSWORD.") }
        return SMTPConfiguration(host: host, port: port, security: security, username: user, password: password, from: from)
    }

    func run() async throws {
        let configuration = try configuration()
        let smtp = try smtpConfiguration()
        let (store, logger) = try await databaseOptions.openStore()
        // The composition root: the engine's use cases over the store, with the capabilities that act on resolved events.
        let allowPrivate = webhookAllowPrivate || Environment.value("CAIRN_WEBHOOK_ALLOW_PRIVATE") == "1"
        let useCases = UseCases(store: store, access: configuration.access, mailer: smtp, linkBase: configuration.linkBase, webhookAllowPrivate: allowPrivate,
                                handlers: ResolvedEventHandlers.standard, logger: logger)
        do {
            try await ensureSomeoneCanSignIn(firstRun: useCases.firstRun, configuration: configuration)
        } catch {
            try? await store.shutdown()
            throw error
        }
        let app = try await buildApplication(configuration: configuration, useCases: useCases, logger: logger) { channel in
            let port = channel.localAddress?.port ?? configuration.port
            logger.info("cairn is listening", metadata: ["host": "\(configuration.host)", "port": "\(port)", "database": "\(store.location)"])
            say("Cairn \(CairnVersion.current) is listening on http://\(configuration.host):\(port) (database: \(store.location))")
        }
        do {
            try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
        } catch where String(describing: error).contains("Address already in use") {
            throw UsageProblem("\(configuration.host):\(configuration.port) is already in use. Stop the other process or pass another --port.")
        }
        logger.info("cairn stopped")
    }

    /// On an empty database: create the admin from `--admin-email`, or point at the setup page.
    func ensureSomeoneCanSignIn(firstRun: FirstRun, configuration: ServerConfiguration) async throws {
        guard try await firstRun.isOpen() else { return }
        if let email = adminEmail ?? Environment.value("CAIRN_ADMIN_EMAIL") {
            let result = try await firstRun.createFirstAdministrator(workspaceName: "My workspace", email: email, password: nil, origin: .console)
            say("""
            Created the first administrator.
              email:    \(result.admin.email)
              password: \(result.generatedPassword ?? "")
            This password is shown only now. Sign in and keep it somewhere safe.
            """)
        } else {
            let shownHost = configuration.host == "0.0.0.0" ? "localhost" : configuration.host
            say("No administrator exists yet. Open http://\(shownHost):\(configuration.port)/setup to create one (or restart with --admin-email).")
        }
    }
}

public import ArgumentParser
import CairnCore
import CairnEngine
import CairnStore
import Foundation

/// Runs `body` with the store and an operator principal (role admin, actor `console` in the audit log).
func withConsole<T>(_ options: DatabaseOptions, _ body: (Store, Logger) async throws -> T) async throws -> T {
    let (store, logger) = try await options.openStore()
    do {
        let result = try await body(store, logger)
        try await store.shutdown()
        return result
    } catch {
        try? await store.shutdown()
        throw error
    }
}

/// What a console command needs to act in one workspace: the workspace, the use cases, and the operator principal
/// (role admin, recorded as `console` in the audit log).
struct Console {
    var store: Store
    var workspace: Workspace
    var administration: Administration
    var principal: Principal
}

func withConsole<T>(_ options: DatabaseOptions, in workspaceOption: WorkspaceOption, _ body: (Console) async throws -> T) async throws -> T {
    try await withConsole(options) { store, logger in
        let workspace = try await workspaceOption.resolve(in: store)
        return try await body(Console(store: store, workspace: workspace,
                                      administration: Administration(store: store, passwordHasher: PasswordHasher(), logger: logger),
                                      principal: Principal(workspaceID: workspace.id, kind: .operatorConsole, role: .admin)))
    }
}

import Logging

struct WorkspaceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "workspace", abstract: "Create and list workspaces.",
                                                    subcommands: [Create.self, List.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a workspace.")
        @Option(name: .long, help: "The workspace's name.") var name: String
        @OptionGroup var databaseOptions: DatabaseOptions

        func run() async throws {
            try await withConsole(databaseOptions) { store, _ in
                let workspace = Workspace(id: .generate(), name: try CairnCore.Workspace.validateName(name), createdAt: Date())
                try await store.insert(workspace)
                say("Created workspace \"\(workspace.name)\" with id \(workspace.id).")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List workspaces.")
        @OptionGroup var databaseOptions: DatabaseOptions

        func run() async throws {
            try await withConsole(databaseOptions) { store, _ in
                for workspace in try await store.allWorkspaces() { say("\(workspace.id)  \(workspace.name)") }
            }
        }
    }
}

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "user", abstract: "Manage users.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a user; a generated password is printed once.")
        @Option(name: .long, help: "The user's email address.") var email: String
        @Option(name: .long, help: "admin, manager, agent or viewer.") var role: Role
        @Option(name: .long, help: "The user's name.") var name: String = ""
        @OptionGroup var workspaceOption: WorkspaceOption
        @OptionGroup var databaseOptions: DatabaseOptions

        func run() async throws {
            try await withConsole(databaseOptions, in: workspaceOption) { console in
                let created = try await console.administration.createUser(.init(email: email, displayName: name, role: role), by: console.principal, origin: .console)
                say("""
                Created \(created.user.role.rawValue) \(created.user.email) in "\(console.workspace.name)".
                  password: \(created.generatedPassword ?? "")
                This password is shown only now.
                """)
            }
        }
    }
}

struct KeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "key", abstract: "Create and revoke API keys.", subcommands: [Create.self, Revoke.self, List.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an API key; the token is printed once.")
        @Option(name: .long, help: "write (send events) or secret (management API).") var kind: APIKey.Kind
        @Option(name: .long, help: "What uses the key, e.g. \"Web shop\".") var name: String = "Created on the command line"
        @Option(name: .long, help: "Role of a secret key: admin, manager, agent or viewer (default viewer).") var role: Role?
        @OptionGroup var workspaceOption: WorkspaceOption
        @OptionGroup var databaseOptions: DatabaseOptions

        func run() async throws {
            try await withConsole(databaseOptions, in: workspaceOption) { console in
                let created = try await console.administration.createKey(kind: kind, name: name, role: kind == .secret ? (role ?? .viewer) : role,
                                                                         by: console.principal, origin: .console)
                say("""
                Created \(kind.rawValue) key \(created.key.id) in "\(console.workspace.name)".
                  token: \(created.token)
                The token is shown only now; Cairn stores only its hash.
                """)
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke an API key; it stops working at once.")
        @Argument(help: "The key's id.") var id: String
        @OptionGroup var workspaceOption: WorkspaceOption
        @OptionGroup var databaseOptions: DatabaseOptions

        func run() async throws {
            guard let keyID = APIKeyID(id.lowercased()) else { throw UsageProblem("\(id) is not a key id. List keys with: cairn key list") }
            try await withConsole(databaseOptions, in: workspaceOption) { console in
                let key = try await console.administration.revokeKey(keyID, by: console.principal, origin: .console)
                say("Revoked key \(key.id) (\(key.name)).")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List API keys of a workspace.")
        @OptionGroup var workspaceOption: WorkspaceOption
        @OptionGroup var databaseOptions: DatabaseOptions

        func run() async throws {
            try await withConsole(databaseOptions, in: workspaceOption) { console in
                try await Page.walk({ cursor in try await console.administration.keys(for: console.principal, after: cursor, limit: PageSize(PageSize.maximum)) }) { items in
                    for key in items {
                        say("\(key.id)  \(key.kind.rawValue)  \(key.displayPrefix)…  \(key.isRevoked ? "revoked" : "active")  \(key.name)")
                    }
                }
            }
        }
    }
}

struct ProfileCommand: AsyncParsableCommand {
    static func profileID(_ text: String) throws -> ProfileID {
        guard let id = ProfileID(text.lowercased()) else { throw UsageProblem("\(text) is not a profile id. Find it on the customer's page or with GET /api/v1/profiles/lookup.") }
        return id
    }

    static let configuration = CommandConfiguration(commandName: "profile", abstract: "Customer profiles.", subcommands: [Export.self, Erase.self, Release.self])

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print everything held about a customer as JSON (data-subject access; audited).")
        @Argument(help: "The profile's id.") var id: String
        @OptionGroup var workspaceOption: WorkspaceOption
        @OptionGroup var databaseOptions: DatabaseOptions

        func run() async throws {
            let profileID = try ProfileCommand.profileID(id)
            try await withConsole(databaseOptions, in: workspaceOption) { console in
                let data = try await CustomerRecords(store: console.store).export(profileID, for: console.principal, origin: .console)
                say(String(decoding: data, as: UTF8.self))
            }
        }
    }
}

extension ProfileCommand {
    struct Erase: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Erase a customer's personal data (data-subject erasure; audited; not reversible).")
        @Argument(help: "The profile's id.") var id: String
        @Flag(name: .long, help: "Confirm that the data is to be erased.") var yes = false
        @OptionGroup var workspaceOption: WorkspaceOption
        @OptionGroup var databaseOptions: DatabaseOptions

        func run() async throws {
            let profileID = try ProfileCommand.profileID(id)
            guard yes else { throw UsageProblem("Erasure cannot be undone. Run again with --yes to erase profile \(id).") }
            try await withConsole(databaseOptions, in: workspaceOption) { console in
                let scrubbed = try await Erasure(store: console.store).erase(profileID, by: console.principal, origin: .console)
                say("Erased profile \(profileID); \(scrubbed) events were scrubbed of personal data.")
            }
        }
    }
}

extension ProfileCommand {
    struct Release: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Let an erased person's identifier build a profile again (audited).",
            discussion: "After erasure, events with the person's identifiers join the erased profile, scrubbed. Release an identifier when the person came back and agreed to be a customer anew.")
        @Option(name: .long, help: "user_id, anonymous_id, email, phone or ext:TYPE.") var kind: String
        @Option(name: .long, help: "The identifier's value, e.g. the email address.") var value: String
        @OptionGroup var workspaceOption: WorkspaceOption
        @OptionGroup var databaseOptions: DatabaseOptions

        func run() async throws {
            guard let known = Identifier.Kind(naming: kind) else {
                throw UsageProblem("--kind \(kind) is not an identifier kind. Use user_id, anonymous_id, email, phone or ext:TYPE.")
            }
            try await withConsole(databaseOptions, in: workspaceOption) { console in
                try await Erasure(store: console.store).release(Identifier(kind: known, value: value), by: console.principal, origin: .console)
                say("Released the erased \(kind); later events with it build a new profile.")
            }
        }
    }
}

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export", abstract: "Export data (audited).", subcommands: [Profiles.self])

    struct Profiles: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write every customer of a workspace as CSV or NDJSON to standard output.")
        @Option(name: .long, help: "csv or ndjson.") var format: CustomerRecords.ExportFormat = .csv
        @Option(name: .long, help: "Only customers of this value tier (top, high, medium, low) at the last value computation.") var tier: ValueTier?
        @OptionGroup var workspaceOption: WorkspaceOption
        @OptionGroup var databaseOptions: DatabaseOptions

        func run() async throws {
            try await withConsole(databaseOptions, in: workspaceOption) { console in
                let count = try await CustomerRecords(store: console.store).exportProfiles(format: format, matching: ProfileFilter(valueTier: tier), for: console.principal,
                                                                                         origin: .console) { print($0) }
                fflush(nil)
                FileHandle.standardError.write(Data("Exported \(count) profiles.\n".utf8))
            }
        }
    }
}

extension CustomerRecords.ExportFormat: ExpressibleByArgument {}
extension ValueTier: ExpressibleByArgument {}
extension Role: ExpressibleByArgument {}
extension APIKey.Kind: ExpressibleByArgument {}

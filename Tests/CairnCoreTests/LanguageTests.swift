import CairnCore
import Testing

@Suite("Interface language")
struct LanguageTests {
    @Test("Accept-Language picks the best supported language", arguments: [
        ("de-DE,de;q=0.9,en;q=0.8", InterfaceLanguage.german),
        ("fr-FR, he;q=0.7, en;q=0.3", .hebrew),
        ("zh-CN,zh;q=0.9", .chineseSimplified),
        ("zh-Hans-CN", .chineseSimplified),
        ("iw", .hebrew),
        ("en;q=0.1, de;q=0.5", .german),
        ("EN-us", .english),
    ])
    func negotiates(header: String, expected: InterfaceLanguage) {
        #expect(InterfaceLanguage.negotiate(acceptLanguage: header) == expected)
    }

    @Test("Unsupported or refused languages give no match", arguments: ["fr-FR, es;q=0.5", "zh-TW", "zh-Hant", "de;q=0", "", "*"])
    func noMatch(header: String) {
        #expect(InterfaceLanguage.negotiate(acceptLanguage: header) == nil)
    }

    @Test("Only Hebrew is right-to-left")
    func direction() {
        #expect(InterfaceLanguage.allCases.filter(\.isRightToLeft) == [.hebrew])
    }
}

@Suite("Credentials")
struct CredentialTests {
    @Test("Valid emails are trimmed and lowercased", arguments: [(" Ada@Example.COM ", "ada@example.com"), ("a.b+c@sub.example.org", "a.b+c@sub.example.org")])
    func validEmail(input: String, expected: String) throws {
        #expect(try Credentials.validateEmail(input) == expected)
    }

    @Test("Invalid emails name the field", arguments: ["", "plain", "a@b", "@example.com", "a@.example.com", "a b@example.com", "a@b@c.com", "<x>@example.com"])
    func invalidEmail(input: String) {
        #expect(throws: ValidationError.self) { try Credentials.validateEmail(input) }
        do { _ = try Credentials.validateEmail(input, field: "batch[2].email") } catch { #expect(error.issues.first?.field == "batch[2].email") }
    }

    @Test("Passwords need 12 characters and at most 72 bytes")
    func passwords() throws {
        try Credentials.validateNewPassword(String(repeating: "a", count: 12))
        #expect(throws: ValidationError.self) { try Credentials.validateNewPassword(String(repeating: "a", count: 11)) }
        #expect(throws: ValidationError.self) { try Credentials.validateNewPassword(String(repeating: "ü", count: 40)) }
    }
}

@Suite("Roles")
struct RoleTests {
    @Test("Administrators may do everything; each lower role a subset of the one above")
    func rolesNest() {
        #expect(Role.admin.permissions == Set(Permission.allCases))
        #expect(Role.viewer.permissions.isSubset(of: Role.agent.permissions))
        #expect(Role.agent.permissions.isSubset(of: Role.manager.permissions))
        #expect(Role.manager.permissions.isSubset(of: Role.admin.permissions))
    }

    @Test("Only administrators manage access", arguments: [Permission.usersManage, .keysManage, .auditRead, .workspaceManage, .dataErase])
    func accessIsAdminOnly(permission: Permission) {
        #expect(Role.allCases.filter { $0.can(permission) } == [.admin])
    }

    @Test("Viewers only read")
    func viewersOnlyRead() {
        #expect(Role.viewer.permissions.allSatisfy { $0.rawValue.hasSuffix(".read") })
    }

    @Test("A principal without the permission gets a forbidden error naming it")
    func requireThrows() {
        let principal = Principal(workspaceID: .generate(), kind: .operatorConsole, role: .agent)
        #expect(throws: AccessError.forbidden(.keysManage)) { try principal.require(.keysManage) }
    }
}

@Suite("Cursors")
struct CursorTests {
    @Test("A cursor survives its token", arguments: [Cursor(sortKey: 0, id: "a"), Cursor(sortKey: 1_800_000_000_123, id: "5f0e7f0e-0000-4000-8000-000000000000"), Cursor(sortKey: -5, id: "x|y")])
    func roundTrip(cursor: Cursor) throws {
        #expect(try Cursor(token: cursor.token) == cursor)
        #expect(!cursor.token.contains("=") && !cursor.token.contains("+") && !cursor.token.contains("/"))
    }

    @Test("Malformed tokens are a validation error on the cursor field", arguments: ["", "%%%", "bm90LWEtY3Vyc29y", String(repeating: "A", count: 300)])
    func malformed(token: String) {
        do { _ = try Cursor(token: token); Issue.record("accepted \(token)") } catch { #expect(error.issues.first?.field == "cursor") }
    }

    @Test("Page sizes are 1 to 200", arguments: [0, -1, 201])
    func pageSize(value: Int) {
        #expect(throws: ValidationError.self) { try PageSize(value) }
    }
}

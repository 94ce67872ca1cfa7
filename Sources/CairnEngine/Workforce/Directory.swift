public import CairnCore
public import CairnStore
public import Foundation

/// The workforce directory: the workspace's stores (where customers go and people work) and employees (in a store, a
/// service team, or both; an agent linked to their user). Reading stores needs `workspace.read`, reading employees and
/// changing anything `workforce.manage`.
public struct Directory: Sendable {
    let store: Store
    public let clock: DateSource

    public init(store: Store, clock: DateSource = .system) {
        self.store = store
        self.clock = clock
    }

    /// What a store is made of, as a client sends it (every field optional, so each missing one can be named).
    public struct StoreInput: Sendable {
        public var code: String?
        public var name: String?
        public var city: String?
        public var country: String?
        public var latitude: Double?
        public var longitude: Double?

        public init(code: String? = nil, name: String? = nil, city: String? = nil, country: String? = nil, latitude: Double? = nil, longitude: Double? = nil) {
            self.code = code
            self.name = name
            self.city = city
            self.country = country
            self.latitude = latitude
            self.longitude = longitude
        }
    }

    public func stores(for principal: Principal) async throws -> [RetailStore] {
        try principal.require(.workspaceRead)
        return try await store.retailStores(in: principal.workspaceID)
    }

    public func store(_ id: RetailStoreID, for principal: Principal) async throws -> RetailStore {
        try principal.require(.workspaceRead)
        guard let found = try await store.retailStore(id: id, in: principal.workspaceID) else { throw NotFoundError(kind: "store", id: id.rawValue) }
        return found
    }

    public func createStore(_ input: StoreInput, by principal: Principal) async throws -> RetailStore {
        try principal.require(.workforceManage)
        let now = clock.now()
        let made = try Self.validated(input, base: nil, id: .generate(), workspace: principal.workspaceID, now: now)
        guard try await store.save(made) else { throw Self.taken(made.code) }
        return made
    }

    /// Changes the fields given; the others stay.
    public func updateStore(_ id: RetailStoreID, _ input: StoreInput, by principal: Principal) async throws -> RetailStore {
        try principal.require(.workforceManage)
        guard let held = try await store.retailStore(id: id, in: principal.workspaceID) else { throw NotFoundError(kind: "store", id: id.rawValue) }
        let changed = try Self.validated(input, base: held, id: id, workspace: principal.workspaceID, now: clock.now())
        guard try await store.save(changed) else { throw Self.taken(changed.code) }
        return changed
    }

    public func deleteStore(_ id: RetailStoreID, by principal: Principal) async throws {
        try principal.require(.workforceManage)
        guard try await store.deleteRetailStore(id, in: principal.workspaceID) else { throw NotFoundError(kind: "store", id: id.rawValue) }
    }

    static func taken(_ code: String) -> ValidationError {
        ValidationError(field: "code", issue: .alreadyTaken, hint: "Another store already has the code \"\(code)\"; choose another.")
    }

    static func validated(_ input: StoreInput, base: RetailStore?, id: RetailStoreID, workspace: WorkspaceID, now: Date) throws -> RetailStore {
        var issues = ValidationCollector()
        let code = issues.check { () throws(ValidationError) -> String in
            if let text = input.code { return try RetailStore.validate(code: text) }
            if let base { return base.code }
            throw ValidationError(field: "code", issue: .missing, hint: "Give the store a code, e.g. \"berlin-mitte\".")
        }
        func text(_ value: String?, _ held: String?, field: String, example: String, limit: Int = 200) -> String? {
            issues.check { () throws(ValidationError) -> String in
                guard let value else {
                    if let held { return held }
                    throw ValidationError(field: field, issue: .missing, hint: "Give the store's \(field), e.g. \"\(example)\".")
                }
                let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
                guard !trimmed.isEmpty else { throw ValidationError(field: field, issue: .missing, hint: "Give the store's \(field), e.g. \"\(example)\".") }
                guard trimmed.count <= limit else { throw ValidationError(field: field, issue: .tooLong(limit: limit), hint: "Use at most \(limit) characters.") }
                return trimmed
            }
        }
        let name = text(input.name, base?.name, field: "name", example: "Berlin Mitte")
        let city = text(input.city, base?.city, field: "city", example: "Berlin")
        let country = issues.check { () throws(ValidationError) -> String in
            guard let value = input.country else {
                if let held = base?.country { return held }
                throw ValidationError(field: "country", issue: .missing, hint: "Give the country as two letters (ISO 3166-1), e.g. \"DE\".")
            }
            let code = value.trimmingCharacters(in: .whitespaces).uppercased()
            guard code.count == 2, code.allSatisfy({ $0.isASCII && $0.isLetter }) else {
                throw ValidationError(field: "country", issue: .invalid, hint: "Give the country as two letters (ISO 3166-1), e.g. \"DE\".")
            }
            return code
        }
        let changesLocation = input.latitude != nil || input.longitude != nil
        let location = issues.check { () throws(ValidationError) -> GeoPoint? in
            changesLocation ? try GeoPoint.validated(latitude: input.latitude, longitude: input.longitude, field: "location") : base?.location
        }
        guard issues.issues.isEmpty, let code, let name, let city, let country, let location else { throw ValidationError(issues: issues.issues) }
        return RetailStore(id: id, workspaceID: workspace, code: code, name: name, city: city, country: country, location: location,
                           createdAt: base?.createdAt ?? now, updatedAt: now)
    }

    // MARK: Employees

    public struct EmployeeInput: Sendable {
        public var name: String?
        public var email: String?
        public var storeID: String?
        public var teamID: String?
        public var userID: String?
        public var active: Bool?

        public init(name: String? = nil, email: String? = nil, storeID: String? = nil, teamID: String? = nil, userID: String? = nil, active: Bool? = nil) {
            self.name = name
            self.email = email
            self.storeID = storeID
            self.teamID = teamID
            self.userID = userID
            self.active = active
        }
    }

    public func employees(for principal: Principal) async throws -> [Employee] {
        try principal.require(.workforceManage)
        return try await store.employees(in: principal.workspaceID)
    }

    public func createEmployee(_ input: EmployeeInput, by principal: Principal) async throws -> Employee {
        try principal.require(.workforceManage)
        let now = clock.now()
        let made = try await validated(input, base: nil, id: .generate(), workspace: principal.workspaceID, now: now)
        try await store.save(made)
        return made
    }

    /// Changes the fields given; an empty text clears store, team, user or email.
    public func updateEmployee(_ id: EmployeeID, _ input: EmployeeInput, by principal: Principal) async throws -> Employee {
        try principal.require(.workforceManage)
        guard let held = try await store.employee(id: id, in: principal.workspaceID) else { throw NotFoundError(kind: "employee", id: id.rawValue) }
        let changed = try await validated(input, base: held, id: id, workspace: principal.workspaceID, now: clock.now())
        try await store.save(changed)
        return changed
    }

    func validated(_ input: EmployeeInput, base: Employee?, id: EmployeeID, workspace: WorkspaceID, now: Date) async throws -> Employee {
        var issues = ValidationCollector()
        var name = base?.name ?? ""
        if let text = input.name?.trimmingCharacters(in: .whitespacesAndNewlines) { name = text }
        if name.isEmpty { issues.add(FieldIssue(field: "name", issue: .missing, hint: "Give the employee's name.")) }
        if name.count > 200 { issues.add(FieldIssue(field: "name", issue: .tooLong(limit: 200), hint: "Use at most 200 characters.")) }
        var email = base?.email
        if let text = input.email?.trimmingCharacters(in: .whitespaces) {
            if text.isEmpty { email = nil }
            else if let checked = issues.check({ () throws(ValidationError) in try Credentials.validateEmail(text) }) { email = checked }
        }
        var storeID = base?.storeID
        if let text = input.storeID {
            if text.isEmpty { storeID = nil }
            else if let id = RetailStoreID(text), try await store.retailStore(id: id, in: workspace) != nil { storeID = id }
            else { issues.add(FieldIssue(field: "storeId", issue: .unknownValue(allowed: []), hint: "Name a store of the directory (GET /api/v1/stores), or leave it empty.")) }
        }
        var teamID = base?.teamID
        if let text = input.teamID {
            if text.isEmpty { teamID = nil }
            else if let id = TeamID(text), try await store.teams(in: workspace).contains(where: { $0.id == id }) { teamID = id }
            else { issues.add(FieldIssue(field: "teamId", issue: .unknownValue(allowed: []), hint: "Name a service team of this workspace, or leave it empty.")) }
        }
        var userID = base?.userID
        if let text = input.userID {
            if text.isEmpty { userID = nil }
            else if let id = UserID(text), try await store.user(id: id, in: workspace) != nil { userID = id }
            else { issues.add(FieldIssue(field: "userId", issue: .unknownValue(allowed: []), hint: "Name a user of this workspace, or leave it empty.")) }
        }
        try issues.throwIfAny()
        return Employee(id: id, workspaceID: workspace, name: name, email: email, storeID: storeID, teamID: teamID, userID: userID,
                        active: input.active ?? base?.active ?? true, createdAt: base?.createdAt ?? now, updatedAt: now)
    }
}

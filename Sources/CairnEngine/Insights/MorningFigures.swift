public import CairnCore
public import CairnStore
public import Foundation

/// The overview's figures that are counts rather than scores: customers (all, seen and new in the last 30 days) and
/// orders with revenue per currency in the last 30 days beside the 30 before — each for a role that may see it.
public struct MorningFigures: Sendable {
    let store: Store
    public let clock: DateSource

    public init(store: Store, clock: DateSource = .system) {
        self.store = store
        self.clock = clock
    }

    /// Needs `customers.read`.
    public func customers(for principal: Principal, days: Int = 30) async throws -> (all: Int, active: Int, new: Int) {
        try principal.require(.customersRead)
        return try await store.customerCounts(in: principal.workspaceID, since: clock.now().addingTimeInterval(-Double(days) * 86_400))
    }

    /// Orders not cancelled in the last `days` days and the `days` before. Needs `commerce.read`.
    public func orders(for principal: Principal, days: Int = 30) async throws -> (current: Orders, previous: Orders) {
        try principal.require(.commerceRead)
        let now = clock.now(), span = Double(days) * 86_400
        func figures(_ totals: OrderTotals) -> Orders {
            Orders(count: totals.orders, revenue: totals.revenue.sorted { $0.key < $1.key }.map { Money(minorUnits: $0.value, currency: Currency(uncheckedCode: $0.key)) })
        }
        return (figures(try await store.orderTotals(in: principal.workspaceID, from: now.addingTimeInterval(-span), until: nil)),
                figures(try await store.orderTotals(in: principal.workspaceID, from: now.addingTimeInterval(-2 * span), until: now.addingTimeInterval(-span))))
    }

    /// Orders not cancelled and their totals, one per currency.
    public struct Orders: Sendable, Hashable {
        public var count: Int
        public var revenue: [Money]
    }
}

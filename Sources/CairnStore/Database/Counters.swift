import Foundation
import SQLKit

/// Signed changes to a table of counts kept per key — the daily roll-ups (score counts, topic counts, units sold) —
/// gathered in memory and written as multi-row upserts that add each amount to what its row holds. Rows are written in
/// key order, so two transactions that touch the same rows never deadlock.
struct Counters<Key: Hashable & Comparable> {
    /// The table: the columns a row is found by (its primary key), columns derived from the key that a new row also
    /// gets, and the amount columns that are added up.
    struct Table {
        var name: String
        var keyColumns: [String]
        var derivedColumns: [String] = []
        var amountColumns: [String]
    }

    let table: Table
    /// The values of the key columns, then of the derived columns, for a key.
    let values: (Key) -> [SQLBind]
    private(set) var changes: [Key: [Int64]] = [:]

    init(_ table: Table, values: @escaping (Key) -> [SQLBind]) {
        self.table = table
        self.values = values
    }

    /// Adds `amounts` (one per amount column, negative to take away) to the key's row.
    mutating func add(_ amounts: [Int64], to key: Key) {
        var current = changes[key] ?? Array(repeating: 0, count: table.amountColumns.count)
        for index in current.indices { current[index] += amounts[index] }
        changes[key] = current
    }

    /// Writes the changes that are not zero, a few hundred rows per statement.
    func write(to sql: any SQLDatabase, rowsPerStatement: Int = 200) async throws {
        let cells = changes.filter { $0.value.contains { $0 != 0 } }.sorted { $0.key < $1.key }
        for part in cells.chunked(into: rowsPerStatement) {
            let insert = sql.insert(into: table.name).columns(table.keyColumns + table.derivedColumns + table.amountColumns)
            for (key, amounts) in part {
                insert.values(values(key) + amounts.map { SQLBind($0) })
            }
            insert.onConflict(with: table.keyColumns) { update in
                for column in table.amountColumns {
                    update.set(column, to: SQLBinaryExpression(SQLColumn(column, table: table.name), .add, SQLColumn(column, table: "excluded")))
                }
                return update
            }
            try await insert.run()
        }
    }
}

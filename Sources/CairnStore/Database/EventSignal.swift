import Foundation
import Logging
import NIOCore
@preconcurrency import PostgresKit
import Synchronization

/// Wakes live event streams when events arrive for their workspace, instead of leaving them to find out on their next
/// look. Appends of this process signal at once after their commit; on PostgreSQL each append also sends
/// `NOTIFY cairn_events` with its workspace in the same transaction, and one listening connection per process passes
/// what other servers appended to its own streams (delivered only once the sender commits).
final class EventSignal: Sendable {
    static let channel = "cairn_events"

    private struct State {
        var waiters: [String: [UUID: CheckedContinuation<Bool, Never>]] = [:]
        var ended: Set<UUID> = []
        var listener: Task<Void, Never>?
        var closed = false
    }
    private let state = Mutex(State())

    /// Wakes every stream waiting on the workspace.
    func signal(_ workspace: String) {
        let woken = state.withLock { $0.waiters.removeValue(forKey: workspace) ?? [:] }
        for waiter in woken.values { waiter.resume(returning: true) }
    }

    /// Waits until events arrive for the workspace (true) or `timeout` passes (false).
    func wait(for workspace: String, timeout: Duration) async -> Bool {
        let id = UUID()
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await withCheckedContinuation { (waiter: CheckedContinuation<Bool, Never>) in
                    let ended = self.state.withLock { state -> Bool in
                        if state.ended.remove(id) != nil || state.closed { return true }
                        state.waiters[workspace, default: [:]][id] = waiter
                        return false
                    }
                    if ended { waiter.resume(returning: false) }
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            if !first {
                // Timed out: a waiter still registered is resumed; one not registered yet never will be.
                let waiter = state.withLock { state -> CheckedContinuation<Bool, Never>? in
                    guard let waiter = state.waiters[workspace]?.removeValue(forKey: id) else {
                        state.ended.insert(id)
                        return nil
                    }
                    if state.waiters[workspace]?.isEmpty == true { state.waiters[workspace] = nil }
                    return waiter
                }
                waiter?.resume(returning: false)
            }
            await group.waitForAll()
            state.withLock { _ = $0.ended.remove(id) }
            return first
        }
    }

    /// PostgreSQL: listens for other servers' appends on one connection of its own, from the first wait until
    /// ``close()``, connecting again after a lost connection.
    func listen(configuration: PostgresConnection.Configuration, on eventLoop: any EventLoop, logger: Logger) {
        state.withLock { state in
            guard state.listener == nil, !state.closed else { return }
            state.listener = Task { [weak self] in
                var attempt = 0
                while !Task.isCancelled {
                    do {
                        let connection = try await PostgresConnection.connect(on: eventLoop, configuration: configuration, id: 0, logger: logger)
                        attempt = 0
                        do {
                            try await connection.listen(on: Self.channel) { notifications in
                                for try await notification in notifications { self?.signal(notification.payload) }
                            }
                        } catch {}
                        try? await connection.close()
                    } catch {
                        logger.warning("listening for other servers' events failed; streams look every 300 ms meanwhile",
                                       metadata: ["error": "\(String(reflecting: error).prefix(200))"])
                    }
                    attempt += 1
                    try? await Task.sleep(for: .milliseconds(min(5_000, 200 * attempt)))
                }
            }
        }
    }

    /// Ends listening and wakes every waiter (the database is closing).
    func close() {
        let (listener, waiters) = state.withLock { state in
            state.closed = true
            defer { state.listener = nil; state.waiters = [:] }
            return (state.listener, state.waiters.values.flatMap(\.values))
        }
        listener?.cancel()
        for waiter in waiters { waiter.resume(returning: false) }
    }
}

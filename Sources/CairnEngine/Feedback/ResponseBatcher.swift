public import CairnCore
public import CairnStore

/// Stores new responses that arrive at the same moment together (group commit): the first waits for nothing; those
/// that arrive while a batch is being written are written next, in one transaction. A burst of answers then costs a
/// few statements per batch instead of several per answer, and no answer waits behind more than one batch. As with
/// the tracking API's appends, a shared transaction that fails is tried again one answer at a time.
actor ResponseBatcher {
    let store: Store
    private var pending: [(item: NewResponse, waiter: CheckedContinuation<Bool, any Error>)] = []
    private var writing = false
    private var lastArrival: ContinuousClock.Instant?
    /// At most this many responses in one transaction.
    let batchLimit = 500

    init(store: Store) {
        self.store = store
    }

    /// Stores the response with the others waiting; true when it was stored now, false when its id was already stored
    /// (the same retry arriving twice at once).
    func store(_ item: NewResponse) async throws -> Bool {
        lastArrival = .now
        return try await withCheckedThrowingContinuation { waiter in
            pending.append((item, waiter))
            if !writing {
                writing = true
                Task { await writeWaiting() }
            }
        }
    }

    /// Whether an answer arrived within `interval`: a burst is under way.
    func arrived(within interval: Duration) -> Bool {
        lastArrival.map { ContinuousClock.now - $0 < interval } ?? false
    }

    private func writeWaiting() async {
        while !pending.isEmpty {
            let batch = Array(pending.prefix(batchLimit))
            pending.removeFirst(batch.count)
            do {
                let stored = try await store.insertNew(batch.map(\.item))
                var answered: Set<SurveyResponseID> = []
                for entry in batch {
                    // Two entries with one id in a batch: the first is the stored one, the second a replay.
                    let isNew = stored.contains(entry.item.response.id) && answered.insert(entry.item.response.id).inserted
                    entry.waiter.resume(returning: isNew)
                }
            } catch {
                // A shared transaction that failed is tried again one answer at a time, so one answer's failure is
                // never another's.
                for entry in batch {
                    do {
                        entry.waiter.resume(returning: try await store.insertNew([entry.item]).contains(entry.item.response.id))
                    } catch {
                        entry.waiter.resume(throwing: error)
                    }
                }
            }
        }
        writing = false
    }
}

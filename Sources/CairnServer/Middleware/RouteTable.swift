import HTTPTypes
import Hummingbird
import Synchronization

/// Which methods each route path accepts, so that a known path called with another method gets
/// `405 Method Not Allowed` and an `Allow` header instead of a 404.
final class RouteTable: Sendable {
    private let entries = Mutex<[(segments: [Substring], methods: Set<String>)]>([])

    /// Records the router's routes; call once, after every route has been added.
    func register(_ routes: [Router<CairnRequestContext>.RouteDescription]) {
        var grouped: [String: Set<String>] = [:]
        for route in routes { grouped["\(route.path)", default: []].insert(route.method.rawValue) }
        entries.withLock { entries in
            entries = grouped.map { (path, methods) in (path.split(separator: "/"), methods) }
        }
    }

    /// The methods a concrete path accepts, or an empty list when no route has that path.
    func allowedMethods(for path: String) -> [String] {
        let segments = path.split(separator: "/")
        return entries.withLock { entries in
            entries.filter { entry in
                entry.segments.count == segments.count
                    && zip(entry.segments, segments).allSatisfy { pattern, segment in pattern.hasPrefix("{") || pattern == segment }
            }.flatMap(\.methods)
        }.sorted()
    }
}

import Metrics
public import Prometheus

/// The process-wide Prometheus registry. swift-metrics can be bootstrapped once per process, so this does it once,
/// on first use, for the server and for tests alike.
public enum CairnMetrics {
    public static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
            .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
        ]
        MetricsSystem.bootstrap(factory)
        return registry
    }()

    /// Publishes `cairn_build_info` and `cairn_database_info` (value 1, facts in labels).
    static func publishInfo(version: String, engine: String) {
        registry.makeGauge(name: "cairn_build_info", labels: [("version", version)], help: "Build of the running cairn").set(to: 1)
        registry.makeGauge(name: "cairn_database_info", labels: [("engine", engine)], help: "Database engine in use").set(to: 1)
    }

    /// Events stored but not yet tied to a profile, and how long the oldest of them has waited (seconds; 0 when none).
    static func resolutionBacklog(events: Int, oldestWaitSeconds: Double) {
        registry.makeGauge(name: "cairn_resolution_backlog_events", help: "Events stored but not yet tied to a profile").set(to: Double(events))
        registry.makeGauge(name: "cairn_resolution_lag_seconds", help: "How long the oldest event waiting to be tied to a profile has waited")
            .set(to: oldestWaitSeconds)
    }

    static func databaseUp(_ up: Bool) {
        registry.makeGauge(name: "cairn_database_up", help: "1 when the last readiness check reached the database").set(to: up ? 1 : 0)
    }
}

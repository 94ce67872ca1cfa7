public import Logging

/// The request a task is working for. Set by ``RequestIDMiddleware`` for the whole handling of a request, so that
/// every log line written meanwhile — by controllers, use cases or the store — carries `request.id`.
public enum RequestScope {
    @TaskLocal public static var requestID: String?

    /// Add this provider when bootstrapping logging (`cairn serve` does).
    public static let metadataProvider = Logger.MetadataProvider {
        guard let id = requestID else { return [:] }
        return ["request.id": .string(id)]
    }
}

import CairnCore
import HTTPTypes
import Foundation

/// Every route the server has, with what it needs and how to call it. A test fails when the router has a route
/// this list lacks, so a new route cannot skip the role and cross-workspace tests.
struct RouteCase: Sendable, CustomStringConvertible {
    enum Surface: Sendable { case api, web, open, tracking }
    enum Target: Sendable {
        /// No path id; acts on the caller's own workspace.
        case collection
        case user
        case key
        case source
        case profile
        /// The user id of a customer erased for the call (sent as `{id}` in the JSON body).
        case erasedIdentifier
        case product
        case order
        /// An order id sent in the JSON body (`{id}`): another workspace's is refused as an unknown value of that field.
        case orderInBody
        case shipment
        case survey
        /// A published survey and a customer who consented to surveys, as `surveyID|profileID`: the path takes the
        /// survey, the body's `{profile}` the customer.
        case invitee
        case webhook
        /// A service case; with `needsThrowaway`, two fresh cases of one customer as `caseID|otherCaseID` (the body's
        /// `{profile}` takes the second: merges).
        case serviceCase
        /// Case ids sent in the JSON body (`{id}`): another workspace's are refused naming the field.
        case caseInBody
        case team
        case slaPolicy
        case cannedReply
        case article
        /// A saved funnel (always a fresh one: the deletes take it).
        case savedFunnel
        /// A journey the workspace defined.
        case journey
        /// A segment (a fresh one for the deletes).
        case segment
        /// A store of the directory (a fresh one for the deletes).
        case retailStore
        /// An employee of the directory.
        case employee
        /// A pulse over five seeded employees.
        case pulse
        /// No path id; the caller's workspace has five employees first (a pulse needs them).
        case staffed
    }

    var method: HTTPRequest.Method
    var template: String
    var surface: Surface
    var target: Target = .collection
    /// `nil`: anyone signed in (or anyone at all, for open routes).
    var permission: Permission?
    /// JSON for the API, form fields for the web.
    var json: String? = nil
    var form: [String: String]? = nil
    /// Deletes and revocations act on a throwaway row so the seeded ones stay.
    var needsThrowaway: Bool = false

    var route: String { "\(method.rawValue) \(template)" }
    var description: String { route }

    func path(id: String) -> String {
        if template == "/api/v1/profiles/lookup" { return template + "?kind=user_id&value=customer-alpha" }
        if template == "/api/v1/consent-purposes/{name}" { return "/api/v1/consent-purposes/loyalty_news" }
        if template == "/api/v1/channels/{name}" { return "/api/v1/channels/kiosk" }
        if template == "/api/v1/events/stream" { return template + "?since=2000-01-01T00:00:00Z&limit=1" }
        if template == "/api/v1/cases/{id}/stream" { return "/api/v1/cases/\(id)/stream?limit=1" }
        if template == "/api/v1/insights/key-drivers" { return "/api/v1/insights/key-drivers?surveyId=\(id)" }
        if template == "/api/v1/journeys/{id}/people" { return "/api/v1/journeys/\(id)/people?stage=1&kind=dropped" }
        if template == "/journeys/map/people" { return "/journeys/map/people?stage=1&kind=reached" }
        if template == "/insights/roi/customers" { return "/insights/roi/customers?group=detractors" }
        if template == "/api/v1/surveys/{id}/trend" { return "/api/v1/surveys/\(id)/trend?question=nps&period=week&by=channel" }
        if template == "/api/v1/surveys/{id}/breakdown" { return "/api/v1/surveys/\(id)/breakdown?question=nps&by=trait:tier" }
        let parts = id.split(separator: "|").map(String.init)
        return template.replacingOccurrences(of: "{id}", with: parts.first ?? id)
    }

    /// The JSON body with the target's id (and, for invitees, the customer) filled in.
    func body(_ json: String, id: String) -> String {
        let parts = id.split(separator: "|").map(String.init)
        return json.replacingOccurrences(of: "{profile}", with: parts.count > 1 ? parts[1] : "").replacingOccurrences(of: "{id}", with: parts.first ?? id)
    }

    static let all: [RouteCase] = [
        // Open: no workspace data.
        .init(method: .get, template: "/health", surface: .open),
        .init(method: .get, template: "/ready", surface: .open),
        .init(method: .get, template: "/metrics", surface: .open),
        .init(method: .get, template: "/api/v1/openapi.json", surface: .open),
        .init(method: .get, template: "/static/cairn.css", surface: .open),
        .init(method: .get, template: "/static/live.js", surface: .open),
        .init(method: .get, template: "/static/survey.css", surface: .open),
        .init(method: .get, template: "/static/widget.js", surface: .open),
        .init(method: .get, template: "/static/menu.js", surface: .open),
        .init(method: .get, template: "/static/service.js", surface: .open),
        .init(method: .get, template: "/static/chat.js", surface: .open),
        .init(method: .get, template: "/static/segments.js", surface: .open),
        .init(method: .get, template: "/static/start.js", surface: .open),
        // Public survey pages: the link's token is the capability (tested in SurveyPagesTests).
        .init(method: .get, template: "/s/{token}", surface: .open),
        .init(method: .post, template: "/s/{token}", surface: .open),
        .init(method: .get, template: "/pulse/{token}", surface: .open),
        .init(method: .post, template: "/pulse/{token}", surface: .open),
        .init(method: .get, template: "/s/{token}/theme.css", surface: .open),
        .init(method: .get, template: "/s/{token}/withdraw", surface: .open),
        .init(method: .post, template: "/s/{token}/withdraw", surface: .open),
        .init(method: .get, template: "/login", surface: .open),
        .init(method: .post, template: "/login", surface: .open),
        .init(method: .get, template: "/setup", surface: .open),
        .init(method: .post, template: "/setup", surface: .open),
        // Tracking (write keys; tested in TrackingTests, including isolation).
        .init(method: .post, template: "/v1/identify", surface: .tracking),
        .init(method: .post, template: "/v1/track", surface: .tracking),
        .init(method: .post, template: "/v1/page", surface: .tracking),
        .init(method: .post, template: "/v1/screen", surface: .tracking),
        .init(method: .post, template: "/v1/group", surface: .tracking),
        .init(method: .post, template: "/v1/alias", surface: .tracking),
        .init(method: .post, template: "/v1/batch", surface: .tracking),
        .init(method: .post, template: "/v1/import", surface: .tracking),
        .init(method: .post, template: "/v1/i", surface: .tracking),
        .init(method: .post, template: "/v1/t", surface: .tracking),
        .init(method: .post, template: "/v1/p", surface: .tracking),
        .init(method: .post, template: "/v1/s", surface: .tracking),
        .init(method: .post, template: "/v1/g", surface: .tracking),
        .init(method: .post, template: "/v1/a", surface: .tracking),
        .init(method: .post, template: "/v1/b", surface: .tracking),
        // The survey widget's API, by write key (tested in WidgetTests, including another workspace's key).
        .init(method: .get, template: "/v1/surveys/{token}", surface: .tracking),
        .init(method: .post, template: "/v1/surveys/{token}/responses", surface: .tracking),
        .init(method: .get, template: "/v1/survey-prompt", surface: .tracking),
        // The chat widget's API, by write key and the conversation's token (tested in ServiceChatTests, including another workspace's key).
        .init(method: .post, template: "/v1/chat/conversations", surface: .tracking),
        .init(method: .get, template: "/v1/chat/conversations/{id}", surface: .tracking),
        .init(method: .get, template: "/v1/chat/conversations/{id}/stream", surface: .tracking),
        .init(method: .post, template: "/v1/chat/conversations/{id}/messages", surface: .tracking),
        // API.
        .init(method: .get, template: "/api/v1/me", surface: .api),
        .init(method: .get, template: "/api/v1/roles", surface: .api),
        .init(method: .get, template: "/api/v1/workspace", surface: .api, permission: .workspaceRead),
        .init(method: .patch, template: "/api/v1/workspace", surface: .api, permission: .workspaceManage, json: #"{"name":"Renamed"}"#),
        .init(method: .get, template: "/api/v1/users", surface: .api, permission: .usersRead),
        .init(method: .post, template: "/api/v1/users", surface: .api, permission: .usersManage, json: #"{"email":"new-{n}@example.com","role":"viewer"}"#),
        .init(method: .get, template: "/api/v1/users/{id}", surface: .api, target: .user, permission: .usersRead),
        .init(method: .patch, template: "/api/v1/users/{id}", surface: .api, target: .user, permission: .usersManage, json: #"{"role":"agent"}"#),
        .init(method: .delete, template: "/api/v1/users/{id}", surface: .api, target: .user, permission: .usersManage, needsThrowaway: true),
        .init(method: .get, template: "/api/v1/keys", surface: .api, permission: .keysManage),
        .init(method: .post, template: "/api/v1/keys", surface: .api, permission: .keysManage, json: #"{"kind":"write","name":"new"}"#),
        .init(method: .get, template: "/api/v1/keys/{id}", surface: .api, target: .key, permission: .keysManage),
        .init(method: .post, template: "/api/v1/keys/{id}/revoke", surface: .api, target: .key, permission: .keysManage, needsThrowaway: true),
        .init(method: .get, template: "/api/v1/audit-log", surface: .api, permission: .auditRead),
        .init(method: .get, template: "/api/v1/identity-policy", surface: .api, permission: .workspaceRead),
        .init(method: .put, template: "/api/v1/identity-policy", surface: .api, permission: .workspaceManage, json: #"{"limits":{"user_id":1,"email":2}}"#),
        .init(method: .get, template: "/api/v1/events", surface: .api, permission: .customersRead),
        .init(method: .get, template: "/api/v1/events/stream", surface: .api, permission: .customersRead),
        .init(method: .get, template: "/api/v1/profiles", surface: .api, permission: .customersRead),
        .init(method: .get, template: "/api/v1/profiles/lookup", surface: .api, permission: .customersRead),
        .init(method: .get, template: "/api/v1/profiles/{id}", surface: .api, target: .profile, permission: .customersRead),
        .init(method: .get, template: "/api/v1/profiles/{id}/events", surface: .api, target: .profile, permission: .customersRead),
        .init(method: .get, template: "/api/v1/profiles/{id}/consent", surface: .api, target: .profile, permission: .customersRead),
        .init(method: .get, template: "/api/v1/profiles/{id}/export", surface: .api, target: .profile, permission: .dataExport),
        .init(method: .post, template: "/api/v1/profiles/{id}/erase", surface: .api, target: .profile, permission: .dataErase, needsThrowaway: true),
        .init(method: .post, template: "/api/v1/profiles/{id}/consent", surface: .api, target: .profile, permission: .customersWrite,
              json: #"{"purpose":"marketing_email","status":"granted","legalBasis":"Asked at the till"}"#),
        .init(method: .get, template: "/api/v1/consent-purposes", surface: .api, permission: .workspaceRead),
        .init(method: .put, template: "/api/v1/consent-purposes/{name}", surface: .api, permission: .workspaceManage, json: #"{"mode":"opt_in","description":"Loyalty newsletter"}"#),
        .init(method: .get, template: "/api/v1/channels", surface: .api, permission: .workspaceRead),
        .init(method: .put, template: "/api/v1/channels/{name}", surface: .api, permission: .workspaceManage, json: #"{"label":"In-store kiosk"}"#),
        .init(method: .post, template: "/api/v1/erased-identifiers/release", surface: .api, target: .erasedIdentifier, permission: .dataErase,
              json: #"{"kind":"user_id","value":"{id}"}"#),
        .init(method: .get, template: "/api/v1/products", surface: .api, permission: .commerceRead),
        .init(method: .post, template: "/api/v1/products", surface: .api, permission: .commerceWrite,
              json: #"{"sku":"SKU-{n}","name":"Gift card","kind":"service","price":"25.00","currency":"EUR"}"#),
        .init(method: .get, template: "/api/v1/products/{id}", surface: .api, target: .product, permission: .commerceRead),
        .init(method: .patch, template: "/api/v1/products/{id}", surface: .api, target: .product, permission: .commerceWrite, json: #"{"name":"Renamed {n}"}"#),
        .init(method: .get, template: "/api/v1/orders", surface: .api, permission: .commerceRead),
        .init(method: .post, template: "/api/v1/orders", surface: .api, permission: .commerceWrite,
              json: #"{"orderId":"ORD-{n}","currency":"EUR","channel":"store","lines":[{"sku":"{sku}","quantity":2}]}"#),
        .init(method: .get, template: "/api/v1/orders/{id}", surface: .api, target: .order, permission: .commerceRead),
        .init(method: .post, template: "/api/v1/orders/{id}/status", surface: .api, target: .order, permission: .commerceWrite,
              json: #"{"status":"paid"}"#, needsThrowaway: true),
        .init(method: .post, template: "/api/v1/orders/{id}/transactions", surface: .api, target: .order, permission: .commerceWrite,
              json: #"{"kind":"payment","amount":"1.00","currency":"EUR","method":"card","providerReference":"ch_{n}"}"#),
        .init(method: .get, template: "/api/v1/shipments", surface: .api, permission: .commerceRead),
        .init(method: .post, template: "/api/v1/shipments", surface: .api, target: .orderInBody, permission: .commerceWrite,
              json: #"{"orderId":"{id}","carrier":"DHL","trackingNumber":"JD{n}","promisedAt":"2030-01-01T12:00:00Z"}"#),
        .init(method: .get, template: "/api/v1/shipments/{id}", surface: .api, target: .shipment, permission: .commerceRead),
        .init(method: .post, template: "/api/v1/shipments/{id}/updates", surface: .api, target: .shipment, permission: .commerceWrite,
              json: #"{"status":"in_transit","note":"Hub {n}"}"#),
        .init(method: .get, template: "/api/v1/reports/units-sold", surface: .api, permission: .commerceRead),
        .init(method: .get, template: "/api/v1/delivery-settings", surface: .api, permission: .commerceRead),
        .init(method: .put, template: "/api/v1/delivery-settings", surface: .api, permission: .workspaceManage, json: #"{"stuckAfterHours":36}"#),
        .init(method: .get, template: "/api/v1/survey-templates", surface: .api, permission: .feedbackRead),
        .init(method: .get, template: "/api/v1/surveys", surface: .api, permission: .feedbackRead),
        .init(method: .post, template: "/api/v1/surveys", surface: .api, permission: .feedbackManage, json: #"{"name":"CSAT {n}","template":"post_delivery_csat"}"#),
        .init(method: .get, template: "/api/v1/surveys/{id}", surface: .api, target: .survey, permission: .feedbackRead),
        .init(method: .patch, template: "/api/v1/surveys/{id}", surface: .api, target: .survey, permission: .feedbackManage, json: #"{"name":"Renamed {n}"}"#),
        .init(method: .post, template: "/api/v1/surveys/{id}/status", surface: .api, target: .survey, permission: .feedbackManage,
              json: #"{"status":"published"}"#, needsThrowaway: true),
        .init(method: .post, template: "/api/v1/surveys/{id}/invitations", surface: .api, target: .invitee, permission: .feedbackManage,
              json: #"{"profileId":"{profile}","expiresInDays":7}"#),
        .init(method: .post, template: "/api/v1/surveys/{id}/email-invitations", surface: .api, target: .invitee, permission: .feedbackManage,
              json: #"{"profileIds":["{profile}"]}"#),
        .init(method: .post, template: "/api/v1/surveys/{id}/reminders", surface: .api, target: .survey, permission: .feedbackManage),
        .init(method: .get, template: "/api/v1/surveys/{id}/emails", surface: .api, target: .survey, permission: .feedbackRead),
        .init(method: .get, template: "/api/v1/surveys/{id}/responses", surface: .api, target: .survey, permission: .feedbackRead),
        .init(method: .get, template: "/api/v1/surveys/{id}/summary", surface: .api, target: .survey, permission: .feedbackRead),
        .init(method: .get, template: "/api/v1/surveys/{id}/trend", surface: .api, target: .survey, permission: .feedbackRead),
        .init(method: .get, template: "/api/v1/surveys/{id}/breakdown", surface: .api, target: .survey, permission: .feedbackRead),
        .init(method: .get, template: "/api/v1/surveys/{id}/topics", surface: .api, target: .survey, permission: .feedbackRead),
        .init(method: .get, template: "/api/v1/surveys/{id}/triggers", surface: .api, target: .survey, permission: .feedbackRead),
        .init(method: .put, template: "/api/v1/surveys/{id}/triggers", surface: .api, target: .survey, permission: .feedbackManage,
              json: #"{"triggers":[{"event":"Order Delivered","action":"email","delayMinutes":1440,"samplePercent":50}]}"#),
        .init(method: .get, template: "/api/v1/surveys/{id}/trigger-firings", surface: .api, target: .survey, permission: .feedbackRead),
        .init(method: .get, template: "/api/v1/survey-contact-settings", surface: .api, permission: .feedbackRead),
        .init(method: .get, template: "/api/v1/feedback-topics", surface: .api, permission: .feedbackRead),
        .init(method: .put, template: "/api/v1/feedback-topics", surface: .api, permission: .feedbackManage,
              json: #"{"topics":[{"id":"parking","name":"Parking","keywords":{"en":["parking","car park"],"de":["parkplatz"]}}]}"#),
        .init(method: .put, template: "/api/v1/survey-contact-settings", surface: .api, permission: .feedbackManage, json: #"{"recontactDays":30}"#),
        .init(method: .get, template: "/api/v1/feedback-alerts", surface: .api, permission: .feedbackRead),
        .init(method: .get, template: "/api/v1/feedback-alert-settings", surface: .api, permission: .feedbackRead),
        .init(method: .put, template: "/api/v1/feedback-alert-settings", surface: .api, permission: .feedbackManage, json: #"{"csatAtMost":2,"cesAtMost":3}"#),
        .init(method: .get, template: "/api/v1/webhooks", surface: .api, permission: .workspaceManage),
        .init(method: .post, template: "/api/v1/webhooks", surface: .api, permission: .workspaceManage, json: #"{"url":"https://hooks.example/{n}"}"#),
        .init(method: .delete, template: "/api/v1/webhooks/{id}", surface: .api, target: .webhook, permission: .workspaceManage, needsThrowaway: true),
        .init(method: .get, template: "/api/v1/webhooks/{id}/deliveries", surface: .api, target: .webhook, permission: .workspaceManage),
        .init(method: .get, template: "/api/v1/cases", surface: .api, permission: .serviceRead),
        .init(method: .post, template: "/api/v1/cases", surface: .api, permission: .serviceWork,
              json: #"{"contact":"walk-in {n}","channel":"store","subject":"Receipt {n}","message":"Lost my receipt","priority":"low","tags":["till"]}"#),
        .init(method: .post, template: "/api/v1/cases/bulk", surface: .api, target: .caseInBody, permission: .serviceWork,
              json: #"{"ids":["{id}"],"change":{"priority":"high"}}"#),
        .init(method: .get, template: "/api/v1/cases/{id}", surface: .api, target: .serviceCase, permission: .serviceRead),
        .init(method: .get, template: "/api/v1/cases/{id}/stream", surface: .api, target: .serviceCase, permission: .serviceRead),
        .init(method: .patch, template: "/api/v1/cases/{id}", surface: .api, target: .serviceCase, permission: .serviceWork, json: #"{"tags":["t{n}"]}"#),
        .init(method: .post, template: "/api/v1/cases/{id}/messages", surface: .api, target: .serviceCase, permission: .serviceWork, json: #"{"body":"On it ({n})."}"#),
        .init(method: .post, template: "/api/v1/cases/{id}/merge", surface: .api, target: .serviceCase, permission: .serviceWork, json: #"{"into":"{profile}"}"#,
              needsThrowaway: true),
        .init(method: .get, template: "/api/v1/case-queues", surface: .api, permission: .serviceRead),
        .init(method: .get, template: "/api/v1/reports/service", surface: .api, permission: .serviceRead),
        .init(method: .get, template: "/api/v1/service-alerts", surface: .api, permission: .workspaceRead),
        .init(method: .get, template: "/api/v1/campaigns", surface: .api, permission: .journeysRead),
        .init(method: .post, template: "/api/v1/funnels/query", surface: .api, permission: .journeysRead,
              json: #"{"steps":[{"event":"Product Viewed"},{"event":"Order Completed"}],"breakdown":{"by":"channel"}}"#),
        .init(method: .post, template: "/api/v1/paths/query", surface: .api, permission: .journeysRead, json: #"{"event":"Product Viewed","direction":"after"}"#),
        .init(method: .get, template: "/api/v1/insights/key-drivers", surface: .api, target: .survey, permission: .insightsRead),
        .init(method: .get, template: "/api/v1/insights/scorecard", surface: .api, permission: .insightsRead),
        .init(method: .get, template: "/api/v1/insights/alerts", surface: .api, permission: .insightsRead),
        .init(method: .get, template: "/api/v1/value/model", surface: .api, permission: .customersRead),
        .init(method: .post, template: "/api/v1/value/recompute", surface: .api, permission: .valueManage),
        .init(method: .get, template: "/api/v1/value/customers", surface: .api, permission: .customersRead),
        .init(method: .get, template: "/api/v1/profiles/{id}/value", surface: .api, target: .profile, permission: .customersRead),
        .init(method: .get, template: "/api/v1/profiles/export", surface: .api, permission: .dataExport),
        .init(method: .get, template: "/api/v1/forecasts/revenue", surface: .api, permission: .commerceRead),
        .init(method: .get, template: "/api/v1/roi", surface: .api, permission: .insightsRead),
        .init(method: .put, template: "/api/v1/roi/costs", surface: .api, permission: .valueManage,
              json: #"{"currency":"EUR","programmes":[{"name":"Faster couriers","annualCost":"12000"}]}"#),
        .init(method: .get, template: "/api/v1/funnels/saved", surface: .api, permission: .journeysRead),
        .init(method: .post, template: "/api/v1/funnels/saved", surface: .api, permission: .journeysManage,
              json: #"{"name":"Checkout {n}","funnel":{"steps":[{"event":"Cart Viewed"},{"event":"Order Completed"}],"windowMinutes":1440}}"#),
        .init(method: .delete, template: "/api/v1/funnels/saved/{id}", surface: .api, target: .savedFunnel, permission: .journeysManage, needsThrowaway: true),
        .init(method: .get, template: "/api/v1/journeys", surface: .api, permission: .journeysRead),
        .init(method: .get, template: "/api/v1/insights/active-people", surface: .api, permission: .journeysRead),
        .init(method: .post, template: "/api/v1/journeys", surface: .api, permission: .journeysManage,
              json: #"{"name":"Shopper {n}","stages":[{"name":"Consider","events":["Product Viewed"]},{"name":"Buy","events":["Order Completed"]}]}"#),
        .init(method: .put, template: "/api/v1/journeys/{id}", surface: .api, target: .journey, permission: .journeysManage,
              json: #"{"name":"Shopper {n}","stages":[{"name":"Consider","events":["Product Viewed"]},{"name":"Buy","events":["Order Completed"]}]}"#),
        .init(method: .get, template: "/api/v1/journeys/{id}/map", surface: .api, target: .journey, permission: .journeysRead),
        .init(method: .get, template: "/api/v1/journeys/{id}/people", surface: .api, target: .journey, permission: .journeysRead),
        .init(method: .get, template: "/api/v1/segments", surface: .api, permission: .customersRead),
        .init(method: .post, template: "/api/v1/segments", surface: .api, permission: .segmentsManage,
              json: #"{"name":"Germans {n}","rule":{"trait":{"name":"country","op":"eq","value":"DE"}}}"#),
        .init(method: .post, template: "/api/v1/segments/preview", surface: .api, permission: .customersRead,
              json: #"{"rule":{"event":{"name":"Order Completed","atLeast":1,"withinDays":90}}}"#),
        .init(method: .get, template: "/api/v1/segments/{id}", surface: .api, target: .segment, permission: .customersRead),
        .init(method: .put, template: "/api/v1/segments/{id}", surface: .api, target: .segment, permission: .segmentsManage, json: #"{"name":"Renamed {n}"}"#),
        .init(method: .delete, template: "/api/v1/segments/{id}", surface: .api, target: .segment, permission: .segmentsManage, needsThrowaway: true),
        .init(method: .get, template: "/api/v1/segments/{id}/members", surface: .api, target: .segment, permission: .customersRead),
        .init(method: .get, template: "/api/v1/segments/{id}/changes", surface: .api, target: .segment, permission: .customersRead),
        .init(method: .get, template: "/api/v1/segments/{id}/counts", surface: .api, target: .segment, permission: .customersRead),
        .init(method: .get, template: "/api/v1/profiles/{id}/segments", surface: .api, target: .profile, permission: .customersRead),
        .init(method: .get, template: "/api/v1/personas", surface: .api, permission: .insightsRead),
        .init(method: .post, template: "/api/v1/personas/recompute", surface: .api, permission: .segmentsManage),
        .init(method: .get, template: "/api/v1/profiles/{id}/persona", surface: .api, target: .profile, permission: .customersRead),
        .init(method: .post, template: "/api/v1/profiles/{id}/offers", surface: .api, target: .profile, permission: .customersRead,
              json: #"{"k":3,"surface":"site","location":{"latitude":52.52,"longitude":13.405}}"#),
        .init(method: .get, template: "/api/v1/profiles/{id}/offer-decisions", surface: .api, target: .profile, permission: .customersRead),
        .init(method: .get, template: "/api/v1/offers/evaluation", surface: .api, permission: .insightsRead),
        .init(method: .get, template: "/api/v1/stores", surface: .api, permission: .workspaceRead),
        .init(method: .post, template: "/api/v1/stores", surface: .api, permission: .workforceManage,
              json: #"{"code":"store-{n}","name":"Store {n}","city":"Berlin","country":"DE","location":{"latitude":52.52,"longitude":13.405}}"#),
        .init(method: .get, template: "/api/v1/stores/{id}", surface: .api, target: .retailStore, permission: .workspaceRead),
        .init(method: .put, template: "/api/v1/stores/{id}", surface: .api, target: .retailStore, permission: .workforceManage, json: #"{"name":"Renamed {n}"}"#),
        .init(method: .delete, template: "/api/v1/stores/{id}", surface: .api, target: .retailStore, permission: .workforceManage, needsThrowaway: true),
        .init(method: .get, template: "/api/v1/stores/{id}/at-risk", surface: .api, target: .retailStore, permission: .workforceManage),
        .init(method: .get, template: "/api/v1/employees", surface: .api, permission: .workforceManage),
        .init(method: .post, template: "/api/v1/employees", surface: .api, permission: .workforceManage, json: #"{"name":"Kim {n}","email":"kim-{n}@example.com"}"#),
        .init(method: .put, template: "/api/v1/employees/{id}", surface: .api, target: .employee, permission: .workforceManage, json: #"{"name":"Renamed {n}"}"#),
        .init(method: .get, template: "/api/v1/pulses", surface: .api, permission: .workforceManage),
        .init(method: .post, template: "/api/v1/pulses", surface: .api, target: .staffed, permission: .workforceManage, json: #"{"name":"Pulse {n}","days":7}"#),
        .init(method: .get, template: "/api/v1/pulses/{id}/results", surface: .api, target: .pulse, permission: .workforceManage),
        .init(method: .get, template: "/api/v1/pulses/{id}/ex-cx", surface: .api, target: .pulse, permission: .workforceManage),
        .init(method: .post, template: "/api/v1/campaigns", surface: .api, permission: .journeysManage, json: #"{"name":"Spring {n}","startedAt":"2026-03-20T08:00:00Z"}"#),
        .init(method: .get, template: "/api/v1/kb-articles", surface: .api, permission: .serviceRead),
        .init(method: .post, template: "/api/v1/kb-articles", surface: .api, permission: .serviceManage,
              json: #"{"language":"de","title":"Rücksendung {n}","body":"Innerhalb von 30 Tagen zurücksenden."}"#),
        .init(method: .put, template: "/api/v1/kb-articles/{id}", surface: .api, target: .article, permission: .serviceManage,
              json: #"{"language":"en","title":"Returns {n}","body":"Within 30 days."}"#),
        .init(method: .delete, template: "/api/v1/kb-articles/{id}", surface: .api, target: .article, permission: .serviceManage, needsThrowaway: true),
        .init(method: .get, template: "/api/v1/agent-availability", surface: .api, permission: .serviceRead),
        .init(method: .put, template: "/api/v1/agent-availability", surface: .api, target: .user, permission: .serviceWork, json: #"{"status":"away","userId":"{id}"}"#),
        .init(method: .get, template: "/api/v1/chat-settings", surface: .api, permission: .workspaceManage),
        .init(method: .get, template: "/api/v1/cases/{id}/emails", surface: .api, target: .serviceCase, permission: .serviceRead),
        .init(method: .post, template: "/api/v1/email/inbound", surface: .api, permission: .serviceWork,
              json: "From: Walk In <walk-in-{n}@example.com>\r\nSubject: Receipt\r\nMessage-ID: <{n}@example.com>\r\n\r\nI lost my receipt."),
        .init(method: .get, template: "/api/v1/teams", surface: .api, permission: .serviceRead),
        .init(method: .post, template: "/api/v1/teams", surface: .api, permission: .serviceManage,
              json: #"{"name":"Team {n}","calendar":{"timeZone":"Europe/Berlin","hours":{"mon":[["09:00","17:00"]]},"holidays":["2026-12-25"]}}"#),
        .init(method: .patch, template: "/api/v1/teams/{id}", surface: .api, target: .team, permission: .serviceManage, json: #"{"name":"Team {n}"}"#),
        .init(method: .get, template: "/api/v1/sla-policies", surface: .api, permission: .serviceRead),
        .init(method: .post, template: "/api/v1/sla-policies", surface: .api, permission: .serviceManage,
              json: #"{"name":"Policy {n}","priorities":["urgent"],"firstResponseMinutes":30,"escalation":{"raisePriority":true}}"#),
        .init(method: .put, template: "/api/v1/sla-policies/{id}", surface: .api, target: .slaPolicy, permission: .serviceManage,
              json: #"{"name":"Seed policy","firstResponseMinutes":120}"#),
        .init(method: .delete, template: "/api/v1/sla-policies/{id}", surface: .api, target: .slaPolicy, permission: .serviceManage, needsThrowaway: true),
        .init(method: .get, template: "/api/v1/service-settings", surface: .api, permission: .serviceRead),
        .init(method: .put, template: "/api/v1/service-settings", surface: .api, permission: .serviceManage,
              json: #"{"followUp":{"enabled":true,"kinds":["detractor"],"priority":"high"},"costPerContact":{"email":"2.50","phone":"6.00"},"currency":"EUR"}"#),
        .init(method: .get, template: "/api/v1/canned-replies", surface: .api, permission: .serviceRead),
        .init(method: .post, template: "/api/v1/canned-replies", surface: .api, permission: .serviceManage,
              json: #"{"title":"Refund {n}","bodies":{"en":"Hello {name}, your refund is on its way.","he":"שלום {name}, ההחזר בדרך."}}"#),
        .init(method: .delete, template: "/api/v1/canned-replies/{id}", surface: .api, target: .cannedReply, permission: .serviceManage, needsThrowaway: true),
        .init(method: .get, template: "/api/v1/case-statuses", surface: .api, permission: .serviceRead),
        .init(method: .post, template: "/api/v1/case-statuses", surface: .api, permission: .serviceManage, json: #"{"name":"waiting {n}","behavesLike":"pending"}"#),
        .init(method: .get, template: "/api/v1/sources", surface: .api, permission: .keysManage),
        .init(method: .post, template: "/api/v1/sources", surface: .api, permission: .keysManage, json: #"{"name":"Till {n}","defaultChannel":"store"}"#),
        .init(method: .get, template: "/api/v1/sources/{id}", surface: .api, target: .source, permission: .keysManage),
        .init(method: .patch, template: "/api/v1/sources/{id}", surface: .api, target: .source, permission: .keysManage, json: #"{"rateLimit":50}"#),
        // Web pages.
        .init(method: .get, template: "/", surface: .web, permission: .workspaceRead),
        .init(method: .get, template: "/start", surface: .web, permission: .workspaceRead),
        .init(method: .get, template: "/customers", surface: .web, permission: .customersRead),
        .init(method: .get, template: "/live", surface: .web, permission: .customersRead),
        .init(method: .get, template: "/customers/{id}", surface: .web, target: .profile, permission: .customersRead),
        .init(method: .post, template: "/customers/{id}/export", surface: .web, target: .profile, permission: .dataExport, form: [:]),
        .init(method: .post, template: "/customers/{id}/erase", surface: .web, target: .profile, permission: .dataErase, form: ["confirm": "ERASE"], needsThrowaway: true),
        .init(method: .post, template: "/customers/{id}/consent", surface: .web, target: .profile, permission: .customersWrite,
              form: ["purpose": "surveys", "status": "granted", "legalBasis": "Asked on the phone"]),
        .init(method: .get, template: "/commerce", surface: .web, permission: .commerceRead),
        .init(method: .get, template: "/commerce/orders/{id}", surface: .web, target: .order, permission: .commerceRead),
        .init(method: .get, template: "/commerce/deliveries", surface: .web, permission: .commerceRead),
        .init(method: .get, template: "/commerce/products", surface: .web, permission: .commerceRead),
        .init(method: .get, template: "/commerce/units-sold", surface: .web, permission: .commerceRead),
        .init(method: .get, template: "/commerce/units-sold.csv", surface: .web, permission: .commerceRead),
        .init(method: .get, template: "/feedback", surface: .web, permission: .feedbackRead),
        .init(method: .get, template: "/feedback/surveys", surface: .web, permission: .feedbackRead),
        .init(method: .post, template: "/feedback/surveys", surface: .web, permission: .feedbackManage, form: ["template": "post_contact_ces", "name": "CES {n}"]),
        .init(method: .get, template: "/feedback/surveys/{id}", surface: .web, target: .survey, permission: .feedbackRead),
        .init(method: .post, template: "/feedback/surveys/{id}", surface: .web, target: .survey, permission: .feedbackManage, form: ["name": "Renamed {n}"]),
        .init(method: .post, template: "/feedback/surveys/{id}/status", surface: .web, target: .survey, permission: .feedbackManage,
              form: ["status": "published"], needsThrowaway: true),
        .init(method: .get, template: "/feedback/surveys/{id}/preview", surface: .web, target: .survey, permission: .feedbackRead),
        .init(method: .get, template: "/feedback/surveys/{id}/build", surface: .web, target: .survey, permission: .feedbackRead),
        .init(method: .post, template: "/feedback/surveys/{id}/build", surface: .web, target: .survey, permission: .feedbackManage,
              form: ["do": "save", "question": "why", "text_de": "Warum {n}?"]),
        .init(method: .post, template: "/feedback/surveys/{id}/email-invitations", surface: .web, target: .invitee, permission: .feedbackManage,
              form: ["customers": "customer1@alpha.example"]),
        .init(method: .post, template: "/feedback/surveys/{id}/reminders", surface: .web, target: .survey, permission: .feedbackManage),
        .init(method: .post, template: "/feedback/surveys/{id}/triggers", surface: .web, target: .survey, permission: .feedbackManage,
              form: ["triggers": #"[{"event":"Order Delivered","action":"show"}]"#]),
        .init(method: .post, template: "/feedback/contact-settings", surface: .web, permission: .feedbackManage, form: ["recontactDays": "30"]),
        .init(method: .get, template: "/feedback/responses", surface: .web, permission: .feedbackRead),
        .init(method: .get, template: "/feedback/responses.csv", surface: .web, permission: .feedbackRead),
        .init(method: .get, template: "/feedback/topics", surface: .web, permission: .feedbackRead),
        .init(method: .post, template: "/feedback/topics", surface: .web, permission: .feedbackManage,
              form: ["id": "parking-{n}", "name": "Parking", "en": "parking, car park", "de": "", "he": "", "zh": ""]),
        .init(method: .get, template: "/service", surface: .web, permission: .serviceRead),
        .init(method: .get, template: "/service/insights", surface: .web, permission: .serviceRead),
        .init(method: .get, template: "/service/insights.csv", surface: .web, permission: .serviceRead),
        .init(method: .get, template: "/service/notifications", surface: .web, permission: .serviceRead),
        .init(method: .post, template: "/service/notifications/read", surface: .web, permission: .serviceRead, form: [:]),
        .init(method: .get, template: "/service/setup", surface: .web, permission: .serviceRead),
        .init(method: .post, template: "/service/setup/teams", surface: .web, permission: .serviceManage,
              form: ["name": "Team {n}", "timeZone": "Europe/Berlin", "hours_mon": "09:00-17:00", "holidays": "2026-12-25"]),
        .init(method: .get, template: "/service/setup/teams/{id}", surface: .web, target: .team, permission: .serviceManage),
        .init(method: .post, template: "/service/setup/teams/{id}", surface: .web, target: .team, permission: .serviceManage,
              form: ["name": "Team {n}", "timeZone": "Asia/Jerusalem", "hours_sun": "08:00-16:00"]),
        .init(method: .post, template: "/service/setup/policies", surface: .web, permission: .serviceManage, form: ["name": "Policy {n}", "firstResponseMinutes": "30"]),
        .init(method: .get, template: "/service/setup/policies/{id}", surface: .web, target: .slaPolicy, permission: .serviceManage),
        .init(method: .post, template: "/service/setup/policies/{id}", surface: .web, target: .slaPolicy, permission: .serviceManage,
              form: ["name": "Seed policy", "firstResponseMinutes": "90", "notify": "1"]),
        .init(method: .post, template: "/service/setup/policies/{id}/delete", surface: .web, target: .slaPolicy, permission: .serviceManage, form: [:], needsThrowaway: true),
        .init(method: .post, template: "/service/setup/statuses", surface: .web, permission: .serviceManage, form: ["name": "waiting {n}", "behavesLike": "on_hold"]),
        .init(method: .post, template: "/service/setup/canned-replies", surface: .web, permission: .serviceManage, form: ["title": "Reply {n}", "body_en": "Hello {name}"]),
        .init(method: .post, template: "/service/setup/canned-replies/{id}/delete", surface: .web, target: .cannedReply, permission: .serviceManage, form: [:],
              needsThrowaway: true),
        .init(method: .post, template: "/service/setup/articles", surface: .web, permission: .serviceManage,
              form: ["language": "de", "title": "Rücksendung {n}", "body": "Innerhalb von 30 Tagen."]),
        .init(method: .get, template: "/service/setup/articles/{id}", surface: .web, target: .article, permission: .serviceManage),
        .init(method: .post, template: "/service/setup/articles/{id}", surface: .web, target: .article, permission: .serviceManage,
              form: ["language": "en", "title": "Returns {n}", "body": "Within 30 days."]),
        .init(method: .post, template: "/service/setup/articles/{id}/delete", surface: .web, target: .article, permission: .serviceManage, form: [:], needsThrowaway: true),
        .init(method: .post, template: "/service/setup/settings", surface: .web, permission: .serviceManage, form: ["cost_email": "2.50", "currency": "EUR"]),
        .init(method: .post, template: "/service/availability", surface: .web, permission: .serviceWork, form: ["status": "away"]),
        .init(method: .post, template: "/service/cases", surface: .web, permission: .serviceWork,
              form: ["contact": "walk-in {n}", "channel": "store", "subject": "Receipt {n}", "priority": "normal"]),
        .init(method: .post, template: "/service/bulk", surface: .web, target: .caseInBody, permission: .serviceWork, form: ["ids": "{id}", "action": "assign_me"]),
        .init(method: .get, template: "/service/cases/{id}", surface: .web, target: .serviceCase, permission: .serviceRead),
        .init(method: .post, template: "/service/cases/{id}", surface: .web, target: .serviceCase, permission: .serviceWork, form: ["priority": "high"]),
        .init(method: .post, template: "/service/cases/{id}/reply", surface: .web, target: .serviceCase, permission: .serviceWork, form: ["body": "On it ({n})."]),
        .init(method: .post, template: "/service/cases/{id}/merge", surface: .web, target: .serviceCase, permission: .serviceWork, form: ["into": "{profile}"],
              needsThrowaway: true),
        .init(method: .get, template: "/journeys", surface: .web, permission: .journeysRead),
        .init(method: .get, template: "/journeys/paths", surface: .web, permission: .journeysRead),
        .init(method: .get, template: "/insights", surface: .web, permission: .insightsRead),
        .init(method: .get, template: "/insights/scorecard", surface: .web, permission: .insightsRead),
        .init(method: .get, template: "/insights/alerts", surface: .web, permission: .insightsRead),
        .init(method: .get, template: "/insights/value", surface: .web, permission: .insightsRead),
        .init(method: .get, template: "/insights/personas", surface: .web, permission: .insightsRead),
        .init(method: .post, template: "/insights/personas/recompute", surface: .web, permission: .segmentsManage, form: [:]),
        .init(method: .post, template: "/service/cases/{id}/offers", surface: .web, target: .serviceCase, permission: .serviceWork, form: [:]),
        .init(method: .get, template: "/workforce", surface: .web, permission: .workforceManage),
        .init(method: .post, template: "/workforce/pulses", surface: .web, target: .staffed, permission: .workforceManage, form: ["name": "Pulse {n}", "days": "7"]),
        .init(method: .get, template: "/workforce/pulses/{id}", surface: .web, target: .pulse, permission: .workforceManage),
        .init(method: .get, template: "/workforce/my-store", surface: .web, permission: .customersRead),
        .init(method: .get, template: "/insights/forecast", surface: .web, permission: .insightsRead),
        .init(method: .get, template: "/insights/roi", surface: .web, permission: .insightsRead),
        .init(method: .get, template: "/insights/roi/customers", surface: .web, permission: .insightsRead),
        .init(method: .post, template: "/insights/roi/costs", surface: .web, permission: .valueManage, form: ["currency": "EUR", "programmes": "Couriers; 1200"]),
        .init(method: .post, template: "/insights/value/recompute", surface: .web, permission: .valueManage, form: [:]),
        .init(method: .post, template: "/customers/export", surface: .web, permission: .dataExport, form: [:]),
        .init(method: .get, template: "/customers/segments", surface: .web, permission: .customersRead),
        .init(method: .get, template: "/customers/segments/new", surface: .web, permission: .segmentsManage),
        .init(method: .post, template: "/customers/segments", surface: .web, permission: .segmentsManage,
              form: ["name": "Seen {n}", "kind": "trait", "negate": "is", "field": "country", "op": "exists"]),
        .init(method: .get, template: "/customers/segments/{id}", surface: .web, target: .segment, permission: .customersRead),
        .init(method: .get, template: "/customers/segments/{id}/edit", surface: .web, target: .segment, permission: .segmentsManage),
        .init(method: .post, template: "/customers/segments/{id}", surface: .web, target: .segment, permission: .segmentsManage,
              form: ["name": "Renamed {n}", "kind": "event", "negate": "not", "field": "Order Completed", "countOp": "atLeast", "count": "1", "days": "30"]),
        .init(method: .post, template: "/customers/segments/{id}/delete", surface: .web, target: .segment, permission: .segmentsManage, form: [:], needsThrowaway: true),
        .init(method: .get, template: "/journeys/map", surface: .web, permission: .journeysRead),
        .init(method: .post, template: "/journeys/map/define", surface: .web, permission: .journeysManage,
              form: ["name": "Shopper {n}", "stages": "Look: Product Viewed\nBuy: Checkout Started, Order Completed"]),
        .init(method: .post, template: "/journeys/saved", surface: .web, permission: .journeysManage,
              form: ["name": "Checkout {n}", "steps": #"["Cart Viewed","Order Completed"]"#, "windowDays": "2", "order": "sequential"]),
        .init(method: .post, template: "/journeys/saved/{id}/delete", surface: .web, target: .savedFunnel, permission: .journeysManage, form: [:], needsThrowaway: true),
        .init(method: .get, template: "/journeys/map/people", surface: .web, permission: .journeysRead),
        .init(method: .get, template: "/settings", surface: .web),
        .init(method: .get, template: "/settings/workspace", surface: .web, permission: .workspaceRead),
        .init(method: .post, template: "/settings/workspace", surface: .web, permission: .workspaceManage, form: ["name": "Renamed"]),
        .init(method: .get, template: "/settings/users", surface: .web, permission: .usersRead),
        .init(method: .post, template: "/settings/users", surface: .web, permission: .usersManage, form: ["email": "web-{n}@example.com", "role": "viewer"]),
        .init(method: .post, template: "/settings/users/{id}/role", surface: .web, target: .user, permission: .usersManage, form: ["role": "agent"]),
        .init(method: .post, template: "/settings/users/{id}/remove", surface: .web, target: .user, permission: .usersManage, form: [:], needsThrowaway: true),
        .init(method: .get, template: "/settings/keys", surface: .web, permission: .keysManage),
        .init(method: .post, template: "/settings/keys", surface: .web, permission: .keysManage, form: ["kind": "write", "name": "web key"]),
        .init(method: .post, template: "/settings/keys/{id}/revoke", surface: .web, target: .key, permission: .keysManage, form: [:], needsThrowaway: true),
        .init(method: .get, template: "/settings/sources", surface: .web, permission: .keysManage),
        .init(method: .post, template: "/start/source", surface: .web, permission: .keysManage, form: ["name": "Start {n}", "defaultChannel": "web"]),
        .init(method: .post, template: "/settings/sources", surface: .web, permission: .keysManage, form: ["name": "Kiosk {n}", "defaultChannel": "store"]),
        .init(method: .post, template: "/settings/sources/{id}", surface: .web, target: .source, permission: .keysManage, form: ["defaultChannel": "app", "rateLimit": "7"]),
        .init(method: .post, template: "/settings/channels", surface: .web, permission: .workspaceManage, form: ["name": "kiosk_{n}", "label": "Kiosk"]),
        .init(method: .get, template: "/settings/audit", surface: .web, permission: .auditRead),
        .init(method: .post, template: "/settings/audit/export", surface: .web, permission: .auditRead, form: [:]),
        .init(method: .get, template: "/settings/profile", surface: .web),
        .init(method: .post, template: "/settings/profile", surface: .web, form: ["displayName": "Me", "locale": ""]),
        .init(method: .post, template: "/logout", surface: .web, form: [:]),
    ]
}

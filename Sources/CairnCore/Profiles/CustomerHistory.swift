import Foundation

/// What happened to a customer besides their events, for the agent's one screen: their latest orders (every status
/// change and payment kept on each), the parcels of those orders, and their latest survey responses with the surveys'
/// names. A part the asker may not see is empty.
public struct CustomerHistory: Sendable {
    public var orders: [Order]
    public var shipments: [Shipment]
    public var responses: [SurveyResponse]
    public var surveyNames: [SurveyID: String]

    public init(orders: [Order] = [], shipments: [Shipment] = [], responses: [SurveyResponse] = [], surveyNames: [SurveyID: String] = [:]) {
        self.orders = orders
        self.shipments = shipments
        self.responses = responses
        self.surveyNames = surveyNames
    }
}

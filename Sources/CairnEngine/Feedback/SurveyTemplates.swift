public import CairnCore

/// Ready-made surveys a manager starts from: relationship NPS, post-delivery CSAT, post-contact CES and employee
/// eNPS, each in English, German, Chinese and Hebrew.
public enum SurveyTemplate: String, Sendable, CaseIterable {
    case relationshipNPS = "relationship_nps"
    case postDeliveryCSAT = "post_delivery_csat"
    case postContactCES = "post_contact_ces"
    case employeeNPS = "employee_enps"
    case customerValues = "customer_values"

    typealias Q = SurveyDefinition.Question

    static func text(_ en: String, _ de: String, _ zh: String, _ he: String) -> LocalizedText {
        LocalizedText(["en": en, "de": de, "zh": zh, "he": he])
    }

    static let why = text("What is the main reason for your score?", "Was ist der wichtigste Grund für Ihre Bewertung?", "您给出这个评分的主要原因是什么？",
                          "מהי הסיבה העיקרית לציון שנתת?")
    static let improve = text("What could we do better?", "Was könnten wir besser machen?", "我们可以在哪些方面做得更好？", "מה נוכל לעשות טוב יותר?")

    /// The standard wording of NPS, CSAT and CES questions in the four languages (nil for other types).
    public static func standardText(of type: SurveyDefinition.QuestionType) -> LocalizedText? {
        switch type {
        case .nps: relationshipNPS.definition.questions[0].text
        case .csat: text("How satisfied are you with your experience?", "Wie zufrieden sind Sie mit Ihrer Erfahrung?", "您对本次体验满意吗？", "עד כמה אתה מרוצה מהחוויה?")
        case .ces: postContactCES.definition.questions[0].text
        default: nil
        }
    }

    public var name: String {
        switch self {
        case .relationshipNPS: "Relationship NPS"
        case .postDeliveryCSAT: "Post-delivery CSAT"
        case .postContactCES: "Post-contact CES"
        case .employeeNPS: "Employee eNPS"
        case .customerValues: "What matters to you"
        }
    }

    public var definition: SurveyDefinition {
        switch self {
        case .relationshipNPS:
            SurveyDefinition(title: Self.text("How are we doing?", "Wie machen wir uns?", "我们做得怎么样？", "איך אנחנו עושים?"), questions: [
                Q(id: "nps", type: .nps, text: Self.text("How likely are you to recommend us to a friend or colleague?",
                                                          "Wie wahrscheinlich ist es, dass Sie uns einem Freund oder Kollegen empfehlen?",
                                                          "您向朋友或同事推荐我们的可能性有多大？", "מה הסיכוי שתמליץ עלינו לחבר או לעמית?")),
                Q(id: "why", type: .text, required: false, text: Self.why),
                Q(id: "improve", type: .text, required: false, text: Self.improve, showIf: .init(question: "nps", atMost: 6)),
            ])
        case .postDeliveryCSAT:
            SurveyDefinition(title: Self.text("Your delivery", "Ihre Lieferung", "您的配送", "המשלוח שלך"), questions: [
                Q(id: "csat", type: .csat, text: Self.text("How satisfied are you with your delivery?", "Wie zufrieden sind Sie mit Ihrer Lieferung?",
                                                            "您对本次配送满意吗？", "עד כמה אתה מרוצה מהמשלוח?")),
                Q(id: "why", type: .text, required: false, text: Self.why),
            ])
        case .postContactCES:
            SurveyDefinition(title: Self.text("Your recent contact", "Ihr letzter Kontakt", "您最近的咨询", "הפנייה האחרונה שלך"), questions: [
                Q(id: "ces", type: .ces, text: Self.text("The company made it easy to handle my issue.", "Das Unternehmen hat es mir leicht gemacht, mein Anliegen zu klären.",
                                                          "公司让我轻松地解决了我的问题。", "החברה הקלה עליי לטפל בבעיה שלי.")),
                Q(id: "why", type: .text, required: false, text: Self.why),
            ])
        case .employeeNPS:
            SurveyDefinition(title: Self.text("Working here", "Arbeiten bei uns", "在这里工作", "לעבוד כאן"), questions: [
                Q(id: "enps", type: .nps, text: Self.text("How likely are you to recommend working here to a friend?",
                                                           "Wie wahrscheinlich ist es, dass Sie uns als Arbeitgeber einem Freund empfehlen?",
                                                           "您向朋友推荐来这里工作的可能性有多大？", "מה הסיכוי שתמליץ לחבר לעבוד כאן?")),
                Q(id: "why", type: .text, required: false, text: Self.why),
            ], audience: .employees)
        case .customerValues:
            SurveyDefinition(title: Self.text("What matters to you", "Was Ihnen wichtig ist", "您最看重什么", "מה חשוב לך"), questions: [
                Q(id: "values", type: .ranking, text: Self.text("Put these in order: what matters most to you when you shop with us?",
                                                                 "Bringen Sie diese in eine Reihenfolge: Was ist Ihnen beim Einkauf bei uns am wichtigsten?",
                                                                 "请排序：在我们这里购物时，您最看重什么？", "סדרו לפי החשיבות: מה הכי חשוב לכם כשאתם קונים אצלנו?"),
                  options: [
                    .init(id: "price", text: Self.text("A good price", "Ein guter Preis", "实惠的价格", "מחיר טוב")),
                    .init(id: "sustainability", text: Self.text("Sustainability", "Nachhaltigkeit", "可持续性", "קיימות")),
                    .init(id: "speed", text: Self.text("Fast delivery", "Schnelle Lieferung", "快速配送", "משלוח מהיר")),
                    .init(id: "quality", text: Self.text("Quality that lasts", "Langlebige Qualität", "经久耐用的品质", "איכות שמחזיקה")),
                    .init(id: "service", text: Self.text("Friendly, helpful service", "Freundlicher, hilfsbereiter Service", "友好周到的服务", "שירות אדיב ומועיל")),
                  ]),
                Q(id: "why", type: .text, required: false, text: Self.text("Anything else you would like us to know?", "Möchten Sie uns noch etwas mitteilen?",
                                                                           "还有什么想告诉我们的吗？", "יש עוד משהו שתרצו שנדע?")),
            ])
        }
    }
}

/// The retailer's help articles, which the chat bot answers from (written for the demo).
extension DemoText {
    struct Article: Sendable {
        var language: String
        var title: String
        var body: String
    }

    static let articles: [Article] = [
        Article(language: "en", title: "Delivery times",
                body: "Parcels leave our warehouse the next working day and arrive within four days in the US. You can follow your parcel with the tracking number in your order confirmation.\n\nIf your parcel is late, write to us and we will chase the carrier."),
        Article(language: "en", title: "Returns and refunds",
                body: "You can return anything within 30 days. Start the return in your account; the refund reaches your card within five days of the parcel arriving back with us."),
        Article(language: "en", title: "Store opening hours",
                body: "Our stores are open Monday to Saturday from 10:00 to 20:00. Store staff are happy to advise you on gear and sizes."),
        Article(language: "de", title: "Lieferzeiten",
                body: "Pakete verlassen unser Lager am nächsten Werktag und kommen in Deutschland innerhalb von drei Tagen an. Die Sendungsnummer steht in Ihrer Bestellbestätigung.\n\nKommt Ihr Paket zu spät, schreiben Sie uns, wir fragen beim Paketdienst nach."),
        Article(language: "de", title: "Rückgabe und Erstattung",
                body: "Sie können alles innerhalb von 30 Tagen zurückgeben. Starten Sie die Rücksendung in Ihrem Konto; die Erstattung ist fünf Tage nach Eingang bei uns auf Ihrer Karte."),
        Article(language: "de", title: "Öffnungszeiten der Filialen",
                body: "Unsere Filialen sind Montag bis Samstag von 10 bis 20 Uhr geöffnet. Unser Personal berät Sie gern zu Ausrüstung und Größen."),
        Article(language: "zh", title: "配送时间",
                body: "包裹在下一个工作日从仓库发货，四天内送达。您可以在订单确认中找到快递单号查询物流。\n\n如果包裹延迟，请联系我们，我们会催促快递公司。"),
        Article(language: "zh", title: "退货和退款",
                body: "30天内可以退货。在您的账户中申请退货；包裹退回后五天内退款到您的银行卡。"),
        Article(language: "zh", title: "门店营业时间",
                body: "我们的门店周一至周六10:00至20:00营业。店员很乐意为您推荐装备和尺码。"),
        Article(language: "he", title: "זמני משלוח",
                body: "חבילות יוצאות מהמחסן ביום העבודה הבא ומגיעות תוך ארבעה ימים. מספר המעקב נמצא באישור ההזמנה.\n\nאם החבילה מאחרת, כתבו לנו ונבדוק מול חברת השליחויות."),
        Article(language: "he", title: "החזרות והחזר כספי",
                body: "אפשר להחזיר כל מוצר תוך 30 יום. התחילו את ההחזרה בחשבון שלכם; ההחזר מגיע לכרטיס תוך חמישה ימים מקבלת החבילה אצלנו."),
        Article(language: "he", title: "שעות פתיחה של החנויות",
                body: "החנויות פתוחות מיום ראשון עד שישי, 10:00 עד 20:00. הצוות בחנות ישמח לייעץ לכם על ציוד ומידות."),
    ]
}

import Foundation

// The names and free-text comments of the demo world that `cairn demo` generates: an outdoor-gear retailer whose
// customers live in Germany, China, Israel and the US and write in German, Simplified Chinese, Hebrew and English.
//
// Every name list, street list and comment here was written for the demo; none is taken from a third-party corpus,
// and no real company or carrier is named. The comments are written so that Cairn's own text analysis
// (CairnAnalytics, `Topic.standard` and `Sentiment`) reads them as a real customer's would be read: each kind carries
// a keyword of its topic in its language (a defective headlamp speaks of quality and never of delivery, a late parcel
// of delivery and never of quality), and the negative kinds read clearly negative, the positive ones clearly positive.

/// The four languages of the demo world's customers.
enum DemoLanguage: Int, CaseIterable, Sendable {
    case german, chinese, hebrew, english

    /// The survey language code.
    var code: String {
        switch self {
        case .german: return "de"
        case .chinese: return "zh"
        case .hebrew: return "he"
        case .english: return "en"
        }
    }

    var locale: String {
        switch self {
        case .german: return "de-DE"
        case .chinese: return "zh-CN"
        case .hebrew: return "he-IL"
        case .english: return "en-US"
        }
    }

    /// ISO 3166 country code of the customers who write in this language.
    var country: String {
        switch self {
        case .german: return "DE"
        case .chinese: return "CN"
        case .hebrew: return "IL"
        case .english: return "US"
        }
    }

    /// ISO 4217 currency the customers of this country pay in.
    var currency: String {
        switch self {
        case .german: return "EUR"
        case .chinese: return "CNY"
        case .hebrew: return "ILS"
        case .english: return "USD"
        }
    }

    /// The domain of the customers' email addresses: a reserved `.example` name (RFC 2606), so no mail can reach
    /// anyone.
    var emailDomain: String {
        switch self {
        case .german: return "kunde.example"
        case .chinese: return "yonghu.example"
        case .hebrew: return "lakoach.example"
        case .english: return "customer.example"
        }
    }
}

/// What a free-text comment of the demo world is about.
enum CommentKind: CaseIterable, Sendable {
    /// Praise for a fast, on-time, well-packed delivery (topic delivery, positive).
    case deliveryOnTime
    /// The parcel came days late and nobody said anything (topic delivery, negative).
    case deliveryLate
    /// The headlamp bought in the winter campaign is defective (topic quality, negative; never delivery).
    case productDefect
    /// The product's quality is excellent (topic quality, positive).
    case qualityPraise
    /// A general reason to recommend: friendly staff, good products (positive).
    case promoter
    /// Lukewarm and mixed: all right, but the prices are high.
    case passive
    /// General reasons not to recommend: too expensive, unhelpful service (negative).
    case detractor
    /// In the store: unfriendly, stressed staff, a long queue at the till, nobody to advise (staff, waiting; negative).
    case storeStaffUnfriendly
    /// In the store: friendly, helpful advice from the staff (staff, positive).
    case storeStaffFriendly
    /// Less plastic packaging, repairable and long-lasting gear: sustainability matters (positive or a wish).
    case sustainability
    /// The service case was solved quickly and easily (staff, positive).
    case easyContact
    /// Had to explain twice, waited on hold for ages (waiting, staff; negative).
    case hardContact
    /// An employee's comment in an anonymous eNPS pulse: a good team, fair shifts (positive).
    case pulseGood
    /// An employee's comment: understaffed, shifts planned at short notice, a manager who never listens (negative).
    case pulseBad
    /// A short email subject or chat opener about a late parcel.
    case caseLateSubject
    /// The customer's message about that late parcel (two or three sentences).
    case caseLateMessage
    /// A subject saying the headlamp stopped working.
    case caseDefectSubject
    /// The customer's message about the defective headlamp (two or three sentences).
    case caseDefectMessage
    /// A general question's subject: sizes, opening hours, exchanges.
    case caseQuestionSubject
    /// The general question's message.
    case caseQuestionMessage
    /// What a service agent writes back to solve a case (polite, one or two sentences).
    case agentReply
}

/// The demo world's names, streets and comments in its four languages.
enum DemoText {
    // MARK: - Names

    /// Given names as they are written in the language's script (Chinese in Hanzi, Hebrew in Hebrew letters), women's
    /// and men's mixed.
    static func firstNames(_ language: DemoLanguage) -> [String] {
        switch language {
        case .german:
            return [
                "Anna", "Lukas", "Leonie", "Jonas", "Marie", "Felix", "Sophie", "Maximilian", "Lena", "Paul",
                "Laura", "Tobias", "Julia", "Jan", "Katharina", "Niklas", "Hannah", "Florian", "Lea", "Sebastian",
                "Sarah", "Moritz", "Johanna", "Matthias", "Clara", "Stefan", "Sabine", "Thomas", "Claudia", "Andreas",
                "Petra", "Michael", "Monika", "Jürgen", "Ursula", "Uwe", "Birgit", "Jörg", "Anke", "Björn",
                "Kerstin", "Günter", "Renate", "Frank", "Lotte", "Emil", "Mia", "Ömer",
            ]
        case .chinese:
            return chineseGivenNames.map { $0.written }
        case .hebrew:
            return hebrewFirstNames.map { $0.written }
        case .english:
            return [
                "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth",
                "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Christopher", "Karen",
                "Daniel", "Emily", "Matthew", "Ashley", "Anthony", "Megan", "Joshua", "Olivia", "Andrew", "Emma",
                "Kevin", "Sophia", "Brian", "Madison", "José", "Maria", "Tyler", "Hannah", "Marcus", "Aaliyah",
                "Ethan", "Grace", "Carlos", "Chloe", "Jamal", "Priya", "Kenji", "Isabella",
            ]
        }
    }

    /// Family names as they are written in the language's script.
    static func lastNames(_ language: DemoLanguage) -> [String] {
        switch language {
        case .german:
            return [
                "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann",
                "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann",
                "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Schmitt", "Werner", "Schmitz", "Krause", "Meier",
                "Lehmann", "Köhler", "Herrmann", "König", "Walter", "Huber", "Kaiser", "Fuchs", "Peters", "Scholz",
                "Möller", "Weiß", "Jung", "Hahn", "Vogel", "Keller", "Lorenz", "Strauß", "Yılmaz", "Nowak",
            ]
        case .chinese:
            return chineseFamilyNames.map { $0.written }
        case .hebrew:
            return hebrewLastNames.map { $0.written }
        case .english:
            return [
                "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
                "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
                "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson",
                "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores",
                "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "O'Brien", "Patel",
            ]
        }
    }

    /// A full name as it is written: a Chinese family name first with no space ("王伟"), every other language
    /// "First Last".
    static func fullName(first: String, last: String, language: DemoLanguage) -> String {
        switch language {
        case .chinese: return last + first
        case .german, .hebrew, .english: return first + " " + last
        }
    }

    /// A name safe for an email's local part (lower-case ASCII letters, digits and one dot): German umlauts
    /// transliterated (ü → ue, ß → ss), other accents dropped, Chinese names in pinyin family name first
    /// ("wang.wei"), Hebrew names in a Latin spelling ("noa.cohen"). The indexes are those of `firstNames` and
    /// `lastNames`; one beyond a list wraps round.
    static func emailLocalPart(firstIndex: Int, lastIndex: Int, language: DemoLanguage) -> String {
        switch language {
        case .german, .english:
            let firsts = firstNames(language), lasts = lastNames(language)
            return asciiName(firsts[wrapped(firstIndex, firsts.count)]) + "." + asciiName(lasts[wrapped(lastIndex, lasts.count)])
        case .chinese:
            let given = chineseGivenNames[wrapped(firstIndex, chineseGivenNames.count)].latin
            let family = chineseFamilyNames[wrapped(lastIndex, chineseFamilyNames.count)].latin
            return asciiName(family) + "." + asciiName(given)
        case .hebrew:
            let first = hebrewFirstNames[wrapped(firstIndex, hebrewFirstNames.count)].latin
            let last = hebrewLastNames[wrapped(lastIndex, hebrewLastNames.count)].latin
            return asciiName(first) + "." + asciiName(last)
        }
    }

    /// Street names without house numbers.
    static func streets(_ language: DemoLanguage) -> [String] {
        switch language {
        case .german:
            return [
                "Hauptstraße", "Bahnhofstraße", "Gartenweg", "Schillerstraße", "Goethestraße", "Lindenallee",
                "Am Marktplatz", "Bergstraße", "Kirchgasse", "Mühlenweg", "Friedrichstraße", "Rosenweg",
            ]
        case .chinese:
            return ["中山路", "人民路", "解放路", "建设路", "和平路", "长江路", "文化路", "新华路", "朝阳路", "青年路", "胜利路", "滨江大道"]
        case .hebrew:
            return [
                "רחוב הרצל", "רחוב ויצמן", "שדרות רוטשילד", "רחוב בן יהודה", "רחוב הנביאים", "רחוב יפו",
                "רחוב אלנבי", "רחוב סוקולוב", "רחוב הגפן", "רחוב התאנה", "שדרות ירושלים", "רחוב הזית",
            ]
        case .english:
            return [
                "Main Street", "Oak Avenue", "Maple Drive", "Cedar Lane", "Park Avenue", "Elm Street",
                "Washington Street", "Lake Road", "Pine Street", "Hillcrest Drive", "Mill Road", "Sunset Boulevard",
            ]
        }
    }

    private static let chineseGivenNames: [(written: String, latin: String)] = [
        ("伟", "wei"), ("芳", "fang"), ("娜", "na"), ("敏", "min"), ("静", "jing"), ("磊", "lei"), ("强", "qiang"),
        ("洋", "yang"), ("艳", "yan"), ("勇", "yong"), ("军", "jun"), ("杰", "jie"), ("娟", "juan"), ("涛", "tao"),
        ("明", "ming"), ("超", "chao"), ("秀英", "xiuying"), ("霞", "xia"), ("平", "ping"), ("刚", "gang"),
        ("丽", "li"), ("婷", "ting"), ("浩然", "haoran"), ("子涵", "zihan"), ("欣怡", "xinyi"), ("梓萱", "zixuan"),
        ("宇轩", "yuxuan"), ("一诺", "yinuo"), ("思远", "siyuan"), ("雨桐", "yutong"), ("俊杰", "junjie"),
        ("晓明", "xiaoming"), ("海燕", "haiyan"), ("建华", "jianhua"), ("志强", "zhiqiang"), ("佳怡", "jiayi"),
        ("文博", "wenbo"), ("梦琪", "mengqi"), ("博文", "bowen"), ("诗涵", "shihan"), ("天佑", "tianyou"),
        ("晨", "chen"), ("鹏", "peng"), ("慧", "hui"), ("琳", "lin"), ("凯", "kai"),
    ]

    private static let chineseFamilyNames: [(written: String, latin: String)] = [
        ("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"), ("杨", "yang"), ("黄", "huang"),
        ("赵", "zhao"), ("吴", "wu"), ("周", "zhou"), ("徐", "xu"), ("孙", "sun"), ("马", "ma"), ("朱", "zhu"),
        ("胡", "hu"), ("郭", "guo"), ("何", "he"), ("高", "gao"), ("林", "lin"), ("罗", "luo"), ("郑", "zheng"),
        ("梁", "liang"), ("谢", "xie"), ("宋", "song"), ("唐", "tang"), ("许", "xu"), ("韩", "han"), ("冯", "feng"),
        ("邓", "deng"), ("曹", "cao"), ("彭", "peng"), ("曾", "zeng"), ("肖", "xiao"), ("田", "tian"), ("董", "dong"),
        ("袁", "yuan"), ("潘", "pan"), ("蒋", "jiang"), ("蔡", "cai"), ("杜", "du"), ("叶", "ye"), ("程", "cheng"),
        ("苏", "su"), ("魏", "wei"), ("吕", "lyu"), ("丁", "ding"), ("沈", "shen"), ("欧阳", "ouyang"),
    ]

    private static let hebrewFirstNames: [(written: String, latin: String)] = [
        ("נועה", "noa"), ("תמר", "tamar"), ("מאיה", "maya"), ("יעל", "yael"), ("שירה", "shira"), ("אביגיל", "avigail"),
        ("אורי", "ori"), ("יונתן", "yonatan"), ("איתי", "itai"), ("דניאל", "daniel"), ("עומר", "omer"), ("נועם", "noam"),
        ("אריאל", "ariel"), ("יוסף", "yosef"), ("דוד", "david"), ("משה", "moshe"), ("רחל", "rachel"), ("שרה", "sara"),
        ("רבקה", "rivka"), ("מיכל", "michal"), ("רוני", "roni"), ("ליאור", "lior"), ("עדי", "adi"), ("הילה", "hila"),
        ("אורית", "orit"), ("אילנה", "ilana"), ("יוסי", "yossi"), ("אבי", "avi"), ("עמית", "amit"), ("איתן", "eitan"),
        ("אלון", "alon"), ("גיא", "guy"), ("עידו", "ido"), ("רועי", "roee"), ("טל", "tal"), ("ענבל", "inbal"),
        ("קרן", "keren"), ("שני", "shani"), ("דנה", "dana"), ("אסף", "asaf"), ("ליאת", "liat"), ("אחמד", "ahmad"),
        ("ראניה", "rania"), ("סמיר", "samir"), ("נור", "nur"), ("יבגני", "evgeni"),
    ]

    private static let hebrewLastNames: [(written: String, latin: String)] = [
        ("כהן", "cohen"), ("לוי", "levi"), ("מזרחי", "mizrahi"), ("פרץ", "peretz"), ("ביטון", "biton"), ("דהן", "dahan"),
        ("אברהם", "avraham"), ("פרידמן", "friedman"), ("אזולאי", "azulay"), ("מלכה", "malka"), ("חדד", "hadad"),
        ("גבאי", "gabay"), ("שפירא", "shapira"), ("כץ", "katz"), ("אוחיון", "ohayon"), ("יוסף", "yosef"),
        ("אשכנזי", "ashkenazi"), ("גולדברג", "goldberg"), ("רוזנברג", "rosenberg"), ("בן דוד", "bendavid"),
        ("שלום", "shalom"), ("לנדאו", "landau"), ("סגל", "segal"), ("ברק", "barak"), ("עמר", "amar"),
        ("קליין", "klein"), ("וייס", "weiss"), ("אוחנה", "ohana"), ("גרוס", "gross"), ("חזן", "hazan"),
        ("אדלר", "adler"), ("שטרן", "stern"), ("קפלן", "kaplan"), ("בוזגלו", "buzaglo"), ("אלמוג", "almog"),
        ("הררי", "harari"), ("מרקוביץ", "markovich"), ("ששון", "sasson"), ("בן חיים", "benhaim"), ("עזרא", "ezra"),
        ("נסים", "nissim"), ("מנסור", "mansour"), ("עבאס", "abbas"), ("חורי", "khoury"), ("נחום", "nachum"),
    ]

    /// An index taken round a list of `count` items (negative ones too).
    private static func wrapped(_ index: Int, _ count: Int) -> Int {
        ((index % count) + count) % count
    }

    /// A name in lower-case ASCII letters and digits: ä ö ü → ae oe ue, ß → ss, ı → i, other accents dropped, anything else
    /// (spaces, apostrophes, hyphens) left out.
    private static func asciiName(_ name: String) -> String {
        var result = ""
        for character in name.lowercased() {
            switch character {
            case "ä": result += "ae"
            case "ö": result += "oe"
            case "ü": result += "ue"
            case "ß": result += "ss"
            case "ı": result += "i"
            default:
                let folded = String(character).folding(options: [.diacriticInsensitive, .widthInsensitive], locale: nil)
                for ascii in folded where ascii.isASCII && (ascii.isLetter || ascii.isNumber) {
                    result.append(ascii)
                }
            }
        }
        return result
    }

    // MARK: - Comments

    /// Free-text comments of a kind in a language: several distinct variants, each one or two sentences (the case
    /// messages two or three; subjects short).
    static func comments(_ kind: CommentKind, _ language: DemoLanguage) -> [String] {
        switch kind {
        case .deliveryOnTime: return deliveryOnTime(language)
        case .deliveryLate: return deliveryLate(language)
        case .productDefect: return productDefect(language)
        case .qualityPraise: return qualityPraise(language)
        case .promoter: return promoter(language)
        case .passive: return passive(language)
        case .detractor: return detractor(language)
        case .storeStaffUnfriendly: return storeStaffUnfriendly(language)
        case .storeStaffFriendly: return storeStaffFriendly(language)
        case .sustainability: return sustainability(language)
        case .easyContact: return easyContact(language)
        case .hardContact: return hardContact(language)
        case .pulseGood: return pulseGood(language)
        case .pulseBad: return pulseBad(language)
        case .caseLateSubject: return caseLateSubject(language)
        case .caseLateMessage: return caseLateMessage(language)
        case .caseDefectSubject: return caseDefectSubject(language)
        case .caseDefectMessage: return caseDefectMessage(language)
        case .caseQuestionSubject: return caseQuestionSubject(language)
        case .caseQuestionMessage: return caseQuestionMessage(language)
        case .agentReply: return agentReply(language)
        }
    }

    private static func deliveryOnTime(_ language: DemoLanguage) -> [String] {
        switch language {
        case .german:
            return [
                "Die Lieferung kam einen Tag früher als angekündigt und war sicher verpackt. Sehr zufrieden!",
                "Schneller Versand, das Paket war schon nach zwei Tagen da. Alles bestens, vielen Dank!",
                "Pünktliche Zustellung und ordentlich verpackt. So macht Bestellen richtig Spaß.",
                "Das Paket ist pünktlich angekommen, alles sauber verpackt. Toller Service, gerne wieder!",
                "Super schnelle Lieferung, am Montag bestellt und am Mittwoch war alles da. Top!",
                "Die Sendung war gut verpackt und kam genau zum angegebenen Termin. Sehr zuverlässig, danke!",
                "Blitzschneller Versand und die Sendungsverfolgung hat prima geklappt. Ich bin sehr zufrieden.",
                "Die Lieferung kam rechtzeitig vor unserer Wanderung an, gut verpackt und vollständig. Toll!",
                "Der Kurier war freundlich und das Paket kam pünktlich an. Ich bin rundum zufrieden.",
                "Meine Bestellung wurde schnell geliefert und die Verpackung war ordentlich. Klasse gemacht!",
            ]
        case .chinese:
            return [
                "物流很快，第二天就到货了，包装也很严实，非常满意！",
                "快递速度超快，包裹完好无损，包装很用心，给个好评！",
                "发货及时，配送准时，快递小哥服务也很好，非常满意，下次还来买。",
                "送货速度很快，比预计的还早一天送到，包装完好，很满意。",
                "物流给力，两天就收到货了，东西包得很仔细，非常满意，赞一个！",
                "发货很快，物流速度不错，包裹很快就送到了，购物体验很好，好评。",
                "这次快递特别快，周末出发露营前就到货了，太及时了，很满意！",
                "当天就发货了，物流很快，包装也很整齐，非常好，好评。",
                "到货速度很快，外包装干净整洁，整个购物过程很顺利，好评。",
            ]
        case .hebrew:
            return [
                "המשלוח הגיע יום לפני הזמן והכול היה ארוז בצורה מעולה. ממש מרוצה!",
                "משלוח מהיר, החבילה הגיעה תוך יומיים ובמצב מושלם. תודה רבה!",
                "השליח היה נחמד והמשלוח הגיע בדיוק בזמן. שירות מצוין!",
                "הזמנתי ביום ראשון והחבילה כבר הייתה אצלי ביום שלישי. משלוח מהיר ומקצועי, כל הכבוד.",
                "המשלוח הגיע בזמן, ארוז היטב ושום דבר לא נפגע. חוויה מצוינת.",
                "הכול הגיע מהר ובאריזה מסודרת, בדיוק לפני הטיול שלנו. ממליץ בחום!",
                "המעקב אחרי המשלוח עבד מצוין והחבילה נמסרה בדיוק ביום שהובטח. מרוצה מאוד.",
                "זמן המשלוח היה קצר מהצפוי והאריזה הייתה מקצועית. בהחלט אזמין שוב.",
                "החבילה הגיעה מהר מהצפוי ובאריזה שמורה היטב. שירות משלוחים מעולה!",
            ]
        case .english:
            return [
                "The package arrived a day earlier than promised and everything was packed really well. Great job!",
                "Fast shipping and the parcel arrived in perfect condition. Very happy with the delivery.",
                "Delivery was quick and on time, and the courier was friendly. Excellent!",
                "Ordered on Monday, the package arrived on Wednesday. Smooth delivery, thank you!",
                "Super fast delivery and great tracking updates the whole way. Love it.",
                "My order was shipped the same day and arrived right on schedule. Nicely packed, too. Perfect.",
                "The parcel came exactly when the tracking said it would. Well packed and no fuss, great experience.",
                "Quick delivery as always. The boots arrived safe and sound in a sturdy box. Thanks!",
                "Impressed by how fast the shipment arrived, just in time for our camping trip. Wonderful.",
                "Delivery was on time and the package was neatly packed. Exactly what I hoped for, very pleased.",
            ]
        }
    }

    private static func deliveryLate(_ language: DemoLanguage) -> [String] {
        switch language {
        case .german:
            return [
                "Das Paket kam fünf Tage zu spät und niemand hat Bescheid gesagt. Sehr enttäuschend.",
                "Die Lieferung hat sich um fast eine Woche verspätet, ohne jede Info. Echt ärgerlich.",
                "Laut Sendungsverfolgung sollte das Paket am Dienstag kommen, da war es erst am Montag darauf. Schlechte Kommunikation.",
                "Der Versand war viel zu langsam, das Paket kam eine Woche später als versprochen. Ich bin enttäuscht.",
                "Die Zustellung war tagelang verspätet und keiner hat sich gemeldet. Sehr ärgerlich.",
                "Meine Lieferung kam mit vier Tagen Verspätung, ausgerechnet vor dem Urlaub. Total ärgerlich.",
                "Der Kurier hat den Liefertermin zweimal verpasst und niemand hat sich entschuldigt. Schlecht gelaufen.",
                "Das Paket lag tagelang irgendwo herum, Informationen gab es keine. Sehr enttäuschend.",
                "Lieferung eine Woche zu spät, keine Nachricht, keine Entschuldigung. Einfach schlecht.",
                "Wieder eine verspätete Lieferung, das Zelt kam erst nach dem Wochenende. Ich bin echt enttäuscht.",
            ]
        case .chinese:
            return [
                "快递晚了五天才到，中间也没有任何人通知我，太失望了。",
                "物流太慢了，说好三天到货，结果等了一个多星期，很不满意。",
                "发货拖了好几天，物流信息一直不更新，问了也没人回复，太差了。",
                "包裹比承诺的时间晚了一周，买来露营用的都耽误了，非常失望。",
                "配送延误了好几天，没有任何解释，这次购物体验很差。",
                "快递一直显示在途中，迟迟不送货，也没人说明原因，很生气。",
                "这次物流特别慢，晚了四五天才收到货，以后不会再买了。",
                "到货太晚了，足足延迟了一个星期，客服也没有主动告知，差评。",
                "发货太慢了，催了好几次才发出，送到的时候已经用不上了，很失望。",
            ]
        case .hebrew:
            return [
                "החבילה הגיעה באיחור של חמישה ימים ואף אחד לא עדכן אותי. מאכזב מאוד.",
                "המשלוח התעכב כמעט שבוע בלי שום עדכון. ממש מתסכל.",
                "השליח לא הגיע ביום שנקבע, ואף אחד לא טרח להודיע. חוויה גרועה.",
                "הזמנתי אוהל לסוף השבוע והמשלוח הגיע שבוע אחרי. מאוד מאוכזב.",
                "איחור של כמעט שבוע במשלוח, בלי הודעה ובלי התנצלות. לא מקובל.",
                "לפי המעקב החבילה בדרך כבר עשרה ימים. אף אחד לא מסביר את האיחור, מאכזב.",
                "המשלוח הגיע ארבעה ימים אחרי התאריך שהובטח, ואף אחד לא ענה לי. מתסכל מאוד.",
                "שוב איחור במשלוח, ההזמנה הגיעה רק אחרי החופשה. ממש לא בסדר.",
                "חיכיתי למשלוח יותר משבוע בלי שום עדכון. חוויה מאכזבת.",
            ]
        case .english:
            return [
                "My parcel arrived five days late and nobody told me why. Really disappointing.",
                "The delivery was delayed by almost a week with no update at all. Very frustrating.",
                "Tracking said Tuesday, the parcel showed up the following Monday. Poor communication and a frustrating delay.",
                "Package came four days late, no email, no apology. I needed it for a trip, so that was a terrible letdown.",
                "Shipping took way longer than it should have and the tracking never changed. Not happy at all.",
                "The courier missed the delivery date twice and nobody told me anything. Terrible experience.",
                "Ordered a tent for the weekend and the parcel arrived a week late. Annoyed that no one said a word.",
                "Late delivery again. The package sat somewhere for days without any update, really annoying.",
                "The shipment was days late and I had to chase it myself. Disappointed, this used to be reliable.",
                "Delivery was supposed to take two days and took nine. No updates, no apology. Awful.",
            ]
        }
    }

    private static func productDefect(_ language: DemoLanguage) -> [String] {
        switch language {
        case .german:
            return [
                "Die Stirnlampe aus der Winteraktion ist nach zwei Wochen kaputt gegangen. Sehr enttäuschend.",
                "Meine Stirnlampe funktioniert nicht mehr, der Schalter reagiert gar nicht. Schlechte Qualität.",
                "Die Stirnlampe aus dem Winterangebot ist defekt, sie flackert und geht dann aus. Ärgerlich!",
                "Schon nach dem dritten Einsatz war die Stirnlampe kaputt. Die Qualität ist echt enttäuschend.",
                "Die Stirnlampe funktioniert nicht, obwohl ich sie kaum benutzt habe. Miese Verarbeitung, schade.",
                "Das Batteriefach der Stirnlampe ist beschädigt und das Licht fällt ständig aus. Sehr schlecht.",
                "Die Stirnlampe aus der Winteraktion ist nach einem Monat defekt. Von der Qualität bin ich enttäuscht.",
                "Stirnlampe kaputt nach wenigen Wochen, das Kopfband ist auch schon gerissen. Schlechte Verarbeitung.",
                "Leider ist die Stirnlampe defekt, sie lässt sich nicht mehr einschalten. Total ärgerlich.",
            ]
        case .chinese:
            return [
                "冬季活动买的头灯用了两周就坏了，质量太差了，非常失望。",
                "头灯开关按了没反应，才用了几次就坏了，做工太粗糙了，很失望。",
                "冬季促销买的头灯一闪一闪的，后来直接不亮了，质量差，很失望。",
                "头灯的电池盖破损了，灯也时亮时不亮，质量真的不行，太差了。",
                "露营第二晚头灯就坏了，这质量太让人失望了，不推荐购买。",
                "活动时买的头灯不到一个月就坏了，做工很差，后悔购买。",
                "头灯质量差，头带也断了，用了没几次就不能用了，差评。",
                "冬季活动的头灯是次品，按键坏了根本打不开，太失望了。",
                "买的头灯没用几天就变暗，最后彻底坏了，质量太差，很不满意。",
            ]
        case .hebrew:
            return [
                "פנס הראש שקניתי במבצע החורף הפסיק לעבוד אחרי שבועיים. איכות גרועה, מאוד מאוכזב.",
                "פנס הראש שבור, המתג פשוט לא מגיב. ממש מאכזב.",
                "קניתי פנס ראש במבצע החורף והוא פגום: מהבהב ואז נכבה. לא מרוצה בכלל.",
                "יש תקלה בפנס הראש כבר אחרי שלושה שימושים. איכות ירודה מאוד.",
                "מכסה הסוללה של פנס הראש שבור והאור כל הזמן נכבה. חבל, ציפיתי ליותר.",
                "פנס הראש ממבצע החורף פגום ולא נדלק יותר. האיכות פשוט מאכזבת.",
                "אחרי חודש פנס הראש הפסיק לעבוד. תקלה כזאת במוצר חדש זה לא רציני.",
                "הרצועה של פנס הראש נקרעה והפנס עצמו פגום. איכות לא טובה בכלל.",
                "פנס הראש לא נדלק יותר, כנראה תקלה במתג. מאוכזב מהאיכות.",
            ]
        case .english:
            return [
                "The headlamp I bought in the winter sale stopped working after two weeks. Really poor quality, very disappointed.",
                "My headlamp from the winter promotion is already broken, the switch just died. Terrible quality.",
                "Bought the headlamp in the winter campaign and it's faulty, it flickers and then goes dark. Disappointed.",
                "The headlamp stopped working on our second night out. Awful quality for a winter special.",
                "Headlamp from the winter deal gave up after three uses. Cheaply made and really disappointing.",
                "The battery cover on my headlamp is broken and the light keeps cutting out. Bad quality, not happy.",
                "Quality of the winter headlamp is awful, mine stopped working within a month.",
                "My new headlamp is faulty and won't switch on anymore. Very disappointed with the quality.",
                "The winter campaign headlamp is defective and the strap is broken too. Poor quality, sadly.",
            ]
        }
    }

    private static func qualityPraise(_ language: DemoLanguage) -> [String] {
        switch language {
        case .german:
            return [
                "Die Qualität der Jacke ist hervorragend, sie hat ein ganzes Regenwochenende dichtgehalten.",
                "Tolle Qualität! Meine Wanderschuhe sehen nach zwei Saisons noch aus wie neu.",
                "Das Zelt ist sauber verarbeitet und das Material wirkt sehr robust. Toll!",
                "Erstklassige Verarbeitung, der Rucksack sitzt bequem und ist sehr stabil.",
                "Sehr gute Qualität, der Schlafsack ist warm, leicht und schön verarbeitet.",
                "Die Fleecejacke ist weich und nach vielen Wäschen noch wie neu. Sehr zufrieden mit der Qualität.",
                "Hervorragendes Material und tolle Verarbeitung, die Hose ist bequem und strapazierfähig.",
                "Die Wanderstöcke sind leicht und dabei stabil, super Qualität. Ich bin begeistert.",
                "Man merkt die gute Qualität in jedem Detail, eine wirklich tolle Regenjacke.",
            ]
        case .chinese:
            return [
                "这件冲锋衣质量非常好，下了一整天雨里面还是干的，很满意。",
                "做工很精细，面料摸着也舒服，质量没得说，值得购买。",
                "帐篷质量很好，材料结实，缝线也很整齐，好评！",
                "登山鞋穿了两季还跟新的一样，质量真不错，非常喜欢。",
                "背包做工扎实，背起来很舒服，质量超出预期，很满意。",
                "睡袋质量很好，又轻又暖和，做工也很精致，推荐购买。",
                "抓绒衣洗了很多次也不变形，质量很好，非常喜欢，推荐购买。",
                "登山杖轻便又结实，材料很好，质量一流，很满意。",
                "这件雨衣的做工和质量都很好，细节处理得很到位，五星好评。",
            ]
        case .hebrew:
            return [
                "איכות המעיל מצוינת, הוא שמר עליי יבש במשך סוף שבוע שלם של גשם.",
                "איכות מעולה. הנעליים נראות כמו חדשות גם אחרי שתי עונות של טיולים.",
                "האוהל עשוי מחומר חזק והתפרים מדויקים. איכות גבוהה באמת.",
                "התרמיל מרגיש יציב ועשוי היטב, איכות שמצדיקה כל שקל.",
                "שק השינה חם, קל ובאיכות מעולה. מרוצה מאוד.",
                "הפליז רך ונשאר כמו חדש אחרי הרבה כביסות. איכות מצוינת.",
                "המכנסיים נוחים ועמידים, ויש בהם איכות גימור מרשימה.",
                "מקלות ההליכה קלים וחזקים, איכות ממש טובה. ממליץ.",
                "רואים את האיכות בכל פרט במעיל הגשם הזה. מוצר מעולה.",
            ]
        case .english:
            return [
                "The quality of this jacket is excellent, it kept me dry through a whole weekend of rain.",
                "Outstanding quality. My boots still look great after two seasons on the trails.",
                "Really impressed with the quality of the tent, solid materials and clean seams.",
                "Top quality gear, the backpack feels sturdy and well made. Worth every penny.",
                "Excellent quality, the sleeping bag is warm, light and beautifully finished.",
                "The fleece is high quality and soft, and it has survived many washes. Love it.",
                "Great material and great quality, the trousers are comfortable and tough.",
                "Superb quality on the hiking poles, light but strong. Very happy with them.",
                "You can feel the quality in every detail of this rain jacket. Fantastic product.",
            ]
        }
    }

    private static func promoter(_ language: DemoLanguage) -> [String] {
        switch language {
        case .german:
            return [
                "Freundliche Mitarbeiter, gute Produkte und ehrliche Beratung. Ich empfehle euch gerne weiter.",
                "Tolle Auswahl an Outdoor-Ausrüstung und immer kompetente Beratung. Sehr zu empfehlen!",
                "Das Personal kennt sich super aus und die Produkte sind klasse. Ich komme gerne wieder.",
                "Immer wieder ein tolles Einkaufserlebnis: freundlicher Service und hochwertige Ausrüstung.",
                "Super Beratung beim Schuhkauf, die Wanderschuhe passen perfekt. Danke!",
                "Gute Produkte, faire Preise und nette Mitarbeiter. Was will man mehr?",
                "Hier wird man ehrlich beraten und die Ausrüstung hält jahrelang. Absolut empfehlenswert.",
                "Zuverlässige Qualität und ein freundliches Team, ich kaufe seit Jahren hier und bin sehr zufrieden.",
                "Kompetente und freundliche Verkäufer, tolle Marken und angenehme Atmosphäre. Gerne wieder!",
            ]
        case .chinese:
            return [
                "店员很热情，东西质量也好，已经推荐给好几个朋友了。",
                "服务态度很好，户外装备种类齐全，每次来买东西都很愉快。",
                "店员很专业，帮我挑到了合适的登山鞋，非常满意，推荐！",
                "产品质量好，价格也合理，客服回复很及时，值得推荐。",
                "一直在这里买户外用品，服务好，东西耐用，买得很放心。",
                "工作人员耐心又专业，给的建议很实用，很满意，以后还会再来。",
                "装备很好用，售后也很到位，会推荐给身边爱户外的朋友。",
                "购物体验很棒，店员热情，产品质量一流，五星好评。",
                "东西好，服务好，性价比高，强烈推荐给大家。",
            ]
        case .hebrew:
            return [
                "צוות אדיב, מוצרים טובים וייעוץ כן. ממליץ לכל החברים שלי.",
                "תמיד חוויה טובה: שירות מצוין וציוד איכותי שמחזיק שנים.",
                "המוכר ידע בדיוק מה אני צריך והנעליים מושלמות. ממליץ בחום!",
                "מבחר ענק של ציוד שטח ושירות אדיב. כיף לקנות כאן.",
                "קונה אצלם כבר שנים, הצוות מקצועי והמוצרים מעולים.",
                "מחיר הוגן, ציוד מעולה ושירות עם חיוך. מה עוד צריך?",
                "קיבלתי ייעוץ מצוין מהצוות והציוד מחזיק מעמד. ממליצה בלב שלם.",
                "חנות מעולה עם צוות שבאמת מבין בטיולים. תמיד יוצא מרוצה.",
                "שירות אדיב, מוצרים אמינים ואווירה נעימה. אין על המקום הזה.",
            ]
        case .english:
            return [
                "Friendly staff, great products and honest advice. I recommend this shop to all my friends.",
                "Always a good experience: helpful people, quality gear and easy exchanges.",
                "The staff really know their stuff and the gear is excellent. Highly recommended!",
                "Great selection of outdoor gear and the service is always friendly. Love shopping here.",
                "Helpful advice in store and products that last for years. I'm a happy customer.",
                "Good prices on quality gear and super friendly staff. What more could you want?",
                "They helped me pick the right boots and they're perfect. Excellent service, thank you!",
                "Great products, knowledgeable staff and a nice atmosphere. Happy customer for years.",
                "I trust their recommendations completely, the team is friendly and the gear is great.",
            ]
        }
    }

    private static func passive(_ language: DemoLanguage) -> [String] {
        switch language {
        case .german:
            return [
                "Ganz okay. Die Ausrüstung ist in Ordnung, aber die Preise sind ziemlich hoch.",
                "Die Produkte sind gut, aber im Vergleich zu anderen Läden eher teuer.",
                "Solide Auswahl, nichts Besonderes. Die Preise könnten fairer sein.",
                "Die Qualität passt, aber ohne Rabatt kaufe ich hier eher selten.",
                "Der Service war okay, der Laden auch. Für die Preise erwarte ich aber etwas mehr.",
                "Durchschnittlich. Manches ist super, anderes finde ich zu teuer.",
                "Die Jacke ist in Ordnung, aber für den Preis hätte ich mehr erwartet.",
                "Kein Grund zur Beschwerde, aber auch nichts, was mich begeistert hat. Eher teuer.",
                "Im Großen und Ganzen zufrieden, nur die Preise sind mir etwas zu hoch.",
            ]
        case .chinese:
            return [
                "东西还行吧，质量一般般，就是价格有点贵，别的没什么。",
                "整体还可以，没什么特别的，价格偏高了一点。",
                "装备质量不错，但是太贵了，只有打折的时候才会买。",
                "服务还算可以，东西也中规中矩，性价比一般。",
                "冲锋衣还行，不过这个价格我期待的更多一些。",
                "有些东西挺好，有些感觉价格虚高，总体一般。",
                "没什么可抱怨的，但也没有特别惊喜，价格偏贵。",
                "东西可以，就是价钱比别家贵一些，再便宜点就好了。",
                "中规中矩吧，款式不算多，价格也不算便宜。",
            ]
        case .hebrew:
            return [
                "בסדר. הציוד סביר, אבל המחיר קצת גבוה לעומת חנויות אחרות.",
                "מוצרים בסדר, שום דבר מיוחד. קצת יקר יחסית למה שמקבלים.",
                "האיכות טובה, אבל יקר. קונה כאן רק כשיש הנחה.",
                "השירות היה בסדר, החנות גם. לא בטוח שזה מצדיק את המחיר.",
                "חוויה ממוצעת. חלק מהדברים מעולים, חלק יקר מדי.",
                "המעיל בסדר גמור, אבל במחיר הזה ציפיתי ליותר.",
                "אין במה להתלונן, אבל גם לא משהו שהרשים אותי. המחיר די גבוה.",
                "חנות סבירה עם מבחר לא רע. הייתי קונה יותר אם זה היה זול יותר.",
                "בסך הכול בסדר, רק המחיר קצת מעל למה שציפיתי.",
            ]
        case .english:
            return [
                "It's ok. The gear is decent, but prices are a bit high compared to other shops.",
                "Products are fine, nothing special. The prices could be a little fairer.",
                "Decent selection, but the prices are steep and sales are rare.",
                "Good quality overall, but expensive. I only buy here when there's a discount.",
                "Service was fine, the store is ok. Just not sure it's worth the higher prices.",
                "Average experience. Some things are great, others feel overpriced.",
                "The jacket is fine, but for that price I expected a little more.",
                "Nothing to complain about really, but nothing that wowed me either. Prices are on the high side.",
                "OK shop with a reasonable range. I'd shop here more if the prices were lower.",
            ]
        }
    }

    private static func detractor(_ language: DemoLanguage) -> [String] {
        switch language {
        case .german:
            return [
                "Viel zu teuer für das, was man bekommt, und die Mitarbeiter konnten keine einfachen Fragen beantworten.",
                "Überteuerte Ausrüstung und unfreundlicher Service. Ich komme nicht wieder.",
                "Die Preise steigen ständig, der Service wird immer schlechter. Enttäuschend.",
                "Beim Kundenservice konnte mir niemand helfen und die Produkte sind zu teuer. Nicht zu empfehlen.",
                "Schlechter Service: Auf meine Mails hat wochenlang keiner reagiert. Und alles ist viel zu teuer.",
                "Insgesamt eine schlechte Erfahrung. Unhöfliches Personal und Preise weit über anderen Läden.",
                "Die Beratung war nutzlos und die Ware ist für diesen Preis mittelmäßig. Nie wieder.",
                "Zu teuer und das Personal wirkte genervt von meinen Fragen. Ich kaufe lieber woanders.",
                "Schlechtes Preis-Leistungs-Verhältnis und schlechter Service. Ich bereue den Kauf.",
            ]
        case .chinese:
            return [
                "东西太贵了，店员连基本问题都回答不了，很失望。",
                "价格虚高，客服态度也很差，以后不会再来了。",
                "价格一直在涨，服务却越来越差，太让人失望了。",
                "客服根本解决不了问题，东西还特别贵，不推荐。",
                "售后太差了，发了好几封邮件都没人理，而且价格太贵。",
                "整体体验很差，店员态度恶劣，价格比别家贵很多。",
                "花了大价钱买了个很普通的东西，服务也很敷衍，太失望了，再也不来了。",
                "太贵了，问几个问题店员就不耐烦，以后去别家买。",
                "性价比太低，服务也很差，太失望了，不推荐。",
            ]
        case .hebrew:
            return [
                "יקר מדי ביחס למה שמקבלים, והצוות לא ידע לענות על שאלות פשוטות.",
                "ציוד במחיר מופקע ושירות לא מועיל. לא אחזור לכאן.",
                "המחיר רק עולה והשירות רק יורד. ממש מאכזב.",
                "אף נציג לא הצליח לעזור לי, והכול יקר מדי. לא ממליץ.",
                "שירות גרוע: התעלמו מהמיילים שלי שבועות. וחוץ מזה, הכול יקר.",
                "חוויה רעה. מוכר לא נחמד ומחיר הרבה מעל חנויות אחרות.",
                "השירות היה חסר תועלת, והציוד ממוצע במחיר מופרז. לא שוב.",
                "יקר מדי, והעובד נראה מעוצבן מהשאלות שלי. אקנה במקום אחר.",
                "תמורה גרועה למחיר ושירות גרוע. מצטער שקניתי כאן.",
            ]
        case .english:
            return [
                "Way too expensive for what you get, and the staff couldn't answer basic questions. Disappointing.",
                "Overpriced gear and unhelpful service, a bad experience. I won't be coming back.",
                "Prices keep going up while the service gets worse. Disappointing.",
                "Customer service was useless, and the products are overpriced. Not recommended.",
                "Terrible support: they ignored my emails for weeks. And everything is too expensive.",
                "Bad experience overall. Rude staff and prices far above other shops.",
                "The service was useless and the gear is mediocre at that price. Never again.",
                "Too expensive, and the staff seemed annoyed by my questions. I'll shop elsewhere.",
                "Poor value for money and poor service. I regret buying here.",
            ]
        }
    }

    private static func storeStaffUnfriendly(_ language: DemoLanguage) -> [String] {
        switch language {
        case .german:
            return [
                "Das Personal im Laden war unfreundlich und gestresst, an der Kasse musste ich ewig warten.",
                "Lange Schlange an der Kasse und nur eine Mitarbeiterin da. Echt ärgerlich.",
                "Keine Beratung weit und breit, und der einzige Verkäufer war ziemlich unfreundlich.",
                "Zehn Minuten hat mich kein Mitarbeiter beachtet, dann war er genervt, als ich gefragt habe.",
                "Zwanzig Minuten an der Kasse gewartet, das Personal wirkte überfordert und gereizt.",
                "Unfreundliches Personal heute in der Filiale. Niemand konnte mir sagen, welche Schuhe passen.",
                "Riesige Schlange und die Mitarbeiter waren schlecht gelaunt. Kein schöner Einkauf.",
                "Ich wollte mich zu einem Zelt beraten lassen, aber es war kein Verkäufer zu finden. Enttäuschend.",
                "Gestresste, mürrische Mitarbeiter und eine langsame Kasse. Der Laden ist echt schlechter geworden.",
            ]
        case .chinese:
            return [
                "店里的店员态度很差，看起来很烦躁，结账排队排了很久。",
                "收银台排队排了二十分钟，只开了一个窗口，太慢了，很不满意。",
                "想找人问问都找不到，好不容易找到一个店员，态度还很冷淡。",
                "店员十分钟都没理我，问问题的时候还一脸不耐烦，服务太差。",
                "排队结账等了很久，工作人员手忙脚乱，态度也不好。",
                "今天店员态度不好，问哪双鞋合适，没有一个人能说清楚，很失望。",
                "排队的人很多，店员对顾客说话很冲，购物体验很差。",
                "想咨询帐篷，可是店里没有店员，等了半天只好走了，很失望。",
                "店员又忙又没耐心，结账也太慢，这家店的服务越来越差了。",
            ]
        case .hebrew:
            return [
                "הצוות בחנות היה לא נחמד ולחוץ, וחיכיתי המון זמן בקופה.",
                "תור ארוך בקופה ורק קופאי אחד. ממש מתסכל.",
                "לא היה אף אחד שייעץ לי, והמוכר היחיד שמצאתי היה חסר סבלנות.",
                "אף עובד לא התייחס אליי עשר דקות, ואז הוא היה עצבני כששאלתי.",
                "עמדתי עשרים דקות בתור לקופה, והצוות נראה לחוץ ועצבני.",
                "שירות לא אדיב בחנות היום. אף אחד לא ידע להגיד לי אילו נעליים מתאימות לי.",
                "התור היה ענק והצוות דיבר בגסות ללקוחות. ביקור לא נעים.",
                "רציתי ייעוץ לגבי אוהל אבל לא היה אף עובד פנוי. אחרי המתנה ארוכה פשוט הלכתי.",
                "צוות לחוץ וחסר סבלנות וקופה איטית. החוויה בחנות ממש הידרדרה.",
            ]
        case .english:
            return [
                "The staff in the store were rude and clearly stressed. I waited ages at the till.",
                "Long queue at the till and only one cashier working. Really frustrating.",
                "Nobody on the floor to advise me, and the one employee I found was unfriendly and rude.",
                "Staff ignored me for ten minutes, then seemed annoyed when I asked for help.",
                "Had to wait twenty minutes at the till, and the staff looked overwhelmed and impatient.",
                "Unhelpful staff in the store today. Nobody could tell me which boots would fit, very disappointing.",
                "The queue went all the way to the door and the staff were rude to customers. A really unpleasant visit.",
                "I wanted advice on a tent but no staff were around. Left after waiting for a while, disappointed.",
                "Stressed, grumpy staff and a slow till. The store experience has really gone downhill.",
            ]
        }
    }

    private static func storeStaffFriendly(_ language: DemoLanguage) -> [String] {
        switch language {
        case .german:
            return [
                "Die Mitarbeiter im Laden waren sehr freundlich und haben sich viel Zeit für meine Beratung genommen.",
                "Super Beratung von einer Verkäuferin, die sich mit Zelten richtig gut auskennt.",
                "Freundliches und geduldiges Personal, das wirklich zuhört. Toller Einkauf!",
                "Der Verkäufer in der Schuhabteilung war klasse, kompetent und sehr nett.",
                "Sehr hilfsbereite Mitarbeiter, ich durfte die Rucksäcke in Ruhe mit Gewicht testen. Toll!",
                "Die Kassiererin war gut gelaunt und die Beratung im Laden ehrlich und hilfreich.",
                "So ein freundlicher Service im Geschäft, ich habe genau das gefunden, was ich brauchte.",
                "Kompetentes, herzliches Personal, das nicht aufdringlich ist. Einkaufen macht hier Spaß.",
                "Der junge Mann an der Kletterwand hat mich toll beraten. Danke für die freundliche Hilfe!",
            ]
        case .chinese:
            return [
                "店里的店员很热情，耐心帮我挑到了合适的登山鞋，非常满意。",
                "店员对帐篷特别了解，给的建议很专业，服务很好，非常满意。",
                "店员很友好也很有耐心，认真听我的需求，体验很棒。",
                "鞋区的店员很专业，服务态度非常好，很满意，推荐大家去。",
                "工作人员很热心，还让我背上背包试重量，服务很周到。",
                "收银的小姐姐很热情，店员的建议也很实在，很满意。",
                "店里服务特别好，店员帮我找到了需要的东西，很开心。",
                "店员热情又专业，从不强行推销，在这里买东西很舒服，很满意。",
                "攀岩区的店员非常耐心，讲解很清楚，服务态度很好，很满意，点赞！",
            ]
        case .hebrew:
            return [
                "הצוות בחנות היה נחמד מאוד ולקח את הזמן לעזור לי למצוא נעליים מתאימות.",
                "ייעוץ מעולה ממוכר שמבין באמת באוהלים. שירות מצוין.",
                "צוות אדיב וסבלני שבאמת מקשיב. ביקור מצוין בחנות!",
                "המוכר במחלקת הנעליים היה מקצועי ואדיב מאוד.",
                "עובד אדיב נתן לי לנסות את התרמילים עם משקל. שירות נהדר.",
                "הקופאית הייתה חייכנית והצוות נתן לי עצות כנות ומועילות.",
                "שירות כל כך נעים בחנות, יצאתי בדיוק עם מה שהייתי צריך.",
                "צוות חם ומקצועי שלא לוחץ לקנות. כיף לקנות כאן.",
                "הבחור באזור הטיפוס היה אדיב ועזר לי המון. תודה על השירות!",
            ]
        case .english:
            return [
                "The staff in the store were friendly and took their time to help me find the right boots.",
                "Great advice from a really helpful employee, she knew everything about tents.",
                "Friendly, patient staff who actually listened. Best store visit in a long time.",
                "The advisor in the shoe section was fantastic, very knowledgeable and kind.",
                "Super helpful staff, they let me try the backpacks with weight in them. Great!",
                "The cashier was cheerful and the team on the floor gave me honest, helpful advice.",
                "Such friendly service in the store, I left with exactly what I needed.",
                "Staff were warm and knowledgeable and never pushy. A pleasure to shop here.",
                "The young man at the climbing section was incredibly helpful. Great service!",
            ]
        }
    }

    private static func sustainability(_ language: DemoLanguage) -> [String] {
        switch language {
        case .german:
            return [
                "Bitte weniger Plastikverpackung! Toll finde ich, dass ihr Reparaturen anbietet.",
                "Super, dass man Jacken bei euch reparieren lassen kann. Nachhaltigkeit ist mir wichtig.",
                "Ich wünsche mir langlebige Ausrüstung, die man reparieren kann. Schön, dass ihr in diese Richtung geht.",
                "Weniger Plastik in den Verpackungen wäre toll. Ansonsten gefällt mir euer Einsatz für Nachhaltigkeit.",
                "Die recycelten Stoffe und das Reparaturangebot finde ich klasse. Gerne mehr davon!",
                "Langlebige, reparierbare Ausrüstung ist der Grund, warum ich hier kaufe. Toll, dass euch Nachhaltigkeit wichtig ist.",
                "Eine Rücknahme für alte Ausrüstung wäre schön. Der Fokus auf Umweltschutz gefällt mir sehr.",
                "Für langlebige und fair hergestellte Produkte gebe ich gern etwas mehr aus. Weiter so!",
                "Die Kartonverpackung ohne Plastik ist ein guter Schritt. Hoffentlich folgen weitere Produkte.",
            ]
        case .chinese:
            return [
                "希望塑料包装再少一点，不过维修服务很好，很满意，支持！",
                "很高兴冲锋衣可以维修，环保对我来说很重要，非常好。",
                "装备耐用又能维修，非常好，支持你们往这个方向努力。",
                "塑料包装少了很多，非常好，环保这件事做得很棒，支持！",
                "很喜欢回收面料做的衣服，能修就不用扔，非常好，值得支持。",
                "耐用、可修的装备是我选择这里的原因，很喜欢你们重视环保，非常好。",
                "如果能回收旧装备就更好了，很喜欢品牌对环保的重视。",
                "愿意为耐用、环保的产品多花一点钱，继续加油！",
                "纸质包装不用塑料，这一步做得很好，希望更多产品跟上。",
            ]
        case .hebrew:
            return [
                "בבקשה פחות אריזות פלסטיק. אהבתי שאתם מציעים תיקונים, כל הכבוד!",
                "כיף לראות שאפשר לתקן אצלכם מעילים. קיימות חשובה לי מאוד.",
                "הייתי שמח לציוד שמחזיק שנים ואפשר לתקן אותו. טוב שאתם הולכים לכיוון הזה.",
                "פחות פלסטיק באריזה יהיה נהדר. חוץ מזה, אני מעריכה את המאמץ שלכם לקיימות.",
                "אני מעריך את השימוש בבדים ממוחזרים ואת תוכנית התיקונים. עוד מזה, בבקשה!",
                "ציוד עמיד שאפשר לתקן הוא הסיבה שאני קונה כאן. תודה שאתם לוקחים קיימות ברצינות.",
                "היה נחמד אם הייתה אפשרות למסור ציוד ישן למחזור. אוהב את הדגש על הסביבה.",
                "מוכן להוציא קצת יותר על מוצרים עמידים שמיוצרים בהגינות. תמשיכו כך!",
                "אריזת קרטון בלי פלסטיק זה צעד מצוין. מקווה שעוד מוצרים יצטרפו.",
            ]
        case .english:
            return [
                "Please use less plastic packaging. I love that you offer repairs, keep it up!",
                "Great to see you repair jackets now. Sustainability really matters to me.",
                "I'd love gear that lasts and can be repaired rather than replaced. Good to see you moving that way.",
                "Less plastic in the packaging would be great. Otherwise happy with your sustainability efforts.",
                "I appreciate the recycled fabrics and the repair program. More of this, please!",
                "Durable, repairable gear is the reason I shop here. Thank you for taking sustainability seriously.",
                "Would be nice to have a take-back scheme for old gear. Love the focus on the environment.",
                "Happy to spend a bit more on long-lasting, fairly made products. Keep up the good work.",
                "The cardboard packaging without plastic is a great step. Hope more products follow.",
            ]
        }
    }

    private static func easyContact(_ language: DemoLanguage) -> [String] {
        switch language {
        case .german:
            return [
                "Ich habe wegen eines Umtauschs angerufen und der Mitarbeiter hat alles in fünf Minuten geklärt. Super!",
                "Der Kundenservice hat innerhalb einer Stunde geantwortet und alles sofort gelöst. Toll!",
                "Kurzer Chat mit dem Service und mein Anliegen war erledigt. Einfach und freundlich.",
                "Die Mitarbeiterin hat sofort verstanden, worum es geht, und sich um alles gekümmert. Sehr zufrieden.",
                "Eine Nachricht, eine freundliche Antwort, fertig. So einfach kann Service sein, danke!",
                "Schneller und hilfsbereiter Kundenservice, ich musste nichts zweimal erklären. Prima!",
                "Ich bin begeistert vom Service-Team, mein Umtausch war noch am selben Tag erledigt.",
                "Freundlicher Mitarbeiter, schnelle Lösung, kein Aufwand. Genau so muss Service sein.",
                "Innerhalb weniger Minuten hatte ich eine hilfreiche Antwort vom Kundenservice. Sehr gut!",
            ]
        case .chinese:
            return [
                "客服态度很好，速度很快，服务很好，非常满意。",
                "客服一个小时内就帮我处理好了，速度很快，服务很好，很满意。",
                "在线客服很耐心，很快就帮我换好了尺码，服务很好，点赞！",
                "客服一下子就明白了我的情况，很快处理好了，服务很棒，非常满意。",
                "发了一条消息，客服很快就热情地帮我办好了，服务很好，谢谢！",
                "售后速度很快，也很专业，体验很好，非常满意。",
                "服务效率很高，当天就安排好了，非常满意，点赞。",
                "售后很给力，很快就处理好了，态度也很好，非常满意。",
            ]
        case .hebrew:
            return [
                "התקשרתי בקשר להחלפה והנציג סידר הכול תוך חמש דקות. שירות מעולה!",
                "שירות הלקוחות ענה למייל תוך שעה ופתר הכול מיד. מצוין!",
                "צ'אט קצר עם נציג והעניין נפתר. קל ונעים.",
                "הנציג הבין מיד מה צריך וטיפל בהכול. שירות מצוין.",
                "הודעה אחת לנציג, תשובה נעימה, וזהו. ככה צריך להיות. תודה!",
                "השירות היה מהיר ומועיל, לא הייתי צריך להסביר שום דבר פעמיים.",
                "מאוד התרשמתי מצוות השירות, ההחלפה סודרה באותו יום.",
                "נציג אדיב, פתרון מהיר ובלי כאב ראש. ככה צריך להיראות שירות.",
                "קיבלתי תשובה מועילה מהשירות תוך כמה דקות. מרוצה מאוד.",
            ]
        case .english:
            return [
                "I called about an exchange and the agent sorted it out in five minutes. Very helpful!",
                "Customer service answered my email within an hour and fixed everything right away. Great!",
                "Quick chat with support and my question was answered. Easy and friendly.",
                "The agent understood straight away and handled everything. Excellent service.",
                "Super easy: one message, one friendly reply, done. Thank you!",
                "Support was fast and helpful, I didn't have to explain anything twice. Great job.",
                "Really impressed by the service team, my exchange was arranged the same day.",
                "Friendly agent, quick solution, no hassle at all. That's how service should be.",
                "I got a helpful answer from support within minutes. Very pleased.",
            ]
        }
    }

    private static func hardContact(_ language: DemoLanguage) -> [String] {
        switch language {
        case .german:
            return [
                "Ich hing vierzig Minuten in der Warteschleife und musste dann alles zweimal erklären. Sehr ärgerlich.",
                "Ewig gewartet, bis jemand abnimmt, und der Mitarbeiter hatte meine Mails nicht einmal gelesen. Enttäuschend.",
                "Drei Anrufe, zwei Mitarbeiter und jedes Mal alles von vorne erzählen. Schlechter Service.",
                "Endlose Warteschleife, dann ist die Verbindung abgebrochen. Beim nächsten Mitarbeiter wieder von vorn, furchtbar.",
                "Es hat Stunden gedauert, bis ich jemanden erreicht habe, und der Kundenservice hat mich nur weiterverbunden. Ärgerlich.",
                "Eine Woche auf eine Antwort gewartet und dann alles noch einmal erklären müssen. Sehr ärgerlich.",
                "Langsamer und unfreundlicher Service. Niemand wusste, was der vorige Mitarbeiter gesagt hatte.",
                "Ewig in der Warteschleife, zweimal weitergeleitet und immer noch keine Lösung. Sehr enttäuschend.",
                "Warum muss ich jedem Mitarbeiter alles neu erzählen? Die Wartezeiten sind eine Zumutung.",
            ]
        case .chinese:
            return [
                "电话排队等了四十分钟，接通后还要把情况重新说一遍，太累了。",
                "等了很久才有人接电话，客服连我之前的邮件都没看，很失望。",
                "打了三次电话，换了两个客服，每次都要从头讲，服务太差。",
                "一直在等待，好不容易接通电话又断了，换个客服又得重说，太糟糕了。",
                "联系客服太难了，等了好几个小时，还被转来转去，很不满意。",
                "回复太慢了，等了一个星期，还要重新解释一遍，非常不满意。",
                "客服效率太慢，也不负责，前一个客服说过什么没人知道。",
                "排队等了半天，转接了两次，问题还是没解决，很失望。",
                "为什么每个客服都要我重复一遍？等待时间太长了，体验很差。",
            ]
        case .hebrew:
            return [
                "הייתי ארבעים דקות בהמתנה ואז נאלצתי להסביר הכול פעמיים. מתיש.",
                "חיכיתי נצח שמישהו יענה, והנציג אפילו לא קרא את המיילים הקודמים שלי.",
                "שלוש שיחות, שני נציגים, ואותו סיפור שוב ושוב. שירות גרוע.",
                "המתנה אינסופית, ואז השיחה נותקה. נאלצתי להתחיל מהתחלה עם נציג אחר. נורא.",
                "לקח שעות להשיג מישהו, ובשירות הלקוחות רק העבירו אותי מאחד לשני.",
                "חיכיתי שבוע לתשובה ונאלצתי להסביר את כל המקרה מחדש. מתסכל מאוד.",
                "שירות איטי ולא מועיל. אף אחד לא ידע מה הנציג הקודם אמר.",
                "המון זמן בהמתנה, העבירו אותי פעמיים ועדיין אין פתרון. שירות מאכזב.",
                "למה אני צריך לחזור על הכול לכל נציג מחדש? זמני ההמתנה פשוט מגוחכים.",
            ]
        case .english:
            return [
                "I was on hold for forty minutes and then had to explain everything twice. Exhausting.",
                "Waited ages for someone to pick up, and the agent didn't even read my earlier emails. Frustrating.",
                "Three calls, two agents, same story told over and over. Terrible service.",
                "Endless hold music, then the call dropped. Had to start from scratch with another agent. Awful.",
                "It took forever to reach anyone, and the service team kept passing me around. Annoying.",
                "I had to wait a week for a reply and explain my case again from the start. Very frustrating.",
                "Slow, unhelpful agents. Nobody seemed to know what the previous one had said, very frustrating.",
                "On hold for ages, transferred twice, and still no answer. Really disappointing service.",
                "Why do I have to repeat everything to every agent? The wait times are ridiculous.",
            ]
        }
    }

    private static func pulseGood(_ language: DemoLanguage) -> [String] {
        switch language {
        case .german:
            return [
                "Tolles Team und die Schichtplanung ist fair. Ich arbeite wirklich gerne hier.",
                "Meine Kollegen sind hilfsbereit und die Filialleitung hört wirklich zu. Ein guter Arbeitsplatz.",
                "Die Schichten werden früh geplant und Tauschen ist einfach. Ich bin sehr zufrieden mit dem Team.",
                "Nettes Team, faire Dienstpläne und eine Chefin, die hinter uns steht. Kann ich nur empfehlen.",
                "Der Zusammenhalt in unserer Filiale ist super und die Schulungen sind wirklich gut.",
                "Gute Balance zwischen Arbeit und Freizeit, faire Schichten und hilfsbereite Kollegen.",
                "An vollen Tagen helfen wir uns gegenseitig, die Stimmung ist toll. Ich bin stolz, hier zu arbeiten.",
                "Die Leitung ist fair und offen, und ich fühle mich für meine Arbeit wertgeschätzt.",
                "Nette Kollegen, klare Planung und ein Chef, der zuhört. Ich bin gerne Teil dieses Teams.",
            ]
        case .chinese:
            return [
                "团队氛围很好，排班也很公平，每天上班都挺开心的。",
                "同事们都很乐于助人，店长也愿意听我们的意见，工作环境很好。",
                "排班提前安排好，换班也方便，对我们团队很满意。",
                "团队很好，排班合理，经理也很照顾大家，很满意，推荐来这里工作。",
                "店里团队精神很棒，培训也很到位，学到了很多东西。",
                "工作和生活平衡得不错，排班公平，同事也很热心。",
                "忙的时候大家互相帮忙，氛围特别好，在这里工作很开心，很满意。",
                "管理层很公正，大家的付出都能被看到，感觉很好，很喜欢这里。",
                "同事很好相处，计划清楚，领导也愿意倾听，很高兴能在这个团队。",
            ]
        case .hebrew:
            return [
                "צוות מעולה וסידור משמרות הוגן. אני נהנה לבוא לעבודה כל יום.",
                "העמיתים תומכים והמנהלת באמת מקשיבה. מקום עבודה טוב.",
                "המשמרות מתוכננות הרבה מראש וקל להתחלף. מרוצה מאוד מהצוות.",
                "צוות נחמד, סידור עבודה הוגן ומנהל שמגבה אותנו. ממליץ לעבוד כאן.",
                "יש אצלנו בחנות רוח צוות נהדרת וההדרכות מצוינות.",
                "איזון טוב בין עבודה לחיים, משמרות הוגנות ועמיתים שעוזרים.",
                "בימים עמוסים כולם עוזרים לכולם והאווירה מעולה. גאה לעבוד כאן.",
                "ההנהלה הוגנת ופתוחה, ואני מרגישה שמעריכים את העבודה שלי.",
                "עמיתים נחמדים, תכנון ברור ומנהל שמקשיב. שמח להיות חלק מהצוות.",
            ]
        case .english:
            return [
                "Great team, and the shift planning is fair. I enjoy coming to work here.",
                "My colleagues are supportive and the manager actually listens. Good place to work.",
                "Shifts are planned well in advance and swaps are easy. Really happy with the team.",
                "Friendly team, fair schedules and a manager who backs us up. I'd recommend working here.",
                "I love the team spirit in our store, and the training has been excellent.",
                "Good balance between work and life, fair shifts and helpful colleagues.",
                "We support each other on busy days and the atmosphere is great. Proud to work here.",
                "Management is fair and open, and I feel appreciated for what I do.",
                "Nice colleagues, clear plans and a boss who listens. Happy to be part of this team.",
            ]
        }
    }

    private static func pulseBad(_ language: DemoLanguage) -> [String] {
        switch language {
        case .german:
            return [
                "Wir sind ständig unterbesetzt und Schichten werden kurzfristig geändert. Ich bin total erschöpft.",
                "Die Filialleitung hört uns nie zu. Die Stimmung im Team ist richtig schlecht.",
                "Der Dienstplan kommt zwei Tage vorher, man kann nichts planen. Sehr belastend.",
                "Zu wenig Leute auf der Fläche, zu viele Aufgaben, und oben hört keiner zu. Ich bin frustriert.",
                "Ich werde ständig an meinen freien Tagen angerufen. Das nervt total und ich bin erschöpft.",
                "Jedes Wochenende unterbesetzt und jeder Vorschlag wird abgeblockt. Echt frustriert.",
                "Schichtänderungen per Nachricht am Vorabend, mitreden dürfen wir nie. Schlechte Stimmung.",
                "Den Personalmangel haben wir vor Monaten angesprochen, passiert ist nichts. Ich fühle mich ignoriert.",
                "Überlastet und nicht wertgeschätzt. Die Planung ist chaotisch und Beschwerden verpuffen.",
            ]
        case .chinese:
            return [
                "人手一直不够，排班经常临时改，每天都太累了，很失望。",
                "店长从来不听我们的意见，店里士气很低落，很失望。",
                "排班表提前两天才出来，根本没法安排自己的事，压力很大。",
                "人太少，活太多，上面也没人关心，很失望。",
                "休息日也经常被叫回来上班，太累了，很失望，在考虑辞职了。",
                "每个周末都缺人，提什么建议经理都不理，很无奈。",
                "前一天晚上才发消息改班，我们没有任何发言权，最近氛围很差。",
                "人手不足的问题几个月前就反映过，到现在也没解决，感觉被忽视了。",
                "工作量太大又得不到认可，排班混乱，投诉也没人管，太差了。",
            ]
        case .hebrew:
            return [
                "אנחנו כל הזמן בחוסר כוח אדם והמשמרות משתנות ברגע האחרון. מתיש.",
                "המנהל אף פעם לא מקשיב לנו. המורל בחנות ממש נמוך.",
                "סידור העבודה יוצא יומיים מראש, אי אפשר לתכנן כלום. מלחיץ מאוד.",
                "מעט מדי אנשים על הרצפה, יותר מדי משימות, ולאף אחד למעלה לא אכפת.",
                "כל הזמן מקפיצים אותי בימי החופש. זה שוחק אותי ואני חושבת לעזוב.",
                "חוסר באנשים בכל סוף שבוע והמנהלת דוחה כל הצעה. מתסכל.",
                "שינויי משמרות בהודעה בלילה שלפני, בלי שום יכולת להשפיע. אווירה רעה לאחרונה.",
                "העלינו את בעיית כוח האדם לפני חודשים ושום דבר לא קרה. אני מרגיש שמתעלמים ממני.",
                "עומס עבודה והרגשה שלא מעריכים אותנו. הסידור כאוטי ואף אחד לא מתייחס לתלונות.",
            ]
        case .english:
            return [
                "We are constantly understaffed and shifts get changed at short notice. Exhausting.",
                "The manager never listens to our concerns. Morale in the store is really low.",
                "Rotas come out two days in advance, impossible to plan anything. Very stressful.",
                "Too few people on the floor, too many tasks, and management ignores it. Really frustrating.",
                "I keep getting called in on my days off. It's stressful, and I'm unhappy enough to think about leaving.",
                "Short-staffed every weekend and the manager dismisses every suggestion. Frustrating.",
                "Shift changes by text the night before, no say in anything. Bad atmosphere lately.",
                "We raised the staffing problem months ago and nothing happened. I feel ignored.",
                "Overworked and underappreciated. The schedule is chaos and complaints go nowhere.",
            ]
        }
    }

    private static func caseLateSubject(_ language: DemoLanguage) -> [String] {
        switch language {
        case .german:
            return [
                "Wo bleibt mein Paket?", "Meine Bestellung ist noch nicht angekommen", "Lieferung verspätet",
                "Paket immer noch nicht da", "Verspätete Lieferung – gibt es Neuigkeiten?",
                "Versand vor einer Woche, immer noch nichts da", "Sendungsverfolgung seit Tagen unverändert",
                "Wann kommt meine Lieferung?", "Lieferung überfällig",
            ]
        case .chinese:
            return [
                "我的包裹到哪了？", "订单还没到货", "快递迟迟没到", "物流一直没更新", "发货一周了还没收到",
                "包裹延误，请问什么时候能送到？", "催一下快递", "配送超时了", "请问我的快递什么时候到？",
            ]
        case .hebrew:
            return [
                "איפה החבילה שלי?", "המשלוח שלי עוד לא הגיע", "איחור במשלוח", "החבילה עדיין לא נמסרה",
                "מתי יגיע המשלוח?", "שבוע מאז ששלחתם ועדיין אין משלוח", "המעקב אחרי החבילה לא מתעדכן",
                "המשלוח מתעכב – יש עדכון?", "הזמנה באיחור",
            ]
        case .english:
            return [
                "Where is my parcel?", "My order hasn't arrived yet", "Delivery is late", "Package still not delivered",
                "Parcel delayed – any update?", "Order shipped a week ago, still nothing",
                "Late delivery of my order", "The tracking for my order hasn't changed in days",
                "When will my package arrive?",
            ]
        }
    }

    private static func caseLateMessage(_ language: DemoLanguage) -> [String] {
        switch language {
        case .german:
            return [
                "Ich habe vor zehn Tagen einen Schlafsack bestellt und das Paket ist immer noch nicht angekommen. Die Sendungsverfolgung zeigt seit Dienstag nichts Neues, das ist ärgerlich. Können Sie nachsehen?",
                "Mein Paket sollte am Freitag geliefert werden, aber es kam nichts. Ich brauche die Ausrüstung nächste Woche für eine Tour und bin langsam verärgert. Wann kommt es?",
                "Die Lieferung ist jetzt fünf Tage verspätet und niemand hat sich gemeldet. Das ist wirklich ärgerlich. Wo bleibt meine Bestellung?",
                "Laut Sendungsverfolgung ist mein Paket seit über einer Woche unterwegs. Ich mache mir Sorgen, dass es verloren gegangen ist. Könnten Sie beim Zusteller nachfragen?",
                "Ich habe für Expressversand bezahlt und die Sendung ist schon drei Tage zu spät. Das ist enttäuschend. Bekomme ich die Versandkosten zurück?",
                "Meine Bestellung wurde vor einer Woche als verschickt markiert, aber ein Paket habe ich nicht erhalten. Bitte prüfen Sie das, ich bin langsam verärgert.",
                "Das Paket hätte gestern kommen sollen, aber es ist nichts da. Die Sendungsverfolgung zeigt keine Aktualisierung. Das ist wirklich enttäuschend.",
                "Seit dem Versand meiner Bestellung sind neun Tage vergangen. Über die Verspätung wurde ich nicht informiert. Was ist passiert?",
                "Mein Zelt wurde noch nicht geliefert und am Samstag beginnt unser Campingwochenende. Können Sie die Zustellung irgendwie beschleunigen?",
            ]
        case .chinese:
            return [
                "我十天前买了一个睡袋，到现在还没收到货。物流信息从上周二就没更新过，请帮我查一下。",
                "我的包裹本来周五应该送到，但是一直没来。下周出行要用，请告诉我什么时候能到。",
                "快递已经晚了五天了，也没有人联系我，真的很着急。我的订单到底在哪里？",
                "物流显示包裹在运输中已经一个多星期了，我担心是不是丢了，麻烦帮忙联系一下快递公司。",
                "我付了加急运费，结果发货后还是晚了三天才到货，太失望了。运费能退吗？",
                "订单一周前就显示已发货，可是我什么都没收到。请帮忙查一下，有点不高兴了。",
                "包裹昨天就应该到了，现在还没有任何消息，物流也没有更新，请帮帮忙。",
                "发货已经九天了，延误的事情一直没人通知我。这是怎么回事？",
                "帐篷还没送到，我们周六就要去露营了。能不能想办法快点配送？",
            ]
        case .hebrew:
            return [
                "הזמנתי שק שינה לפני עשרה ימים והחבילה עדיין לא הגיעה. המעקב לא השתנה מאז יום שלישי. תוכלו לבדוק בבקשה?",
                "המשלוח היה אמור להגיע ביום שישי, אבל שום דבר לא הגיע. אני צריך את הציוד לטיול בשבוע הבא. מתי זה יגיע?",
                "המשלוח מאחר כבר חמישה ימים ואף אחד לא יצר איתי קשר. זה ממש מתסכל. איפה ההזמנה שלי?",
                "לפי המעקב החבילה בדרך כבר יותר משבוע. אני חושש שהיא אבדה. תוכלו לבדוק מול חברת השליחויות?",
                "שילמתי על משלוח אקספרס והוא כבר באיחור של שלושה ימים. מאכזב. אפשר לקבל החזר על דמי המשלוח?",
                "ההזמנה סומנה כנשלחה לפני שבוע, אבל שום חבילה לא הגיעה אליי. תבדקו בבקשה, אני מתחיל להתעצבן.",
                "החבילה הייתה אמורה להגיע אתמול ואין לה זכר. המעקב לא מראה שום עדכון. אשמח לעזרה.",
                "עברו תשעה ימים מאז שההזמנה נשלחה ואף אחד לא עדכן אותי על האיחור. מה קרה?",
                "האוהל עדיין לא הגיע וסוף השבוע של הקמפינג מתחיל בשבת. אפשר לזרז את המשלוח?",
            ]
        case .english:
            return [
                "I ordered a sleeping bag ten days ago and the parcel still hasn't arrived. The tracking hasn't moved since last Tuesday, which is frustrating. What's going on?",
                "My package was supposed to be delivered on Friday, but nothing came. I need the gear for a trip next week, so this is a real problem. When will it arrive?",
                "The delivery is now five days late and nobody has contacted me. This is really frustrating. Where is my order?",
                "Tracking says my parcel has been in transit for over a week. I'm getting worried it's lost. Could you check with the courier?",
                "I paid for express shipping and it's already three days late. That's disappointing. Can you refund the shipping fee?",
                "My order was marked as shipped a week ago, but I still haven't received anything. Could you look into this? I'm starting to get annoyed.",
                "The parcel was due yesterday and there's still no sign of it. The tracking shows no updates. I'm disappointed, what happened?",
                "It's been nine days since my order shipped. I haven't had a single update about the delay. What happened?",
                "My tent hasn't been delivered yet and our camping weekend starts on Saturday. Is there anything you can do to speed this up?",
            ]
        }
    }

    private static func caseDefectSubject(_ language: DemoLanguage) -> [String] {
        switch language {
        case .german:
            return [
                "Stirnlampe funktioniert nicht mehr", "Die Stirnlampe ist defekt", "Defekte Stirnlampe aus der Winteraktion",
                "Stirnlampe nach einer Woche kaputt", "Reklamation: Die Stirnlampe ist defekt", "Schalter der Stirnlampe kaputt",
                "Mangelhafte Qualität der Stirnlampe", "Stirnlampe flackert – ist sie defekt?", "Meine Stirnlampe ist kaputt",
            ]
        case .chinese:
            return [
                "头灯坏了", "头灯不亮了，质量有问题", "冬季活动买的头灯坏了", "头灯开关坏了", "头灯质量问题",
                "头灯用了一周就坏了", "头灯破损，申请售后", "头灯闪烁，疑似质量问题", "头灯做工有问题",
            ]
        case .hebrew:
            return [
                "תקלה בפנס הראש", "פנס ראש פגום", "פנס הראש שבור", "פנס ראש ממבצע החורף פגום", "בעיית איכות בפנס הראש",
                "תקלה במתג של פנס הראש", "פנס הראש מהבהב – תקלה?", "פנס הראש שלי שבור אחרי שבוע", "החלפת פנס ראש פגום",
            ]
        case .english:
            return [
                "Headlamp stopped working", "Broken headlamp", "My headlamp is faulty",
                "Headlamp from the winter sale stopped working", "Quality problem with my headlamp",
                "Headlamp flickers, seems faulty", "The headlamp is broken after a week", "Faulty headlamp, need a replacement",
                "The switch on my headlamp is broken",
            ]
        }
    }

    private static func caseDefectMessage(_ language: DemoLanguage) -> [String] {
        switch language {
        case .german:
            return [
                "Die Stirnlampe aus der Winteraktion ist nach zwei Wochen kaputt gegangen, obwohl ich neue Batterien probiert habe. Das ist ärgerlich. Kann ich eine Ersatzlampe bekommen?",
                "Meine Stirnlampe ist defekt: Sie flackert und geht nach ein paar Minuten aus. Ich habe sie kaum benutzt. Wie kann ich sie umtauschen?",
                "Der Schalter meiner Stirnlampe ist kaputt, das Licht geht nicht mehr an. Sie ist erst einen Monat alt, das ist ärgerlich. Was kann ich tun?",
                "Ich bin mit der Qualität der Stirnlampe aus Ihrer Winteraktion unzufrieden. Das Kopfband ist gerissen und die Lampe funktioniert nicht mehr. Ich hätte gern eine neue oder mein Geld zurück.",
                "Der Batteriedeckel meiner Stirnlampe ist beschädigt, die Batterien fallen heraus. Von der Qualität bin ich enttäuscht. Was können Sie tun?",
                "Meine Stirnlampe ist letztes Wochenende auf einer Wanderung ausgefallen und seitdem defekt. Das ist ärgerlich. Wie kann ich sie zurückgeben?",
                "Die Stirnlampe hat einen Defekt: Nach zehn Minuten wird sie fast dunkel. Schlechte Qualität für ein neues Produkt. Was schlagen Sie vor?",
                "Ich habe in der Winteraktion zwei Stirnlampen gekauft, eine ist schon kaputt. Die andere geht noch. Können Sie die defekte ersetzen?",
            ]
        case .chinese:
            return [
                "冬季活动买的头灯用了两周就坏了，换了新电池也打不开。能给我换一个吗？",
                "我的头灯有质量问题，一闪一闪的，几分钟后就不亮了。我几乎没怎么用过，请问怎么换货？",
                "头灯的开关坏了，灯打不开了。才买了一个月，挺失望的，请问怎么处理？",
                "对冬季活动买的头灯质量很不满意，头带断了，灯也坏了。希望退款或者换一个新的。",
                "头灯的电池盖破损了，电池会掉出来。本以为质量会更好，麻烦帮忙处理一下。",
                "上周末徒步的时候头灯突然坏了，幸好带了备用的，但这样太不靠谱了。请问怎么退货？",
                "头灯用十分钟亮度就变得很暗，新买的东西质量这么差，很失望，请给个说法。",
                "活动时买了两个头灯，其中一个已经坏了，另一个正常。能帮我换掉坏的那个吗？",
            ]
        case .hebrew:
            return [
                "פנס הראש שקניתי במבצע החורף הפסיק לעבוד אחרי שבועיים, גם עם סוללות חדשות. נראה שיש תקלה במתג. אפשר לקבל פנס חלופי?",
                "פנס הראש שלי פגום: הוא מהבהב ונכבה אחרי כמה דקות. כמעט לא השתמשתי בו. איך אפשר להחליף אותו?",
                "המתג של פנס הראש שבור והאור לא נדלק יותר. הפנס בן חודש בלבד, וזה מאכזב. מה האפשרויות שלי?",
                "אני לא מרוצה מהאיכות של פנס הראש ממבצע החורף. הרצועה נקרעה והפנס הפסיק לעבוד. אבקש זיכוי או פנס חדש.",
                "מכסה הסוללות של פנס הראש שבור, והסוללות נופלות החוצה. ציפיתי לאיכות טובה יותר. תוכלו לעזור?",
                "פנס הראש נכבה לי באמצע טיול בסוף השבוע. למזלנו היה פנס נוסף, אבל זו תקלה שלא אמורה לקרות. איך מחזירים אותו?",
                "יש תקלה בפנס הראש: אחרי עשר דקות האור כמעט נעלם. איכות ירודה למוצר חדש. מה אתם מציעים?",
                "קניתי שני פנסי ראש במבצע החורף ואחד כבר פגום. השני תקין. אפשר להחליף את הפגום?",
            ]
        case .english:
            return [
                "The headlamp I bought in the winter campaign stopped working after two weeks. I've tried new batteries, but it won't switch on. Can I get a replacement?",
                "My headlamp is faulty: it flickers and then goes dark after a few minutes. I've barely used it. Please let me know how to exchange it.",
                "The switch on my headlamp is broken and the light won't turn on anymore. It's only a month old, which is disappointing. What are my options?",
                "I'm unhappy with the quality of the headlamp from your winter sale. The strap tore and the lamp stopped working. I'd like a refund or a new one.",
                "The battery cover of my headlamp is broken, so the batteries fall out. Disappointing quality. Could you help?",
                "My headlamp stopped working on a hike last weekend. Luckily we had a spare, but that's not acceptable. How do I return it?",
                "The headlamp has a defect: the brightness drops to almost nothing after ten minutes. Poor quality for a new product. Please advise.",
                "I bought two headlamps in the winter promotion and one is already broken. The other one works. Can you replace the faulty one?",
            ]
        }
    }

    private static func caseQuestionSubject(_ language: DemoLanguage) -> [String] {
        switch language {
        case .german:
            return [
                "Frage zu den Größen", "Öffnungszeiten an Feiertagen", "Kann ich eine Jacke umtauschen?",
                "Welche Größe bei Wanderschuhen?", "Öffnungszeiten am Wochenende", "Umtausch in eine andere Größe",
                "Bieten Sie Reparaturen an?", "Frage zu meiner Bestellung", "Fällt die Regenjacke normal aus?",
            ]
        case .chinese:
            return [
                "尺码选择咨询", "节假日营业时间", "夹克可以换吗？", "登山鞋选多大码？", "周末营业时间", "关于换尺码",
                "可以修拉链吗？", "想了解一下我的订单", "冲锋衣尺码标准吗？",
            ]
        case .hebrew:
            return [
                "שאלה לגבי מידות", "שעות פתיחה בחגים", "אפשר להחליף מעיל?", "איזו מידה לנעלי הליכה?",
                "שעות פתיחה בסוף השבוע", "החלפה למידה אחרת", "האם אתם מתקנים ציוד?", "שאלה לגבי ההזמנה שלי",
                "האם מעיל הגשם תואם למידה?",
            ]
        case .english:
            return [
                "Question about sizes", "Are you open on public holidays?", "Can I exchange a jacket?",
                "Which size for hiking boots?", "Store opening times this weekend", "Exchange for a different size",
                "Do you offer repairs?", "A question about my order", "Is the rain jacket true to size?",
            ]
        }
    }

    private static func caseQuestionMessage(_ language: DemoLanguage) -> [String] {
        switch language {
        case .german:
            return [
                "Ich trage normalerweise Größe 43. Welche Größe empfehlen Sie bei den Wanderschuhen? Fallen sie klein aus?",
                "Haben Ihre Filialen an Feiertagen geöffnet? Ich würde am Montag gern ein Zelt abholen.",
                "Meine Jacke von letzter Woche ist etwas zu groß. Kann ich sie im Laden gegen eine kleinere Größe umtauschen?",
                "Wie sind die Öffnungszeiten der Filiale in der Innenstadt am Samstag? Vielen Dank im Voraus.",
                "Fällt die Regenjacke normal aus, oder sollte ich eine Nummer größer nehmen, um eine Fleecejacke darunter zu tragen?",
                "Reparieren Sie Reißverschlüsse an Rucksäcken? Meiner ist drei Jahre alt und sonst noch gut in Schuss.",
                "Kann ich ein Geschenk ohne Kassenbon umtauschen? Es stammt aus Ihrer Filiale, aus dem Dezember.",
                "Gibt es den Damenschlafsack auch in einer langen Version? Ich bin 1,80 m groß.",
            ]
        case .chinese:
            return [
                "我平时穿42码的运动鞋，你们的登山鞋应该选多大的？会偏小吗？",
                "您好，节假日门店正常营业吗？周一想过去取一顶帐篷，谢谢！",
                "上周买的夹克有点大，可以到店里换小一码吗？",
                "您好，想了解一下市中心门店周六的营业时间，谢谢！",
                "这款冲锋衣尺码正常吗？里面想加一件抓绒，要买大一码吗？谢谢！",
                "你们可以修背包拉链吗？我的背包用了三年，其他地方都还很好。",
                "没有小票可以换礼物吗？是十二月在你们店里买的。",
                "女款睡袋有没有加长的款式？我个子比较高，身高一米八，谢谢推荐。",
            ]
        case .hebrew:
            return [
                "אני נועל בדרך כלל מידה 43. איזו מידה אתם ממליצים בנעלי ההליכה? הן קטנות?",
                "האם החנויות פתוחות בחגים? אני רוצה לבוא ביום שני לאסוף אוהל.",
                "קניתי מעיל בשבוע שעבר והוא קצת גדול. אפשר להחליף אותו בחנות למידה קטנה יותר?",
                "מה שעות הפתיחה של הסניף במרכז העיר ביום שישי? תודה מראש.",
                "האם מעיל הגשם תואם למידה, או שכדאי לקחת מידה אחת גדולה יותר כדי ללבוש פליז מתחת?",
                "אתם מתקנים רוכסנים בתרמילים? שלי בן שלוש שנים ובמצב מצוין חוץ מזה.",
                "אפשר להחליף מתנה בלי קבלה? היא נקנתה אצלכם בדצמבר.",
                "יש שק שינה לנשים בגרסה ארוכה? הגובה שלי מטר שמונים.",
            ]
        case .english:
            return [
                "I usually wear a size 10 in sneakers. Which size would you recommend for your hiking boots? Do they run small?",
                "Are your stores open on public holidays? I'd like to come by on Monday to pick up a tent.",
                "I bought a jacket last week but it's a bit too big. Can I exchange it for a smaller size in the store?",
                "When does the downtown store open and close this Saturday? Thanks in advance.",
                "Does the rain jacket fit true to size, or should I go one size up to wear a fleece underneath?",
                "Do you repair zips on backpacks? Mine is three years old and otherwise still in great shape.",
                "Can I exchange a gift without the receipt? It was bought at your store in December.",
                "Does the women's sleeping bag come in a long version? I'm almost six feet tall.",
            ]
        }
    }

    private static func agentReply(_ language: DemoLanguage) -> [String] {
        switch language {
        case .german:
            return [
                "Vielen Dank für Ihre Nachricht und entschuldigen Sie die Unannehmlichkeiten. Ich habe alles geklärt, Sie erhalten in Kürze eine Bestätigung per E-Mail.",
                "Danke für Ihre Geduld! Alles ist erledigt, als kleine Entschuldigung haben wir Ihnen einen Gutschein gutgeschrieben.",
                "Ich habe mich persönlich darum gekümmert, die Änderung sehen Sie noch heute in Ihrem Kundenkonto. Vielen Dank!",
                "Danke, dass Sie uns Bescheid gegeben haben. Das Anliegen ist gelöst, alle Details haben Sie per E-Mail bekommen.",
                "Ich helfe gerne! Auf unserer Seite ist alles erledigt. Melden Sie sich einfach, falls noch etwas offen ist.",
                "Herzlichen Dank für Ihre Nachricht. Ich habe alles für Sie veranlasst, Sie hören innerhalb von zwei Werktagen von uns.",
                "Danke, dass Sie sich gemeldet haben! Ihr Anliegen ist erledigt, eine Bestätigung ist an Ihre E-Mail-Adresse unterwegs.",
                "Vielen Dank für Ihre Geduld. Ich habe das für Sie gelöst, sagen Sie gern Bescheid, wenn ich noch etwas tun kann.",
            ]
        case .chinese:
            return [
                "很高兴为您服务！已经为您处理好了，祝您生活愉快。",
                "感谢您的支持！已经帮您安排好了，祝您购物愉快，有需要随时找我们。",
                "感谢您的理解与耐心，已经帮您处理好了，祝您购物愉快！",
                "很高兴能帮到您！事情已经办好了，感谢您的信任，祝您出行愉快。",
                "感谢您的耐心！已经为您安排好了，祝您购物愉快。",
                "您好，这件事我已经亲自跟进处理了，今天之内就能在账户里看到更新，感谢您的支持。",
                "您好，已经为您处理好了，另外送您一张优惠券，感谢您的支持，祝您购物愉快。",
                "您好，已经为您办理好了，确认邮件稍后发到您的邮箱，感谢您的支持，祝您购物愉快！",
            ]
        case .hebrew:
            return [
                "תודה שפנית אלינו, ומצטערים על אי הנוחות. טיפלתי בנושא ואישור יישלח אליך במייל בקרוב.",
                "תודה על הסבלנות! הכול מסודר, והוספנו לחשבון שלך שובר קטן כהתנצלות.",
                "טיפלתי בזה באופן אישי, והעדכון יופיע בחשבון שלך עוד היום. תודה על הפנייה!",
                "תודה שעדכנת אותנו. הנושא טופל ושלחתי לך את כל הפרטים במייל.",
                "שמחים לעזור! הכול סגור מצדנו, ואם יש עוד משהו פשוט אפשר להשיב להודעה הזו.",
                "תודה רבה על הפנייה. סידרתי הכול עבורך ונחזור אליך תוך שני ימי עסקים.",
                "תודה שפנית! הפנייה שלך טופלה ואישור נשלח לכתובת המייל שלך.",
                "תודה על הסבלנות וההבנה. טיפלתי בעניין, ואם אפשר לעזור בעוד משהו אשמח לשמוע.",
            ]
        case .english:
            return [
                "Thank you for getting in touch! I've sorted this out and you'll receive a confirmation by email shortly.",
                "Thanks for your patience! Everything is arranged now, and I've added a small voucher to your account as an apology.",
                "I've taken care of this personally, and you'll see the update in your account today. Thanks for letting us know!",
                "Thank you for reaching out. Everything is resolved, and I've sent you all the details by email.",
                "Happy to help! It's all settled on our side; just reply to this message if anything else comes up.",
                "Many thanks for your message. I've arranged everything for you, and you'll hear from us within two working days.",
                "Thanks for contacting us! Your case is resolved, and a confirmation is on its way to your inbox.",
                "We appreciate your patience. I've fixed this for you; please let me know if there's anything else I can do.",
            ]
        }
    }
}

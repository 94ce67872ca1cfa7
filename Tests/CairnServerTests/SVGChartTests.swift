import CairnServer
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

@Suite("SVG charts")
struct SVGChartTests {
    let points = (1...7).map { SVGChart.Point(label: "11-\(String(format: "%02d", $0))", value: Double([3, 0, 7, 12, 5, 9, 4][$0 - 1])) }

    @Test("A bar chart has a bar per point, an accessible name, axis titles and nice ticks")
    func barChart() throws {
        let svg = SVGChart(kind: .bar, title: "Cases per day", summary: "Seven days of cases.", xAxisLabel: "Day", yAxisLabel: "Cases", points: points).render()
        #expect(svg.hasPrefix("<svg"))
        #expect(svg.contains(#"role="img""#))
        #expect(svg.contains(#"aria-labelledby="chart-title chart-desc""#))
        #expect(svg.contains(#"<title id="chart-title">Cases per day</title>"#))
        #expect(svg.contains(#"<desc id="chart-desc">Seven days of cases.</desc>"#))
        #expect(svg.matches(of: #/<rect /#).count == 7)
        #expect(svg.contains(">Day</text>") && svg.contains(">Cases</text>"))
        // Ticks for 0…12 with five ticks: 0, 5, 10, 15 (Heckbert's nice numbers).
        for tick in ["0", "5", "10", "15"] { #expect(svg.contains(">\(tick)</text>"), "tick \(tick)") }
        #expect(svg.contains("<title>11-04: 12</title>"), "each bar names its value")
        let xml = try XMLDocument(xmlString: svg)
        #expect(xml.rootElement()?.name == "svg", "well-formed XML")
    }

    @Test("A line chart joins every point")
    func lineChart() throws {
        let svg = SVGChart(kind: .line, title: "NPS", summary: "Trend.", xAxisLabel: "Week", yAxisLabel: "Score", points: points).render()
        let polyline = try #require(svg.firstMatch(of: /points="([^"]+)"/))
        #expect(polyline.1.split(separator: " ").count == 7)
        #expect(svg.matches(of: #/<circle /#).count == 7)
    }

    @Test("Text is escaped, so labels cannot inject markup")
    func textIsEscaped() {
        let svg = SVGChart(kind: .bar, title: "<script>alert(1)</script>", summary: "a & b", xAxisLabel: "\"x\"", yAxisLabel: "y",
                           points: [.init(label: "<b>", value: 1)]).render()
        #expect(!svg.contains("<script>"))
        #expect(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(svg.contains("a &amp; b"))
        #expect(svg.contains("&lt;b&gt;"))
    }

    @Test("Count charts label whole numbers only")
    func wholeNumberTicks() {
        let svg = SVGChart(kind: .bar, title: "t", summary: "s", xAxisLabel: "x", yAxisLabel: "y",
                           points: [.init(label: "a", value: 2), .init(label: "b", value: 1)], wholeNumbers: true).render()
        #expect(!svg.contains(">0.5</text>") && !svg.contains(">1.5</text>"))
        #expect(svg.contains(">2</text>"))
    }

    @Test("Empty and flat series still draw an axis")
    func emptyAndFlat() {
        let empty = SVGChart(kind: .line, title: "t", summary: "s", xAxisLabel: "x", yAxisLabel: "y", points: []).render()
        #expect(empty.contains("</svg>"))
        let flat = SVGChart(kind: .bar, title: "t", summary: "s", xAxisLabel: "x", yAxisLabel: "y", points: [.init(label: "a", value: 0), .init(label: "b", value: 0)]).render()
        #expect(flat.contains(">1</text>"), "0…1 axis for all-zero data")
        #expect(flat.firstMatch(of: /[=" ,(]-?(nan|inf)/) == nil, "no NaN or infinite coordinates")
    }
}

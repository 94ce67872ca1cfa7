import CairnAnalytics
import Foundation

/// A small server-side chart: a line or bars over labelled points, with axes, tick labels and an accessible
/// title and description. Output is a self-contained `<svg>` element that needs no script.
public struct SVGChart: Sendable {
    public enum Kind: String, Sendable { case line, bar }

    public struct Point: Sendable, Hashable {
        public var label: String
        public var value: Double
        public init(label: String, value: Double) {
            self.label = label
            self.value = value
        }
    }

    /// Bars divided into parts (units per product in each period): one value per point each, drawn bottom up in
    /// this order with their own colour (`s0`…`s7`), named by the page's legend. The points' values are the totals.
    public struct Stack: Sendable, Hashable {
        public var name: String
        public var values: [Double]
        public init(name: String, values: [Double]) {
            self.name = name
            self.values = values
        }
    }

    public var kind: Kind
    public var stacks: [Stack] = []
    /// Read by screen readers and shown as a tooltip; also the chart's accessible name.
    public var title: String
    /// A sentence describing what the chart shows, for screen readers.
    public var summary: String
    public var xAxisLabel: String
    public var yAxisLabel: String
    public var points: [Point]
    public var width: Int = 640
    public var height: Int = 260
    /// A stable id prefix so several charts on one page have distinct ids.
    public var idPrefix: String = "chart"
    /// Counts: ticks at whole numbers only.
    public var wholeNumbers: Bool = false
    /// The values the y axis must span whatever the data (NPS: −100 … 100), else the data's range and zero.
    public var yDomain: ClosedRange<Double>?

    public init(kind: Kind, title: String, summary: String, xAxisLabel: String, yAxisLabel: String, points: [Point], idPrefix: String = "chart",
                wholeNumbers: Bool = false, yDomain: ClosedRange<Double>? = nil) {
        self.wholeNumbers = wholeNumbers
        self.yDomain = yDomain
        self.kind = kind
        self.title = title
        self.summary = summary
        self.xAxisLabel = xAxisLabel
        self.yAxisLabel = yAxisLabel
        self.points = points
        self.idPrefix = idPrefix
    }

    // Plot area margins: room for the y tick labels and axis title on the left, x labels below.
    private let left = 56.0, right = 16.0, top = 16.0, bottom = 52.0

    public func render() -> String {
        let plotWidth = Double(width) - left - right
        let plotHeight = Double(height) - top - bottom
        let values = points.map(\.value).filter(\.isFinite)
        let low = min(yDomain?.lowerBound ?? 0, values.min() ?? 0), high = max(yDomain?.upperBound ?? 0, values.max() ?? 1)
        let scale = NiceScale(minimum: low, maximum: high > low ? high : low + 1, maximumTicks: 5, wholeNumbers: wholeNumbers)
        func y(_ value: Double) -> Double {
            top + plotHeight - (value - scale.lowerBound) / (scale.upperBound - scale.lowerBound) * plotHeight
        }
        let slot = points.isEmpty ? plotWidth : plotWidth / Double(points.count)
        func x(_ index: Int) -> Double { left + slot * (Double(index) + 0.5) }

        let titleID = "\(idPrefix)-title", descID = "\(idPrefix)-desc"
        var svg = """
        <svg xmlns="http://www.w3.org/2000/svg" class="chart chart-\(kind.rawValue)" viewBox="0 0 \(width) \(height)" role="img" aria-labelledby="\(titleID) \(descID)" direction="ltr">
        <title id="\(titleID)">\(Self.escape(title))</title>
        <desc id="\(descID)">\(Self.escape(summary))</desc>

        """
        // Grid lines and y tick labels.
        svg += "<g class=\"axis axis-y\">"
        for tick in scale.ticks {
            let ty = Self.format(y(tick))
            svg += "<line x1=\"\(Self.format(left))\" y1=\"\(ty)\" x2=\"\(Self.format(left + plotWidth))\" y2=\"\(ty)\" class=\"grid\"/>"
            svg += "<text x=\"\(Self.format(left - 6))\" y=\"\(ty)\" text-anchor=\"end\" dominant-baseline=\"middle\">\(Self.escape(Self.label(tick, digits: scale.fractionDigits)))</text>"
        }
        svg += "</g>\n"
        // X axis line and labels; thin out labels so they never overlap (about 48 px each).
        let every = max(1, Int((48.0 / max(slot, 1)).rounded(.up)))
        svg += "<g class=\"axis axis-x\"><line x1=\"\(Self.format(left))\" y1=\"\(Self.format(top + plotHeight))\" x2=\"\(Self.format(left + plotWidth))\" y2=\"\(Self.format(top + plotHeight))\"/>"
        for (index, point) in points.enumerated() where index % every == 0 {
            svg += "<text x=\"\(Self.format(x(index)))\" y=\"\(Self.format(top + plotHeight + 16))\" text-anchor=\"middle\">\(Self.escape(point.label))</text>"
        }
        svg += "</g>\n"
        // Axis titles.
        svg += "<text class=\"axis-title\" x=\"\(Self.format(left + plotWidth / 2))\" y=\"\(Self.format(Double(height) - 8))\" text-anchor=\"middle\">\(Self.escape(xAxisLabel))</text>\n"
        svg += "<text class=\"axis-title\" transform=\"translate(14 \(Self.format(top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\">\(Self.escape(yAxisLabel))</text>\n"
        // Data.
        switch kind {
        case .bar where !stacks.isEmpty:
            let barWidth = max(1, slot * 0.7)
            svg += "<g class=\"series stacked\">"
            for (index, point) in points.enumerated() {
                var base = max(scale.lowerBound, 0)
                for (number, stack) in stacks.enumerated() where index < stack.values.count && stack.values[index].isFinite && stack.values[index] > 0 {
                    let value = stack.values[index]
                    let top = y(base + value), height = y(base) - y(base + value)
                    svg += "<rect class=\"s\(number % 8)\" data-series=\"\(Self.escape(stack.name))\" x=\"\(Self.format(x(index) - barWidth / 2))\" y=\"\(Self.format(top))\" width=\"\(Self.format(barWidth))\" height=\"\(Self.format(height))\"><title>\(Self.escape(point.label)) · \(Self.escape(stack.name)): \(Self.escape(Self.label(value, digits: 2)))</title></rect>"
                    base += value
                }
            }
            svg += "</g>\n"
        case .bar:
            let barWidth = max(1, slot * 0.7)
            let baseline = y(max(scale.lowerBound, 0))
            svg += "<g class=\"series\">"
            for (index, point) in points.enumerated() where point.value.isFinite {
                let top = min(y(point.value), baseline), height = abs(baseline - y(point.value))
                svg += "<rect x=\"\(Self.format(x(index) - barWidth / 2))\" y=\"\(Self.format(top))\" width=\"\(Self.format(barWidth))\" height=\"\(Self.format(height))\"><title>\(Self.escape(point.label)): \(Self.escape(Self.label(point.value, digits: 2)))</title></rect>"
            }
            svg += "</g>\n"
        case .line:
            let coordinates = points.enumerated().filter { $0.element.value.isFinite }.map { "\(Self.format(x($0.offset))),\(Self.format(y($0.element.value)))" }
            svg += "<g class=\"series\"><polyline fill=\"none\" points=\"\(coordinates.joined(separator: " "))\"/>"
            for (index, point) in points.enumerated() where point.value.isFinite {
                svg += "<circle cx=\"\(Self.format(x(index)))\" cy=\"\(Self.format(y(point.value)))\" r=\"3\"><title>\(Self.escape(point.label)): \(Self.escape(Self.label(point.value, digits: 2)))</title></circle>"
            }
            svg += "</g>\n"
        }
        svg += "</svg>"
        return svg
    }

    static func format(_ value: Double) -> String {
        String(format: "%.1f", value)
    }

    static func label(_ value: Double, digits: Int) -> String {
        if value == value.rounded() && abs(value) < 1e15 { return String(Int64(value)) }
        var text = String(format: "%.\(digits)f", value)
        while text.contains(".") && (text.hasSuffix("0") || text.hasSuffix(".")) { text.removeLast() }
        return text
    }

    /// Escapes text for SVG/XML content and attributes.
    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }
}

import Foundation
import CrossCheck

/// Renders a sweep as a table, CSV, JSON or an SVG plot.
public struct SweepReport: Sendable {
    public var design: String
    public var points: [SweepPoint]

    public init(design: String, points: [SweepPoint]) {
        self.design = design
        self.points = points
    }

    /// Points that could not be scheduled or simulated.
    public var failedCount: Int { points.filter { $0.error != nil }.count }

    public func table() -> String {
        var table = TextTable(header: ["RF", "clock ns", "latency", "latency ns", "II", "II ns", "mult", "DSP", "error"])
        func text(_ value: Int?) -> String { value.map(String.init) ?? "-" }
        func text(_ value: Double?) -> String { value.map { String(format: "%.1f", $0) } ?? "-" }
        for point in points {
            table.add(["\(point.reuseFactor)", String(format: "%g", point.clockPeriodNs), text(point.latencyCycles), text(point.latencyNs),
                       text(point.initiationInterval), text(point.initiationIntervalNs), text(point.multipliers), text(point.dsps),
                       point.error ?? ""])
        }
        let failed = failedCount == 0 ? "" : ", \(failedCount) failed (reason in the error column)"
        return "\(design): \(points.count) configurations\(failed)\n\n" + table.render(leftAligned: [8])
    }

    /// One row per point; the figures of a failed point are empty fields (NaN in pandas) and `error` says why.
    /// Numbers as in the JSON (`JSONText.number`: 23.31, not 23.310000000000002).
    public func csv() -> String {
        var text = "design,reuse_factor,clock_ns,latency_cycles,latency_ns,ii_cycles,ii_ns,multipliers,dsps,error\n"
        func field(_ value: Int?) -> String { value.map(String.init) ?? "" }
        func field(_ value: Double?) -> String { value.map(JSONText.number) ?? "" }
        for p in points {
            let fields = [CSV.field(design), "\(p.reuseFactor)", JSONText.number(p.clockPeriodNs), field(p.latencyCycles), field(p.latencyNs),
                          field(p.initiationInterval), field(p.initiationIntervalNs), field(p.multipliers), field(p.dsps),
                          p.error.map(CSV.field) ?? ""]
            text += fields.joined(separator: ",") + "\n"
        }
        return text
    }

    public func json() throws -> String {
        struct Document: Encodable { let design: String; let failedPoints: Int; let points: [SweepPoint] }
        return try JSONText.encode(Document(design: design, failedPoints: failedCount, points: points))
    }

    /// Latency (ns) against clock period, one line per reuse factor; II (ns) as dashed lines.
    public func svg(width: Int = 720, height: Int = 440) -> String {
        let valid = points.filter { $0.error == nil }
        let periods = Array(Set(valid.map(\.clockPeriodNs))).sorted()
        let factors = Array(Set(valid.map(\.reuseFactor))).sorted()
        let maxY = max((valid.map { max($0.latencyNs ?? 0, $0.initiationIntervalNs ?? 0) }.max() ?? 1) * 1.1, 1)
        let minX = periods.first ?? 0, maxX = max(periods.last ?? 1, minX + 1)
        let left = 70.0, right = 150.0, top = 40.0, bottom = 60.0
        let plotWidth = Double(width) - left - right, plotHeight = Double(height) - top - bottom
        func x(_ value: Double) -> Double { left + (value - minX) / (maxX - minX) * plotWidth }
        func y(_ value: Double) -> Double { top + plotHeight - value / maxY * plotHeight }
        let colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"]
        var svg = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" font-family="sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(left)" y="22" font-size="15">\(design): latency (solid) and II (dashed) vs clock period</text>
        <line x1="\(left)" y1="\(top + plotHeight)" x2="\(left + plotWidth)" y2="\(top + plotHeight)" stroke="black"/>
        <line x1="\(left)" y1="\(top)" x2="\(left)" y2="\(top + plotHeight)" stroke="black"/>
        <text x="\(left + plotWidth / 2)" y="\(Double(height) - 15)" text-anchor="middle">clock period (ns)</text>
        <text x="18" y="\(top + plotHeight / 2)" transform="rotate(-90 18 \(top + plotHeight / 2))" text-anchor="middle">ns</text>

        """
        for period in periods {
            svg += "<line x1=\"\(x(period))\" y1=\"\(top + plotHeight)\" x2=\"\(x(period))\" y2=\"\(top + plotHeight + 5)\" stroke=\"black\"/>"
            svg += "<text x=\"\(x(period))\" y=\"\(top + plotHeight + 20)\" text-anchor=\"middle\">\(String(format: "%g", period))</text>\n"
        }
        for step in 0...5 {
            let value = maxY * Double(step) / 5
            svg += "<line x1=\"\(left - 5)\" y1=\"\(y(value))\" x2=\"\(left + plotWidth)\" y2=\"\(y(value))\" stroke=\"#ddd\"/>"
            svg += "<text x=\"\(left - 8)\" y=\"\(y(value) + 4)\" text-anchor=\"end\">\(String(format: "%.0f", value))</text>\n"
        }
        for (index, rf) in factors.enumerated() {
            let color = colors[index % colors.count]
            let series = valid.filter { $0.reuseFactor == rf }.sorted { $0.clockPeriodNs < $1.clockPeriodNs }
            let latency = series.map { "\(x($0.clockPeriodNs)),\(y($0.latencyNs ?? 0))" }.joined(separator: " ")
            let interval = series.map { "\(x($0.clockPeriodNs)),\(y($0.initiationIntervalNs ?? 0))" }.joined(separator: " ")
            svg += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" points=\"\(latency)\"/>\n"
            svg += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.5\" stroke-dasharray=\"5,4\" points=\"\(interval)\"/>\n"
            for p in series { svg += "<circle cx=\"\(x(p.clockPeriodNs))\" cy=\"\(y(p.latencyNs ?? 0))\" r=\"3\" fill=\"\(color)\"/>" }
            let legendY = top + 10 + Double(index) * 20
            svg += "\n<line x1=\"\(left + plotWidth + 20)\" y1=\"\(legendY)\" x2=\"\(left + plotWidth + 45)\" y2=\"\(legendY)\" stroke=\"\(color)\" stroke-width=\"2\"/>"
            svg += "<text x=\"\(left + plotWidth + 50)\" y=\"\(legendY + 4)\">RF \(rf)</text>\n"
        }
        return svg + "</svg>\n"
    }
}

/// CSV quoting (RFC 4180): a field with a comma, quote or line break is quoted, quotes doubled.
enum CSV {
    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

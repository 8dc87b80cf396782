import Foundation
import CrossCheck

/// One axis of a plot: linear or logarithmic (base 10), with ticks at round values.
struct PlotAxis: Equatable {
    let low: Double
    let high: Double
    let logarithmic: Bool
    /// Tick values, each a round number (1, 2 or 5 × 10^k) inside [low, high].
    let ticks: [Double]

    /// An axis covering `values` (positive for a log axis): logarithmic when they span more than `decades` decades
    /// (the smallest positive value against the largest), linear from 0 otherwise.
    init(covering values: [Double], logAbove ratio: Double = 20) {
        let positive = values.filter { $0 > 0 && $0.isFinite }
        let smallest = positive.min() ?? 1, largest = max(positive.max() ?? 1, smallest)
        if largest / smallest > ratio {
            logarithmic = true
            low = Foundation.pow(10, Foundation.floor(Foundation.log10(smallest)))
            high = Foundation.pow(10, Foundation.ceil(Foundation.log10(largest)))
            let decades = Int((Foundation.log10(high) - Foundation.log10(low)).rounded())
            let steps: [Double] = decades <= 2 ? [1, 2, 5] : [1]
            var ticks: [Double] = []
            for k in 0...decades {
                for step in steps {
                    let value = low * Foundation.pow(10, Double(k)) * step
                    if value <= high * (1 + 1e-9) { ticks.append(value) }
                }
            }
            self.ticks = ticks
        } else {
            logarithmic = false
            low = 0
            let step = PlotAxis.roundStep(largest / 5)
            high = Foundation.ceil(largest * 1.05 / step) * step
            ticks = stride(from: 0.0, through: high + step / 2, by: step).map { $0 }
        }
    }

    /// A linear axis over [low, high] with the given ticks (e.g. the sweep's own clock periods).
    init(low: Double, high: Double, ticks: [Double]) {
        self.low = low
        self.high = high > low ? high : low + 1
        self.logarithmic = false
        self.ticks = ticks
    }

    /// The round step (1, 2 or 5 × 10^k) nearest above `raw`.
    static func roundStep(_ raw: Double) -> Double {
        guard raw > 0 && raw.isFinite else { return 1 }
        let magnitude = Foundation.pow(10, Foundation.floor(Foundation.log10(raw)))
        for factor in [1.0, 2, 5, 10] where factor * magnitude >= raw * (1 - 1e-9) { return factor * magnitude }
        return 10 * magnitude
    }

    /// Where `value` sits, from 0 (low) to 1 (high).
    func fraction(_ value: Double) -> Double {
        if logarithmic {
            let v = max(value, low)
            return (Foundation.log10(v) - Foundation.log10(low)) / (Foundation.log10(high) - Foundation.log10(low))
        }
        return high > low ? (value - low) / (high - low) : 0
    }

    static func label(_ value: Double) -> String {
        if value >= 1e4 && value == value.rounded() {
            let exponent = Int(Foundation.log10(value).rounded(.down))
            let mantissa = value / Foundation.pow(10, Double(exponent))
            return mantissa == 1 ? "1e\(exponent)" : String(format: "%ge%d", mantissa, exponent)
        }
        return String(format: "%g", value)
    }
}

/// The sweep as an SVG: latency and II against the clock period (left), and the cost side — multipliers and DSPs
/// against latency — (right), one colour per reuse factor; failed points are marked with a red × on the clock
/// axis and counted in the title. Axes spanning more than a factor 20 are logarithmic.
struct SweepPlot {
    let report: SweepReport

    private static let colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf",
                                 "#7f7f7f", "#bcbd22", "#393b79", "#ad494a", "#637939", "#8c6d31", "#843c39", "#7b4173"]
    private static func number(_ value: Double) -> String { String(format: "%.1f", value) }

    func render() -> String {
        let width = 1040.0
        let valid = report.points.filter { $0.error == nil }
        let failed = report.points.filter { $0.error != nil }
        // One series (colour) per reuse factor, or per (RF, PF) when the sweep varies the ParallelizationFactor.
        struct Series: Hashable, Comparable {
            let rf: Int, pf: Int?
            static func < (a: Series, b: Series) -> Bool { (a.rf, a.pf ?? 0) < (b.rf, b.pf ?? 0) }
            var label: String { "RF \(rf)" + (pf.map { ", PF \($0)" } ?? "") }
            func contains(_ point: SweepPoint) -> Bool { point.reuseFactor == rf && point.parallelizationFactor == pf }
        }
        let factors = Array(Set(report.points.map { Series(rf: $0.reuseFactor, pf: $0.parallelizationFactor) })).sorted()
        // Tall enough for the legend (one line per series, 20 px apart from y = 70).
        let height = max(460.0, 90.0 + 20.0 * Double(factors.count))
        let periods = Array(Set(report.points.map(\.clockPeriodNs))).sorted()
        var svg = """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(Int(width)) \(Int(height))" width="\(Int(width))" height="\(Int(height))" font-family="sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>
        <text x="20" y="24" font-size="15">\(escape(report.design)): \(valid.count) of \(report.points.count) configurations\(failed.isEmpty ? "" : ", \(failed.count) failed (red ×)")</text>

        """
        // Left panel: latency (solid) and II (dashed), ns, against the clock period.
        let left = Panel(x: 80, y: 60, width: 360, height: 320)
        let timeValues = valid.flatMap { [$0.latencyNs, $0.initiationIntervalNs].compactMap { $0 } }
        let span = max((periods.last ?? 1) - (periods.first ?? 0), 1)
        let periodAxis = PlotAxis(low: (periods.first ?? 0) - 0.05 * span, high: (periods.last ?? 1) + 0.05 * span, ticks: periods)
        let periodTicks = periods
        let timeAxis = PlotAxis(covering: timeValues.isEmpty ? [1] : timeValues)
        svg += left.frame(title: "latency (solid) and II (dashed) vs clock", xLabel: "clock period (ns)",
                          yLabel: "ns" + (timeAxis.logarithmic ? " (log)" : ""),
                          xAxis: periodAxis, xTicks: periodTicks, yAxis: timeAxis)
        for (index, rf) in factors.enumerated() {
            let color = Self.colors[index % Self.colors.count]
            let series = valid.filter { rf.contains($0) }.sorted { $0.clockPeriodNs < $1.clockPeriodNs }
            let latency = series.compactMap { p in p.latencyNs.map { left.point(p.clockPeriodNs, $0, periodAxis, timeAxis) } }
            let interval = series.compactMap { p in p.initiationIntervalNs.map { left.point(p.clockPeriodNs, $0, periodAxis, timeAxis) } }
            svg += polyline(latency, color: color, dashed: false) + polyline(interval, color: color, dashed: true)
            for point in latency { svg += "<circle cx=\"\(Self.number(point.x))\" cy=\"\(Self.number(point.y))\" r=\"3\" fill=\"\(color)\"/>" }
            svg += "\n"
        }
        for point in failed {
            // A red × on the clock axis (two strokes), its reason as a tooltip.
            let x = left.x + periodAxis.fraction(point.clockPeriodNs) * left.width, y = left.y + left.height - 10
            let n = Self.number
            let configuration = Series(rf: point.reuseFactor, pf: point.parallelizationFactor).label
            svg += "<g stroke=\"#d00\" stroke-width=\"2\"><title>\(configuration), \(String(format: "%g", point.clockPeriodNs)) ns: \(escape(point.error ?? ""))</title>"
                + "<line x1=\"\(n(x - 5))\" y1=\"\(n(y - 5))\" x2=\"\(n(x + 5))\" y2=\"\(n(y + 5))\"/><line x1=\"\(n(x - 5))\" y1=\"\(n(y + 5))\" x2=\"\(n(x + 5))\" y2=\"\(n(y - 5))\"/></g>\n"
        }
        // Right panel: multipliers (filled) and DSPs (hollow) against latency.
        let right = Panel(x: 570, y: 60, width: 340, height: 320)
        let latencyAxis = PlotAxis(covering: valid.compactMap(\.latencyNs).isEmpty ? [1] : valid.compactMap(\.latencyNs))
        let costValues = valid.flatMap { [$0.multipliers, $0.dsps].compactMap { $0 }.map(Double.init) }.filter { $0 > 0 }
        let costAxis = PlotAxis(covering: costValues.isEmpty ? [1] : costValues)
        svg += right.frame(title: "cost: multipliers (•) and DSPs (○) vs latency", xLabel: "latency (ns)" + (latencyAxis.logarithmic ? " (log)" : ""),
                           yLabel: "count" + (costAxis.logarithmic ? " (log)" : ""), xAxis: latencyAxis, xTicks: latencyAxis.ticks, yAxis: costAxis)
        for (index, rf) in factors.enumerated() {
            let color = Self.colors[index % Self.colors.count]
            for p in valid where rf.contains(p) {
                guard let latency = p.latencyNs else { continue }
                if let multipliers = p.multipliers, multipliers > 0 || !costAxis.logarithmic {
                    let point = right.point(latency, Double(multipliers), latencyAxis, costAxis)
                    svg += "<circle cx=\"\(Self.number(point.x))\" cy=\"\(Self.number(point.y))\" r=\"3.5\" fill=\"\(color)\"/>"
                }
                if let dsps = p.dsps, dsps > 0 || !costAxis.logarithmic {
                    let point = right.point(latency, Double(dsps), latencyAxis, costAxis)
                    svg += "<circle cx=\"\(Self.number(point.x))\" cy=\"\(Self.number(point.y))\" r=\"5\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.5\"/>"
                }
            }
            svg += "\n"
        }
        // Legend: one colour per reuse factor (and ParallelizationFactor), right of both panels.
        for (index, rf) in factors.enumerated() {
            let color = Self.colors[index % Self.colors.count]
            let y = 70.0 + Double(index) * 20
            svg += "<line x1=\"935\" y1=\"\(Self.number(y))\" x2=\"960\" y2=\"\(Self.number(y))\" stroke=\"\(color)\" stroke-width=\"2\"/>"
            svg += "<text x=\"966\" y=\"\(Self.number(y + 4))\">\(escape(rf.label))</text>\n"
        }
        return svg + "</svg>\n"
    }

    private func polyline(_ points: [(x: Double, y: Double)], color: String, dashed: Bool) -> String {
        guard !points.isEmpty else { return "" }
        let list = points.map { "\(Self.number($0.x)),\(Self.number($0.y))" }.joined(separator: " ")
        return "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"\(dashed ? "1.5" : "2")\""
            + (dashed ? " stroke-dasharray=\"5,4\"" : "") + " points=\"\(list)\"/>\n"
    }

    private func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    /// A plot area with its axes.
    struct Panel {
        let x: Double, y: Double, width: Double, height: Double

        func point(_ a: Double, _ b: Double, _ xAxis: PlotAxis, _ yAxis: PlotAxis) -> (x: Double, y: Double) {
            (x + xAxis.fraction(a) * width, y + height - yAxis.fraction(b) * height)
        }

        func frame(title: String, xLabel: String, yLabel: String, xAxis: PlotAxis, xTicks: [Double], yAxis: PlotAxis) -> String {
            let n = SweepPlot.number
            var svg = "<text x=\"\(n(x))\" y=\"\(n(y - 12))\" font-size=\"13\">\(title)</text>\n"
            svg += "<line x1=\"\(n(x))\" y1=\"\(n(y + height))\" x2=\"\(n(x + width))\" y2=\"\(n(y + height))\" stroke=\"black\"/>"
            svg += "<line x1=\"\(n(x))\" y1=\"\(n(y))\" x2=\"\(n(x))\" y2=\"\(n(y + height))\" stroke=\"black\"/>\n"
            for tick in xTicks {
                let px = x + xAxis.fraction(tick) * width
                svg += "<line x1=\"\(n(px))\" y1=\"\(n(y + height))\" x2=\"\(n(px))\" y2=\"\(n(y + height + 5))\" stroke=\"black\"/>"
                svg += "<text x=\"\(n(px))\" y=\"\(n(y + height + 19))\" text-anchor=\"middle\">\(PlotAxis.label(tick))</text>\n"
            }
            for tick in yAxis.ticks {
                let py = y + height - yAxis.fraction(tick) * height
                svg += "<line x1=\"\(n(x - 5))\" y1=\"\(n(py))\" x2=\"\(n(x + width))\" y2=\"\(n(py))\" stroke=\"#ddd\"/>"
                svg += "<text x=\"\(n(x - 8))\" y=\"\(n(py + 4))\" text-anchor=\"end\">\(PlotAxis.label(tick))</text>\n"
            }
            svg += "<text x=\"\(n(x + width / 2))\" y=\"\(n(y + height + 40))\" text-anchor=\"middle\">\(xLabel)</text>\n"
            svg += "<text x=\"\(n(x - 58))\" y=\"\(n(y + height / 2))\" transform=\"rotate(-90 \(n(x - 58)) \(n(y + height / 2)))\" text-anchor=\"middle\">\(yLabel)</text>\n"
            return svg
        }
    }
}

import Foundation
import CrossCheck

/// Renders a sweep as a table, CSV, JSON or an SVG plot.
public struct SweepReport: Sendable {
    public var design: String
    public var points: [SweepPoint]
    /// The IOType every point was scheduled in (`io_parallel`, `io_stream`).
    public var ioType: String

    public init(design: String, points: [SweepPoint], ioType: String = "io_parallel") {
        self.design = design
        self.points = points
        self.ioType = ioType
    }

    /// Whether the sweep varies the ParallelizationFactor (then the table and the CSV have a column for it).
    public var sweepsParallelization: Bool { points.contains { $0.parallelizationFactor != nil } }

    /// Points that could not be scheduled or simulated.
    public var failedCount: Int { points.filter { $0.error != nil }.count }

    public func table() -> String {
        let pf = sweepsParallelization
        var table = TextTable(header: ["RF"] + (pf ? ["PF"] : []) + ["clock ns", "latency", "latency ns", "II", "II ns", "mult", "DSP", "error"])
        func text(_ value: Int?) -> String { value.map(String.init) ?? "-" }
        func text(_ value: Double?) -> String { value.map { String(format: "%.1f", $0) } ?? "-" }
        for point in points {
            table.add(["\(point.reuseFactor)"] + (pf ? [text(point.parallelizationFactor)] : [])
                      + [String(format: "%g", point.clockPeriodNs), text(point.latencyCycles), text(point.latencyNs),
                         text(point.initiationInterval), text(point.initiationIntervalNs), text(point.multipliers), text(point.dsps),
                         point.error ?? ""])
        }
        let failed = failedCount == 0 ? "" : ", \(failedCount) failed (reason in the error column)"
        return "\(design) (\(ioType)): \(points.count) configurations\(failed)\n\n" + table.render(leftAligned: [pf ? 9 : 8])
    }

    /// One row per point; the figures of a failed point are empty fields (NaN in pandas) and `error` says why.
    /// Numbers as in the JSON (`JSONText.number`: 23.31, not 23.310000000000002). A `parallelization_factor` column
    /// follows `reuse_factor` when the sweep varies it.
    public func csv() -> String {
        let pf = sweepsParallelization
        var text = "design,reuse_factor," + (pf ? "parallelization_factor," : "")
            + "clock_ns,latency_cycles,latency_ns,ii_cycles,ii_ns,multipliers,dsps,error\n"
        func field(_ value: Int?) -> String { value.map(String.init) ?? "" }
        func field(_ value: Double?) -> String { value.map(JSONText.number) ?? "" }
        for p in points {
            let fields = [CSV.field(design), "\(p.reuseFactor)"] + (pf ? [field(p.parallelizationFactor)] : [])
                + [JSONText.number(p.clockPeriodNs), field(p.latencyCycles), field(p.latencyNs),
                          field(p.initiationInterval), field(p.initiationIntervalNs), field(p.multipliers), field(p.dsps),
                          p.error.map(CSV.field) ?? ""]
            text += fields.joined(separator: ",") + "\n"
        }
        return text
    }

    public func json() throws -> String {
        struct Document: Encodable { let design: String; let ioType: String; let failedPoints: Int; let points: [SweepPoint] }
        return try JSONText.encode(Document(design: design, ioType: ioType, failedPoints: failedCount, points: points))
    }

    /// The sweep as an SVG (see `SweepPlot`): latency and II against the clock, and multipliers/DSPs against latency.
    public func svg() -> String { SweepPlot(report: self).render() }
}

/// CSV quoting (RFC 4180): a field with a comma, quote or line break is quoted, quotes doubled.
enum CSV {
    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

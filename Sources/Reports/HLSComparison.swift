import Foundation
import HLSReports
import Scheduling

/// Pipewright's predicted schedule beside what an HLS report says, layer by layer and for the top
/// (`pipewright compare`).
///
/// Layers are matched to report instances by hls4ml's naming: each instance's module name carries its
/// layer's config index (`config2`) and function (`dense_latency`, `relu`, …). The instances, in config-index order
/// (hls4ml numbers layers in model order, except the layers its passes add later, such as QKeras' alpha scales,
/// `nnet::normalize`, numbered after the softmax), are aligned with the design's layers in order, an instance
/// matching a layer of the same kind; the alignment keeps as many pairs as possible (a longest common
/// subsequence), and what is left on either side is listed, not an error. When every instance name carries the
/// `_fu_<n>` number HLS gives each call, the instances are also aligned in that order, and it is kept when it
/// pairs more: Vitis HLS numbers the calls of an io_parallel top in program order (breast_cancer's alpha scales
/// pair only that way), Vivado HLS 2019.2 groups them by function (liu_tutorial_part1: every `dense` first),
/// where the config index is right.
///
/// Latency: a Pipewright block's latency D counts the block's own output register; an HLS instance's
/// latency L does not (its caller registers the result), so D is compared with L + 1, as in
/// docs/calibration.md. II is compared as it is. The top compares the top latency HLS would report for the design
/// (`DesignSchedule.hlsTopLatency`: Σ D with the top's own states) and the design's II with the report's top latency
/// and interval; it counts towards the verdict only when every layer is matched on both sides.
public struct HLSComparison: Sendable {
    /// One design layer, one report instance, or a matched pair.
    public struct Row: Sendable {
        public var layer: String?
        public var kind: String?
        public var predictedLatency: Int?
        public var predictedInterval: Int?
        /// The schedule's DSPs for the layer (shown beside the report's; not part of the verdict).
        public var predictedDSPs: Int?
        public var instance: HLSInstance?
        /// D − (L + 1), when both sides are there.
        public var latencyDifference: Int? {
            guard let predictedLatency, let instance else { return nil }
            return predictedLatency - (instance.latency.max + 1)
        }
        /// Predicted II − reported II.
        public var intervalDifference: Int? {
            guard let predictedInterval, let reported = instance?.interval?.max else { return nil }
            return predictedInterval - reported
        }
        public var isMatched: Bool { layer != nil && instance != nil }
    }

    public var designName: String
    public var schedule: DesignSchedule
    public var report: HLSReport
    public var tolerance: Int
    public var rows: [Row]

    /// The top latency HLS would report (`DesignSchedule.hlsTopLatency`); the design's own latency where that is not
    /// predicted (not an io_parallel chain).
    public var predictedLatency: Int { schedule.hlsTopLatency ?? schedule.latencyCycles }
    /// Pipewright's design latency (its blocks' own registers: Σ D over a chain).
    public var designLatency: Int { schedule.latencyCycles }
    public var predictedInterval: Int { schedule.initiationInterval }
    public var topLatencyDifference: Int { predictedLatency - report.latency.max }
    public var topIntervalDifference: Int? { report.interval.map { predictedInterval - $0.max } }
    /// Design layers without a report instance.
    public var designOnly: [Row] { rows.filter { $0.instance == nil } }
    /// Report instances without a design layer.
    public var reportOnly: [Row] { rows.filter { $0.layer == nil } }
    /// The top counts only when every layer is matched on both sides.
    public var topIsCompared: Bool { designOnly.isEmpty && reportOnly.isEmpty }

    /// Every difference that decides the verdict: per matched layer latency and II, and the top's when compared.
    public var countedDifferences: [Int] {
        var differences = rows.filter(\.isMatched).flatMap { [$0.latencyDifference, $0.intervalDifference].compactMap { $0 } }
        if topIsCompared { differences += [topLatencyDifference] + (topIntervalDifference.map { [$0] } ?? []) }
        return differences
    }

    /// Differences larger than the tolerance.
    public var exceeding: Int { countedDifferences.filter { abs($0) > tolerance }.count }
    public var isWithinTolerance: Bool { exceeding == 0 }

    /// Notes on what differs between the two setups (clock, uncertainty).
    public var notes: [String] {
        var notes: [String] = []
        let options = schedule.options
        if let target = report.clock?.targetNs, abs(target - options.clockPeriodNs) > 1e-9 {
            notes.append("the design is scheduled at \(JSONText.number(options.clockPeriodNs)) ns, the report at \(JSONText.number(target)) ns")
        }
        if let uncertainty = report.clock?.uncertaintyNs, abs(uncertainty - options.clockUncertaintyNs) > 0.005 {
            notes.append("clock uncertainty: design \(JSONText.number(options.clockUncertaintyNs)) ns, report \(JSONText.number(uncertainty)) ns")
        }
        if report.pipelineType == "dataflow" {
            notes.append("the report's top is a DATAFLOW region: D against L + 1 was established on io_parallel reports "
                         + "(docs/calibration.md), not yet on dataflow processes")
        }
        let unmapped = report.instances.filter { $0.layer == nil }
        if !unmapped.isEmpty {
            notes.append("\(unmapped.count) report instance(s) carry no hls4ml configN in their module name and cannot be mapped: "
                         + unmapped.map(\.module).joined(separator: ", "))
        }
        return notes
    }

    /// Aligns the schedule's blocks with the report's instances (see the type's documentation).
    public init(schedule: DesignSchedule, report: HLSReport, tolerance: Int) {
        self.designName = schedule.designName
        self.schedule = schedule
        self.report = report
        self.tolerance = tolerance
        let layered = report.instances.enumerated()
            .compactMap { offset, instance in instance.layer.map { (layer: $0, offset: offset, instance: instance) } }
        let byIndex = layered
            .sorted { ($0.layer.index, $0.layer.subIndex ?? -1, $0.offset) < ($1.layer.index, $1.layer.subIndex ?? -1, $1.offset) }
            .map(\.instance)
        var alignment = Self.align(schedule.blocks, byIndex)
        if layered.allSatisfy({ $0.instance.callOrder != nil }) {
            let byCalls = layered.sorted { ($0.instance.callOrder!, $0.offset) < ($1.instance.callOrder!, $1.offset) }.map(\.instance)
            let called = Self.align(schedule.blocks, byCalls)
            if called.pairs > alignment.pairs { alignment = called }
        }
        var rows = alignment.rows
        for instance in report.instances where instance.layer == nil {
            rows.append(Row(layer: nil, kind: nil, instance: instance))
        }
        self.rows = rows
    }

    /// The longest common subsequence of kinds between the blocks and the instances in the given order: the rows
    /// in alignment order, and how many pairs it keeps.
    static func align(_ blocks: [BlockSchedule], _ instances: [HLSInstance]) -> (rows: [Row], pairs: Int) {
        let n = blocks.count, m = instances.count
        var length = [[Int]](repeating: [Int](repeating: 0, count: m + 1), count: n + 1)
        func same(_ i: Int, _ j: Int) -> Bool { instances[j].layer?.kind == blocks[i].kind }
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                length[i][j] = same(i, j) ? length[i + 1][j + 1] + 1 : max(length[i + 1][j], length[i][j + 1])
            }
        }
        func designRow(_ block: BlockSchedule, _ instance: HLSInstance?) -> Row {
            Row(layer: block.layerName, kind: block.kind, predictedLatency: block.latencyCycles,
                predictedInterval: block.initiationInterval, predictedDSPs: block.dsps, instance: instance)
        }
        var rows: [Row] = []
        var (i, j) = (0, 0)
        while i < n || j < m {
            if i < n, j < m, same(i, j), length[i][j] == length[i + 1][j + 1] + 1 {
                rows.append(designRow(blocks[i], instances[j])); i += 1; j += 1
            } else if j < m, i == n || length[i][j + 1] >= length[i + 1][j] {
                rows.append(Row(layer: nil, kind: instances[j].layer?.kind, instance: instances[j])); j += 1
            } else {
                rows.append(designRow(blocks[i], nil)); i += 1
            }
        }
        return (rows, length[0][0])
    }
}

extension HLSComparison {
    static let convention = "D = Pipewright's block latency, which counts the block's own output register; L = the HLS instance "
        + "latency, which does not (the caller registers the result), so D is compared with L + 1 (docs/calibration.md). "
        + "II is compared as it is; the top compares the top latency HLS would report (Σ D, + 1 per callee that registers its "
        + "inputs at II 1, − 1 per state two calls share, − 1 for the output ports) and the II with the report's top; "
        + "DSPs are shown beside the report's, not counted in the verdict."

    static func signed(_ value: Int?) -> String {
        guard let value else { return "–" }
        return value > 0 ? "+\(value)" : "\(value)"
    }

    /// The comparison as text: one row per layer, the top, the convention and the verdict.
    public func render() -> String {
        let options = schedule.options
        var text = "\(designName): Pipewright schedule (\(options.device.name), \(JSONText.number(options.clockPeriodNs)) ns) vs "
            + "\(report.topModule): \(report.tool ?? "HLS") \(report.version.map { String($0.prefix { $0 != " " }) } ?? "") report "
            + "(\(report.part ?? "part not given")\(report.clock?.targetNs.map { ", \(JSONText.number($0)) ns" } ?? ""))\n"
        text += "report: \(report.file)\n\n"
        var table = TextTable(header: ["layer", "kind", "hls4ml", "module", "D", "L", "L+1", "D−(L+1)", "II", "HLS II", "II diff", "DSP", "HLS DSP"])
        for row in rows {
            let instance = row.instance
            table.add([row.layer ?? "(report only)", row.kind ?? "–", instance?.layer?.label ?? "–",
                       instance?.module ?? "(not in report)",
                       row.predictedLatency.map(String.init) ?? "–", instance.map { "\($0.latency.max)" } ?? "–",
                       instance.map { "\($0.latency.max + 1)" } ?? "–", Self.signed(row.latencyDifference),
                       row.predictedInterval.map(String.init) ?? "–", instance?.interval.map { "\($0.max)" } ?? "–",
                       Self.signed(row.intervalDifference), row.predictedDSPs.map(String.init) ?? "–",
                       instance?.resources?.dsp.map(String.init) ?? "–"])
        }
        table.rule()
        let top = topIsCompared ? "" : " (not counted)"
        table.add(["top\(top)", "", "", report.topModule, "\(predictedLatency)", "\(report.latency.max)", "", Self.signed(topLatencyDifference),
                   "\(predictedInterval)", report.interval.map { "\($0.max)" } ?? "–", Self.signed(topIntervalDifference),
                   "\(schedule.dsps)", report.resources?.dsp.map(String.init) ?? "–"])
        text += table.render(leftAligned: [0, 1, 3])
        text += "\n" + Self.convention.replacingOccurrences(of: "(docs/calibration.md). ", with: "(docs/calibration.md).\n") + "\n"
        let own = predictedLatency == designLatency ? "" : " (Pipewright's design latency \(designLatency))"
        text += "top: predicted top latency \(predictedLatency)\(own) vs reported top latency \(report.latency.max) cycles (difference "
            + "\(Self.signed(topLatencyDifference))); II \(predictedInterval) vs \(report.interval.map { "\($0.max)" } ?? "–")"
        if topIsCompared {
            text += ".\n"
        } else {
            text += "; not counted: " + [designOnly.isEmpty ? nil : "design layers not in the report: " + designOnly.compactMap(\.layer).joined(separator: ", "),
                                          reportOnly.isEmpty ? nil : "report instances not in the design: "
                                            + reportOnly.map { r in "\(r.instance?.layer?.kind ?? "?") (\(r.instance?.layer.map { "layer \($0.label)" } ?? r.instance?.module ?? ""))" }
                                                .joined(separator: ", ")]
                .compactMap { $0 }.joined(separator: "; ") + ".\n"
        }
        for note in notes { text += "note: \(note)\n" }
        let counted = countedDifferences.count
        text += isWithinTolerance
            ? "all \(counted) differences within the tolerance of \(tolerance) cycle(s)\n"
            : "\(exceeding) of \(counted) differences exceed the tolerance of \(tolerance) cycle(s)\n"
        return text
    }

    /// The comparison as JSON (camelCase keys).
    public func json() throws -> String {
        func row(_ row: Row) -> [String: Any] {
            var object: [String: Any] = ["layer": row.layer ?? NSNull(), "kind": row.kind ?? NSNull(),
                                         "predictedLatencyCycles": row.predictedLatency ?? NSNull(),
                                         "predictedInitiationInterval": row.predictedInterval ?? NSNull(),
                                         "latencyDifference": row.latencyDifference ?? NSNull(),
                                         "predictedDSPs": row.predictedDSPs ?? NSNull(),
                                         "intervalDifference": row.intervalDifference ?? NSNull()]
            if let instance = row.instance {
                object["instance"] = instance.instance
                object["module"] = instance.module
                object["hls4mlLayerIndex"] = instance.layer?.index ?? NSNull()
                object["reportedLatencyMin"] = instance.latency.min
                object["reportedLatencyMax"] = instance.latency.max
                object["reportedLatencyPlusOne"] = instance.latency.max + 1
                object["reportedIntervalMax"] = instance.interval?.max ?? NSNull()
                object["reportedDSPs"] = instance.resources?.dsp ?? NSNull()
            } else {
                object["instance"] = NSNull()
            }
            return object
        }
        let object: [String: Any] = [
            "design": designName,
            "report": report.file,
            "tool": report.tool ?? NSNull(),
            "toolVersion": report.version ?? NSNull(),
            "part": report.part ?? NSNull(),
            "clockPeriodNs": schedule.options.clockPeriodNs,
            "reportClockPeriodNs": report.clock?.targetNs ?? NSNull(),
            "tolerance": tolerance,
            "convention": Self.convention,
            "layers": rows.map(row),
            "top": ["predictedLatencyCycles": predictedLatency, "designLatencyCycles": designLatency,
                    "reportedLatencyMax": report.latency.max,
                    "latencyDifference": topLatencyDifference, "predictedInitiationInterval": predictedInterval,
                    "reportedIntervalMax": report.interval.map { $0.max as Any } ?? NSNull(),
                    "intervalDifference": topIntervalDifference.map { $0 as Any } ?? NSNull(),
                    "counted": topIsCompared],
            "designOnly": designOnly.compactMap(\.layer),
            "reportOnly": reportOnly.compactMap { $0.instance?.instance },
            "countedDifferences": countedDifferences.count,
            "exceedingTolerance": exceeding,
            "withinTolerance": isWithinTolerance,
            "notes": notes,
        ]
        return try JSONText.serialize(object)
    }
}

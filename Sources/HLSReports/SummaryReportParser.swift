import Foundation

/// Reads the "Synthesis Summary Report of 'top'" (`csynth.rpt` of Vitis HLS 2021 and later): the header
/// and the "Performance & Resource Estimates" module tree, one row per module (`+`), loop (`o`) and
/// dataflow region (`*`), indented by depth. The top is the depth-0 module, its instances the depth-1
/// modules. This layout gives one latency per module (no min/max) and no clock table.
struct SummaryReportParser {
    let lines: [Substring]
    let file: String
    let top: String
    let headerLine: Int

    func headerField(_ name: String) -> String? {
        for line in lines[headerLine...].prefix(20) {
            let trimmed = line.trimmingWhitespace()
            if trimmed.hasPrefix("* \(name):") { return String(trimmed.dropFirst(name.count + 3).trimmingWhitespace()) }
        }
        return nil
    }

    func parse() throws(HLSReportError) -> HLSReport {
        let section = "Performance & Resource Estimates"
        guard let title = lines.indices.first(where: { $0 > headerLine && lines[$0].trimmingWhitespace().dropFirst(2).hasPrefix(section) }) else {
            throw .sectionNotFound(file: file, section: section)
        }
        var start = title + 1
        while start < lines.count, !ReportTable.isRule(lines[start].trimmingWhitespace()) {
            let text = lines[start].trimmingWhitespace()
            guard text.isEmpty || text.hasPrefix("PS:") || text.hasPrefix("Name Prefix") else { break }
            start += 1
        }
        guard let table = try ReportTable.read(lines, from: start, to: lines.count, name: "Performance & Resource Estimates", file: file) else {
            throw .malformedTable(file: file, table: section, row: nil, reason: "N/A")
        }
        let labels = table.labels
        func column(_ test: (String) -> Bool, _ name: String) throws(HLSReportError) -> Int {
            guard let index = labels.firstIndex(where: test) else {
                throw .malformedTable(file: file, table: section, row: nil, reason: "no '\(name)' column in the header")
            }
            return index
        }
        let cyclesColumn = try column({ $0.hasSuffix("(cycles)") }, "Latency (cycles)")
        let nsColumn = labels.firstIndex { $0.hasSuffix("(ns)") }
        // "Interval" alone; "Iteration Latency" and "Initiation Interval"-style labels are loops'.
        let intervalColumn = try column({ $0 == "Interval" }, "Interval")
        let pipelinedColumn = labels.firstIndex { $0.hasSuffix("Pipelined") }
        func resourceColumn(_ name: String) -> Int? { labels.firstIndex { $0 == name } }
        let resourceColumns = (bram: resourceColumn("BRAM"), dsp: resourceColumn("DSP"), ff: resourceColumn("FF"),
                               lut: resourceColumn("LUT"), uram: resourceColumn("URAM"))

        var report: HLSReport?
        for (number, row) in table.rows.enumerated() {
            guard row.count == labels.count else {
                throw .malformedTable(file: file, table: section, row: number + 1, reason: "expected \(labels.count) columns, found \(row.count)")
            }
            // The name cell keeps its indentation: read it from the untrimmed split.
            let name = row[0]
            let depth = table.rawFirstCells[number].prefix { $0 == " " }.count
            guard let marker = name.first, "+o".contains(marker) else {
                throw .malformedTable(file: file, table: section, row: number + 1, reason: "the name '\(name)' does not start with '+' (module) or 'o' (loop)")
            }
            guard marker == "+", depth <= 1 else { continue }
            var moduleName = name.dropFirst().trimmingWhitespace()
            if moduleName.hasSuffix("*") { moduleName = moduleName.dropLast() }
            guard let cycles = ReportValues.cycles(row[cyclesColumn]) else {
                throw .malformedTable(file: file, table: section, row: number + 1,
                                      reason: "Latency (cycles) '\(row[cyclesColumn])' is not a whole number of cycles")
            }
            let interval = ReportValues.cycles(row[intervalColumn]).map { CycleRange($0) }
            let latencyNs = nsColumn.flatMap { ReportValues.nanoseconds(row[$0]) }.map { NanosecondRange(min: $0, max: $0) }
            func count(_ column: Int?) -> Int? { column.flatMap { ReportValues.count(row[$0]) } }
            let resources = HLSResources(bram18k: count(resourceColumns.bram), dsp: count(resourceColumns.dsp), ff: count(resourceColumns.ff),
                                         lut: count(resourceColumns.lut), uram: count(resourceColumns.uram))
            let pipeline = pipelinedColumn.map { String(row[$0]) }
            if depth == 0 {
                guard report == nil else { continue }
                var top = HLSReport(file: file, format: .synthesisSummary, topModule: String(moduleName), latency: CycleRange(cycles))
                top.interval = interval
                top.latencyNs = latencyNs
                top.resources = resources
                top.pipelineType = name.hasSuffix("*") ? "dataflow" : pipeline
                report = top
            } else {
                guard report != nil else {
                    throw .malformedTable(file: file, table: section, row: number + 1, reason: "an instance before the top module")
                }
                var instance = HLSInstance(instance: String(moduleName), module: Self.moduleName(ofInstance: moduleName), latency: CycleRange(cycles))
                instance.interval = interval
                instance.latencyNs = latencyNs
                instance.resources = resources
                instance.pipelineType = pipeline
                report?.instances.append(instance)
            }
        }
        guard var report else { throw .malformedTable(file: file, table: section, row: nil, reason: "no top module row ('+ \(top)')") }
        report.version = headerField("Version")
        report.part = headerField("Target device")
        report.productFamily = headerField("Product family")
        report.tool = report.version.map(HLSReportParser.toolName(version:))
        report.notes.append("the Synthesis Summary layout prints one latency per module (shown as min = max) and no clock table")
        return report
    }

    /// `grp_dense_…_config2_s_fu_69` → `dense_…_config2_s`; `call_ret1_relu_…_s_fu_74` → `relu_…_s`.
    static func moduleName(ofInstance name: Substring) -> String {
        var module = name
        if module.hasPrefix("grp_") { module = module.dropFirst(4) }
        if module.hasPrefix("call_ret") {
            let rest = module.dropFirst("call_ret".count).drop { $0.isNumber }
            if rest.hasPrefix("_") { module = rest.dropFirst() }
        }
        if let range = module.range(of: "_fu_", options: .backwards), module[range.upperBound...].allSatisfy(\.isNumber) {
            module = module[..<range.lowerBound]
        }
        return String(module)
    }
}

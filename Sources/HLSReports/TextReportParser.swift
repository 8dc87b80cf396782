/// Reads the classic text report, "Vivado HLS Report for 'top'" / "Vitis HLS Report for 'top'"
/// (`<top>_csynth.rpt`): the header, the Performance Estimates (Timing, Latency summary and its Instance
/// detail) and the Utilization Estimates (Total row, Instance detail).
struct TextReportParser {
    let lines: [Substring]
    let file: String
    let top: String
    let headerLine: Int

    /// The line range of a `== Name` section: from its title to the next `====` rule (or the end).
    func section(_ title: String) throws(HLSReportError) -> Range<Int> {
        guard let start = lines.indices.first(where: { lines[$0].trimmingWhitespace() == "== \(title)" }) else {
            throw .sectionNotFound(file: file, section: title)
        }
        var end = start + 2   // skip the rule under the title
        while end < lines.count, !lines[end].trimmingWhitespace().hasPrefix("=====") { end += 1 }
        return start..<min(end, lines.count)
    }

    /// The line after the first line in `range` (from `from`) whose trimmed text starts with `marker`.
    func after(_ marker: String, in range: Range<Int>, from: Int? = nil, section: String) throws(HLSReportError) -> Int {
        let first = from ?? range.lowerBound
        guard first < range.upperBound,
              let index = (first..<range.upperBound).first(where: { lines[$0].trimmingWhitespace().hasPrefix(marker) }) else {
            throw .sectionNotFound(file: file, section: section)
        }
        return index + 1
    }

    func headerField(_ name: String) -> String? {
        for line in lines[headerLine...].prefix(20) {
            let trimmed = line.trimmingWhitespace()
            if trimmed.hasPrefix("* \(name):") { return String(trimmed.dropFirst(name.count + 3).trimmingWhitespace()) }
            if trimmed.hasPrefix("== Performance") { break }
        }
        return nil
    }

    func parse() throws(HLSReportError) -> HLSReport {
        let performance = try section("Performance Estimates")
        // Timing.
        let timingStart = try after("+ Timing", in: performance, section: "Timing")
        let timingTable = try ReportTable.read(lines, from: try after("* Summary", in: performance, from: timingStart, section: "Timing"),
                                               to: performance.upperBound, name: "Timing", file: file)
        var clock = HLSClock()
        if let timing = timingTable, let row = timing.rows.first {
            guard row.count >= 4 else { throw .malformedTable(file: file, table: "Timing", row: 1, reason: "expected 4 columns, found \(row.count)") }
            clock = HLSClock(targetNs: ReportValues.nanoseconds(row[1]), estimatedNs: ReportValues.nanoseconds(row[2]),
                             uncertaintyNs: ReportValues.nanoseconds(row[3]))
            if clock.targetNs == nil { throw .badValue(file: file, section: "Timing", field: "Target", reason: "'\(row[1])' is not a time") }
        }
        // Latency summary: min, max (cycles); min, max (absolute); interval min, max; pipeline type.
        let latencyStart = try after("+ Latency", in: performance, from: timingTable?.endLine, section: "Latency")
        let summaryStart = try after("* Summary", in: performance, from: latencyStart, section: "Latency")
        guard let summary = try ReportTable.read(lines, from: summaryStart, to: performance.upperBound, name: "Latency summary", file: file),
              let row = summary.rows.first else {
            throw .malformedTable(file: file, table: "Latency summary", row: nil, reason: "no data row")
        }
        let figures = try latencyFigures(row, table: "Latency summary", row: 1)
        var report = HLSReport(file: file, format: .text, topModule: top, latency: figures.latency)
        report.latencyNs = figures.latencyNs
        report.interval = figures.interval
        report.pipelineType = figures.pipelineType
        report.version = headerField("Version")
        report.part = headerField("Target device")
        report.productFamily = headerField("Product family")
        report.clock = clock

        // Instances: the Latency "+ Detail" "* Instance" table (N/A when the top calls none).
        if let detail = (summary.endLine..<performance.upperBound).first(where: { lines[$0].trimmingWhitespace().hasPrefix("+ Detail") }),
           let instanceLine = (detail..<performance.upperBound).first(where: { lines[$0].trimmingWhitespace().hasPrefix("* Instance") }) {
            if let table = try ReportTable.read(lines, from: instanceLine + 1, to: performance.upperBound, name: "Instance latency", file: file) {
                for (number, row) in table.rows.enumerated() {
                    guard row.count == 9 else {
                        throw .malformedTable(file: file, table: "Instance latency", row: number + 1, reason: "expected 9 columns, found \(row.count)")
                    }
                    let figures = try latencyFigures(Array(row[2...]), table: "Instance latency", row: number + 1)
                    var instance = HLSInstance(instance: String(row[0]), module: String(row[1]), latency: figures.latency)
                    instance.latencyNs = figures.latencyNs
                    instance.interval = figures.interval
                    instance.pipelineType = figures.pipelineType
                    report.instances.append(instance)
                }
            }
        } else {
            throw .sectionNotFound(file: file, section: "Latency Detail Instance")
        }

        // Utilization: the Total row of the summary, and per-instance resources.
        let utilization = try section("Utilization Estimates")
        guard let totals = try ReportTable.read(lines, from: try after("* Summary", in: utilization, section: "Utilization Estimates summary"),
                                                to: utilization.upperBound, name: "Utilization summary", file: file) else {
            throw .malformedTable(file: file, table: "Utilization summary", row: nil, reason: "N/A")
        }
        let labels = totals.labels
        guard let total = totals.rows.first(where: { $0.first == "Total" }) else {
            throw .malformedTable(file: file, table: "Utilization summary", row: nil, reason: "no 'Total' row")
        }
        report.resources = try resources(total, labels: labels, table: "Utilization summary",
                                         row: (totals.rows.firstIndex(of: total) ?? 0) + 1)
        if !report.instances.isEmpty {
            let detail = try after("+ Detail", in: utilization, from: totals.endLine, section: "Utilization Detail Instance")
            let start = try after("* Instance", in: utilization, from: detail, section: "Utilization Detail Instance")
            if let table = try ReportTable.read(lines, from: start, to: utilization.upperBound, name: "Instance resources", file: file) {
                let labels = table.labels
                for (number, row) in table.rows.enumerated() where row.first != "Total" {
                    guard row.count == labels.count else {
                        throw .malformedTable(file: file, table: "Instance resources", row: number + 1,
                                              reason: "expected \(labels.count) columns, found \(row.count)")
                    }
                    let counts = try resources(row, labels: labels, table: "Instance resources", row: number + 1)
                    if let index = report.instances.firstIndex(where: { $0.instance == row[0] }) { report.instances[index].resources = counts }
                }
            }
        }
        return report
    }

    struct LatencyFigures {
        var latency: CycleRange
        var latencyNs: NanosecondRange?
        var interval: CycleRange?
        var pipelineType: String?
    }

    /// min, max (cycles), min, max (absolute), interval min, max, pipeline type — the 7 cells of a latency row.
    func latencyFigures(_ cells: [Substring], table: String, row: Int) throws(HLSReportError) -> LatencyFigures {
        guard cells.count == 7 else { throw .malformedTable(file: file, table: table, row: row, reason: "expected 7 latency columns, found \(cells.count)") }
        func cycles(_ index: Int, _ name: String) throws(HLSReportError) -> Int {
            guard let value = ReportValues.cycles(cells[index]) else {
                throw .malformedTable(file: file, table: table, row: row, reason: "\(name) '\(cells[index])' is not a whole number of cycles")
            }
            return value
        }
        var figures = LatencyFigures(latency: CycleRange(min: try cycles(0, "latency min"), max: try cycles(1, "latency max")))
        if let low = ReportValues.nanoseconds(cells[2]), let high = ReportValues.nanoseconds(cells[3]) {
            figures.latencyNs = NanosecondRange(min: low, max: high)
        }
        if let low = ReportValues.cycles(cells[4]), let high = ReportValues.cycles(cells[5]) {
            figures.interval = CycleRange(min: low, max: high)
        } else if cells[4] != "-" || cells[5] != "-" {
            throw .malformedTable(file: file, table: table, row: row, reason: "interval '\(cells[4])'/'\(cells[5])' is not a whole number of cycles")
        }
        figures.pipelineType = cells[6].isEmpty ? nil : String(cells[6])
        return figures
    }

    /// BRAM_18K, DSP (DSP48E), FF, LUT, URAM of a row, by the table's column labels.
    func resources(_ row: [Substring], labels: [String], table: String, row number: Int) throws(HLSReportError) -> HLSResources {
        func value(_ names: String...) throws(HLSReportError) -> Int? {
            guard let column = labels.firstIndex(where: { names.contains($0) }) else { return nil }
            guard column < row.count else {
                throw .malformedTable(file: file, table: table, row: number, reason: "expected \(labels.count) columns, found \(row.count)")
            }
            guard let count = ReportValues.count(row[column]) else {
                throw .malformedTable(file: file, table: table, row: number, reason: "\(labels[column]) '\(row[column])' is not a count")
            }
            return count
        }
        return HLSResources(bram18k: try value("BRAM_18K", "BRAM"), dsp: try value("DSP", "DSP48E", "DSP48"), ff: try value("FF"),
                            lut: try value("LUT"), uram: try value("URAM"))
    }
}

/// Parses the text of one report file (a pure function of the text; the file name is used in errors only).
public enum HLSReportParser {
    /// Parses a text report (`<top>_csynth.rpt` or `csynth.rpt`) or an XML report, by its content.
    public static func parse(_ text: String, file: String) throws(HLSReportError) -> HLSReport {
        let start = text.drop { $0.isWhitespace }
        if start.isEmpty { throw .notAReport(file: file, reason: "the file is empty") }
        if start.hasPrefix("<") { return try parseXML(text, file: file) }
        return try parseText(text, file: file)
    }

    /// Parses a text report: "Vivado HLS Report for" / "Vitis HLS Report for" or "Synthesis Summary Report of".
    public static func parseText(_ text: String, file: String) throws(HLSReportError) -> HLSReport {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.last == "\r" ? $0.dropLast() : $0 }
        var transcription: String?
        if let comment = lines.first(where: { !$0.allSatisfy(\.isWhitespace) }), comment.hasPrefix("#") {
            transcription = String(comment.dropFirst().trimmingWhitespace())
        }
        for (index, line) in lines.enumerated() {
            let trimmed = line.trimmingWhitespace()
            for (marker, format) in [("== Vivado HLS Report for '", HLSReportFormat.text), ("== Vitis HLS Report for '", .text),
                                     ("== Synthesis Summary Report of '", .synthesisSummary)] where trimmed.hasPrefix(marker) {
                let top = String(trimmed.dropFirst(marker.count).prefix { $0 != "'" })
                var report = format == .text
                    ? try TextReportParser(lines: lines, file: file, top: top, headerLine: index).parse()
                    : try SummaryReportParser(lines: lines, file: file, top: top, headerLine: index).parse()
                if format == .text { report.tool = marker.contains("Vivado") ? "Vivado HLS" : "Vitis HLS" }
                if let transcription {
                    report.notes.insert("hand transcription, not the tool's file (its header: \(transcription))", at: 0)
                }
                return report
            }
        }
        throw .notAReport(file: file, reason: "no 'Vivado HLS Report for', 'Vitis HLS Report for' or 'Synthesis Summary Report of' header")
    }

    /// Parses `<top>_csynth.xml`: the top's figures (these reports have no instance table).
    public static func parseXML(_ text: String, file: String) throws(HLSReportError) -> HLSReport {
        let root: XMLElement
        do { root = try XMLTreeParser.parse(text) } catch { throw .malformedXML(file: file, line: error.line, reason: error.reason) }
        guard root.name == "profile" else { throw .notAReport(file: file, reason: "the XML root is <\(root.name)>, not <profile>") }
        func section(_ name: String, in element: XMLElement) throws(HLSReportError) -> XMLElement {
            guard let child = element.child(name) else { throw .sectionNotFound(file: file, section: name) }
            return child
        }
        func integer(_ element: XMLElement, _ section: String, _ name: String) throws(HLSReportError) -> Int {
            guard let text = element.value(name) else { throw .badValue(file: file, section: section, field: name, reason: "missing") }
            guard let value = Int(text) else { throw .badValue(file: file, section: section, field: name, reason: "'\(text)' is not a whole number of cycles") }
            return value
        }
        let assignments = try section("UserAssignments", in: root)
        let performance = try section("PerformanceEstimates", in: root)
        let overall = try section("SummaryOfOverallLatency", in: performance)
        let latency = CycleRange(min: try integer(overall, "SummaryOfOverallLatency", "Best-caseLatency"),
                                 max: try integer(overall, "SummaryOfOverallLatency", "Worst-caseLatency"))
        let top = assignments.value("TopModelName") ?? ""
        var report = HLSReport(file: file, format: .xml, topModule: top, latency: latency)
        report.version = root.value("ReportVersion", "Version")
        report.tool = report.version.map(Self.toolName(version:))
        report.part = assignments.value("Part")
        report.productFamily = assignments.value("ProductFamily")
        report.clock = HLSClock(targetNs: assignments.value("TargetClockPeriod").flatMap(Double.init),
                                estimatedNs: performance.value("SummaryOfTimingAnalysis", "EstimatedClockPeriod").flatMap(Double.init),
                                uncertaintyNs: assignments.value("ClockUncertainty").flatMap(Double.init))
        if let best = overall.value("Best-caseRealTimeLatency").flatMap({ ReportValues.nanoseconds(Substring($0)) }),
           let worst = overall.value("Worst-caseRealTimeLatency").flatMap({ ReportValues.nanoseconds(Substring($0)) }) {
            report.latencyNs = NanosecondRange(min: best, max: worst)
        }
        if overall.child("Interval-min") != nil || overall.child("Interval-max") != nil {
            report.interval = CycleRange(min: try integer(overall, "SummaryOfOverallLatency", "Interval-min"),
                                         max: try integer(overall, "SummaryOfOverallLatency", "Interval-max"))
        }
        report.pipelineType = performance.value("PipelineType")
        report.pipelineDepth = overall.value("PipelineDepth").flatMap { Int($0) }
        let area = try section("AreaEstimates", in: root)
        let resources = try section("Resources", in: area)
        func count(_ names: String...) -> Int? { names.lazy.compactMap { resources.value($0).flatMap { Int($0) } }.first }
        report.resources = HLSResources(bram18k: count("BRAM_18K"), dsp: count("DSP", "DSP48E", "DSP48"), ff: count("FF"),
                                        lut: count("LUT"), uram: count("URAM"))
        return report
    }

    /// "Vivado HLS" up to 2019.2 (its last release), "Vitis HLS" from 2020.2; 2020.1 shipped both.
    static func toolName(version: String) -> String {
        let year = Int(version.prefix(4)) ?? 0
        if year <= 2019 { return "Vivado HLS" }
        if version.hasPrefix("2020.1") { return "Vivado/Vitis HLS" }
        return "Vitis HLS"
    }
}

/// Numbers as the reports print them.
enum ReportValues {
    /// A whole number of cycles: digits only.
    static func cycles(_ cell: Substring) -> Int? {
        cell.isEmpty || !cell.allSatisfy(\.isASCII) ? nil : Int(cell)
    }

    /// A time in ns from "96.570 ns", "0.110 us", "0 ns", or a bare number ("5.775e+03") in ns.
    static func nanoseconds(_ cell: Substring) -> Double? {
        let parts = cell.split(separator: " ")
        guard let first = parts.first, let value = Double(first), value.isFinite else { return nil }
        switch parts.count == 1 ? "ns" : String(parts[1]) {
        case "ns": return value
        case "us": return value * 1_000
        case "ms": return value * 1_000_000
        case "ps": return value / 1_000
        case "s", "sec": return value * 1_000_000_000
        default: return nil
        }
    }

    /// A resource count: "3", "3162 (1437%)", "2 (~0%)"; "-" is none (0).
    static func count(_ cell: Substring) -> Int? {
        if cell == "-" { return 0 }
        return Int(cell.prefix { $0.isNumber })
    }
}

import Foundation
import HLSReports

/// Renders a parsed Vivado/Vitis HLS report (`pipewright hls-report`) as text or JSON.
public enum HLSReportRendering {
    static func ns(_ value: Double) -> String { JSONText.number(value) }

    static func range(_ range: CycleRange?) -> (String, String) {
        guard let range else { return ("–", "–") }
        return ("\(range.min)", "\(range.max)")
    }

    static func count(_ value: Int?) -> String { value.map(String.init) ?? "–" }

    /// The report as lines of text: tool, part, clock, top latency/interval/resources, the instance table.
    public static func render(_ report: HLSReport) -> String {
        var text = "\(report.topModule): \(report.tool ?? "HLS") \(report.version ?? "(version not in report)")\n"
        text += "report:      \(report.file) (\(formatName(report.format)))\n"
        if report.filesRead.count > 1 { text += "also read:   \(report.filesRead.count - 1) more file(s): top XML and per-module reports\n" }
        text += "part:        \(report.part ?? "not in report")\(report.productFamily.map { " (\($0))" } ?? "")\n"
        if let clock = report.clock {
            text += "clock:       target \(clock.targetNs.map { ns($0) + " ns" } ?? "–"), estimated \(clock.estimatedNs.map { ns($0) + " ns" } ?? "–"), "
                + "uncertainty \(clock.uncertaintyNs.map { ns($0) + " ns" } ?? "–")\n"
        } else {
            text += "clock:       not in report\n"
        }
        var latency = "latency:     min \(report.latency.min), max \(report.latency.max) cycles"
        if let time = report.latencyNs { latency += "; min \(ns(time.min)), max \(ns(time.max)) ns" }
        text += latency + "\n"
        let interval = range(report.interval)
        text += "interval:    min \(interval.0), max \(interval.1) cycles"
            + (report.pipelineType.map { "; pipeline \($0)" } ?? "") + (report.pipelineDepth.map { ", depth \($0)" } ?? "") + "\n"
        if let r = report.resources {
            text += "resources:   BRAM_18K \(count(r.bram18k)), DSP \(count(r.dsp)), FF \(count(r.ff)), LUT \(count(r.lut)), URAM \(count(r.uram))\n"
        }
        if report.instances.isEmpty {
            text += "\ninstances:   none in this report\n"
        } else {
            text += "\n" + instanceTable(report.instances)
        }
        if !report.otherModules.isEmpty {
            var table = TextTable(header: ["module report", "layer", "lat min", "lat max", "II min", "II max", "depth", "est. clock"])
            for module in report.otherModules {
                let ii = range(module.interval)
                table.add([module.module, module.layer?.label ?? "–", "\(module.latency.min)", "\(module.latency.max)", ii.0, ii.1,
                           count(module.pipelineDepth), module.estimatedClockNs.map { ns($0) + " ns" } ?? "–"])
            }
            text += "\nmodules with their own report that the top does not call directly:\n" + table.render()
        }
        for note in report.notes { text += "note: \(note)\n" }
        return text
    }

    static func instanceTable(_ instances: [HLSInstance]) -> String {
        let withModules = instances.contains { $0.moduleReport != nil }
        var header = ["instance", "module", "layer", "kind", "lat min", "lat max", "II min", "II max", "BRAM_18K", "DSP", "FF", "LUT", "URAM"]
        if withModules { header += ["depth", "est. clock"] }
        var table = TextTable(header: header)
        for instance in instances {
            let ii = range(instance.interval)
            let r = instance.resources
            var row = [instance.instance, instance.module, instance.layer?.label ?? "–", instance.layer?.kind ?? "–",
                       "\(instance.latency.min)", "\(instance.latency.max)", ii.0, ii.1,
                       count(r?.bram18k), count(r?.dsp), count(r?.ff), count(r?.lut), count(r?.uram)]
            if withModules {
                row += [count(instance.moduleReport?.pipelineDepth), instance.moduleReport?.estimatedClockNs.map { ns($0) + " ns" } ?? "–"]
            }
            table.add(row)
        }
        return table.render(leftAligned: [0, 1, 3])
            + "layer: hls4ml's layer index (configN in the module name); lat/II: instance latency and interval in cycles"
            + (withModules ? "; depth, est. clock: from the module's own report" : "") + ".\n"
    }

    static func formatName(_ format: HLSReportFormat) -> String {
        switch format {
        case .text: return "C-synthesis report"
        case .synthesisSummary: return "Synthesis Summary report"
        case .xml: return "C-synthesis XML report, top only"
        }
    }

    /// The report as JSON (camelCase keys, numbers as JSONText writes them).
    public static func json(_ report: HLSReport) throws -> String { try JSONText.encode(report) }
}

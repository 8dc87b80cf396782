import CrossCheck
import Foundation

/// Renders a rung 4 resource comparison (schedule vs Yosys cells) as a table or JSON.
public enum ResourceReport {
    public static func render(_ comparison: ResourceComparison) -> String {
        var table = TextTable(header: ["block", "kind", "mult", "DSP", "reg bits", "│", "mul ops", "const", "shift", "var",
                                       "│", "DSP48E2", "LUT", "FF", "CARRY4/8", "SRL", "MUXF"])
        func row(_ r: ResourceRow) -> [String] {
            [r.name, r.kind, "\(r.predictedMultipliers)", "\(r.predictedDSPs)", "\(r.predictedRegisterBits)", "│",
             "\(r.multiplies.total)", "\(r.multiplies.otherConstants)", "\(r.multiplies.shiftConstants)", "\(r.multiplies.variable)", "│",
             "\(r.measured.dsps)", "\(r.measured.luts)", "\(r.measured.flipFlops)", "\(r.measured.carries)",
             "\(r.measured.shiftRegisters)", "\(r.measured.wideMuxes)"]
        }
        for block in comparison.blocks { table.add(row(block)) }
        table.rule()
        table.add(row(comparison.total))
        let synthesis = comparison.synthesis
        let timing = synthesis.reusedCache ? "cached statistics" : String(format: "%.1f s", synthesis.seconds)
        var text = "\(comparison.designName): RF \(comparison.schedule.blocks.map(\.reuseFactor).max() ?? 1), "
            + String(format: "%g", comparison.schedule.options.clockPeriodNs) + " ns — predicted (schedule) │ RTL multiply operators │ "
            + "\(synthesis.version) synth_xilinx -family xcup (\(timing))\n\n"
        text += table.render(leftAligned: [0, 1])
        text += "\nmult/DSP/reg bits: the schedule's multipliers, DSPs and pipeline register bits. mul ops: `*` in the RTL "
            + "(const: by a constant that is not a power of two; shift: by 0 or 2^k; var: signal × signal). "
            + "The design row's cells are Yosys's hierarchy totals (top module included).\n"
        for note in comparison.notes { text += "- \(note)\n" }
        return text
    }

    public static func json(_ comparison: ResourceComparison) throws -> String {
        func row(_ r: ResourceRow) -> [String: Any] {
            ["name": r.name, "kind": r.kind,
             "predicted": ["multipliers": r.predictedMultipliers, "dsps": r.predictedDSPs, "registerBits": r.predictedRegisterBits],
             "rtlMultiplies": ["constant": r.multiplies.otherConstants, "powerOfTwo": r.multiplies.shiftConstants,
                                "variable": r.multiplies.variable],
             "yosys": ["dsp48e2": r.measured.dsps, "luts": r.measured.luts, "flipFlops": r.measured.flipFlops,
                       "carry": r.measured.carries, "srl": r.measured.shiftRegisters, "muxf": r.measured.wideMuxes,
                       "cellsByType": r.measured.byType]]
        }
        let object: [String: Any] = [
            "design": comparison.designName,
            "clockPeriodNs": comparison.schedule.options.clockPeriodNs,
            "yosysVersion": comparison.synthesis.version,
            "yosysScript": comparison.synthesis.script,
            "yosysSeconds": comparison.synthesis.seconds,
            "cached": comparison.synthesis.reusedCache,
            "blocks": comparison.blocks.map(row),
            "total": row(comparison.total),
            "notes": comparison.notes,
        ]
        return try JSONText.serialize(object)
    }
}

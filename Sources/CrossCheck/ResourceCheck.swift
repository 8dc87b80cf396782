import Foundation
import NetworkIR
import RTL
import Toolchain
import Scheduling

// Rung 4 of the verification ladder (DESIGN.md): the schedule's operator and resource counts beside the
// cells Yosys `synth_xilinx` maps the generated RTL to.
//
// Facts about Yosys 0.23 this flow relies on (measured, see docs/calibration.md "Resources (Yosys)"):
// - `synth_xilinx` does NOT flatten unless given `-flatten`, so `stat -json` reports one entry per module
//   under `modules` ("\\<name>") plus hierarchy totals under `design` (sub-module instances expanded).
//   That gives per-block counts and design totals from one run.
// - `-family xcup` maps multipliers to DSP48E2 but carry chains to CARRY4 (not CARRY8) in this version.
// - A product with a constant operand uses no DSP only when the constant, as written (an unsigned
//   `N'h…` literal in the generated RTL), is 0 or a power of two; every other constant, however small
//   (×3 of a 16-bit input included), goes to a DSP48E2. A negative power-of-two weight is written as a
//   two's-complement literal (−4 → 11'h7fc), which is not a power of two, so it takes a DSP too.
// - The generated RTL multiplies unsigned: `{{k{x[15]}}, x} * W'h…` with W = input + weight width. Yosys
//   cannot tell the sign-extended operand is narrow, so mul2dsp splits W > 27 over two DSPs, and a negative
//   weight (W bits of leading ones) over three. Dense 4→2, 16×16 bits: 18 DSP48E2 for 8 products; the same
//   block written as `$signed(x) * $signed(c)` maps to 8.

/// How the multiply operators of one module are written in the RTL (what decides Yosys's mapping).
public struct MultiplyCensus: Sendable, Equatable {
    /// `x * N'h…` with a literal that is 0 or a power of two: Yosys turns it into a shift (no DSP).
    public var shiftConstants: Int = 0
    /// `x * N'h…` with any other literal (negative weights are two's-complement literals).
    public var otherConstants: Int = 0
    /// Signal × signal (squares, RF > 1 operand selects).
    public var variable: Int = 0

    public init(shiftConstants: Int = 0, otherConstants: Int = 0, variable: Int = 0) {
        self.shiftConstants = shiftConstants
        self.otherConstants = otherConstants
        self.variable = variable
    }

    public var total: Int { shiftConstants + otherConstants + variable }

    /// Counts the `*` operators of a generated Verilog module.
    public static func of(verilog text: String) -> MultiplyCensus {
        var census = MultiplyCensus()
        for line in text.split(separator: "\n") where line.contains(" * ") && line.contains("assign ") {
            guard let star = line.range(of: " * ") else { continue }
            var operand = line[star.upperBound...].trimmingCharacters(in: CharacterSet(charactersIn: "; "))
            if operand.hasPrefix("$signed("), operand.hasSuffix(")") { operand = String(operand.dropFirst(8).dropLast()) }
            guard let tick = operand.range(of: "'h"), Int(operand[..<tick.lowerBound]) != nil else {
                census.variable += 1
                continue
            }
            let hex = operand[tick.upperBound...].drop { $0 == "0" }
            // A power of two (or zero) in hex: at most one non-zero digit, which is 1, 2, 4 or 8, then zeros.
            let digits = Array(hex)
            let isShift = digits.isEmpty || (["1", "2", "4", "8"].contains(digits[0]) && digits.dropFirst().allSatisfy { $0 == "0" })
            if isShift { census.shiftConstants += 1 } else { census.otherConstants += 1 }
        }
        return census
    }

    static func + (a: MultiplyCensus, b: MultiplyCensus) -> MultiplyCensus {
        MultiplyCensus(shiftConstants: a.shiftConstants + b.shiftConstants, otherConstants: a.otherConstants + b.otherConstants,
                       variable: a.variable + b.variable)
    }
}

/// Predicted and synthesized resources of one block (or of the design, with `block == nil`).
public struct ResourceRow: Sendable, Equatable {
    /// Layer name, or the design name for the total row.
    public var name: String
    public var kind: String
    public var block: BlockSchedule?
    public var predictedMultipliers: Int
    public var predictedDSPs: Int
    public var predictedRegisterBits: Int
    /// The multiply operators of the block's RTL, by how Yosys maps them.
    public var multiplies: MultiplyCensus
    public var measured: CellCounts
}

/// The rung 4 comparison of a design.
public struct ResourceComparison: Sendable, Equatable {
    public var designName: String
    public var schedule: DesignSchedule
    /// One row per block, in pipeline order.
    public var blocks: [ResourceRow]
    /// The design total: predictions summed, cells from Yosys's hierarchy totals (includes the top
    /// module's own cells, e.g. the BUFG on the clock).
    public var total: ResourceRow
    public var synthesis: YosysSynthesis
    /// Plain-language explanations of the differences.
    public var notes: [String]
}

/// Compares the cells Yosys maps the generated RTL to (`YosysRunner`) with the schedule.
public enum ResourceCheck {
    /// Schedules nothing itself: compares `schedule` (of `network`) with Yosys's cells of its RTL, which is
    /// generated and synthesized in `directory`.
    public static func compare(network: Network, schedule: DesignSchedule, directory: URL) throws -> ResourceComparison {
        let rtl = try RTLGenerator.generate(network: network, schedule: schedule)
        let synthesis = try YosysRunner.synthesize(design: rtl, directory: directory)
        var rows: [ResourceRow] = []
        var census = MultiplyCensus()
        for (index, block) in schedule.blocks.enumerated() {
            // A block's modules: its own, or in io_stream over images its walk and its core (counted together).
            let names = index < rtl.blockModules.count ? rtl.blockModules[index] : [rtl.modules[index + 1].name]
            let multiplies = rtl.files.filter { file in names.contains { file.name == "\($0).v" } }
                .map { MultiplyCensus.of(verilog: $0.text) }.reduce(MultiplyCensus(), +)
            census = census + multiplies
            let measured = names.compactMap { synthesis.modules[$0] }.reduce(CellCounts()) { $0 + $1 }
            rows.append(ResourceRow(name: block.layerName, kind: block.kind, block: block, predictedMultipliers: block.multipliers,
                                    predictedDSPs: block.dsps, predictedRegisterBits: block.registerBits, multiplies: multiplies,
                                    measured: measured))
        }
        let total = ResourceRow(name: schedule.designName, kind: "design", block: nil,
                                predictedMultipliers: schedule.multipliers, predictedDSPs: schedule.dsps,
                                predictedRegisterBits: schedule.blocks.reduce(0) { $0 + $1.registerBits },
                                multiplies: census, measured: synthesis.design)
        return ResourceComparison(designName: schedule.designName, schedule: schedule, blocks: rows, total: total,
                                  synthesis: synthesis, notes: notes(rows: rows, total: total))
    }

    /// Schedules `network` with `options`, then `compare`s.
    public static func run(network: Network, options: ScheduleOptions, directory: URL) throws -> ResourceComparison {
        try network.validate()
        let schedule = try Scheduler.schedule(network, options: options)
        return try compare(network: network, schedule: schedule, directory: directory)
    }

    static func notes(rows: [ResourceRow], total: ResourceRow) -> [String] {
        var notes: [String] = []
        let census = total.multiplies
        let measured = total.measured.dsps
        notes.append("Yosys: \(measured) DSP48E2 for \(census.total) multiply operators in the RTL "
                     + "(\(census.otherConstants) by constants that are not powers of two, \(census.shiftConstants) by powers of two → shifts, "
                     + "\(census.variable) signal × signal); the schedule predicts \(total.predictedDSPs) DSPs for \(total.predictedMultipliers) multipliers.")
        notes.append("Zero weights have no multiply operator at all (the generator drops them, as the schedule assumes).")
        if rows.contains(where: { $0.predictedDSPs == 0 && $0.measured.dsps > 0 }) {
            notes.append("Yosys 0.23 puts every product by a constant that is not a power of two on a DSP48E2, however narrow; "
                         + "the device profile sends products with a narrow operand (≤ lutMultiplierMaxNarrowWidth bits) to LUTs, as Vivado/HLS would.")
        }
        notes.append("Products by constants with at most two signed digits (±2^a, ±2^a ± 2^b) are written as shifts and one adder, "
                     + "not as multiply operators, as HLS builds them; the schedule counts no multiplier for them.")
        if census.shiftConstants > 0 {
            notes.append("Products by powers of two written as multiplies are shifts in Yosys (wiring only).")
        }
        if rows.contains(where: { $0.measured.dsps > $0.multiplies.otherConstants + $0.multiplies.variable }) {
            notes.append("More DSP48E2 than multiply operators: a product whose operands are wider than one DSP48E2 (27×18 signed) "
                         + "is split over several DSPs, as the device profile's DSP count also assumes.")
        }
        notes.append("Flip-flops: Yosys keeps only register bits that are read (constant and duplicate bits are removed) and may absorb "
                     + "pipeline registers into DSP48E2 input/output registers; the schedule's register bits are a width-based estimate.")
        notes.append("Carry chains: Yosys 0.23 emits CARRY4 (4 bits each) even for -family xcup, where Vivado would use CARRY8.")
        return notes
    }

}

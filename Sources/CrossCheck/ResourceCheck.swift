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

/// What the Yosys flow could not do.
public enum YosysError: Error, Sendable, CustomStringConvertible {
    case notFound
    case synthesisFailed(command: String, status: Int32, outputTail: String)
    case malformedStatistics(path: String, reason: String)

    public var description: String {
        switch self {
        case .notFound:
            return "yosys not found on PATH; install it with apt-get install yosys or run make test"
        case let .synthesisFailed(command, status, tail):
            return "Yosys synthesis failed with status \(status) (\(command)):\n\(tail)"
        case let .malformedStatistics(path, reason):
            return "cannot read Yosys statistics \(path): \(reason)"
        }
    }
}

/// Cells of one module (or of the whole design) after `synth_xilinx`, by Xilinx primitive.
public struct CellCounts: Sendable, Equatable {
    /// `num_cells_by_type` without sub-module instances.
    public var byType: [String: Int]

    public init(byType: [String: Int] = [:]) { self.byType = byType }

    public subscript(type: String) -> Int { byType[type] ?? 0 }

    public var dsps: Int { self["DSP48E2"] + self["DSP48E1"] }
    public var luts: Int { (1...6).reduce(0) { $0 + self["LUT\($1)"] } }
    /// Flip-flops (FDRE/FDSE/FDCE/FDPE and the plain FD* forms).
    public var flipFlops: Int { byType.filter { $0.key.hasPrefix("FD") }.reduce(0) { $0 + $1.value } }
    /// Carry-chain cells: CARRY4 (4 bits, what Yosys 0.23 emits even for xcup) and CARRY8.
    public var carries: Int { self["CARRY4"] + self["CARRY8"] }
    /// Carry-chain bits covered (CARRY4 × 4 + CARRY8 × 8), comparable across families.
    public var carryBits: Int { 4 * self["CARRY4"] + 8 * self["CARRY8"] }
    /// Shift-register LUTs (SRL16E, SRLC32E).
    public var shiftRegisters: Int { byType.filter { $0.key.hasPrefix("SRL") }.reduce(0) { $0 + $1.value } }
    /// Wide-function multiplexers MUXF7/8/9.
    public var wideMuxes: Int { self["MUXF7"] + self["MUXF8"] + self["MUXF9"] }
    /// Everything else that is a cell (BUFG, INV, RAMs, …), sub-module instances excluded.
    public var total: Int { byType.values.reduce(0, +) }

    static func + (a: CellCounts, b: CellCounts) -> CellCounts {
        CellCounts(byType: a.byType.merging(b.byType, uniquingKeysWith: +))
    }
}

/// The outcome of one `synth_xilinx` run.
public struct YosysSynthesis: Sendable, Equatable {
    public var topModule: String
    /// Cells per module (module names without Yosys's leading backslash); sub-module instances removed.
    public var modules: [String: CellCounts]
    /// The whole design: `design.num_cells_by_type` (hierarchy expanded), instances removed.
    public var design: CellCounts
    /// The exact Yosys script that was run.
    public var script: String
    /// `yosys -V`.
    public var version: String
    /// Wall time of the run (s); 0 when the cached statistics were reused.
    public var seconds: Double
    public var reusedCache: Bool
}

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

/// Runs Yosys on generated RTL and compares its cells with the schedule.
public enum ResourceCheck {
    /// The `yosys` executable on PATH, or nil.
    public static func yosysPath() -> URL? { ProcessRunner.find("yosys") }

    /// The Yosys script for a design whose files are in the working directory.
    public static func script(for design: RTLDesign, statisticsFile: String = "stat.json") -> String {
        "read_verilog -sv " + design.files.map(\.name).joined(separator: " ")
            + "; synth_xilinx -top \(design.topModule) -family xcup -noiopad; tee -q -o \(statisticsFile) stat -json"
    }

    /// Writes the design's Verilog into `directory` and runs `yosys -q -p <script>` there. When the
    /// directory already holds statistics made by the same Yosys version from byte-identical Verilog and
    /// script, they are reused. Runs on one directory must not be concurrent; a Yosys run still going after
    /// `timeout` seconds is ended.
    public static func synthesize(design: RTLDesign, directory: URL,
                                  timeout: Double = ProcessRunner.defaultTimeout) throws -> YosysSynthesis {
        guard let yosys = yosysPath() else { throw YosysError.notFound }
        let directory = directory.standardizedFileURL
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let version = try ProcessRunner.run(yosys, arguments: ["-V"], directory: directory, timeout: 60).output
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let script = script(for: design)
        var key = FNV1a()
        key.add(version)
        key.add(script)
        for file in design.files {
            key.add(file.name)
            key.add(file.text)
        }
        try design.writeVerilog(to: directory)
        let statistics = directory.appendingPathComponent("stat.json")
        let keyFile = directory.appendingPathComponent("stat.key")
        let digest = key.hex
        if (try? String(contentsOf: keyFile, encoding: .utf8)) == digest,
           let cached = try? parseStatistics(at: statistics, topModule: design.topModule) {
            return YosysSynthesis(topModule: design.topModule, modules: cached.modules, design: cached.design, script: script,
                                  version: version, seconds: 0, reusedCache: true)
        }
        try? FileManager.default.removeItem(at: statistics)
        try? FileManager.default.removeItem(at: keyFile)
        let start = Date()
        let result = try ProcessRunner.run(yosys, arguments: ["-q", "-p", script], directory: directory, timeout: timeout,
                                           progress: "synthesizing \(design.topModule) with Yosys")
        let seconds = Date().timeIntervalSince(start)
        guard result.status == 0, FileManager.default.fileExists(atPath: statistics.path) else {
            throw YosysError.synthesisFailed(command: "yosys -q -p \"\(script)\"", status: result.status,
                                             outputTail: ProcessRunner.tail(result.output))
        }
        let parsed = try parseStatistics(at: statistics, topModule: design.topModule)
        try Data(digest.utf8).write(to: keyFile, options: .atomic)
        return YosysSynthesis(topModule: design.topModule, modules: parsed.modules, design: parsed.design, script: script,
                              version: version, seconds: seconds, reusedCache: false)
    }

    /// Reads `stat -json` output: per-module and design cell counts, sub-module instances removed.
    public static func parseStatistics(at url: URL, topModule: String) throws -> (modules: [String: CellCounts], design: CellCounts) {
        guard let data = try? Data(contentsOf: url) else { throw YosysError.malformedStatistics(path: url.path, reason: "missing") }
        guard let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
              let modules = root["modules"] as? [String: Any] else {
            throw YosysError.malformedStatistics(path: url.path, reason: "no 'modules' object")
        }
        func cells(_ entry: Any?, _ name: String) throws -> [String: Int] {
            guard let entry = entry as? [String: Any], let byType = entry["num_cells_by_type"] as? [String: Any] else {
                throw YosysError.malformedStatistics(path: url.path, reason: "no num_cells_by_type for \(name)")
            }
            return byType.compactMapValues { ($0 as? NSNumber)?.intValue }
        }
        let names = Set(modules.keys.map { $0.hasPrefix("\\") ? String($0.dropFirst()) : $0 })
        var result: [String: CellCounts] = [:]
        for (key, entry) in modules {
            let name = key.hasPrefix("\\") ? String(key.dropFirst()) : key
            result[name] = CellCounts(byType: try cells(entry, name).filter { !names.contains($0.key) })
        }
        guard result[topModule] != nil else {
            throw YosysError.malformedStatistics(path: url.path, reason: "no module '\(topModule)'")
        }
        let design = CellCounts(byType: try cells(root["design"], "design").filter { !names.contains($0.key) })
        return (result, design)
    }

    /// Schedules nothing itself: compares `schedule` (of `network`) with Yosys's cells of its RTL, which is
    /// generated and synthesized in `directory`.
    public static func compare(network: Network, schedule: DesignSchedule, directory: URL) throws -> ResourceComparison {
        let rtl = try RTLGenerator.generate(network: network, schedule: schedule)
        let synthesis = try synthesize(design: rtl, directory: directory)
        var rows: [ResourceRow] = []
        var census = MultiplyCensus()
        for (index, block) in schedule.blocks.enumerated() {
            // Modules follow the top module in pipeline order (RTLDesign.modules).
            let moduleName = rtl.modules[index + 1].name
            let text = rtl.files[index + 1].text
            let multiplies = MultiplyCensus.of(verilog: text)
            census = census + multiplies
            rows.append(ResourceRow(name: block.layerName, kind: block.kind, block: block, predictedMultipliers: block.multipliers,
                                    predictedDSPs: block.dsps, predictedRegisterBits: block.registerBits, multiplies: multiplies,
                                    measured: synthesis.modules[moduleName] ?? CellCounts()))
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
        if census.shiftConstants > 0 {
            notes.append("Power-of-two weights are shifts (wiring only); the schedule counts them as multipliers.")
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

/// FNV-1a 64-bit digest (stable across runs, unlike Hasher).
struct FNV1a {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ text: String) {
        for byte in text.utf8 {
            value ^= UInt64(byte)
            value = value &* 0x0000_0100_0000_01b3
        }
        value ^= 0xff
        value = value &* 0x0000_0100_0000_01b3
    }

    var hex: String { String(value, radix: 16) }
}

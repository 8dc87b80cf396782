import Foundation
import RTL

// Yosys `synth_xilinx` on generated RTL, at the edge with the other external tools (the comparison with the
// schedule is CrossCheck's ResourceCheck). Facts about Yosys 0.23 this relies on are in ResourceCheck.swift and
// docs/calibration.md "Resources (Yosys)".

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

    public static func + (a: CellCounts, b: CellCounts) -> CellCounts {
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

/// Runs Yosys on generated RTL.
public enum YosysRunner {
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
        guard var data = try? Data(contentsOf: url) else { throw YosysError.malformedStatistics(path: url.path, reason: "missing") }
        // Yosys 0.23 writes the hierarchy of a design with modules two levels down (a streaming block's walk and its
        // core) into the JSON as plain text lines, `    <module>    <count>`; they are not JSON and carry nothing
        // the modules' own entries do not.
        if let text = String(data: data, encoding: .utf8) {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).filter { line in
                let words = line.split(separator: " ")
                return !(words.count == 2 && Int(words[1]) != nil && !line.contains("\"") && !line.contains(":"))
            }
            data = Data(lines.joined(separator: "\n").utf8)
        }
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
}

/// FNV-1a 64-bit digest (stable across runs, unlike Hasher).
public struct FNV1a {
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    public init() {}

    public mutating func add(_ text: String) {
        for byte in text.utf8 {
            value ^= UInt64(byte)
            value = value &* 0x0000_0100_0000_01b3
        }
        value ^= 0xff
        value = value &* 0x0000_0100_0000_01b3
    }

    public var hex: String { String(value, radix: 16) }
}

import Foundation

/// What a Verilator build, lint or run could not do.
public enum VerilatorError: Error, Sendable, CustomStringConvertible {
    case notFound
    case buildFailed(command: String, outputTail: String)
    case lintFailed(output: String)
    case runFailed(status: Int32, outputTail: String)
    case invalidArgument(field: String, reason: String)
    case malformedResults(path: String, reason: String)

    public var description: String {
        switch self {
        case .notFound:
            return "verilator not found on PATH; install it with apt-get install verilator or run make test"
        case let .buildFailed(command, tail):
            return "Verilator build failed (\(command)):\n\(tail)"
        case let .lintFailed(output):
            return "verilator --lint-only -Wall reported problems:\n\(output)"
        case let .runFailed(status, tail):
            return "the Verilated model exited with status \(status):\n\(tail)"
        case let .invalidArgument(field, reason):
            return "field '\(field)': \(reason)"
        case let .malformedResults(path, reason):
            return "cannot read harness results \(path): \(reason)"
        }
    }
}

/// Transfers and outputs recorded by the Verilator harness.
public struct RTLTrace: Sendable, Equatable {
    /// `[channel][token]` = cycle of that token's transfer on the channel (cycle 0 = first after reset).
    public var transferCycles: [[Int]]
    /// Raw output values per output token, in output order.
    public var outputs: [[Int64]]
    /// Cycles simulated.
    public var cycles: Int
    /// Wall time of the harness's cycle loop (s).
    public var simulationSeconds: Double
}

/// A built Verilator model of a design, ready to run.
public struct VerilatorModel: Sendable {
    public let design: RTLDesign
    /// The design directory (Verilog, harness.cpp, obj_dir).
    public let directory: URL
    public let executable: URL
    /// Wall time of the build (s); near zero when the cached build was reused.
    public let buildSeconds: Double
    /// True when nothing changed and the existing binary was reused.
    public let reusedCache: Bool
    /// True when built with `--trace` (only then can `run` write a VCD).
    public let traced: Bool

    /// Runs the model on raw input vectors (in the design's input precision).
    /// - Parameters:
    ///   - outReadyPattern: out_ready in cycle c is `pattern[c % count]`; only '0' and '1'.
    ///   - vcdPath: where to write a VCD (time in ps at the design's clock), or nil.
    ///   - maxCycles: the run stops after this many cycles even if outputs are missing.
    public func run(inputs: [[Int64]], outReadyPattern: String = "1", vcdPath: URL? = nil,
                    maxCycles: Int = 1_000_000) throws -> RTLTrace {
        guard !outReadyPattern.isEmpty, outReadyPattern.allSatisfy({ $0 == "0" || $0 == "1" }) else {
            throw VerilatorError.invalidArgument(field: "outReadyPattern", reason: "'\(outReadyPattern)' must be a non-empty string of 0 and 1")
        }
        if vcdPath != nil && !traced {
            throw VerilatorError.invalidArgument(field: "vcdPath", reason: "the model was built without --trace; build it with trace: true to write a VCD")
        }
        let elements = design.inputChannel.elements
        for (index, vector) in inputs.enumerated() where vector.count != elements {
            throw VerilatorError.invalidArgument(field: "inputs", reason: "vector \(index) has \(vector.count) values, the design takes \(elements)")
        }
        let id = UUID().uuidString
        let inputURL = directory.appendingPathComponent("run-\(id).in")
        let resultURL = directory.appendingPathComponent("run-\(id).out")
        defer {
            try? FileManager.default.removeItem(at: inputURL)
            try? FileManager.default.removeItem(at: resultURL)
        }
        var text = "\(inputs.count) \(elements)\n"
        for vector in inputs { text += vector.map(String.init).joined(separator: " ") + "\n" }
        try Data(text.utf8).write(to: inputURL)
        let periodPs = max(2, Int((design.clockPeriodNs * 1000).rounded()))
        var arguments = [inputURL.path, resultURL.path, outReadyPattern, String(maxCycles), String(periodPs)]
        if let vcdPath { arguments.append(vcdPath.path) }
        let result = try ProcessRunner.run(executable, arguments: arguments, directory: directory)
        guard result.status == 0 else { throw VerilatorError.runFailed(status: result.status, outputTail: ProcessRunner.tail(result.output)) }
        return try VerilatorModel.parseResults(at: resultURL, channels: design.channels.count)
    }

    static func parseResults(at url: URL, channels: Int) throws -> RTLTrace {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw VerilatorError.malformedResults(path: url.path, reason: "missing")
        }
        var trace = RTLTrace(transferCycles: Array(repeating: [], count: channels), outputs: [], cycles: 0, simulationSeconds: 0)
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard let key = fields.first else { continue }
            switch key {
            case "cycles": trace.cycles = Int(fields[1]) ?? 0
            case "seconds": trace.simulationSeconds = Double(fields[1]) ?? 0
            case "channel":
                guard fields.count >= 2, let k = Int(fields[1]), k < channels else {
                    throw VerilatorError.malformedResults(path: url.path, reason: "bad line '\(line)'")
                }
                trace.transferCycles[k] = fields.dropFirst(2).compactMap { Int($0) }
            case "output":
                trace.outputs.append(fields.dropFirst().compactMap { Int64($0) })
            default:
                throw VerilatorError.malformedResults(path: url.path, reason: "unknown line '\(line)'")
            }
        }
        return trace
    }
}

/// Builds Verilator models and lints generated RTL.
public enum VerilatorRunner {
    /// The `verilator` executable on PATH, or nil.
    public static func verilatorPath() -> URL? { ProcessRunner.find("verilator") }

    /// Writes the design and its harness into `directory` and builds `V<top>` with Verilator (C++ harness,
    /// `-Wall`, and `--trace` when `trace` is true: VCD output costs about 2.5× the build time). The build is
    /// skipped when every generated file and the flags are byte-identical to what the directory holds and the
    /// binary exists. Builds of one directory must not run concurrently.
    public static func build(design: RTLDesign, directory: URL, trace: Bool = true) throws -> VerilatorModel {
        guard let verilator = verilatorPath() else { throw VerilatorError.notFound }
        let directory = directory.standardizedFileURL
        var changed = try design.write(to: directory)
        let harness = directory.appendingPathComponent("harness.cpp")
        changed = try RTLDesign.writeIfChanged(VerilatorHarness.source(for: design), to: harness) || changed
        changed = try RTLDesign.writeIfChanged(trace ? "--trace\n" : "\n", to: directory.appendingPathComponent("build.flags")) || changed
        let objDir = directory.appendingPathComponent("obj_dir")
        let binaryName = "V\(design.topModule)"
        let executable = objDir.appendingPathComponent(binaryName)
        if !changed && FileManager.default.isExecutableFile(atPath: executable.path) {
            return VerilatorModel(design: design, directory: directory, executable: executable, buildSeconds: 0, reusedCache: true, traced: trace)
        }
        // A stale binary must not survive a failed build.
        try? FileManager.default.removeItem(at: executable)
        let arguments = ["--cc", "--exe", "--build", "-j", "2", "-Wall"] + (trace ? ["--trace"] : []) + ["--top-module", design.topModule,
                         "--Mdir", objDir.path, "-o", binaryName]
            + design.files.map { directory.appendingPathComponent($0.name).path } + [harness.path]
        var environment: [String: String] = [:]
        if ProcessRunner.find("ccache") != nil { environment["OBJCACHE"] = "ccache" }
        let start = Date()
        let result = try ProcessRunner.run(verilator, arguments: arguments, directory: directory, environment: environment)
        let seconds = Date().timeIntervalSince(start)
        guard result.status == 0, FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw VerilatorError.buildFailed(command: "verilator " + arguments.joined(separator: " "), outputTail: ProcessRunner.tail(result.output))
        }
        return VerilatorModel(design: design, directory: directory, executable: executable, buildSeconds: seconds, reusedCache: false, traced: trace)
    }

    /// Writes the design's Verilog into `directory` and runs `verilator --lint-only -Wall` on it.
    /// Returns Verilator's (empty when clean) output; throws `lintFailed` on any warning or error.
    @discardableResult
    public static func lint(design: RTLDesign, directory: URL) throws -> String {
        guard let verilator = verilatorPath() else { throw VerilatorError.notFound }
        try design.writeVerilog(to: directory)
        let arguments = ["--lint-only", "-Wall", "--top-module", design.topModule]
            + design.files.map { directory.appendingPathComponent($0.name).standardizedFileURL.path }
        let result = try ProcessRunner.run(verilator, arguments: arguments, directory: directory)
        guard result.status == 0, !result.output.contains("%Warning"), !result.output.contains("%Error") else {
            throw VerilatorError.lintFailed(output: result.output)
        }
        return result.output
    }
}

/// Runs external programs — Verilator here, Yosys in CrossCheck (Foundation.Process does not search PATH,
/// so executables are resolved here).
public enum ProcessRunner {
    /// The executable `name` on PATH, or nil.
    public static func find(_ name: String) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }

    /// Runs to completion; stdout and stderr are merged and read to the end before waiting (a chatty
    /// compiler would otherwise fill the pipe and hang).
    public static func run(_ executable: URL, arguments: [String], directory: URL,
                           environment extra: [String: String] = [:]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        for (key, value) in extra { environment[key] = value }
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// The last `lines` lines of a tool's output, for error messages.
    public static func tail(_ text: String, lines: Int = 40) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }
}

// Module Toolchain: the external programs behind Pipewright (Verilator here; children run through ProcessRunner).
import Foundation
import RTL
import Support
#if canImport(Glibc)
import Glibc
#endif

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
    /// The design directory (Verilog, harness.cpp, harness_design.h, obj_dir).
    public let directory: URL
    public let executable: URL
    /// Wall time of the build (s); near zero when the cached build was reused.
    public let buildSeconds: Double
    /// True when nothing changed and the existing binary was reused.
    public let reusedCache: Bool
    /// The waveform format it was built to trace (`--trace` or `--trace-fst`), or nil: only a traced model's
    /// `run` can write a waveform.
    public let waveform: WaveformFormat?

    /// Runs the model on raw input vectors (in the design's input precision).
    /// - Parameters:
    ///   - outReadyPattern: out_ready in cycle c is `pattern[c % count]`; only '0' and '1'.
    ///   - waveformPath: where to write the waveform, in the format the model was built for (time in ps at the
    ///     design's clock), or nil.
    ///   - maxCycles: the run stops after this many cycles even if outputs are missing.
    public func run(inputs: [[Int64]], outReadyPattern: String = "1", waveformPath: URL? = nil,
                    maxCycles: Int = 1_000_000, timeout: Double = ProcessRunner.defaultTimeout) throws -> RTLTrace {
        guard !outReadyPattern.isEmpty, outReadyPattern.allSatisfy({ $0 == "0" || $0 == "1" }) else {
            throw VerilatorError.invalidArgument(field: "outReadyPattern", reason: "'\(outReadyPattern)' must be a non-empty string of 0 and 1")
        }
        if waveformPath != nil && waveform == nil {
            throw VerilatorError.invalidArgument(field: "waveformPath", reason: "the model was built without tracing; build it with a waveform format to write one")
        }
        // An image in io_stream enters one pixel per transfer and leaves the same way: the harness reads and writes
        // elements, and the outputs are put back together per inference here.
        let elements = design.inputChannel.elements, inputTokens = max(design.inputChannel.tokens, 1)
        for (index, vector) in inputs.enumerated() where vector.count != elements * inputTokens {
            throw VerilatorError.invalidArgument(field: "inputs", reason: "vector \(index) has \(vector.count) values, the design takes \(elements * inputTokens)")
        }
        let id = UUID().uuidString
        let inputURL = directory.appendingPathComponent("run-\(id).in")
        let resultURL = directory.appendingPathComponent("run-\(id).out")
        defer {
            try? FileManager.default.removeItem(at: inputURL)
            try? FileManager.default.removeItem(at: resultURL)
        }
        let ports = design.separateOutputs ? design.outputs.map { [$0] } : [design.outputs]
        let expected = ports.map { String(inputs.count * max($0.first?.tokens ?? 1, 1)) }.joined(separator: " ")
        var text = "\(inputs.count * inputTokens) \(elements) \(expected)\n"
        for vector in inputs {
            for token in 0..<inputTokens {
                text += vector[(token * elements)..<((token + 1) * elements)].map(String.init).joined(separator: " ") + "\n"
            }
        }
        try OutputFile.write(text, to: inputURL)
        let periodPs = max(2, Int((design.clockPeriodNs * 1000).rounded()))
        var arguments = [inputURL.path, resultURL.path, outReadyPattern, String(maxCycles), String(periodPs)]
        if let waveformPath { arguments.append(waveformPath.path) }
        let result: (status: Int32, output: String)
        do {
            result = try ProcessRunner.run(executable, arguments: arguments, directory: directory, timeout: timeout,
                                           progress: "running \(executable.lastPathComponent) (\(inputs.count) inferences)")
        } catch {
            if let waveformPath {
                let killed = if case ProcessRunnerError.killed = error { true } else { false }
                try Self.waveformFailure(at: waveformPath, output: "", killedBySignal: killed)
            }
            throw error
        }
        guard result.status == 0 else {
            if let waveformPath { try Self.waveformFailure(at: waveformPath, output: result.output, killedBySignal: false) }
            throw VerilatorError.runFailed(status: result.status, outputTail: ProcessRunner.tail(result.output))
        }
        let parsed = try VerilatorModel.parseResults(at: resultURL, channels: design.channels.count, ports: ports.count)
        var trace = parsed.trace
        trace.outputs = regroup(parsed.ports, ports: ports)
        return trace
    }

    /// The output transfers of each port back into inferences, in the simulator's and the evaluator's layout: the
    /// output tensors one after the other, each with its elements (an image's pixels) in order. Output s is on port
    /// `ports` index p, after the outputs before it on that port; an incomplete last inference is dropped.
    func regroup(_ transfers: [[[Int64]]], ports: [[RTLChannel]]) -> [[Int64]] {
        let perInference = ports.map { max($0.first?.tokens ?? 1, 1) }
        let inferences = zip(transfers, perInference).map { $0.count / $1 }.min() ?? 0
        return (0..<inferences).map { i in
            var vector: [Int64] = []
            for (p, outputs) in ports.enumerated() {
                var offset = 0
                for output in outputs {
                    for t in 0..<perInference[p] {
                        let values = transfers[p][i * perInference[p] + t]
                        if offset + output.elements <= values.count { vector += values[offset..<(offset + output.elements)] }
                    }
                    offset += output.elements
                }
            }
            return vector
        }
    }

    /// After a failed run that was writing `waveform`: removes the partial file (and the FST writer's `.hier`)
    /// and throws an `OutputFileError` in words when the waveform write is what failed.
    private static func waveformFailure(at waveform: URL, output: String, killedBySignal: Bool) throws {
        // The FST writer maps its files: a full disk kills it with SIGBUS instead of an error, so for a run killed
        // by a signal the free space is looked at before the partial files go.
        let nearlyFull = killedBySignal
            && (FileProblem.availableBytes(at: waveform.deletingLastPathComponent().path) ?? .max) < 1 << 20
        for leftover in [waveform, waveform.appendingPathExtension("hier")] { try? FileManager.default.removeItem(at: leftover) }
        // The harness names the system error of a failed VCD write (see harness.cpp's vl_fatal).
        if let line = output.split(separator: "\n").first(where: { $0.hasPrefix("harness errno ") }),
           let code = Int32(line.dropFirst("harness errno ".count)) {
            throw OutputFileError(path: waveform.path, reason: FileProblem.describe(errno: code))
        }
        if nearlyFull { throw OutputFileError(path: waveform.path, reason: FileProblem.describe(errno: ENOSPC)) }
    }

    /// The trace (without outputs) and each output port's transfers.
    static func parseResults(at url: URL, channels: Int, ports: Int) throws -> (trace: RTLTrace, ports: [[[Int64]]]) {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw VerilatorError.malformedResults(path: url.path, reason: "missing")
        }
        var trace = RTLTrace(transferCycles: Array(repeating: [], count: channels), outputs: [], cycles: 0, simulationSeconds: 0)
        var outputs = [[[Int64]]](repeating: [], count: ports)
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
                guard fields.count >= 2, let port = Int(fields[1]), port >= 0, port < ports else {
                    throw VerilatorError.malformedResults(path: url.path, reason: "bad line '\(line)'")
                }
                outputs[port].append(fields.dropFirst(2).compactMap { Int64($0) })
            default:
                throw VerilatorError.malformedResults(path: url.path, reason: "unknown line '\(line)'")
            }
        }
        return (trace, outputs)
    }
}

/// How the C++ of a Verilated model is compiled.
public enum VerilatorOptimization: String, Sendable, CaseIterable {
    /// Verilator's own settings (`-Os`): the fastest model, the slowest build.
    case optimized
    /// `-O0`: the build is 2–3 times faster (cnn_ae at 2.5 ns: 88 s instead of 228 s, measured side by side) and the
    /// model runs slower; for runs of few events, such as the cross-check tests.
    case quickBuild

    /// Verilator options that pass the setting to the generated makefile.
    var verilatorOptions: [String] {
        switch self {
        case .optimized: return []
        case .quickBuild: return ["OPT_FAST=-O0", "OPT_SLOW=-O0", "OPT_GLOBAL=-O0"].flatMap { ["-MAKEFLAGS", $0] }
        }
    }
}

/// Builds Verilator models and lints generated RTL.
public enum VerilatorRunner {
    /// The `verilator` executable on PATH, or nil.
    public static func verilatorPath() -> URL? { ProcessRunner.find("verilator") }

    /// Writes the design and its harness into `directory` and builds `V<top>` with Verilator (C++ harness,
    /// `-Wall`, and `--trace`/`--trace-fst` when `waveform` is given: tracing costs about 2.5× the build time). The build is
    /// skipped when every generated file and the flags are byte-identical to what the directory holds and the
    /// binary exists and the last build finished (`obj_dir/build.ok`: an interrupted link can leave a partial
    /// binary). Builds of one directory must not run concurrently; a build still running after `timeout`
    /// seconds is ended.
    public static func build(design: RTLDesign, directory: URL, waveform: WaveformFormat? = .vcd,
                             optimization: VerilatorOptimization = .optimized,
                             timeout: Double = ProcessRunner.defaultTimeout) throws -> VerilatorModel {
        guard let verilator = verilatorPath() else { throw VerilatorError.notFound }
        let directory = directory.standardizedFileURL
        let harnessFiles = VerilatorHarness.files(for: design)
        var changed = try design.write(to: directory, waveform: waveform ?? .vcd, alongside: harnessFiles)
        let traceOptions = (waveform.map { [$0.verilatorOption] } ?? []) + optimization.verilatorOptions
        changed = try RTLDesign.writeIfChanged(traceOptions.joined(separator: " ") + "\n", to: directory.appendingPathComponent("build.flags")) || changed
        let objDir = directory.appendingPathComponent("obj_dir")
        let binaryName = "V\(design.topModule)"
        let executable = objDir.appendingPathComponent(binaryName)
        let stamp = objDir.appendingPathComponent("build.ok")
        if !changed && FileManager.default.isExecutableFile(atPath: executable.path) && FileManager.default.fileExists(atPath: stamp.path) {
            return VerilatorModel(design: design, directory: directory, executable: executable, buildSeconds: 0, reusedCache: true, waveform: waveform)
        }
        // A stale binary must not survive a failed build.
        try? FileManager.default.removeItem(at: executable)
        try? FileManager.default.removeItem(at: stamp)
        // GNU make refuses to build in a folder whose path holds a space, and make and sh expand `$`, quotes
        // and the like: such a folder is built in a staging folder with a plain path, and the binary copied back.
        let staging = isMakeSafe(directory.path) ? nil
            : try stagingDirectory(for: directory, names: design.files.map(\.name) + harnessFiles.map(\.name))
        defer { if let staging { try? FileManager.default.removeItem(at: staging) } }
        let buildDirectory = staging ?? directory
        // VL_USER_FATAL: the harness's vl_fatal ends at once instead of flushing a trace that cannot be written.
        let arguments = ["--cc", "--exe", "--build", "-j", "2", "-Wall", "-CFLAGS", "-DVL_USER_FATAL"] + traceOptions + ["--top-module", design.topModule,
                         "--Mdir", "obj_dir", "-o", binaryName]
            + design.files.map(\.name) + [VerilatorHarness.sourceName]
        var environment: [String: String] = [:]
        if ProcessRunner.find("ccache") != nil { environment["OBJCACHE"] = "ccache" }
        let start = Date()
        let result = try ProcessRunner.run(verilator, arguments: arguments, directory: buildDirectory, environment: environment,
                                           timeout: timeout, progress: "building \(binaryName) with Verilator")
        let seconds = Date().timeIntervalSince(start)
        let built = buildDirectory.appendingPathComponent("obj_dir").appendingPathComponent(binaryName)
        guard result.status == 0, FileManager.default.isExecutableFile(atPath: built.path) else {
            throw VerilatorError.buildFailed(command: "verilator " + arguments.joined(separator: " ") + " (in \(buildDirectory.path))",
                                             outputTail: ProcessRunner.tail(result.output))
        }
        if staging != nil {
            try FileManager.default.createDirectory(at: objDir, withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: built, to: executable)
        }
        try Data().write(to: stamp)
        return VerilatorModel(design: design, directory: directory, executable: executable, buildSeconds: seconds, reusedCache: false, waveform: waveform)
    }

    /// True when GNU make and sh take `path` literally (letters, digits and `/._+,=@-`).
    static func isMakeSafe(_ path: String) -> Bool {
        path.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || "/._+,=@-".unicodeScalars.contains(scalar))
        }
    }

    /// A fresh folder with a make-safe path holding copies of the files `names` (the Verilog and the harness).
    private static func stagingDirectory(for directory: URL, names: [String]) throws -> URL {
        let temporary = FileManager.default.temporaryDirectory.standardizedFileURL
        let root = isMakeSafe(temporary.path) ? temporary : URL(fileURLWithPath: "/tmp")
        let staging = root.appendingPathComponent("pipewright-verilator-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        for name in names {
            try FileManager.default.copyItem(at: directory.appendingPathComponent(name), to: staging.appendingPathComponent(name))
        }
        return staging
    }

    /// Writes the design's Verilog into `directory` and runs `verilator --lint-only -Wall` on it.
    /// Returns Verilator's (empty when clean) output; throws `lintFailed` on any warning or error.
    @discardableResult
    public static func lint(design: RTLDesign, directory: URL, timeout: Double = ProcessRunner.defaultTimeout) throws -> String {
        guard let verilator = verilatorPath() else { throw VerilatorError.notFound }
        try design.writeVerilog(to: directory)
        let arguments = ["--lint-only", "-Wall", "--top-module", design.topModule]
            + design.files.map { directory.appendingPathComponent($0.name).standardizedFileURL.path }
        let result = try ProcessRunner.run(verilator, arguments: arguments, directory: directory, timeout: timeout)
        guard result.status == 0, !result.output.contains("%Warning"), !result.output.contains("%Error") else {
            throw VerilatorError.lintFailed(output: result.output)
        }
        return result.output
    }
}

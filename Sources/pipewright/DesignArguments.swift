import ArgumentParser
import CrossCheck
import Design
import Foundation
import Support
import HDF5
import Scheduling
import Reports
import RTL
import Simulation

/// The design file and the overrides every subcommand takes.
struct DesignArguments: ParsableArguments {
    @Argument(help: "Design file (YAML), e.g. Designs/flow_vt.yml.")
    var design: String

    @Option(name: .customLong("reuse-factor"), parsing: .unconditional, help: "Use this ReuseFactor for every layer.")
    var reuseFactor: Int?

    @Option(name: .customLong("parallelization-factor"), parsing: .unconditional,
            help: "Use this ParallelizationFactor (output pixels per iteration) for every convolution.")
    var parallelizationFactor: Int?

    @Option(name: .customLong("clock-period"), parsing: .unconditional, help: "Clock period in ns (the uncertainty keeps the design's rule).")
    var clockPeriod: Double?

    @Option(name: .customLong("io-type"), help: "io_parallel or io_stream (blocks as DATAFLOW processes with FIFOs between them; an image streams one pixel per transfer).")
    var ioType: String?

    @Option(name: .customLong("profiles"), help: ArgumentHelp(profilesHelp, valueName: "dir"))
    var profiles: [String] = []

    /// Runs `body` on the loaded design; an error that does not already name the design file is prefixed
    /// with it, so every message names file, layer and field.
    func withDesign<T>(_ body: (LoadedDesign) throws -> T) throws -> T {
        let design = try load()
        do {
            return try body(design)
        } catch let error as DesignError {
            throw error
        } catch let error as InputFileError {
            throw error
        } catch let error as ValidationError {
            throw error
        } catch let error as HDF5Error {
            throw error
        } catch let error as OutputFileError {
            throw error
        } catch let error as ExitCode {
            throw error
        } catch {
            throw InDesignFile(file: self.design, underlying: error)
        }
    }

    /// Loads the design and applies the overrides.
    func load() throws -> LoadedDesign {
        if let clockPeriod, !(clockPeriod > 0 && clockPeriod.isFinite) {
            throw ValidationError("--clock-period must be a positive number of ns, got \(clockPeriod)")
        }
        if let parallelizationFactor, parallelizationFactor <= 0 {
            throw ValidationError("--parallelization-factor must be a positive integer, got \(parallelizationFactor)")
        }
        var io: IOType? = nil
        if let ioType {
            guard let parsed = IOType(rawValue: ioType.lowercased()) else { throw ValidationError("--io-type must be io_parallel or io_stream, got \(ioType)") }
            io = parsed
        }
        try Self.checkIsDesignFile(design)
        return try DesignLoader.load(URL(fileURLWithPath: design), profileSearchPaths: profiles.map { URL(fileURLWithPath: $0) }).applying(reuseFactor: reuseFactor, clockPeriodNs: clockPeriod, ioType: io, parallelizationFactor: parallelizationFactor)
    }
}

/// Help of every `--profiles` option.
let profilesHelp = "A folder of device profiles (<device>.yml), searched first; repeatable. Then come the folders in "
    + "PIPEWRIGHT_PROFILES (separated by :), <design dir>/../Profiles, ./Profiles and the profiles bundled with Pipewright."

extension DesignArguments {
    /// HDF5's signature: the first 8 bytes of every HDF5 file (a Keras .h5 model among them).
    static let hdf5Signature: [UInt8] = [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]

    /// A Keras model passed where a design file is expected gets a pointer to `pipewright import`.
    static func checkIsDesignFile(_ path: String) throws {
        let lower = path.lowercased()
        var isHDF5 = lower.hasSuffix(".h5") || lower.hasSuffix(".hdf5") || lower.hasSuffix(".keras")
        if !isHDF5, let handle = FileHandle(forReadingAtPath: path) {
            isHDF5 = (try? handle.read(upToCount: 8)).map { Array($0) == hdf5Signature } ?? false
            try? handle.close()
        }
        if isHDF5 {
            throw ValidationError("\(path) is an HDF5 file (a Keras model?), not a design file; "
                + "convert a Keras model into a design with: pipewright import \(path)")
        }
    }
}

/// Where input vectors come from.
struct InputArguments: ParsableArguments {
    @Option(help: "Input vectors: FILE.h5:DATASET (events × features), or a text file with one vector per line (comma or space separated real values).")
    var inputs: String?

    @Option(help: "Number of random inputs when --inputs is not given; verify also runs only the first N events of an HDF5 --inputs file.")
    var count: Int = 32

    @Option(help: "Seed of the random inputs.")
    var seed: UInt64 = 1

    @Option(name: .customLong("out-ready"), help: "Repeating out_ready pattern of the sink, e.g. 1101; 1 is always ready.")
    var outReady: String = "1"

    /// `FILE.h5:DATASET`, when `--inputs` names an HDF5 dataset.
    var hdf5Source: (url: URL, dataset: String)? {
        guard let inputs, let colon = inputs.range(of: ":", options: .backwards) else { return nil }
        let path = String(inputs[..<colon.lowerBound])
        guard path.hasSuffix(".h5") || path.hasSuffix(".hdf5") else { return nil }
        return (URL(fileURLWithPath: path), String(inputs[colon.upperBound...]))
    }

    /// Opens the HDF5 input and rejects it when any event holds NaN or an infinity (the rule of text inputs).
    func hdf5Reader(_ source: (url: URL, dataset: String), size: Int) throws -> HDF5EventReader {
        let reader = try HDF5EventReader(url: source.url, dataset: source.dataset, expectedFeatures: size)
        let (count, first) = try reader.nonFiniteEvents()
        if let first {
            throw InputFileError.nonFinite(source: "\(source.url.path):\(reader.dataset)", events: count, firstEvent: first, line: nil)
        }
        return reader
    }

    /// The input vectors; from an HDF5 dataset only the first `limit` events (all when nil).
    func vectors(size: Int, limit: Int? = nil) throws -> [[Double]] {
        if let source = hdf5Source {
            let reader = try hdf5Reader(source, size: size)
            guard reader.count > 0 else { throw ValidationError("\(source.url.path):\(source.dataset) holds no events") }
            return try reader.read(0..<min(limit ?? reader.count, reader.count))
        }
        if let inputs, hdf5Source == nil, Self.looksLikeHDF5(inputs) {
            let found = (try? HDF5EventReader.datasets(in: URL(fileURLWithPath: inputs))) ?? []
            let list = found.isEmpty ? "it holds no datasets"
                : "its datasets: " + found.map { "\($0.path) (\($0.shape.map(String.init).joined(separator: "×")))" }.joined(separator: ", ")
            throw ValidationError("--inputs \(inputs) is an HDF5 file: name the dataset as \(inputs):DATASET; \(list)")
        }
        if let inputs { return try InputVectors.read(URL(fileURLWithPath: inputs), expectedSize: size) }
        guard count > 0 else { throw ValidationError("--count must be positive") }
        return InputVectors.random(count: min(count, limit ?? count), size: size, seed: seed)
    }

    /// True for an HDF5 file given without `:DATASET` (by extension or signature).
    static func looksLikeHDF5(_ path: String) -> Bool {
        let lower = path.lowercased()
        if lower.hasSuffix(".h5") || lower.hasSuffix(".hdf5") { return true }
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: 8)).map { Array($0) == DesignArguments.hdf5Signature } ?? false
    }

    func pattern() throws -> [Bool] {
        guard let bits = SimulationOptions.pattern(outReady) else {
            throw ValidationError("--out-ready must be a string of 0 and 1, got '\(outReady)'")
        }
        guard bits.contains(true) else { throw ValidationError("--out-ready '\(outReady)' never takes a result: the design would deadlock") }
        return bits
    }
}

/// An error from a later stage (schedule, RTL, Verilator, simulation), located in its design file.
struct InDesignFile: Error, CustomStringConvertible {
    let file: String
    let underlying: any Error
    var description: String { "\(file): \(underlying)" }
}

extension InputArguments {
    /// Streams every event of the input through the bit-exact evaluation into an HDF5 file.
    func writeOutputs(of design: LoadedDesign, to url: URL, inputs given: [[Double]]) throws {
        let network = design.network
        let precision = network.outputPrecision
        let precisions = network.outputElementPrecisions
        let writer = try HDF5ResultWriter(url: url)
        var count = given.count
        var read: (Range<Int>) throws -> [[Double]] = { Array(given[$0]) }
        if inputs == nil {
            // Random events are made chunk by chunk, so memory does not grow with --count.
            count = self.count
            let (size, seed) = (network.inputSize, self.seed)
            read = { InputVectors.random(range: $0, size: size, seed: seed) }
        } else if let source = hdf5Source {
            let reader = try hdf5Reader(source, size: network.inputSize)
            count = reader.count
            read = { try reader.read($0) }
        }
        try Pipeline.evaluateStream(network: network, count: count, read: read) { raw in
            try writer.append("y", columns: network.outputSize, rows: raw.map { zip($0, precisions).map { $1.value(ofRaw: $0) } })
            try writer.append("y_raw", columns: network.outputSize, integerRows: raw)   // int64: exact beyond 2^53
        }
        try writer.setAttribute("design", network.name)
        try writer.setAttribute("output_precision", precision.description)
        if network.hasSeveralOutputs {
            // Which columns of y hold which output, and in which precision: "mu 0..<3 ap_fixed<16,6>; kl 3..<4 …".
            var start = 0
            let parts = network.outputTensors.map { tensor -> String in
                let layer = network.layers[tensor]
                defer { start += layer.outputSize }
                return "\(layer.name) \(start)..<\(start + layer.outputSize) \(layer.precision.result)"
            }
            try writer.setAttribute("outputs", parts.joined(separator: "; "))
        }
        try writer.setAttribute("source", inputs ?? "random inputs")
        try writer.finish()
        let types = network.hasSeveralOutputs ? "each output's precision, see the outputs attribute" : precision.description
        print("wrote \(count) events' outputs to \(url.path) (y: real values, y_raw: int64 raw values of \(types))")
    }
}

/// The RTL options `rtl` and `verify` share: the size limit checked before generating, the trace depth and the
/// waveform format.
struct RTLArguments: ParsableArguments {
    @Option(name: .customLong("max-rtl-mb"), help: "Refuse to generate more than about this many MB of Verilog (estimated from the operators first).")
    var maximumMegabytes: Int = RTLGenerator.defaultMaximumMegabytes

    @Flag(name: .customLong("trace-all"), help: "Trace every internal wire and register of the blocks in the VCD (default: only the ports and channels the .gtkw shows; the full trace is tens of times larger).")
    var traceAll = false

    @Flag(help: "Write the RTL waveform as FST, GTKWave's compressed format, instead of VCD (flow_vt, 1,000 events: 397 KB instead of 3.3 MB). The simulator's own --vcd stays VCD.")
    var fst = false

    /// The waveform format of the Verilator build.
    var waveformFormat: WaveformFormat { fst ? .fst : .vcd }

    func validate() throws {
        guard maximumMegabytes >= 1 else { throw ValidationError("--max-rtl-mb must be at least 1, got \(maximumMegabytes)") }
    }
}

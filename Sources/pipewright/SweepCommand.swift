import ArgumentParser
import CrossCheck
import Design
import Foundation
import Support
import Reports
import Scheduling

struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Latency, II and multipliers over a grid of reuse factors, clock periods and convolution ParallelizationFactors (timing-only simulation).",
        discussion: """
        A point that cannot be scheduled has empty figures and its reason in the error column; the exit status \
        is 1 when every point failed.

        EXAMPLES:
          pipewright sweep Designs/flow_vt.yml
          pipewright sweep Designs/flow_vt.yml --reuse-factors 1 2 4 --clock-periods 2.5 5 --csv sweep.csv
          pipewright sweep Designs/cnn_ae.yml --reuse-factors 1 --parallelization-factors 1 4 16 48
          pipewright sweep Designs/cnn_vae_encoder.yml --io-type io_stream --reuse-factors 1 2 4 --clock-periods 2.5 5
        """)

    @Argument(help: "Design file (YAML).")
    var design: String

    @Option(name: .customLong("reuse-factors"), parsing: .upToNextOption, help: "Reuse factors to try.")
    var reuseFactors: [Int] = [1, 2, 4, 8, 16, 32]

    @Option(name: .customLong("parallelization-factors"), parsing: .upToNextOption,
            help: "ParallelizationFactors to give every convolution in turn (default: the design's own); each convolution snaps one that does not divide its output pixels, as hls4ml does (the PF column shows the value given).")
    var parallelizationFactors: [Int] = []

    @Option(name: .customLong("clock-periods"), parsing: .upToNextOption, help: "Clock periods (ns) to try.")
    var clockPeriods: [Double] = [2.5, 3.33, 5, 10]

    @Option(name: .customLong("io-type"), help: "io_parallel or io_stream for every point (default: the design's IOType).")
    var ioType: String?

    @Option(name: .customLong("profiles"), help: ArgumentHelp(profilesHelp, valueName: "dir"))
    var profiles: [String] = []

    @Option(help: "Write the sweep as CSV to this file.")
    var csv: String?

    @Option(help: "Write the sweep as JSON to this file.")
    var json: String?

    @Option(help: "Write an SVG plot (latency and II in ns against clock period, and multipliers/DSPs against latency, per RF and PF; failed points marked) to this file.")
    var svg: String?

    func validate() throws {
        guard !reuseFactors.isEmpty, !clockPeriods.isEmpty else { throw ValidationError("give at least one reuse factor and one clock period") }
        guard clockPeriods.allSatisfy({ $0 > 0 && $0.isFinite }) else { throw ValidationError("--clock-periods must be positive numbers of ns") }
        guard parallelizationFactors.allSatisfy({ $0 > 0 }) else { throw ValidationError("--parallelization-factors must be positive integers") }
        if let ioType, IOType(rawValue: ioType.lowercased()) == nil {
            throw ValidationError("--io-type must be io_parallel or io_stream, got \(ioType)")
        }
    }

    func run() throws {
        let loaded = try DesignLoader.load(URL(fileURLWithPath: design), profileSearchPaths: profiles.map { URL(fileURLWithPath: $0) })
            .applying(ioType: ioType.flatMap { IOType(rawValue: $0.lowercased()) })
        let points: [SweepPoint]
        do {
            points = try Sweep.run(network: loaded.network, options: loaded.options,
                                   clockUncertainty: loaded.clockUncertainty, reuseFactors: reuseFactors, clockPeriods: clockPeriods,
                                   parallelizationFactors: parallelizationFactors)
        } catch { throw InDesignFile(file: design, underlying: error) }
        if !parallelizationFactors.isEmpty && !loaded.network.layers.contains(where: { if case .convolution = $0.operation { true } else { false } }) {
            FileHandle.standardError.write(Data("warning: \(design) has no convolution: --parallelization-factors changes nothing\n".utf8))
        } else if !parallelizationFactors.isEmpty && loaded.options.ioType == .stream {
            FileHandle.standardError.write(Data("warning: in io_stream a convolution computes one window per pixel: --parallelization-factors changes nothing\n".utf8))
        }
        let report = SweepReport(design: loaded.network.name, points: points, ioType: loaded.options.ioType.rawValue)
        if let csv { try OutputFile.write(report.csv(), to: URL(fileURLWithPath: csv)) }
        if let json { try OutputFile.write(try report.json(), to: URL(fileURLWithPath: json)) }
        if let svg { try OutputFile.write(report.svg(), to: URL(fileURLWithPath: svg)) }
        print(report.table(), terminator: "")
        let failed = report.failedCount
        if failed == points.count {
            throw SweepFailure(design: design, count: failed, firstReason: points.first?.error ?? "")
        }
        if failed > 0 {
            FileHandle.standardError.write(Data("warning: \(failed) of \(points.count) sweep points failed; their figures are empty (reason in the error column)\n".utf8))
        }
    }
}

/// Every point of a sweep failed: nothing to compare (exit status 1).
struct SweepFailure: Error, CustomStringConvertible {
    let design: String
    let count: Int
    let firstReason: String
    var description: String { "\(design): all \(count) sweep points failed; the first because \(firstReason)" }
}

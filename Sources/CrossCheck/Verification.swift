import Foundation
import FixedPoint
import NetworkIR
import RTL
import Toolchain
import Scheduling
import Simulation
import Support

/// Everything a `verify` run produced.
public struct VerificationRun: Sendable {
    public var network: Network
    public var schedule: DesignSchedule
    public var simulation: SimulationResult
    public var trace: RTLTrace
    public var comparison: Comparison
    public var model: VerilatorModel
    /// The waveform (VCD or FST) written by the Verilator harness and the GTKWave save file that opens it, when
    /// requested.
    public var waveform: URL?
    public var gtkw: URL?
    /// Wall time of the simulator run (schedule + simulate), of the Verilator build and of the RTL run (s).
    public var simulatorSeconds: Double
    public var buildSeconds: Double
    public var rtlSeconds: Double
}

/// The `verify` flow: the same schedule executed by the simulator and by Verilator on the same inputs,
/// compared transfer by transfer and bit by bit.
public enum Verification {
    /// Runs the flow. `buildDirectory` holds the generated RTL and the Verilator build (reused when the
    /// RTL is unchanged); `waveformDirectory`, when given, receives `<design>.vcd` (or `.fst`, by
    /// `waveformFormat`) and `<design>.gtkw`.
    public static func run(network: Network, options: ScheduleOptions, inputs: [[Double]], outReadyPattern: [Bool] = [true],
                           buildDirectory: URL, optimization: VerilatorOptimization = .optimized, waveformDirectory: URL? = nil,
                           maximumRTLMegabytes: Int = RTLGenerator.defaultMaximumMegabytes,
                           traceInternals: Bool = false, waveformFormat: WaveformFormat = .vcd) throws -> VerificationRun {
        let start = Date()
        let simulated = try Pipeline.simulate(network: network, options: options, inputs: inputs,
                                              simulation: SimulationOptions(outReadyPattern: outReadyPattern))
        let simulatorSeconds = Date().timeIntervalSince(start)
        let design = try RTLGenerator.generate(network: network, schedule: simulated.schedule, maximumMegabytes: maximumRTLMegabytes,
                                               traceInternals: traceInternals)
        let model = try VerilatorRunner.build(design: design, directory: buildDirectory, waveform: waveformDirectory.map { _ in waveformFormat },
                                              optimization: optimization)
        var waveform: URL? = nil, gtkw: URL? = nil
        if let waveformDirectory {
            let file = waveformDirectory.appendingPathComponent("\(network.name).\(waveformFormat.fileExtension)")
            try OutputFile.createFolder(of: file)
            waveform = file
            gtkw = waveformDirectory.appendingPathComponent("\(network.name).gtkw")
        }
        let pattern = String(outReadyPattern.map { $0 ? "1" : "0" })
        let trace = try model.run(inputs: simulated.inputs, outReadyPattern: pattern, waveformPath: waveform,
                                  maxCycles: max(simulated.result.cycles * 4, 10_000))
        if let gtkw, let waveform {
            let text = design.gtkwaveSaveFile(dumpfile: waveform.path, cycles: trace.cycles + 2)
            try OutputFile.write(text, to: gtkw)
        }
        let names = design.channels.map(\.prefix)
        let comparison = Comparator.compare(simulated: simulated.result.observation,
                                            rtl: Observation(transferCycles: trace.transferCycles, outputs: trace.outputs,
                                                                             graph: simulated.schedule.graph),
                                            channelNames: names, outputPrecisions: network.outputElementPrecisions,
                                            outputNames: network.hasSeveralOutputs ? network.outputElementNames : [])
        return VerificationRun(network: network, schedule: simulated.schedule, simulation: simulated.result, trace: trace,
                               comparison: comparison, model: model, waveform: waveform, gtkw: gtkw, simulatorSeconds: simulatorSeconds,
                               buildSeconds: model.buildSeconds, rtlSeconds: trace.simulationSeconds)
    }
}

import Foundation
import FixedPoint
import NetworkIR
import RTL
import Toolchain
import Scheduling
import Simulation

/// Measured performance figures (the README quotes them; no test times anything).
public struct BenchmarkReport: Sendable, Codable {
    /// Timing-only sweep: configurations scheduled and simulated, tokens per configuration, wall time.
    public var sweepConfigurations: Int
    public var sweepTokensPerConfiguration: Int
    public var sweepSeconds: Double
    /// Bit-exact simulation vs Verilator on the same inputs.
    public var design: String
    public var events: Int
    public var simulatorSeconds: Double
    public var simulatorEventsPerSecond: Double
    public var verilatorRunSeconds: Double
    public var verilatorEventsPerSecond: Double
    /// Time to the first latency number: load-free schedule + one-token simulation vs RTL generation,
    /// Verilator build (clean) and a one-token run.
    public var simulatorFirstNumberSeconds: Double
    public var verilatorFirstNumberSeconds: Double
    public var verilatorBuildSeconds: Double
    /// Timing-only runs of many inferences through the steppable simulator, one per design.
    public var cycleRuns: [CycleRun] = []

    /// One timing-only run: inferences, simulated cycles and wall time.
    public struct CycleRun: Sendable, Codable {
        public var design: String
        public var ioType: String
        public var blocks: Int
        public var channels: Int
        public var inferences: Int
        public var cycles: Int
        public var seconds: Double
    }

    public var summary: String {
        func f(_ x: Double, _ d: Int = 3) -> String { String(format: "%.\(d)f", x) }
        return """
        timing-only sweep: \(sweepConfigurations) configurations × \(sweepTokensPerConfiguration) inferences in \(f(sweepSeconds)) s
        bit-exact throughput (\(design), \(events) inferences): simulator \(f(simulatorEventsPerSecond, 0)) inferences/s, \
        Verilator \(f(verilatorEventsPerSecond, 0)) inferences/s (×\(f(simulatorEventsPerSecond / max(verilatorEventsPerSecond, 1e-9), 2)))
        time to first latency number: simulator \(f(simulatorFirstNumberSeconds, 4)) s, Verilator build + run \(f(verilatorFirstNumberSeconds, 1)) s \
        (build \(f(verilatorBuildSeconds, 1)) s): ×\(f(verilatorFirstNumberSeconds / max(simulatorFirstNumberSeconds, 1e-9), 0)) faster

        """ + cycleRuns.map { run in
            "timing-only simulation (\(run.design), \(run.ioType), \(run.blocks) blocks, \(run.channels) channels): \(run.inferences) inferences, "
                + "\(run.cycles) cycles in \(f(run.seconds)) s = \(f(Double(run.cycles) / max(run.seconds, 1e-9) / 1e6, 2)) M cycles/s\n"
        }.joined()
    }
}

/// The benchmark behind `pipewright bench`.
public enum Benchmark {
    /// - Parameters:
    ///   - designs: (network, options, clock-uncertainty rule) of every design for the timing-only sweep.
    ///   - reuseFactors / clockPeriods: the sweep grid.
    ///   - throughputDesign: the design whose bit-exact throughput is compared with Verilator.
    ///   - buildDirectory: a fresh directory for the clean Verilator build.
    public static func run(designs: [(Network, ScheduleOptions, ClockUncertainty)], reuseFactors: [Int], clockPeriods: [Double],
                           sweepTokens: Int, throughputDesign: (Network, ScheduleOptions), events: Int,
                           buildDirectory: URL, cycleDesigns: [(Network, ScheduleOptions)] = [], cycleTokens: Int = 100_000) throws -> BenchmarkReport {
        // 1. Timing-only sweep (the `sweep` flow over every design).
        let sweepStart = Date()
        var configurations = 0
        for (network, base, uncertainty) in designs {
            let points = try Sweep.run(network: network, options: base, clockUncertainty: uncertainty, reuseFactors: reuseFactors,
                                       clockPeriods: clockPeriods, tokens: sweepTokens)
            configurations += points.filter { $0.error == nil }.count
        }
        let sweepSeconds = Date().timeIntervalSince(sweepStart)

        // 2. Time to the first latency number, simulator side.
        let (network, options) = throughputDesign
        let firstStart = Date()
        let first = try Pipeline.simulate(network: network, options: options, inputs: [Array(repeating: 0.5, count: network.inputSize)])
        _ = first.result.latencies
        let simulatorFirst = Date().timeIntervalSince(firstStart)

        // 3. Bit-exact throughput, same inputs on both sides.
        var generator = UInt64(12345)
        let inputs: [[Int64]] = (0..<events).map { _ in
            (0..<network.inputSize).map { _ in
                generator = generator &* 6364136223846793005 &+ 1442695040888963407
                return network.inputPrecision.raw(fromDouble: Double(Int64(bitPattern: generator >> 11) % 4096) / 1024)
            }
        }
        let schedule = first.schedule
        let simulator = CycleSimulator(schedule: schedule, evaluator: try FixedPointEvaluator(network: network))
        let simulateStart = Date()
        let result = try simulator.run(inputs: inputs)
        let simulatorSeconds = Date().timeIntervalSince(simulateStart)
        precondition(result.outputs.count == events)

        // 4. Verilator: clean build (no ccache hits), then one-token run (first number), then the throughput run.
        try? FileManager.default.removeItem(at: buildDirectory)
        setenv("CCACHE_DISABLE", "1", 1)
        defer { unsetenv("CCACHE_DISABLE") }
        let verilatorStart = Date()
        let design = try RTLGenerator.generate(network: network, schedule: schedule)
        let model = try VerilatorRunner.build(design: design, directory: buildDirectory, waveform: nil)
        _ = try model.run(inputs: [first.inputs[0]])
        let verilatorFirst = Date().timeIntervalSince(verilatorStart)
        let trace = try model.run(inputs: inputs, maxCycles: result.cycles * 2 + 1000)

        // 5. The steppable simulator alone, timing only, many inferences.
        var cycleRuns: [BenchmarkReport.CycleRun] = []
        for (network, options) in cycleDesigns {
            try network.validate()
            let schedule = try Scheduler.schedule(network, options: options)
            let start = Date()
            let run = try CycleSimulator(schedule: schedule, evaluator: nil)
                .runTiming(tokens: cycleTokens, options: SimulationOptions(recordTransfers: false))
            cycleRuns.append(BenchmarkReport.CycleRun(design: network.name, ioType: options.ioType.rawValue, blocks: schedule.blocks.count,
                                                      channels: schedule.graph.channels.count, inferences: cycleTokens,
                                                      cycles: run.cycles, seconds: Date().timeIntervalSince(start)))
        }
        return BenchmarkReport(sweepConfigurations: configurations, sweepTokensPerConfiguration: sweepTokens, sweepSeconds: sweepSeconds,
                               design: network.name, events: events, simulatorSeconds: simulatorSeconds,
                               simulatorEventsPerSecond: Double(events) / simulatorSeconds,
                               verilatorRunSeconds: trace.simulationSeconds,
                               verilatorEventsPerSecond: Double(events) / max(trace.simulationSeconds, 1e-9),
                               simulatorFirstNumberSeconds: simulatorFirst, verilatorFirstNumberSeconds: verilatorFirst,
                               verilatorBuildSeconds: model.buildSeconds, cycleRuns: cycleRuns)
    }
}

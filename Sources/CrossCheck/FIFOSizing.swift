import NetworkIR
import Scheduling
import Simulation

/// One FIFO before and after sizing.
public struct FIFOSize: Sendable, Equatable {
    public var name: String
    public var purpose: FIFOPurpose
    public var widthBits: Int
    public var before: Int
    /// The smallest depth that keeps the design's latency and II (with the other FIFOs sized too).
    public var after: Int
    /// Largest occupancy with FIFOs that never fill (the figure hls4ml's co-simulation sizing records).
    public var unboundedHighWater: Int
}

/// What sizing found.
public struct FIFOSizingResult: Sendable {
    public var fifos: [FIFOSize]
    /// The reference: every FIFO deep enough never to fill.
    public var unbounded: Measure
    /// The design as it was (nil: its own depths deadlock, e.g. a pixel stream's delay line overridden too shallow),
    /// and with the sized depths.
    public var before: Measure?
    public var after: Measure
    /// Timing-only simulations run.
    public var simulations: Int

    /// First-token latency, worst latency, steady-state II and total cycles of one timing-only run.
    public struct Measure: Sendable, Equatable {
        public var latency: Int
        public var worstLatency: Int
        public var initiationInterval: Int
        public var cycles: Int
    }

    /// The overrides to write into the design (`config.FIFODepth`).
    public var depths: [String: Int] { Dictionary(uniqueKeysWithValues: fifos.map { ($0.name, $0.after) }) }
}

/// `pipewright fifo-size`: the smallest depth of every FIFO that keeps the latency and II the design reaches
/// with FIFOs that never fill, found by timing-only simulation of back-to-back inputs (and the given sink
/// pattern) instead of hls4ml's RTL co-simulation with 100,000-deep FIFOs.
///
/// Start from the unbounded run's high-water marks (raised while that does not yet keep the timing), then
/// lower each FIFO in turn by bisection to the smallest depth that still keeps it; a depth that keeps the
/// timing keeps it for every larger depth, so bisection is exact per FIFO.
public enum FIFOSizing {
    public static func size(network: Network, options: ScheduleOptions, tokens: Int = 64,
                            outReadyPattern: [Bool] = [true]) throws -> FIFOSizingResult {
        try network.validate()
        let original = try Scheduler.schedule(network, options: options)
        let fifos = original.graph.fifos
        var simulations = 0
        func measure(_ depths: [String: Int]) throws -> (FIFOSizingResult.Measure, [FIFOStatistics]) {
            var sized = options
            sized.fifoDepths = depths
            let schedule = try Scheduler.schedule(network, options: sized)
            let result = try CycleSimulator(schedule: schedule, evaluator: nil)
                .runTiming(tokens: tokens, options: SimulationOptions(outReadyPattern: outReadyPattern))
            simulations += 1
            let latencies = result.latencies
            return (FIFOSizingResult.Measure(latency: latencies.first ?? 0, worstLatency: latencies.max() ?? 0,
                                             initiationInterval: result.initiationInterval() ?? 1, cycles: result.cycles),
                    result.fifos)
        }
        // Deep enough for every element of the run (an image's pixels in io_stream).
        let deep = Dictionary(uniqueKeysWithValues: fifos.map { ($0.name, (tokens + 1) * $0.tokens) })
        let (unbounded, unboundedStatistics) = try measure(deep)
        var before: FIFOSizingResult.Measure?
        do { (before, _) = try measure(Dictionary(uniqueKeysWithValues: fifos.map { ($0.name, $0.depth) })) }
        catch SimulationError.deadlock, SimulationError.cycleLimit { before = nil }
        /// A depth so shallow that the design deadlocks (a pixel stream's delay line holding its fork) does not keep it.
        func keeps(_ depths: [String: Int]) throws -> Bool {
            let m: FIFOSizingResult.Measure
            do { (m, _) = try measure(depths) } catch SimulationError.deadlock, SimulationError.cycleLimit { return false }
            return m.latency <= unbounded.latency && m.worstLatency <= unbounded.worstLatency && m.cycles <= unbounded.cycles
        }
        var depths = Dictionary(uniqueKeysWithValues: zip(fifos, unboundedStatistics).map { ($0.name, max(1, $1.highWaterMark)) })
        var raise = 0
        while try !keeps(depths) && raise <= tokens {
            for fifo in fifos { depths[fifo.name]! += 1 }
            raise += 1
        }
        if try !keeps(depths) {
            // Raising every FIFO did not reach the unbounded run's timing within the run: keep the unbounded depths
            // (they do) and bisect from there.
            depths = deep
        }
        for fifo in fifos {
            var low = 1, high = depths[fifo.name]!
            while low < high {
                let middle = (low + high) / 2
                var trial = depths
                trial[fifo.name] = middle
                if try keeps(trial) { high = middle } else { low = middle + 1 }
            }
            depths[fifo.name] = high
        }
        let (after, _) = try measure(depths)
        let sizes = zip(fifos, unboundedStatistics).map { fifo, statistics in
            FIFOSize(name: fifo.name, purpose: fifo.purpose, widthBits: fifo.elements * fifo.precision.width,
                     before: fifo.depth, after: depths[fifo.name]!, unboundedHighWater: statistics.highWaterMark)
        }
        return FIFOSizingResult(fifos: sizes, unbounded: unbounded, before: before, after: after, simulations: simulations)
    }
}

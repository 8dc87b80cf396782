// Module Simulation: the cycle-driven simulator. Advances a manual clock over the blocks of a
// DesignSchedule with the valid/ready handshake of docs/timing.md, carries bit-exact values with each
// token, records every transfer, and detects deadlock. Owns no file formats except the VCD it writes.
import FixedPoint
import NetworkIR
import Scheduling

/// How the simulation is driven.
public struct SimulationOptions: Sendable {
    /// `out_ready` in cycle c is `outReadyPattern[c % count]` (default: always ready).
    public var outReadyPattern: [Bool]
    /// Skip the arithmetic and simulate timing only (fast sweeps).
    public var timingOnly: Bool
    /// Hard limit on simulated cycles (default: generous bound derived from the schedule).
    public var maxCycles: Int?
    /// Record a waveform (per-cycle handshake and data) for VCD output.
    public var recordWaveform: Bool
    /// Keep every transfer's cycle (the result's `transferCycles`); off, a long run (`bench`) keeps only the counts,
    /// in memory that does not grow with the inferences.
    public var recordTransfers: Bool

    public init(outReadyPattern: [Bool] = [true], timingOnly: Bool = false, maxCycles: Int? = nil, recordWaveform: Bool = false,
                recordTransfers: Bool = true) {
        self.outReadyPattern = outReadyPattern.isEmpty ? [true] : outReadyPattern
        self.timingOnly = timingOnly
        self.maxCycles = maxCycles
        self.recordWaveform = recordWaveform
        self.recordTransfers = recordTransfers
    }

    /// Parses a pattern like "1101".
    public static func pattern(_ text: String) -> [Bool]? {
        let bits = text.compactMap { $0 == "1" ? true : ($0 == "0" ? false : nil) }
        return bits.count == text.count && !bits.isEmpty ? bits : nil
    }
}

/// Why a simulation could not finish.
public enum SimulationError: Error, Equatable, Sendable, CustomStringConvertible {
    case deadlock(cycle: Int, pendingTokens: Int, state: String)
    case cycleLimit(limit: Int, pendingTokens: Int)
    case inputSize(vector: Int, expected: Int, found: Int)

    public var description: String {
        switch self {
        case let .deadlock(cycle, pending, state):
            return "deadlock at cycle \(cycle): \(pending) token(s) pending and nothing moved for a whole out_ready period (\(state))"
        case let .cycleLimit(limit, pending):
            return "stopped after \(limit) cycles with \(pending) token(s) still pending"
        case let .inputSize(vector, expected, found):
            return "input vector \(vector) has \(found) values, the design takes \(expected)"
        }
    }
}

/// Per-block counters from a simulation.
public struct BlockStatistics: Sendable, Equatable {
    public var layerName: String
    /// Cycles in which the block held because its result was not taken.
    public var stallCycles: Int
    /// Tokens accepted.
    public var acceptedTokens: Int
    /// Largest number of tokens in flight inside the block at once.
    public var maxOccupancy: Int
}

/// Per-FIFO counters from a simulation.
public struct FIFOStatistics: Sendable, Equatable {
    public var name: String
    public var depth: Int
    /// Largest occupancy seen at the end of a cycle.
    public var highWaterMark: Int
    /// Cycles that began with the FIFO full (it refused pushes) and empty.
    public var fullCycles: Int
    public var emptyCycles: Int
    public var pushes: Int
}

/// What a simulation produced.
public struct SimulationResult: Sendable {
    /// `transferCycles[channel][token]`: the cycle of each token's transfer on each channel of the schedule's
    /// graph (channel 0 = design input; the last channel feeds the design output, and with several outputs every
    /// channel into the output transfers in that same cycle).
    public var transferCycles: [[Int]]
    /// Raw output vector of each token (empty in timing-only mode).
    public var outputs: [[Int64]]
    /// Cycles simulated (the last transfer happened in cycle `cycles − 1`).
    public var cycles: Int
    public var blocks: [BlockStatistics]
    public var fifos: [FIFOStatistics] = []
    /// Per-cycle signal values, when requested.
    public var waveform: Waveform?
    /// `blockChannels[b]`: the channel of block b's first input and of its output.
    public var blockChannels: [BlockChannels] = []
    /// Transfers per inference on each channel (1, or an image's pixels in io_stream).
    public var channelTokens: [Int] = []
    /// The channels of the design outputs (empty: the last channel).
    public var outputChannels: [Int] = []

    /// The run's latencies and II per inference.
    public var timing: InferenceTiming { InferenceTiming(cycles: transferCycles, tokens: channelTokens, outputChannels: outputChannels) }

    /// Latency of each inference: its last output transfer (on the latest output) − its first input transfer.
    public var latencies: [Int] { timing.latencies }

    /// Latency of one block for each inference: its last output transfer − its first input transfer.
    public func blockLatencies(_ block: Int) -> [Int] {
        let channels = block < blockChannels.count ? blockChannels[block] : BlockChannels(input: block, output: block + 1)
        return timing.latencies(from: channels.input, to: [channels.output])
    }

    /// Steady-state II of a channel (default: where the results leave), nil with fewer than two inferences.
    public func initiationInterval(channel: Int? = nil) -> Int? { timing.initiationInterval(channel: channel) }
}

/// Latency and II per inference from the transfer cycles of a run (the simulator's or the RTL's), when a channel
/// carries several elements per inference; `SimulationResult` and the cross-check's `Observation` both read them here.
public struct InferenceTiming: Sendable {
    /// `cycles[channel][k]`: the cycle of transfer k on each channel.
    public let cycles: [[Int]]
    /// Transfers per inference on each channel (a channel past the end: one).
    public let tokens: [Int]
    /// The design outputs' channels (given none: the last channel).
    public let outputs: [Int]

    public init(cycles: [[Int]], tokens: [Int], outputChannels: [Int]) {
        self.cycles = cycles
        self.tokens = tokens
        outputs = outputChannels.isEmpty ? [max(cycles.count - 1, 0)] : outputChannels
    }

    /// Transfers per inference on `channel`.
    public func per(_ channel: Int) -> Int { channel < tokens.count ? max(tokens[channel], 1) : 1 }

    /// Inferences whose input was taken.
    public var inferences: Int { (cycles.first?.count ?? 0) / per(0) }

    /// Each inference's last output transfer (on the latest output) − its first input transfer.
    public var latencies: [Int] { latencies(from: 0, to: outputs) }

    /// For inference i: the cycle of its last transfer on the latest of `outputs` − that of its first on `input` (as
    /// many as every channel has).
    public func latencies(from input: Int, to outputs: [Int]) -> [Int] {
        guard input < cycles.count, !outputs.isEmpty, outputs.allSatisfy({ $0 < cycles.count }) else { return [] }
        let a = per(input)
        let count = outputs.map { cycles[$0].count / per($0) }.reduce(cycles[input].count / a, min)
        return (0..<count).map { i in
            outputs.map { cycles[$0][i * per($0) + per($0) - 1] }.max()! - cycles[input][i * a]
        }
    }

    /// The interval between the first transfers of the last two whole inferences on `channel` (default: where the
    /// results leave, the first design output, which a short run's FIFOs in front of the slowest block cannot hide).
    public func initiationInterval(channel: Int? = nil) -> Int? {
        let channel = channel ?? outputs[0]
        guard channel < cycles.count else { return nil }
        let n = per(channel), count = cycles[channel].count / n
        guard count >= 2 else { return nil }
        return cycles[channel][(count - 1) * n] - cycles[channel][(count - 2) * n]
    }
}

/// Cycle-driven simulator of a scheduled design: stall-all pipelines, FIFOs and eager forks joined by
/// valid/ready channels, exactly as the schedule's `DataflowGraph` lays them out (docs/timing.md).
public struct CycleSimulator: Sendable {
    public let schedule: DesignSchedule
    public let evaluator: FixedPointEvaluator?

    /// `evaluator` may be nil for timing-only use.
    public init(schedule: DesignSchedule, evaluator: FixedPointEvaluator?) {
        self.schedule = schedule
        self.evaluator = evaluator
    }

    /// Simulates `inputs` (raw input vectors) offered back to back from cycle 0.
    public func run(inputs: [[Int64]], options: SimulationOptions = SimulationOptions()) throws(SimulationError) -> SimulationResult {
        if !options.timingOnly, let evaluator {
            for (index, vector) in inputs.enumerated() where vector.count != evaluator.network.inputSize {
                throw .inputSize(vector: index, expected: evaluator.network.inputSize, found: vector.count)
            }
        }
        var outputs: [[Int64]] = []
        if !options.timingOnly, let evaluator {
            outputs = evaluator.evaluateBatch(inputs)
        }
        var result = try runTiming(tokens: inputs.count, options: options)
        result.outputs = outputs
        result.waveform?.attachValues(evaluator: evaluator, inputs: inputs)
        return result
    }

    /// Simulates the timing of `tokens` inputs offered back to back (no values).
    public func runTiming(tokens: Int, options: SimulationOptions = SimulationOptions()) throws(SimulationError) -> SimulationResult {
        var state = SimulationState(schedule: schedule, tokens: tokens, options: options)
        try state.advance(cycles: Int.max)
        return state.result()
    }
}

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

    public init(outReadyPattern: [Bool] = [true], timingOnly: Bool = false, maxCycles: Int? = nil, recordWaveform: Bool = false) {
        self.outReadyPattern = outReadyPattern.isEmpty ? [true] : outReadyPattern
        self.timingOnly = timingOnly
        self.maxCycles = maxCycles
        self.recordWaveform = recordWaveform
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

/// What a simulation produced.
public struct SimulationResult: Sendable {
    /// `transferCycles[channel][token]`: the cycle of each token's transfer on each channel
    /// (channel 0 = design input, channel k = output of block k−1).
    public var transferCycles: [[Int]]
    /// Raw output vector of each token (empty in timing-only mode).
    public var outputs: [[Int64]]
    /// Cycles simulated (the last transfer happened in cycle `cycles − 1`).
    public var cycles: Int
    public var blocks: [BlockStatistics]
    /// Per-cycle signal values, when requested.
    public var waveform: Waveform?

    /// Latency of each token: output transfer cycle − input transfer cycle.
    public var latencies: [Int] { zip(transferCycles.first ?? [], transferCycles.last ?? []).map { $1 - $0 } }

    /// Latency of one block for each token: its output transfer − its input transfer.
    public func blockLatencies(_ block: Int) -> [Int] {
        zip(transferCycles[block], transferCycles[block + 1]).map { $1 - $0 }
    }

    /// Steady-state II of a channel: the interval between its last two transfers (1 token: nil).
    public func initiationInterval(channel: Int = 0) -> Int? {
        let cycles = transferCycles[channel]
        guard cycles.count >= 2 else { return nil }
        return cycles[cycles.count - 1] - cycles[cycles.count - 2]
    }
}

/// Cycle-driven simulator of a scheduled design (stall-all pipelines joined by wires with valid/ready).
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
        var result = try runTiming(tokens: inputs.count, options: options,
                                   channelData: options.recordWaveform && !options.timingOnly ? inputs : nil)
        result.outputs = outputs
        result.waveform?.attachValues(evaluator: evaluator, inputs: inputs)
        return result
    }

    /// Simulates the timing of `tokens` inputs offered back to back (no values).
    public func runTiming(tokens: Int, options: SimulationOptions = SimulationOptions()) throws(SimulationError) -> SimulationResult {
        try runTiming(tokens: tokens, options: options, channelData: nil)
    }

    private func runTiming(tokens: Int, options: SimulationOptions, channelData inputs: [[Int64]]?) throws(SimulationError) -> SimulationResult {
        let blocks = schedule.blocks
        let count = blocks.count
        let depth = blocks.map(\.latencyCycles)
        let interval = blocks.map(\.initiationInterval)
        // Each block's slots live in a ring inside one flat array: slot k (1-based) of block b is
        // storage[base[b] + (head[b] + k - 1) % depth[b]]; -1 marks an empty slot.
        var base = [Int](repeating: 0, count: count)
        for b in 1..<max(count, 1) { base[b] = base[b - 1] + depth[b - 1] }
        var storage = [Int](repeating: -1, count: depth.reduce(0, +))
        var head = [Int](repeating: 0, count: count)
        var cooldown = [Int](repeating: 0, count: count)
        var transfers = [[Int]](repeating: [], count: count + 1)
        for index in transfers.indices { transfers[index].reserveCapacity(tokens) }
        var stats = blocks.map { BlockStatistics(layerName: $0.layerName, stallCycles: 0, acceptedTokens: 0, maxOccupancy: 0) }
        var occupancy = [Int](repeating: 0, count: count)
        var ready = [Bool](repeating: false, count: count + 1)   // ready[k]: channel k's ready
        var enable = [Bool](repeating: false, count: count)
        var accepted = [Int](repeating: -1, count: count)
        let pattern = options.outReadyPattern
        let limit = options.maxCycles ?? (tokens + 1) * (depth.reduce(0, +) + interval.reduce(0, +) + 1) * (pattern.count + 1) + 1_000
        var recorder = options.recordWaveform ? WaveformRecorder(schedule: schedule, inputs: inputs, outputs: nil) : nil
        @inline(__always) func lastSlot(_ b: Int) -> Int { base[b] + (head[b] + depth[b] - 1) % depth[b] }
        var nextToken = 0
        var delivered = 0
        var idleCycles = 0
        var cycle = 0
        while delivered < tokens {
            if cycle >= limit { throw .cycleLimit(limit: limit, pendingTokens: tokens - delivered) }
            // Ready travels backwards from the sink.
            ready[count] = pattern[cycle % pattern.count]
            for b in stride(from: count - 1, through: 0, by: -1) {
                let holding = storage[lastSlot(b)] >= 0
                enable[b] = !(holding && !ready[b + 1])
                ready[b] = enable[b] && cooldown[b] == 0
            }
            // Transfers, from the state at the start of the cycle.
            let inputValid = nextToken < tokens
            recorder?.record(cycle: cycle, ready: ready, inputToken: inputValid ? nextToken : -1) { b in storage[lastSlot(b)] }
            for b in 0..<count { accepted[b] = -1 }
            if inputValid && ready[0] {
                transfers[0].append(cycle)
                accepted[0] = nextToken
                nextToken += 1
            }
            for b in 0..<count {
                let token = storage[lastSlot(b)]
                if token >= 0 && ready[b + 1] {
                    transfers[b + 1].append(cycle)
                    if b + 1 < count { accepted[b + 1] = token } else { delivered += 1 }
                }
            }
            // Clock edge.
            var moved = false
            for b in 0..<count {
                guard enable[b] else {
                    stats[b].stallCycles += 1
                    continue
                }
                let leaving = storage[lastSlot(b)] >= 0 ? 1 : 0
                if occupancy[b] > 0 || accepted[b] >= 0 { moved = true }
                head[b] = (head[b] + depth[b] - 1) % depth[b]      // shift: old slot D becomes slot 1
                storage[base[b] + head[b]] = accepted[b]
                occupancy[b] -= leaving
                if accepted[b] >= 0 {
                    stats[b].acceptedTokens += 1
                    occupancy[b] += 1
                    cooldown[b] = interval[b] - 1
                } else if cooldown[b] > 0 {
                    cooldown[b] -= 1
                    moved = true
                }
                stats[b].maxOccupancy = max(stats[b].maxOccupancy, occupancy[b])
            }
            if moved { idleCycles = 0 } else {
                idleCycles += 1
                if idleCycles >= pattern.count {
                    let state = blocks.indices.map { "\(blocks[$0].layerName): \(occupancy[$0]) held" }.joined(separator: ", ")
                    throw .deadlock(cycle: cycle, pendingTokens: tokens - delivered, state: state)
                }
            }
            cycle += 1
        }
        return SimulationResult(transferCycles: transfers, outputs: [], cycles: cycle, blocks: stats,
                                waveform: recorder?.waveform(cycles: cycle))
    }
}

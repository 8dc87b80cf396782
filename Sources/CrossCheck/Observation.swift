// Module CrossCheck: runs the simulator and the Verilator-built RTL of the same schedule on the same
// inputs and compares every transfer cycle at every block boundary and every output bit. Owns the
// comparison and the verify flow; must not re-derive timing (both sides read the one schedule).
import FixedPoint
import NetworkIR
import Scheduling
import Simulation

/// What one execution (simulator or RTL) showed at the block boundaries.
public struct Observation: Sendable, Equatable {
    /// `transferCycles[channel][token]`, channels as in the schedule's graph (0 = design input, the last one feeds
    /// the design output).
    public var transferCycles: [[Int]]
    /// Raw output vector of every token.
    public var outputs: [[Int64]]
    /// `blockChannels[b]`: the channels of block b's (first) input and its output; empty means a chain.
    public var blockChannels: [BlockChannels]
    /// Transfers per inference on each channel (empty: one each).
    public var channelTokens: [Int]
    /// The channels of the design outputs (empty: the last channel).
    public var outputChannels: [Int]

    public init(transferCycles: [[Int]], outputs: [[Int64]], blockChannels: [BlockChannels] = [], channelTokens: [Int] = [],
                outputChannels: [Int] = []) {
        self.transferCycles = transferCycles
        self.outputs = outputs
        self.blockChannels = blockChannels
        self.channelTokens = channelTokens
        self.outputChannels = outputChannels
    }

    /// The observation's channels for the blocks of `graph`.
    public init(transferCycles: [[Int]], outputs: [[Int64]], graph: DataflowGraph) {
        self.init(transferCycles: transferCycles, outputs: outputs, blockChannels: graph.blockChannels,
                  channelTokens: graph.channels.map(\.tokens), outputChannels: graph.outputChannels)
    }

    /// The observation's latencies and II per inference.
    public var timing: InferenceTiming { InferenceTiming(cycles: transferCycles, tokens: channelTokens, outputChannels: outputChannels) }

    /// Latency of each inference through the whole design: its last output transfer − its first input transfer.
    public var latencies: [Int] { timing.latencies }

    /// Inferences whose input was taken.
    public var inferences: Int { timing.inferences }

    /// Latency of block `b` for inference `t` (its last output transfer − its first input transfer).
    public func blockLatency(_ b: Int, token t: Int) -> Int? {
        let channels = b < blockChannels.count ? blockChannels[b] : BlockChannels(input: b, output: b + 1)
        let all = timing.latencies(from: channels.input, to: [channels.output])
        return t < all.count ? all[t] : nil
    }

    /// Steady-state II seen on a channel: the interval between the first transfers of its last two inferences.
    public func initiationInterval(channel: Int) -> Int? { timing.initiationInterval(channel: channel) }

    /// Steady-state II where the results leave (the first design output): on a short run the FIFOs in front of the
    /// slowest block may still take the input faster.
    public var outputInitiationInterval: Int? { timing.initiationInterval() }
}

extension SimulationResult {
    /// The simulator's side of a cross-check.
    public var observation: Observation {
        Observation(transferCycles: transferCycles, outputs: outputs, blockChannels: blockChannels, channelTokens: channelTokens,
                    outputChannels: outputChannels)
    }
}

/// The first (or any) difference between simulator and RTL.
public struct Mismatch: Sendable, Equatable, CustomStringConvertible {
    public var cycle: Int?
    public var channel: Int
    public var token: Int
    public var signal: String
    public var simulated: String
    public var rtl: String

    public var description: String {
        let at = cycle.map { "cycle \($0)" } ?? "end of run"
        return "\(at), token \(token), \(signal): simulator \(simulated), RTL \(rtl)"
    }
}

/// Result of comparing two observations.
public struct Comparison: Sendable {
    public var simulated: Observation
    public var rtl: Observation
    /// Every difference, in order of cycle.
    public var mismatches: [Mismatch]
    public var comparedTransfers: Int
    public var comparedOutputBits: Int

    public var matches: Bool { mismatches.isEmpty }
}

/// Compares the simulator and the RTL transfer by transfer and bit by bit.
public enum Comparator {
    /// `channelNames[k]` names channel k's signals (e.g. `in`, `fc1`, `out`); `outputPrecisions[e]` is the
    /// precision of output element e (`Network.outputElementPrecisions`; the last one serves any further element);
    /// `outputNames[e]`, when given, says which output it belongs to (`kl[0]`, for a design with several).
    public static func compare(simulated: Observation, rtl: Observation, channelNames: [String],
                               outputPrecisions: [Precision], outputNames: [String] = []) -> Comparison {
        var mismatches: [Mismatch] = []
        var transfers = 0, bits = 0
        for channel in 0..<max(simulated.transferCycles.count, rtl.transferCycles.count) {
            let name = channel < channelNames.count ? channelNames[channel] : "channel\(channel)"
            let a = channel < simulated.transferCycles.count ? simulated.transferCycles[channel] : []
            let b = channel < rtl.transferCycles.count ? rtl.transferCycles[channel] : []
            for token in 0..<max(a.count, b.count) {
                let sa = token < a.count ? a[token] : nil, sb = token < b.count ? b[token] : nil
                if let sa, let sb, sa == sb { transfers += 1; continue }
                mismatches.append(Mismatch(cycle: [sa, sb].compactMap { $0 }.min(), channel: channel, token: token,
                                           signal: "\(name)_valid&&\(name)_ready (transfer cycle)",
                                           simulated: sa.map { "cycle \($0)" } ?? "no transfer",
                                           rtl: sb.map { "cycle \($0)" } ?? "no transfer"))
            }
        }
        let outputCycles = simulated.transferCycles.last ?? []
        for token in 0..<max(simulated.outputs.count, rtl.outputs.count) {
            let a = token < simulated.outputs.count ? simulated.outputs[token] : nil
            let b = token < rtl.outputs.count ? rtl.outputs[token] : nil
            guard let a, let b else {
                mismatches.append(Mismatch(cycle: token < outputCycles.count ? outputCycles[token] : nil, channel: outputCycles.isEmpty ? 0 : simulated.transferCycles.count - 1,
                                           token: token, signal: "out_data", simulated: a == nil ? "missing" : "present", rtl: b == nil ? "missing" : "present"))
                continue
            }
            for element in 0..<max(a.count, b.count) {
                let outputPrecision = outputPrecisions[min(element, outputPrecisions.count - 1)]
                let va = element < a.count ? a[element] : nil, vb = element < b.count ? b[element] : nil
                if let va, let vb, va == vb { bits += outputPrecision.width; continue }
                mismatches.append(Mismatch(cycle: token < outputCycles.count ? outputCycles[token] : nil,
                                           channel: simulated.transferCycles.count - 1, token: token,
                                           signal: "out_data[\(element)]" + (element < outputNames.count ? " (\(outputNames[element]))" : ""),
                                           simulated: va.map { Self.format($0, outputPrecision) } ?? "missing",
                                           rtl: vb.map { Self.format($0, outputPrecision) } ?? "missing"))
            }
        }
        mismatches.sort { ($0.cycle ?? Int.max, $0.channel, $0.token) < ($1.cycle ?? Int.max, $1.channel, $1.token) }
        return Comparison(simulated: simulated, rtl: rtl, mismatches: mismatches, comparedTransfers: transfers, comparedOutputBits: bits)
    }

    /// `raw 0x… (value)`.
    static func format(_ raw: Int64, _ precision: Precision) -> String {
        let mask: UInt64 = precision.width >= 64 ? ~0 : (UInt64(1) << UInt64(precision.width)) - 1
        return "raw \(raw) (0x\(String(UInt64(bitPattern: raw) & mask, radix: 16)), \(precision.value(ofRaw: raw)))"
    }
}

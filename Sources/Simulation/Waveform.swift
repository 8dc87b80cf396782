import NetworkIR
import Scheduling

/// Per-cycle handshake state of every channel, and the values of the tokens, for waveform output.
public struct Waveform: Sendable {
    /// Number of channels of the schedule's graph.
    public let channelCount: Int
    public private(set) var cycles: Int
    /// `valid[channel][cycle]`, `ready[channel][cycle]`, `token[channel][cycle]` (−1: none offered).
    public private(set) var valid: [[Bool]]
    public private(set) var ready: [[Bool]]
    public private(set) var token: [[Int]]
    /// `outReady[cycle]`: the design output's `out_ready` (the sink's pattern; with one output it is that
    /// channel's ready, with several each output channel's ready also waits for the others' valid).
    public private(set) var outReady: [Bool] = []
    /// `fifoCount[fifo][cycle]`: the tokens a FIFO held at the start of each cycle.
    public private(set) var fifoCount: [[Int]] = []
    /// `values[token][tensor + 1]`: the raw vector of each tensor of a token (index 0: the design input,
    /// k: layer k − 1's output; nil in timing-only mode). A channel carries tensor `ChannelSchedule.tensor`.
    public private(set) var values: [[[Int64]]]?

    init(channelCount: Int) {
        self.channelCount = channelCount
        cycles = 0
        valid = Array(repeating: [], count: channelCount)
        ready = Array(repeating: [], count: channelCount)
        token = Array(repeating: [], count: channelCount)
    }

    mutating func append(channel: Int, valid isValid: Bool, ready isReady: Bool, token id: Int) {
        valid[channel].append(isValid)
        ready[channel].append(isReady)
        token[channel].append(id)
    }

    mutating func finish(cycles: Int) { self.cycles = cycles }

    mutating func appendOutReady(_ flag: Bool) { outReady.append(flag) }

    mutating func appendFIFOCounts(_ counts: [Int]) {
        if fifoCount.isEmpty { fifoCount = Array(repeating: [], count: counts.count) }
        for (fifo, count) in counts.enumerated() { fifoCount[fifo].append(count) }
    }

    /// Computes every token's value on every channel.
    mutating func attachValues(evaluator: FixedPointEvaluator?, inputs: [[Int64]]) {
        guard let evaluator else { return }
        values = inputs.map { [$0] + evaluator.evaluateAllLayers($0) }
    }
}

/// Collects a `Waveform` while the simulator runs.
struct WaveformRecorder: Sendable {
    private(set) var waveform: Waveform

    init(channelCount: Int) {
        waveform = Waveform(channelCount: channelCount)
    }

    mutating func record(valid: [Bool], ready: [Bool], offered: [Int], fifoCounts: [Int], outReady: Bool) {
        waveform.appendFIFOCounts(fifoCounts)
        waveform.appendOutReady(outReady)
        for channel in valid.indices {
            waveform.append(channel: channel, valid: valid[channel], ready: ready[channel], token: valid[channel] ? offered[channel] : -1)
        }
    }

    func waveform(cycles: Int) -> Waveform {
        var result = waveform
        result.finish(cycles: cycles)
        return result
    }
}

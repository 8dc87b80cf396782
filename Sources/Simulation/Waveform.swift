import NetworkIR
import Scheduling

/// Per-cycle handshake state of every channel, and the values of the tokens, for waveform output.
public struct Waveform: Sendable {
    /// Number of channels: blocks + 1 (channel 0 = design input, channel k = output of block k−1).
    public let channelCount: Int
    public private(set) var cycles: Int
    /// `valid[channel][cycle]`, `ready[channel][cycle]`, `token[channel][cycle]` (−1: none offered).
    public private(set) var valid: [[Bool]]
    public private(set) var ready: [[Bool]]
    public private(set) var token: [[Int]]
    /// `values[token][channel]`: the raw vector a token carries on each channel (nil in timing-only mode).
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

    /// Computes every token's value on every channel.
    mutating func attachValues(evaluator: FixedPointEvaluator?, inputs: [[Int64]]) {
        guard let evaluator else { return }
        values = inputs.map { [$0] + evaluator.evaluateAllLayers($0) }
    }
}

/// Collects a `Waveform` while the simulator runs.
struct WaveformRecorder {
    private(set) var waveform: Waveform
    let count: Int

    init(schedule: DesignSchedule, inputs: [[Int64]]?, outputs: [[Int64]]?) {
        count = schedule.blocks.count
        waveform = Waveform(channelCount: count + 1)
    }

    mutating func record(cycle: Int, ready: [Bool], inputToken: Int, lastSlotToken: (Int) -> Int) {
        waveform.append(channel: 0, valid: inputToken >= 0, ready: ready[0], token: inputToken)
        for b in 0..<count {
            let id = lastSlotToken(b)
            waveform.append(channel: b + 1, valid: id >= 0, ready: ready[b + 1], token: id)
        }
    }

    func waveform(cycles: Int) -> Waveform {
        var result = waveform
        result.finish(cycles: cycles)
        return result
    }
}

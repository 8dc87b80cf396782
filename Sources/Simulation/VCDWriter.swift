import FixedPoint
import NetworkIR
import Scheduling

/// Writes a simulator `Waveform` as VCD text with the same hierarchy and signal names as the
/// generated RTL under Verilator (`TOP.<design>.in_valid`, `TOP.<design>.u_<layer>.out_data`, …),
/// so both open with the same GTKWave save file.
///
/// Time: cycle c spans [(c + resetCycles)·P, (c + resetCycles + 1)·P) ps with P the clock period in ps;
/// `clk` is low in the first half and rises at the middle (the edge that closes the cycle), as in the
/// Verilator harness. Every signal of cycle c — registers, the inputs the harness applies, the `ready` and
/// `valid` they give — changes right after the rising edge that opens the cycle, as the harness drives it.
/// The reset cycles before cycle 0 show `rst` high; it falls at the last reset edge.
public struct VCDWriter {
    public let network: Network
    public let schedule: DesignSchedule
    public let resetCycles: Int

    public init(network: Network, schedule: DesignSchedule, resetCycles: Int = 2) {
        self.network = network
        self.schedule = schedule
        self.resetCycles = resetCycles
    }

    struct Signal {
        let id: String
        let name: String
        let width: Int
    }

    /// The VCD text of a waveform.
    public func render(_ waveform: Waveform) -> String {
        let top = network.name
        let blocks = schedule.blocks
        let channels = schedule.graph.channels
        let period = Int((schedule.options.clockPeriodNs * 1000).rounded())
        var nextId = 0
        func makeId() -> String {
            var n = nextId, text = ""
            nextId += 1
            repeat { text.append(Character(UnicodeScalar(33 + n % 94)!)); n /= 94 } while n > 0
            return text
        }
        let clk = Signal(id: makeId(), name: "clk", width: 1)
        let rst = Signal(id: makeId(), name: "rst", width: 1)
        // Channel signals as seen in the top module.
        var channelValid: [Signal] = [], channelReady: [Signal] = [], channelData: [Signal] = []
        for channel in channels {
            channelValid.append(Signal(id: makeId(), name: channel.name + "_valid", width: 1))
            channelReady.append(Signal(id: makeId(), name: channel.name + "_ready", width: 1))
            channelData.append(Signal(id: makeId(), name: channel.name + "_data", width: channel.width))
        }
        // With several outputs the top's out_* ports join the output channels (one output: the channel `out` is the port).
        let outputs = schedule.graph.outputChannels
        let joined = outputs.count > 1 && !schedule.graph.separateOutputs   // separate ports: the channels are the ports
        let outValid = Signal(id: makeId(), name: "out_valid", width: 1)
        let outReady = Signal(id: makeId(), name: "out_ready", width: 1)
        let outData = Signal(id: makeId(), name: "out_data", width: outputs.reduce(0) { $0 + channels[$1].width })
        let fifos = schedule.graph.fifos
        let fifoCount = fifos.map { Signal(id: makeId(), name: "count", width: $0.countWidth) }
        let dbgValid = Signal(id: makeId(), name: "dbg_valid", width: channels.count)
        let dbgReady = Signal(id: makeId(), name: "dbg_ready", width: channels.count)
        // A channel's valid and data are registered unless they come (through forks) straight from the design input.
        func root(_ channel: Int) -> GraphNode {
            var producer = channels[channel].producer
            while case let .fork(k) = producer { producer = channels[schedule.graph.forks[k].inputChannel].producer }
            return producer
        }
        let registered = channels.indices.map { root($0) != .source }
        // `ready` while reset is held, as the RTL computes it from its reset state: blocks and FIFOs are empty
        // and ready (a walk only if its first iteration reads); a join's input waits for the other inputs' valid (all low); a fork is ready when all its
        // outputs are; the harness holds the design output's out_ready low.
        func resetReady(_ channel: Int) -> Bool {
            switch channels[channel].consumer {
            case .sink, .source: return false
            case let .block(b):
                // A walk whose first iteration reads nothing (a padding row first) is not ready for an element.
                return schedule.graph.blockInputs[b].count == 1 && (blocks[b].stream?.walk.pops.first ?? true)
            case .fifo: return true
            case let .fork(k): return schedule.graph.forks[k].outputChannels.allSatisfy(resetReady)
            }
        }

        var text = "$date Pipewright simulation $end\n$version Pipewright cycle simulator $end\n$timescale 1ps $end\n"
        func declare(_ signal: Signal, as name: String? = nil) {
            let kind = signal.width == 1 ? "wire 1" : "wire \(signal.width)"
            let range = signal.width == 1 ? "" : " [\(signal.width - 1):0]"
            text += "$var \(kind) \(signal.id) \(name ?? signal.name)\(range) $end\n"
        }
        text += "$scope module TOP $end\n$scope module \(top) $end\n"
        [clk, rst].forEach { declare($0) }
        for channel in channels.indices {
            declare(channelValid[channel]); declare(channelReady[channel]); declare(channelData[channel])
        }
        if joined { declare(outValid); declare(outReady); declare(outData) }
        declare(dbgValid); declare(dbgReady)
        for (b, block) in blocks.enumerated() {
            text += "$scope module u_\(block.layerName) $end\n"
            declare(clk); declare(rst)
            let inputs = schedule.graph.blockInputs[b]
            if inputs.count == 1 {
                declare(channelValid[inputs[0]], as: "in_valid"); declare(channelReady[inputs[0]], as: "in_ready")
                declare(channelData[inputs[0]], as: "in_data")
            }
            let out = schedule.graph.blockOutputs[b]
            declare(channelValid[out], as: "out_valid"); declare(channelReady[out], as: "out_ready"); declare(channelData[out], as: "out_data")
            text += "$upscope $end\n"
        }
        for (f, fifo) in fifos.enumerated() {
            text += "$scope module u_\(fifo.name) $end\n"
            declare(clk); declare(rst)
            declare(channelValid[fifo.inputChannel], as: "in_valid"); declare(channelReady[fifo.inputChannel], as: "in_ready")
            declare(channelValid[fifo.outputChannel], as: "out_valid"); declare(channelReady[fifo.outputChannel], as: "out_ready")
            declare(fifoCount[f])
            text += "$upscope $end\n"
        }
        text += "$upscope $end\n$upscope $end\n$enddefinitions $end\n"

        var last: [String: String] = [:]
        func emit(_ signal: Signal, _ value: String) {
            guard last[signal.id] != value else { return }
            last[signal.id] = value
            text += signal.width == 1 ? "\(value)\(signal.id)\n" : "b\(value) \(signal.id)\n"
        }
        /// dbg_valid / dbg_ready (bit k = channel k) from the channel signals as they stand, at every time step
        /// where one of them changed (the RTL assigns them combinationally).
        func emitDebug() {
            // Bit k = channel k, written as VCD binary without leading zeros.
            func vector(_ signals: [Signal]) -> String {
                let bits = signals.reversed().map { last[$0.id] == "1" ? "1" : "0" }.joined().drop { $0 == "0" }
                return bits.isEmpty ? "0" : String(bits)
            }
            emit(dbgValid, vector(channelValid))
            emit(dbgReady, vector(channelReady))
        }
        func bits(_ flag: Bool) -> String { flag ? "1" : "0" }
        /// Every bit of a packed tensor, element 0 in the low bits (most significant first).
        func bitString(_ raw: [Int64], precision: Precision) -> String {
            var digits = ""
            for value in raw.reversed() {
                let pattern = UInt64(bitPattern: value)
                for bit in stride(from: precision.width - 1, through: 0, by: -1) { digits += (pattern >> UInt64(bit)) & 1 == 1 ? "1" : "0" }
            }
            return digits
        }
        /// VCD binary without leading zeros.
        func trimmed(_ digits: String) -> String {
            let rest = digits.drop { $0 == "0" }
            return rest.isEmpty ? "0" : String(rest)
        }
        func packed(_ raw: [Int64], precision: Precision) -> String { trimmed(bitString(raw, precision: precision)) }
        /// The values element `token` of `channel` carries: its inference's tensor, or (a channel of several elements per
        /// inference) that element's slice; nil past the inferences simulated.
        func slice(_ values: [[[Int64]]], channel: Int, token: Int) -> [Int64]? {
            let tokens = max(channels[channel].tokens, 1), inference = token / tokens
            guard inference < values.count else { return nil }
            let tensor = values[inference][channels[channel].tensor + 1]
            guard tokens > 1 else { return tensor }
            let width = channels[channel].elements, start = (token % tokens) * width
            return start + width <= tensor.count ? Array(tensor[start..<(start + width)]) : nil
        }
        /// The joined out_* ports in cycle `cycle` (several outputs only): valid when every output is, the data
        /// of the token they all offer then.
        func emitJoinedOutput(cycle: Int) {
            let allValid = outputs.allSatisfy { waveform.valid[$0][cycle] }
            emit(outValid, bits(allValid))
            emit(outReady, bits(cycle < waveform.outReady.count && waveform.outReady[cycle]))
            let token = waveform.token[outputs[0]][cycle]
            if allValid, token >= 0, let values = waveform.values {
                let parts = outputs.reversed().map { output in slice(values, channel: output, token: token).map { bitString($0, precision: channels[output].precision) } }
                if parts.allSatisfy({ $0 != nil }) { emit(outData, trimmed(parts.compactMap { $0 }.joined())) }
            }
        }
        func emitChannel(_ channel: Int, cycle: Int) {
            emit(channelValid[channel], bits(waveform.valid[channel][cycle]))
            let token = waveform.token[channel][cycle]
            if token >= 0, let values = waveform.values, let data = slice(values, channel: channel, token: token) {
                emit(channelData[channel], packed(data, precision: channels[channel].precision))
            }
        }
        // Everything of cycle `cycle` (its state, inputs, ready and valid) appears at the rising edge that opens it.
        func binary(_ value: Int) -> String { String(value, radix: 2) }
        func emitCycle(_ cycle: Int) {
            for f in fifos.indices where !waveform.fifoCount.isEmpty {
                let counts = waveform.fifoCount[f]
                if cycle < counts.count { emit(fifoCount[f], binary(counts[cycle])) }
            }
            for channel in channels.indices {
                if cycle == waveform.cycles {
                    // The run ends when the last result is taken: every slot is empty after that edge (the harness
                    // applies no further input, so the readies after it are outside the run).
                    if registered[channel] { emit(channelValid[channel], "0") }
                } else {
                    emit(channelReady[channel], bits(waveform.ready[channel][cycle]))
                    emitChannel(channel, cycle: cycle)
                }
            }
            if joined {
                if cycle == waveform.cycles { emit(outValid, "0") } else { emitJoinedOutput(cycle: cycle) }
            }
            emitDebug()
        }
        for cycle in 0..<resetCycles {
            text += "#\(cycle * period)\n"
            emit(clk, "0"); emit(rst, "1")
            for channel in channels.indices {
                emit(channelValid[channel], "0"); emit(channelReady[channel], bits(resetReady(channel))); emit(channelData[channel], "x")
            }
            for signal in fifoCount { emit(signal, "0") }
            if joined { emit(outValid, "0"); emit(outReady, "0"); emit(outData, "x") }
            emitDebug()
            text += "#\(cycle * period + period / 2)\n"
            emit(clk, "1")
            if cycle == resetCycles - 1 { emit(rst, "0"); emitCycle(0) }
        }
        for cycle in 0..<waveform.cycles {
            text += "#\((cycle + resetCycles) * period)\n"
            emit(clk, "0")
            text += "#\((cycle + resetCycles) * period + period / 2)\n"
            emit(clk, "1")
            emitCycle(cycle + 1)
        }
        text += "#\((waveform.cycles + resetCycles) * period)\n"
        return text
    }
}

import FixedPoint
import NetworkIR
import Scheduling

/// Writes a simulator `Waveform` as VCD text with the same hierarchy and signal names as the
/// generated RTL under Verilator (`TOP.<design>.in_valid`, `TOP.<design>.u_<layer>.out_data`, …),
/// so both open with the same GTKWave save file.
///
/// Time: cycle c spans [(c + resetCycles)·P, (c + resetCycles + 1)·P) ps with P the clock period in ps;
/// `clk` is low in the first half and rises at the middle (the edge that closes the cycle), as in the
/// Verilator harness. Register outputs change at that edge; inputs and `ready` at the start of a cycle.
/// The reset cycles before cycle 0 show `rst` high.
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
        let period = Int((schedule.options.clockPeriodNs * 1000).rounded())
        var nextId = 0
        func makeId() -> String {
            var n = nextId, text = ""
            nextId += 1
            repeat { text.append(Character(UnicodeScalar(33 + n % 94)!)); n /= 94 } while n > 0
            return text
        }
        func dataWidth(channel: Int) -> Int {
            channel == 0 ? network.inputSize * network.inputPrecision.width
                : network.layers[channel - 1].outputSize * network.layers[channel - 1].precision.result.width
        }
        let clk = Signal(id: makeId(), name: "clk", width: 1)
        let rst = Signal(id: makeId(), name: "rst", width: 1)
        // Channel signals as seen in the top module.
        var channelValid: [Signal] = [], channelReady: [Signal] = [], channelData: [Signal] = []
        for channel in 0...blocks.count {
            let prefix = channel == 0 ? "in_" : (channel == blocks.count ? "out_" : "\(blocks[channel - 1].layerName)_")
            channelValid.append(Signal(id: makeId(), name: prefix + "valid", width: 1))
            channelReady.append(Signal(id: makeId(), name: prefix + "ready", width: 1))
            channelData.append(Signal(id: makeId(), name: prefix + "data", width: dataWidth(channel: channel)))
        }
        let dbgValid = Signal(id: makeId(), name: "dbg_valid", width: blocks.count + 1)
        let dbgReady = Signal(id: makeId(), name: "dbg_ready", width: blocks.count + 1)

        var text = "$date Pipewright simulation $end\n$version Pipewright cycle simulator $end\n$timescale 1ps $end\n"
        func declare(_ signal: Signal, as name: String? = nil) {
            let kind = signal.width == 1 ? "wire 1" : "wire \(signal.width)"
            let range = signal.width == 1 ? "" : " [\(signal.width - 1):0]"
            text += "$var \(kind) \(signal.id) \(name ?? signal.name)\(range) $end\n"
        }
        text += "$scope module TOP $end\n$scope module \(top) $end\n"
        [clk, rst].forEach { declare($0) }
        for channel in 0...blocks.count {
            declare(channelValid[channel]); declare(channelReady[channel]); declare(channelData[channel])
        }
        declare(dbgValid); declare(dbgReady)
        for (b, block) in blocks.enumerated() {
            text += "$scope module u_\(block.layerName) $end\n"
            declare(clk); declare(rst)
            declare(channelValid[b], as: "in_valid"); declare(channelReady[b], as: "in_ready"); declare(channelData[b], as: "in_data")
            declare(channelValid[b + 1], as: "out_valid"); declare(channelReady[b + 1], as: "out_ready"); declare(channelData[b + 1], as: "out_data")
            text += "$upscope $end\n"
        }
        text += "$upscope $end\n$upscope $end\n$enddefinitions $end\n"

        var last: [String: String] = [:]
        func emit(_ signal: Signal, _ value: String) {
            guard last[signal.id] != value else { return }
            last[signal.id] = value
            text += signal.width == 1 ? "\(value)\(signal.id)\n" : "b\(value) \(signal.id)\n"
        }
        func bits(_ flag: Bool) -> String { flag ? "1" : "0" }
        func packed(_ raw: [Int64], precision: Precision) -> String {
            var digits = ""
            for value in raw.reversed() {
                let pattern = UInt64(bitPattern: value)
                for bit in stride(from: precision.width - 1, through: 0, by: -1) { digits += (pattern >> UInt64(bit)) & 1 == 1 ? "1" : "0" }
            }
            let trimmed = digits.drop { $0 == "0" }
            return trimmed.isEmpty ? "0" : String(trimmed)
        }
        func precision(channel: Int) -> Precision {
            channel == 0 ? network.inputPrecision : network.layers[channel - 1].precision.result
        }
        // Registered signals (valid and data of every block output) change at the rising edge that opens
        // their cycle, i.e. half a period before it in this time axis; inputs, ready and clk-low at its start.
        func emitRegistered(cycle: Int) {
            if cycle == waveform.cycles {
                // The run ends when the last result is taken: every slot is empty after that edge.
                for channel in 1...max(blocks.count, 1) where channel <= blocks.count { emit(channelValid[channel], "0") }
                return
            }
            for channel in 1...max(blocks.count, 1) where channel <= blocks.count {
                emit(channelValid[channel], bits(waveform.valid[channel][cycle]))
                let token = waveform.token[channel][cycle]
                if token >= 0, let values = waveform.values {
                    emit(channelData[channel], packed(values[token][channel], precision: precision(channel: channel)))
                }
            }
        }
        for cycle in 0..<resetCycles {
            text += "#\(cycle * period)\n"
            emit(clk, "0"); emit(rst, "1")
            for channel in 0...blocks.count { emit(channelValid[channel], "0"); emit(channelReady[channel], "0"); emit(channelData[channel], "x") }
            text += "#\(cycle * period + period / 2)\n"
            emit(clk, "1")
            if cycle == resetCycles - 1 { emitRegistered(cycle: 0) }
        }
        for cycle in 0..<waveform.cycles {
            text += "#\((cycle + resetCycles) * period)\n"
            emit(clk, "0"); emit(rst, "0")
            var validBits = "", readyBits = ""
            for channel in 0...blocks.count {
                let isValid = waveform.valid[channel][cycle], isReady = waveform.ready[channel][cycle]
                emit(channelReady[channel], bits(isReady))
                validBits = bits(isValid) + validBits
                readyBits = bits(isReady) + readyBits
            }
            emit(channelValid[0], bits(waveform.valid[0][cycle]))
            let token = waveform.token[0][cycle]
            if token >= 0, let values = waveform.values {
                emit(channelData[0], packed(values[token][0], precision: precision(channel: 0)))
            }
            emit(dbgValid, validBits)
            emit(dbgReady, readyBits)
            text += "#\((cycle + resetCycles) * period + period / 2)\n"
            emit(clk, "1")
            emitRegistered(cycle: cycle + 1)
        }
        text += "#\((waveform.cycles + resetCycles) * period)\n"
        return text
    }
}

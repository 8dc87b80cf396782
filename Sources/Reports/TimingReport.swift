// Module Reports: turns schedules, simulation results and cross-check comparisons into what a person
// reads — aligned tables, CSV and JSON. Computes nothing new about timing.
import Foundation
import CrossCheck
import Scheduling
import Simulation

/// Timing and cost of one layer, as planned by the schedule and as measured by the executions.
public struct LayerTiming: Codable, Sendable, Equatable {
    public var layer: String
    public var kind: String
    public var strategy: String
    public var requestedReuseFactor: Int
    public var reuseFactor: Int
    public var initiationInterval: Int
    public var latencyCycles: Int
    public var latencyNs: Double
    public var stages: String
    public var criticalPathNs: Double
    public var multipliers: Int
    public var dsps: Int
    public var adders: Int
    public var registerBits: Int
    /// Bits of lookup-table ROM (table activations, softmax).
    public var tableBits: Int
    /// Latency of the first token through this block, measured by the simulator and by the RTL.
    public var simulatedLatencyCycles: Int?
    public var rtlLatencyCycles: Int?
    /// Cycles the block held because its result was not taken (simulator).
    public var stallCycles: Int?
    public var notes: [String]
}

/// One FIFO of the design (a delay line or a stream buffer): its size and, when simulated, its use.
public struct FIFOTiming: Codable, Sendable, Equatable {
    public var fifo: String
    public var purpose: String
    public var depth: Int
    /// The depth the schedule derived (differs when the design overrides it with `FIFODepth`).
    public var derivedDepth: Int
    public var widthBits: Int
    /// Where depth × width would live: `SRL` (shift-register LUTs, depth ≤ 32), `LUTRAM` (≤ 64) or `BRAM`.
    public var storage: String
    public var highWaterMark: Int?
    public var fullCycles: Int?
    public var emptyCycles: Int?

    /// SRL32 up to 32 entries, distributed RAM up to 64, block RAM beyond (the usual Xilinx FIFO mapping).
    public static func storage(depth: Int) -> String { depth <= 32 ? "SRL" : (depth <= 64 ? "LUTRAM" : "BRAM") }
}

/// One tensor of the design output, in `out_data` order (first in the lowest bits).
public struct OutputTiming: Codable, Sendable, Equatable {
    public var layer: String
    /// Values per transfer (an image's channels in io_stream) and transfers per inference (its pixels, else 1).
    public var elements: Int
    public var precision: String
    public var transfers: Int = 1
    /// The top module's port it leaves on (`out`, or `out1`, … when each output has its own).
    public var port: String = "out"
}

/// Timing and cost of a whole design.
public struct DesignTiming: Codable, Sendable, Equatable {
    public var design: String
    public var device: String
    public var ioType: String
    public var clockPeriodNs: Double
    public var clockUncertaintyNs: Double
    public var latencyCycles: Int
    public var latencyNs: Double
    public var initiationInterval: Int
    public var initiationIntervalNs: Double
    /// Inferences per second at the steady-state II.
    public var throughputPerSecond: Double
    public var multipliers: Int
    public var dsps: Int
    public var simulatedLatencyCycles: Int?
    public var simulatedInitiationInterval: Int?
    public var rtlLatencyCycles: Int?
    public var rtlInitiationInterval: Int?
    /// Tokens and comparisons of a cross-check, when one ran.
    public var tokens: Int?
    public var comparedTransfers: Int?
    public var comparedOutputBits: Int?
    public var mismatches: Int?
    public var firstMismatch: String?
    public var layers: [LayerTiming]
    public var fifos: [FIFOTiming]
    /// The tensors of the design output, in order.
    public var outputs: [OutputTiming]

    /// Builds the report from a schedule, with measurements when available.
    public init(schedule: DesignSchedule, simulated: Observation? = nil, rtl: Observation? = nil, comparison: Comparison? = nil,
                blockStatistics: [BlockStatistics]? = nil, fifoStatistics: [FIFOStatistics]? = nil) {
        let period = schedule.options.clockPeriodNs
        design = schedule.designName
        device = schedule.options.device.name
        ioType = schedule.options.ioType.rawValue
        clockPeriodNs = period
        clockUncertaintyNs = schedule.options.clockUncertaintyNs
        latencyCycles = schedule.latencyCycles
        latencyNs = Double(schedule.latencyCycles) * period
        initiationInterval = schedule.initiationInterval
        initiationIntervalNs = Double(schedule.initiationInterval) * period
        throughputPerSecond = 1e9 / (Double(schedule.initiationInterval) * period)
        multipliers = schedule.multipliers
        dsps = schedule.dsps
        simulatedLatencyCycles = simulated?.latencies.first
        simulatedInitiationInterval = simulated?.outputInitiationInterval
        rtlLatencyCycles = rtl?.latencies.first
        rtlInitiationInterval = rtl?.outputInitiationInterval
        tokens = simulated?.inferences
        comparedTransfers = comparison?.comparedTransfers
        comparedOutputBits = comparison?.comparedOutputBits
        mismatches = comparison?.mismatches.count
        firstMismatch = comparison?.mismatches.first?.description
        let streamLatencies = schedule.graph.streamLatencies
        layers = schedule.blocks.enumerated().map { index, block in
            let latency = index < streamLatencies.count ? streamLatencies[index] : block.latencyCycles
            return LayerTiming(layer: block.layerName, kind: block.kind, strategy: block.strategy.rawValue,
                        requestedReuseFactor: block.requestedReuseFactor, reuseFactor: block.reuseFactor,
                        initiationInterval: block.cyclesPerInference, latencyCycles: latency,
                        latencyNs: Double(latency) * period, stages: block.stageSummary,
                        criticalPathNs: block.criticalPathNs, multipliers: block.multipliers, dsps: block.dsps,
                        adders: block.adders, registerBits: block.registerBits, tableBits: block.tableBits,
                        simulatedLatencyCycles: simulated?.blockLatency(index, token: 0),
                        rtlLatencyCycles: rtl?.blockLatency(index, token: 0),
                        stallCycles: blockStatistics.map { $0[index].stallCycles }, notes: block.notes)
        }
        outputs = schedule.graph.outputChannels.map { index in
            let channel = schedule.graph.channels[index]
            let k = schedule.graph.outputChannels.firstIndex(of: index) ?? 0
            return OutputTiming(layer: channel.tensor < 0 ? "input" : schedule.blocks[channel.tensor].layerName,
                                elements: channel.elements, precision: channel.precision.description, transfers: channel.tokens,
                                port: schedule.graph.separateOutputs && k > 0 ? "out\(k)" : "out")
        }
        fifos = schedule.graph.fifos.enumerated().map { index, fifo in
            let statistics = fifoStatistics.flatMap { index < $0.count ? $0[index] : nil }
            return FIFOTiming(fifo: fifo.name, purpose: fifo.purpose.rawValue, depth: fifo.depth, derivedDepth: fifo.derivedDepth,
                              widthBits: fifo.elements * fifo.precision.width, storage: FIFOTiming.storage(depth: fifo.depth),
                              highWaterMark: statistics?.highWaterMark, fullCycles: statistics?.fullCycles, emptyCycles: statistics?.emptyCycles)
        }
    }

    /// Pretty-printed JSON (numbers as `JSONText` writes them).
    public func json() throws -> String {
        try JSONText.encode(self)
    }
}

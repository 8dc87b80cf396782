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
    /// Latency of the first token through this block, measured by the simulator and by the RTL.
    public var simulatedLatencyCycles: Int?
    public var rtlLatencyCycles: Int?
    /// Cycles the block held because its result was not taken (simulator).
    public var stallCycles: Int?
    public var notes: [String]
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

    /// Builds the report from a schedule, with measurements when available.
    public init(schedule: DesignSchedule, simulated: Observation? = nil, rtl: Observation? = nil, comparison: Comparison? = nil,
                blockStatistics: [BlockStatistics]? = nil) {
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
        simulatedInitiationInterval = simulated?.initiationInterval(channel: 0)
        rtlLatencyCycles = rtl?.latencies.first
        rtlInitiationInterval = rtl?.initiationInterval(channel: 0)
        tokens = simulated?.transferCycles.first?.count
        comparedTransfers = comparison?.comparedTransfers
        comparedOutputBits = comparison?.comparedOutputBits
        mismatches = comparison?.mismatches.count
        firstMismatch = comparison?.mismatches.first?.description
        layers = schedule.blocks.enumerated().map { index, block in
            LayerTiming(layer: block.layerName, kind: block.kind, strategy: block.strategy.rawValue,
                        requestedReuseFactor: block.requestedReuseFactor, reuseFactor: block.reuseFactor,
                        initiationInterval: block.initiationInterval, latencyCycles: block.latencyCycles,
                        latencyNs: Double(block.latencyCycles) * period, stages: block.stageSummary,
                        criticalPathNs: block.criticalPathNs, multipliers: block.multipliers, dsps: block.dsps,
                        adders: block.adders, registerBits: block.registerBits,
                        simulatedLatencyCycles: simulated?.blockLatency(index, token: 0),
                        rtlLatencyCycles: rtl?.blockLatency(index, token: 0),
                        stallCycles: blockStatistics.map { $0[index].stallCycles }, notes: block.notes)
        }
    }

    /// Pretty-printed JSON (numbers as `JSONText` writes them).
    public func json() throws -> String {
        try JSONText.encode(self)
    }
}

import NetworkIR
import Scheduling
import Simulation

/// One point of a reuse-factor × clock-period sweep. A point that could not be scheduled or simulated has
/// `error` set and every figure nil (JSON null, an empty CSV field), never a made-up 0.
public struct SweepPoint: Sendable, Codable, Equatable {
    public var reuseFactor: Int
    public var clockPeriodNs: Double
    /// Latency of the first inference and steady-state II, measured by the timing-only simulator.
    public var latencyCycles: Int?
    public var latencyNs: Double?
    public var initiationInterval: Int?
    public var initiationIntervalNs: Double?
    public var multipliers: Int?
    public var dsps: Int?
    /// Why the point could not be scheduled or simulated (then every figure is nil).
    public var error: String?

    public init(reuseFactor: Int, clockPeriodNs: Double, latencyCycles: Int?, latencyNs: Double?, initiationInterval: Int?,
                initiationIntervalNs: Double?, multipliers: Int?, dsps: Int?, error: String?) {
        self.reuseFactor = reuseFactor
        self.clockPeriodNs = clockPeriodNs
        self.latencyCycles = latencyCycles
        self.latencyNs = latencyNs
        self.initiationInterval = initiationInterval
        self.initiationIntervalNs = initiationIntervalNs
        self.multipliers = multipliers
        self.dsps = dsps
        self.error = error
    }

    /// A point that failed with `reason`.
    public static func failed(reuseFactor: Int, clockPeriodNs: Double, reason: String) -> SweepPoint {
        SweepPoint(reuseFactor: reuseFactor, clockPeriodNs: clockPeriodNs, latencyCycles: nil, latencyNs: nil, initiationInterval: nil,
                   initiationIntervalNs: nil, multipliers: nil, dsps: nil, error: reason)
    }

    private enum CodingKeys: String, CodingKey {
        case reuseFactor, clockPeriodNs, latencyCycles, latencyNs, initiationInterval, initiationIntervalNs, multipliers, dsps, error
    }

    /// Every key is written, nil as null: each JSON point has the same keys (pandas reads nulls as NaN).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(reuseFactor, forKey: .reuseFactor)
        try container.encode(clockPeriodNs, forKey: .clockPeriodNs)
        try container.encode(latencyCycles, forKey: .latencyCycles)
        try container.encode(latencyNs, forKey: .latencyNs)
        try container.encode(initiationInterval, forKey: .initiationInterval)
        try container.encode(initiationIntervalNs, forKey: .initiationIntervalNs)
        try container.encode(multipliers, forKey: .multipliers)
        try container.encode(dsps, forKey: .dsps)
        try container.encode(error, forKey: .error)
    }
}

/// The sweep flow: schedule and simulate (timing only) every combination.
public enum Sweep {
    /// `clockUncertainty` is the design's rule for the uncertainty at each period (`LoadedDesign.clockUncertainty`).
    public static func run(network: Network, options base: ScheduleOptions, clockUncertainty: ClockUncertainty,
                           reuseFactors: [Int], clockPeriods: [Double], tokens: Int = 16) throws -> [SweepPoint] {
        try network.validate()
        var points: [SweepPoint] = []
        for rf in reuseFactors {
            for period in clockPeriods {
                var options = base.withClockPeriod(period, uncertainty: clockUncertainty)
                options.overrideReuseFactor(rf)
                do {
                    let schedule = try Scheduler.schedule(network, options: options)
                    let result = try CycleSimulator(schedule: schedule, evaluator: nil).runTiming(tokens: tokens)
                    guard let latency = result.latencies.first else {
                        points.append(.failed(reuseFactor: rf, clockPeriodNs: period, reason: "the timing-only simulation finished no inference"))
                        continue
                    }
                    let interval = result.initiationInterval() ?? schedule.initiationInterval
                    points.append(SweepPoint(reuseFactor: rf, clockPeriodNs: period, latencyCycles: latency,
                                             latencyNs: Double(latency) * period, initiationInterval: interval,
                                             initiationIntervalNs: Double(interval) * period, multipliers: schedule.multipliers,
                                             dsps: schedule.dsps, error: nil))
                } catch {
                    points.append(.failed(reuseFactor: rf, clockPeriodNs: period, reason: "\(error)"))
                }
            }
        }
        return points
    }
}

import NetworkIR
import Scheduling
import Simulation

/// One point of a reuse-factor × clock-period (× ParallelizationFactor) sweep. A point that could not be scheduled or simulated has
/// `error` set and every figure nil (JSON null, an empty CSV field), never a made-up 0.
public struct SweepPoint: Sendable, Codable, Equatable {
    public var reuseFactor: Int
    /// The ParallelizationFactor given to every convolution, when the sweep varies it (nil: the design's own).
    public var parallelizationFactor: Int?
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

    public init(reuseFactor: Int, parallelizationFactor: Int? = nil, clockPeriodNs: Double, latencyCycles: Int?, latencyNs: Double?,
                initiationInterval: Int?, initiationIntervalNs: Double?, multipliers: Int?, dsps: Int?, error: String?) {
        self.reuseFactor = reuseFactor
        self.parallelizationFactor = parallelizationFactor
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
    public static func failed(reuseFactor: Int, parallelizationFactor: Int? = nil, clockPeriodNs: Double, reason: String) -> SweepPoint {
        SweepPoint(reuseFactor: reuseFactor, parallelizationFactor: parallelizationFactor, clockPeriodNs: clockPeriodNs, latencyCycles: nil, latencyNs: nil, initiationInterval: nil,
                   initiationIntervalNs: nil, multipliers: nil, dsps: nil, error: reason)
    }

    private enum CodingKeys: String, CodingKey {
        case reuseFactor, parallelizationFactor, clockPeriodNs, latencyCycles, latencyNs, initiationInterval, initiationIntervalNs, multipliers, dsps, error
    }

    /// Every key is written, nil as null: each JSON point has the same keys (pandas reads nulls as NaN).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(reuseFactor, forKey: .reuseFactor)
        try container.encode(parallelizationFactor, forKey: .parallelizationFactor)
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
    /// `parallelizationFactors` (empty: the design's own) is given to every convolution in turn.
    public static func run(network: Network, options base: ScheduleOptions, clockUncertainty: ClockUncertainty,
                           reuseFactors: [Int], clockPeriods: [Double], parallelizationFactors: [Int] = [],
                           tokens: Int = 16) throws -> [SweepPoint] {
        try network.validate()
        var points: [SweepPoint] = []
        let factors: [Int?] = parallelizationFactors.isEmpty ? [nil] : parallelizationFactors.map { $0 }
        for rf in reuseFactors {
            for pf in factors {
                for period in clockPeriods {
                    var options = base.withClockPeriod(period, uncertainty: clockUncertainty)
                    options.overrideReuseFactor(rf)
                    if let pf { options.overrideParallelizationFactor(pf) }
                    points.append(point(network, options, reuseFactor: rf, parallelizationFactor: pf, tokens: tokens))
                }
            }
        }
        return points
    }

    /// One point: schedule and simulate (timing only); a failure is the point's error.
    static func point(_ network: Network, _ options: ScheduleOptions, reuseFactor rf: Int, parallelizationFactor pf: Int?,
                      tokens: Int) -> SweepPoint {
        let period = options.clockPeriodNs
        do {
            let schedule = try Scheduler.schedule(network, options: options)
            let result = try CycleSimulator(schedule: schedule, evaluator: nil).runTiming(tokens: tokens)
            guard let latency = result.latencies.first else {
                return .failed(reuseFactor: rf, parallelizationFactor: pf, clockPeriodNs: period,
                               reason: "the timing-only simulation finished no inference")
            }
            let interval = result.initiationInterval() ?? schedule.initiationInterval
            return SweepPoint(reuseFactor: rf, parallelizationFactor: pf, clockPeriodNs: period, latencyCycles: latency,
                              latencyNs: Double(latency) * period, initiationInterval: interval,
                              initiationIntervalNs: Double(interval) * period, multipliers: schedule.multipliers,
                              dsps: schedule.dsps, error: nil)
        } catch {
            return .failed(reuseFactor: rf, parallelizationFactor: pf, clockPeriodNs: period, reason: "\(error)")
        }
    }
}

import NetworkIR
import Scheduling
import Simulation

/// One point of a reuse-factor × clock-period sweep.
public struct SweepPoint: Sendable, Codable, Equatable {
    public var reuseFactor: Int
    public var clockPeriodNs: Double
    /// Latency of the first inference and steady-state II, measured by the timing-only simulator.
    public var latencyCycles: Int
    public var latencyNs: Double
    public var initiationInterval: Int
    public var initiationIntervalNs: Double
    public var multipliers: Int
    public var dsps: Int
    /// Why the point could not be scheduled (then the figures are 0).
    public var error: String?
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
                    let latency = result.latencies.first ?? 0
                    let interval = result.initiationInterval() ?? schedule.initiationInterval
                    points.append(SweepPoint(reuseFactor: rf, clockPeriodNs: period, latencyCycles: latency,
                                             latencyNs: Double(latency) * period, initiationInterval: interval,
                                             initiationIntervalNs: Double(interval) * period, multipliers: schedule.multipliers,
                                             dsps: schedule.dsps, error: nil))
                } catch {
                    points.append(SweepPoint(reuseFactor: rf, clockPeriodNs: period, latencyCycles: 0, latencyNs: 0,
                                             initiationInterval: 0, initiationIntervalNs: 0, multipliers: 0, dsps: 0,
                                             error: "\(error)"))
                }
            }
        }
        return points
    }
}

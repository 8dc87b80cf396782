import Foundation
import NetworkIR

/// Fits a device profile's delays to what HLS reported for designs built on that part (`pipewright calibrate`).
///
/// Each sample is a design and, for some of its layers, the slots HLS used (an instance's latency L + 1, see
/// docs/calibration.md). The fit changes one delay at a time (steepest descent over multiplicative steps: each step
/// tries every delay at every factor and keeps the best change, until none improves) to lower the summed
/// |D − (L + 1)| over the samples; among equal sums it prefers more exact layers, then the profile closest to the
/// starting one. Operand widths and mapping rules stay.
public enum ProfileFit {
    /// One design and the slots HLS measured for some of its layers.
    public struct Sample: Sendable {
        public var name: String
        public var network: Network
        /// The design's options; the fit replaces `device`.
        public var options: ScheduleOptions
        /// Layer name → reported slots (instance latency L + 1).
        public var measured: [String: Int]

        public init(name: String, network: Network, options: ScheduleOptions, measured: [String: Int]) {
            self.name = name
            self.network = network
            self.options = options
            self.measured = measured
        }
    }

    /// Error figures over a set of layers (D − measured slots).
    public struct Errors: Sendable, Equatable {
        public var layers: Int
        public var exact: Int
        public var withinOne: Int
        public var totalAbsolute: Int
        public var maxAbsolute: Int
        /// Samples that could not be scheduled with the profile (every layer of them counts as missed).
        public var unschedulable: Int

        public var meanAbsolute: Double { layers == 0 ? 0 : Double(totalAbsolute) / Double(layers) }
    }

    /// Steps tried for each delay, as factors of its current value (a delay at 0 tries these in ns instead).
    public static let factors: [Double] = [0.5, 0.65, 0.8, 0.9, 0.95, 1.05, 1.1, 1.25, 1.5, 2.0]

    /// D − measured for every measured layer of every sample; nil for a sample the profile cannot schedule.
    public static func differences(profile: DeviceProfile, samples: [Sample]) -> [[Int]?] {
        samples.map { sample in
            var options = sample.options
            options.device = profile
            guard let schedule = try? Scheduler.schedule(sample.network, options: options) else { return nil }
            return schedule.blocks.compactMap { block in sample.measured[block.layerName].map { block.latencyCycles - $0 } }
        }
    }

    public static func errors(profile: DeviceProfile, samples: [Sample]) -> Errors {
        var errors = Errors(layers: 0, exact: 0, withinOne: 0, totalAbsolute: 0, maxAbsolute: 0, unschedulable: 0)
        for (sample, differences) in zip(samples, differences(profile: profile, samples: samples)) {
            guard let differences else {
                errors.unschedulable += 1
                errors.layers += sample.measured.count
                errors.totalAbsolute += 1000 * sample.measured.count
                errors.maxAbsolute = Int.max
                continue
            }
            for difference in differences {
                errors.layers += 1
                if difference == 0 { errors.exact += 1 }
                if abs(difference) <= 1 { errors.withinOne += 1 }
                errors.totalAbsolute += abs(difference)
                errors.maxAbsolute = max(errors.maxAbsolute, abs(difference))
            }
        }
        return errors
    }

    /// The profile that fits `samples` best from `start` (at most `passes` × the number of delays steps).
    public static func fit(start: DeviceProfile, samples: [Sample], passes: Int = 4) -> DeviceProfile {
        func distance(_ profile: DeviceProfile) -> Double {
            DeviceProfile.fittedDelays.reduce(0) { total, parameter in
                let (a, b) = (start[keyPath: parameter.path], profile[keyPath: parameter.path])
                return total + (a > 0 && b > 0 ? abs(log(b / a)) : abs(b - a))
            }
        }
        func score(_ profile: DeviceProfile) -> (Int, Int, Double) {
            let e = errors(profile: profile, samples: samples)
            return (e.totalAbsolute, -e.exact, distance(profile))
        }
        // Steepest descent: each step tries every delay at every factor and keeps the best single change.
        var best = start, bestScore = score(start)
        let parameters = DeviceProfile.fittedDelays
        for _ in 0..<(max(passes, 0) * parameters.count) {
            var step: (profile: DeviceProfile, score: (Int, Int, Double))?
            for parameter in parameters {
                let current = best[keyPath: parameter.path]
                let candidates = current > 0 ? factors.map { current * $0 } : factors.map { $0 * 0.2 }
                for value in candidates {
                    var candidate = best
                    candidate[keyPath: parameter.path] = (value * 1000).rounded() / 1000
                    let candidateScore = score(candidate)
                    if candidateScore < (step?.score ?? bestScore) { step = (candidate, candidateScore) }
                }
            }
            guard let step else { break }
            (best, bestScore) = (step.profile, step.score)
        }
        return best
    }

    /// Splits samples (sorted by name) into a fit set and a held-out set: every `every`-th one, starting with the
    /// `every`-th, is held out (none when `every` < 2).
    public static func split(_ samples: [Sample], holdOutEvery every: Int) -> (fit: [Sample], heldOut: [Sample]) {
        let sorted = samples.sorted { $0.name < $1.name }
        guard every >= 2 else { return (sorted, []) }
        var fit: [Sample] = [], heldOut: [Sample] = []
        for (index, sample) in sorted.enumerated() {
            if (index + 1) % every == 0 { heldOut.append(sample) } else { fit.append(sample) }
        }
        return (fit, heldOut)
    }
}

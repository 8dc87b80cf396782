import Foundation
import HLSReports
import NetworkIR
import Scheduling

/// `pipewright calibrate`: designs paired with their HLS reports, a device profile fitted to them on part of the
/// pairs, and the error before and after on the fitted and on the held-out pairs.
public struct ProfileCalibration: Sendable {
    public var start: DeviceProfile
    public var fitted: DeviceProfile
    public var fitSamples: [ProfileFit.Sample]
    public var heldOutSamples: [ProfileFit.Sample]
    /// Errors: fit set before/after, held-out set before/after.
    public var fitBefore: ProfileFit.Errors
    public var fitAfter: ProfileFit.Errors
    public var heldOutBefore: ProfileFit.Errors
    public var heldOutAfter: ProfileFit.Errors
    public var notes: [String]

    /// The measured layers of one design: every layer matched to a report instance (hls4ml naming, as in
    /// `compare`), with the instance's latency L + 1; nil when none matches.
    public static func sample(name: String, network: Network, options: ScheduleOptions, report: HLSReport) -> ProfileFit.Sample? {
        guard let schedule = try? Scheduler.schedule(network, options: options) else { return nil }
        let comparison = HLSComparison(schedule: schedule, report: report, tolerance: 0)
        var measured: [String: Int] = [:]
        for row in comparison.rows where row.isMatched { measured[row.layer!] = row.instance!.latency.max + 1 }
        return measured.isEmpty ? nil : ProfileFit.Sample(name: name, network: network, options: options, measured: measured)
    }

    /// Fits `start` to the samples, holding every `holdOutEvery`-th (by name) out of the fit.
    public init(start: DeviceProfile, samples: [ProfileFit.Sample], holdOutEvery: Int, passes: Int = 4, name: String? = nil,
                notes: [String] = []) {
        let (fitSet, heldOut) = ProfileFit.split(samples, holdOutEvery: holdOutEvery)
        var fitted = ProfileFit.fit(start: start, samples: fitSet, passes: passes)
        fitted.name = name ?? start.name + "-fitted"
        self.start = start
        self.fitSamples = fitSet
        self.heldOutSamples = heldOut
        self.fitBefore = ProfileFit.errors(profile: start, samples: fitSet)
        self.fitAfter = ProfileFit.errors(profile: fitted, samples: fitSet)
        self.heldOutBefore = ProfileFit.errors(profile: start, samples: heldOut)
        self.heldOutAfter = ProfileFit.errors(profile: fitted, samples: heldOut)
        fitted.source = "Fitted by `pipewright calibrate` from profile \(start.name) to \(fitSet.count) design/report pairs ("
            + fitSet.map(\.name).joined(separator: ", ") + "): summed |D − (L + 1)| over their \(fitBefore.layers) layers "
            + "\(fitBefore.totalAbsolute) → \(fitAfter.totalAbsolute) cycles; on the \(heldOut.count) held-out pairs "
            + "\(heldOutBefore.totalAbsolute) → \(heldOutAfter.totalAbsolute). Starting profile's source: \(start.source)"
        self.fitted = fitted
        self.notes = notes
    }

    /// Parameters, then the error table.
    public func render() -> String {
        var text = "calibrate \(start.name) → \(fitted.name): \(fitSamples.count) design/report pairs fitted, "
            + "\(heldOutSamples.count) held out (\(heldOutSamples.map(\.name).joined(separator: ", ")))\n\n"
        var parameters = TextTable(header: ["parameter", "start ns", "fitted ns", "change"])
        for parameter in DeviceProfile.fittedDelays {
            let (a, b) = (start[keyPath: parameter.path], fitted[keyPath: parameter.path])
            let change = a == b ? "" : (a > 0 ? String(format: "%+.0f %%", (b / a - 1) * 100) : "new")
            parameters.add([parameter.name, Self.number(a), Self.number(b), change])
        }
        text += parameters.render() + "\n"
        var errors = TextTable(header: ["set", "profile", "layers", "exact", "within ±1", "mean |D − (L+1)|", "max"])
        for (set, profile, e) in [("fitted", "start", fitBefore), ("fitted", "fitted", fitAfter),
                                  ("held out", "start", heldOutBefore), ("held out", "fitted", heldOutAfter)] {
            let unschedulable = e.unschedulable > 0 ? " (\(e.unschedulable) unschedulable)" : ""
            errors.add([set, profile, "\(e.layers)", "\(e.exact)", "\(e.withinOne)", String(format: "%.2f", e.meanAbsolute) + unschedulable,
                        e.unschedulable > 0 ? "–" : "\(e.maxAbsolute)"])
        }
        text += errors.render()
        for note in notes { text += "note: \(note)\n" }
        return text
    }

    static func number(_ value: Double) -> String {
        var text = String(format: "%.3f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}

import Foundation
import NetworkIR
import Scheduling

/// A design file turned into what the rest of Pipewright works on: the network and the options that decide
/// its schedule, with the file it came from and notes on what the loader inferred or assumed.
public struct LoadedDesign: Sendable, Equatable {
    /// Layers, shapes, weights and resolved precisions (no `auto` left).
    public var network: Network
    /// Clock, IOType, reuse factors, strategies and the device profile.
    public var options: ScheduleOptions
    /// The design file.
    public var source: URL
    /// How the design stated its clock uncertainty (kept so that a clock override can rescale a percentage).
    public var clockUncertainty: ClockUncertainty
    /// Human-readable remarks: inferred precisions, split activations, defaults taken, overrides applied.
    public var notes: [String]

    /// Creates a loaded design.
    public init(network: Network, options: ScheduleOptions, source: URL,
                clockUncertainty: ClockUncertainty = .hlsDefault, notes: [String] = []) {
        self.network = network
        self.options = options
        self.source = source
        self.clockUncertainty = clockUncertainty
        self.notes = notes
    }

    /// The note for a convolution whose LayerName entry hides the Model's ParallelizationFactor (hls4ml's
    /// get_layer_config_value); it ends with `hiddenModelFactorReason`, by which an override removes it.
    static func hiddenModelFactorNote(layer: String, factor: Int) -> String {
        "layer '\(layer)': Model ParallelizationFactor \(factor) does not apply, as in hls4ml: " + hiddenModelFactorReason
    }
    static let hiddenModelFactorReason = "the layer has a LayerName entry without its own ParallelizationFactor, so it keeps hls4ml's default 1"

    /// The design with command-line overrides: `reuseFactor` replaces the reuse factor of every layer
    /// (`--reuse-factor`), `clockPeriodNs` the clock period (`--clock-period`). A percentage clock uncertainty
    /// stays a percentage of the new period; one given in ns stays in ns. The reuse factor is applied as given
    /// (the scheduler rejects an impossible one); a clock period that is not positive and finite is ignored
    /// with a note, so callers validate it first.
    /// `parallelizationFactor` replaces the ParallelizationFactor of every convolution (`--parallelization-factor`).
    public func applying(reuseFactor: Int? = nil, clockPeriodNs: Double? = nil, ioType: IOType? = nil,
                         parallelizationFactor: Int? = nil) -> LoadedDesign {
        var design = self
        if let parallelizationFactor {
            design.options.overrideParallelizationFactor(parallelizationFactor)
            // The override reaches every convolution, so a note that a Model value was hidden no longer holds.
            design.notes.removeAll { $0.hasSuffix(Self.hiddenModelFactorReason) }
            design.notes.append("ParallelizationFactor overridden to \(parallelizationFactor) for every convolution")
        }
        if let ioType, ioType != options.ioType {
            design.options.ioType = ioType
            design.notes.append("IOType overridden to \(ioType.rawValue)")
        }
        if let reuseFactor {
            // Applied as given: an impossible value is rejected by the scheduler, which names the layer.
            design.options.overrideReuseFactor(reuseFactor)
            design.notes.append("ReuseFactor overridden to \(reuseFactor) for every layer")
        }
        if let clockPeriodNs {
            if clockPeriodNs > 0, clockPeriodNs.isFinite {
                design.options = design.options.withClockPeriod(clockPeriodNs, uncertainty: clockUncertainty)
                design.notes.append("ClockPeriod overridden to \(clockPeriodNs) ns "
                    + "(uncertainty \(clockUncertainty) = \(design.options.clockUncertaintyNs) ns)")
                if let warning = design.options.device.clockWarning(periodNs: clockPeriodNs) { design.notes.append(warning) }
                if design.options.clockUncertaintyNs >= clockPeriodNs {
                    design.notes.append("warning: the clock uncertainty \(design.options.clockUncertaintyNs) ns "
                        + "leaves no time in a \(clockPeriodNs) ns period")
                }
            } else {
                design.notes.append("ignored ClockPeriod override \(clockPeriodNs): it must be a positive number of ns")
            }
        }
        return design
    }
}

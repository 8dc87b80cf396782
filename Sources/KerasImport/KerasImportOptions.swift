import FixedPoint
import Foundation
import Scheduling

/// How a Keras model is turned into a design.
public struct KerasImportOptions: Sendable, Equatable {
    /// Reproduce hls4ml 1.3's conversion (BatchNorm folding in float32, linear-activation merging, decimal
    /// weight files) so that fixed-point outputs equal hls4ml's C simulation. When false, a BatchNorm after a
    /// Dense is still folded into it but in double precision, consecutive BatchNorms are not merged, the
    /// QKeras quantizers of a QBatchNormalization are applied as QKeras does, and weights are exact.
    public var hls4mlCompatible: Bool
    /// hls4ml's `default_precision` (the model default every `auto` without a rule falls back to).
    public var defaultPrecision: Precision
    /// Model-wide ReuseFactor.
    public var reuseFactor: Int
    public var strategy: Strategy
    /// Clock period in ns (the uncertainty is 12.5 % of it).
    public var clockPeriodNs: Double
    /// Device profile name, found as `<name>.yml` in `profileSearchPaths` then `./Profiles`.
    public var device: String
    public var profileSearchPaths: [URL]
    /// The design name; default: the Keras model name, made an identifier.
    public var name: String?

    public init(hls4mlCompatible: Bool = true, defaultPrecision: Precision = .fixed(16, 6), reuseFactor: Int = 1,
                strategy: Strategy = .latency, clockPeriodNs: Double = 5, device: String = "xcvu9p-2",
                profileSearchPaths: [URL] = [], name: String? = nil) {
        self.hls4mlCompatible = hls4mlCompatible
        self.defaultPrecision = defaultPrecision
        self.reuseFactor = reuseFactor
        self.strategy = strategy
        self.clockPeriodNs = clockPeriodNs
        self.device = device
        self.profileSearchPaths = profileSearchPaths
        self.name = name
    }
}

import FixedPoint
import Foundation
import NetworkIR
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
    /// `ParallelizationFactor` of every convolution, written to its LayerName entry (nil: hls4ml's default, 1 output
    /// pixel per iteration).
    public var parallelizationFactor: Int?
    /// hls4ml's `IOType`. It changes the numerics of one layer: io_stream's SELU holds λ in its input type,
    /// io_parallel's in `ap_ufixed<16,1>`.
    public var ioType: IOType
    /// `LayerName.<softmax>.Implementation` of every softmax layer (hls4ml's default is `stable`).
    public var softmaxImplementation: SoftmaxParameters.Implementation
    /// Per-layer precision settings, `LayerName.<layer>.Precision.<key>` in hls4ml's config, by hls4ml's layer
    /// name (a split activation is `<dense>_<activation>`, the input keeps its Keras name) and key (`result`,
    /// `weight`, `bias`, `accum`, `scale`, `param`). They replace what `config_from_keras_model` put there
    /// (`auto` or a QKeras quantizer's type) before the conversion passes run, as an edit of the config does.
    public var layerPrecisions: [String: [String: Precision]]
    /// Clock period in ns (the uncertainty is 12.5 % of it).
    public var clockPeriodNs: Double
    /// Device profile name, found as `<name>.yml` in `profileSearchPaths` then `./Profiles`.
    public var device: String
    public var profileSearchPaths: [URL]
    /// The design name; default: the Keras model name, made an identifier.
    public var name: String?

    public init(hls4mlCompatible: Bool = true, defaultPrecision: Precision = .fixed(16, 6), reuseFactor: Int = 1,
                strategy: Strategy = .latency, parallelizationFactor: Int? = nil, ioType: IOType = .parallel,
                softmaxImplementation: SoftmaxParameters.Implementation = .stable,
                layerPrecisions: [String: [String: Precision]] = [:], clockPeriodNs: Double = 5, device: String = "xcvu9p-2",
                profileSearchPaths: [URL] = [], name: String? = nil) {
        self.hls4mlCompatible = hls4mlCompatible
        self.defaultPrecision = defaultPrecision
        self.reuseFactor = reuseFactor
        self.strategy = strategy
        self.parallelizationFactor = parallelizationFactor
        self.ioType = ioType
        self.softmaxImplementation = softmaxImplementation
        self.layerPrecisions = layerPrecisions
        self.clockPeriodNs = clockPeriodNs
        self.device = device
        self.profileSearchPaths = profileSearchPaths
        self.name = name
    }
}

extension KerasImportOptions {
    /// Adds one per-layer precision written `LAYER.KEY=TYPE` (`logits.result=ap_fixed<16,6>`, the
    /// `--layer-precision` option): hls4ml's `LayerName.LAYER.Precision.KEY = TYPE`.
    public mutating func addLayerPrecision(_ assignment: String) throws(LayerPrecisionSyntaxError) {
        guard let equals = assignment.firstIndex(of: "=") else {
            throw LayerPrecisionSyntaxError(text: assignment, reason: "expected LAYER.KEY=TYPE, e.g. logits.result=ap_fixed<16,6>")
        }
        let target = assignment[..<equals].trimmingCharacters(in: .whitespaces)
        let typeText = assignment[assignment.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        guard let dot = target.lastIndex(of: "."), dot != target.startIndex, target.index(after: dot) != target.endIndex else {
            throw LayerPrecisionSyntaxError(text: assignment, reason: "expected LAYER.KEY before '=', e.g. logits.result")
        }
        let precision: Precision
        do { precision = try Precision(parsing: typeText) } catch {
            throw LayerPrecisionSyntaxError(text: assignment, reason: error.description)
        }
        layerPrecisions[String(target[..<dot]), default: [:]][String(target[target.index(after: dot)...])] = precision
    }
}

/// A `LAYER.KEY=TYPE` setting that does not parse.
public struct LayerPrecisionSyntaxError: Error, Equatable, CustomStringConvertible {
    public var text: String
    public var reason: String

    public var description: String { "'\(text)': \(reason)" }
}

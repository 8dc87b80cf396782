import FixedPoint
import Foundation
import NetworkIR
import Design
import RTL
import Scheduling

/// A precision in an hls4ml configuration: `auto` (filled in by the inference rules) or a concrete type.
public enum HLS4MLPrecisionSetting: Sendable, Equatable, CustomStringConvertible {
    case auto
    case fixed(Precision)

    /// hls4ml's spelling in a config dictionary: `auto`, `fixed<8,1,TRN,WRAP,0>`, `ufixed<8,3,RND_CONV,SAT,0>`.
    public var description: String {
        switch self {
        case .auto: return "auto"
        case let .fixed(precision): return HLS4MLConversion.configString(precision)
        }
    }
}

/// One layer of the converted graph, with its hls4ml class, config keys and (after inference) its types.
public struct HLS4MLNode: Sendable, Equatable {
    public enum Operation: Sendable, Equatable {
        case input
        /// kernel `[n_in][units]` row-major; quantizers of a QDense.
        case dense(units: Int, kernel: [Double], bias: [Double], hasBias: Bool,
                   kernelQuantizer: QKerasQuantizer?, biasQuantizer: QKerasQuantizer?)
        /// The folded per-channel scale and bias, computed in float32 (hls4ml) or kept as doubles.
        case batchNormalization(scale: [Double], bias: [Double])
        /// Conv1D/Conv2D (kernel in Keras' order, already quantized for a QConv); quantizers of a QConv.
        case convolution(ConvolutionParameters, hasBias: Bool, kernelQuantizer: QKerasQuantizer?, biasQuantizer: QKerasQuantizer?)
        case relu
        case leakyReLU(alpha: Double)
        case linear
        /// One of hls4ml's merge layers over the node's two inputs.
        case merge(MergeOperation)
        /// A table activation: hls4ml's Activation (sigmoid, tanh, softplus, softsign, selu) or, for ELU,
        /// ParametrizedActivation.
        case lookup(LookupActivation)
        /// hls4ml's HardActivation with the types its `initialize` gives slope and shift (Keras: `ap_ufixed<16,0>`
        /// and `ap_ufixed<2,0>`; QKeras: both `ap_ufixed<2,0>`), which no config key changes.
        case hardActivation(HardActivation, slopeType: Precision, shiftType: Precision)
        /// hls4ml's Softmax.
        case softmax(SoftmaxParameters)
        /// Pooling1D/2D (Max, Average) or GlobalPooling1D/2D.
        case pooling(PoolingParameters)
        /// ZeroPadding1D/2D.
        case zeroPadding(ZeroPaddingParameters)
        /// UpSampling1D/2D nearest: hls4ml's Resize.
        case upSampling(UpSamplingParameters)

        /// hls4ml's `activation` attribute of an activation (`relu`, `sigmoid`, `elu`, `hard_tanh`, `softmax`, …);
        /// the class name otherwise.
        var functionName: String {
            switch self {
            case .relu: return "relu"
            case .linear: return "linear"
            case .leakyReLU: return "leaky_relu"
            case let .lookup(activation): return activation.function.rawValue
            case let .hardActivation(activation, _, _): return activation.function.rawValue
            case .softmax: return "softmax"
            case .input: return "input"
            case .dense: return "dense"
            case let .convolution(parameters, _, _, _): return parameters.kindName.lowercased()
            case .batchNormalization: return "batchnormalization"
            case let .merge(merge): return merge.rawValue
            case let .pooling(parameters): return parameters.kindName.lowercased()
            case let .zeroPadding(parameters): return parameters.kindName.lowercased()
            case .upSampling: return "resize"
            }
        }
    }

    public var name: String
    public var operation: Operation
    /// Total size of what it reads (both tensors of a merge).
    public var inputSize: Int
    /// The nodes it reads, by name (empty for the input).
    public var inputs: [String] = []
    /// The precision keys of the config (`result`, `weight`, `bias`, `accum`, `scale`, `param`).
    public var settings: [String: HLS4MLPrecisionSetting]
    /// The Keras class this node came from (for the summary).
    public var kerasClass: String
    /// Precision keys `config_from_keras_model` adds after the layer's own from its `*_quantizer` attributes
    /// (a QBatchNormalization's `mean`, `variance`, `beta`, `gamma`); their values are in `settings`. hls4ml
    /// never reads them back.
    public var quantizerConfigKeys: [String] = []
    /// Precision keys set by `KerasImportOptions.layerPrecisions`: the config shows them as given
    /// (`ap_fixed<16,6>`), the way an edited hls4ml config does.
    public var givenKeys: Set<String> = []
    /// A Keras 3 `layers.ReLU`: hls4ml's Keras 3 converter makes it a ParametrizedActivation `thresholdedrelu` with
    /// threshold 0 (the same values as relu) whose param_t is the incoming type.
    public var isThresholdedReLU = false
    /// Positions of this node's tensor among the model's outputs (Keras `output_layers`), when the model has
    /// several (more than one when passes made two outputs the same tensor).
    public var outputIndices: [Int] = []

    public var outputSize: Int {
        if case let .dense(units, _, _, _, _, _) = operation { return units }
        if case let .convolution(parameters, _, _, _) = operation { return parameters.outputShape.count }
        if case let .merge(merge) = operation, merge != .concatenate { return inputSize / MergeOperation.arity }
        if case let .pooling(parameters) = operation { return parameters.outputShape.count }
        if case let .zeroPadding(parameters) = operation { return parameters.outputShape.count }
        if case let .upSampling(parameters) = operation { return parameters.outputShape.count }
        return inputSize
    }

    /// hls4ml's class name (`Input`, `Dense`, `BatchNormalization`, `Activation`, `ParametrizedActivation`).
    public var hlsClass: String {
        switch operation {
        case .input: return "Input"
        case .dense: return "Dense"
        case let .convolution(parameters, _, _, _): return parameters.kindName
        case .batchNormalization: return "BatchNormalization"
        case .leakyReLU: return "ParametrizedActivation"
        case .relu: return isThresholdedReLU ? "ParametrizedActivation" : "Activation"
        case .linear: return "Activation"
        case let .merge(merge): return merge == .concatenate ? "Concatenate" : "Merge"
        case let .lookup(activation): return activation.function == .elu ? "ParametrizedActivation" : "Activation"
        case .hardActivation: return "HardActivation"
        case .softmax: return "Softmax"
        case let .pooling(parameters): return (parameters.isGlobal ? "GlobalPooling" : "Pooling") + "\(parameters.spatialDimensions)D"
        case let .zeroPadding(parameters): return parameters.kindName
        case .upSampling: return "Resize"
        }
    }

    /// The config keys in hls4ml's order.
    var configKeys: [String] {
        switch operation {
        case .input: return ["result"]
        case .dense, .convolution: return ["result", "weight", "bias", "accum"]
        case .batchNormalization: return ["result", "scale", "bias"] + quantizerConfigKeys
        case .leakyReLU: return ["result", "param"]
        case .relu: return isThresholdedReLU ? ["result", "param"] : ["result"]
        case .linear, .merge, .zeroPadding, .upSampling: return ["result"]
        case .pooling: return ["result", "accum"]
        case let .lookup(activation): return activation.function == .elu ? ["result", "param"] : ["result"]
        case .hardActivation: return ["result", "slope", "shift"]
        case .softmax: return ["result"] + Self.softmaxTypeKeys
        }
    }

    /// Whether hls4ml's layer is an Activation (`table` and `TableSize` in its config, never read back).
    var isActivation: Bool {
        switch operation {
        case .relu, .linear, .leakyReLU, .lookup, .hardActivation, .softmax: return true
        case .input, .dense, .convolution, .batchNormalization, .merge, .pooling, .zeroPadding, .upSampling: return false
        }
    }

    /// The softmax's own type attributes (`backends/fpga/fpga_backend.py`), each with the default
    /// `ap_fixed<18,8,AP_RND,AP_SAT>` that `config_from_keras_model` writes into the config.
    static let softmaxTypeKeys = ["exp_table", "inv_table", "inv_inp", "accum"]

    /// The precision keys hls4ml reads back from `LayerName.<layer>.Precision` (result, weights, accum, param);
    /// the tables' types, slope and shift come from the layer's defaults whatever the config says.
    var readKeys: [String] {
        switch operation {
        case .hardActivation: return ["result"]
        case .softmax: return ["result", "accum"]
        default: return configKeys.filter { !quantizerConfigKeys.contains($0) }
        }
    }
}

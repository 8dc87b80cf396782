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

/// The result of converting a Keras model: the hls4ml-style configuration as created, the graph after the
/// passes with every type resolved, and the Network IR.
public struct HLS4MLConversion: Sendable {
    /// `config_from_keras_model(model, granularity="name", default_precision=…, backend="Vivado")`.
    public var config: HLS4MLConfig
    /// Types per kept layer, hls4ml's names (`result_t`, `accum_t`, `weight_t`, `bias_t`, `scale_t`, `param_t`,
    /// `table_t`), including the input `x_in`.
    public var layerTypes: [(name: String, hlsClass: String, types: [String: Precision])]
    public var network: Network
    public var notes: [String]

    /// Converts `model`: builds hls4ml's layer list (Dense activations split into `<name>_<act>`) and its
    /// config; in compatible mode merges consecutive BatchNorms (float32, `batchnorm_opt.py`); folds BatchNorms
    /// into preceding Dense layers (float32 as hls4ml in compatible mode, else in double); in compatible mode
    /// also merges linear activations (losing a QActivation quantized_bits type, as
    /// hls4ml 1.3 does); infers `auto` types (hls4ml 1.3 `infer_precision`); in compatible mode removes no-op
    /// BatchNorms and stores weights the way hls4ml's weight files carry them (decimal, F digits).
    public init(model: KerasModel, options: KerasImportOptions) throws(KerasImportError) {
        let compatible = options.hls4mlCompatible
        var notes: [String] = []
        var nodes = try Self.buildNodes(model, options: options, notes: &notes)
        try Self.applyLayerPrecisions(options.layerPrecisions, to: &nodes, file: model.file, notes: &notes)
        let folded = model.architecture.layers.filter { if case .reshape = $0.kind { return true } else { return false } }.map(\.name)
        config = HLS4MLConfig(nodes: nodes, folded: folded, defaultPrecision: options.defaultPrecision, reuseFactor: options.reuseFactor,
                              strategy: options.strategy)
        if compatible {
            // The part of hls4ml's 'convert' flow that applies here, run as model/optimizer/optimizer.py
            // optimize_model does: passes in flow order, each tried on the nodes in graph order; a pass that
            // transforms restarts the list from the first pass.
            while Self.fuseConsecutiveBatchNormalization(&nodes, notes: &notes)
                    || Self.fuseBatchNormalization(&nodes, float32: true, notes: &notes)
                    || Self.mergeLinearActivation(&nodes, notes: &notes) {}
        } else {
            while Self.fuseBatchNormalization(&nodes, float32: false, notes: &notes) {}
        }
        var types = Self.inferTypes(nodes, defaultPrecision: options.defaultPrecision, ioType: options.ioType, notes: &notes)
        if compatible {
            // hls4ml's 'optimize' flow, after type inference: a BatchNorm with scale ≡ 1 and bias ≡ 0 goes.
            var index = 1
            while index < nodes.count {
                if case let .batchNormalization(scale, bias) = nodes[index].operation,
                   scale.allSatisfy({ $0 == 1 }), bias.allSatisfy({ $0 == 0 }) {
                    notes.append("\(nodes[index].name): BatchNormalization with scale 1 and bias 0 removed (as hls4ml does)")
                    Self.remove(index, replacingWith: nodes[index].inputs.first ?? nodes[index - 1].name, in: &nodes)
                    types.remove(at: index)
                } else {
                    index += 1
                }
            }
        }
        layerTypes = zip(nodes, types).map { node, types in (node.name, node.hlsClass, types.named(for: node)) }
        network = try Self.network(model: model, nodes: nodes, types: types, options: options, notes: &notes)
        self.notes = notes
    }

    // MARK: Building the layer list

    static func buildNodes(_ model: KerasModel, options: KerasImportOptions, notes: inout [String]) throws(KerasImportError) -> [HLS4MLNode] {
        let compatible = options.hls4mlCompatible
        var nodes: [HLS4MLNode] = []
        var size = model.inputSize
        let splitLinear = model.architecture.kerasMajorVersion < 3
        /// The node that holds each Keras layer's output (a split activation's, or the input of a dropped layer).
        var producer: [String: String] = [:]
        for layer in model.architecture.layers {
            let weights = model.weights[layer.name] ?? [:]
            // The nodes this layer reads: its inbound layers' producers (or the node before it).
            var reads = layer.inputs.compactMap { producer[$0] }
            if reads.isEmpty, let last = nodes.last?.name { reads = [last] }
            let readSizes = reads.map { name in nodes.first { $0.name == name }?.outputSize ?? model.inputSize }
            size = readSizes.reduce(0, +)
            if case .input = layer.kind { size = model.inputSize }
            func node(_ name: String, _ operation: HLS4MLNode.Operation, _ keys: [String: HLS4MLPrecisionSetting] = [:]) -> HLS4MLNode {
                var node = HLS4MLNode(name: name, operation: operation, inputSize: size, settings: [:], kerasClass: layer.className)
                node.inputs = nodes.isEmpty ? [] : (name == layer.name ? reads : [nodes.last!.name])
                for key in node.configKeys { node.settings[key] = keys[key] ?? .auto }
                return node
            }
            // The node holding this layer's output: the last one it added, unless it added none and said so
            // (a dropped layer stands for what it reads; `continue` runs this too).
            defer { if producer[layer.name] == nil { producer[layer.name] = nodes.last?.name } }
            switch layer.kind {
            case .input:
                nodes.append(node(layer.name, .input))
            case let .dense(units, activation, useBias, kernelQuantizer, biasQuantizer):
                var kernel = weights["kernel"]?.values ?? []
                var bias = weights["bias"]?.values ?? Array(repeating: Float(0), count: units)
                var keys: [String: HLS4MLPrecisionSetting] = [:]
                if let kernelQuantizer {
                    kernel = kernel.map(kernelQuantizer.quantize)
                    keys["weight"] = .fixed(kernelQuantizer.weightType)
                    notes.append("\(layer.name): kernel quantized by \(kernelQuantizer.summary) → \(kernelQuantizer.weightType)")
                }
                if let biasQuantizer, useBias {
                    bias = bias.map(biasQuantizer.quantize)
                    keys["bias"] = .fixed(biasQuantizer.weightType)
                }
                if !useBias { keys["bias"] = .fixed(.uint(1)) }
                nodes.append(node(layer.name, .dense(units: units, kernel: kernel.map(Double.init), bias: bias.map(Double.init), hasBias: useBias,
                                                     kernelQuantizer: kernelQuantizer, biasQuantizer: useBias ? biasQuantizer : nil), keys))
                size = units
                switch activation {
                case .linear:
                    // hls4ml's Keras 2 converter splits even a linear activation (merged away again later).
                    if compatible, splitLinear || layer.className == "QDense" {
                        nodes.append(node(layer.name + "_linear", .linear))
                    }
                default:
                    let (operation, keys) = Self.activationOperation(activation, alpha: 1, options: options)
                    let name = layer.name + "_" + activation.rawValue
                    nodes.append(node(name, operation, keys))
                    notes.append("\(layer.name): activation \(activation.rawValue) split into layer \(name) (as hls4ml's converter does)")
                }
            case let .batchNormalization(epsilon, center, scale, quantizers):
                let count = size
                // On an image the statistics are per channel (the last axis); nnet_batchnorm.h indexes them by
                // element % n_filt, which is the same as repeating them for every pixel.
                let channels = weights["moving_mean"]!.values.count
                func perElement(_ values: [Float]) -> [Float] { channels == count ? values : (0..<count).map { values[$0 % channels] } }
                var gamma = scale ? perElement(weights["gamma"]!.values) : Array(repeating: Float(1), count: count)
                var beta = center ? perElement(weights["beta"]!.values) : Array(repeating: Float(0), count: count)
                var mean = perElement(weights["moving_mean"]!.values)
                var variance = perElement(weights["moving_variance"]!.values)
                var quantizerKeys: [String: HLS4MLPrecisionSetting] = [:]
                var configKeys: [String] = []
                if !quantizers.isEmpty, compatible {
                    // converters/keras/qkeras.py parse_qbatchnorm_layer keeps the quantizers only as layer
                    // attributes; config_from_keras_model copies their hls_type into Precision[mean|variance|
                    // beta|gamma], which nothing reads. model/layers.py BatchNormalization uses the raw weights.
                    for quantizer in quantizers {
                        guard let key = quantizer.configKey else { continue }
                        configKeys.append(key)
                        quantizerKeys[key] = .fixed(quantizer.hls4mlType)
                    }
                    notes.append("\(layer.name): QBatchNormalization quantizers "
                        + quantizers.map(\.summary).joined(separator: ", ")
                        + " are not applied (hls4ml 1.3 only lists them in the config; scale and bias come from the unquantized weights)")
                } else if !quantizers.isEmpty {
                    // QKeras' inference: quantized γ, β, moving mean and variance (float32, its rounding).
                    for quantizer in quantizers {
                        guard let rounding = quantizer.quantizedBits, quantizer.role != "inverse_quantizer" else {
                            throw .unsupportedLayer(file: model.file, layer: layer.name, className: layer.className,
                                reason: "\(quantizer.summary) cannot be applied as QKeras does (supported without hls4ml compatibility: deterministic quantized_bits with alpha 1 for gamma, beta, mean and variance)")
                        }
                        switch quantizer.role {
                        case "gamma_quantizer": if scale { gamma = gamma.map(rounding.quantize) }
                        case "beta_quantizer": if center { beta = beta.map(rounding.quantize) }
                        case "mean_quantizer": mean = mean.map(rounding.quantize)
                        default: variance = variance.map(rounding.quantize)
                        }
                    }
                    notes.append("\(layer.name): QBatchNormalization quantizers " + quantizers.map(\.summary).joined(separator: ", ")
                        + " applied to its weights, as QKeras does")
                }
                let folded: (scale: [Double], bias: [Double])
                if compatible {
                    // model/layers.py: scale = γ/np.sqrt(var + ε), bias = β − scale·mean, all float32
                    // (ε, a Python float, becomes float32 under NumPy 2's promotion rules).
                    let eps = Float(epsilon)
                    let s = zip(gamma, variance).map { $0 / ($1 + eps).squareRoot() }
                    let b = (0..<count).map { beta[$0] - s[$0] * mean[$0] }
                    folded = (s.map(Double.init), b.map(Double.init))
                } else {
                    let p = BatchNormParameters(gamma: gamma.map(Double.init), beta: beta.map(Double.init),
                                                mean: mean.map(Double.init), variance: variance.map(Double.init), epsilon: epsilon)
                    folded = (p.scale, p.shift)
                }
                var bnNode = node(layer.name, .batchNormalization(scale: folded.scale, bias: folded.bias), quantizerKeys)
                bnNode.quantizerConfigKeys = configKeys
                for key in configKeys { bnNode.settings[key] = quantizerKeys[key] }
                nodes.append(bnNode)
            case let .activation(activation):
                switch activation {
                case .linear:
                    if compatible { nodes.append(node(layer.name, .linear)) }
                    else {
                        notes.append("\(layer.name): linear activation dropped (an identity)")
                        producer[layer.name] = reads.first
                    }
                default:
                    let (operation, keys) = Self.activationOperation(activation, alpha: 1, options: options)
                    var activationNode = node(layer.name, operation, keys)
                    activationNode.isThresholdedReLU = activation == .relu && layer.className == "ReLU" && !splitLinear
                    if activationNode.isThresholdedReLU { activationNode.settings["param"] = .auto }
                    nodes.append(activationNode)
                }
            case let .elu(alpha):
                nodes.append(node(layer.name, .lookup(LookupActivation(function: .elu, alpha: alpha))))
            case let .leakyReLU(alpha):
                nodes.append(node(layer.name, .leakyReLU(alpha: alpha)))
            case let .quantizedActivation(quantizer):
                let type = quantizer.activationType
                let operation: HLS4MLNode.Operation
                switch quantizer.kind {
                case .relu: operation = .relu
                case .bits: operation = .linear
                case .tanh, .sigmoid:
                    // converters/keras/qkeras.py get_activation_quantizer: a hard activation with QKeras' slope and
                    // shift 0.5, both typed ap_ufixed<2,0>; with use_real_tanh/sigmoid the table activation.
                    if quantizer.usesRealFunction {
                        operation = .lookup(LookupActivation(function: quantizer.kind == .tanh ? .tanh : .sigmoid))
                    } else {
                        let function: HardActivation.Function = quantizer.kind == .tanh ? .hardTanh : .hardSigmoid
                        operation = .hardActivation(HardActivation(function: function, slope: 0.5, shift: 0.5),
                                                    slopeType: .ufixed(2, 0), shiftType: .ufixed(2, 0))
                    }
                }
                nodes.append(node(layer.name, operation, ["result": .fixed(type)]))
                var converted = ""
                if case let .hardActivation(activation, _, _) = operation { converted = "HardActivation \(activation.function.rawValue), " }
                if case let .lookup(activation) = operation { converted = "Activation \(activation.function.rawValue), " }
                notes.append("\(layer.name): \(quantizer.summary) → \(converted)result \(type)")
            case .passThrough:
                notes.append("\(layer.name): \(layer.className) is a no-op, dropped")
                producer[layer.name] = reads.first
                continue
            case .reshape:
                // hls4ml aliases the array in io_parallel (a Reshape layer with no code); the shape lives on in
                // the next convolution's input shape.
                let shape = model.shapes[layer.name].map { "(" + $0.map(String.init).joined(separator: ", ") + ")" } ?? "?"
                notes.append("\(layer.name): \(layer.className) to \(shape) folded away (no block; hls4ml aliases the array)")
                producer[layer.name] = reads.first
                continue
            case let .convolution(conv):
                let inputShape = layer.inputs.first.flatMap { model.shapes[$0] } ?? model.inputShape
                var kernel = weights["kernel"]?.values ?? []
                var bias = weights["bias"]?.values ?? Array(repeating: Float(0), count: conv.filters)
                var keys: [String: HLS4MLPrecisionSetting] = [:]
                if let kernelQuantizer = conv.kernelQuantizer {
                    kernel = kernel.map(kernelQuantizer.quantize)
                    keys["weight"] = .fixed(kernelQuantizer.weightType)
                    notes.append("\(layer.name): kernel quantized by \(kernelQuantizer.summary) → \(kernelQuantizer.weightType)")
                }
                if let biasQuantizer = conv.biasQuantizer, conv.useBias {
                    bias = bias.map(biasQuantizer.quantize)
                    keys["bias"] = .fixed(biasQuantizer.weightType)
                }
                let parameters = conv.parameters(inputShape: inputShape, weights: kernel.map(Double.init), biases: bias.map(Double.init))
                nodes.append(node(layer.name, .convolution(parameters, hasBias: conv.useBias, kernelQuantizer: conv.kernelQuantizer,
                                                           biasQuantizer: conv.useBias ? conv.biasQuantizer : nil), keys))
                size = parameters.outputShape.count
                switch conv.activation {
                case .linear:
                    if compatible, splitLinear || layer.className.hasPrefix("Q") {
                        nodes.append(node(layer.name + "_linear", .linear))
                    }
                default:
                    let (operation, keys) = Self.activationOperation(conv.activation, alpha: 1, options: options)
                    let name = layer.name + "_" + conv.activation.rawValue
                    nodes.append(node(name, operation, keys))
                    notes.append("\(layer.name): activation \(conv.activation.rawValue) split into layer \(name) (as hls4ml's converter does)")
                }
            case let .merge(merge):
                nodes.append(node(layer.name, .merge(merge)))
            case let .image(image):
                let inputShape = layer.inputs.first.flatMap { model.shapes[$0] } ?? model.inputShape
                switch image.operation(inputShape: inputShape) {
                case let .pooling(parameters): nodes.append(node(layer.name, .pooling(parameters)))
                case let .zeroPadding(parameters): nodes.append(node(layer.name, .zeroPadding(parameters)))
                case let .upSampling(parameters): nodes.append(node(layer.name, .upSampling(parameters)))
                default: break
                }
            }
        }
        let outputs = model.architecture.outputs
        if outputs.count > 1 {
            for (position, name) in outputs.enumerated() {
                guard let node = producer[name], let index = nodes.firstIndex(where: { $0.name == node }) else {
                    throw .badOutput(file: model.file, layer: name, reason: "the model outputs '\(name)', which is not one of its layers")
                }
                nodes[index].outputIndices.append(position)
            }
        }
        return nodes
    }

    /// The node hls4ml's converters make of a Keras activation (`converters/keras/core.py`
    /// parse_activation_layer, `keras_v3/core.py` ActivationHandler): softmax → Softmax (the configured
    /// implementation), hard_sigmoid → HardActivation with Keras 2's slope 0.2 and shift 0.5, elu →
    /// ParametrizedActivation ELU with α, the other functions → an Activation with a 1024-entry table; with the
    /// config keys whose defaults are not `auto`.
    static func activationOperation(_ activation: KerasActivation, alpha: Double,
                                    options: KerasImportOptions) -> (HLS4MLNode.Operation, [String: HLS4MLPrecisionSetting]) {
        switch activation {
        case .linear: return (.linear, [:])
        case .relu: return (.relu, [:])
        case .sigmoid: return (.lookup(LookupActivation(function: .sigmoid)), [:])
        case .tanh: return (.lookup(LookupActivation(function: .tanh)), [:])
        case .softplus: return (.lookup(LookupActivation(function: .softplus)), [:])
        case .softsign: return (.lookup(LookupActivation(function: .softsign)), [:])
        case .selu: return (.lookup(LookupActivation(function: .selu)), [:])
        case .elu: return (.lookup(LookupActivation(function: .elu, alpha: alpha)), [:])
        case .hardSigmoid:
            return (.hardActivation(HardActivation(function: .hardSigmoid), slopeType: HardActivation.defaultSlopePrecision,
                                    shiftType: HardActivation.defaultShiftPrecision), [:])
        case .softmax:
            let table = HLS4MLPrecisionSetting.fixed(SoftmaxParameters.defaultTablePrecision)
            return (.softmax(SoftmaxParameters(implementation: options.softmaxImplementation)),
                    Dictionary(uniqueKeysWithValues: HLS4MLNode.softmaxTypeKeys.map { ($0, table) }))
        }
    }

    /// Applies `KerasImportOptions.layerPrecisions` to the config, as an edit of `LayerName.<layer>.Precision`
    /// does: only keys hls4ml reads back are accepted (a table type, slope or shift would be ignored by hls4ml).
    static func applyLayerPrecisions(_ settings: [String: [String: Precision]], to nodes: inout [HLS4MLNode],
                                     file: String, notes: inout [String]) throws(KerasImportError) {
        for (layer, keys) in settings.sorted(by: { $0.key < $1.key }) {
            guard let index = nodes.firstIndex(where: { $0.name == layer }) else {
                throw .invalidLayerPrecision(file: file, layer: layer, key: keys.keys.sorted().first ?? "result",
                    reason: "the converted model has no layer '\(layer)' (layers: " + nodes.map(\.name).joined(separator: ", ") + ")")
            }
            for (key, precision) in keys.sorted(by: { $0.key < $1.key }) {
                let node = nodes[index]
                guard node.readKeys.contains(key) else {
                    let ignored = node.configKeys.contains(key) || (key == "table" && node.isActivation)
                    throw .invalidLayerPrecision(file: file, layer: layer, key: key,
                        reason: (ignored ? "hls4ml 1.3 does not read this key of a layer of class \(node.hlsClass) (it keeps its default type); edit the written design file instead"
                                         : "a layer of class \(node.hlsClass) has no such precision")
                            + "; keys it reads: " + node.readKeys.joined(separator: ", "))
                }
                nodes[index].settings[key] = .fixed(precision)
                nodes[index].givenKeys.insert(key)
                notes.append("\(layer): Precision.\(key) set to \(precision) (import option)")
            }
        }
    }

    /// The index of the node named `name`.
    static func index(of name: String?, in nodes: [HLS4MLNode]) -> Int? {
        guard let name else { return nil }
        return nodes.firstIndex { $0.name == name }
    }

    /// How many times the node `name` is read, a design output counting as one reader (so nothing folds away a
    /// tensor the model outputs).
    static func consumers(of name: String, in nodes: [HLS4MLNode]) -> Int {
        nodes.reduce(0) { $0 + $1.inputs.filter { $0 == name }.count + ($1.name == name ? $1.outputIndices.count : 0) }
    }

    /// Removes node `index`; the nodes that read it read `replacement` instead, and if it was a model output,
    /// `replacement` now is.
    static func remove(_ index: Int, replacingWith replacement: String, in nodes: inout [HLS4MLNode]) {
        let name = nodes[index].name
        let outputs = nodes[index].outputIndices
        nodes.remove(at: index)
        for other in nodes.indices {
            nodes[other].inputs = nodes[other].inputs.map { $0 == name ? replacement : $0 }
            if nodes[other].name == replacement { nodes[other].outputIndices += outputs }
        }
    }

    // MARK: Passes

    /// `passes/linear.py` MergeLinearActivation, one step: the first linear activation after a Dense, BatchNorm
    /// or activation whose result is `auto` is deleted (its own result type, e.g. a QActivation quantized_bits,
    /// is lost). Returns whether it changed the graph.
    static func mergeLinearActivation(_ nodes: inout [HLS4MLNode], notes: inout [String]) -> Bool {
        for index in nodes.indices.dropFirst() {
            guard nodes[index].operation == .linear, let parentIndex = Self.index(of: nodes[index].inputs.first, in: nodes) else { continue }
            let parent = nodes[parentIndex]
            guard parent.operation != .input, parent.settings["result"] == .auto else { continue }
            if case .fixed = nodes[index].settings["result"] {
                notes.append("\(nodes[index].name): linear activation merged into \(parent.name); as in hls4ml 1.3, its quantization \(nodes[index].settings["result"]!) is lost")
            }
            Self.remove(index, replacingWith: parent.name, in: &nodes)
            return true
        }
        return false
    }

    /// `passes/batchnorm_opt.py` FuseConsecutiveBatchNormalization, one step: the first BatchNorm whose input is
    /// a BatchNorm with an `auto` result absorbs it: scale s0·s1, bias s1·b0 + b1, in float32 (NumPy on the
    /// float32 weights), under the second BatchNorm's name and config; the first one goes. The pass's quantizer
    /// conditions never block a Keras model: hls4ml gives a (Q)BatchNormalization no `scale_quantizer` or
    /// `bias_quantizer` (only ApplyAlpha has them), so the merged scale and bias are unquantized, and their
    /// types stay the second layer's (`auto` → the default).
    static func fuseConsecutiveBatchNormalization(_ nodes: inout [HLS4MLNode], notes: inout [String]) -> Bool {
        for index in nodes.indices.dropFirst() {
            guard case let .batchNormalization(s1, b1) = nodes[index].operation,
                  let parentIndex = Self.index(of: nodes[index].inputs.first, in: nodes),
                  case let .batchNormalization(s0, b0) = nodes[parentIndex].operation,
                  nodes[parentIndex].settings["result"] == .auto,
                  Self.consumers(of: nodes[parentIndex].name, in: nodes) == 1 else { continue }
            let count = s1.count
            let scale = (0..<count).map { Double(Float(s0[$0]) * Float(s1[$0])) }
            let bias = (0..<count).map { channel -> Double in
                let product = Float(s1[channel]) * Float(b0[channel])
                return Double(product + Float(b1[channel]))
            }
            notes.append("\(nodes[parentIndex].name): BatchNormalization merged into the following \(nodes[index].name) "
                + "(scale s0·s1, bias s1·b0 + b1 in float32, as hls4ml does)")
            nodes[index].operation = .batchNormalization(scale: scale, bias: bias)
            nodes[index].inputSize = nodes[parentIndex].inputSize
            nodes[index].inputs = nodes[parentIndex].inputs
            nodes.remove(at: parentIndex)
            return true
        }
        return false
    }

    /// `passes/bn_fuse.py` FuseBatchNormalization, one step: the first BatchNorm right after a Dense whose result
    /// is `auto` is folded into it (float32 as hls4ml, or double): W'[i,j] = s[j]·W[i,j], b' = s·b + β', the
    /// Dense's quantizers applied again to the fused values. hls4ml gives a (Q)BatchNormalization no
    /// scale/bias quantizer, so its conditions come down to: a quantized kernel only with s ≡ 1, a quantized bias
    /// only with β' ≡ 0. A BatchNorm that cannot fold stays (and is noted once). Returns whether it changed the
    /// graph.
    static func fuseBatchNormalization(_ nodes: inout [HLS4MLNode], float32: Bool, notes: inout [String]) -> Bool {
        for index in nodes.indices.dropFirst() {
            guard case let .batchNormalization(scale, shift) = nodes[index].operation,
                  let parentIndex = Self.index(of: nodes[index].inputs.first, in: nodes),
                  nodes[parentIndex].settings["result"] == .auto,
                  Self.consumers(of: nodes[parentIndex].name, in: nodes) == 1 else { continue }
            // A Dense's kernel is [n_in][units]; a convolution's [kh][kw][c][filters], and after it the BatchNorm's
            // per-element scale repeats per pixel, so its first `filters` entries are the per-filter values.
            let units: Int, kernel: [Double], bias: [Double], kernelQuantizer: QKerasQuantizer?, biasQuantizer: QKerasQuantizer?
            switch nodes[parentIndex].operation {
            case let .dense(n, k, b, _, kq, bq): (units, kernel, bias, kernelQuantizer, biasQuantizer) = (n, k, b, kq, bq)
            case let .convolution(p, _, kq, bq): (units, kernel, bias, kernelQuantizer, biasQuantizer) = (p.filters, p.weights, p.biases, kq, bq)
            default: continue
            }
            let scaleCompatible = kernelQuantizer == nil || scale.allSatisfy { $0 == 1 }
            let biasCompatible = biasQuantizer == nil || shift.allSatisfy { $0 == 0 }
            guard scaleCompatible, biasCompatible else {
                let note = "\(nodes[index].name): BatchNormalization kept: it cannot fold into the quantized \(nodes[parentIndex].name)"
                if !notes.contains(note) { notes.append(note) }
                continue
            }
            var newKernel: [Double], newBias: [Double]
            if float32 {
                let s = scale.map { Float($0) }, b1 = shift.map { Float($0) }
                let k = kernel.map { Float($0) }, b0 = bias.map { Float($0) }
                newKernel = k.indices.map { Double(s[$0 % units] * k[$0]) }
                newBias = (0..<units).map { channel -> Double in
                    let product = s[channel] * b0[channel]
                    return Double(product + b1[channel])
                }
            } else {
                newKernel = kernel.indices.map { scale[$0 % units] * kernel[$0] }
                newBias = (0..<units).map { scale[$0] * bias[$0] + shift[$0] }
            }
            if let kernelQuantizer { newKernel = newKernel.map { Double(kernelQuantizer.quantize(Float($0))) } }
            if let biasQuantizer { newBias = newBias.map { Double(biasQuantizer.quantize(Float($0))) } }
            var dense = nodes[parentIndex]
            if case var .convolution(parameters, _, _, _) = dense.operation {
                (parameters.weights, parameters.biases) = (newKernel, newBias)
                dense.operation = .convolution(parameters, hasBias: true, kernelQuantizer: kernelQuantizer, biasQuantizer: biasQuantizer)
            } else {
                dense.operation = .dense(units: units, kernel: newKernel, bias: newBias, hasBias: true,
                                         kernelQuantizer: kernelQuantizer, biasQuantizer: biasQuantizer)
            }
            if dense.settings["bias"] == .fixed(.uint(1)) { dense.settings["bias"] = .auto }
            nodes[parentIndex] = dense
            notes.append("\(nodes[index].name): BatchNormalization folded into \(dense.name)"
                + (float32 ? " (in float32, as hls4ml does)" : " (in double precision)"))
            Self.remove(index, replacingWith: dense.name, in: &nodes)
            return true
        }
        return false
    }

    // MARK: Types

    /// Resolved types of one node (hls4ml key names without `_t`).
    struct NodeTypes: Sendable {
        var values: [String: Precision] = [:]
        /// Types the generated C++ uses that hls4ml does not list among the layer's types: SELU's λ
        /// (`param`: a constant `ap_ufixed<16,1>` in io_parallel, the input type in io_stream) and the stable
        /// softmax's `inp_norm` (written into its config struct).
        var hidden: [String: Precision] = [:]
        /// The type of the tensor the node reads (of its first input).
        var input: Precision

        func named(for node: HLS4MLNode) -> [String: Precision] {
            var named: [String: Precision] = [:]
            for (key, value) in values { named[key + "_t"] = value }
            if case .batchNormalization = node.operation { named["scale_t"] = values["weight"]; named["weight_t"] = nil }
            return named
        }
    }

    /// `passes/infer_precision.py` (hls4ml 1.3) for every `auto`, and the fixed types hls4ml's layers and
    /// templates give the table activations and the softmax.
    static func inferTypes(_ nodes: [HLS4MLNode], defaultPrecision: Precision, ioType: IOType,
                           notes: inout [String]) -> [NodeTypes] {
        var all: [NodeTypes] = []
        var results: [String: Precision] = [:]
        var previous = defaultPrecision
        for node in nodes {
            let inputs = node.inputs.isEmpty ? [previous] : node.inputs.map { results[$0] ?? previous }
            let input = inputs[0]
            var types = NodeTypes(input: input)
            func concrete(_ key: String, _ rule: Precision? = nil) -> Precision {
                if case let .fixed(precision) = node.settings[key] ?? .auto { return precision }
                let inferred = rule ?? defaultPrecision
                if rule != nil { notes.append("\(node.name): \(key) auto → \(inferred)") }
                return inferred
            }
            switch node.operation {
            case .input:
                types.values["result"] = concrete("result")
            case .dense, .convolution:
                var bias = concrete("bias")
                // A convolution without bias: bias_t is ap_uint<1> (the zeros' type), not the config's `auto`.
                if case .convolution(_, hasBias: false, _, _) = node.operation, node.settings["bias"] == .auto { bias = .uint(1) }
                let weight = concrete("weight")
                var terms = node.inputSize
                if case let .convolution(parameters, _, _, _) = node.operation { terms = parameters.kernelTerms }   // n_chan·filt_height·filt_width
                let accumulator = PrecisionInference.denseAccumulator(input: input, weight: weight, bias: bias,
                                                                      inputSize: terms)
                types.values = ["weight": weight, "bias": bias, "accum": concrete("accum", accumulator),
                                "result": concrete("result", accumulator)]
            case .batchNormalization:
                let scale = concrete("scale"), bias = concrete("bias")
                types.values = ["weight": scale, "bias": bias,
                                "result": concrete("result", PrecisionInference.batchNormResult(input: input, scale: scale, bias: bias))]
            case let .leakyReLU(alpha):
                types.values = ["param": concrete("param", PrecisionInference.constant(alpha)), "result": concrete("result")]
            case .relu, .linear:
                types.values["result"] = concrete("result")
                if node.isThresholdedReLU { types.values["param"] = concrete("param", input) }
            case let .merge(merge):
                types.values["result"] = concrete("result", PrecisionInference.merge(merge, inputs[0], inputs.count > 1 ? inputs[1] : inputs[0]))
            case let .lookup(activation):
                types.values["result"] = concrete("result")
                switch activation.function {
                case .elu:
                    // ParametrizedActivation: param 'auto' → _get_precision_from_constant(α).
                    types.values["param"] = concrete("param", PrecisionInference.constant(activation.alpha))
                case .selu:
                    // nnet_activation.h: `ap_ufixed<16,1> lambda`; nnet_activation_stream.h: `(data_T::value_type)λ`.
                    types.hidden["param"] = ioType == .stream ? input : LookupActivation.seluLambdaPrecision
                default:
                    break
                }
            case let .hardActivation(_, slopeType, shiftType):
                types.values = ["result": concrete("result"), "slope": slopeType, "shift": shiftType]
            case let .softmax(parameters):
                // The table types are the Softmax attributes' defaults (never read from Precision); accum_t is
                // read from Precision.accum, which config_from_keras_model sets to the same default.
                let table = SoftmaxParameters.defaultTablePrecision
                types.values = ["result": concrete("result"), "accum": concrete("accum"), "exp_table": table,
                                "inv_table": table, "inv_inp": table]
                if parameters.implementation == .stable {
                    // core_templates.py SoftmaxConfigTemplate: inp_norm_t = ap_ufixed<W − s, I − s> of the input.
                    types.hidden["inp_norm"] = SoftmaxParameters.inputNormPrecision(input: input)
                }
            case let .pooling(parameters):
                // _infer_pooling_precision (Pooling1D/2D only): accum from the input, result = the input type; the
                // global poolings have no rule, so their `auto` is the default.
                if parameters.isGlobal {
                    types.values = ["accum": concrete("accum"), "result": concrete("result")]
                } else {
                    types.values = ["accum": concrete("accum", PrecisionInference.poolingAccumulator(parameters.operation, input: input,
                                                                                                       windowSize: parameters.windowSize)),
                                    "result": concrete("result", input)]
                }
            case .zeroPadding, .upSampling:
                // _infer_output_matching_precision: the input type.
                types.values["result"] = concrete("result", input)
            }
            // Every Activation's table_t is the attribute's default: hls4ml never reads Precision.table.
            if node.isActivation { types.values["table"] = LookupActivation.defaultTablePrecision }
            previous = types.values["result"]!
            results[node.name] = previous
            all.append(types)
        }
        return all
    }

    // MARK: Network

    static func network(model: KerasModel, nodes: [HLS4MLNode], types: [NodeTypes], options: KerasImportOptions,
                        notes: inout [String]) throws(KerasImportError) -> Network {
        var names = Set<String>()
        /// A unique Verilog identifier for `text`: other characters become `_`, a leading digit gets `l_`, and a
        /// Verilog keyword or a name the RTL reserves (`in`, `out`, `dbg`, `clk`, `rst`) gets `suffix`
        /// (`module` → `module_layer`), so that the design also passes `pipewright rtl`. Every rename is noted.
        func identifier(_ text: String, what: String, suffix: String) -> String {
            var name = String(text.unicodeScalars.map { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) ? Character($0) : "_" })
            if name.isEmpty || name.first!.isNumber { name = "l_" + name }
            var reasons = name == text ? [] : ["names must be Verilog identifiers"]
            if let problem = VerilogNames.problem(with: name) {
                reasons.append(problem)
                name += suffix
            }
            var unique = name, counter = 2
            while names.contains(unique) { unique = "\(name)_\(counter)"; counter += 1 }
            if unique != name { reasons.append("'\(name)' is already used") }
            names.insert(unique)
            if unique != text { notes.append("\(what) '\(text)' renamed '\(unique)' (\(reasons.joined(separator: "; ")))") }
            return unique
        }
        func identifier(_ text: String) -> String { identifier(text, what: "layer", suffix: "_layer") }
        let compatible = options.hls4mlCompatible
        /// hls4ml writes each weight as `'{:.Ff}'.format(w)` and the C simulation reads that decimal back.
        func stored(_ values: [Double], _ precision: Precision) -> [Double] {
            compatible ? values.map { HLS4MLConversion.decimalRounded($0, digits: max(0, precision.fractionalBits)) } : values
        }
        var layers: [Layer] = []
        var inputPrecision = options.defaultPrecision
        var layerNames: [String: String] = [:]      // node name → layer name (the input → `input`)
        for (index, (node, resolved)) in zip(nodes, types).enumerated() {
            let t = resolved.values
            let result = t["result"]!
            // A chain needs no `inputs`; a layer that reads anything but the node before it names what it reads.
            let reads = node.inputs.map { layerNames[$0] ?? Network.inputName }
            let inputs = index > 0 && node.inputs == [nodes[index - 1].name] ? [] : reads
            switch node.operation {
            case .input:
                inputPrecision = result
                layerNames[node.name] = Network.inputName
                continue
            case let .merge(merge):
                layers.append(Layer(name: identifier(node.name), operation: .merge(merge), inputSize: node.inputSize,
                                    precision: LayerPrecision(result: result)))
            case let .dense(units, kernel, bias, _, _, _):
                let parameters = DenseParameters(outputSize: units, weights: stored(kernel, t["weight"]!),
                                                 biases: stored(bias, t["bias"]!))
                layers.append(Layer(name: identifier(node.name), operation: .dense(parameters), inputSize: node.inputSize,
                                    precision: LayerPrecision(result: result, weight: t["weight"], bias: t["bias"], accumulator: t["accum"])))
            case var .convolution(parameters, _, _, _):
                parameters.weights = stored(parameters.weights, t["weight"]!)
                parameters.biases = stored(parameters.biases, t["bias"]!)
                layers.append(Layer(name: identifier(node.name), operation: .convolution(parameters), inputSize: node.inputSize,
                                    precision: LayerPrecision(result: result, weight: t["weight"], bias: t["bias"], accumulator: t["accum"])))
            case let .batchNormalization(scale, bias):
                let parameters = BatchNormParameters(scale: stored(scale, t["weight"]!), shift: stored(bias, t["bias"]!))
                layers.append(Layer(name: identifier(node.name), operation: .batchNormalization(parameters), inputSize: node.inputSize,
                                    precision: LayerPrecision(result: result, weight: t["weight"], bias: t["bias"])))
            case let .leakyReLU(alpha):
                layers.append(Layer(name: identifier(node.name), operation: .leakyReLU(alpha: alpha), inputSize: node.inputSize,
                                    precision: LayerPrecision(result: result, parameter: t["param"])))
            case .relu:
                layers.append(Layer(name: identifier(node.name), operation: .relu, inputSize: node.inputSize,
                                    precision: LayerPrecision(result: result)))
            case .linear:
                layers.append(Layer(name: identifier(node.name), operation: .linear, inputSize: node.inputSize,
                                    precision: LayerPrecision(result: result)))
            case let .lookup(activation):
                let precision = LayerPrecision(result: result, parameter: t["param"] ?? resolved.hidden["param"],
                                               extra: ["table": t["table"]!])
                layers.append(Layer(name: identifier(node.name), operation: .lookup(activation), inputSize: node.inputSize,
                                    precision: precision))
            case let .hardActivation(activation, _, _):
                layers.append(Layer(name: identifier(node.name), operation: .hardActivation(activation), inputSize: node.inputSize,
                                    precision: LayerPrecision(result: result, extra: ["slope": t["slope"]!, "shift": t["shift"]!])))
            case var .softmax(parameters):
                var precision = LayerPrecision(result: result)
                if parameters.implementation != .argmax {
                    precision.accumulator = t["accum"]
                    for key in ["exp_table", "inv_table", "inv_inp"] { precision.extra[key] = t[key] }
                }
                if parameters.implementation == .stable {
                    precision.extra["inp_norm"] = resolved.hidden["inp_norm"]
                    // SoftmaxConfigTemplate: exp_table_size = min(inv_table_size, 2^(W−1)) for a signed input.
                    let size = SoftmaxParameters.stableExpTableSize(requested: parameters.invTableSize, input: resolved.input)
                    if size != parameters.expTableSize {
                        notes.append("\(node.name): exp table of \(size) entries, not \(parameters.expTableSize) (hls4ml caps it at 2^(W−1) for the \(resolved.input) input)")
                        parameters.expTableSize = size
                    }
                }
                layers.append(Layer(name: identifier(node.name), operation: .softmax(parameters), inputSize: node.inputSize,
                                    precision: precision))
            case let .pooling(parameters):
                layers.append(Layer(name: identifier(node.name), operation: .pooling(parameters), inputSize: node.inputSize,
                                    precision: LayerPrecision(result: result, accumulator: t["accum"])))
            case let .zeroPadding(parameters):
                layers.append(Layer(name: identifier(node.name), operation: .zeroPadding(parameters), inputSize: node.inputSize,
                                    precision: LayerPrecision(result: result)))
            case let .upSampling(parameters):
                layers.append(Layer(name: identifier(node.name), operation: .upSampling(parameters), inputSize: node.inputSize,
                                    precision: LayerPrecision(result: result)))
            }
            layers[layers.count - 1].inputs = inputs
            layerNames[node.name] = layers[layers.count - 1].name
        }
        names.removeAll()
        let name = identifier(options.name ?? model.architecture.name, what: "design name", suffix: "_design")
        // The model's outputs in order; two that passes made one tensor (e.g. a layer and its linear activation) are
        // an error, since a design lists each output tensor once.
        let positions = nodes.flatMap { node in node.outputIndices.map { (position: $0, node: node.name) } }.sorted { $0.position < $1.position }
        let outputs = positions.compactMap { layerNames[$0.node] }
        if let repeated = outputs.first(where: { name in outputs.filter { $0 == name }.count > 1 }) {
            let keras = model.architecture.outputs
            let same = positions.filter { layerNames[$0.node] == repeated }.map { keras[$0.position] }
            throw .badOutput(file: model.file, layer: same.last ?? repeated,
                reason: "the model's outputs \(same.joined(separator: " and ")) are one tensor after hls4ml's passes (\(repeated)); output it once")
        }
        let network = Network(name: name, inputSize: model.inputSize, inputPrecision: inputPrecision, layers: layers,
                              inputShape: TensorShape(model.inputShape), outputs: outputs.count > 1 ? outputs : [])
        do { try network.validate() } catch { throw .invalidNetwork(file: model.file, error) }
        return network
    }

    // MARK: Formatting

    /// `'{:.Nf}'.format(value)` read back as a double: the value rounded to `digits` decimal places (exact
    /// decimal rounding of the binary value, ties to even, as Python and C printf do), then correctly rounded
    /// to the nearest double, as C++ `>>` reads it.
    public static func decimalRounded(_ value: Double, digits: Int) -> Double {
        let text = String(format: "%.\(digits)f", value)
        return Double(text) ?? value
    }

    /// hls4ml's `str()` of a precision type in a config dictionary.
    public static func configString(_ precision: Precision) -> String {
        if precision.isInteger, precision.quantization == .truncate, precision.overflow == .wrap {
            return (precision.isSigned ? "int<" : "uint<") + "\(precision.width)>"
        }
        func strip(_ mode: String) -> String { mode.hasPrefix("AP_") ? String(mode.dropFirst(3)) : mode }
        return (precision.isSigned ? "fixed<" : "ufixed<") + "\(precision.width),\(precision.integerBits),"
            + "\(strip(precision.quantization.rawValue)),\(strip(precision.overflow.rawValue)),0>"
    }
}

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
        var builder = NodeBuilder(model: model, options: options, notes: notes)
        for layer in model.architecture.layers {
            builder.begin(layer)
            // Each kind's conversion lives in the file of its kind (HLS4MLConversion+Dense.swift and the others).
            switch layer.kind {
            case .input: builder.input()
            case let .dense(units, activation, useBias, kernelQuantizer, biasQuantizer):
                builder.dense(units: units, activation: activation, useBias: useBias, kernelQuantizer: kernelQuantizer, biasQuantizer: biasQuantizer)
            case let .batchNormalization(epsilon, center, scale, quantizers):
                try builder.batchNormalization(epsilon: epsilon, center: center, scale: scale, quantizers: quantizers)
            case let .activation(activation): builder.activation(activation)
            case let .elu(alpha): builder.elu(alpha: alpha)
            case let .leakyReLU(alpha): builder.leakyReLU(alpha: alpha)
            case let .quantizedActivation(quantizer): builder.quantizedActivation(quantizer)
            case .passThrough: builder.passThrough()
            case .reshape: builder.reshape()
            case let .convolution(conv): builder.convolution(conv)
            case let .merge(merge): builder.merge(merge)
            case let .image(image): builder.image(image)
            }
            builder.end()
        }
        notes = builder.notes
        var nodes = builder.nodes
        let outputs = model.architecture.outputs
        if outputs.count > 1 {
            for (position, name) in outputs.enumerated() {
                guard let node = builder.producer[name], let index = nodes.firstIndex(where: { $0.name == node }) else {
                    throw .badOutput(file: model.file, layer: name, reason: "the model outputs '\(name)', which is not one of its layers")
                }
                nodes[index].outputIndices.append(position)
            }
        }
        return nodes
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
    /// templates give the table activations and the softmax; each kind's rule is in the file of its kind.
    static func inferTypes(_ nodes: [HLS4MLNode], defaultPrecision: Precision, ioType: IOType,
                           notes: inout [String]) -> [NodeTypes] {
        var all: [NodeTypes] = []
        var results: [String: Precision] = [:]
        var previous = defaultPrecision
        for node in nodes {
            let inputs = node.inputs.isEmpty ? [previous] : node.inputs.map { results[$0] ?? previous }
            var inference = TypeInference(node: node, inputs: inputs, defaultPrecision: defaultPrecision, ioType: ioType, notes: notes)
            switch node.operation {
            case .input: inference.types.values["result"] = inference.concrete("result")
            case .dense: inference.denseTypes(terms: node.inputSize, hasBias: true)
            case let .convolution(parameters, hasBias, _, _): inference.denseTypes(terms: parameters.kernelTerms, hasBias: hasBias)
            case .batchNormalization: inference.batchNormalizationTypes()
            case let .leakyReLU(alpha): inference.leakyReLUTypes(alpha: alpha)
            case .relu, .linear: inference.reluTypes()
            case let .merge(merge): inference.mergeTypes(merge)
            case let .lookup(activation): inference.lookupTypes(activation)
            case let .hardActivation(_, slopeType, shiftType): inference.hardActivationTypes(slope: slopeType, shift: shiftType)
            case let .softmax(parameters): inference.softmaxTypes(parameters)
            case let .pooling(parameters): inference.poolingTypes(parameters)
            case .zeroPadding, .upSampling: inference.resamplingTypes()
            }
            var types = inference.types
            notes = inference.notes
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
        var layers: [Layer] = []
        var inputPrecision = options.defaultPrecision
        var layerNames: [String: String] = [:]      // node name → layer name (the input → `input`)
        for (index, (node, resolved)) in zip(nodes, types).enumerated() {
            let result = resolved.values["result"]!
            // A chain needs no `inputs`; a layer that reads anything but the node before it names what it reads.
            let reads = node.inputs.map { layerNames[$0] ?? Network.inputName }
            let inputs = index > 0 && node.inputs == [nodes[index - 1].name] ? [] : reads
            if case .input = node.operation {
                inputPrecision = result
                layerNames[node.name] = Network.inputName
                continue
            }
            var conversion = LayerConversion(node: node, resolved: resolved, name: identifier(node.name), compatible: compatible, notes: notes)
            let layer: Layer
            switch node.operation {
            case .input: continue
            case let .merge(merge): layer = conversion.merge(merge)
            case let .dense(units, kernel, bias, _, _, _): layer = conversion.dense(units: units, kernel: kernel, bias: bias)
            case let .convolution(parameters, _, _, _): layer = conversion.convolution(parameters)
            case let .batchNormalization(scale, bias): layer = conversion.batchNormalization(scale: scale, bias: bias)
            case let .leakyReLU(alpha): layer = conversion.leakyReLU(alpha: alpha)
            case .relu: layer = conversion.elementwise(.relu)
            case .linear: layer = conversion.elementwise(.linear)
            case let .lookup(activation): layer = conversion.lookup(activation)
            case let .hardActivation(activation, _, _): layer = conversion.hardActivation(activation)
            case let .softmax(parameters): layer = conversion.softmax(parameters)
            case let .pooling(parameters): layer = conversion.pooling(parameters)
            case let .zeroPadding(parameters): layer = conversion.zeroPadding(parameters)
            case let .upSampling(parameters): layer = conversion.upSampling(parameters)
            }
            notes = conversion.notes
            layers.append(layer)
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

    /// One node's type inference: its input types, the config's settings and the notes it adds.
    struct TypeInference {
        let node: HLS4MLNode
        let inputs: [Precision]
        let defaultPrecision: Precision
        let ioType: IOType
        var notes: [String]
        var types: NodeTypes

        init(node: HLS4MLNode, inputs: [Precision], defaultPrecision: Precision, ioType: IOType, notes: [String]) {
            self.node = node
            self.inputs = inputs
            self.defaultPrecision = defaultPrecision
            self.ioType = ioType
            self.notes = notes
            types = NodeTypes(input: inputs[0])
        }

        /// The type of the (first) tensor the node reads.
        var input: Precision { inputs[0] }

        /// The config's setting for `key`, or for `auto` the inference `rule` (noted), or the default without one.
        mutating func concrete(_ key: String, _ rule: Precision? = nil) -> Precision {
            if case let .fixed(precision) = node.settings[key] ?? .auto { return precision }
            let inferred = rule ?? defaultPrecision
            if rule != nil { notes.append("\(node.name): \(key) auto → \(inferred)") }
            return inferred
        }
    }

    /// One node's layer: its resolved types, its (unique, Verilog-safe) layer name and the notes it adds.
    struct LayerConversion {
        let node: HLS4MLNode
        let resolved: NodeTypes
        let name: String
        let compatible: Bool
        var notes: [String]

        var t: [String: Precision] { resolved.values }
        var result: Precision { resolved.values["result"]! }

        /// hls4ml writes each weight as `'{:.Ff}'.format(w)` and the C simulation reads that decimal back.
        func stored(_ values: [Double], _ precision: Precision) -> [Double] {
            compatible ? values.map { HLS4MLConversion.decimalRounded($0, digits: max(0, precision.fractionalBits)) } : values
        }
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

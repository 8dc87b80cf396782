import FixedPoint
import Foundation
import NetworkIR
import Design
import RTL
import Scheduling

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
            if let problem = HardwareName.problem(with: name) {
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

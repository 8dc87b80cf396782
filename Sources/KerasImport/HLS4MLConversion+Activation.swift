import Design
import FixedPoint
import NetworkIR

// ReLU, LeakyReLU, linear, the table activations (sigmoid, tanh, softplus, softsign, SELU, ELU), the hard
// activations, and QKeras' QActivation: Keras layer → hls4ml node, its types, node → layer. The softmax's types
// and layer are in HLS4MLConversion+Softmax.swift.

extension HLS4MLConversion {
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
}

extension NodeBuilder {
    /// An Activation, ReLU or Softmax layer. A linear one is a node in compatible mode (hls4ml merges it away
    /// later, losing a quantized type), else dropped; a Keras 3 `layers.ReLU` is hls4ml's thresholded ReLU.
    mutating func activation(_ activation: KerasActivation) {
        switch activation {
        case .linear:
            if compatible {
                nodes.append(node(layer.name, .linear))
            } else {
                notes.append("\(layer.name): linear activation dropped (an identity)")
                producer[layer.name] = reads.first
            }
        default:
            let (operation, keys) = HLS4MLConversion.activationOperation(activation, alpha: 1, options: options)
            var activationNode = node(layer.name, operation, keys)
            activationNode.isThresholdedReLU = activation == .relu && layer.className == "ReLU" && !splitLinear
            if activationNode.isThresholdedReLU { activationNode.settings["param"] = .auto }
            nodes.append(activationNode)
        }
    }

    mutating func elu(alpha: Double) {
        nodes.append(node(layer.name, .lookup(LookupActivation(function: .elu, alpha: alpha))))
    }

    mutating func leakyReLU(alpha: Double) {
        nodes.append(node(layer.name, .leakyReLU(alpha: alpha)))
    }

    /// QActivation: quantized_relu → ReLU, quantized_bits → linear, each with the quantizer's type as result;
    /// quantized_tanh/sigmoid as converters/keras/qkeras.py get_activation_quantizer maps them.
    mutating func quantizedActivation(_ quantizer: QKerasQuantizer) {
        let type = quantizer.activationType
        let operation: HLS4MLNode.Operation
        switch quantizer.kind {
        case .relu: operation = .relu
        case .bits: operation = .linear
        case .tanh, .sigmoid:
            // A hard activation with QKeras' slope and shift 0.5, both typed ap_ufixed<2,0>; with
            // use_real_tanh/sigmoid the table activation.
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
    }
}

extension HLS4MLConversion.TypeInference {
    mutating func leakyReLUTypes(alpha: Double) {
        types.values = ["param": concrete("param", PrecisionInference.constant(alpha)), "result": concrete("result")]
    }

    /// ReLU and linear; a thresholded ReLU's param_t is the incoming type.
    mutating func reluTypes() {
        types.values["result"] = concrete("result")
        if node.isThresholdedReLU { types.values["param"] = concrete("param", input) }
    }

    mutating func lookupTypes(_ activation: LookupActivation) {
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
    }

    mutating func hardActivationTypes(slope: Precision, shift: Precision) {
        types.values = ["result": concrete("result"), "slope": slope, "shift": shift]
    }
}

extension HLS4MLConversion.LayerConversion {
    func leakyReLU(alpha: Double) -> Layer {
        Layer(name: name, operation: .leakyReLU(alpha: alpha), inputSize: node.inputSize,
              precision: LayerPrecision(result: result, parameter: t["param"]))
    }

    /// ReLU or linear (a thresholded ReLU has ReLU's values).
    func elementwise(_ operation: LayerOperation) -> Layer {
        Layer(name: name, operation: operation, inputSize: node.inputSize, precision: LayerPrecision(result: result))
    }

    func lookup(_ activation: LookupActivation) -> Layer {
        Layer(name: name, operation: .lookup(activation), inputSize: node.inputSize,
              precision: LayerPrecision(result: result, parameter: t["param"] ?? resolved.hidden["param"], extra: ["table": t["table"]!]))
    }

    func hardActivation(_ activation: HardActivation) -> Layer {
        Layer(name: name, operation: .hardActivation(activation), inputSize: node.inputSize,
              precision: LayerPrecision(result: result, extra: ["slope": t["slope"]!, "shift": t["shift"]!]))
    }
}

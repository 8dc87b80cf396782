import FixedPoint

/// The precisions of one layer as declared, with hls4ml's names: result_t, weight_t (BatchNorm: scale_t),
/// bias_t, accum_t and param_t (the LeakyReLU slope, the ELU α, the SELU λ); `extra` holds the kind's other
/// named types by hls4ml's name without `_t`: `table` (lookup activations, KL), `exp_table`, `inv_table`,
/// `inv_inp`, `inp_norm` (softmax), `slope`, `shift` (hard activations).
///
/// This is the vocabulary of design files and of hls4ml's configuration, where any name may be given. What a
/// kind needs is typed: `Layer.typedOperation()` resolves it into the kind's own precision struct, none of whose
/// fields is optional, and the evaluator, the scheduler and the RTL read only that.
public struct LayerPrecision: Sendable, Equatable {
    public var result: Precision
    public var weight: Precision?
    public var bias: Precision?
    public var accumulator: Precision?
    public var parameter: Precision?
    public var extra: [String: Precision]

    public init(result: Precision, weight: Precision? = nil, bias: Precision? = nil,
                accumulator: Precision? = nil, parameter: Precision? = nil, extra: [String: Precision] = [:]) {
        self.result = result
        self.weight = weight
        self.bias = bias
        self.accumulator = accumulator
        self.parameter = parameter
        self.extra = extra
    }

    /// Every declared type beside result_t, by hls4ml's name without `_t` (weight_t as `weight`): weight, bias,
    /// accum, param, then `extra` in name order.
    public var declared: [(name: String, precision: Precision)] {
        [("weight", weight), ("bias", bias), ("accum", accumulator), ("param", parameter)].compactMap { name, precision in
            precision.map { (name, $0) }
        } + extra.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// The declared type of an hls4ml name without `_t` (`scale` is weight_t's name in a BatchNorm).
    public func named(_ field: String) -> Precision? {
        switch field {
        case "result": return result
        case "weight", "scale": return weight
        case "bias": return bias
        case "accum": return accumulator
        case "param": return parameter
        default: return extra[field]
        }
    }
}

extension Layer {
    /// The declared type `field` (an hls4ml name without `_t`), or an error naming the layer and the field.
    public func requiredPrecision(_ field: String, _ what: String? = nil) throws(NetworkError) -> Precision {
        guard let precision = precision.named(field) else {
            func article(_ word: String) -> String { word.first.map { "aeiouAEIOU".contains($0) } == true ? "an" : "a" }
            throw .invalidPrecision(layer: name, field: field,
                reason: "\(article(kindName)) \(kindName) layer needs \(article(field)) \(field)\(what.map { " (\($0))" } ?? "") precision")
        }
        return precision
    }

    /// accum_t of a layer that sums in it: declared, and AP_WRAP (then the sum order does not matter).
    func wrappingAccumulator() throws(NetworkError) -> Precision {
        let accumulator = try requiredPrecision("accum")
        guard accumulator.overflow == .wrap else {
            throw .invalidPrecision(layer: name, field: "accum",
                reason: "only AP_WRAP accumulators are supported (the sum order then does not matter), got \(accumulator)")
        }
        return accumulator
    }

    /// The operation with every named type its kind needs, typed; an error names the layer and the first missing
    /// or unusable field. `validate()` calls it, so on a valid network it does not throw.
    public func typedOperation() throws(NetworkError) -> TypedOperation {
        switch operation {
        case let .dense(parameters): return .dense(parameters, try MultiplyAccumulatePrecision(of: self))
        case let .convolution(parameters): return .convolution(parameters, try MultiplyAccumulatePrecision(of: self))
        case let .batchNormalization(parameters): return .batchNormalization(parameters, try ScaleShiftPrecision(of: self))
        case .relu: return .relu
        case let .leakyReLU(alpha): return .leakyReLU(alpha: alpha, parameter: try requiredPrecision("param", "α"))
        case .linear: return .linear
        case .squaredNorm: return .squaredNorm(accumulator: try requiredPrecision("accum"))
        case let .merge(merge): return .merge(merge)
        case let .lookup(activation): return .lookup(activation, try LookupPrecision(of: self, activation))
        case let .hardActivation(activation): return .hardActivation(activation, try HardActivationPrecision(of: self))
        case let .softmax(parameters): return .softmax(parameters, try SoftmaxPrecision.resolve(self, parameters))
        case let .klDivergence(parameters): return .klDivergence(parameters, try KLDivergencePrecision(of: self))
        case let .pooling(parameters): return .pooling(parameters, accumulator: try parameters.accumulator(of: self))
        case let .zeroPadding(parameters): return .zeroPadding(parameters)
        case let .upSampling(parameters): return .upSampling(parameters)
        }
    }
}

/// A layer's operation with its kind's precisions resolved (`Layer.typedOperation()`): the cases of
/// `LayerOperation`, each with the typed named types its arithmetic reads beside result_t.
public enum TypedOperation: Sendable, Equatable {
    case dense(DenseParameters, MultiplyAccumulatePrecision)
    case convolution(ConvolutionParameters, MultiplyAccumulatePrecision)
    case batchNormalization(BatchNormParameters, ScaleShiftPrecision)
    case relu
    /// param_t holds α.
    case leakyReLU(alpha: Double, parameter: Precision)
    case linear
    case squaredNorm(accumulator: Precision)
    case merge(MergeOperation)
    case lookup(LookupActivation, LookupPrecision)
    case hardActivation(HardActivation, HardActivationPrecision)
    /// nil for `argmax`, which reads no table.
    case softmax(SoftmaxParameters, SoftmaxPrecision?)
    case klDivergence(KLDivergenceParameters, KLDivergencePrecision)
    case pooling(PoolingParameters, accumulator: Precision)
    case zeroPadding(ZeroPaddingParameters)
    case upSampling(UpSamplingParameters)

    /// The named types beside result_t, by hls4ml's name without `_t`, in the order `DesignWriter` writes them
    /// (the kind's weight/bias/accum/param first, then its table types by name).
    public var namedTypes: [(name: String, precision: Precision)] {
        switch self {
        case let .dense(_, p), let .convolution(_, p):
            return [("weight", p.weight), ("bias", p.bias), ("accum", p.accumulator)]
        case let .batchNormalization(_, p): return [("scale", p.scale), ("bias", p.bias)]
        case let .leakyReLU(_, parameter): return [("param", parameter)]
        case let .squaredNorm(accumulator), let .pooling(_, accumulator): return [("accum", accumulator)]
        case let .lookup(_, p): return p.namedTypes
        case let .hardActivation(_, p): return [("shift", p.shift), ("slope", p.slope)]
        case let .softmax(_, p): return p?.namedTypes ?? []
        case let .klDivergence(_, p): return [("accum", p.accumulator), ("table", p.table)]
        case .relu, .linear, .merge, .zeroPadding, .upSampling: return []
        }
    }
}

/// weight_t, bias_t and accum_t of a Dense or a convolution: each exact product x·w is cast to accum_t (AP_WRAP),
/// the bias is cast from bias_t to accum_t.
public struct MultiplyAccumulatePrecision: Sendable, Equatable {
    public let weight: Precision
    public let bias: Precision
    public let accumulator: Precision

    public init(weight: Precision, bias: Precision, accumulator: Precision) {
        self.weight = weight
        self.bias = bias
        self.accumulator = accumulator
    }

    init(of layer: Layer) throws(NetworkError) {
        self.init(weight: try layer.requiredPrecision("weight"), bias: try layer.requiredPrecision("bias"),
                  accumulator: try layer.wrappingAccumulator())
    }
}

/// A BatchNormalization's scale_t (declared as weight_t) and bias_t.
public struct ScaleShiftPrecision: Sendable, Equatable {
    public let scale: Precision
    public let bias: Precision

    public init(scale: Precision, bias: Precision) {
        self.scale = scale
        self.bias = bias
    }

    init(of layer: Layer) throws(NetworkError) {
        self.init(scale: try layer.requiredPrecision("scale"), bias: try layer.requiredPrecision("bias"))
    }
}

import FixedPoint

/// One layer of the network: what it computes and in which precisions.
public struct Layer: Sendable, Equatable {
    /// Unique name (used for RTL module instances and report rows).
    public var name: String
    /// What the layer computes.
    public var operation: LayerOperation
    /// Number of input elements (for a layer with several inputs: all of them, in input order).
    public var inputSize: Int
    /// The precisions of its result, weights, biases, accumulator and parameters.
    public var precision: LayerPrecision
    /// The tensors it reads, by name: earlier layers or `Network.inputName`. Empty means the layer before it
    /// (the design input for the first layer).
    public var inputs: [String]

    public init(name: String, operation: LayerOperation, inputSize: Int, precision: LayerPrecision, inputs: [String] = []) {
        self.name = name
        self.operation = operation
        self.inputSize = inputSize
        self.precision = precision
        self.inputs = inputs
    }

    /// Number of output elements.
    public var outputSize: Int {
        switch operation {
        case let .dense(parameters): return parameters.outputSize
        case let .convolution(parameters): return parameters.outputShape.count
        case .squaredNorm, .klDivergence: return 1
        case let .pooling(parameters): return parameters.outputShape.count
        case let .zeroPadding(parameters): return parameters.outputShape.count
        case let .upSampling(parameters): return parameters.outputShape.count
        case let .merge(merge): return merge == .concatenate ? inputSize : inputSize / MergeOperation.arity
        case .batchNormalization, .relu, .leakyReLU, .linear, .lookup, .hardActivation, .softmax: return inputSize
        }
    }

    /// How many tensors the layer reads.
    public var arity: Int {
        switch operation {
        case .merge: return MergeOperation.arity
        case let .klDivergence(parameters): return parameters.inputTensors
        case .dense, .convolution, .batchNormalization, .relu, .leakyReLU, .linear, .squaredNorm, .lookup, .hardActivation,
             .softmax, .pooling, .zeroPadding, .upSampling:
            return 1
        }
    }

    /// The shape of its output given the shape of what it reads: a convolution's own output shape, a Dense
    /// or a score a vector, and every kind that maps element to element (activations, BatchNorm, merges of two
    /// equal tensors) keeps its input's shape.
    public func outputShape(input: TensorShape) -> TensorShape {
        if case let .convolution(parameters) = operation { return parameters.outputShape }
        if case let .pooling(parameters) = operation { return parameters.outputShape }
        if case let .zeroPadding(parameters) = operation { return parameters.outputShape }
        if case let .upSampling(parameters) = operation { return parameters.outputShape }
        if case .dense = operation { return .vector(outputSize) }
        return input.count == outputSize ? input : .vector(outputSize)
    }

    /// The hls4ml-style class name, for reports.
    public var kindName: String { operation.kindName }

    func validate() throws(NetworkError) {
        guard inputSize > 0 else { throw .invalidShape(layer: name, reason: "input size must be positive") }
        func check(_ precision: Precision?, _ field: String) throws(NetworkError) {
            guard let precision else { return }
            do { try precision.validate() } catch {
                var reason = error.description
                if case .unsupportedWidth = error {
                    // Most often hls4ml's lossless `auto` type grown past 64 bits (e.g. ap_fixed<71,39> from 32-bit inputs).
                    reason += "; Pipewright holds at most \(Precision.maximumWidth) bits: give this field an explicit type of"
                        + " at most \(Precision.maximumWidth) bits (design file: config.LayerName.\(name).Precision.\(field); import:"
                        + " --layer-precision \(name).\(field)=TYPE), or narrow the inputs' or weights' precision it grows from"
                }
                throw .invalidPrecision(layer: name, field: field, reason: reason)
            }
        }
        try check(precision.result, "result")
        try check(precision.weight, "weight")
        try check(precision.bias, "bias")
        try check(precision.accumulator, "accum")
        try check(precision.parameter, "param")
        switch operation {
        case let .dense(parameters):
            guard parameters.outputSize > 0 else { throw .invalidShape(layer: name, reason: "units must be positive") }
            guard parameters.weights.count == inputSize * parameters.outputSize else {
                throw .invalidParameter(layer: name, field: "weights",
                    reason: "expected \(inputSize)×\(parameters.outputSize) = \(inputSize * parameters.outputSize) values, found \(parameters.weights.count)")
            }
            guard parameters.biases.count == parameters.outputSize else {
                throw .invalidParameter(layer: name, field: "biases",
                    reason: "expected \(parameters.outputSize) values, found \(parameters.biases.count)")
            }
        case let .batchNormalization(parameters):
            guard parameters.scale.count == inputSize, parameters.shift.count == inputSize else {
                throw .invalidParameter(layer: name, field: "scale/shift",
                    reason: "expected \(inputSize) values each, found \(parameters.scale.count) and \(parameters.shift.count)")
            }
        case let .leakyReLU(alpha):
            guard alpha.isFinite else { throw .invalidParameter(layer: name, field: "alpha", reason: "must be a finite number") }
        case let .merge(merge):
            if merge == .average {
                let two = precision.result.raw(fromDouble: 2)
                guard precision.result.value(ofRaw: two) == 2 else {
                    throw .invalidPrecision(layer: name, field: "result",
                        reason: "an Average divides by result_t(2) as hls4ml does; \(precision.result) cannot hold 2")
                }
            }
            guard inputs.count == MergeOperation.arity else {
                throw .invalidParameter(layer: name, field: "inputs",
                    reason: "a \(kindName) layer reads exactly \(MergeOperation.arity) tensors (as hls4ml's merge layers), found \(inputs.count)")
            }
        case let .lookup(activation):
            try activation.validate(layer: self)
        case let .hardActivation(activation):
            try activation.validate(layer: self)
        case let .softmax(parameters):
            try parameters.validate(layer: self)
        case let .convolution(parameters):
            try parameters.validate(layer: self)
        case let .klDivergence(parameters):
            try parameters.validate(layer: self)
        case let .pooling(parameters):
            try parameters.validate(layer: self)
        case let .zeroPadding(parameters):
            try parameters.validate(layer: self)
        case let .upSampling(parameters):
            try parameters.validate(layer: self)
        case .relu, .linear, .squaredNorm:
            break
        }
        _ = try typedOperation()
        for (field, extra) in precision.extra.sorted(by: { $0.key < $1.key }) { try check(extra, field) }
        for value in operation.allParameters where !value.isFinite {
            throw .invalidParameter(layer: name, field: "weights", reason: "contains a non-finite value")
        }
    }
}

/// The closed set of layer operations Pipewright models.
public enum LayerOperation: Sendable, Equatable {
    /// y_j = b_j + Σ_i x_i · W[i][j].
    case dense(DenseParameters)
    /// y_i = x_i · scale_i + shift_i (inference-time batch normalization, already folded to scale/shift).
    case batchNormalization(BatchNormParameters)
    /// y = max(x, 0).
    case relu
    /// y = x > 0 ? x : α·x.
    case leakyReLU(alpha: Double)
    /// y = x, cast to the result precision.
    case linear
    /// Score block: y = Σ x_i².
    case squaredNorm
    /// Conv1D / Conv2D in io_parallel (`nnet_conv2d_latency.h`): a dot product per output pixel and filter.
    case convolution(ConvolutionParameters)
    /// Two tensors combined element by element, or concatenated (hls4ml's `nnet_merge.h`).
    case merge(MergeOperation)
    /// A lookup-table activation (sigmoid, tanh, softplus, softsign, ELU, SELU), built as hls4ml's
    /// `nnet_activation.h` builds it.
    case lookup(LookupActivation)
    /// hard sigmoid / hard tanh: slope·x + shift clipped to [0, 1] (`nnet_activation.h` hard_sigmoid/hard_tanh).
    case hardActivation(HardActivation)
    /// Softmax with exp and inverse tables (`stable`, `latency`) or a one-hot `argmax`.
    case softmax(SoftmaxParameters)
    /// Score block: D_KL = ½ Σ (exp(log σ²) + μ² − log σ² − 1) from the μ and log σ² heads.
    case klDivergence(KLDivergenceParameters)
    /// Max / average pooling, 1D or 2D, windowed or global (`nnet_pooling.h`).
    case pooling(PoolingParameters)
    /// ZeroPadding1D / ZeroPadding2D (`nnet_padding.h`): a copy into a larger image with zero borders.
    case zeroPadding(ZeroPaddingParameters)
    /// UpSampling1D / UpSampling2D, nearest (hls4ml's Resize, `nnet_image.h`): pixels repeated.
    case upSampling(UpSamplingParameters)

    public var kindName: String {
        switch self {
        case .dense: return "Dense"
        case let .convolution(parameters): return parameters.kindName
        case .batchNormalization: return "BatchNormalization"
        case .relu: return "ReLU"
        case .leakyReLU: return "LeakyReLU"
        case .linear: return "Linear"
        case .squaredNorm: return "SquaredNorm"
        case let .merge(merge): return merge.kindName
        case let .lookup(activation): return activation.function.kindName
        case let .hardActivation(activation): return activation.function.kindName
        case .softmax: return "Softmax"
        case .klDivergence: return "KLDivergence"
        case let .pooling(parameters): return parameters.kindName
        case let .zeroPadding(parameters): return parameters.kindName
        case let .upSampling(parameters): return parameters.kindName
        }
    }

    var allParameters: [Double] {
        switch self {
        case let .dense(p): return p.weights + p.biases
        case let .convolution(p): return p.weights + p.biases
        case let .batchNormalization(p): return p.scale + p.shift
        case let .leakyReLU(alpha): return [alpha]
        case let .lookup(activation): return [activation.alpha]
        case let .hardActivation(activation): return [activation.slope, activation.shift]
        case .relu, .linear, .squaredNorm, .merge, .softmax, .klDivergence, .pooling, .zeroPadding, .upSampling: return []
        }
    }
}

/// hls4ml's merge layers (`nnet_merge.h`), each over two tensors x (first input) and y (second):
/// Add x + y, Subtract x − y, Multiply x · y (exact, then cast to result_t), Average (x + y) / 2 (the exact sum
/// divided as `ap_fixed` divides: toward zero, keeping the sum's fractional bits), Maximum / Minimum (the larger /
/// smaller, cast to result_t), Concatenate (x then y, each cast to result_t).
public enum MergeOperation: String, Sendable, Equatable, CaseIterable {
    case add, subtract, multiply, average, maximum, minimum, concatenate

    /// Merge layers read two tensors (hls4ml's templates are binary).
    public static let arity = 2

    /// The Keras / hls4ml class name.
    public var kindName: String {
        switch self {
        case .add: return "Add"
        case .subtract: return "Subtract"
        case .multiply: return "Multiply"
        case .average: return "Average"
        case .maximum: return "Maximum"
        case .minimum: return "Minimum"
        case .concatenate: return "Concatenate"
        }
    }
}

/// Weights of a Dense layer, in hls4ml's order: `weights[i * outputSize + j]` multiplies input `i`
/// into output `j`.
public struct DenseParameters: Sendable, Equatable {
    public var outputSize: Int
    public var weights: [Double]
    public var biases: [Double]

    public init(outputSize: Int, weights: [Double], biases: [Double]) {
        self.outputSize = outputSize
        self.weights = weights
        self.biases = biases
    }
}

/// Per-channel scale and shift of an inference-time batch normalization.
public struct BatchNormParameters: Sendable, Equatable {
    public var scale: [Double]
    public var shift: [Double]

    public init(scale: [Double], shift: [Double]) {
        self.scale = scale
        self.shift = shift
    }

    /// Folds γ, β, moving mean and variance into scale = γ/√(var+ε) and shift = β − scale·mean.
    public init(gamma: [Double], beta: [Double], mean: [Double], variance: [Double], epsilon: Double) {
        scale = zip(gamma, variance).map { $0 / (($1 + epsilon).squareRoot()) }
        shift = zip(zip(beta, mean), scale).map { $0.0 - $1 * $0.1 }
    }
}

import FixedPoint

/// A layer lowered to raw fixed-point integers, ready for repeated bit-exact evaluation.
///
/// Semantics follow hls4ml's `nnet_utils` (Vivado backend):
/// - Dense: each exact product `x_i·w_ij` is cast to accum_t, the bias is cast to accum_t, they are summed
///   in accum_t (AP_WRAP, so the order does not matter), and the sum is cast to result_t.
/// - BatchNormalization: `result_t(x·scale + shift)`, one rounding of the exact value.
/// - ReLU: `x > 0 ? result_t(x) : 0`. LeakyReLU: `x > 0 ? result_t(x) : result_t(α·x)`, α in param_t.
/// - Conv1D/Conv2D: per output pixel and filter, as Dense over the kernel window (padding adds nothing).
/// - Pooling: see `PoolingParameters`; ZeroPadding / UpSampling: `result_t` of the copied element, or 0.
/// - Linear: `result_t(x)`. SquaredNorm: squares cast to accum_t, summed in accum_t, cast to result_t.
public struct CompiledLayer: Sendable {
    public let layer: Layer
    /// The operation with its kind's typed precisions, resolved once.
    public let operation: TypedOperation
    /// Precision of the (first) tensor it reads.
    public let inputPrecision: Precision
    /// Precision and size of every tensor it reads, in input order (the input buffer holds them one after the other).
    public let inputPrecisions: [Precision]
    public let inputSizes: [Int]
    /// Raw weights (`[i * outputSize + j]`; a convolution's dense equivalent), or BatchNorm scales, or a hard
    /// activation's slope.
    public let weightRaw: [Int64]
    /// Raw biases (a convolution's: one per output), or BatchNorm shifts, or a hard activation's shift.
    public let biasRaw: [Int64]
    /// Lookup tables, raw: a lookup activation's table_t entries; a softmax's exp table then inverse table.
    public let tables: [[Int64]]
    /// Dense: raw weights transposed to `[j * inputSize + i]`, so each output's dot product reads memory in order.
    let transposedWeightRaw: [Int64]
    /// Dense: biases already cast to accum_t.
    let accumulatorBiasRaw: [Int64]
    /// Raw α of a LeakyReLU or an ELU, or λ of a SELU (param_t).
    public let alphaRaw: Int64
    /// Convolution: the kernel raw in Keras' order `[kh][kw][c][f]`, and each filter's bias cast to accum_t.
    public let kernelRaw: [Int64]
    let filterBiasRaw: [Int64]
    /// Dense/SquaredNorm: right shift that takes a product to accum_t when it is a plain floor.
    let productShift: Int?
    /// Pooling: output j's window is `windowIndices[windowStarts[j]..<windowStarts[j + 1]]` (input pixels inside
    /// the image). ZeroPadding / UpSampling: `windowIndices[j]` is the input element output j copies, −1 for a zero.
    let windowIndices: [Int]
    let windowStarts: [Int]

    /// A layer that reads one tensor; an error when the layer lacks a named type its kind needs.
    public init(layer: Layer, inputPrecision: Precision) throws(NetworkError) {
        try self.init(layer: layer, inputPrecisions: [inputPrecision], inputSizes: [layer.inputSize])
    }

    /// A layer that reads `inputPrecisions.count` tensors of `inputSizes` elements.
    public init(layer: Layer, inputPrecisions: [Precision], inputSizes: [Int]) throws(NetworkError) {
        self.layer = layer
        let operation = try layer.typedOperation()
        self.operation = operation
        self.inputPrecisions = inputPrecisions
        self.inputSizes = inputSizes
        let inputPrecision = inputPrecisions[0]
        self.inputPrecision = inputPrecision
        var weights: [Int64] = [], biases: [Int64] = [], alpha: Int64 = 0, tables: [[Int64]] = []
        var shift: Int? = nil
        var kernel: [Int64] = [], filterBias: [Int64] = []
        var windowIndices: [Int] = [], windowStarts: [Int] = []
        switch operation {
        case let .convolution(parameters, p):
            kernel = parameters.weights.map { p.weight.raw(fromDouble: $0) }
            filterBias = parameters.biases.map { p.accumulator.cast(p.bias.raw(fromDouble: $0), from: p.bias) }
            let dense = parameters.denseEquivalent()
            weights = dense.weights.map { p.weight.raw(fromDouble: $0) }
            biases = dense.biases.map { p.bias.raw(fromDouble: $0) }
            shift = CompiledLayer.fastShift(productWidth: inputPrecision.width + p.weight.width,
                productFraction: inputPrecision.fractionalBits + p.weight.fractionalBits, accumulator: p.accumulator)
        case let .dense(parameters, p):
            weights = parameters.weights.map { p.weight.raw(fromDouble: $0) }
            biases = parameters.biases.map { p.bias.raw(fromDouble: $0) }
            shift = CompiledLayer.fastShift(productWidth: inputPrecision.width + p.weight.width,
                productFraction: inputPrecision.fractionalBits + p.weight.fractionalBits, accumulator: p.accumulator)
        case let .batchNormalization(parameters, p):
            weights = parameters.scale.map { p.scale.raw(fromDouble: $0) }
            biases = parameters.shift.map { p.bias.raw(fromDouble: $0) }
        case let .leakyReLU(a, parameter):
            alpha = parameter.raw(fromDouble: a)
        case let .squaredNorm(accumulator):
            shift = CompiledLayer.fastShift(productWidth: 2 * inputPrecision.width,
                productFraction: 2 * inputPrecision.fractionalBits, accumulator: accumulator)
        case let .lookup(activation, p):
            tables = [activation.table(in: p.table)]
            if let parameter = p.parameter {
                alpha = parameter.raw(fromDouble: activation.function == .elu ? activation.alpha : LookupActivation.seluLambda)
            }
        case let .hardActivation(activation, p):
            weights = [p.slope.raw(fromDouble: activation.slope)]
            biases = [p.shift.raw(fromDouble: activation.shift)]
        case let .softmax(parameters, p):
            if let p {
                tables = [parameters.expTable(address: p.expAddress(input: inputPrecision), entry: p.expTable),
                          parameters.inverseTable(address: p.invInput, entry: p.invTable)]
            }
        case let .klDivergence(parameters, p):
            tables = [parameters.table(in: p.table)]
        case let .pooling(parameters, _):
            windowStarts = [0]
            for window in parameters.windows() {
                windowIndices += window
                windowStarts.append(windowIndices.count)
            }
        case let .zeroPadding(parameters):
            windowIndices = parameters.sources().map { $0 ?? -1 }
        case let .upSampling(parameters):
            windowIndices = parameters.sources().map { $0 ?? -1 }
        case .relu, .linear, .merge:
            break
        }
        self.windowIndices = windowIndices
        self.windowStarts = windowStarts
        self.tables = tables
        weightRaw = weights
        biasRaw = biases
        if case let .dense(parameters, p) = operation {
            let n = parameters.outputSize, inputs = layer.inputSize
            transposedWeightRaw = (0..<(n * inputs)).map { weights[($0 % inputs) * n + $0 / inputs] }
            accumulatorBiasRaw = biases.map { p.accumulator.cast($0, from: p.bias) }
        } else {
            transposedWeightRaw = []
            accumulatorBiasRaw = []
        }
        alphaRaw = alpha
        productShift = shift
        kernelRaw = kernel
        filterBiasRaw = filterBias
    }

    /// A product cast to accum_t is `product >> shift` when the accumulator truncates, drops bits
    /// (or keeps them all) and the product fits 62 bits.
    static func fastShift(productWidth: Int, productFraction: Int, accumulator: Precision) -> Int? {
        let shift = productFraction - accumulator.fractionalBits
        guard productWidth <= 62, shift >= 0, shift < 63, accumulator.quantization == .truncate, accumulator.overflow == .wrap
        else { return nil }
        return shift
    }

    /// Evaluates the layer on raw inputs (in `inputPrecision`), writing raw outputs (in result_t). Each kind's
    /// arithmetic lives in `CompiledLayer+<Kind>.swift`.
    public func evaluate(_ input: UnsafeBufferPointer<Int64>, into output: UnsafeMutableBufferPointer<Int64>) {
        switch operation {
        case let .dense(parameters, p): evaluateDense(parameters, p, input, into: output)
        case let .convolution(parameters, p): evaluateConvolution(parameters, p, input, into: output)
        case let .batchNormalization(_, p): evaluateBatchNormalization(p, input, into: output)
        case .relu: evaluateReLU(input, into: output)
        case let .leakyReLU(_, parameter): evaluateLeakyReLU(parameter, input, into: output)
        case .linear: evaluateLinear(input, into: output)
        case let .squaredNorm(accumulator): evaluateSquaredNorm(accumulator, input, into: output)
        case let .merge(merge): evaluateMerge(merge, input, into: output)
        case let .lookup(activation, p): evaluateLookup(activation, p, input, into: output)
        case let .hardActivation(activation, p): evaluateHardActivation(activation, p, input, into: output)
        case let .softmax(parameters, p): evaluateSoftmax(parameters, p, input, into: output)
        case let .klDivergence(parameters, p): evaluateKLDivergence(parameters, p, input, into: output)
        case let .pooling(parameters, accumulator): evaluatePooling(parameters, accumulator, input, into: output)
        case .zeroPadding, .upSampling: evaluateCopy(input, into: output)
        }
    }

    /// Convenience: evaluates on an array.
    public func evaluate(_ input: [Int64]) -> [Int64] {
        var output = [Int64](repeating: 0, count: layer.outputSize)
        input.withUnsafeBufferPointer { i in output.withUnsafeMutableBufferPointer { o in evaluate(i, into: o) } }
        return output
    }
}

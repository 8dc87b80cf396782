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

    /// A layer that reads one tensor.
    public init(layer: Layer, inputPrecision: Precision) {
        self.init(layer: layer, inputPrecisions: [inputPrecision], inputSizes: [layer.inputSize])
    }

    /// A layer that reads `inputPrecisions.count` tensors of `inputSizes` elements.
    public init(layer: Layer, inputPrecisions: [Precision], inputSizes: [Int]) {
        self.layer = layer
        self.inputPrecisions = inputPrecisions
        self.inputSizes = inputSizes
        let inputPrecision = inputPrecisions[0]
        self.inputPrecision = inputPrecision
        var weights: [Int64] = [], biases: [Int64] = [], alpha: Int64 = 0, tables: [[Int64]] = []
        var shift: Int? = nil
        var kernel: [Int64] = [], filterBias: [Int64] = []
        var windowIndices: [Int] = [], windowStarts: [Int] = []
        let p = layer.precision
        switch layer.operation {
        case let .convolution(parameters):
            kernel = parameters.weights.map { p.weight!.raw(fromDouble: $0) }
            filterBias = parameters.biases.map { p.accumulator!.cast(p.bias!.raw(fromDouble: $0), from: p.bias!) }
            let dense = parameters.denseEquivalent()
            weights = dense.weights.map { p.weight!.raw(fromDouble: $0) }
            biases = dense.biases.map { p.bias!.raw(fromDouble: $0) }
            shift = CompiledLayer.fastShift(productWidth: inputPrecision.width + p.weight!.width,
                productFraction: inputPrecision.fractionalBits + p.weight!.fractionalBits, accumulator: p.accumulator!)
        case let .dense(parameters):
            weights = parameters.weights.map { p.weight!.raw(fromDouble: $0) }
            biases = parameters.biases.map { p.bias!.raw(fromDouble: $0) }
            shift = CompiledLayer.fastShift(productWidth: inputPrecision.width + p.weight!.width,
                productFraction: inputPrecision.fractionalBits + p.weight!.fractionalBits, accumulator: p.accumulator!)
        case let .batchNormalization(parameters):
            weights = parameters.scale.map { p.weight!.raw(fromDouble: $0) }
            biases = parameters.shift.map { p.bias!.raw(fromDouble: $0) }
        case let .leakyReLU(a):
            alpha = p.parameter!.raw(fromDouble: a)
        case .squaredNorm:
            shift = CompiledLayer.fastShift(productWidth: 2 * inputPrecision.width,
                productFraction: 2 * inputPrecision.fractionalBits, accumulator: p.accumulator!)
        case let .lookup(activation):
            tables = [activation.table(in: p.extra["table"]!)]
            if activation.function == .elu { alpha = p.parameter!.raw(fromDouble: activation.alpha) }
            if activation.function == .selu { alpha = p.parameter!.raw(fromDouble: LookupActivation.seluLambda) }
        case let .hardActivation(activation):
            weights = [p.extra["slope"]!.raw(fromDouble: activation.slope)]
            biases = [p.extra["shift"]!.raw(fromDouble: activation.shift)]
        case let .softmax(parameters):
            if parameters.implementation != .argmax {
                let address = parameters.implementation == .stable ? p.extra["inp_norm"]! : inputPrecision
                tables = [parameters.expTable(address: address, entry: p.extra["exp_table"]!),
                          parameters.inverseTable(address: p.extra["inv_inp"]!, entry: p.extra["inv_table"]!)]
            }
        case let .klDivergence(parameters):
            tables = [parameters.table(in: p.extra["table"]!)]
        case let .pooling(parameters):
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
        if case let .dense(parameters) = layer.operation {
            let n = parameters.outputSize, inputs = layer.inputSize
            transposedWeightRaw = (0..<(n * inputs)).map { weights[($0 % inputs) * n + $0 / inputs] }
            accumulatorBiasRaw = biases.map { p.accumulator!.cast($0, from: p.bias!) }
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
        switch layer.operation {
        case let .dense(parameters): evaluateDense(parameters, input, into: output)
        case let .convolution(parameters): evaluateConvolution(parameters, input, into: output)
        case .batchNormalization: evaluateBatchNormalization(input, into: output)
        case .relu: evaluateReLU(input, into: output)
        case .leakyReLU: evaluateLeakyReLU(input, into: output)
        case .linear: evaluateLinear(input, into: output)
        case .squaredNorm: evaluateSquaredNorm(input, into: output)
        case let .merge(merge): evaluateMerge(merge, input, into: output)
        case let .lookup(activation): evaluateLookup(activation, input, into: output)
        case let .hardActivation(activation): evaluateHardActivation(activation, input, into: output)
        case let .softmax(parameters): evaluateSoftmax(parameters, input, into: output)
        case let .klDivergence(parameters): evaluateKLDivergence(parameters, input, into: output)
        case let .pooling(parameters): evaluatePooling(parameters, input, into: output)
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

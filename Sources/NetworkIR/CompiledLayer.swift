import FixedPoint

/// A layer lowered to raw fixed-point integers, ready for repeated bit-exact evaluation.
///
/// Semantics follow hls4ml's `nnet_utils` (Vivado backend):
/// - Dense: each exact product `x_i·w_ij` is cast to accum_t, the bias is cast to accum_t, they are summed
///   in accum_t (AP_WRAP, so the order does not matter), and the sum is cast to result_t.
/// - BatchNormalization: `result_t(x·scale + shift)`, one rounding of the exact value.
/// - ReLU: `x > 0 ? result_t(x) : 0`. LeakyReLU: `x > 0 ? result_t(x) : result_t(α·x)`, α in param_t.
/// - Linear: `result_t(x)`. SquaredNorm: squares cast to accum_t, summed in accum_t, cast to result_t.
public struct CompiledLayer: Sendable {
    public let layer: Layer
    /// Precision of the (first) tensor it reads.
    public let inputPrecision: Precision
    /// Precision and size of every tensor it reads, in input order (the input buffer holds them one after the other).
    public let inputPrecisions: [Precision]
    public let inputSizes: [Int]
    /// Raw weights (`[i * outputSize + j]`), or BatchNorm scales.
    public let weightRaw: [Int64]
    /// Raw biases, or BatchNorm shifts.
    public let biasRaw: [Int64]
    /// Dense: raw weights transposed to `[j * inputSize + i]`, so each output's dot product reads memory in order.
    let transposedWeightRaw: [Int64]
    /// Dense: biases already cast to accum_t.
    let accumulatorBiasRaw: [Int64]
    /// Raw α of a LeakyReLU.
    public let alphaRaw: Int64
    /// Dense/SquaredNorm: right shift that takes a product to accum_t when it is a plain floor.
    let productShift: Int?

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
        var weights: [Int64] = [], biases: [Int64] = [], alpha: Int64 = 0
        var shift: Int? = nil
        let p = layer.precision
        switch layer.operation {
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
        case .relu, .linear, .merge:
            break
        }
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
    }

    /// A product cast to accum_t is `product >> shift` when the accumulator truncates, drops bits
    /// (or keeps them all) and the product fits 62 bits.
    static func fastShift(productWidth: Int, productFraction: Int, accumulator: Precision) -> Int? {
        let shift = productFraction - accumulator.fractionalBits
        guard productWidth <= 62, shift >= 0, shift < 63, accumulator.quantization == .truncate, accumulator.overflow == .wrap
        else { return nil }
        return shift
    }

    /// Evaluates the layer on raw inputs (in `inputPrecision`), writing raw outputs (in result_t).
    public func evaluate(_ input: UnsafeBufferPointer<Int64>, into output: UnsafeMutableBufferPointer<Int64>) {
        let p = layer.precision
        let result = p.result
        let inputFraction = inputPrecision.fractionalBits
        switch layer.operation {
        case let .dense(parameters):
            let accumulator = p.accumulator!
            let n = parameters.outputSize
            let productFraction = inputFraction + p.weight!.fractionalBits
            for j in 0..<n {
                var sum = Int128(accumulatorBiasRaw[j])
                if let shift = productShift {
                    // Products fit 62 bits and the sum wraps at the accumulator width anyway, so 64-bit
                    // wrapping arithmetic gives the same low bits.
                    var fast: Int64 = 0
                    let inputs = layer.inputSize
                    transposedWeightRaw.withUnsafeBufferPointer { weights in
                        let row = j &* inputs
                        for i in 0..<inputs { fast &+= (input[i] &* weights[row &+ i]) &>> shift }
                    }
                    sum += Int128(fast)
                } else {
                    for i in 0..<layer.inputSize {
                        let product = Int128(input[i]) * Int128(weightRaw[i * n + j])
                        sum += Int128(accumulator.quantize(product, fractionalBits: productFraction))
                    }
                }
                let accumulated = accumulator.quantize(sum, fractionalBits: accumulator.fractionalBits)
                output[j] = result.cast(accumulated, from: accumulator)
            }
        case .batchNormalization:
            let scaleFraction = inputFraction + p.weight!.fractionalBits
            let biasFraction = p.bias!.fractionalBits
            let fraction = max(scaleFraction, biasFraction)
            for i in 0..<layer.inputSize {
                let product = Int128(input[i]) * Int128(weightRaw[i]) << (fraction - scaleFraction)
                let shifted = Int128(biasRaw[i]) << (fraction - biasFraction)
                output[i] = result.quantize(product + shifted, fractionalBits: fraction)
            }
        case .relu:
            for i in 0..<layer.inputSize {
                output[i] = input[i] > 0 ? result.quantize(Int128(input[i]), fractionalBits: inputFraction) : 0
            }
        case .leakyReLU:
            let alphaFraction = inputFraction + p.parameter!.fractionalBits
            for i in 0..<layer.inputSize {
                output[i] = input[i] > 0
                    ? result.quantize(Int128(input[i]), fractionalBits: inputFraction)
                    : result.quantize(Int128(input[i]) * Int128(alphaRaw), fractionalBits: alphaFraction)
            }
        case .linear:
            for i in 0..<layer.inputSize {
                output[i] = result.quantize(Int128(input[i]), fractionalBits: inputFraction)
            }
        case .squaredNorm:
            let accumulator = p.accumulator!
            var sum: Int128 = 0
            for i in 0..<layer.inputSize {
                let square = Int128(input[i]) * Int128(input[i])
                if let shift = productShift {
                    sum += Int128((input[i] &* input[i]) &>> shift)
                } else {
                    sum += Int128(accumulator.quantize(square, fractionalBits: 2 * inputFraction))
                }
            }
            let accumulated = accumulator.quantize(sum, fractionalBits: accumulator.fractionalBits)
            output[0] = result.cast(accumulated, from: accumulator)
        case let .merge(merge):
            evaluateMerge(merge, input, into: output)
        }
    }

    /// hls4ml's `nnet_merge.h` on raw values: x is the first tensor, y the second (see `MergeOperation`).
    func evaluateMerge(_ merge: MergeOperation, _ input: UnsafeBufferPointer<Int64>, into output: UnsafeMutableBufferPointer<Int64>) {
        let result = layer.precision.result
        let first = inputPrecisions[0], second = inputPrecisions[1]
        let n = inputSizes[0]
        if merge == .concatenate {
            for i in 0..<n { output[i] = result.cast(input[i], from: first) }
            for i in 0..<inputSizes[1] { output[n + i] = result.cast(input[n + i], from: second) }
            return
        }
        let fx = first.fractionalBits, fy = second.fractionalBits, fraction = max(fx, fy)
        for i in 0..<n {
            let x = Int128(input[i]), y = Int128(input[n + i])
            let ax = x << (fraction - fx), ay = y << (fraction - fy)
            switch merge {
            case .add: output[i] = result.quantize(ax + ay, fractionalBits: fraction)
            case .subtract: output[i] = result.quantize(ax - ay, fractionalBits: fraction)
            case .multiply: output[i] = result.quantize(x * y, fractionalBits: fx + fy)
            case .average: output[i] = result.quantize((ax + ay) / 2, fractionalBits: fraction)   // Int128 `/` truncates toward zero, as ap_fixed's division
            case .maximum: output[i] = ax > ay ? result.cast(input[i], from: first) : result.cast(input[n + i], from: second)
            case .minimum: output[i] = ax < ay ? result.cast(input[i], from: first) : result.cast(input[n + i], from: second)
            case .concatenate: break
            }
        }
    }

    /// Convenience: evaluates on an array.
    public func evaluate(_ input: [Int64]) -> [Int64] {
        var output = [Int64](repeating: 0, count: layer.outputSize)
        input.withUnsafeBufferPointer { i in output.withUnsafeMutableBufferPointer { o in evaluate(i, into: o) } }
        return output
    }
}

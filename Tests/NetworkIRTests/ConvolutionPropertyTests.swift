import Testing
import FixedPoint
@testable import NetworkIR

/// Random convolutions against a reference written from the definitions alone: the input copied into an
/// explicitly zero-padded array (pads from hls4ml's compute_padding_2d formula, written out again here), then for
/// every output pixel and filter acc = accum_t(bias) + Σ accum_t(x·w) over the padded window and result_t(acc),
/// in every quantization and overflow mode of accum_t and result_t. Also the dense equivalent against both.
struct ConvolutionPropertyTests {
    /// A small deterministic generator (a 64-bit LCG; the high bits are used).
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state >> 16
        }
        mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
        mutating func pick<T>(_ items: [T]) -> T { items[int(0...(items.count - 1))] }
    }

    static func pads(_ input: Int, _ kernel: Int, _ stride: Int, same: Bool) -> (Int, Int) {
        guard same else { return (0, 0) }
        let total = input % stride == 0 ? max(kernel - stride, 0) : max(kernel - input % stride, 0)
        return (total / 2, total - total / 2)
    }

    @Test(arguments: 0..<200)
    func randomConvolutionMatchesReference(seed: Int) throws {
        var g = Generator(state: UInt64(seed) &* 7919 &+ 13)
        let oneD = g.int(0...3) == 0
        let (h, w, c, f) = (oneD ? 1 : g.int(1...5), g.int(1...6), g.int(1...3), g.int(1...3))
        let same = g.int(0...1) == 1
        let kh = oneD ? 1 : g.int(1...min(3, same ? 3 : h)), kw = g.int(1...min(3, same ? 3 : w))
        let sh = oneD ? 1 : g.int(1...2), sw = g.int(1...3)
        let input = Precision(width: g.int(3...10), integerBits: g.int(-1...5), isSigned: g.int(0...3) > 0)
        let weight = Precision.fixed(g.int(2...8), g.int(-1...3))
        let bias = Precision.fixed(g.int(2...8), g.int(0...4))
        let accumulator = Precision(width: g.int(6...24), integerBits: g.int(2...10), isSigned: true,
                                    quantization: g.int(0...1) == 0 ? .truncate : g.pick(QuantizationMode.allCases), overflow: .wrap)
        let result = Precision(width: g.int(4...16), integerBits: g.int(1...8), isSigned: g.int(0...3) > 0,
                               quantization: g.pick(QuantizationMode.allCases), overflow: g.pick(OverflowMode.allCases))
        let kernel = (0..<(kh * kw * c * f)).map { _ in weight.value(ofRaw: Int64(g.int(-(1 << (weight.width - 1))...((1 << (weight.width - 1)) - 1)))) }
        let biases = (0..<f).map { _ in bias.value(ofRaw: Int64(g.int(-(1 << (bias.width - 1))...((1 << (bias.width - 1)) - 1)))) }
        let parameters = ConvolutionParameters(spatialDimensions: oneD ? 1 : 2, inputHeight: h, inputWidth: w, channels: c, filters: f,
                                               kernelHeight: kh, kernelWidth: kw, strideHeight: sh, strideWidth: sw,
                                               padding: same ? .same : .valid, weights: kernel, biases: biases)
        let layer = Layer(name: "conv", operation: .convolution(parameters), inputSize: h * w * c,
                          precision: LayerPrecision(result: result, weight: weight, bias: bias, accumulator: accumulator))
        let lowest = input.isSigned ? -(1 << (input.width - 1)) : 0, highest = input.isSigned ? (1 << (input.width - 1)) - 1 : (1 << input.width) - 1
        let x = (0..<(h * w * c)).map { _ in Int64(g.int(lowest...highest)) }

        // Reference: explicit padding, then the sliding window.
        let (top, bottom) = Self.pads(h, kh, sh, same: same), (left, right) = Self.pads(w, kw, sw, same: same)
        let (ph, pw) = (h + top + bottom, w + left + right)
        var padded = [Int64](repeating: 0, count: ph * pw * c)
        for r in 0..<h { for col in 0..<w { for ch in 0..<c { padded[((r + top) * pw + col + left) * c + ch] = x[(r * w + col) * c + ch] } } }
        let (oh, ow) = ((ph - kh) / sh + 1, (pw - kw) / sw + 1)
        let productFraction = input.fractionalBits + weight.fractionalBits
        var expected: [Int64] = []
        for r in 0..<oh {
            for col in 0..<ow {
                for filter in 0..<f {
                    var sum = Int128(accumulator.cast(bias.raw(fromDouble: biases[filter]), from: bias))
                    for a in 0..<kh { for b in 0..<kw { for ch in 0..<c {
                        let xv = padded[((r * sh + a) * pw + col * sw + b) * c + ch]
                        let wv = weight.raw(fromDouble: kernel[((a * kw + b) * c + ch) * f + filter])
                        sum += Int128(accumulator.quantize(Int128(xv) * Int128(wv), fractionalBits: productFraction))
                    } } }
                    let acc = accumulator.quantize(sum, fractionalBits: accumulator.fractionalBits)
                    expected.append(result.cast(acc, from: accumulator))
                }
            }
        }
        #expect(parameters.outputShape.count == oh * ow * f)
        let compiled = try CompiledLayer(layer: layer, inputPrecision: input)
        #expect(compiled.evaluate(x) == expected, "seed \(seed)")
        let dense = Layer(name: "dense", operation: .dense(parameters.denseEquivalent()), inputSize: h * w * c, precision: layer.precision)
        #expect(try CompiledLayer(layer: dense, inputPrecision: input).evaluate(x) == expected, "seed \(seed) (dense equivalent)")
    }
}

import Testing
import FixedPoint
@testable import NetworkIR

/// Hand-worked, bit-exact cases for each layer kind. Every expected raw value is derived in the comments
/// from the exact binary inputs, so the test does not depend on the code under test.
struct LayerEvaluationTests {
    // MARK: Dense

    /// Inputs in ap_fixed<8,3> (5 fractional bits), weights ap_fixed<8,2> (6), biases ap_fixed<8,3> (5).
    /// x = [1.28125, −0.71875, 2.5] = raw [41, −23, 80].
    /// W (i-major) = [[33, −21], [49, 13], [−9, 3]] / 64, b = [4, −8] / 32.
    static let denseInput: [Int64] = [41, -23, 80]
    static let denseParameters = DenseParameters(
        outputSize: 2,
        weights: [0.515625, -0.328125, 0.765625, 0.203125, -0.140625, 0.046875],
        biases: [0.125, -0.25])

    static func dense(accumulator: Precision, result: Precision) -> Layer {
        Layer(name: "dense", operation: .dense(denseParameters), inputSize: 3,
              precision: LayerPrecision(result: result, weight: .fixed(8, 2), bias: .fixed(8, 3),
                                        accumulator: accumulator))
    }

    /// Products carry 11 fractional bits; accum_t ap_fixed<12,4> keeps 8, so each product is floored by 2^3.
    ///   out 0: 41·33 = 1353 → 169.125 → 169;  −23·49 = −1127 → −140.875 → −141;  80·−9 = −720 → −90;
    ///          bias 4 (F5) = 32 (F8);  sum = 32 + 169 − 141 − 90 = −30 (−0.1171875)
    ///   out 1: 41·−21 = −861 → −107.625 → −108;  −23·13 = −299 → −37.375 → −38;  80·3 = 240 → 30;
    ///          bias −8 (F5) = −64 (F8);  sum = −64 − 108 − 38 + 30 = −180 (−0.703125)
    /// result ap_fixed<10,4> keeps 6 fractional bits: −30/4 = −7.5 → −8 (−0.125);  −180/4 = −45 (−0.703125).
    @Test func denseTruncatesEachProduct() throws {
        let layer = try CompiledLayer(layer: Self.dense(accumulator: .fixed(12, 4), result: .fixed(10, 4)),
                                  inputPrecision: .fixed(8, 3))
        #expect(layer.productShift == 3)             // the fast path: a plain floor by 3 bits
        #expect(layer.weightRaw == [33, -21, 49, 13, -9, 3])
        #expect(layer.biasRaw == [4, -8])
        #expect(layer.evaluate(Self.denseInput) == [-8, -45])
        // With result_t = accum_t the accumulated sums show directly.
        let accumulated = try CompiledLayer(layer: Self.dense(accumulator: .fixed(12, 4), result: .fixed(12, 4)),
                                        inputPrecision: .fixed(8, 3))
        #expect(accumulated.evaluate(Self.denseInput) == [-30, -180])
    }

    /// accum_t ap_fixed<12,4,AP_RND>: each product is rounded to nearest (ties up), not floored:
    ///   out 0: 169.125 → 169, −140.875 → −141, −90 → −90: −30 (as before)
    ///   out 1: −107.625 → −108, −37.375 → −37, 30 → 30: −64 − 108 − 37 + 30 = −179
    @Test func denseRoundingAccumulatorSkipsFastPath() throws {
        let rounding = Precision.fixed(12, 4, .round)
        let layer = try CompiledLayer(layer: Self.dense(accumulator: rounding, result: rounding), inputPrecision: .fixed(8, 3))
        #expect(layer.productShift == nil)
        #expect(layer.evaluate(Self.denseInput) == [-30, -179])
    }

    /// A product tie: 0.125 (raw 4, F5) · 0.015625 (raw 1, F6) = 4·2^−11 = 0.5 LSB of an F8 accumulator.
    /// AP_TRN floors it to 0, AP_RND rounds it to 1; AP_RND_CONV to 0 (even); AP_RND_INF to 1.
    @Test(arguments: [
        (QuantizationMode.truncate, Int64(0)), (.round, 1), (.roundConvergent, 0), (.roundToInfinity, 1),
        (.roundToZero, 0), (.roundToMinusInfinity, 0), (.truncateToZero, 0),
    ])
    func denseProductTie(mode: QuantizationMode, expected: Int64) throws {
        let accumulator = Precision.fixed(12, 4, mode)
        let layer = Layer(name: "tie", operation: .dense(DenseParameters(outputSize: 1, weights: [0.015625], biases: [0])),
                          inputSize: 1, precision: LayerPrecision(result: accumulator, weight: .fixed(8, 2),
                                                                  bias: .fixed(8, 3), accumulator: accumulator))
        #expect(try CompiledLayer(layer: layer, inputPrecision: .fixed(8, 3)).evaluate([4]) == [expected])
    }

    /// Product width 32 + 32 = 64 > 62 bits: the slow path, still a floor.
    /// x0 = 100 + 2^−24 (ap_fixed<32,8>, F24: raw 100·2^24 + 1), w0 = −3 + 5·2^−28 (ap_fixed<32,4>, F28).
    /// x0·w0 = −300 + 500·2^−28 − 3·2^−24 + 5·2^−52 = −300 + 452·2^−28 + 5·2^−52 → floor to F28: −300·2^28 + 452.
    /// x1 = −2^−24 (raw −1), w1 = 2^−28 (raw 1): −2^−52 → floor to F28: −1.
    /// Sum (accum ap_fixed<40,12>, F28): −300·2^28 + 451 = −80530636349.
    @Test func denseWideProductsUseExactPath() throws {
        let accumulator = Precision.fixed(40, 12)
        let parameters = DenseParameters(outputSize: 1, weights: [-3 + 5 * 0x1p-28, 0x1p-28], biases: [0])
        let layer = Layer(name: "wide", operation: .dense(parameters), inputSize: 2,
                          precision: LayerPrecision(result: accumulator, weight: .fixed(32, 4), bias: .fixed(8, 3),
                                                    accumulator: accumulator))
        let compiled = try CompiledLayer(layer: layer, inputPrecision: .fixed(32, 8))
        #expect(compiled.productShift == nil)
        #expect(compiled.weightRaw == [-805_306_363, 1])
        #expect(compiled.evaluate([1_677_721_601, -1]) == [-80_530_636_349])
    }

    /// accum_t ap_fixed<8,3> holds [−4, 4): 3.0 + 2.0 = 5.0 wraps to 5 − 8 = −3.0.
    /// Raw: inputs 96, 64 (F5); weights 1.0 = 4 (ap_fixed<4,2>, F2); products F7 = 384, 256 → F5: 96, 64;
    /// 160 − 256 = −96 (−3.0). result ap_fixed<16,6> (F10): −3072.
    @Test func denseAccumulatorWrapsAround() throws {
        let layer = Layer(name: "wrap", operation: .dense(DenseParameters(outputSize: 1, weights: [1, 1], biases: [0])),
                          inputSize: 2, precision: LayerPrecision(result: .fixed(16, 6), weight: .fixed(4, 2),
                                                                  bias: .fixed(4, 2), accumulator: .fixed(8, 3)))
        #expect(try CompiledLayer(layer: layer, inputPrecision: .fixed(8, 3)).evaluate([96, 64]) == [-3072])
        let network = Network(name: "wrap", inputSize: 2, inputPrecision: .fixed(8, 3), layers: [layer])
        #expect(network.evaluateFloat([3, 2]) == [5])
    }

    /// The fast path agrees with an independent integer formula on random inputs.
    @Test func denseFastPathAgreesWithExactSum() throws {
        // accum_t ap_fixed<12,4>; exact: Σ floor(x_i·w_ij / 8) + 8·b_j, wrapped to 12 bits, then floored by 4.
        var state: UInt64 = 12345
        func next() -> Int64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int64(bitPattern: state >> 33) }
        let compiled = try CompiledLayer(layer: Self.dense(accumulator: .fixed(12, 4), result: .fixed(10, 4)),
                                     inputPrecision: .fixed(8, 3))
        let w: [Int64] = [33, -21, 49, 13, -9, 3], b: [Int64] = [4, -8]
        func floorDiv(_ a: Int64, _ d: Int64) -> Int64 { let q = a / d; return (a % d != 0 && a < 0) ? q - 1 : q }
        for _ in 0..<500 {
            let x = (0..<3).map { _ in next() % 256 - 128 }
            var expected: [Int64] = []
            for j in 0..<2 {
                var sum = 8 * b[j]
                for i in 0..<3 { sum += floorDiv(x[i] * w[i * 2 + j], 8) }
                var wrapped = ((sum % 4096) + 4096) % 4096
                if wrapped >= 2048 { wrapped -= 4096 }
                var result = floorDiv(wrapped, 4) % 1024
                if result >= 512 { result -= 1024 } else if result < -512 { result += 1024 }
                expected.append(result)
            }
            #expect(compiled.evaluate(x) == expected, "x = \(x)")
        }
    }

    // MARK: BatchNormalization

    /// x = [1.53125, −0.71875] (ap_fixed<8,3>, F5: 49, −23); scale ap_fixed<8,2> (F6) = [0.515625, 1.25] = [33, 80];
    /// shift ap_fixed<8,1> (F7) = [0.1328125, −0.5] = [17, −64]; result ap_fixed<8,3,AP_RND> (F5).
    ///   ch 0: 49·33 = 1617 (F11) + 17·16 = 272 → 1889 / 64 = 29.515625 LSB → 30 (0.9375).
    ///         Rounding product and shift separately would give 25 + 4 = 29: one rounding only.
    ///   ch 1: −23·80 = −1840 (F11) + −64·16 = −1024 → −2864 / 64 = −44.75 → −45 (−1.40625).
    /// AP_TRN instead: floor(29.515625) = 29, floor(−44.75) = −45.
    @Test func batchNormRoundsOnce() throws {
        func layer(_ result: Precision) throws -> CompiledLayer {
            try CompiledLayer(layer: Layer(name: "bn", operation: .batchNormalization(BatchNormParameters(
                scale: [0.515625, 1.25], shift: [0.1328125, -0.5])), inputSize: 2,
                precision: LayerPrecision(result: result, weight: .fixed(8, 2), bias: .fixed(8, 1))),
                inputPrecision: .fixed(8, 3))
        }
        #expect(try layer(.fixed(8, 3, .round)).evaluate([49, -23]) == [30, -45])
        #expect(try layer(.fixed(8, 3)).evaluate([49, -23]) == [29, -45])
    }

    /// γ = [3, −1], β = [0.25, 1], mean = [2, −0.5], var = [3.75, 0], ε = 0.25:
    /// √(var + ε) = [2, 0.5] → scale = [1.5, −2]; shift = β − scale·mean = [0.25 − 3, 1 − 1] = [−2.75, 0].
    @Test func batchNormFolding() throws {
        let p = BatchNormParameters(gamma: [3, -1], beta: [0.25, 1], mean: [2, -0.5], variance: [3.75, 0], epsilon: 0.25)
        #expect(p.scale == [1.5, -2])
        #expect(p.shift == [-2.75, 0])
        #expect(p == BatchNormParameters(scale: [1.5, -2], shift: [-2.75, 0]))
    }

    // MARK: Activations

    /// ReLU from ap_fixed<20,10> (F10) into hls4ml's default ap_fixed<16,6> (F10, range [−32, 32)):
    /// −1.5 → 0; 0 → 0; 0.75 → 768; 31.9990234375 → 32767; 40.0 = 40960 wraps to 40960 − 65536 = −24576 (−24.0).
    @Test func reluWrapsLikeHls4ml() throws {
        let layer = try CompiledLayer(layer: Layer(name: "relu", operation: .relu, inputSize: 5,
                                               precision: LayerPrecision(result: .fixed(16, 6))),
                                  inputPrecision: .fixed(20, 10))
        #expect(layer.evaluate([-1536, 0, 768, 32767, 40960]) == [0, 0, 768, 32767, -24576])
        // Into ap_fixed<8,3> (F5): 0.75 → 24; 3.9990234375 (4095, F10) → floor(127.97) = 127; 5.0 → 160 − 256 = −96.
        let narrow = try CompiledLayer(layer: Layer(name: "relu8", operation: .relu, inputSize: 3,
                                                precision: LayerPrecision(result: .fixed(8, 3))),
                                   inputPrecision: .fixed(16, 6))
        #expect(narrow.evaluate([768, 4095, 5120]) == [24, 127, -96])
    }

    /// α = 0.3 in param_t ap_ufixed<8,−1> (F9): 0.3·512 = 153.6 → 153, i.e. α = 153/512 = 0.298828125.
    /// Input and result ap_fixed<16,6> (F10):
    ///   x = −2.5 (−2560): 153·−2560 = −391680 (F19) / 512 = −765 exactly (−0.7470703125)
    ///   x = −1.0009765625 (−1025): 153·−1025 = −156825 / 512 = −306.3… → −307
    ///   x = 1.5 (1536) passes: 1536.   x = 0 → α·0 = 0.
    @Test func leakyReLUQuantizesAlpha() throws {
        let layer = try CompiledLayer(layer: Layer(name: "leaky", operation: .leakyReLU(alpha: 0.3), inputSize: 4,
                                               precision: LayerPrecision(result: .fixed(16, 6), parameter: .ufixed(8, -1))),
                                  inputPrecision: .fixed(16, 6))
        #expect(layer.alphaRaw == 153)
        #expect(Precision.ufixed(8, -1).value(ofRaw: layer.alphaRaw) == 0.298828125)
        #expect(layer.evaluate([-2560, -1025, 1536, 0]) == [-765, -307, 1536, 0])
    }

    /// Linear: a plain cast. ap_fixed<16,6> (F10) → ap_fixed<8,3,AP_RND_CONV,AP_SAT> (F5):
    /// 2.046875 (2096) = 65.5 LSB → 66 (even); 2.015625 (2064) = 64.5 → 64; 5.0 → saturates to 127; −5.0 → −128.
    @Test func linearCasts() throws {
        let layer = try CompiledLayer(layer: Layer(name: "linear", operation: .linear, inputSize: 4,
                                               precision: LayerPrecision(result: .fixed(8, 3, .roundConvergent, .saturate))),
                                  inputPrecision: .fixed(16, 6))
        #expect(layer.evaluate([2096, 2064, 5120, -5120]) == [66, 64, 127, -128])
    }

    /// x = [1.5, −0.53125, 0.03125] (ap_fixed<8,3>, F5: 48, −17, 1), squares at F10: 2304, 289, 1.
    /// accum ap_fixed<16,6> (F10) keeps them: 2594 → result ap_fixed<10,4> (F6): 2594/16 = 162.125 → 162 (2.53125).
    /// accum ap_fixed<12,4> (F8) floors each: 576, 72 (72.25), 0 (0.25) → 648 (2.53125).
    @Test func squaredNorm() throws {
        func layer(_ accumulator: Precision, _ result: Precision) throws -> CompiledLayer {
            try CompiledLayer(layer: Layer(name: "score", operation: .squaredNorm, inputSize: 3,
                                       precision: LayerPrecision(result: result, accumulator: accumulator)),
                          inputPrecision: .fixed(8, 3))
        }
        #expect(try layer(.fixed(16, 6), .fixed(10, 4)).evaluate([48, -17, 1]) == [162])
        #expect(try layer(.fixed(12, 4), .fixed(12, 4)).evaluate([48, -17, 1]) == [648])
        // The exact path (AP_RND accumulator): 72.25 → 72, 0.25 → 0: also 648.
        #expect(try layer(.fixed(12, 4, .round), .fixed(12, 4, .round)).evaluate([48, -17, 1]) == [648])
        // x = [1, 1, 2] (F5): squares 1, 1, 4 (F10) = 0.25, 0.25, 1 LSB of F8 → 0 + 0 + 1 = 1.
        #expect(try layer(.fixed(12, 4, .round), .fixed(12, 4)).evaluate([1, 1, 2]) == [1])
        // Overflow of the accumulator: 3.96875² (127, F5) = 16129 (F10) ·3 = 48387 → wraps in 16 bits: −17149.
        #expect(try layer(.fixed(16, 6), .fixed(16, 6)).evaluate([127, 127, 127]) == [-17149])
    }
}

import FixedPoint
import Testing
import NetworkIR
@testable import Design

/// hls4ml 1.3 `auto` rules, checked on hand-worked cases.
@Suite struct PrecisionInferenceTests {
    @Test(arguments: [(1, 0), (2, 1), (3, 2), (4, 2), (5, 3), (16, 4), (17, 5), (57, 6), (58, 6), (64, 6), (65, 7)])
    func ceilLog2(_ n: Int, _ expected: Int) {
        #expect(PrecisionInference.ceilLog2(n) == expected)
    }

    @Test func denseSignedCase() {
        // n_in = 58, weight <12,4>, input <18,8>, bias <12,4>: ap_fixed<37,19> (worked in ShippedDesignTests).
        #expect(PrecisionInference.denseAccumulator(input: .fixed(18, 8), weight: .fixed(12, 4), bias: .fixed(12, 4),
                                                    inputSize: 58) == .fixed(37, 19))
    }

    @Test func denseUnsignedOperandsSignedBias() {
        // n = 10 → L = 4; input ap_ufixed<8,4>, weight ap_ufixed<6,2>: W = 18, I = 10, s = false, F = 8.
        // Signed bias ap_fixed<8,3>: I = max(10 + 1, 3 + 0) + 1 = 12; W = 12 + max(8, 5) = 20; signed.
        #expect(PrecisionInference.denseAccumulator(input: .ufixed(8, 4), weight: .ufixed(6, 2), bias: .fixed(8, 3),
                                                    inputSize: 10) == .fixed(20, 12))
    }

    @Test func denseAllUnsigned() {
        // n = 1 → L = 0: W = 8 + 4 = 12, I = 2 + 1 = 3, F = 9; bias ap_ufixed<4,4>: I = max(3, 4) + 1 = 5,
        // W = 5 + max(9, 0) = 14, unsigned.
        #expect(PrecisionInference.denseAccumulator(input: .ufixed(8, 2), weight: .ufixed(4, 1), bias: .uint(4),
                                                    inputSize: 1) == .ufixed(14, 5))
    }

    /// Operands far outside the validated ranges (as a library caller could pass) saturate instead of
    /// trapping, and the result fails validation: Int.max + 8 + 0 saturates to Int.max.
    @Test func extremeOperandsSaturate() {
        let huge = Precision(width: 16, integerBits: .max)
        let dense = PrecisionInference.denseAccumulator(input: huge, weight: .fixed(8, 8), bias: .fixed(8, 3), inputSize: 1)
        #expect(dense.integerBits == .max)
        #expect(throws: PrecisionError.self) { try dense.validate() }
        let tiny = Precision(width: 16, integerBits: .min)
        let batchNorm = PrecisionInference.batchNormResult(input: tiny, scale: tiny, bias: .fixed(8, 3))
        // I = max(min + min, 3) + 1 = 4; F = max(32 − min → Int.max, 5) = Int.max; W = 4 + Int.max → Int.max.
        #expect(batchNorm.integerBits == 4 && batchNorm.width == .max)
        #expect(throws: PrecisionError.self) { try batchNorm.validate() }
        let norm = PrecisionInference.squaredNormAccumulator(input: tiny, inputSize: 4)
        // I = (min + min → min) + 2; W = 16 + 16 + 2.
        #expect(norm.integerBits == Int.min + 2 && norm.width == 34)
    }

    @Test func batchNormResult() {
        // Ws = 16, Is = 6, signed; bias <8,3>: I = max(6, 3) + 1 = 7, W = 7 + max(10, 5) = 17.
        #expect(PrecisionInference.batchNormResult(input: .fixed(8, 3), scale: .fixed(8, 3), bias: .fixed(8, 3))
                == .fixed(17, 7))
        // Unsigned bias ap_ufixed<6,2>: I = max(6 + 0, 2 + 1) + 1 = 7; W = 7 + max(10, 4) = 17.
        #expect(PrecisionInference.batchNormResult(input: .fixed(8, 3), scale: .fixed(8, 3), bias: .ufixed(6, 2))
                == .fixed(17, 7))
    }

    @Test(arguments: [
        (0.3, Precision.ufixed(8, -1)),   // HLS4ML.md: 0.3 → ap_ufixed<8,-1>
        (0.1, Precision.ufixed(8, -3)),   // HLS4ML.md: 0.1 → ap_ufixed<8,-3>
        (0.5, Precision.ufixed(1, 0)),    // f = 1, i = ceil(log2(0.5 + 0.5)) = 0 → W = 1, I = 0
        (-0.25, Precision.fixed(1, -1)),  // k = 1, f = 2, i = ceil(log2 0.25) = −2 → W = 1, I = −1
        (0.75, Precision.ufixed(2, 0)),   // f = 2, i = ceil(log2(0.75 + 0.25)) = 0 → W = 2, I = 0
    ])
    func leakyAlpha(_ alpha: Double, _ expected: Precision) {
        #expect(PrecisionInference.constant(alpha) == expected)
    }

    @Test func squaredNorm() {
        #expect(PrecisionInference.squaredNormAccumulator(input: .fixed(18, 8), inputSize: 57) == .fixed(42, 22))
        #expect(PrecisionInference.squaredNormAccumulator(input: .ufixed(8, 3), inputSize: 4) == .ufixed(18, 8))
    }
}

/// hls4ml 1.3's `_infer_merge_precision` / `_infer_cat_precision`, worked by hand.
struct MergePrecisionInferenceTests {
    /// Add of ap_fixed<16,6> and ap_ufixed<8,3>: signed; I = max(6 + 0, 3 + 1) + 1 = 7; F = max(10, 5) = 10.
    @Test func addWidensByOneIntegerBit() {
        #expect(PrecisionInference.merge(.add, .fixed(16, 6), .ufixed(8, 3)) == .fixed(17, 7))
        #expect(PrecisionInference.merge(.average, .fixed(16, 6), .ufixed(8, 3)) == .fixed(17, 7))
    }

    /// Subtract of two ap_ufixed<8,3> is signed: I = 3 + 1 = 4, W = 4 + 5 = 9.
    @Test func subtractIsSigned() {
        #expect(PrecisionInference.merge(.subtract, .ufixed(8, 3), .ufixed(8, 3)) == .fixed(9, 4))
        #expect(PrecisionInference.merge(.add, .ufixed(8, 3), .ufixed(8, 3)) == .ufixed(9, 4))
    }

    /// Multiply: widths and integer bits add.
    @Test func multiplyAddsWidths() {
        #expect(PrecisionInference.merge(.multiply, .fixed(16, 6), .ufixed(8, 3)) == .fixed(24, 9))
    }

    /// Maximum of ap_fixed<16,6> and ap_ufixed<8,3>: I = max(6, 3 + 1) = 6, W = 6 + max(10, 5) = 16; equal types stay.
    @Test func maximumAndConcatenate() {
        #expect(PrecisionInference.merge(.maximum, .fixed(16, 6), .ufixed(8, 3)) == .fixed(16, 6))
        #expect(PrecisionInference.merge(.concatenate, .fixed(8, 3, .round, .saturate), .fixed(8, 3, .round, .saturate))
            == .fixed(8, 3, .round, .saturate))
        #expect(PrecisionInference.merge(.concatenate, .fixed(8, 3), .fixed(10, 2, .round, .saturate)) == .fixed(11, 3, .round, .saturate))
    }
}

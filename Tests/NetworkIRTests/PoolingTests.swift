import Testing
import FixedPoint
@testable import NetworkIR

/// Hand-worked poolings (`nnet_pooling.h`), zero paddings (`nnet_padding.h`) and nearest upsamplings
/// (`nnet_image.h` resize_nearest). Every expected value is worked out in the comments from the exact inputs.
struct PoolingTests {
    /// A 4×4×1 input in ap_fixed<8,4> (F = 4, raw = value·16), row by row:
    ///      1     −2     3     0.5
    ///     −1      4    −3     2
    ///      0.25  −0.5  −4    −1
    ///      2      1    −2    −3.5
    static let input: [Int64] = [16, -32, 48, 8, -16, 64, -48, 32, 4, -8, -64, -16, 32, 16, -32, -56]
    /// Its top-left 3×3 corner.
    static let corner: [Int64] = [16, -32, 48, -16, 64, -48, 4, -8, -64]

    static func pool(_ operation: PoolingOperation, size: Int, padding: ConvolutionPadding = .valid,
                     accumulator: Precision, input: Precision = .fixed(8, 4)) -> Layer {
        let parameters = PoolingParameters(operation: operation, inputHeight: size, inputWidth: size, channels: 1,
                                           poolHeight: 2, poolWidth: 2, padding: padding)
        return Layer(name: "pool", operation: .pooling(parameters), inputSize: size * size,
                     precision: LayerPrecision(result: input, accumulator: accumulator))
    }

    /// 2×2 max, stride 2, valid: max{1, −2, −1, 4} = 4, max{3, 0.5, −3, 2} = 3, max{0.25, −0.5, 2, 1} = 2,
    /// max{−4, −1, −2, −3.5} = −1 → raw 64, 48, 32, −16.
    @Test func maxPoolingValid() throws {
        let layer = Self.pool(.max, size: 4, accumulator: .fixed(8, 4))
        guard case let .pooling(p) = layer.operation else { return }
        #expect(p.outputShape == TensorShape([2, 2, 1]))
        #expect(try CompiledLayer(layer: layer, inputPrecision: .fixed(8, 4)).evaluate(Self.input) == [64, 48, 32, -16])
    }

    /// 2×2 average, stride 2, valid, accum ap_fixed<12,6> (hls4ml's auto: 8 + 2·2, 4 + 2; F = 6, exact):
    /// (1 − 2 − 1 + 4)/4 = 0.5, (3 + 0.5 − 3 + 2)/4 = 0.625, (0.25 − 0.5 + 2 + 1)/4 = 0.6875,
    /// (−4 − 1 − 2 − 3.5)/4 = −2.625 → result ap_fixed<8,4> raw 8, 10, 11, −42.
    @Test func averagePoolingValid() throws {
        let layer = Self.pool(.average, size: 4, accumulator: .fixed(12, 6))
        #expect(try CompiledLayer(layer: layer, inputPrecision: .fixed(8, 4)).evaluate(Self.input) == [8, 10, 11, -42])
    }

    /// Same padding on the 3×3 corner, pool 2, stride 2: 3 % 2 = 1, so pad along = 2 − 1 = 1: bottom 1, right 1;
    /// out 2×2. Windows (pixels inside the image): {1, −2, −1, 4} (4), {3, −3} (2), {0.25, −0.5} (2), {−4} (1).
    /// Average divides by those counts (count_pad false): 2/4 = 0.5, 0/2 = 0, −0.25/2 = −0.125, −4/1 = −4
    /// → raw 8, 0, −2, −64. Max pads with −8 (raw −128, only the sign bit), which never wins: 4, 3, 0.25, −4
    /// → raw 64, 48, 4, −64.
    @Test func samePaddingDividesByThePixelsInside() throws {
        let average = Self.pool(.average, size: 3, padding: .same, accumulator: .fixed(12, 6))
        guard case let .pooling(p) = average.operation else { return }
        #expect(p.pads == (0, 1, 0, 1))
        #expect(p.outputShape == TensorShape([2, 2, 1]))
        #expect(p.windows().map(\.count) == [4, 2, 2, 1])
        #expect(try CompiledLayer(layer: average, inputPrecision: .fixed(8, 4)).evaluate(Self.corner) == [8, 0, -2, -64])
        let max = Self.pool(.max, size: 3, padding: .same, accumulator: .fixed(8, 4))
        #expect(try CompiledLayer(layer: max, inputPrecision: .fixed(8, 4)).evaluate(Self.corner) == [64, 48, 4, -64])
    }

    /// A negative sum truncates toward zero: AveragePooling1D of 3 over [−1.0625, 0, 0.0625] in ap_fixed<8,4>
    /// (raw −17, 0, 1) with accum ap_fixed<8,4> (F = 4): sum raw −16 (−1.0), −16 / 3 = −5.33 → −5 (−0.3125;
    /// a floor would give −6).
    @Test func negativeAverageTruncatesTowardZero() throws {
        let parameters = PoolingParameters(operation: .average, spatialDimensions: 1, inputHeight: 1, inputWidth: 3, channels: 1,
                                           poolHeight: 1, poolWidth: 3)
        let layer = Layer(name: "pool", operation: .pooling(parameters), inputSize: 3,
                          precision: LayerPrecision(result: .fixed(8, 4), accumulator: .fixed(8, 4)))
        #expect(parameters.kindName == "AveragePooling1D")
        #expect(try CompiledLayer(layer: layer, inputPrecision: .fixed(8, 4)).evaluate([-17, 0, 1]) == [-5])
    }

    /// hls4ml's max pad value is a data_T with only its top bit set: for ap_ufixed<8,4> that is raw 128 = +8.0, so
    /// a padded window's maximum is at least 8. Same padding, pool 2, stride 2 on the unsigned 3×3 input
    ///     1 2 3 / 4 5 6 / 7 9 10
    /// windows {1, 2, 4, 5} → 5 (no padding), {3, 6} + pad → 8 (Keras would give 6), {7, 9} + pad → 9,
    /// {10} + pad → 10; raw (F = 4) 80, 128, 144, 160.
    @Test func maxPadValueQuirkOnAnUnsignedType() throws {
        let layer = Self.pool(.max, size: 3, padding: .same, accumulator: .ufixed(8, 4), input: .ufixed(8, 4))
        #expect(PoolingParameters.maxPadRaw(.ufixed(8, 4)) == 128)
        #expect(PoolingParameters.maxPadRaw(.fixed(8, 4)) == -128)
        let x: [Int64] = [1, 2, 3, 4, 5, 6, 7, 9, 10].map { $0 * 16 }
        #expect(try CompiledLayer(layer: layer, inputPrecision: .ufixed(8, 4)).evaluate(x) == [80, 128, 144, 160])
    }

    /// GlobalAveragePooling1D over width 4, 2 channels (input ap_fixed<8,4>, accum and result ap_fixed<16,6>,
    /// F = 10): channel 0 (1 + 2 + 3 + 4.5)/4 = 2.625 → 2688; channel 1 (−1 − 1 − 1 + 0.5)/4 = −0.625 → −640.
    /// GlobalMaxPooling2D over 2×2×1 [1, −2, 3, 0.5] → 3 → 3072.
    @Test func globalPoolings() throws {
        let average = PoolingParameters.global(.average, spatialDimensions: 1, inputHeight: 1, inputWidth: 4, channels: 2)
        #expect(average.kindName == "GlobalAveragePooling1D" && average.outputShape == .vector(2))
        let layer = Layer(name: "gap", operation: .pooling(average), inputSize: 8,
                          precision: LayerPrecision(result: .fixed(16, 6), accumulator: .fixed(16, 6)))
        let x: [Int64] = [16, -16, 32, -16, 48, -16, 72, 8]
        #expect(try CompiledLayer(layer: layer, inputPrecision: .fixed(8, 4)).evaluate(x) == [2688, -640])
        let max = PoolingParameters.global(.max, inputHeight: 2, inputWidth: 2, channels: 1)
        let maxLayer = Layer(name: "gmp", operation: .pooling(max), inputSize: 4,
                             precision: LayerPrecision(result: .fixed(16, 6), accumulator: .fixed(8, 4)))
        #expect(try CompiledLayer(layer: maxLayer, inputPrecision: .fixed(8, 4)).evaluate([16, -32, 48, 8]) == [3072])
    }

    /// A global sum that overflows a narrow accum wraps, as hls4ml's `accum_t y += x` does: 4 × 7 = 28 in
    /// accum ap_fixed<8,4> (range −8 … 7.9375) is 28 − 32 = −4 (raw −64), / 4 = −1 → raw −16.
    @Test func averageAccumulatorWraps() throws {
        let parameters = PoolingParameters.global(.average, spatialDimensions: 1, inputHeight: 1, inputWidth: 4, channels: 1)
        let layer = Layer(name: "gap", operation: .pooling(parameters), inputSize: 4,
                          precision: LayerPrecision(result: .fixed(8, 4), accumulator: .fixed(8, 4)))
        #expect(try CompiledLayer(layer: layer, inputPrecision: .fixed(8, 4)).evaluate([112, 112, 112, 112]) == [-16])
    }

    /// ZeroPadding2D of the 2×2 [1, 2 / 3, 4] with top 1, right 1: 0 0 0 / 1 2 0 / 3 4 0.
    @Test func zeroPadding() throws {
        let parameters = ZeroPaddingParameters(inputHeight: 2, inputWidth: 2, channels: 1, top: 1, right: 1)
        #expect(parameters.outputShape == TensorShape([3, 3, 1]))
        let layer = Layer(name: "zp", operation: .zeroPadding(parameters), inputSize: 4, precision: LayerPrecision(result: .fixed(8, 8)))
        #expect(try CompiledLayer(layer: layer, inputPrecision: .fixed(8, 8)).evaluate([1, 2, 3, 4]) == [0, 0, 0, 1, 2, 0, 3, 4, 0])
    }

    /// UpSampling2D (2, 2) of 1 2 / 3 4: each pixel repeated, 1 1 2 2 / 1 1 2 2 / 3 3 4 4 / 3 3 4 4 (hls4ml's ratio
    /// (2 << 16)/4 + 1 = 32769; row 3 reads (3·32769) >> 16 = 1). UpSampling1D 3 of width 2, 2 channels
    /// [a0 b0 a1 b1] = [1 5 2 6]: x_ratio = (2 << 16)/6 + 1 = 21846, columns 0–2 read 0, 3–5 read 1 (3·21846 = 65538).
    @Test func upSampling() throws {
        let parameters = UpSamplingParameters(inputHeight: 2, inputWidth: 2, channels: 1, heightFactor: 2, widthFactor: 2)
        let layer = Layer(name: "up", operation: .upSampling(parameters), inputSize: 4, precision: LayerPrecision(result: .fixed(8, 8)))
        #expect(try CompiledLayer(layer: layer, inputPrecision: .fixed(8, 8)).evaluate([1, 2, 3, 4])
                == [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4])
        let one = UpSamplingParameters(spatialDimensions: 1, inputHeight: 1, inputWidth: 2, channels: 2, heightFactor: 1, widthFactor: 3)
        let oneLayer = Layer(name: "up1", operation: .upSampling(one), inputSize: 4, precision: LayerPrecision(result: .fixed(8, 8)))
        #expect(try CompiledLayer(layer: oneLayer, inputPrecision: .fixed(8, 8)).evaluate([1, 5, 2, 6]) == [1, 5, 1, 5, 1, 5, 2, 6, 2, 6, 2, 6])
    }

    /// An average pooling with a rounding or saturating accum is refused (its sum order would matter).
    @Test func averageNeedsATruncatingWrappingAccumulator() {
        var layer = Self.pool(.average, size: 4, accumulator: Precision(width: 12, integerBits: 6, quantization: .round))
        #expect(throws: NetworkError.self) { try layer.validate() }
        layer.precision.accumulator = .fixed(12, 6)
        #expect(throws: Never.self) { try layer.validate() }
    }
}

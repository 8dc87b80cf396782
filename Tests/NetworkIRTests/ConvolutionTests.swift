import Testing
import FixedPoint
@testable import NetworkIR

/// Hand-worked convolutions (`nnet_conv2d_latency.h`: each product cast to accum_t, summed with the bias in
/// accum_t, cast to result_t). Every expected value is worked out in the comments from the exact inputs.
struct ConvolutionTests {
    /// A 3×3×1 input in ap_fixed<8,8> (integers, F = 0), row by row:
    ///     1 2 3
    ///     4 5 6
    ///     7 8 9
    /// one 2×2 filter w = [[0.5, −1], [0.25, 2]] in ap_fixed<6,3> (F = 3: raw 4, −8, 2, 16) and bias 0.125 in
    /// ap_fixed<8,3> (F = 5: raw 4). accum_t ap_fixed<16,8> (F = 8) holds every product and sum exactly.
    static let input: [Int64] = [1, 2, 3, 4, 5, 6, 7, 8, 9]

    static func conv(stride: Int, padding: ConvolutionPadding, result: Precision = .fixed(16, 8)) -> Layer {
        let parameters = ConvolutionParameters(inputHeight: 3, inputWidth: 3, channels: 1, filters: 1,
                                               kernelHeight: 2, kernelWidth: 2, strideHeight: stride, strideWidth: stride,
                                               padding: padding, weights: [0.5, -1, 0.25, 2], biases: [0.125])
        return Layer(name: "conv", operation: .convolution(parameters), inputSize: 9,
                     precision: LayerPrecision(result: result, weight: .fixed(6, 3), bias: .fixed(8, 3), accumulator: .fixed(16, 8)))
    }

    static func evaluate(_ layer: Layer) throws -> [Int64] {
        try CompiledLayer(layer: layer, inputPrecision: .fixed(8, 8)).evaluate(input)
    }

    /// Valid, stride 1: 2×2 outputs, out(r, c) = Σ x[r+a][c+b]·w[a][b] + 0.125:
    ///   (0,0) 1·0.5 − 2 + 4·0.25 + 5·2 = 9.5    → 9.625  = 2464/256
    ///   (0,1) 2·0.5 − 3 + 5·0.25 + 6·2 = 11.25  → 11.375 = 2912/256
    ///   (1,0) 4·0.5 − 5 + 7·0.25 + 8·2 = 14.75  → 14.875 = 3808/256
    ///   (1,1) 5·0.5 − 6 + 8·0.25 + 9·2 = 16.5   → 16.625 = 4256/256
    /// result_t ap_fixed<8,5> (F = 3, range −16 … 15.875): 77, 91, 119, and 16.625·8 = 133 wraps to 133 − 256 = −123.
    @Test func validStrideOne() throws {
        let layer = Self.conv(stride: 1, padding: .valid)
        guard case let .convolution(p) = layer.operation else { return }
        #expect(p.outputShape == TensorShape([2, 2, 1]))
        #expect(try Self.evaluate(layer) == [2464, 2912, 3808, 4256])
        #expect(try Self.evaluate(Self.conv(stride: 1, padding: .valid, result: .fixed(8, 5))) == [77, 91, 119, -123])
    }

    /// Valid, stride 2: (3 − 2)/2 + 1 = 1 output, the window at (0,0): 9.625 = 2464/256.
    @Test func validStrideTwo() throws {
        let layer = Self.conv(stride: 2, padding: .valid)
        guard case let .convolution(p) = layer.operation else { return }
        #expect(p.outputShape == TensorShape([1, 1, 1]))
        #expect(try Self.evaluate(layer) == [2464])
    }

    /// Same, stride 1: 3 % 1 = 0, so pad along = max(2 − 1, 0) = 1: top 0, bottom 1, left 0, right 1 (hls4ml's
    /// compute_padding_2d); 3×3 outputs, positions past the edge are zeros:
    ///   row 0: 9.5, 11.25, 3·0.5 + 6·0.25 = 3
    ///   row 1: 14.75, 16.5, 6·0.5 + 9·0.25 = 5.25
    ///   row 2: 7·0.5 − 8 = −4.5, 8·0.5 − 9 = −5, 9·0.5 = 4.5
    /// each + 0.125, times 256: 2464, 2912, 800 / 3808, 4256, 1376 / −1120, −1248, 1184.
    @Test func samePaddingStrideOne() throws {
        let layer = Self.conv(stride: 1, padding: .same)
        guard case let .convolution(p) = layer.operation else { return }
        #expect(p.pads == (0, 1, 0, 1))
        #expect(p.outputShape == TensorShape([3, 3, 1]))
        #expect(try Self.evaluate(layer) == [2464, 2912, 800, 3808, 4256, 1376, -1120, -1248, 1184])
    }

    /// Same, stride 2: 3 % 2 = 1, pad along = max(2 − 1, 0) = 1 (top 0, bottom 1, left 0, right 1); ⌈3/2⌉ = 2
    /// outputs per axis, windows at rows/columns 0 and 2: 9.5, 3 / −4.5, 4.5, each + 0.125:
    /// 2464, 800, −1120, 1184.
    @Test func samePaddingStrideTwo() throws {
        let layer = Self.conv(stride: 2, padding: .same)
        guard case let .convolution(p) = layer.operation else { return }
        #expect(p.pads == (0, 1, 0, 1))
        #expect(p.outputShape == TensorShape([2, 2, 1]))
        #expect(try Self.evaluate(layer) == [2464, 800, -1120, 1184])
    }

    /// Two channels, two filters, a 1×1 kernel over a 1×2×2 input, products floored to accum_t:
    /// x in ap_fixed<8,4> (F = 4): pixel 0 = (0.75, −1.5), pixel 1 = (2.0625, 0.5): raw 12, −24, 33, 8.
    /// w[c][f] in ap_fixed<8,3> (F = 5): c0 = (0.5, −0.75), c1 = (1.25, 0.25): raw 16, −24, 40, 8. No bias
    /// (ap_uint<1> zeros). Products have F = 9; accum_t ap_fixed<10,6> keeps F = 4, a floor by 2^5:
    ///   pixel 0, f0: 12·16 = 192 → 6;   −24·40 = −960 → −30;  sum −24 (−1.5)
    ///   pixel 0, f1: 12·−24 = −288 → −9; −24·8 = −192 → −6;   sum −15 (−0.9375)
    ///   pixel 1, f0: 33·16 = 528 → 16 (16.5 floored); 8·40 = 320 → 10; sum 26 (exact 1.65625, here 1.625)
    ///   pixel 1, f1: 33·−24 = −792 → −25 (−24.75 floored); 8·8 = 64 → 2; sum −23
    /// Output order is channels last: pixel 0 (f0, f1), pixel 1 (f0, f1).
    @Test func channelsAndFiltersFloorEachProduct() throws {
        let parameters = ConvolutionParameters(inputHeight: 1, inputWidth: 2, channels: 2, filters: 2, kernelHeight: 1, kernelWidth: 1,
                                               weights: [0.5, -0.75, 1.25, 0.25], biases: [0, 0])
        let layer = Layer(name: "pointwise", operation: .convolution(parameters), inputSize: 4,
                          precision: LayerPrecision(result: .fixed(10, 6), weight: .fixed(8, 3), bias: .uint(1), accumulator: .fixed(10, 6)))
        let compiled = try CompiledLayer(layer: layer, inputPrecision: .fixed(8, 4))
        #expect(compiled.productShift == 5)
        #expect(compiled.evaluate([12, -24, 33, 8]) == [-24, -15, 26, -23])
        // A rounding accumulator takes the slow path: 16.5 → 17 (AP_RND, ties up), −24.75 → −25: 27 and −23.
        var rounding = layer
        rounding.precision.accumulator = .fixed(10, 6, .round)
        rounding.precision.result = .fixed(10, 6, .round)
        #expect(try CompiledLayer(layer: rounding, inputPrecision: .fixed(8, 4)).evaluate([12, -24, 33, 8]) == [-24, -15, 27, -23])
    }

    /// The dense equivalent (what the schedule and the RTL build) computes the same bits as the convolution.
    @Test(arguments: [(1, ConvolutionPadding.valid), (2, .valid), (1, .same), (2, .same)])
    func denseEquivalentMatches(stride: Int, padding: ConvolutionPadding) throws {
        let conv = Self.conv(stride: stride, padding: padding)
        guard case let .convolution(p) = conv.operation else { return }
        let dense = Layer(name: "dense", operation: .dense(p.denseEquivalent()), inputSize: 9, precision: conv.precision)
        #expect(try CompiledLayer(layer: dense, inputPrecision: .fixed(8, 8)).evaluate(Self.input) == Self.evaluate(conv))
    }

    /// Float evaluation of the valid stride-1 case: 9.625, 11.375, 14.875, 16.625 (worked out above).
    @Test func floatEvaluation() {
        let network = Network(name: "n", inputSize: 9, inputPrecision: .fixed(8, 8), layers: [Self.conv(stride: 1, padding: .valid)],
                              inputShape: TensorShape([3, 3, 1]))
        #expect(throws: Never.self) { try network.validate() }
        #expect(network.evaluateFloat(Self.input.map(Double.init)) == [9.625, 11.375, 14.875, 16.625])
        #expect(network.shape(ofTensor: 0) == TensorShape([2, 2, 1]))
    }

    /// A Conv1D is a Conv2D of height 1: input (4, 1) = 1, 2, 3, 4, kernel 3 = (1, 0.5, −1), valid:
    /// 1 + 1 − 3 = −1 and 2 + 1.5 − 4 = −0.5; at F = 8: −256, −128.
    @Test func conv1D() throws {
        let parameters = ConvolutionParameters(spatialDimensions: 1, inputHeight: 1, inputWidth: 4, channels: 1, filters: 1,
                                               kernelHeight: 1, kernelWidth: 3, weights: [1, 0.5, -1], biases: [0])
        let layer = Layer(name: "c1", operation: .convolution(parameters), inputSize: 4,
                          precision: LayerPrecision(result: .fixed(16, 8), weight: .fixed(6, 3), bias: .uint(1), accumulator: .fixed(16, 8)))
        #expect(layer.kindName == "Conv1D")
        #expect(parameters.outputShape == TensorShape([2, 1]))
        #expect(try CompiledLayer(layer: layer, inputPrecision: .fixed(8, 8)).evaluate([1, 2, 3, 4]) == [-256, -128])
    }

    /// Shape checks name the layer: a kernel count that does not match, an input shape that does not hold the input.
    @Test func invalidShapesAreErrors() {
        var parameters = ConvolutionParameters(inputHeight: 3, inputWidth: 3, channels: 1, filters: 1, kernelHeight: 2, kernelWidth: 2,
                                               weights: [1, 2, 3], biases: [0])
        let precision = LayerPrecision(result: .fixed(16, 8), weight: .fixed(6, 3), bias: .uint(1), accumulator: .fixed(16, 8))
        let network = { (p: ConvolutionParameters, size: Int) in
            Network(name: "n", inputSize: size, inputPrecision: .fixed(8, 8),
                    layers: [Layer(name: "conv", operation: .convolution(p), inputSize: size, precision: precision)])
        }
        #expect(throws: NetworkError.invalidParameter(layer: "conv", field: "kernel", reason: "expected 2×2×1×1 = 4 values, found 3")) {
            try network(parameters, 9).validate()
        }
        parameters.weights = [1, 2, 3, 4]
        #expect(throws: NetworkError.self) { try network(parameters, 8).validate() }
        parameters.kernelHeight = 4
        parameters.weights = Array(repeating: 1, count: 8)
        #expect(throws: NetworkError.self) { try network(parameters, 9).validate() }
    }
}

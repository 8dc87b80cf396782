import FixedPoint
import Foundation
import HDF5
import KerasImport
import NetworkIR
import Testing

/// QBatchNormalization and the BatchNorm passes of hls4ml 1.3 (batchnorm_opt.py, bn_fuse.py) on small
/// Keras-2-like files written here. Expected values are computed in the tests from the weights (in Float where
/// hls4ml computes with float32 NumPy arrays) and the fixed-point outputs from the integer raw values.
@Suite struct BatchNormPassTests {
    // MARK: Writing small Keras 2 Sequential files

    /// One layer of a Keras 2 Sequential model and its weights (variable name → values, all 1-D or [n_in, units]).
    struct Layer {
        var className: String
        var name: String
        var config: String
        var weights: [(variable: String, shape: [Int], values: [Float])] = []
    }

    static func quantizer(_ className: String, _ settings: String) -> String {
        #"{"module": "qkeras.quantizers", "class_name": "\#(className)", "config": {\#(settings)}}"#
    }

    static func bits(_ bits: Int, _ integer: Int) -> String {
        quantizer("quantized_bits", #""bits": \#(bits), "integer": \#(integer), "symmetric": 0, "alpha": 1, "keep_negative": true, "use_stochastic_rounding": false, "qnoise_factor": 1.0"#)
    }

    static let po2Mean = quantizer("quantized_po2", #""bits": 5, "max_value": null, "use_stochastic_rounding": false, "quadratic_approximation": false"#)
    static let po2Variance = quantizer("quantized_relu_po2", #""bits": 6, "max_value": null, "negative_slope": 0, "use_stochastic_rounding": false, "quadratic_approximation": true"#)

    static func batchNorm(_ name: String, className: String = "BatchNormalization", epsilon: Double,
                          gamma: [Float], beta: [Float], mean: [Float], variance: [Float],
                          quantizers: [String: String] = [:]) -> Layer {
        var config = #""name": "\#(name)", "trainable": true, "dtype": "float32", "axis": [1], "momentum": 0.99, "epsilon": \#(epsilon), "center": true, "scale": true"#
        if className == "QBatchNormalization" {
            for role in ["beta_quantizer", "gamma_quantizer", "mean_quantizer", "variance_quantizer", "inverse_quantizer"] {
                config += #", "\#(role)": \#(quantizers[role] ?? "null")"#
            }
        }
        let n = gamma.count
        return Layer(className: className, name: name, config: config,
                     weights: [("gamma", [n], gamma), ("beta", [n], beta), ("moving_mean", [n], mean), ("moving_variance", [n], variance)])
    }

    static func dense(_ name: String, className: String = "Dense", kernel: [[Float]], bias: [Float],
                      kernelQuantizer: String? = nil, biasQuantizer: String? = nil) -> Layer {
        var config = #""name": "\#(name)", "trainable": true, "dtype": "float32", "units": \#(bias.count), "activation": "linear", "use_bias": true"#
        if className == "QDense" {
            config += #", "kernel_quantizer": \#(kernelQuantizer ?? "null"), "bias_quantizer": \#(biasQuantizer ?? "null")"#
        }
        return Layer(className: className, name: name, config: config,
                     weights: [("kernel", [kernel.count, bias.count], kernel.flatMap { $0 }), ("bias", [bias.count], bias)])
    }

    static let relu = Layer(className: "Activation", name: "act", config: #""name": "act", "activation": "relu""#)

    /// Writes `x_in(inputs)` followed by `layers` as a Keras 2.15 (or `kerasVersion`) Sequential legacy .h5 file.
    static func write(_ layers: [Layer], inputs: Int, in directory: URL, kerasVersion: String = "2.15.0") throws -> URL {
        let input = #"{"class_name": "InputLayer", "config": {"batch_input_shape": [null, \#(inputs)], "dtype": "float32", "sparse": false, "ragged": false, "name": "x_in"}}"#
        let entries = [input] + layers.map { #"{"class_name": "\#($0.className)", "config": {\#($0.config)}}"# }
        let json = #"{"class_name": "Sequential", "config": {"name": "bn_model", "layers": [\#(entries.joined(separator: ", "))]}, "keras_version": "\#(kerasVersion)", "backend": "tensorflow"}"#
        let url = directory.appendingPathComponent("bn_model.h5")
        let file = try HDF5File.create(url)
        try file.writeStringAttribute("model_config", value: json, of: "/")
        try file.writeStringAttribute("keras_version", value: kerasVersion, of: "/")
        for layer in layers {
            for weight in layer.weights {
                try file.writeFloats("/model_weights/\(layer.name)/\(layer.name)/\(weight.variable):0", shape: weight.shape, values: weight.values)
            }
        }
        return url
    }

    static func importModel(_ layers: [Layer], inputs: Int, compatible: Bool = true) throws -> ImportedModel {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        return try KerasImporter.importModel(try write(layers, inputs: inputs, in: directory), options: Fixtures.options(compatible: compatible))
    }

    // MARK: Independent arithmetic

    /// model/layers.py BatchNormalization in float32: s = γ/√(var + ε), b = β − s·mean.
    static func folded(gamma: [Float], beta: [Float], mean: [Float], variance: [Float], epsilon: Double) -> (s: [Float], b: [Float]) {
        let eps = Float(epsilon)
        var s: [Float] = [], b: [Float] = []
        for c in gamma.indices {
            let root = Float(variance[c] + eps).squareRoot()
            s.append(gamma[c] / root)
            let product = s[c] * mean[c]
            b.append(beta[c] - product)
        }
        return (s, b)
    }

    /// The raw ap_fixed<16,6> value (TRN: floor) a weight file entry becomes; the values used here are not within
    /// 1e-10 of a multiple of 2^-10, so the 10-digit decimal step of the weight file does not matter.
    static func raw16_6(_ value: Float) -> Int64 { Int64((Double(value) * 1024).rounded(.down)) }

    static func type(_ imported: ImportedModel, _ layer: String, _ key: String) -> Precision? {
        imported.conversion.layerTypes.first { $0.name == layer }?.types[key]
    }

    static func configPrecision(_ imported: ImportedModel, _ layer: String) -> [String] {
        imported.conversion.config.layers.first { $0.name == layer }?.precision.map { "\($0.key)=\($0.value)" } ?? []
    }

    // MARK: QBatchNormalization

    /// QDense → QBatchNormalization with s ≢ 1: not folded (bn_fuse.py: a quantized kernel folds only with a
    /// scale of exactly 1); the QBN's quantizers only add config keys; scale and bias come from the raw weights.
    @Test func qBatchNormalizationAfterQDenseStaysAndIgnoresItsQuantizers() throws {
        let gamma: [Float] = [0.3, 1.7], beta: [Float] = [0.1, -0.35], mean: [Float] = [0.2, -0.4], variance: [Float] = [0.5, 2.0]
        let layers = [
            Self.dense("qd", className: "QDense", kernel: [[0.3, -0.55], [0.7, 0.1]], bias: [0.05, -0.2],
                       kernelQuantizer: Self.bits(8, 0), biasQuantizer: Self.bits(8, 0)),
            Self.batchNorm("qbn", className: "QBatchNormalization", epsilon: 0.001, gamma: gamma, beta: beta, mean: mean, variance: variance,
                           quantizers: ["gamma_quantizer": Self.bits(4, 2), "beta_quantizer": Self.bits(6, 2),
                                        "mean_quantizer": Self.po2Mean, "variance_quantizer": Self.po2Variance]),
        ]
        let imported = try Self.importModel(layers, inputs: 2)
        let network = imported.design.network
        #expect(network.layers.map(\.name) == ["qd", "qbn"])

        // config_from_keras_model: the BN's own keys, then one per quantizer in parse_qbatchnorm_layer's order
        // (mean, variance, beta, gamma); quantized_bits(b,i) → fixed<b,i+1>, po2 → the fixed<16,6> fallback.
        #expect(Self.configPrecision(imported, "qbn") == [
            "result=auto", "scale=auto", "bias=auto", "mean=fixed<16,6,TRN,WRAP,0>", "variance=fixed<16,6,TRN,WRAP,0>",
            "beta=fixed<6,3,TRN,WRAP,0>", "gamma=fixed<4,3,TRN,WRAP,0>",
        ])
        // Types: the QDense accum/result for 16,6 × 8,1 over 2 inputs plus an 8,1 bias: W = 8+16+1 = 25, I = 1+6+1
        // = 8, then I = max(8, 1) + 1 = 9, W = 9 + max(17, 7) = 26. The BN's scale/bias: 'auto' → default 16,6;
        // its result: Ws = 26+16 = 42, Is = 9+6 = 15, I = max(15, 6) + 1 = 16, W = 16 + max(27, 10) = 43.
        #expect(Self.type(imported, "qd", "result_t") == .fixed(26, 9))
        #expect(Self.type(imported, "qbn", "scale_t") == .fixed(16, 6))
        #expect(Self.type(imported, "qbn", "bias_t") == .fixed(16, 6))
        #expect(Self.type(imported, "qbn", "result_t") == .fixed(43, 16))
        #expect(Set(imported.conversion.layerTypes.first { $0.name == "qbn" }!.types.keys) == ["result_t", "scale_t", "bias_t"])

        // Scale and bias from the unquantized γ, β, mean, variance (float32).
        let (s, b) = Self.folded(gamma: gamma, beta: beta, mean: mean, variance: variance, epsilon: 0.001)
        guard case let .batchNormalization(parameters) = network.layers[1].operation else { Issue.record("not a BN"); return }
        #expect(parameters.scale.map { Self.raw16_6(Float($0)) } == s.map(Self.raw16_6))
        #expect(parameters.shift.map { Self.raw16_6(Float($0)) } == b.map(Self.raw16_6))
        // γ = 0.3 quantized by quantized_bits(4,2) would be 0.25: the raw value is used.
        #expect(Self.raw16_6(s[0]) == Int64((0.3 / (0.501 as Double).squareRoot() * 1024).rounded(.down)))

        // Bit-exact outputs. QKeras' quantized_bits(8,0) on the weights, by hand: 0.3·128 = 38.4 → 38,
        // −0.55·128 = −70.4 → −70, 0.7·128 = 89.6 → 90, 0.1·128 = 12.8 → 13; bias 6.4 → 6, −25.6 → −26.
        let w: [[Int64]] = [[38, -70], [90, 13]], bq: [Int64] = [6, -26]
        let evaluator = try FixedPointEvaluator(network: network)
        for x in [[0.5, -1.25], [3.1, 2.7], [-7.3, 0.01]] {
            let xr = x.map { Int64(($0 * 1024).rounded(.down)) }           // input ap_fixed<16,6>: 10 fractional bits
            var expected: [Int64] = []
            for j in 0..<2 {
                let dense = xr[0] * w[0][j] + xr[1] * w[1][j] + bq[j] << 10     // units of 2^-17, exact in <26,9>
                expected.append(dense * Self.raw16_6(s[j]) + Self.raw16_6(b[j]) << 17)   // units of 2^-27, exact in <43,16>
            }
            #expect(evaluator.evaluate(evaluator.quantizeInput(x)) == expected, "x = \(x)")
        }
        #expect(network.outputPrecision == .fixed(43, 16))
    }

    /// QDense (quantized kernel, float bias) → QBatchNormalization with s ≡ 1: folded, the kernel re-quantized
    /// (unchanged), the bias b + β' in float32 with the default type.
    @Test func qBatchNormalizationWithUnitScaleFoldsIntoQDense() throws {
        let layers = [
            Self.dense("qd", className: "QDense", kernel: [[0.3, -0.55], [0.7, 0.1]], bias: [0.05, -0.2], kernelQuantizer: Self.bits(8, 0)),
            // ε = 0.25, var = 0.75: √1 = 1, so s = γ = 1 exactly; b = β − mean.
            Self.batchNorm("qbn", className: "QBatchNormalization", epsilon: 0.25, gamma: [1, 1], beta: [0.25, -0.5],
                           mean: [0.5, 0.125], variance: [0.75, 0.75], quantizers: ["gamma_quantizer": Self.bits(4, 2)]),
        ]
        let imported = try Self.importModel(layers, inputs: 2)
        #expect(imported.design.network.layers.map(\.name) == ["qd"])
        guard case let .dense(parameters) = imported.design.network.layers[0].operation else { Issue.record("not a Dense"); return }
        #expect(parameters.weights == [38, -70, 90, 13].map { $0 / 128.0 })
        let expectedBias = [Float(0.05) + (Float(0.25) - Float(0.5)), Float(-0.2) + (Float(-0.5) - Float(0.125))]
        #expect(parameters.biases == expectedBias.map { HLS4MLConversion.decimalRounded(Double($0), digits: 10) })
        #expect(Self.type(imported, "qd", "weight_t") == .fixed(8, 1))
        #expect(Self.type(imported, "qd", "bias_t") == .fixed(16, 6))
    }

    @Test func unsupportedQBatchNormalizationQuantizer() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let ulaw = Self.quantizer("quantized_ulaw", #""bits": 8, "integer": 0, "symmetric": 0, "u": 255.0"#)
        let url = try Self.write([
            Self.batchNorm("qbn", className: "QBatchNormalization", epsilon: 0.001, gamma: [1, 2], beta: [0, 0], mean: [0, 0],
                           variance: [1, 1], quantizers: ["gamma_quantizer": ulaw]),
        ], inputs: 2, in: directory)
        let error = try #require(ImportErrorTests.importError(url))
        guard case let .unsupportedLayer(file, layer, className, reason) = error else { Issue.record("unexpected \(error)"); return }
        #expect(file == url.path && layer == "qbn" && className == "QBatchNormalization")
        #expect(reason.contains("gamma_quantizer") && reason.contains("quantized_ulaw"))
        #expect(error.description.hasPrefix(url.path + ": layer 'qbn' of class QBatchNormalization"))
    }

    /// Without hls4ml compatibility QKeras' inference is modelled: quantized_bits quantizers apply to γ, β, mean
    /// and variance; a po2 quantizer is refused, naming the layer and the quantizer.
    @Test func qBatchNormalizationWithoutCompatibility() throws {
        let gamma: [Float] = [0.3, 1.7], beta: [Float] = [0.1, -0.35]
        let quantized = try Self.importModel([
            Self.batchNorm("qbn", className: "QBatchNormalization", epsilon: 0.001, gamma: gamma, beta: beta, mean: [0, 0], variance: [1, 1],
                           quantizers: ["gamma_quantizer": Self.bits(4, 2), "beta_quantizer": Self.bits(6, 2)]),
        ], inputs: 2, compatible: false)
        guard case let .batchNormalization(parameters) = quantized.design.network.layers[0].operation else { Issue.record("not a BN"); return }
        // quantized_bits(4,2): steps of 2^-1 (m = 8, m_i = 4): 0.3 → 0.5, 1.7 → 1.5. quantized_bits(6,2): steps of
        // 2^-3: 0.1 → 0.125, −0.35 → −0.375.
        #expect(parameters.scale == [0.5 / (1.001).squareRoot(), 1.5 / (1.001).squareRoot()])
        #expect(parameters.shift == [0.125, -0.375])

        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = try Self.write([
            Self.batchNorm("qbn", className: "QBatchNormalization", epsilon: 0.001, gamma: gamma, beta: beta, mean: [0, 0], variance: [1, 1],
                           quantizers: ["mean_quantizer": Self.po2Mean]),
        ], inputs: 2, in: directory)
        do {
            _ = try KerasImporter.importModel(url, options: Fixtures.options(compatible: false))
            Issue.record("a po2 mean quantizer was accepted")
        } catch {
            guard case let .unsupportedLayer(_, layer, _, reason) = error else { Issue.record("unexpected \(error)"); return }
            #expect(layer == "qbn" && reason.contains("mean_quantizer=quantized_po2"))
        }
        // The same file imports in compatibility mode (hls4ml ignores the quantizer).
        #expect(try KerasImporter.importModel(url, options: Fixtures.options()).design.network.layers.map(\.name) == ["qbn"])
    }

    // MARK: Consecutive BatchNormalization

    /// Two BatchNorms in a row (after the input, so nothing folds them further) merge into one named after the
    /// second: scale s0·s1, bias s1·b0 + b1, in float32; its types are the second layer's 'auto' ones.
    @Test func consecutiveBatchNormalizationsMerge() throws {
        let g0: [Float] = [1.5, 0.8, -0.6], be0: [Float] = [0.1, 0.2, -0.3], m0: [Float] = [0.3, -0.1, 0.05], v0: [Float] = [0.9, 1.3, 0.4]
        let g1: [Float] = [0.7, 1.1, 2.0], be1: [Float] = [-0.05, 0.4, 0.15], m1: [Float] = [0.2, 0, -0.25], v1: [Float] = [1.2, 0.6, 2.5]
        let imported = try Self.importModel([
            Self.batchNorm("bn_a", epsilon: 0.001, gamma: g0, beta: be0, mean: m0, variance: v0),
            Self.batchNorm("bn_b", epsilon: 0.01, gamma: g1, beta: be1, mean: m1, variance: v1),
        ], inputs: 3)
        let network = imported.design.network
        #expect(network.layers.map(\.name) == ["bn_b"])
        // The config was made before the passes: both layers are in it.
        #expect(Self.configPrecision(imported, "bn_a") == ["result=auto", "scale=auto", "bias=auto"])

        let (s0, b0) = Self.folded(gamma: g0, beta: be0, mean: m0, variance: v0, epsilon: 0.001)
        let (s1, b1) = Self.folded(gamma: g1, beta: be1, mean: m1, variance: v1, epsilon: 0.01)
        var scale: [Float] = [], bias: [Float] = []
        for c in 0..<3 {
            scale.append(s0[c] * s1[c])
            let product = s1[c] * b0[c]
            bias.append(product + b1[c])
        }
        let merged = try #require(imported.conversion.layerTypes.first { $0.name == "bn_b" })
        #expect(merged.hlsClass == "BatchNormalization")
        // scale/bias 'auto' → default; result from the 16,6 input: Ws = 32, Is = 12, I = 13, W = 13 + 20 = 33.
        #expect(merged.types == ["scale_t": .fixed(16, 6), "bias_t": .fixed(16, 6), "result_t": .fixed(33, 13)])
        guard case let .batchNormalization(parameters) = network.layers[0].operation else { Issue.record("not a BN"); return }
        #expect(parameters.scale == scale.map { HLS4MLConversion.decimalRounded(Double($0), digits: 10) })
        #expect(parameters.shift == bias.map { HLS4MLConversion.decimalRounded(Double($0), digits: 10) })

        let evaluator = try FixedPointEvaluator(network: network)
        for x in [[0.5, -1.25, 2.0], [3.1, 2.7, -0.3], [-7.3, 0.01, 31.9]] {
            let xr = x.map { Int64(($0 * 1024).rounded(.down)) }
            // (x·s + b) in <33,13>: 20 fractional bits, exact.
            let expected = (0..<3).map { xr[$0] * Self.raw16_6(scale[$0]) + Self.raw16_6(bias[$0]) << 10 }
            #expect(evaluator.evaluate(evaluator.quantizeInput(x)) == expected, "x = \(x)")
        }

        // Without hls4ml compatibility they stay two layers.
        let separate = try Self.importModel([
            Self.batchNorm("bn_a", epsilon: 0.001, gamma: g0, beta: be0, mean: m0, variance: v0),
            Self.batchNorm("bn_b", epsilon: 0.01, gamma: g1, beta: be1, mean: m1, variance: v1),
        ], inputs: 3, compatible: false)
        #expect(separate.design.network.layers.map(\.name) == ["bn_a", "bn_b"])
    }

    /// The flow order: consecutive BatchNorms merge first, then the merged one folds into the Dense before them
    /// (W' = (s0·s1)·W in float32). A QBatchNormalization folds into a float Dense (it has no scale quantizer).
    @Test func mergedBatchNormalizationFoldsIntoDense() throws {
        let kernel: [[Float]] = [[0.3, -0.55], [0.7, 0.1]], denseBias: [Float] = [0.05, -0.2]
        let g0: [Float] = [1.5, 0.8], be0: [Float] = [0.1, 0.2], m0: [Float] = [0.3, -0.1], v0: [Float] = [0.9, 1.3]
        let g1: [Float] = [0.7, 1.1], be1: [Float] = [-0.05, 0.4], m1: [Float] = [0.2, 0], v1: [Float] = [1.2, 0.6]
        let imported = try Self.importModel([
            Self.dense("fc", kernel: kernel, bias: denseBias),
            Self.batchNorm("bn_a", epsilon: 0.001, gamma: g0, beta: be0, mean: m0, variance: v0),
            Self.batchNorm("qbn", className: "QBatchNormalization", epsilon: 0.001, gamma: g1, beta: be1, mean: m1, variance: v1,
                           quantizers: ["gamma_quantizer": Self.bits(6, 2)]),
        ], inputs: 2)
        #expect(imported.design.network.layers.map(\.name) == ["fc"])
        let (s0, b0) = Self.folded(gamma: g0, beta: be0, mean: m0, variance: v0, epsilon: 0.001)
        let (s1, b1) = Self.folded(gamma: g1, beta: be1, mean: m1, variance: v1, epsilon: 0.001)
        var weights: [Float] = [], biases: [Float] = []
        for j in 0..<2 {
            let s = s0[j] * s1[j]
            let merged = s1[j] * b0[j]
            let b = merged + b1[j]
            let product = s * denseBias[j]
            biases.append(product + b)
        }
        for i in 0..<2 { for j in 0..<2 { weights.append((s0[j] * s1[j]) * kernel[i][j]) } }
        guard case let .dense(parameters) = imported.design.network.layers[0].operation else { Issue.record("not a Dense"); return }
        #expect(parameters.weights == weights.map { HLS4MLConversion.decimalRounded(Double($0), digits: 10) })
        #expect(parameters.biases == biases.map { HLS4MLConversion.decimalRounded(Double($0), digits: 10) })
    }

    /// BatchNorms whose merge is the identity (s0·s1 = 2·0.5 = 1, b = 0) are removed in the 'optimize' flow.
    @Test func mergedNoOpBatchNormalizationIsRemoved() throws {
        // ε = 0.25, var = 0.75: s = γ exactly; β = mean = 0: b = 0.
        let imported = try Self.importModel([
            Self.relu,
            Self.batchNorm("bn_a", epsilon: 0.25, gamma: [2, 2], beta: [0, 0], mean: [0, 0], variance: [0.75, 0.75]),
            Self.batchNorm("bn_b", epsilon: 0.25, gamma: [0.5, 0.5], beta: [0, 0], mean: [0, 0], variance: [0.75, 0.75]),
        ], inputs: 2)
        #expect(imported.design.network.layers.map(\.name) == ["act"])
        #expect(imported.conversion.layerTypes.map(\.name) == ["x_in", "act"])
        #expect(imported.design.notes.contains { $0.contains("bn_b") && $0.contains("removed") })
    }
}

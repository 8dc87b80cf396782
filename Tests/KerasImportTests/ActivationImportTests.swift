import FixedPoint
import Foundation
import KerasImport
import NetworkIR
import Testing

/// How single activation layers are converted: the names, classes and types hls4ml 1.3 gives them, QKeras'
/// quantized_tanh / quantized_sigmoid, and the per-layer precision option. Small Keras 2 files are written
/// with `BatchNormPassTests.write`; expected values are worked out by hand in the comments.
@Suite struct ActivationImportTests {
    typealias Layer = BatchNormPassTests.Layer

    static func dense(_ name: String, units: Int, inputs: Int, activation: String = "linear") -> Layer {
        Layer(className: "Dense", name: name,
              config: #""name": "\#(name)", "trainable": true, "dtype": "float32", "units": \#(units), "activation": "\#(activation)", "use_bias": true"#,
              weights: [("kernel", [inputs, units], Array(repeating: 0.25, count: inputs * units)),
                        ("bias", [units], Array(repeating: 0, count: units))])
    }

    static func activation(_ name: String, _ function: String) -> Layer {
        Layer(className: "Activation", name: name, config: #""name": "\#(name)", "activation": "\#(function)""#)
    }

    static func qactivation(_ name: String, _ quantizer: String, _ settings: String) -> Layer {
        Layer(className: "QActivation", name: name,
              config: #""name": "\#(name)", "activation": \#(BatchNormPassTests.quantizer(quantizer, settings))"#)
    }

    static func importModel(_ layers: [Layer], inputs: Int, options: KerasImportOptions = Fixtures.options(),
                            kerasVersion: String = "2.15.0") throws -> ImportedModel {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = try BatchNormPassTests.write(layers, inputs: inputs, in: directory, kerasVersion: kerasVersion)
        return try KerasImporter.importModel(url, options: options)
    }

    static func importError(_ layers: [Layer], inputs: Int, options: KerasImportOptions) throws -> KerasImportError? {
        do {
            _ = try importModel(layers, inputs: inputs, options: options)
            return nil
        } catch let error as KerasImportError {
            return error
        }
    }

    /// Each inline Dense activation becomes `<dense>_<activation>` with hls4ml's class (converters/keras_v2_to_hls.py
    /// and core.py parse_activation_layer).
    @Test(arguments: [
        ("sigmoid", "Activation", "Sigmoid"), ("tanh", "Activation", "TanH"), ("softplus", "Activation", "Softplus"),
        ("softsign", "Activation", "Softsign"), ("selu", "Activation", "SELU"), ("elu", "ParametrizedActivation", "ELU"),
        ("hard_sigmoid", "HardActivation", "HardSigmoid"), ("softmax", "Softmax", "Softmax"),
    ])
    func inlineActivationIsSplit(_ function: String, _ hlsClass: String, _ kind: String) throws {
        let imported = try Self.importModel([Self.dense("fc", units: 4, inputs: 3, activation: function)], inputs: 3)
        let converted = imported.conversion.layerTypes
        #expect(converted.map(\.name) == ["x_in", "fc", "fc_\(function)"])
        #expect(converted.last?.hlsClass == hlsClass)
        let layer = try #require(imported.design.network.layers.last)
        #expect(layer.name == "fc_\(function)" && layer.kindName == kind && layer.inputSize == 4)
        // Every activation's result type is the model default; the lookup tables are ap_fixed<18,8>.
        #expect(layer.precision.result == .fixed(16, 6))
        let config = try #require(imported.conversion.config.layers.last)
        #expect(config.tableSize == 1024)
        #expect(config.precision.contains { $0 == (key: "table", value: "fixed<18,8,TRN,WRAP,0>") })
        if function == "softmax" {
            #expect(config.implementation == "stable" && config.skip == false)
        }
    }

    /// ELU's α type comes from hls4ml's constant rule (minimal_kif): α = 1 → f = 0, i = ceil(log2(1 + 2^0)) = 1
    /// → ap_ufixed<1,1>; α = 0.5 → f = 1, i = ceil(log2(0.5 + 2^−1)) = 0 → ap_ufixed<1,0>; α = 0.75 → f = 2,
    /// i = ceil(log2(0.75 + 0.25)) = 0 → ap_ufixed<2,0>.
    @Test(arguments: [(1.0, Precision.ufixed(1, 1)), (0.5, .ufixed(1, 0)), (0.75, .ufixed(2, 0))])
    func eluLayerAlphaType(_ alpha: Double, _ type: Precision) throws {
        let elu = Layer(className: "ELU", name: "elu", config: #""name": "elu", "alpha": \#(alpha)"#)
        let imported = try Self.importModel([Self.dense("fc", units: 2, inputs: 2), elu], inputs: 2)
        let layer = try #require(imported.design.network.layers.last)
        #expect(layer.operation == .lookup(LookupActivation(function: .elu, alpha: alpha)))
        #expect(layer.precision.parameter == type)
        #expect(imported.conversion.layerTypes.last?.types["param_t"] == type)
        #expect(imported.conversion.layerTypes.last?.hlsClass == "ParametrizedActivation")
    }

    /// QKeras' quantized_tanh(8) and quantized_sigmoid(6) become HardActivation with slope = shift = 0.5 (both
    /// ap_ufixed<2,0>, which hold 0.5 exactly), results ap_fixed<8,1,AP_RND_CONV,AP_SAT> and
    /// ap_ufixed<6,0,AP_RND_CONV,AP_SAT> (utils/config.py). Inputs in ap_fixed<16,6> (10 fractional bits):
    /// 0.3 → raw 307 (floor of 307.2) = 0.2998046875; −2; 0.75; 1.5.
    /// v = clip(0.5·x + 0.5, 0, 1) = [0.64990234375, 0, 0.875, 1].
    /// tanh: 2v − 1 = [0.2998046875, −1, 0.75, 1] · 128 = [38.375 → 38, −128, 96, 128 → saturates at 127].
    /// sigmoid: v · 64 = [41.59 → 42, 0, 56, 64 → saturates at 63].
    @Test func qkerasHardActivations() throws {
        let tanh = Self.qactivation("qtanh", "quantized_tanh", #""bits": 8, "integer": 0, "symmetric": false, "use_stochastic_rounding": false, "use_real_tanh": false"#)
        let sigmoid = Self.qactivation("qsig", "quantized_sigmoid", #""bits": 6, "symmetric": false, "use_stochastic_rounding": false, "use_real_sigmoid": false"#)
        let input: [Double] = [0.3, -2, 0.75, 1.5]
        for (layer, function, result, expected) in [
            (tanh, HardActivation.Function.hardTanh, Precision.fixed(8, 1, .roundConvergent, .saturate), [Int64(38), -128, 96, 127]),
            (sigmoid, .hardSigmoid, .ufixed(6, 0, .roundConvergent, .saturate), [42, 0, 56, 63]),
        ] {
            let imported = try Self.importModel([layer], inputs: 4)
            let network = imported.design.network
            let converted = try #require(network.layers.first)
            #expect(converted.operation == .hardActivation(HardActivation(function: function, slope: 0.5, shift: 0.5)))
            #expect(converted.precision.result == result)
            #expect(converted.precision.extra == ["slope": .ufixed(2, 0), "shift": .ufixed(2, 0)])
            #expect(imported.conversion.layerTypes.last?.hlsClass == "HardActivation")
            let evaluator = try FixedPointEvaluator(network: network)
            #expect(evaluator.evaluate(evaluator.quantizeInput(input)) == expected, "\(function)")
        }
    }

    /// `symmetric` gives AP_SAT_SYM: −1 then saturates to −127/128. `use_real_tanh` keeps the table tanh with
    /// the quantizer's result type.
    @Test func qkerasTanhVariants() throws {
        let symmetric = Self.qactivation("qtanh", "quantized_tanh", #""bits": 8, "integer": 0, "symmetric": true, "use_real_tanh": false"#)
        let imported = try Self.importModel([symmetric], inputs: 1)
        let evaluator = try FixedPointEvaluator(network: imported.design.network)
        #expect(imported.design.network.layers[0].precision.result == .fixed(8, 1, .roundConvergent, .saturateSymmetric))
        #expect(evaluator.evaluate(evaluator.quantizeInput([-2])) == [-127])
        let real = Self.qactivation("qtanh", "quantized_tanh", #""bits": 8, "integer": 0, "symmetric": false, "use_real_tanh": true"#)
        let layer = try #require(try Self.importModel([real], inputs: 1).design.network.layers.first)
        #expect(layer.operation == .lookup(LookupActivation(function: .tanh)))
        #expect(layer.precision.result == .fixed(8, 1, .roundConvergent, .saturate))
    }

    /// A quantized_tanh is an activation, not a weight quantizer.
    @Test func quantizedTanhIsNotAKernelQuantizer() throws {
        let config = ImportErrorTests.modelConfig(secondClass: "QDense").replacingOccurrences(of: #""filters": 2"#,
            with: #""kernel_quantizer": {"class_name": "quantized_tanh", "config": {"bits": 8}}"#)
        do {
            _ = try KerasArchitecture(modelConfig: config, kerasVersion: "2.15.0", file: "m.h5")
            Issue.record("accepted")
        } catch {
            #expect(error.description.contains("layer 'fc2' of class QDense: kernel_quantizer quantized_tanh is not supported"), "\(error)")
        }
    }

    /// A Dense result set to ap_fixed<8,3> before a softmax (Keras 3: no linear activation is split off):
    /// inp_norm_t = ap_ufixed<7,2> (the input without its sign bit), and the exp table shrinks to
    /// min(1024, 2^7) = 128 entries (core_templates.py); the inverse table keeps 1024. The config shows the
    /// setting as given.
    @Test func softmaxAfterANarrowResult() throws {
        var options = Fixtures.options()
        try options.addLayerPrecision("logits.result = ap_fixed<8,3>")
        let imported = try Self.importModel([Self.dense("logits", units: 4, inputs: 3), Self.activation("softmax", "softmax")],
                                            inputs: 3, options: options, kerasVersion: "3.15.1")
        #expect(imported.design.network.layers.map(\.name) == ["logits", "softmax"])
        let layer = try #require(imported.design.network.layers.last)
        guard case let .softmax(parameters) = layer.operation else { Issue.record("\(layer.operation)"); return }
        #expect(parameters.implementation == .stable)
        #expect(parameters.expTableSize == 128 && parameters.invTableSize == 1024)
        #expect(layer.precision.extra["inp_norm"] == .ufixed(7, 2))
        #expect(layer.precision.accumulator == .fixed(18, 8, .round, .saturate))
        let config = try #require(imported.conversion.config.layers.first { $0.name == "logits" })
        #expect(config.precision.first! == (key: "result", value: "ap_fixed<8,3>"))
        #expect(imported.design.notes.contains { $0.contains("exp table of 128 entries") })
    }

    /// Keras 2: hls4ml's converter splits `logits_linear` off the Dense; with the Dense's result set it is not
    /// merged away (its parent's result is not `auto`), keeps the default result ap_fixed<16,6>, and the
    /// softmax reads that: inp_norm_t = ap_ufixed<15,5>, 1024 exp entries.
    @Test func softmaxAfterAKeptLinearActivation() throws {
        var options = Fixtures.options()
        try options.addLayerPrecision("logits.result=ap_fixed<8,3>")
        let imported = try Self.importModel([Self.dense("logits", units: 4, inputs: 3), Self.activation("softmax", "softmax")],
                                            inputs: 3, options: options)
        #expect(imported.design.network.layers.map(\.name) == ["logits", "logits_linear", "softmax"])
        let layer = try #require(imported.design.network.layers.last)
        #expect(layer.operation == .softmax(SoftmaxParameters()))
        #expect(layer.precision.extra["inp_norm"] == .ufixed(15, 5))
    }

    /// The latency softmax has no inp_norm_t and keeps its table sizes.
    @Test func latencySoftmax() throws {
        var options = Fixtures.options()
        options.softmaxImplementation = .latency
        let imported = try Self.importModel([Self.dense("logits", units: 4, inputs: 3, activation: "softmax")], inputs: 3, options: options)
        let layer = try #require(imported.design.network.layers.last)
        #expect(layer.operation == .softmax(SoftmaxParameters(implementation: .latency)))
        #expect(layer.precision.extra["inp_norm"] == nil)
        #expect(imported.conversion.config.layers.last?.implementation == "latency")
    }

    @Test func softmaxOverAnotherAxisIsAnError() throws {
        let softmax = Layer(className: "Softmax", name: "sm", config: #""name": "sm", "axis": 2"#)
        let error = try #require(try Self.importError([Self.dense("fc", units: 2, inputs: 2), softmax], inputs: 2, options: Fixtures.options()))
        #expect(error.description.contains("layer 'sm' of class Softmax: softmax over axis 2"), "\(error)")
    }

    /// Per-layer precisions name a layer of the converted model and a key hls4ml reads back.
    @Test(arguments: [
        ("nowhere.result=ap_fixed<8,3>", "LayerName.nowhere.Precision.result: the converted model has no layer 'nowhere' (layers: x_in, fc, fc_sigmoid)"),
        ("fc_sigmoid.table=ap_fixed<10,2>", "LayerName.fc_sigmoid.Precision.table: hls4ml 1.3 does not read this key of a layer of class Activation"),
        ("fc.param=ap_fixed<10,2>", "LayerName.fc.Precision.param: a layer of class Dense has no such precision; keys it reads: result, weight, bias, accum"),
    ])
    func layerPrecisionErrors(_ assignment: String, _ message: String) throws {
        var options = Fixtures.options()
        try options.addLayerPrecision(assignment)
        let error = try #require(try Self.importError([Self.dense("fc", units: 2, inputs: 2, activation: "sigmoid")], inputs: 2, options: options))
        #expect(error.description.contains(message), "\(error)")
    }

    @Test(arguments: ["logits", "logits.result", ".result=ap_fixed<8,3>", "logits.=ap_fixed<8,3>", "logits.result=ap_fixed<8"])
    func malformedLayerPrecision(_ assignment: String) {
        var options = Fixtures.options()
        #expect(throws: LayerPrecisionSyntaxError.self) { try options.addLayerPrecision(assignment) }
        #expect(options.layerPrecisions.isEmpty)
    }
}

import Design
import FixedPoint
import Foundation
import HDF5
import KerasImport
import NetworkIR
import Scheduling
import Testing

/// The table activations, hard sigmoid and softmax against hls4ml 1.3.0's C simulation: every run recorded in
/// `hls4ml/activations*_vectors.h5` (`../shared/fixtures/README.md`, "CNN, activation and QKeras-CNN
/// fixtures"), imported with the options that run used.
@Suite struct ActivationFixtureTests {
    /// One hls4ml run: the model, the suffix of its dataset `y_hls4ml_<suffix>` and JSON `<model>_<suffix>.json`,
    /// and the config edits it was made with.
    struct Run: Sendable, CustomTestStringConvertible {
        var model: String
        var suffix: String
        var ioType: IOType
        var softmax: SoftmaxParameters.Implementation = .stable
        /// `LayerName.logits.Precision.result = ap_fixed<16,6>`.
        var logits16 = false

        var testDescription: String { "\(model)_\(suffix)" }

        var options: KerasImportOptions {
            KerasImportOptions(ioType: ioType, softmaxImplementation: softmax,
                               layerPrecisions: logits16 ? ["logits": ["result": .fixed(16, 6)]] : [:],
                               profileSearchPaths: [Fixtures.profiles])
        }

        var json: URL { Fixtures.root.appendingPathComponent("hls4ml/\(model)_\(suffix).json") }
    }

    static let runs: [Run] = [
        Run(model: "activations", suffix: "io_parallel", ioType: .parallel),
        Run(model: "activations", suffix: "io_stream", ioType: .stream),
        Run(model: "activations", suffix: "io_parallel_softmax_latency", ioType: .parallel, softmax: .latency),
        Run(model: "activations", suffix: "io_parallel_logits16", ioType: .parallel, logits16: true),
        Run(model: "activations", suffix: "io_stream_logits16", ioType: .stream, logits16: true),
        Run(model: "activations", suffix: "io_parallel_logits16_softmax_latency", ioType: .parallel, softmax: .latency, logits16: true),
        Run(model: "activations_hard", suffix: "io_parallel", ioType: .parallel),
        Run(model: "activations_hard", suffix: "io_stream", ioType: .stream),
    ]

    static func reference(_ run: Run) throws -> [String: Any] {
        let data = try Data(contentsOf: run.json)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test(arguments: runs)
    func fixedPointMatchesHLS4MLBitForBit(run: Run) throws {
        let imported = try KerasImporter.importModel(Fixtures.keras(run.model), options: run.options)
        let network = imported.design.network
        // Every run's `predict_output_float32_is_exact` is true: float32 holds the ap_fixed output exactly.
        let result = try Fixtures.compareWithHLS4ML(network, vectors: Fixtures.vectors(run.model), dataset: "y_hls4ml_\(run.suffix)",
                                                    label: run.testDescription)
        #expect(result.shape == [1000, network.outputSize])
        #expect(result.compared == 1000 * network.outputSize)
        #expect(result.mismatches == 0)
    }

    /// The float reference (`Network.evaluateFloat`) against Keras' own outputs: exact sigmoid, tanh and softmax
    /// (activations.h5); for activations_hard the hard sigmoid differs on purpose (hls4ml, and so the import,
    /// use Keras 2's slope 0.2, Keras 3 uses 1/6), so only activations.h5 is compared.
    @Test func floatEvaluationMatchesKeras() throws {
        let imported = try KerasImporter.importModel(Fixtures.keras("activations"), options: Fixtures.options())
        let vectors = try HDF5File.open(Fixtures.vectors("activations"))
        let inputs = try Fixtures.rows(vectors, "x"), expected = try Fixtures.rows(vectors, "y_float")
        var worst = 0.0
        for (x, y) in zip(inputs, expected) {
            let output = imported.design.network.evaluateFloat(x)
            worst = max(worst, zip(output, y).map { ($0 - $1).magnitude }.max() ?? 0)
        }
        print("activations: worst |float − Keras| \(worst)")
        #expect(worst <= 1e-6)
    }

    /// SELU's λ type is the one numeric difference between the io types (README: 7 of the 8000 values of
    /// activations_hard differ): the io_parallel and io_stream imports differ in exactly those values.
    @Test func seluLambdaTypeIsTheIOTypeDifference() throws {
        let vectors = try HDF5File.open(Fixtures.vectors("activations_hard"))
        let inputs = try Fixtures.rows(vectors, "x")
        let parallel = try vectors.readFloats("y_hls4ml_io_parallel").values
        let stream = try vectors.readFloats("y_hls4ml_io_stream").values
        let differing = Set(parallel.indices.filter { parallel[$0] != stream[$0] })
        #expect(differing.count == 7)
        var outputs: [[Int64]] = []
        for run in Self.runs where run.model == "activations_hard" {
            let evaluator = try FixedPointEvaluator(network: try KerasImporter.importModel(Fixtures.keras(run.model), options: run.options).design.network)
            outputs.append(inputs.flatMap { evaluator.evaluate(evaluator.quantizeInput($0)) })
        }
        #expect(outputs.count == 2)
        #expect(Set(outputs[0].indices.filter { outputs[0][$0] != outputs[1][$0] }) == differing)
    }

    @Test(arguments: runs)
    func typesMatchHLS4ML(run: Run) throws {
        let imported = try KerasImporter.importModel(Fixtures.keras(run.model), options: run.options)
        try Fixtures.expectTypes(of: imported, equalTo: run.json, label: run.testDescription)
        #expect(imported.design.options.ioType == run.ioType)
    }

    /// The types the generated C++ uses beyond the listed layer types: the softmax's inp_norm_t and table sizes
    /// (from each run's `config_cpp`), SELU's λ type (`nnet_activation.h` vs `nnet_activation_stream.h`).
    @Test(arguments: runs)
    func configStructsMatchHLS4ML(run: Run) throws {
        let imported = try KerasImporter.importModel(Fixtures.keras(run.model), options: run.options)
        let layers = try #require(try Self.reference(run)["layers"] as? [String: [String: Any]])
        for layer in imported.design.network.layers {
            let attributes = try #require(layers[layer.name]?["attributes"] as? [String: Any])
            let cpp = try #require(attributes["config_cpp"] as? String)
            switch layer.operation {
            case let .softmax(parameters):
                #expect(cpp.contains("implementation = nnet::softmax_implementation::\(parameters.implementation.rawValue);"))
                #expect(cpp.contains("exp_table_size = \(parameters.expTableSize);"))
                #expect(cpp.contains("inv_table_size = \(parameters.invTableSize);"))
                if let norm = layer.precision.extra["inp_norm"] {
                    // hls4ml writes `ap_ufixed<W, I>` (with a space).
                    #expect(cpp.contains("typedef ap_ufixed<\(norm.width), \(norm.integerBits)> inp_norm_t;"), "\(cpp)")
                    #expect(!norm.isSigned && norm.quantization == .truncate && norm.overflow == .wrap)
                } else {
                    #expect(cpp.contains("typedef ap_fixed<1,0> inp_norm_t;"))
                }
            case let .lookup(activation):
                #expect(cpp.contains("table_size = \(activation.tableSize);"))
                if activation.function == .selu {
                    // io_parallel: ap_ufixed<16,1>; io_stream: λ cast to the input type, the Dense's ap_fixed<37,17>.
                    #expect(layer.precision.parameter == (run.ioType == .parallel ? .ufixed(16, 1) : .fixed(37, 17)))
                }
            case let .hardActivation(activation):
                #expect(cpp.contains("::slope = \(activation.slope);") && cpp.contains("::shift = \(activation.shift);"))
            default:
                break
            }
        }
    }

    @Test(arguments: runs)
    func configMatchesHLS4ML(run: Run) throws {
        let imported = try KerasImporter.importModel(Fixtures.keras(run.model), options: run.options)
        let expected = try #require(try Self.reference(run)["config"] as? [String: Any])
        var actual = imported.conversion.config.dictionary
        // The CNN-fixture script wrote the config without hls4ml's None-valued Model.BitExact (the older
        // fixtures, e.g. dnn_vae_encoder_io_parallel.json, have `"BitExact": null`).
        var model = try #require(actual["Model"] as? [String: Any])
        #expect(model.removeValue(forKey: "BitExact") is NSNull)
        actual["Model"] = model
        let expectedText = try JSONSerialization.data(withJSONObject: expected, options: [.sortedKeys])
        let actualText = try JSONSerialization.data(withJSONObject: actual, options: [.sortedKeys])
        #expect(String(decoding: actualText, as: UTF8.self) == String(decoding: expectedText, as: UTF8.self))
    }

    @Test(arguments: runs)
    func writtenDesignLoadsBackIdentical(run: Run) throws {
        let imported = try KerasImporter.importModel(Fixtures.keras(run.model), options: run.options)
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("\(run.testDescription).yml")
        try DesignWriter.yaml(for: imported.design, description: "imported").write(to: url, atomically: true, encoding: .utf8)
        let loaded = try DesignLoader.load(url, profileSearchPaths: [Fixtures.profiles])
        #expect(loaded.network == imported.design.network)
        #expect(loaded.options == imported.design.options)
    }
}

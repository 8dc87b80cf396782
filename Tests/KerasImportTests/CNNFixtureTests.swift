import Design
import FixedPoint
import Foundation
import HDF5
import KerasImport
import NetworkIR
import Scheduling
import Testing

/// The QKeras CICADA v2 student (QConv2D → quantized_relu → Flatten → QDense → quantized_relu → QDense)
/// against hls4ml 1.3.0's C simulation, `hls4ml/cicada_v2_student_vectors.h5` (`../shared/fixtures/README.md`,
/// "CNN, activation and QKeras-CNN fixtures"). Every run set the input type to `ap_ufixed<10,10>`.
@Suite struct CNNFixtureTests {
    struct Run: Sendable, CustomTestStringConvertible {
        var suffix: String
        var reuseFactor = 1
        var strategy = Strategy.latency
        var ioType = IOType.parallel
        var testDescription: String { "cicada_v2_student_\(suffix)" }

        var options: KerasImportOptions {
            KerasImportOptions(reuseFactor: reuseFactor, strategy: strategy, ioType: ioType, layerPrecisions: ["x_in": ["result": .ufixed(10, 10)]],
                               profileSearchPaths: [Fixtures.profiles])
        }
        var json: URL { Fixtures.root.appendingPathComponent("hls4ml/\(testDescription).json") }
    }

    /// io_parallel, and the ReuseFactor 4 Latency and Resource runs (the README: both equal io_parallel).
    static let runs = [Run(suffix: "io_parallel"), Run(suffix: "io_parallel_rf4", reuseFactor: 4),
                       Run(suffix: "io_parallel_resource", reuseFactor: 4, strategy: .resource)]

    /// Rows of an N-D dataset, each flattened in row-major (channels-last) order.
    static func rows(_ file: HDF5File, _ dataset: String) throws -> [[Double]] {
        let (shape, values) = try file.readFloats(dataset)
        let size = shape.dropFirst().reduce(1, *)
        return (0..<shape[0]).map { row in values[(row * size)..<((row + 1) * size)].map(Double.init) }
    }

    /// io_stream: the same numerics per pixel (the README: equal to io_parallel); the outputs are compared here, the
    /// streams' FIFOs in `StreamFIFOFixtureTests` and the timing in `StreamCNNCrossCheckTests`.
    static let streamRun = Run(suffix: "io_stream", ioType: .stream)

    @Test(arguments: runs + [streamRun])
    func fixedPointMatchesHLS4MLBitForBit(run: Run) throws {
        let imported = try KerasImporter.importModel(Fixtures.keras("cicada_v2_student"), options: run.options)
        let network = imported.design.network
        #expect(network.inputShape == TensorShape([18, 14, 1]))
        #expect(network.inputPrecision == .ufixed(10, 10))
        #expect(network.layers.map(\.kindName) == ["Conv2D", "ReLU", "Dense", "ReLU", "Dense"])
        let evaluator = try FixedPointEvaluator(network: network)
        let vectors = try HDF5File.open(Fixtures.vectors("cicada_v2_student"))
        let inputs = try Self.rows(vectors, "x")
        #expect(inputs.count == 1000 && inputs.allSatisfy { $0.count == 252 })
        let (shape, expected) = try vectors.readFloats("y_hls4ml_\(run.suffix)")
        #expect(shape == [1000, 1])
        var mismatches = 0, distinct = Set<Float>()
        for (row, x) in inputs.enumerated() {
            let raw = evaluator.evaluate(evaluator.quantizeInput(x))
            // predict_output_float32_is_exact: float32 holds every ap_fixed<22,11> output exactly.
            let output = Float(network.outputPrecision.value(ofRaw: raw[0]))
            distinct.insert(output)
            if output != expected[row] {
                if mismatches < 5 { print("\(run.testDescription) vector \(row): \(output) vs hls4ml \(expected[row])") }
                mismatches += 1
            }
        }
        print("\(run.testDescription): 1000 outputs compared, \(mismatches) differ, \(distinct.count) distinct values")
        #expect(mismatches == 0)
        #expect(distinct.count > 100)
    }

    /// Every kept layer's class and types equal the JSON's (the Flatten, hls4ml's `Reshape` alias, is folded away
    /// here); qconv1 gets bias_t ap_uint<1> and accum/result ap_fixed<21,16>.
    @Test(arguments: runs)
    func typesMatchHLS4ML(run: Run) throws {
        let imported = try KerasImporter.importModel(Fixtures.keras("cicada_v2_student"), options: run.options)
        let data = try Data(contentsOf: run.json)
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let layers = try #require(root["layers"] as? [String: [String: Any]])
        let converted = imported.conversion.layerTypes
        #expect(Set(converted.map(\.name)) == Set(layers.keys).subtracting(["flatten"]))
        #expect(layers["flatten"]?["class"] as? String == "Reshape")
        try Fixtures.expectLayerTypes(converted, equalTo: layers, label: "cicada")
        let conv = try #require(imported.design.network.layers.first)
        #expect(conv.precision.accumulator == .fixed(21, 16) && conv.precision.bias == .uint(1) && conv.precision.weight == .fixed(6, 1))
        // The shape attributes hls4ml gave qconv1.
        let attributes = try #require(layers["qconv1"]?["attributes"] as? [String: Any])
        guard case let .convolution(p) = conv.operation else { Issue.record("qconv1 is not a convolution"); return }
        #expect(attributes["out_height"] as? Int == p.outputHeight && attributes["out_width"] as? Int == p.outputWidth)
        #expect(attributes["n_filt"] as? Int == p.filters && attributes["n_chan"] as? Int == p.channels)
        #expect([p.pads.top, p.pads.bottom, p.pads.left, p.pads.right] == ["pad_top", "pad_bottom", "pad_left", "pad_right"].map { attributes[$0] as? Int ?? -1 })
    }

    /// The config dictionary equals the one hls4ml's config_from_keras_model made (then edited as the run says:
    /// ReuseFactor, Strategy, x_in's result), including the Flatten's entry and qconv1's ParallelizationFactor 1
    /// and ConvImplementation LineBuffer.
    @Test(arguments: runs)
    func configMatchesHLS4ML(run: Run) throws {
        let imported = try KerasImporter.importModel(Fixtures.keras("cicada_v2_student"), options: run.options)
        let root = try #require(try JSONSerialization.jsonObject(with: try Data(contentsOf: run.json)) as? [String: Any])
        let expected = try #require(root["config"] as? [String: Any])
        var actual = imported.conversion.config.dictionary
        var model = try #require(actual["Model"] as? [String: Any])
        #expect(model.removeValue(forKey: "BitExact") is NSNull)     // the CNN-fixture script wrote no None values
        actual["Model"] = model
        // x_in's result was given as ap_ufixed<10,10>, which Precision spells ap_uint<10>: compare it parsed.
        var layers = try #require(actual["LayerName"] as? [String: Any])
        let given = try #require((layers["x_in"] as? [String: Any])?["Precision"] as? [String: Any])["result"] as? String
        let reference = try #require(((expected["LayerName"] as? [String: Any])?["x_in"] as? [String: Any])?["Precision"] as? [String: Any])["result"] as? String
        #expect(try Precision(parsing: given ?? "") == Precision(parsing: reference ?? ""))
        layers["x_in"] = ["Trace": false, "Precision": ["result": reference ?? ""]] as [String: Any]
        actual["LayerName"] = layers
        let expectedText = try JSONSerialization.data(withJSONObject: expected, options: [.sortedKeys])
        let actualText = try JSONSerialization.data(withJSONObject: actual, options: [.sortedKeys])
        #expect(String(decoding: actualText, as: UTF8.self) == String(decoding: expectedText, as: UTF8.self))
    }

    @Test func writtenDesignLoadsBackIdentical() throws {
        let imported = try KerasImporter.importModel(Fixtures.keras("cicada_v2_student"), options: Self.runs[0].options)
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("cicada.yml")
        let text = DesignWriter.yaml(for: imported.design, description: "imported")
        #expect(text.contains("input: { shape: [18, 14, 1], precision: \"ap_uint<10>\" }"))   // ap_ufixed<10,10>
        #expect(text.contains("class: Flatten"))
        try text.write(to: url, atomically: true, encoding: .utf8)
        let loaded = try DesignLoader.load(url, profileSearchPaths: [Fixtures.profiles])
        #expect(loaded.network == imported.design.network)
        #expect(loaded.options == imported.design.options)
    }

    /// Designs/cicada_student.yml is this import at 6.25 ns with ParallelizationFactor 192: the same network, 11,588
    /// parameters.
    @Test func shippedDesignIsTheImport() throws {
        var options = Self.runs[0].options
        options.clockPeriodNs = 6.25
        options.parallelizationFactor = 192
        let imported = try KerasImporter.importModel(Fixtures.keras("cicada_v2_student"), options: options)
        let loaded = try DesignLoader.load(Fixtures.package.appendingPathComponent("Designs/cicada_student.yml"))
        #expect(loaded.network == imported.design.network)
        #expect(loaded.options == imported.design.options)
        let parameters = loaded.network.layers.reduce(0) { sum, layer in
            switch layer.operation {
            case let .dense(p): return sum + p.weights.count + p.biases.count
            case let .convolution(p): return sum + p.weights.count      // no bias
            default: return sum
            }
        }
        #expect(parameters == 11588)
    }
}

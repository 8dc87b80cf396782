import Design
import FixedPoint
import Foundation
import HDF5
import KerasImport
import NetworkIR
import Scheduling
import Testing

/// The Keras 3 CNN fixtures with pooling, zero padding, upsampling and an image BatchNormalization
/// (`cnn_vae_encoder`, `cnn_ae`, `conv1d_tagger`) against hls4ml 1.3.0's C simulation
/// (`../shared/fixtures/README.md`, "CNN, activation and QKeras-CNN fixtures"), on all 1000 vectors of each run.
@Suite struct CNNPoolingFixtureTests {
    struct Run: Sendable, CustomTestStringConvertible {
        var model: String
        var suffix: String
        var reuseFactor = 1
        var strategy = Strategy.latency
        var ioType = IOType.parallel
        var testDescription: String { "\(model)_\(suffix)" }

        /// conv1d_tagger's runs all set `LayerName.dense_out.Precision.result` (its JSON's meta.config_edits).
        var options: KerasImportOptions {
            KerasImportOptions(reuseFactor: reuseFactor, strategy: strategy, ioType: ioType,
                               layerPrecisions: model == "conv1d_tagger" ? ["dense_out": ["result": .fixed(16, 6)]] : [:],
                               profileSearchPaths: [Fixtures.profiles])
        }
        var json: URL { Fixtures.root.appendingPathComponent("hls4ml/\(testDescription).json") }
    }

    /// io_parallel, and the ReuseFactor 4 Latency and Resource runs (the README: both equal io_parallel).
    static let runs = ["cnn_vae_encoder", "cnn_ae", "conv1d_tagger"].flatMap { model in
        [Run(model: model, suffix: "io_parallel"), Run(model: model, suffix: "io_parallel_rf4", reuseFactor: 4),
         Run(model: model, suffix: "io_parallel_resource", reuseFactor: 4, strategy: .resource)]
    }

    /// The io_stream runs: the numerics are the same functions per pixel (the README: every one equals
    /// io_parallel), so the imported network must equal them too. (hls4ml's io_stream graph adds a ZeroPadding before
    /// a same-padded convolution and a Repack for a Reshape, which Pipewright's walks do inside the convolution and the
    /// UpSampling: `StreamFIFOFixtureTests` checks the streams against hls4ml's, `StreamCNNCrossCheckTests` the timing.)
    static let streamRuns = ["cnn_vae_encoder", "cnn_ae", "conv1d_tagger"].map { Run(model: $0, suffix: "io_stream", ioType: .stream) }

    /// The kinds of the imported layers (Flatten and Reshape are folded away, as hls4ml aliases them).
    static let kinds = [
        "cnn_vae_encoder": ["BatchNormalization", "Conv2D", "ReLU", "AveragePooling2D", "Conv2D", "ReLU", "AveragePooling2D",
                            "Dense", "ReLU", "Dense"],
        "cnn_ae": ["Conv2D", "ReLU", "MaxPooling2D", "Dense", "ReLU", "Dense", "UpSampling2D", "Conv2D", "ReLU",
                   "ZeroPadding2D", "Conv2D"],
        "conv1d_tagger": ["Conv1D", "ReLU", "Conv1D", "ReLU", "GlobalAveragePooling1D", "Dense", "Softmax"],
    ]

    @Test(arguments: runs + streamRuns)
    func fixedPointMatchesHLS4MLBitForBit(run: Run) throws {
        let imported = try KerasImporter.importModel(Fixtures.keras(run.model), options: run.options)
        let network = imported.design.network
        #expect(network.layers.map(\.kindName) == Self.kinds[run.model])
        let evaluator = try FixedPointEvaluator(network: network)
        let vectors = try HDF5File.open(Fixtures.vectors(run.model))
        let inputs = try CNNFixtureTests.rows(vectors, "x")
        #expect(inputs.count == 1000 && inputs.allSatisfy { $0.count == network.inputSize })
        let (shape, expected) = try vectors.readFloats("y_hls4ml_\(run.suffix)")
        let width = shape.dropFirst().reduce(1, *)
        #expect(width == network.outputSize)
        var mismatches = 0, distinct = Set<Float>()
        for (row, x) in inputs.enumerated() {
            let raw = evaluator.evaluate(evaluator.quantizeInput(x))
            for (j, value) in raw.enumerated() {
                // float32 holds every output exactly (the README: no *_f64 copy was needed).
                let output = Float(network.outputPrecision.value(ofRaw: value))
                distinct.insert(output)
                if output != expected[row * width + j] {
                    if mismatches < 5 { print("\(run.testDescription) vector \(row)[\(j)]: \(output) vs hls4ml \(expected[row * width + j])") }
                    mismatches += 1
                }
            }
        }
        print("\(run.testDescription): \(1000 * width) outputs compared, \(mismatches) differ, \(distinct.count) distinct values")
        #expect(mismatches == 0)
        #expect(distinct.count > 50)
    }

    /// Every kept layer's class and types equal the JSON's (its Flatten/Reshape, hls4ml's `Reshape` alias, is folded
    /// away here; conv1d_tagger's inline softmax is the layer `dense_out_softmax` in both).
    @Test(arguments: ["cnn_vae_encoder", "cnn_ae", "conv1d_tagger"])
    func typesMatchHLS4ML(model: String) throws {
        let run = Run(model: model, suffix: "io_parallel")
        let imported = try KerasImporter.importModel(Fixtures.keras(model), options: run.options)
        let data = try Data(contentsOf: run.json)
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let layers = try #require(root["layers"] as? [String: [String: Any]])
        let reshapes = Set(layers.filter { $0.value["class"] as? String == "Reshape" }.keys)
        let converted = imported.conversion.layerTypes
        #expect(Set(converted.map(\.name)) == Set(layers.keys).subtracting(reshapes))
        try Fixtures.expectLayerTypes(converted, equalTo: layers, label: model)
    }

    /// The written design file loads back as the same network (per-channel BatchNorm values, pooling, padding and
    /// upsampling fields, the Reshape before the UpSampling2D).
    @Test(arguments: ["cnn_vae_encoder", "cnn_ae", "conv1d_tagger"])
    func writtenDesignLoadsBackIdentical(model: String) throws {
        let imported = try KerasImporter.importModel(Fixtures.keras(model), options: Run(model: model, suffix: "io_parallel").options)
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("\(model).yml")
        let text = DesignWriter.yaml(for: imported.design, description: "imported")
        try text.write(to: url, atomically: true, encoding: .utf8)
        let loaded = try DesignLoader.load(url, profileSearchPaths: [Fixtures.profiles])
        #expect(loaded.network == imported.design.network)
        #expect(loaded.options == imported.design.options)
    }

    /// The float evaluation (Keras' pooling: padded positions ignored) agrees with Keras' own outputs `y_float`
    /// on the first 100 vectors (the weights are the decimals hls4ml writes, so not to the last bit).
    @Test(arguments: ["cnn_vae_encoder", "cnn_ae", "conv1d_tagger"])
    func floatEvaluationMatchesKeras(model: String) throws {
        let imported = try KerasImporter.importModel(Fixtures.keras(model), options: Run(model: model, suffix: "io_parallel").options)
        let network = imported.design.network
        let vectors = try HDF5File.open(Fixtures.vectors(model))
        let inputs = try CNNFixtureTests.rows(vectors, "x")
        let expected = try CNNFixtureTests.rows(vectors, "y_float")
        var largest = 0.0
        for row in 0..<100 {
            let output = network.evaluateFloat(inputs[row])
            for (value, reference) in zip(output, expected[row]) { largest = max(largest, abs(value - reference)) }
        }
        print("\(model): max |float − Keras| = \(largest) over 100 vectors")
        #expect(largest < 1e-4)
    }

    /// Designs/cnn_vae_encoder.yml and Designs/cnn_ae.yml are these imports (at the default 5 ns) followed by their
    /// anomaly scores: cnn_vae_encoder's z (μ and log σ² cast to 16 bits) and KL divergence, cnn_ae's error against
    /// the delayed input image and its squared norm. Everything before the score is the import, layer for layer.
    @Test(arguments: [("cnn_vae_encoder", ["Linear", "KLDivergence"]), ("cnn_ae", ["Subtract", "SquaredNorm"])])
    func shippedDesignIsTheImportWithItsScore(model: String, score: [String]) throws {
        let imported = try KerasImporter.importModel(Fixtures.keras(model), options: Run(model: model, suffix: "io_parallel").options)
        let loaded = try DesignLoader.load(Fixtures.package.appendingPathComponent("Designs/\(model).yml"))
        let importedLayers = imported.design.network.layers
        #expect(Array(loaded.network.layers.prefix(importedLayers.count)) == importedLayers)
        #expect(loaded.network.layers.dropFirst(importedLayers.count).map(\.kindName) == score)
        #expect(loaded.network.inputPrecision == imported.design.network.inputPrecision)
        #expect(loaded.options == imported.design.options)
        // The score reads the import's output (and, for the autoencoder, the design input).
        let first = loaded.network.layers[importedLayers.count]
        #expect(first.inputs.isEmpty || first.inputs.first == importedLayers.last!.name)
        if model == "cnn_ae" { #expect(first.inputs == [importedLayers.last!.name, "input"]) }
        // The design outputs the model's own output beside the score.
        #expect(loaded.network.outputs == [importedLayers.last!.name, loaded.network.layers.last!.name])
    }

    /// The shape attributes hls4ml gave each pooling, padding and Resize layer equal the IR's.
    @Test(arguments: ["cnn_vae_encoder", "cnn_ae", "conv1d_tagger"])
    func shapeAttributesMatchHLS4ML(model: String) throws {
        let run = Run(model: model, suffix: "io_parallel")
        let imported = try KerasImporter.importModel(Fixtures.keras(model), options: run.options)
        let root = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: run.json)) as? [String: Any])
        let layers = try #require(root["layers"] as? [String: [String: Any]])
        var checked = 0
        for layer in imported.design.network.layers {
            let attributes = try #require(layers[layer.name]?["attributes"] as? [String: Any])
            func value(_ key: String) -> Int? { attributes[key] as? Int }
            switch layer.operation {
            case let .pooling(p):
                #expect(value("pool_width") == p.poolWidth && value("stride_width") == p.strideWidth, "\(layer.name)")
                #expect(value("n_filt") == p.channels && value("pad_left") == p.pads.left && value("pad_right") == p.pads.right)
                if p.spatialDimensions == 2 {
                    #expect(value("pool_height") == p.poolHeight && value("stride_height") == p.strideHeight)
                    #expect(value("out_height") == p.outputHeight && value("out_width") == p.outputWidth)
                    #expect(value("pad_top") == p.pads.top && value("pad_bottom") == p.pads.bottom)
                } else {
                    #expect(value("in_width") == p.inputWidth)
                }
                #expect(attributes["pool_op"] as? String == (p.operation == .max ? "Max" : "Average"))
                checked += 1
            case let .zeroPadding(p):
                #expect([p.top, p.bottom, p.left, p.right] == ["pad_top", "pad_bottom", "pad_left", "pad_right"].map { value($0) ?? -1 })
                #expect(value("out_height") == p.outputHeight && value("out_width") == p.outputWidth)
                checked += 1
            case let .upSampling(p):
                #expect(value("height_factor") == p.heightFactor && value("width_factor") == p.widthFactor)
                #expect(value("out_height") == p.outputHeight && value("out_width") == p.outputWidth)
                checked += 1
            default:
                break
            }
        }
        #expect(checked == ["cnn_vae_encoder": 2, "cnn_ae": 3, "conv1d_tagger": 1][model])
    }

    /// The config entries of the pooling, ZeroPadding, Resize and Keras 3 ReLU layers are the ones hls4ml's
    /// `config_from_keras_model` made (the JSON's `config`).
    @Test(arguments: ["cnn_vae_encoder", "cnn_ae", "conv1d_tagger"])
    func configEntriesMatchHLS4ML(model: String) throws {
        let run = Run(model: model, suffix: "io_parallel")
        let imported = try KerasImporter.importModel(Fixtures.keras(model), options: run.options)
        let root = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: run.json)) as? [String: Any])
        let reference = try #require((root["config"] as? [String: Any])?["LayerName"] as? [String: Any])
        let ours = try #require(imported.conversion.config.dictionary["LayerName"] as? [String: Any])
        let names = ["pool1", "pool2", "relu1", "relu2", "relu3", "upsample", "zeropad", "gap"].filter { reference[$0] != nil }
        #expect(!names.isEmpty)
        for name in names {
            let expected = try JSONSerialization.data(withJSONObject: try #require(reference[name]), options: [.sortedKeys])
            let actual = try JSONSerialization.data(withJSONObject: try #require(ours[name]), options: [.sortedKeys])
            #expect(String(decoding: actual, as: UTF8.self) == String(decoding: expected, as: UTF8.self), "\(model).\(name)")
        }
    }
}

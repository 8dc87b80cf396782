import FixedPoint
import Foundation
import HDF5
import KerasImport
import Testing

@Suite struct ImportErrorTests {
    /// A Keras-3-like Functional model_config: x_in(5) → fc1 Dense(4, relu) → `extra` layers.
    static func modelConfig(secondClass: String = "Dense", secondInput: String = "fc1") -> String {
        func layer(_ name: String, _ className: String, _ config: String, input: String?) -> String {
            let inbound = input.map { #"[{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 4], "dtype": "float32", "keras_history": ["\#($0)", 0, 0]}}], "kwargs": {}}]"# } ?? "[]"
            return #"{"class_name": "\#(className)", "config": {"name": "\#(name)", \#(config)}, "name": "\#(name)", "inbound_nodes": \#(inbound)}"#
        }
        let layers = [
            layer("x_in", "InputLayer", #""batch_shape": [null, 5], "dtype": "float32""#, input: nil),
            layer("fc1", "Dense", #""units": 4, "activation": "relu", "use_bias": true"#, input: "x_in"),
            layer("fc2", secondClass, #""units": 2, "activation": "linear", "use_bias": true, "filters": 2"#, input: secondInput),
        ]
        return #"{"class_name": "Functional", "config": {"name": "tiny", "layers": [\#(layers.joined(separator: ", "))], "input_layers": [["x_in", 0, 0]], "output_layers": [["fc2", 0, 0]]}}"#
    }

    /// Writes a small Keras-like file; `kernelShape` nil leaves fc1's kernel out.
    static func makeFile(in directory: URL, config: String = modelConfig(), kernelShape: [Int]? = [5, 4]) throws -> URL {
        let url = directory.appendingPathComponent("tiny.h5")
        let file = try HDF5File.create(url)
        try file.writeStringAttribute("model_config", value: config, of: "/")
        try file.writeStringAttribute("keras_version", value: "3.15.1", of: "/")
        if let kernelShape {
            try file.writeFloats("/model_weights/fc1/fc1/kernel", shape: kernelShape,
                                 values: Array(repeating: 0.25, count: kernelShape.reduce(1, *)))
        }
        try file.writeFloats("/model_weights/fc1/fc1/bias", shape: [4], values: [0.5, -0.5, 0.25, 0])
        try file.writeFloats("/model_weights/fc2/fc2/kernel", shape: [4, 2], values: Array(repeating: 0.5, count: 8))
        try file.writeFloats("/model_weights/fc2/fc2/bias", shape: [2], values: [0.125, 0])
        return url
    }

    static func importError(_ url: URL) -> KerasImportError? {
        do {
            _ = try KerasImporter.importModel(url, options: Fixtures.options())
            return nil
        } catch { return error }
    }

    @Test func smallWrittenModelImports() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let imported = try KerasImporter.importModel(try Self.makeFile(in: directory), options: Fixtures.options())
        #expect(imported.design.network.layers.map(\.name) == ["fc1", "fc1_relu", "fc2"])
        #expect(imported.design.network.evaluateFloat([1, 1, 1, 1, 1]) == [2.75, 2.625])   // relu(5·0.25 + b) = [1.75, 0.75, 1.5, 1.25]; 0.5·5.25 + [0.125, 0]
    }

    @Test func truncatedFile() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("truncated.h5")
        try Data(try Data(contentsOf: Fixtures.keras("flow_mlp")).prefix(2000)).write(to: url)
        let error = try #require(Self.importError(url))
        guard case .hdf5 = error else { Issue.record("unexpected \(error)"); return }
        #expect(error.description.contains(url.path))
    }

    @Test func hdf5FileWithoutModel() throws {
        let url = Fixtures.root.appendingPathComponent("hls4ml/flow_mlp_vectors.h5")
        let error = try #require(Self.importError(url))
        guard case .notAKerasModel = error else { Issue.record("unexpected \(error)"); return }
        #expect(error.description.contains("flow_mlp_vectors.h5"))
        #expect(error.description.contains("model_config"))
    }

    @Test func missingKernel() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = try Self.makeFile(in: directory, kernelShape: nil)
        let error = try #require(Self.importError(url))
        #expect(error == .missingWeight(file: url.path, layer: "fc1", variable: "kernel", searched: "/model_weights/fc1"))
        #expect(error.description.hasPrefix(url.path + ": layer 'fc1': weight 'kernel' is missing"))
    }

    @Test func kernelOfWrongShape() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = try Self.makeFile(in: directory, kernelShape: [3, 4])
        let error = try #require(Self.importError(url))
        #expect(error == .weightShapeMismatch(file: url.path, layer: "fc1", object: "/model_weights/fc1/fc1/kernel",
                                              expected: [5, 4], found: [3, 4]))
        #expect(error.description.contains("/model_weights/fc1/fc1/kernel"))
    }

    @Test func unsupportedLayerClass() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = try Self.makeFile(in: directory, config: Self.modelConfig(secondClass: "Conv3D"))
        let error = try #require(Self.importError(url))
        guard case let .unsupportedLayer(file, layer, className, _) = error else { Issue.record("unexpected \(error)"); return }
        #expect(file == url.path && layer == "fc2" && className == "Conv3D")
        #expect(error.description.hasPrefix(url.path + ": layer 'fc2' of class Conv3D"))
    }

    /// A layer that reads a layer which does not exist (or comes later) is an error naming it.
    @Test func unknownInboundLayer() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = try Self.makeFile(in: directory, config: Self.modelConfig(secondInput: "nowhere"))
        let error = try #require(Self.importError(url))
        guard case let .notAChain(_, layer, reason) = error else { Issue.record("unexpected \(error)"); return }
        #expect(layer == "fc2" && reason.contains("nowhere"))
    }

    /// fc2 as a QDense whose kernel quantizer has the given `bits` and `integer` JSON values.
    static func qdenseConfig(bits: String, integer: String) -> String {
        modelConfig(secondClass: "QDense").replacingOccurrences(of: #""filters": 2"#, with: #""kernel_quantizer": {"class_name": "quantized_bits", "config": {"bits": \#(bits), "integer": \#(integer), "symmetric": 0, "alpha": 1, "keep_negative": true}}"#)
    }

    /// QKeras bits/integer at or beyond Int's limits used to trap (`integer + 1`, then the `auto` sums); each
    /// is now an error naming the file, the layer, the quantizer field and the supported range.
    @Test(arguments: [
        ("8", "9223372036854775807", "kernel_quantizer integer must be an integer within -999...999, got 9223372036854775807"),
        ("8", "-9223372036854775808", "kernel_quantizer integer must be an integer within -999...999, got -9223372036854775808"),
        ("8", "1000", "kernel_quantizer integer must be an integer within -999...999, got 1000"),
        ("8", "2.5", "kernel_quantizer integer must be an integer within -999...999, got 2.5"),
        ("9223372036854775807", "0", "kernel_quantizer bits must be an integer within 1...64, got 9223372036854775807"),
        ("0", "0", "kernel_quantizer bits must be an integer within 1...64, got 0"),
        ("1e30", "0", "kernel_quantizer bits must be an integer within 1...64, got 1e+30"),
    ])
    func extremeQuantizerNumbersAreErrors(bits: String, integer: String, message: String) throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = try Self.makeFile(in: directory, config: Self.qdenseConfig(bits: bits, integer: integer))
        let error = try #require(Self.importError(url))
        guard case let .unsupportedLayer(file, layer, className, _) = error else { Issue.record("unexpected \(error)"); return }
        #expect(file == url.path && layer == "fc2" && className == "QDense")
        #expect(error.description.contains(message), "\(error.description)")
    }

    /// The largest accepted integer is read: quantized_bits(8, 999) → weight ap_fixed<8,1000>. fc2's `auto`
    /// accumulator is then too wide, which is a validation error naming the layer, not a trap: input
    /// ap_fixed<16,6> (the default), 4 inputs → L = 2: W = 8 + 16 + 2 = 26, I = 1000 + 6 + 2 = 1008,
    /// F = −982; bias ap_fixed<16,6>: I = max(1008, 6) + 1 = 1009, W = 1009 + max(−982, 10) = 1019.
    @Test func quantizerAtTheLimitsIsReadAndTheTooWideAutoTypeIsNamed() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = try Self.makeFile(in: directory, config: Self.qdenseConfig(bits: "8", integer: "999"))
        let error = try #require(Self.importError(url))
        guard case let .invalidNetwork(_, networkError) = error else { Issue.record("unexpected \(error)"); return }
        #expect(networkError == .invalidPrecision(layer: "fc2", field: "result",
            reason: "invalid precision 'ap_fixed<1019,1009>': width 1019 is outside the supported range 1...64; Pipewright holds"
                + " at most 64 bits: give this field an explicit type of at most 64 bits (design file:"
                + " config.LayerName.fc2.Precision.result; import: --layer-precision fc2.result=TYPE), or narrow the inputs' or"
                + " weights' precision it grows from"))
    }

    /// An activation hls4ml has no layer for, and one whose hls4ml code does not compile, are errors naming the
    /// file, the layer, its class and the activation.
    @Test(arguments: [("swish", "supported: linear, relu, sigmoid"), ("hard_tanh", "lacks slope and shift")])
    func unsupportedActivation(_ activation: String, _ reason: String) throws {
        let config = Self.modelConfig().replacingOccurrences(of: #""activation": "relu""#, with: #""activation": "\#(activation)""#)
        do {
            _ = try KerasArchitecture(modelConfig: config, kerasVersion: "3.1", file: "m.h5")
            Issue.record("\(activation) was accepted")
        } catch {
            guard case let .unsupportedLayer(file, layer, className, _) = error else { Issue.record("unexpected \(error)"); return }
            #expect(file == "m.h5" && layer == "fc1" && className == "Dense")
            #expect(error.description.contains("layer 'fc1' of class Dense: activation '\(activation)' is not supported"), "\(error)")
            #expect(error.description.contains(reason), "\(error)")
        }
    }

    /// An activation that is neither a name nor a {class_name: …} object (found by fuzzing: the message used to
    /// print Swift's `Optional(0)`) shows the JSON value.
    @Test(arguments: [("0", "activation 0 is neither"), ("[1, 2]", "activation [1,2] is neither"), (#"{"x": 1}"#, #"activation {"x":1} is neither"#)])
    func unreadableActivationShowsTheJSON(_ json: String, _ message: String) throws {
        let config = Self.modelConfig().replacingOccurrences(of: #""activation": "relu""#, with: #""activation": \#(json)"#)
        do {
            _ = try KerasArchitecture(modelConfig: config, kerasVersion: "3.1", file: "m.h5")
            Issue.record("\(json) was accepted")
        } catch {
            #expect(error.description.contains("layer 'fc1' of class Dense: \(message) a name nor a {class_name: …} object"), "\(error)")
            #expect(!error.description.contains("Optional"), "\(error)")
        }
    }
}

@Suite struct NumericsTests {
    @Test func decimalWeightFormat() {
        // '{:.10f}'.format(x) read back: 0.1 + 2^-40 keeps its 10 digits.
        #expect(HLS4MLConversion.decimalRounded(0.123456789012, digits: 10) == 0.123456789)
        #expect(HLS4MLConversion.decimalRounded(-1e-12, digits: 10) == 0)
        #expect(HLS4MLConversion.decimalRounded(0.5, digits: 0) == 0)      // ties to even, like Python
        #expect(HLS4MLConversion.decimalRounded(1.5, digits: 0) == 2)
    }

    @Test func qkerasTypes() {
        let bits = QKerasQuantizer(kind: .bits, bits: 8, integer: 0)
        #expect(bits.weightType == .fixed(8, 1))
        #expect(bits.activationType == .fixed(8, 1, .roundConvergent, .saturate))
        #expect(bits.quantize(0.3) == 38.0 / 128)
        #expect(bits.quantize(5) == 127.0 / 128)
        #expect(bits.quantize(-5) == -1)
        #expect(bits.quantize(1.5 / 128) == 2.0 / 128)   // half to even
        let relu = QKerasQuantizer(kind: .relu, bits: 8, integer: 3)
        #expect(relu.activationType == .ufixed(8, 3, .roundConvergent, .saturate))
        #expect(HLS4MLConversion.configString(relu.activationType) == "ufixed<8,3,RND_CONV,SAT,0>")
        #expect(HLS4MLConversion.configString(.fixed(8, 1)) == "fixed<8,1,TRN,WRAP,0>")
    }
}

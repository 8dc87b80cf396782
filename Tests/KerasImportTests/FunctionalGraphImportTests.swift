import Foundation
import Design
import Testing
import FixedPoint
import HDF5
import NetworkIR
@testable import KerasImport

/// Keras Functional models with branches and merges import as graph designs (written here through the HDF5
/// module in Keras 3's layout, weights chosen so that every value is worked out by hand).
struct FunctionalGraphImportTests {
    static func layer(_ name: String, _ className: String, _ config: String, inputs: [String]) -> String {
        let tensors = inputs.map { #"{"class_name": "__keras_tensor__", "config": {"shape": [null, 2], "dtype": "float32", "keras_history": ["\#($0)", 0, 0]}}"# }
        let args = inputs.count > 1 ? "[[" + tensors.joined(separator: ", ") + "]]" : "[" + tensors.joined(separator: ", ") + "]"
        let inbound = inputs.isEmpty ? "[]" : #"[{"args": \#(args), "kwargs": {}}]"#
        return #"{"class_name": "\#(className)", "config": {"name": "\#(name)", \#(config)}, "name": "\#(name)", "inbound_nodes": \#(inbound)}"#
    }

    /// Writes a Keras 3 Functional model `name`.h5: its `layers` (from `layer`), the `output_layers` JSON and the
    /// weights, each (layer, variable, shape, values) at `/model_weights/<layer>/<layer>/<variable>`.
    static func writeModel(in directory: URL, name: String, layers: [String], outputs: String,
                           weights: [(layer: String, variable: String, shape: [Int], values: [Float])]) throws -> URL {
        let config = #"{"class_name": "Functional", "config": {"name": "\#(name)", "layers": [\#(layers.joined(separator: ", "))], "input_layers": [["x_in", 0, 0]], "output_layers": \#(outputs)}}"#
        let url = directory.appendingPathComponent("\(name).h5")
        let file = try HDF5File.create(url)
        try file.writeStringAttribute("model_config", value: config, of: "/")
        try file.writeStringAttribute("keras_version", value: "3.15.1", of: "/")
        for weight in weights {
            try file.writeFloats("/model_weights/\(weight.layer)/\(weight.layer)/\(weight.variable)", shape: weight.shape, values: weight.values)
        }
        try file.close()
        return url
    }

    /// x (2) → a = Dense 2 relu(x) ; b = Dense 2(x) ; s = Add(a, b) ; c = Concatenate(s, x) → Dense 1.
    static func makeModel(in directory: URL, mergeClass: String = "Add") throws -> URL {
        let layers = [
            layer("x_in", "InputLayer", #""batch_shape": [null, 2], "dtype": "float32""#, inputs: []),
            layer("a", "Dense", #""units": 2, "activation": "relu", "use_bias": true"#, inputs: ["x_in"]),
            layer("b", "Dense", #""units": 2, "activation": "linear", "use_bias": false"#, inputs: ["x_in"]),
            layer("s", mergeClass, #""dtype": "float32""#, inputs: ["a", "b"]),
            layer("c", "Concatenate", #""axis": -1"#, inputs: ["s", "x_in"]),
            layer("y", "Dense", #""units": 1, "activation": "linear", "use_bias": true"#, inputs: ["c"]),
        ]
        return try writeModel(in: directory, name: "branchy", layers: layers, outputs: #"[["y", 0, 0]]"#, weights: [
            ("a", "kernel", [2, 2], [1, 0, 0, 1]), ("a", "bias", [2], [0.5, -0.5]), ("b", "kernel", [2, 2], [0.5, 0, 0, 0.25]),
            ("y", "kernel", [4, 1], [1, 1, 1, 1]), ("y", "bias", [1], [0.125]),
        ])
    }

    /// x = [1, 2]: a = relu([1.5, 1.5]) = [1.5, 1.5]; b = [0.5, 0.5]; s = [2, 2]; c = [2, 2, 1, 2]; out = 7.125.
    @Test func branchesAndMergesImportAsAGraph() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let imported = try KerasImporter.importModel(try Self.makeModel(in: directory), options: Fixtures.options())
        let network = imported.design.network
        #expect(network.layers.map(\.name) == ["a", "a_relu", "b", "s", "c", "y"])
        #expect(network.layers.map(\.inputs) == [[], [], [Network.inputName], ["a_relu", "b"], ["s", Network.inputName], []])
        #expect(network.layers[3].operation == .merge(.add))
        #expect(network.layers[4].operation == .merge(.concatenate))
        #expect(network.evaluateFloat([1, 2]) == [7.125])
        // hls4ml's rules: b (no bias) has the Dense auto type W = 16+16+1 = 33, I = 6+6+1 = 13, then the bias
        // step with ap_uint<1>: I = max(13, 1+1) + 1 = 14, W = 14 + 20 = 34 → ap_fixed<34,14>; a_relu has the
        // default ap_fixed<16,6>; Add: I = max(6, 14) + 1 = 15, F = max(10, 20) = 20 → ap_fixed<35,15>.
        #expect(network.layers[2].precision.result == .fixed(34, 14))
        #expect(network.layers[3].precision.result == .fixed(35, 15))
        let evaluator = try FixedPointEvaluator(network: network)
        let output = evaluator.evaluate(evaluator.quantizeInput([1, 2]))
        #expect(network.outputPrecision.value(ofRaw: output[0]) == 7.125)
        // The written design reads back to the same network.
        let text = DesignWriter.yaml(for: imported.design, description: "test")
        #expect(text.contains("inputs: [a_relu, b]") && text.contains("class: Add"))
    }

    @Test func mergingThreeTensorsIsAnError() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let layers = [
            Self.layer("x_in", "InputLayer", #""batch_shape": [null, 2], "dtype": "float32""#, inputs: []),
            Self.layer("s", "Add", #""dtype": "float32""#, inputs: ["x_in", "x_in", "x_in"]),
        ]
        let url = try Self.writeModel(in: directory, name: "three", layers: layers, outputs: #"[["s", 0, 0]]"#,
                                      weights: [("unused", "unused", [1], [0])])
        #expect {
            try KerasImporter.importModel(url, options: Fixtures.options())
        } throws: { error in
            "\(error)".contains("'s'") && "\(error)".contains("exactly 2")
        }
    }

    /// x (2) → h = Dense 2 relu → mu = Dense 1; the model outputs [mu, h]. hls4ml splits h's ReLU into h_relu,
    /// which then carries h's output. x = [1, 2]: h = relu([1.5, −1]) = [1.5, 0]; mu = 1.5 + 0 + 0.25 = 1.75.
    @Test func severalModelOutputsBecomeDesignOutputs() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let layers = [
            Self.layer("x_in", "InputLayer", #""batch_shape": [null, 2], "dtype": "float32""#, inputs: []),
            Self.layer("h", "Dense", #""units": 2, "activation": "relu", "use_bias": true"#, inputs: ["x_in"]),
            Self.layer("mu", "Dense", #""units": 1, "activation": "linear", "use_bias": true"#, inputs: ["h"]),
        ]
        let url = try Self.writeModel(in: directory, name: "two_heads", layers: layers, outputs: #"[["mu", 0, 0], ["h", 0, 0]]"#, weights: [
            ("h", "kernel", [2, 2], [1, 0, 0, 1]), ("h", "bias", [2], [0.5, -3]), ("mu", "kernel", [2, 1], [1, 1]), ("mu", "bias", [1], [0.25]),
        ])
        let imported = try KerasImporter.importModel(url, options: Fixtures.options())
        let network = imported.design.network
        #expect(network.layers.map(\.name) == ["h", "h_relu", "mu"])
        #expect(network.outputs == ["mu", "h_relu"])
        #expect(network.evaluateFloat([1, 2]) == [1.75, 1.5, 0])
        let evaluator = try FixedPointEvaluator(network: network)
        let raw = evaluator.evaluate(evaluator.quantizeInput([1, 2]))
        #expect(zip(raw, network.outputElementPrecisions).map { $1.value(ofRaw: $0) } == [1.75, 1.5, 0])
        // The written design lists its outputs and reads back to the same network.
        let text = DesignWriter.yaml(for: imported.design, description: "test")
        #expect(text.contains("outputs: [mu, h_relu]"))
        let written = directory.appendingPathComponent("two_heads.yml")
        try text.write(to: written, atomically: true, encoding: .utf8)
        #expect(try DesignLoader.load(written, profileSearchPaths: [Fixtures.profiles]).network == network)
    }

    /// Writes a Functional model x (2) → h1 = Dense 2, h2 = Dense 2 (both from x), o = Activation linear (h1),
    /// with the given `output_layers` JSON.
    static func outputsModel(in directory: URL, outputs: String, name: String) throws -> URL {
        let layers = [
            layer("x_in", "InputLayer", #""batch_shape": [null, 2], "dtype": "float32""#, inputs: []),
            layer("h1", "Dense", #""units": 2, "activation": "linear", "use_bias": false"#, inputs: ["x_in"]),
            layer("h2", "Dense", #""units": 2, "activation": "linear", "use_bias": false"#, inputs: ["x_in"]),
            layer("o", "Activation", #""activation": "linear""#, inputs: ["h1"]),
        ]
        return try writeModel(in: directory, name: name, layers: layers, outputs: outputs,
                              weights: [("h1", "kernel", [2, 2], [1, 0, 0, 1]), ("h2", "kernel", [2, 2], [0.5, 0, 0, 0.5])])
    }

    /// Keras 3 writes dict outputs as a JSON object; Keras flattens a dict in key order, and so does the import
    /// (the JSON reader keeps no order, so any other rule could change from run to run). alpha is o, the linear
    /// activation of h1: merged into h1 (hls4ml's pass) or dropped (otherwise), either way h1's tensor.
    @Test(arguments: [true, false])
    func dictOutputsKeepKeyOrder(compatible: Bool) throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let outputs = #"{"zeta": ["h2", 0, 0], "alpha": ["o", 0, 0]}"#
        let url = try Self.outputsModel(in: directory, outputs: outputs, name: "dict_outputs")
        for _ in 0..<5 {
            let network = try KerasImporter.importModel(url, options: Fixtures.options(compatible: compatible)).design.network
            #expect(network.outputs == ["h1", "h2"])
            // x = [1, 2]: h1 = x, h2 = x / 2.
            #expect(network.evaluateFloat([1, 2]) == [1, 2, 0.5, 1])
        }
    }

    /// Two model outputs that are one tensor once the linear activation goes: an error naming both, never an
    /// output silently lost.
    @Test(arguments: [true, false])
    func outputsThatBecomeOneTensorAreAnError(compatible: Bool) throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = try Self.outputsModel(in: directory, outputs: #"[["h1", 0, 0], ["o", 0, 0], ["h2", 0, 0]]"#, name: "same_outputs")
        #expect {
            try KerasImporter.importModel(url, options: Fixtures.options(compatible: compatible))
        } throws: { error in
            let text = "\(error)"
            return text.contains("output_layers") && text.contains("h1 and o") && text.contains("same_outputs.h5")
        }
    }
}

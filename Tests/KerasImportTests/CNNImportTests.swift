import Design
import FixedPoint
import Foundation
import HDF5
import KerasImport
import NetworkIR
import Testing

/// Conv2D/Conv1D, Flatten and Reshape import, and a BatchNormalization after a convolution, on small Keras 2
/// Sequential files written here (layer records as in `BatchNormPassTests`).
@Suite struct CNNImportTests {
    typealias Layer = BatchNormPassTests.Layer

    /// Writes an input of `shape` followed by `layers` as a Keras 2.15 Sequential legacy .h5 file and imports it.
    static func importModel(_ layers: [Layer], shape: [Int], options: KerasImportOptions = Fixtures.options()) throws -> ImportedModel {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let dimensions = shape.map(String.init).joined(separator: ", ")
        let input = #"{"class_name": "InputLayer", "config": {"batch_input_shape": [null, \#(dimensions)], "dtype": "float32", "name": "x_in"}}"#
        let entries = [input] + layers.map { #"{"class_name": "\#($0.className)", "config": {\#($0.config)}}"# }
        let json = #"{"class_name": "Sequential", "config": {"name": "cnn_model", "layers": [\#(entries.joined(separator: ", "))]}, "keras_version": "2.15.0", "backend": "tensorflow"}"#
        let url = directory.appendingPathComponent("cnn_model.h5")
        let file = try HDF5File.create(url)
        try file.writeStringAttribute("model_config", value: json, of: "/")
        try file.writeStringAttribute("keras_version", value: "2.15.0", of: "/")
        for layer in layers {
            for weight in layer.weights {
                try file.writeFloats("/model_weights/\(layer.name)/\(layer.name)/\(weight.variable):0", shape: weight.shape, values: weight.values)
            }
        }
        return try KerasImporter.importModel(url, options: options)
    }

    static func conv(_ name: String, filters: Int, kernel: [Int], channels: Int, padding: String = "valid", strides: [Int]? = nil,
                     activation: String = "linear", values: [Float], bias: [Float]?) -> Layer {
        let className = kernel.count == 1 ? "Conv1D" : "Conv2D"
        let strideText = (strides ?? kernel.map { _ in 1 }).map(String.init).joined(separator: ", ")
        let config = #""name": "\#(name)", "filters": \#(filters), "kernel_size": [\#(kernel.map(String.init).joined(separator: ", "))], "strides": [\#(strideText)], "padding": "\#(padding)", "data_format": "channels_last", "dilation_rate": [\#(kernel.map { _ in "1" }.joined(separator: ", "))], "groups": 1, "activation": "\#(activation)", "use_bias": \#(bias != nil)"#
        var weights = [("kernel", kernel + [channels, filters], values)]
        if let bias { weights.append(("bias", [filters], bias)) }
        return Layer(className: className, name: name, config: config, weights: weights)
    }

    static let flatten = Layer(className: "Flatten", name: "flat", config: #""name": "flat", "data_format": "channels_last""#)

    /// (4, 3, 2) → Conv2D 2 (2, 2) same → BatchNormalization (per filter) → Flatten (24) → Dense 1. The BatchNorm
    /// folds into the conv in float32 as hls4ml's bn_fuse.py does: W' = s[f]·W, b' = s[f]·b + (β − s·mean), with
    /// s = γ/√(var + ε) per filter.
    @Test func batchNormFoldsIntoConvolution() throws {
        let kernel: [Float] = (0..<16).map { Float($0 % 5) * 0.25 - 0.5 }
        let conv = Self.conv("conv", filters: 2, kernel: [2, 2], channels: 2, padding: "same", values: kernel, bias: [0.25, -0.5])
        let bn = BatchNormPassTests.batchNorm("bn", epsilon: 0.001, gamma: [1.5, 0.5], beta: [0.1, -0.2], mean: [0.3, -0.4], variance: [2, 0.5])
        let dense = BatchNormPassTests.dense("fc", kernel: (0..<24).map { [Float($0 % 3) * 0.5 - 0.5] }, bias: [0.125])
        let imported = try Self.importModel([conv, bn, Self.flatten, dense], shape: [4, 3, 2])
        let network = imported.design.network
        #expect(network.layers.map(\.kindName) == ["Conv2D", "Dense"])
        #expect(network.inputShape == TensorShape([4, 3, 2]))
        guard case let .convolution(p) = network.layers[0].operation else { Issue.record("not a conv"); return }
        #expect(p.outputShape == TensorShape([4, 3, 2]) && p.padding == .same)
        let s: [Float] = [1.5 / (Float(2) + Float(0.001)).squareRoot(), 0.5 / (Float(0.5) + Float(0.001)).squareRoot()]
        let shift: [Float] = [0.1 - s[0] * 0.3, -0.2 - s[1] * -0.4]
        let precision = network.layers[0].precision.weight!
        for k in 0..<16 {
            let folded = Double(s[k % 2] * kernel[k])
            // Stored as hls4ml's weight files carry it: F decimal digits, read back by C++.
            #expect(p.weights[k] == Double(String(format: "%.\(precision.fractionalBits)f", folded))!, "weight \(k)")
        }
        let bias: [Float] = [s[0] * 0.25 + shift[0], s[1] * -0.5 + shift[1]]
        #expect(p.biases == bias.map { Double(String(format: "%.\(network.layers[0].precision.bias!.fractionalBits)f", Double($0)))! })
        #expect(imported.conversion.notes.contains { $0.contains("bn: BatchNormalization folded into conv") })
        #expect(imported.conversion.notes.contains { $0.contains("flat: Flatten to (24) folded away") })
    }

    /// A BatchNorm that cannot fold (the conv's result is set) stays, its per-channel scale repeated per pixel.
    @Test func unfusedBatchNormOnAnImageIsPerChannel() throws {
        let conv = Self.conv("conv", filters: 2, kernel: [2, 2], channels: 1, values: (0..<8).map { Float($0) * 0.125 }, bias: nil)
        let bn = BatchNormPassTests.batchNorm("bn", epsilon: 0.001, gamma: [1.5, 0.5], beta: [0.1, -0.2], mean: [0.3, -0.4], variance: [2, 0.5])
        var options = Fixtures.options()
        options.layerPrecisions = ["conv": ["result": .fixed(16, 6)]]
        let imported = try Self.importModel([conv, bn], shape: [3, 3, 1], options: options)
        let network = imported.design.network
        // The Keras 2 converter's conv_linear stays too (its parent's result is not auto, as for a Dense).
        #expect(network.layers.map(\.kindName) == ["Conv2D", "Linear", "BatchNormalization"])
        #expect(network.layers[0].precision.bias == .uint(1))
        guard case let .batchNormalization(p) = network.layers[2].operation else { Issue.record("not a BN"); return }
        #expect(p.scale.count == 8)
        #expect((0..<8).allSatisfy { p.scale[$0] == p.scale[$0 % 2] } && p.scale[0] != p.scale[1])
    }

    /// Conv1D with stride 2 and a Reshape to an image before a Conv2D: shapes follow Keras.
    /// (8, 2) → Conv1D 3, kernel 3, stride 2, valid → (3, 3) → Reshape (3, 3, 1) → Conv2D 1 (2, 2) → (2, 2, 1).
    @Test func conv1DAndReshape() throws {
        let c1 = Self.conv("c1", filters: 3, kernel: [3], channels: 2, strides: [2], activation: "relu",
                           values: (0..<18).map { Float($0 % 4) * 0.25 - 0.25 }, bias: [0, 0.5, -0.5])
        let reshape = Layer(className: "Reshape", name: "rs", config: #""name": "rs", "target_shape": [3, 3, 1]"#)
        let c2 = Self.conv("c2", filters: 1, kernel: [2, 2], channels: 1, values: [0.5, -0.5, 0.25, 1], bias: [0])
        let imported = try Self.importModel([c1, reshape, c2], shape: [8, 2])
        let network = imported.design.network
        #expect(network.layers.map(\.kindName) == ["Conv1D", "ReLU", "Conv2D"])
        guard case let .convolution(p1) = network.layers[0].operation, case let .convolution(p2) = network.layers[2].operation else {
            Issue.record("not convs"); return
        }
        #expect(p1.outputShape == TensorShape([3, 3]))
        #expect(p2.inputShape == TensorShape([3, 3, 1]) && p2.outputShape == TensorShape([2, 2, 1]))
        // n_ops of the Conv1D = 2 channels × 3 = 6: accum ap_fixed<16,6> input, ap_fixed<16,6> weights:
        // W = 16 + 16 + 3 = 35, I = 6 + 6 + 3 = 15; bias step: I = 16, W = 16 + 20 = 36.
        #expect(network.layers[0].precision.accumulator == .fixed(36, 16))
        // The design file round trip writes the Reshape back.
        let text = DesignWriter.yaml(for: imported.design)
        #expect(text.contains("class: Reshape\n    target_shape: [3, 3, 1]"))
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("cnn.yml")
        try text.write(to: url, atomically: true, encoding: .utf8)
        let loaded = try DesignLoader.load(url, profileSearchPaths: [Fixtures.profiles])
        #expect(loaded.network == network)
    }

    @Test func denseOnAnImageNeedsFlatten() {
        let dense = BatchNormPassTests.dense("fc", kernel: [[1], [1]], bias: [0])
        do {
            _ = try Self.importModel([dense], shape: [1, 1, 2])
            Issue.record("imported")
        } catch {
            #expect(String(describing: error).contains("layer 'fc'") && String(describing: error).contains("Flatten"))
        }
    }
}

import FixedPoint
import Foundation
import HDF5
import KerasImport
import NetworkIR
import Testing

/// Paths of the shared fixtures and the package's Profiles folder.
enum Fixtures {
    static let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let root = package.deletingLastPathComponent().appendingPathComponent("shared/fixtures")
    static let profiles = package.appendingPathComponent("Profiles")

    static func keras(_ name: String) -> URL { root.appendingPathComponent("keras/\(name).h5") }
    static func hls4mlJSON(_ name: String) -> URL { root.appendingPathComponent("hls4ml/\(name)_io_parallel.json") }

    /// Vectors of a model: hls4ml/NAME_vectors.h5, or keras/NAME_vectors.h5 for the Keras 2 models.
    static func vectors(_ name: String) -> URL {
        name.hasSuffix("_k2") ? root.appendingPathComponent("keras/\(name)_vectors.h5")
            : root.appendingPathComponent("hls4ml/\(name)_vectors.h5")
    }

    static func options(compatible: Bool = true) -> KerasImportOptions {
        KerasImportOptions(hls4mlCompatible: compatible, profileSearchPaths: [profiles])
    }

    /// Rows of a 2-D dataset as float32 values widened to double.
    static func rows(_ file: HDF5File, _ dataset: String) throws -> [[Double]] {
        let (shape, values) = try file.readFloats(dataset)
        let columns = shape[1]
        return (0..<shape[0]).map { row in values[(row * columns)..<((row + 1) * columns)].map(Double.init) }
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("keras-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

// MARK: Comparing with hls4ml's runs

extension Fixtures {
    /// The bit-exact evaluation of `network` on the inputs `x` of `vectors` against one hls4ml output dataset.
    /// hls4ml's convert_data turns each output into a float (the fixed-point value rounded to the nearest
    /// float), so each output is compared as `Float`. Prints the first mismatches and a summary under `label`.
    static func compareWithHLS4ML(_ network: Network, vectors: URL, dataset: String,
                                  label: String) throws -> (shape: [Int], compared: Int, mismatches: Int, distinct: Int) {
        let evaluator = try FixedPointEvaluator(network: network)
        let file = try HDF5File.open(vectors)
        let inputs = try rows(file, "x")
        let (shape, expected) = try file.readFloats(dataset)
        var mismatches = 0, compared = 0, distinct = Set<Float>()
        for (row, x) in inputs.enumerated() {
            for (column, value) in evaluator.evaluate(evaluator.quantizeInput(x)).enumerated() {
                let output = Float(network.outputPrecision.value(ofRaw: value))
                let reference = expected[row * shape[1] + column]
                compared += 1
                distinct.insert(output)
                if output != reference {
                    if mismatches < 5 { print("\(label) vector \(row) output \(column): \(output) vs hls4ml \(reference)") }
                    mismatches += 1
                }
            }
        }
        print("\(label): \(compared) outputs compared, \(mismatches) differ, \(distinct.count) distinct values")
        return (shape, compared, mismatches, distinct.count)
    }

    /// Expects each converted layer to have its hls4ml class and every type but index_t (and no other) as the
    /// `layers` object of an hls4ml run's JSON gives them.
    static func expectLayerTypes(_ converted: [(name: String, hlsClass: String, types: [String: Precision])],
                                 equalTo layers: [String: [String: Any]], label: String,
                                 sourceLocation: SourceLocation = #_sourceLocation) throws {
        for layer in converted {
            let reference = try #require(layers[layer.name], sourceLocation: sourceLocation)
            #expect(reference["class"] as? String == layer.hlsClass, "\(label).\(layer.name)", sourceLocation: sourceLocation)
            let types = try #require(reference["types"] as? [String: String], sourceLocation: sourceLocation)
            for (key, text) in types where key != "index_t" {
                let expected = try Precision(parsing: text)
                #expect(layer.types[key] == expected, "\(label).\(layer.name).\(key): \(String(describing: layer.types[key])) vs \(text)",
                        sourceLocation: sourceLocation)
            }
            #expect(Set(layer.types.keys) == Set(types.keys).subtracting(["index_t"]), "\(label).\(layer.name)", sourceLocation: sourceLocation)
        }
    }

    /// Expects the converted layers to be those of an hls4ml run's JSON (`layers`: class and every type but
    /// index_t), and the network's layers to follow them in order.
    static func expectTypes(of imported: ImportedModel, equalTo json: URL, label: String,
                            sourceLocation: SourceLocation = #_sourceLocation) throws {
        let data = try Data(contentsOf: json)
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], sourceLocation: sourceLocation)
        let layers = try #require(root["layers"] as? [String: [String: Any]], sourceLocation: sourceLocation)
        let converted = imported.conversion.layerTypes
        #expect(Set(converted.map(\.name)) == Set(layers.keys), sourceLocation: sourceLocation)
        try expectLayerTypes(converted, equalTo: layers, label: label, sourceLocation: sourceLocation)
        // The network's layers carry the same types, in hls4ml's order.
        let network = imported.design.network
        #expect(network.layers.map(\.name) == converted.dropFirst().map(\.name), sourceLocation: sourceLocation)
        #expect(network.inputPrecision == converted.first?.types["result_t"], sourceLocation: sourceLocation)
    }
}

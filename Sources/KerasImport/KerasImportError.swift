// Module KerasImport: Keras legacy HDF5 models (Keras 2 and 3, QKeras) to the Network IR and design files,
// optionally reproducing hls4ml 1.3's conversion passes bit for bit.
import Design
import HDF5
import NetworkIR

/// Why a Keras model could not be imported. Every message starts with the file and names the object path
/// or the layer.
public enum KerasImportError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The HDF5 library could not open or read the file (truncated, not HDF5, unreadable object).
    case hdf5(HDF5Error)
    /// The file is HDF5 but holds no Keras model (no `model_config` attribute).
    case notAKerasModel(file: String, reason: String)
    /// `model_config` is not the JSON Keras writes.
    case malformedModelConfig(file: String, layer: String?, reason: String)
    /// A layer class (or a setting of it) Pipewright cannot import.
    case unsupportedLayer(file: String, layer: String, className: String, reason: String)
    /// The functional graph is not one Pipewright can take (a second input, a layer reading an unknown or later layer).
    case notAChain(file: String, layer: String, reason: String)
    /// The model's `output_layers` cannot become the design's outputs.
    case badOutput(file: String, layer: String, reason: String)
    /// A weight the layer needs is absent.
    case missingWeight(file: String, layer: String, variable: String, searched: String)
    /// A weight has the wrong shape.
    case weightShapeMismatch(file: String, layer: String, object: String, expected: [Int], found: [Int])
    /// A per-layer precision of the import options names no layer, or a key hls4ml does not read there.
    case invalidLayerPrecision(file: String, layer: String, key: String, reason: String)
    /// The assembled network is invalid.
    case invalidNetwork(file: String, NetworkError)
    /// The device profile could not be loaded.
    case design(DesignError)

    public var description: String {
        switch self {
        case let .hdf5(error):
            return error.description
        case let .notAKerasModel(file, reason):
            return "\(file): not a Keras model: \(reason)"
        case let .malformedModelConfig(file, layer, reason):
            return "\(file): model_config" + (layer.map { ", layer '\($0)'" } ?? "") + ": \(reason)"
        case let .unsupportedLayer(file, layer, className, reason):
            return "\(file): layer '\(layer)' of class \(className): \(reason)"
        case let .badOutput(file, layer, reason):
            return "\(file): layer '\(layer)', field 'output_layers': \(reason)"
        case let .notAChain(file, layer, reason):
            return "\(file): layer '\(layer)': \(reason); a model imports when it has one input and each layer reads earlier layers (merges read two)"
        case let .missingWeight(file, layer, variable, searched):
            return "\(file): layer '\(layer)': weight '\(variable)' is missing (looked in \(searched))"
        case let .weightShapeMismatch(file, layer, object, expected, found):
            return "\(file): layer '\(layer)': \(object) has shape \(found), expected \(expected)"
        case let .invalidLayerPrecision(file, layer, key, reason):
            return "\(file): LayerName.\(layer).Precision.\(key): \(reason)"
        case let .invalidNetwork(file, error):
            return "\(file): \(error.description)"
        case let .design(error):
            return error.description
        }
    }
}

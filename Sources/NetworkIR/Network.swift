// Module NetworkIR: the network as layers, shapes, weights and precisions, with bit-exact fixed-point
// and float evaluation per layer. Owns no timing, no files and no hardware structure.
import FixedPoint

/// A feed-forward chain of layers from one input vector to one output vector.
public struct Network: Sendable, Equatable {
    /// The design's name (used for module and file names; letters, digits and `_`).
    public var name: String
    /// Number of input elements.
    public var inputSize: Int
    /// Precision of the input vector (hls4ml's `input_t`).
    public var inputPrecision: Precision
    /// The layers, first to last.
    public var layers: [Layer]

    public init(name: String, inputSize: Int, inputPrecision: Precision, layers: [Layer]) {
        self.name = name
        self.inputSize = inputSize
        self.inputPrecision = inputPrecision
        self.layers = layers
    }

    /// Number of output elements of the last layer.
    public var outputSize: Int { layers.last?.outputSize ?? inputSize }

    /// Precision of the network's output vector.
    public var outputPrecision: Precision { layers.last?.precision.result ?? inputPrecision }

    /// The precision of the vector a layer reads.
    public func inputPrecision(ofLayerAt index: Int) -> Precision {
        index == 0 ? inputPrecision : layers[index - 1].precision.result
    }

    /// Checks shapes, names and precisions; throws the first problem found.
    public func validate() throws(NetworkError) {
        guard inputSize > 0 else { throw .invalidShape(layer: "input", reason: "input size must be positive, got \(inputSize)") }
        do { try inputPrecision.validate() } catch { throw .invalidPrecision(layer: "input", field: "precision", reason: error.description) }
        guard !layers.isEmpty else { throw .invalidShape(layer: "input", reason: "the network has no layers") }
        var names = Set<String>()
        var size = inputSize
        for layer in layers {
            guard !names.contains(layer.name) else { throw .duplicateName(layer: layer.name) }
            names.insert(layer.name)
            guard layer.inputSize == size else {
                throw .shapeMismatch(layer: layer.name, expected: size, found: layer.inputSize)
            }
            try layer.validate()
            size = layer.outputSize
        }
    }
}

/// A problem with a network's structure, naming the layer and the field.
public enum NetworkError: Error, Equatable, Sendable, CustomStringConvertible {
    case shapeMismatch(layer: String, expected: Int, found: Int)
    case invalidShape(layer: String, reason: String)
    case invalidPrecision(layer: String, field: String, reason: String)
    case invalidParameter(layer: String, field: String, reason: String)
    case duplicateName(layer: String)
    case inputSizeMismatch(expected: Int, found: Int, vector: Int)

    public var description: String {
        switch self {
        case let .shapeMismatch(layer, expected, found):
            return "layer '\(layer)': input size \(found) does not match the \(expected) values the previous layer produces"
        case let .invalidShape(layer, reason):
            return "layer '\(layer)': \(reason)"
        case let .invalidPrecision(layer, field, reason):
            return "layer '\(layer)', field '\(field)': \(reason)"
        case let .invalidParameter(layer, field, reason):
            return "layer '\(layer)', field '\(field)': \(reason)"
        case let .duplicateName(layer):
            return "layer name '\(layer)' is used twice"
        case let .inputSizeMismatch(expected, found, vector):
            return "input vector \(vector) has \(found) values, the network takes \(expected)"
        }
    }
}

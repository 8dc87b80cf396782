// Module NetworkIR: the network as layers, shapes, weights and precisions, with bit-exact fixed-point
// and float evaluation per layer. Owns no timing, no files and no hardware structure.
import FixedPoint

/// A directed acyclic graph of layers from one input tensor to the design output. Layers are listed in a
/// topological order: each reads the design input or earlier layers (by default the layer before it). The
/// design output is the last layer's tensor, or the tensors `outputs` names, side by side in that order
/// (first output in the first, lowest, elements).
public struct Network: Sendable, Equatable {
    /// The name by which a layer reads the design input.
    public static let inputName = "input"

    /// The design's name (used for module and file names; letters, digits and `_`).
    public var name: String
    /// Number of input elements.
    public var inputSize: Int
    /// Precision of the input vector (hls4ml's `input_t`).
    public var inputPrecision: Precision
    /// The layers, first to last.
    public var layers: [Layer]
    /// The input's shape (channels last, flat in memory); a vector of `inputSize` unless the design says otherwise.
    public var inputShape: TensorShape
    /// The layers whose tensors form the design output, in order; empty: the last layer alone.
    public var outputs: [String]

    public init(name: String, inputSize: Int, inputPrecision: Precision, layers: [Layer], inputShape: TensorShape? = nil,
                outputs: [String] = []) {
        self.name = name
        self.inputSize = inputSize
        self.inputPrecision = inputPrecision
        self.layers = layers
        self.inputShape = inputShape ?? .vector(inputSize)
        self.outputs = outputs
    }

    /// The tensors of the design output, in order (layer indices; a name that does not resolve is left out and
    /// reported by `validate()`).
    public var outputTensors: [Int] {
        guard !outputs.isEmpty else { return layers.isEmpty ? [] : [layers.count - 1] }
        return outputs.compactMap { name in layers.firstIndex { $0.name == name } }
    }

    /// True when the design output is more than the last layer's tensor.
    public var hasSeveralOutputs: Bool { outputTensors != [layers.count - 1] }

    /// Shape of tensor `source` (−1: the design input), following `Layer.outputShape(input:)` from the input.
    public func shape(ofTensor source: Int) -> TensorShape {
        guard source >= 0 else { return inputShape }
        let input = sources(ofLayerAt: source).first.map(shape(ofTensor:)) ?? inputShape
        return layers[source].outputShape(input: input)
    }

    /// Number of elements of the design output (every output tensor).
    public var outputSize: Int { outputTensors.reduce(0) { $0 + layers[$1].outputSize } }

    /// Precision of the (first) output tensor.
    public var outputPrecision: Precision { outputTensors.first.map { layers[$0].precision.result } ?? inputPrecision }

    /// Each element of the design output as `<layer>[i]`, in order (the element's tensor and its index there).
    public var outputElementNames: [String] {
        outputTensors.flatMap { tensor in (0..<layers[tensor].outputSize).map { "\(layers[tensor].name)[\($0)]" } }
    }

    /// Precision of every element of the design output, in order.
    public var outputElementPrecisions: [Precision] {
        outputTensors.flatMap { Array(repeating: layers[$0].precision.result, count: layers[$0].outputSize) }
    }

    /// The tensors layer `index` reads, in order: −1 for the design input, else a layer index. Names that do
    /// not resolve to an earlier layer are left out (`validate()` reports them).
    public func sources(ofLayerAt index: Int) -> [Int] {
        let layer = layers[index]
        if layer.inputs.isEmpty { return [index - 1] }
        return layer.inputs.compactMap { name in
            name == Network.inputName ? -1 : layers[0..<index].firstIndex { $0.name == name }
        }
    }

    /// Size of tensor `source` (−1: the design input).
    public func size(ofTensor source: Int) -> Int { source < 0 ? inputSize : layers[source].outputSize }

    /// Precision of tensor `source` (−1: the design input).
    public func precision(ofTensor source: Int) -> Precision { source < 0 ? inputPrecision : layers[source].precision.result }

    /// The precision of the (first) vector a layer reads.
    public func inputPrecision(ofLayerAt index: Int) -> Precision {
        precision(ofTensor: sources(ofLayerAt: index).first ?? -1)
    }

    /// The precisions of every tensor a layer reads, in input order.
    public func inputPrecisions(ofLayerAt index: Int) -> [Precision] { sources(ofLayerAt: index).map(precision(ofTensor:)) }

    /// Which layers read tensor `source` (−1: the design input), in layer order; a layer reading it twice is listed twice.
    public func consumers(ofTensor source: Int) -> [Int] {
        layers.indices.flatMap { index in sources(ofLayerAt: index).filter { $0 == source }.map { _ in index } }
    }

    /// True when some layer reads more than one tensor, or some tensor is read more than once.
    public var isGraph: Bool {
        (-1..<(layers.count - 1)).contains { consumers(ofTensor: $0).count != 1 } || layers.contains { $0.arity > 1 } || hasSeveralOutputs
    }

    /// Checks shapes, names and precisions; throws the first problem found.
    public func validate() throws(NetworkError) {
        guard inputSize > 0 else { throw .invalidShape(layer: "input", reason: "input size must be positive, got \(inputSize)") }
        guard inputShape.count == inputSize, inputShape.dimensions.allSatisfy({ $0 > 0 }) else {
            throw .invalidShape(layer: "input", reason: "input shape \(inputShape) does not hold \(inputSize) values")
        }
        do { try inputPrecision.validate() } catch { throw .invalidPrecision(layer: "input", field: "precision", reason: error.description) }
        guard !layers.isEmpty else { throw .invalidShape(layer: "input", reason: "the network has no layers") }
        if let problem = HardwareName.problem(with: name) {
            throw .invalidParameter(layer: name, field: "name", reason: "the design name becomes the RTL top module: \(problem)")
        }
        var names = Set<String>()
        for (index, layer) in layers.enumerated() {
            guard layer.name != Network.inputName else {
                throw .invalidParameter(layer: layer.name, field: "name", reason: "'\(Network.inputName)' names the design input")
            }
            if let problem = HardwareName.problem(with: layer.name) {
                throw .invalidParameter(layer: layer.name, field: "name", reason: "the layer name becomes an RTL instance: \(problem)")
            }
            guard !names.contains(layer.name) else { throw .duplicateName(layer: layer.name) }
            for name in layer.inputs where name != Network.inputName && !names.contains(name) {
                let later = layers.contains { $0.name == name }
                throw .invalidParameter(layer: layer.name, field: "inputs",
                    reason: later ? "'\(name)' comes after this layer; list layers so that each reads only earlier ones"
                                  : "no layer is named '\(name)' (known: \(([Network.inputName] + names.sorted()).joined(separator: ", ")))")
            }
            names.insert(layer.name)
            let sources = self.sources(ofLayerAt: index)
            guard sources.count == layer.arity else {
                throw .invalidParameter(layer: layer.name, field: "inputs",
                    reason: "a \(layer.kindName) layer reads \(layer.arity) tensor(s), \(sources.count) given")
            }
            let sizes = sources.map(size(ofTensor:))
            var sameSizes = false
            if case let .merge(merge) = layer.operation { sameSizes = merge != .concatenate }
            if case .klDivergence = layer.operation { sameSizes = sources.count > 1 }
            if sameSizes, Set(sizes).count > 1 {
                throw .invalidShape(layer: layer.name,
                    reason: "a \(layer.kindName) layer needs inputs of one size, found \(sizes.map(String.init).joined(separator: " and "))")
            }
            if layer.arity > 1 {
                let fractions = sources.map { precision(ofTensor: $0).fractionalBits }
                guard (fractions.max()! - fractions.min()!) <= 62 else {
                    throw .invalidPrecision(layer: layer.name, field: "inputs",
                        reason: "the inputs' fractional bits (\(fractions.map(String.init).joined(separator: ", "))) differ by more than 62; align them first")
                }
            }
            let size = sizes.reduce(0, +)
            guard layer.inputSize == size else {
                throw .shapeMismatch(layer: layer.name, expected: size, found: layer.inputSize)
            }
            try layer.validate()
            let input = precision(ofTensor: sources[0])
            switch layer.operation {
            case let .lookup(activation): try activation.validate(layer: layer, input: input)
            case let .softmax(parameters): try parameters.validate(layer: layer, input: input)
            case let .klDivergence(parameters): try parameters.validate(layer: layer, logVariance: precision(ofTensor: sources[sources.count - 1]))
            case .dense, .convolution, .batchNormalization, .relu, .leakyReLU, .linear, .squaredNorm, .merge, .hardActivation,
                 .pooling, .zeroPadding, .upSampling:
                break   // nothing that depends on the input's precision
            }
        }
        var listed = Set<String>()
        for name in outputs {
            guard listed.insert(name).inserted else {
                throw .invalidParameter(layer: name, field: "outputs", reason: "'\(name)' is listed twice as a design output")
            }
            guard names.contains(name) else {
                throw .invalidParameter(layer: name, field: "outputs",
                    reason: name == Network.inputName ? "the design input cannot be a design output; pass it through a Linear layer"
                        : "no layer is named '\(name)' (known: \(names.sorted().joined(separator: ", ")))")
            }
        }
        let outputSet = Set(outputTensors)
        for source in -1..<layers.count where consumers(ofTensor: source).isEmpty && !outputSet.contains(source) {
            guard source >= 0 else {
                throw .invalidParameter(layer: Network.inputName, field: "inputs", reason: "the design input is not read by any layer")
            }
            throw .invalidParameter(layer: layers[source].name, field: outputs.isEmpty ? "inputs" : "outputs",
                reason: outputs.isEmpty ? "its output is not read by any layer; only the last layer is the design output (list the layers in `outputs` for several)"
                    : "its output is not read by any layer and it is not in the design's `outputs` (\(outputs.joined(separator: ", ")))")
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

import Foundation
import NetworkIR

/// One layer as read from `layers:`, before its precisions are resolved. A Dense with `activation: relu`
/// gives two specs, `<name>` and `<name>_relu`.
struct LayerSpec {
    var name: String
    var operation: LayerOperation
    var inputSize: Int
    /// The layer's mapping in the file (for locations).
    var cursor: YAMLCursor
    /// The precision keys `config.LayerName.<name>.Precision` may set for this class.
    var precisionKeys: [String]
    /// The class as written (`Dense`, `BatchNormalization`, …).
    var className: String
    /// The tensors it reads (`inputs:`), or empty for the layer before it.
    var inputs: [String] = []

    var outputSize: Int {
        Layer(name: name, operation: operation, inputSize: inputSize, precision: LayerPrecision(result: .fixed(1, 1)), inputs: inputs).outputSize
    }
}

/// The layer classes a design may use.
enum LayerClass: String, CaseIterable {
    case dense = "Dense"
    case batchNormalization = "BatchNormalization"
    case relu = "ReLU"
    case leakyReLU = "LeakyReLU"
    case linear = "Linear"
    case activation = "Activation"
    case squaredNorm = "SquaredNorm"
    case add = "Add"
    case subtract = "Subtract"
    case multiply = "Multiply"
    case average = "Average"
    case maximum = "Maximum"
    case minimum = "Minimum"
    case concatenate = "Concatenate"

    /// The merge a merge class performs.
    var merge: MergeOperation? {
        switch self {
        case .add: return .add
        case .subtract: return .subtract
        case .multiply: return .multiply
        case .average: return .average
        case .maximum: return .maximum
        case .minimum: return .minimum
        case .concatenate: return .concatenate
        case .dense, .batchNormalization, .relu, .leakyReLU, .linear, .activation, .squaredNorm: return nil
        }
    }

    init?(caseInsensitive text: String) {
        guard let match = LayerClass.allCases.first(where: { $0.rawValue.lowercased() == text.lowercased() }) else {
            return nil
        }
        self = match
    }

    var fields: [String] {
        switch self {
        case .dense: return ["units", "activation", "kernel", "bias", "use_bias"]
        case .batchNormalization: return ["gamma", "beta", "moving_mean", "moving_variance", "epsilon", "scale", "shift"]
        case .leakyReLU: return ["alpha"]
        case .activation: return ["activation"]
        case .relu, .linear, .squaredNorm, .add, .subtract, .multiply, .average, .maximum, .minimum, .concatenate: return []
        }
    }
}

extension DesignParser {
    static let commonLayerKeys = ["name", "class", "input_size", "inputs"]
    /// Keras' BatchNormalization epsilon.
    static let defaultEpsilon = 0.001
    /// The converter's LeakyReLU slope when none is given (hls4ml `converters/keras/core.py`).
    static let defaultLeakyAlpha = 0.3

    mutating func parseLayers(_ cursors: [YAMLCursor], inputSize: Int) throws(DesignError) -> [LayerSpec] {
        var specs: [LayerSpec] = []
        var sizes: [String: Int] = [Network.inputName: inputSize]
        var size = inputSize
        for (index, element) in cursors.enumerated() {
            var label = "#\(index + 1)"
            if let map = element.node.mapping, let name = map["name"]?.string, Self.isIdentifier(name) {
                label = name
            }
            let cursor = element.inLayer(label)
            guard cursor.isMapping else { throw cursor.invalid("a layer mapping with name, class and its fields") }
            guard let classCursor = try cursor.openMapping().first(where: { $0.key == "class" && !$0.value.isNull })?.value else {
                var location = cursor.location
                location.field = "class"
                throw .missingField(location)
            }
            let className = try classCursor.string()
            guard let layerClass = LayerClass(caseInsensitive: className) else {
                throw .unknownLayerClass(classCursor.location, className: className,
                                         known: LayerClass.allCases.map(\.rawValue))
            }
            let map = try cursor.mapping(known: Self.commonLayerKeys + layerClass.fields)
            let nameCursor = try map.required("name")
            let name = try nameCursor.string()
            guard Self.isIdentifier(name) else {
                throw nameCursor.invalid("letters, digits and '_', not starting with a digit (it names RTL instances)")
            }
            guard name != Network.inputName else { throw nameCursor.invalid("another name ('\(Network.inputName)' is the design input)") }
            var inputs: [String] = []
            if let inputsCursor = map.optional("inputs") {
                inputs = try inputsCursor.isScalar ? [inputsCursor.string()] : inputsCursor.sequence().map { (c) throws(DesignError) in try c.string() }
                let arity = layerClass.merge == nil ? 1 : MergeOperation.arity
                guard inputs.count == arity else {
                    throw inputsCursor.invalid("\(arity) layer name(s) (a \(layerClass.rawValue) reads \(arity) tensor(s))")
                }
                for input in inputs where sizes[input] == nil {
                    throw inputsCursor.invalid("names of earlier layers or '\(Network.inputName)' ('\(input)' is not one; known: "
                                               + ([Network.inputName] + specs.map(\.name)).joined(separator: ", ") + ")")
                }
                size = inputs.reduce(0) { $0 + sizes[$1]! }
            } else if layerClass.merge != nil {
                var location = cursor.location
                location.field = "inputs"
                throw .missingField(location)
            }
            if let sizeCursor = map.optional("input_size") {
                let declared = try sizeCursor.positiveInteger()
                guard declared == size else { throw .shapeMismatch(sizeCursor.location, expected: size, found: declared) }
            }
            var layerSpecs = try parseLayer(layerClass, name: name, map: map, inputSize: size)
            if !inputs.isEmpty && !layerSpecs.isEmpty { layerSpecs[0].inputs = inputs }
            specs += layerSpecs
            for spec in layerSpecs { sizes[spec.name] = spec.outputSize }
            size = layerSpecs.last?.outputSize ?? size
        }
        return specs
    }

    private mutating func parseLayer(_ layerClass: LayerClass, name: String, map: YAMLMapping,
                                     inputSize: Int) throws(DesignError) -> [LayerSpec] {
        let cursor = map.cursor
        func spec(_ operation: LayerOperation, _ keys: [String]) -> LayerSpec {
            LayerSpec(name: name, operation: operation, inputSize: inputSize, cursor: cursor,
                      precisionKeys: keys, className: layerClass.rawValue)
        }
        switch layerClass {
        case .dense:
            let units = try map.required("units").positiveInteger()
            // Both factors are at most 2^24, so the product cannot overflow; ParameterValues bounds it.
            let kernel = try ParameterValues.read(map.required("kernel"), count: inputSize * units,
                                                  rows: inputSize, directory: directory)
            let useBias = try map.optional("use_bias")?.bool() ?? true
            var biases = Array(repeating: 0.0, count: units)
            if let biasCursor = map.optional("bias") {
                guard useBias else { throw biasCursor.invalid("no bias, since use_bias is false") }
                biases = try ParameterValues.read(biasCursor, count: units, directory: directory)
            } else if useBias {
                notes.append("\(name): no bias given, using zeros")
            }
            let dense = spec(.dense(DenseParameters(outputSize: units, weights: kernel, biases: biases)),
                             ["result", "weight", "bias", "accum"])
            guard let activationCursor = map.optional("activation") else { return [dense] }
            let activation = try activationCursor.string().lowercased()
            switch activation {
            case "linear":
                return [dense]
            case "relu":
                notes.append("\(name): activation relu split into layer \(name)_relu (as hls4ml's converter does)")
                var relu = LayerSpec(name: name + "_relu", operation: .relu, inputSize: units, cursor: cursor,
                                     precisionKeys: ["result"], className: LayerClass.relu.rawValue)
                relu.cursor = YAMLCursor(node: activationCursor.node, file: file, layer: name + "_relu", field: nil)
                return [dense, relu]
            default:
                throw activationCursor.invalid("relu or linear (add other activations as separate layers)")
            }

        case .batchNormalization:
            return [spec(.batchNormalization(try batchNormParameters(map, count: inputSize)), ["result", "scale", "weight", "bias"])]

        case .leakyReLU:
            let alpha = try map.optional("alpha")?.double() ?? Self.defaultLeakyAlpha
            return [spec(.leakyReLU(alpha: alpha), ["result", "param"])]

        case .relu:
            return [spec(.relu, ["result"])]
        case .linear:
            return [spec(.linear, ["result"])]
        case .activation:
            let activationCursor = try map.required("activation")
            switch try activationCursor.string().lowercased() {
            case "relu": return [spec(.relu, ["result"])]
            case "linear": return [spec(.linear, ["result"])]
            default: throw activationCursor.invalid("relu or linear (use class LeakyReLU for a leaky ReLU)")
            }
        case .squaredNorm:
            return [spec(.squaredNorm, ["result", "accum"])]
        case .add, .subtract, .multiply, .average, .maximum, .minimum, .concatenate:
            return [spec(.merge(layerClass.merge!), ["result"])]
        }
    }

    /// Either `scale:` and `shift:` directly, or Keras' `gamma` (default 1), `beta` (default 0),
    /// `moving_mean`, `moving_variance` and `epsilon` (default 0.001), folded as hls4ml does.
    private func batchNormParameters(_ map: YAMLMapping, count: Int) throws(DesignError) -> BatchNormParameters {
        let statistics = ["gamma", "beta", "moving_mean", "moving_variance", "epsilon"]
        if map.has("scale") || map.has("shift") {
            if let mixed = statistics.first(where: { map.has($0) }), let mixedCursor = map.optional(mixed) {
                throw mixedCursor.invalid("either scale/shift or gamma/beta/moving_mean/moving_variance/epsilon, not both")
            }
            let scale = try ParameterValues.read(map.required("scale"), count: count, directory: directory)
            let shift = try ParameterValues.read(map.required("shift"), count: count, directory: directory)
            return BatchNormParameters(scale: scale, shift: shift)
        }
        let gamma = try map.optional("gamma").map { (c) throws(DesignError) in
            try ParameterValues.read(c, count: count, directory: directory) } ?? Array(repeating: 1, count: count)
        let beta = try map.optional("beta").map { (c) throws(DesignError) in
            try ParameterValues.read(c, count: count, directory: directory) } ?? Array(repeating: 0, count: count)
        let mean = try ParameterValues.read(map.required("moving_mean"), count: count, directory: directory)
        let varianceCursor = try map.required("moving_variance")
        let variance = try ParameterValues.read(varianceCursor, count: count, directory: directory)
        let epsilonCursor = map.optional("epsilon")
        let epsilon = try epsilonCursor?.double() ?? Self.defaultEpsilon
        guard epsilon >= 0 else { throw epsilonCursor?.invalid("an epsilon ≥ 0") ?? varianceCursor.invalid("") }
        if let index = variance.firstIndex(where: { $0 + epsilon <= 0 }) {
            throw varianceCursor.invalid("variances with variance + epsilon > 0 (entry \(index) is \(variance[index]))")
        }
        return BatchNormParameters(gamma: gamma, beta: beta, mean: mean, variance: variance, epsilon: epsilon)
    }
}

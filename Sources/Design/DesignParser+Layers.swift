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
    /// A layer written with `use_bias: false` whose bias type is hls4ml's `ap_uint<1>` unless its own
    /// `Precision.bias` says otherwise (convolutions).
    var hasNoBias = false

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
    case softmax = "Softmax"
    case elu = "ELU"
    case conv1D = "Conv1D"
    case conv2D = "Conv2D"
    case flatten = "Flatten"
    case reshape = "Reshape"
    case klDivergence = "KLDivergence"

    /// How many tensors a layer of this class reads.
    var arity: Int { merge != nil || self == .klDivergence ? 2 : 1 }
    case maxPooling1D = "MaxPooling1D"
    case maxPooling2D = "MaxPooling2D"
    case averagePooling1D = "AveragePooling1D"
    case averagePooling2D = "AveragePooling2D"
    case globalMaxPooling1D = "GlobalMaxPooling1D"
    case globalMaxPooling2D = "GlobalMaxPooling2D"
    case globalAveragePooling1D = "GlobalAveragePooling1D"
    case globalAveragePooling2D = "GlobalAveragePooling2D"
    case zeroPadding1D = "ZeroPadding1D"
    case zeroPadding2D = "ZeroPadding2D"
    case upSampling1D = "UpSampling1D"
    case upSampling2D = "UpSampling2D"

    /// The pooling a pooling class performs, whether it is global, and its spatial rank.
    var pooling: (operation: PoolingOperation, global: Bool, rank: Int)? {
        switch self {
        case .maxPooling1D: return (.max, false, 1)
        case .maxPooling2D: return (.max, false, 2)
        case .averagePooling1D: return (.average, false, 1)
        case .averagePooling2D: return (.average, false, 2)
        case .globalMaxPooling1D: return (.max, true, 1)
        case .globalMaxPooling2D: return (.max, true, 2)
        case .globalAveragePooling1D: return (.average, true, 1)
        case .globalAveragePooling2D: return (.average, true, 2)
        default: return nil
        }
    }

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
        case .dense, .batchNormalization, .relu, .leakyReLU, .linear, .activation, .squaredNorm, .softmax, .elu, .klDivergence,
             .conv1D, .conv2D, .flatten, .reshape, .maxPooling1D, .maxPooling2D, .averagePooling1D, .averagePooling2D,
             .globalMaxPooling1D, .globalMaxPooling2D, .globalAveragePooling1D, .globalAveragePooling2D,
             .zeroPadding1D, .zeroPadding2D, .upSampling1D, .upSampling2D: return nil
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
        case .activation: return ["activation"] + DesignParser.activationFields
        case .softmax: return DesignParser.softmaxFields
        case .elu: return ["alpha", "table_size"]
        case .conv1D, .conv2D: return ["filters", "kernel_size", "strides", "padding", "activation", "kernel", "bias", "use_bias"]
        case .flatten: return []
        case .reshape: return ["target_shape"]
        case .klDivergence: return ["table_size"]
        case .maxPooling1D, .maxPooling2D, .averagePooling1D, .averagePooling2D: return ["pool_size", "strides", "padding"]
        case .globalMaxPooling1D, .globalMaxPooling2D, .globalAveragePooling1D, .globalAveragePooling2D: return []
        case .zeroPadding1D, .zeroPadding2D: return ["padding"]
        case .upSampling1D, .upSampling2D: return ["size", "interpolation"]
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
    mutating func parseLayers(_ cursors: [YAMLCursor], inputShape: TensorShape) throws(DesignError) -> [LayerSpec] {
        let inputSize = inputShape.count
        var specs: [LayerSpec] = []
        var sizes: [String: Int] = [Network.inputName: inputSize]
        var size = inputSize
        // Shapes of the tensors by name; Flatten/Reshape names → the tensor they stand for go in `foldedLayers`.
        var shapes: [String: TensorShape] = [Network.inputName: inputShape]
        var shape = inputShape
        /// The tensor the next layer reads when it names none (after a Flatten of an earlier layer, that layer).
        var previous = Network.inputName
        for (index, element) in cursors.enumerated() {
            var label = "#\(index + 1)"
            if let map = element.node.mapping, let name = map["name"]?.string, HardwareName.isIdentifier(name) {
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
            guard name != Network.inputName else { throw nameCursor.invalid("another name ('\(Network.inputName)' is the design input)") }
            if let problem = HardwareName.problem(with: name) {
                throw nameCursor.invalid("a name the RTL can use for its instance (\(problem)): \(Self.nameRule)")
            }
            var inputs: [String] = []
            if let inputsCursor = map.optional("inputs") {
                inputs = try inputsCursor.isScalar ? [inputsCursor.string()] : inputsCursor.sequence().map { (c) throws(DesignError) in try c.string() }
                let arity = layerClass == .klDivergence && inputs.count == 1 ? 1 : layerClass.arity
                guard inputs.count == arity else {
                    throw inputsCursor.invalid("\(arity) layer name(s) (a \(layerClass.rawValue) reads \(arity) tensor(s))")
                }
                for input in inputs where sizes[input] == nil {
                    throw inputsCursor.invalid("names of earlier layers or '\(Network.inputName)' ('\(input)' is not one; known: "
                                               + ([Network.inputName] + specs.map(\.name)).joined(separator: ", ") + ")")
                }
                size = inputs.reduce(0) { $0 + sizes[$1]! }
                shape = inputs.count == 1 ? shapes[inputs[0]]! : .vector(size)
                inputs = inputs.map { foldedLayers[$0] ?? $0 }
            } else if layerClass.arity > 1 && layerClass != .klDivergence {
                var location = cursor.location
                location.field = "inputs"
                throw .missingField(location)
            }
            if let sizeCursor = map.optional("input_size") {
                let declared = try sizeCursor.positiveInteger()
                guard declared == size else { throw .shapeMismatch(sizeCursor.location, expected: size, found: declared) }
            }
            let source = inputs.first ?? foldedLayers[previous] ?? previous
            if layerClass == .flatten || layerClass == .reshape {
                // Free in io_parallel (hls4ml aliases the array): no layer, the tensor just takes the new shape.
                var target = TensorShape.vector(size)
                if layerClass == .reshape {
                    let targetCursor = try map.required("target_shape")
                    target = TensorShape(try targetCursor.sequence().map { (c) throws(DesignError) in try c.positiveInteger() })
                    guard (1...3).contains(target.dimensions.count), target.count == size else {
                        throw targetCursor.invalid("1 to 3 dimensions holding the \(size) values read")
                    }
                }
                if index == cursors.count - 1, source != (specs.last?.name ?? Network.inputName) {
                    throw cursor.invalid("a layer that computes something last (a final \(layerClass.rawValue) of an earlier tensor would need a block)")
                }
                notes.append("\(name): \(layerClass.rawValue) to \(target) folded away (no block, as hls4ml aliases the array)")
                foldedLayers[name] = source
                sizes[name] = size
                shapes[name] = target
                shape = target
                previous = name
                continue
            }
            if inputs.isEmpty, source != (specs.last?.name ?? Network.inputName) { inputs = [source] }
            if layerClass == .dense, shape.dimensions.count > 1 {
                throw cursor.invalid("a vector input for a Dense (it reads a \(shape) tensor; add a Flatten before it)")
            }
            var layerSpecs = try parseLayer(layerClass, name: name, map: map, inputSize: size, inputShape: shape)
            if !inputs.isEmpty && !layerSpecs.isEmpty { layerSpecs[0].inputs = inputs }
            if case var .klDivergence(parameters) = layerSpecs.first?.operation, inputs.count <= 1 {
                parameters.inputTensors = 1       // one tensor holding μ then log σ²
                layerSpecs[0].operation = .klDivergence(parameters)
            }
            specs += layerSpecs
            for spec in layerSpecs {
                sizes[spec.name] = spec.outputSize
                let layer = Layer(name: spec.name, operation: spec.operation, inputSize: spec.inputSize,
                                  precision: LayerPrecision(result: .fixed(1, 1)))
                shape = layer.outputShape(input: shape)
                shapes[spec.name] = shape
            }
            size = layerSpecs.last?.outputSize ?? size
            previous = layerSpecs.last?.name ?? previous
        }
        return specs
    }

    mutating func parseLayer(_ layerClass: LayerClass, name: String, map: YAMLMapping,
                                     inputSize: Int, inputShape: TensorShape) throws(DesignError) -> [LayerSpec] {
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
            let biases = try biasValues(map, count: units, layer: name)
            let dense = spec(.dense(DenseParameters(outputSize: units, weights: kernel, biases: biases)),
                             ["result", "weight", "bias", "accum"])
            return try withActivation(dense, map: map)

        case .conv1D, .conv2D:
            var conv = spec(.convolution(try convolutionParameters(layerClass, map: map, inputShape: inputShape)),
                            ["result", "weight", "bias", "accum"])
            conv.hasNoBias = !(try map.optional("use_bias")?.bool() ?? true)
            return try withActivation(conv, map: map)
        case .flatten, .reshape:
            return []

        case .batchNormalization:
            return [spec(.batchNormalization(try batchNormParameters(map, count: inputSize, shape: inputShape)),
                         ["result", "scale", "weight", "bias"])]

        case .maxPooling1D, .maxPooling2D, .averagePooling1D, .averagePooling2D,
             .globalMaxPooling1D, .globalMaxPooling2D, .globalAveragePooling1D, .globalAveragePooling2D:
            return [spec(.pooling(try poolingParameters(layerClass, map: map, inputShape: inputShape)), ["result", "accum"])]
        case .zeroPadding1D, .zeroPadding2D:
            return [spec(.zeroPadding(try zeroPaddingParameters(layerClass, map: map, inputShape: inputShape)), ["result"])]
        case .upSampling1D, .upSampling2D:
            return [spec(.upSampling(try upSamplingParameters(layerClass, map: map, inputShape: inputShape)), ["result"])]

        case .leakyReLU:
            let alpha = try map.optional("alpha")?.double() ?? Self.defaultLeakyAlpha
            return [spec(.leakyReLU(alpha: alpha), ["result", "param"])]

        case .relu:
            return [spec(.relu, ["result"])]
        case .linear:
            return [spec(.linear, ["result"])]
        case .activation:
            let activationCursor = try map.required("activation")
            let activation = try activationCursor.string().lowercased()
            guard let (operation, keys) = try activationOperation(activation, map: map, cursor: activationCursor) else {
                return [spec(.linear, ["result"])]
            }
            return [spec(operation, keys)]
        case .softmax:
            return [spec(try softmaxOperation(map), DesignParser.softmaxPrecisionKeys)]
        case .elu:
            let (operation, keys) = try activationOperation("elu", map: map, cursor: cursor)!
            return [spec(operation, keys)]
        case .squaredNorm:
            return [spec(.squaredNorm, ["result", "accum"])]
        case .klDivergence:
            var parameters = KLDivergenceParameters()
            if let cursor = map.optional("table_size") { parameters.tableSize = try powerOfTwo(cursor) }
            return [spec(.klDivergence(parameters), ["result", "accum", "table"])]
        case .add, .subtract, .multiply, .average, .maximum, .minimum, .concatenate:
            return [spec(.merge(layerClass.merge!), ["result"])]
        }
    }

    /// `bias:` (`count` values) unless `use_bias: false`, which forbids it; zeros (noted) when absent.
    mutating func biasValues(_ map: YAMLMapping, count: Int, layer name: String) throws(DesignError) -> [Double] {
        let useBias = try map.optional("use_bias")?.bool() ?? true
        if let biasCursor = map.optional("bias") {
            guard useBias else { throw biasCursor.invalid("no bias, since use_bias is false") }
            return try ParameterValues.read(biasCursor, count: count, directory: directory)
        }
        if useBias { notes.append("\(name): no bias given, using zeros") }
        return Array(repeating: 0.0, count: count)
    }

    /// `base`, then the layer `<name>_<activation>` when its `activation:` is not linear (hls4ml's converter split).
    mutating func withActivation(_ base: LayerSpec, map: YAMLMapping) throws(DesignError) -> [LayerSpec] {
        guard let activationCursor = map.optional("activation") else { return [base] }
        let activation = try activationCursor.string().lowercased()
        if activation == "linear" { return [base] }
        let splitName = base.name + "_" + activation
        guard let (operation, keys) = try activationOperation(activation, map: nil, cursor: activationCursor) else { return [base] }
        notes.append("\(base.name): activation \(activation) split into layer \(splitName) (as hls4ml's converter does)")
        let split = LayerSpec(name: splitName, operation: operation, inputSize: base.outputSize,
                              cursor: YAMLCursor(node: activationCursor.node, file: file, layer: splitName, field: nil),
                              precisionKeys: keys, className: LayerClass.activation.rawValue)
        return [base, split]
    }

    /// The per-axis values of `key` (one number for every axis, or one per axis), or `fallback` when absent.
    func axisValues(_ map: YAMLMapping, _ key: String, rank: Int, fallback: [Int]?) throws(DesignError) -> [Int] {
        guard let cursor = map.optional(key) else {
            if let fallback { return fallback }
            throw try map.required(key).invalid("")
        }
        if cursor.isScalar { return Array(repeating: try cursor.positiveInteger(), count: rank) }
        let values = try cursor.sequence().map { (c) throws(DesignError) in try c.positiveInteger() }
        guard values.count == rank else { throw cursor.invalid("\(rank) positive integer(s), one per spatial axis") }
        return values
    }

    /// The input shape a layer of spatial rank `rank` needs, or an error naming the shape it reads.
    func requireImage(_ layerClass: LayerClass, rank: Int, map: YAMLMapping, inputShape: TensorShape) throws(DesignError) {
        guard inputShape.dimensions.count == rank + 1 else {
            throw map.invalid("inputs", absentValue: "a \(inputShape) tensor (the layer before it)",
                expected: "a \(layerClass.rawValue) input of \(rank + 1) dimensions "
                    + (rank == 1 ? "(width, channels)" : "(height, width, channels)")
                    + "; it reads a \(inputShape) tensor (declare input: { shape: [...] } or add a Reshape)")
        }
    }
}

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
    /// Fields of the table activations (class Activation).
    static let activationFields = ["table_size", "alpha", "slope", "shift"] + softmaxFields.filter { $0 != "table_size" }
    static let softmaxFields = ["implementation", "table_size", "exp_table_size", "inv_table_size", "exp_scale"]
    /// The activations a design names in `activation:` (Activation class, or inline on a Dense).
    static let activationNames = ["relu", "linear"] + LookupFunction.allCases.map(\.rawValue)
        + HardActivation.Function.allCases.map(\.rawValue) + ["softmax"]

    mutating func parseLayers(_ cursors: [YAMLCursor], inputShape: TensorShape) throws(DesignError) -> [LayerSpec] {
        let inputSize = inputShape.count
        var specs: [LayerSpec] = []
        var sizes: [String: Int] = [Network.inputName: inputSize]
        var size = inputSize
        // Shapes of the tensors by name, and Flatten/Reshape names → the tensor they stand for (they are folded away).
        var shapes: [String: TensorShape] = [Network.inputName: inputShape]
        var aliases: [String: String] = [:]
        var shape = inputShape
        /// The tensor the next layer reads when it names none (after a Flatten of an earlier layer, that layer).
        var previous = Network.inputName
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
                inputs = inputs.map { aliases[$0] ?? $0 }
            } else if layerClass.arity > 1 && layerClass != .klDivergence {
                var location = cursor.location
                location.field = "inputs"
                throw .missingField(location)
            }
            if let sizeCursor = map.optional("input_size") {
                let declared = try sizeCursor.positiveInteger()
                guard declared == size else { throw .shapeMismatch(sizeCursor.location, expected: size, found: declared) }
            }
            let source = inputs.first ?? aliases[previous] ?? previous
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
                aliases[name] = source
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

    private mutating func parseLayer(_ layerClass: LayerClass, name: String, map: YAMLMapping,
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

    static let softmaxPrecisionKeys = ["result", "accum", "exp_table", "inv_table", "inv_inp", "inp_norm"]

    /// `bias:` (`count` values) unless `use_bias: false`, which forbids it; zeros (noted) when absent.
    private mutating func biasValues(_ map: YAMLMapping, count: Int, layer name: String) throws(DesignError) -> [Double] {
        let useBias = try map.optional("use_bias")?.bool() ?? true
        if let biasCursor = map.optional("bias") {
            guard useBias else { throw biasCursor.invalid("no bias, since use_bias is false") }
            return try ParameterValues.read(biasCursor, count: count, directory: directory)
        }
        if useBias { notes.append("\(name): no bias given, using zeros") }
        return Array(repeating: 0.0, count: count)
    }

    /// `base`, then the layer `<name>_<activation>` when its `activation:` is not linear (hls4ml's converter split).
    private mutating func withActivation(_ base: LayerSpec, map: YAMLMapping) throws(DesignError) -> [LayerSpec] {
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

    /// A Conv1D / Conv2D: `filters`, `kernel_size` (one number or one per spatial axis), `strides` (default 1),
    /// `padding` (valid or same), `kernel` (kh·kw·C·F values in Keras' order, or kh·kw·C rows of F), `bias`
    /// (F values, default zeros), `use_bias`; its input shape is the shape of the tensor it reads.
    private mutating func convolutionParameters(_ layerClass: LayerClass, map: YAMLMapping,
                                                inputShape: TensorShape) throws(DesignError) -> ConvolutionParameters {
        let rank = layerClass == .conv1D ? 1 : 2
        let name = map.cursor.layer ?? "?"
        guard inputShape.dimensions.count == rank + 1 else {
            throw map.cursor.invalid("a \(layerClass.rawValue) input of \(rank + 1) dimensions "
                + (rank == 1 ? "(width, channels)" : "(height, width, channels)")
                + "; it reads a \(inputShape) tensor (declare input: { shape: [...] } or add a Reshape)")
        }
        func pair(_ key: String, default value: Int?) throws(DesignError) -> [Int] {
            guard let cursor = map.optional(key) else {
                if let value { return Array(repeating: value, count: rank) }
                throw try map.required(key).invalid("")
            }
            if cursor.isScalar { return Array(repeating: try cursor.positiveInteger(), count: rank) }
            let values = try cursor.sequence().map { (c) throws(DesignError) in try c.positiveInteger() }
            guard values.count == rank else { throw cursor.invalid("\(rank) positive integer(s), one per spatial axis") }
            return values
        }
        let filters = try map.required("filters").positiveInteger()
        let kernel = try pair("kernel_size", default: nil), strides = try pair("strides", default: 1)
        var padding = ConvolutionPadding.valid
        if let cursor = map.optional("padding") {
            guard let value = ConvolutionPadding(rawValue: try cursor.string().lowercased()) else { throw cursor.invalid("valid or same") }
            padding = value
        }
        let (kh, kw) = rank == 1 ? (1, kernel[0]) : (kernel[0], kernel[1])
        let (sh, sw) = rank == 1 ? (1, strides[0]) : (strides[0], strides[1])
        let channels = inputShape.channels
        guard kh * kw * channels * filters <= YAMLCursor.sizeLimit else {
            throw try map.required("filters").invalid("a kernel of at most \(YAMLCursor.sizeLimit) values")
        }
        let weights = try ParameterValues.read(map.required("kernel"), count: kh * kw * channels * filters,
                                               rows: kh * kw * channels, directory: directory)
        let biases = try biasValues(map, count: filters, layer: name)
        let parameters = ConvolutionParameters(spatialDimensions: rank, inputHeight: inputShape.height, inputWidth: inputShape.width,
                                               channels: channels, filters: filters, kernelHeight: kh, kernelWidth: kw,
                                               strideHeight: sh, strideWidth: sw, padding: padding, weights: weights, biases: biases)
        let p = parameters.pads
        guard inputShape.height + p.top + p.bottom >= kh, inputShape.width + p.left + p.right >= kw else {
            throw try map.required("kernel_size").invalid("a kernel no larger than the \(padding.rawValue)-padded input \(inputShape)")
        }
        return parameters
    }

    /// The operation and precision keys of a named activation (nil for linear); `map` holds its fields (nil
    /// when written inline on a Dense, which takes hls4ml's defaults).
    private func activationOperation(_ activation: String, map: YAMLMapping?,
                                     cursor: YAMLCursor) throws(DesignError) -> (LayerOperation, [String])? {
        let tableSize = try map?.optional("table_size").map { (c) throws(DesignError) in try powerOfTwo(c) } ?? LookupActivation.defaultTableSize
        if let function = LookupFunction(rawValue: activation) {
            let alpha = try map?.optional("alpha")?.double() ?? 1
            if let alphaCursor = map?.optional("alpha"), function != .elu { throw alphaCursor.invalid("no alpha (only elu has one)") }
            let keys = ["result", "table"] + (function.isNegativeHalf ? ["param"] : [])
            return (.lookup(LookupActivation(function: function, tableSize: tableSize, alpha: alpha)), keys)
        }
        if let function = HardActivation.Function(rawValue: activation) {
            let slope = try map?.optional("slope")?.double() ?? HardActivation.defaultSlope
            let shift = try map?.optional("shift")?.double() ?? HardActivation.defaultShift
            return (.hardActivation(HardActivation(function: function, slope: slope, shift: shift)), ["result", "slope", "shift"])
        }
        switch activation {
        case "relu": return (.relu, ["result"])
        case "linear": return nil
        case "softmax":
            if let map { return (try softmaxOperation(map), DesignParser.softmaxPrecisionKeys) }
            return (.softmax(SoftmaxParameters()), DesignParser.softmaxPrecisionKeys)
        default:
            throw cursor.invalid("one of " + DesignParser.activationNames.joined(separator: ", ") + " (use class LeakyReLU for a leaky ReLU)")
        }
    }

    private func softmaxOperation(_ map: YAMLMapping) throws(DesignError) -> LayerOperation {
        var parameters = SoftmaxParameters()
        if let cursor = map.optional("implementation") {
            let text = try cursor.string().lowercased()
            guard let implementation = SoftmaxParameters.Implementation(rawValue: text) else {
                throw cursor.invalid("stable, latency or argmax (hls4ml's legacy softmax is not built)")
            }
            parameters.implementation = implementation
        }
        if let cursor = map.optional("table_size") {
            parameters.expTableSize = try powerOfTwo(cursor)
            parameters.invTableSize = parameters.expTableSize
        }
        if let cursor = map.optional("exp_table_size") { parameters.expTableSize = try powerOfTwo(cursor) }
        if let cursor = map.optional("inv_table_size") { parameters.invTableSize = try powerOfTwo(cursor) }
        if let cursor = map.optional("exp_scale") { parameters.expScale = try cursor.double() }
        return .softmax(parameters)
    }

    /// A table size: a power of two from 2 to 65536 (Pipewright builds power-of-two ROMs).
    private func powerOfTwo(_ cursor: YAMLCursor) throws(DesignError) -> Int {
        let value = try cursor.positiveInteger()
        guard value >= 2, value <= 1 << 16, value & (value - 1) == 0 else {
            throw cursor.invalid("a power of two from 2 to 65536 (the table is addressed by index bits)")
        }
        return value
    }

    /// Either `scale:` and `shift:` directly, or Keras' `gamma` (default 1), `beta` (default 0),
    /// `moving_mean`, `moving_variance` and `epsilon` (default 0.001), folded as hls4ml does.
    private func batchNormParameters(_ map: YAMLMapping, count: Int, shape: TensorShape) throws(DesignError) -> BatchNormParameters {
        // On an image, hls4ml's BatchNormalization is per channel (n_filt values, element i uses i % n_filt): a file
        // may give one value per channel, which is repeated for every pixel (the IR is per element).
        if shape.dimensions.count > 1, shape.channels < count, let perChannel = try? batchNormParameters(map, count: shape.channels, shape: .vector(shape.channels)) {
            let pixels = count / shape.channels
            return BatchNormParameters(scale: Array([[Double]](repeating: perChannel.scale, count: pixels).joined()),
                                       shift: Array([[Double]](repeating: perChannel.shift, count: pixels).joined()))
        }
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

    /// The per-axis values of `key` (one number for every axis, or one per axis), or `fallback` when absent.
    private func axisValues(_ map: YAMLMapping, _ key: String, rank: Int, fallback: [Int]?) throws(DesignError) -> [Int] {
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
    private func requireImage(_ layerClass: LayerClass, rank: Int, map: YAMLMapping, inputShape: TensorShape) throws(DesignError) {
        guard inputShape.dimensions.count == rank + 1 else {
            throw map.cursor.invalid("a \(layerClass.rawValue) input of \(rank + 1) dimensions "
                + (rank == 1 ? "(width, channels)" : "(height, width, channels)")
                + "; it reads a \(inputShape) tensor (declare input: { shape: [...] } or add a Reshape)")
        }
    }

    /// A pooling: `pool_size` (one number or one per axis; default 2), `strides` (default the pool size),
    /// `padding` (valid or same); a global pooling has no fields.
    private func poolingParameters(_ layerClass: LayerClass, map: YAMLMapping, inputShape: TensorShape) throws(DesignError) -> PoolingParameters {
        let (operation, global, rank) = layerClass.pooling!
        try requireImage(layerClass, rank: rank, map: map, inputShape: inputShape)
        if global {
            return .global(operation, spatialDimensions: rank, inputHeight: inputShape.height, inputWidth: inputShape.width,
                           channels: inputShape.channels)
        }
        let pool = try axisValues(map, "pool_size", rank: rank, fallback: Array(repeating: 2, count: rank))
        let strides = try axisValues(map, "strides", rank: rank, fallback: pool)
        var padding = ConvolutionPadding.valid
        if let cursor = map.optional("padding") {
            guard let value = ConvolutionPadding(rawValue: try cursor.string().lowercased()) else { throw cursor.invalid("valid or same") }
            padding = value
        }
        let parameters = PoolingParameters(operation: operation, spatialDimensions: rank, inputHeight: inputShape.height,
                                           inputWidth: inputShape.width, channels: inputShape.channels,
                                           poolHeight: rank == 1 ? 1 : pool[0], poolWidth: pool[rank - 1],
                                           strideHeight: rank == 1 ? 1 : strides[0], strideWidth: strides[rank - 1], padding: padding)
        let p = parameters.pads
        guard inputShape.height + p.top + p.bottom >= parameters.poolHeight, inputShape.width + p.left + p.right >= parameters.poolWidth else {
            throw (map.optional("pool_size") ?? map.cursor).invalid("a pool no larger than the \(padding.rawValue)-padded input \(inputShape)")
        }
        return parameters
    }

    /// A zero padding: `padding` is one number (every side), one per axis (both sides of it), or per axis a pair
    /// [before, after] (Keras' ((top, bottom), (left, right)); for 1D [left, right]).
    private func zeroPaddingParameters(_ layerClass: LayerClass, map: YAMLMapping, inputShape: TensorShape) throws(DesignError) -> ZeroPaddingParameters {
        let rank = layerClass == .zeroPadding1D ? 1 : 2
        try requireImage(layerClass, rank: rank, map: map, inputShape: inputShape)
        var sides = Array(repeating: 1, count: 2 * rank)   // Keras' default padding is 1
        if let cursor = map.optional("padding") {
            func count(_ c: YAMLCursor) throws(DesignError) -> Int {
                guard let value = Int(try c.string().trimmingCharacters(in: .whitespaces)), value >= 0, value <= 1 << 16 else { throw c.invalid("a padding from 0 to 65536") }
                return value
            }
            if cursor.isScalar {
                sides = Array(repeating: try count(cursor), count: 2 * rank)
            } else {
                let items = try cursor.sequence()
                if rank == 1 {
                    guard items.count == 2, items.allSatisfy(\.isScalar) else { throw cursor.invalid("one number or [left, right]") }
                    sides = [try count(items[0]), try count(items[1])]
                } else {
                    guard items.count == 2 else { throw cursor.invalid("one number, [height, width] or [[top, bottom], [left, right]]") }
                    sides = []
                    for item in items {
                        if item.isScalar {
                            let value = try count(item)
                            sides += [value, value]
                        } else {
                            let pair = try item.sequence()
                            guard pair.count == 2 else { throw item.invalid("[before, after]") }
                            sides += [try count(pair[0]), try count(pair[1])]
                        }
                    }
                }
            }
        }
        let (top, bottom, left, right) = rank == 1 ? (0, 0, sides[0], sides[1]) : (sides[0], sides[1], sides[2], sides[3])
        return ZeroPaddingParameters(spatialDimensions: rank, inputHeight: inputShape.height, inputWidth: inputShape.width,
                                     channels: inputShape.channels, top: top, bottom: bottom, left: left, right: right)
    }

    /// An upsampling: `size` (one number or one per axis, default 2), `interpolation` nearest (the only one built).
    private func upSamplingParameters(_ layerClass: LayerClass, map: YAMLMapping, inputShape: TensorShape) throws(DesignError) -> UpSamplingParameters {
        let rank = layerClass == .upSampling1D ? 1 : 2
        try requireImage(layerClass, rank: rank, map: map, inputShape: inputShape)
        if let cursor = map.optional("interpolation"), try cursor.string().lowercased() != "nearest" {
            throw cursor.invalid("nearest (hls4ml's io_parallel Resize; bilinear is not built)")
        }
        let size = try axisValues(map, "size", rank: rank, fallback: Array(repeating: 2, count: rank))
        guard inputShape.count.multipliedReportingOverflow(by: size.reduce(1, *)).partialValue <= 1 << 24, size.allSatisfy({ $0 <= 1 << 12 }) else {
            throw try map.required("size").invalid("factors giving at most 2^24 values")
        }
        return UpSamplingParameters(spatialDimensions: rank, inputHeight: inputShape.height, inputWidth: inputShape.width,
                                    channels: inputShape.channels, heightFactor: rank == 1 ? 1 : size[0], widthFactor: size[rank - 1])
    }
}

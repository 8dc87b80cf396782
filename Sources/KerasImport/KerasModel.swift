import NetworkIR
/// One stored weight array of a layer.
public struct KerasTensor: Sendable, Equatable {
    /// Where it was found (the HDF5 object path), for messages.
    public var path: String
    public var shape: [Int]
    /// Row-major values (a kernel is `[n_in][units]`).
    public var values: [Float]

    public init(path: String, shape: [Int], values: [Float]) {
        self.path = path
        self.shape = shape
        self.values = values
    }
}

/// Where a model's weights come from: the variables of one layer by short name (`kernel`, `bias`, `gamma`,
/// `beta`, `moving_mean`, `moving_variance`, without `:0`).
public protocol KerasWeightSource {
    func tensors(ofLayer name: String) throws(KerasImportError) -> [String: KerasTensor]
    /// Describes where a layer's weights were looked for (for a missing-weight message).
    func searchedLocation(ofLayer name: String) -> String
}

/// A Keras model: its architecture and, per layer, the weights it needs, checked against the shapes the
/// architecture implies.
public struct KerasModel: Sendable, Equatable {
    public var architecture: KerasArchitecture
    /// Number of inputs.
    public var inputSize: Int
    /// The input's shape (channels last; `[inputSize]` for a vector).
    public var inputShape: [Int]
    /// Each layer's output shape, by Keras layer name (where the weights or the config tell it).
    public var shapes: [String: [Int]] = [:]
    /// Weights by layer name, then by variable name.
    public var weights: [String: [String: KerasTensor]]
    /// The file the model came from (for messages).
    public var file: String

    public init(architecture: KerasArchitecture, inputSize: Int, weights: [String: [String: KerasTensor]], file: String,
                inputShape: [Int]? = nil) {
        self.architecture = architecture
        self.inputSize = inputSize
        self.inputShape = inputShape ?? [inputSize]
        self.weights = weights
        self.file = file
    }

    /// Reads every weight the architecture needs from `source`, checking presence and shape.
    public init(architecture: KerasArchitecture, source: some KerasWeightSource, file: String) throws(KerasImportError) {
        var weights: [String: [String: KerasTensor]] = [:]
        var size = architecture.inputSize
        var modelInputSize = architecture.inputSize
        var sizes: [String: Int] = [:]      // output size of each layer seen so far
        var shapes: [String: [Int]] = [:]   // output shape of each layer seen so far
        var shape = architecture.inputShape
        let inputName = architecture.layers.first?.name
        for layer in architecture.layers {
            if let first = layer.inputs.first {
                shape = shapes[first] ?? (first == inputName ? architecture.inputShape : nil)
            }
            if !layer.inputs.isEmpty {
                let known = layer.inputs.map { sizes[$0] ?? (architecture.layers.first?.name == $0 ? modelInputSize : nil) }
                if case let .merge(merge) = layer.kind {
                    let values = known.compactMap { $0 }
                    guard values.count == known.count else {
                        throw .malformedModelConfig(file: file, layer: layer.name, reason: "the size of an input is not known")
                    }
                    if merge != .concatenate, Set(values).count > 1 {
                        throw .unsupportedLayer(file: file, layer: layer.name, className: layer.className,
                            reason: "it merges tensors of sizes \(values.map(String.init).joined(separator: " and ")); they must be equal")
                    }
                    size = merge == .concatenate ? values.reduce(0, +) : values[0]
                } else {
                    size = known[0] ?? size
                }
            }
            defer {
                if let size {
                    sizes[layer.name] = size
                    if shape?.reduce(1, *) != size { shape = [size] }
                    shapes[layer.name] = shape
                }
            }
            func notFlat(_ what: String) -> KerasImportError {
                .unsupportedLayer(file: file, layer: layer.name, className: layer.className,
                    reason: "\(what) on a \(shape.map { "\($0)" } ?? "?") tensor is not supported; add a Flatten before it")
            }
            func require(_ tensors: [String: KerasTensor], _ variable: String, _ shape: [Int]) throws(KerasImportError) -> KerasTensor {
                guard let tensor = tensors[variable] else {
                    throw .missingWeight(file: file, layer: layer.name, variable: variable,
                                         searched: source.searchedLocation(ofLayer: layer.name))
                }
                guard tensor.shape == shape, tensor.values.count == shape.reduce(1, *) else {
                    throw .weightShapeMismatch(file: file, layer: layer.name, object: tensor.path, expected: shape, found: tensor.shape)
                }
                return tensor
            }
            switch layer.kind {
            case let .input(inputSize):
                if let inputSize {
                    size = inputSize
                    modelInputSize = inputSize
                }
            case let .dense(units, _, useBias, _, _):
                let tensors = try source.tensors(ofLayer: layer.name)
                if size == nil, let kernel = tensors["kernel"], kernel.shape.count == 2 {
                    size = kernel.shape[0]
                    modelInputSize = size
                }
                guard let inputs = size else {
                    throw .malformedModelConfig(file: file, layer: layer.name, reason: "the input size is not known")
                }
                if let shape, shape.count > 1 { throw notFlat("a Dense") }
                var needed = ["kernel": try require(tensors, "kernel", [inputs, units])]
                if useBias { needed["bias"] = try require(tensors, "bias", [units]) }
                weights[layer.name] = needed
                size = units
                shape = [units]
            case let .convolution(conv):
                guard let input = shape, input.count == conv.rank + 1 else {
                    throw .unsupportedLayer(file: file, layer: layer.name, className: layer.className,
                        reason: "a \(conv.rank)-D convolution needs a \(conv.rank == 1 ? "(width, channels)" : "(height, width, channels)") input, "
                            + "not \(shape.map { "\($0)" } ?? "an input of unknown shape")")
                }
                let tensors = try source.tensors(ofLayer: layer.name)
                var needed = ["kernel": try require(tensors, "kernel", conv.kernelShape(channels: input.last!))]
                if conv.useBias { needed["bias"] = try require(tensors, "bias", [conv.filters]) }
                weights[layer.name] = needed
                let parameters = conv.parameters(inputShape: input, weights: [], biases: [])
                guard input[input.count - 2] + parameters.pads.left + parameters.pads.right >= parameters.kernelWidth,
                      parameters.inputHeight + parameters.pads.top + parameters.pads.bottom >= parameters.kernelHeight else {
                    throw .unsupportedLayer(file: file, layer: layer.name, className: layer.className,
                        reason: "kernel \(conv.kernelSize) is larger than its \(conv.padding.rawValue)-padded input \(input)")
                }
                shape = parameters.outputShape.dimensions
                size = parameters.outputShape.count
            case let .reshape(target):
                guard let current = size else {
                    throw .malformedModelConfig(file: file, layer: layer.name, reason: "the input size is not known")
                }
                let next = target ?? [current]
                guard next.reduce(1, *) == current else {
                    throw .unsupportedLayer(file: file, layer: layer.name, className: layer.className,
                        reason: "target_shape \(next) does not hold the \(current) values it reads")
                }
                shape = next
            case let .batchNormalization(_, center, scale, _):
                let tensors = try source.tensors(ofLayer: layer.name)
                if size == nil, let mean = tensors["moving_mean"], mean.shape.count == 1 {
                    size = mean.shape[0]
                    modelInputSize = size
                }
                guard let channels = shape?.last ?? size else {
                    throw .malformedModelConfig(file: file, layer: layer.name, reason: "the input size is not known")
                }
                var needed: [String: KerasTensor] = [:]
                var variables = ["moving_mean", "moving_variance"]
                if scale { variables.append("gamma") }
                if center { variables.append("beta") }
                for variable in variables { needed[variable] = try require(tensors, variable, [channels]) }
                weights[layer.name] = needed
            case let .image(image):
                guard let input = shape, input.count == image.rank + 1 else {
                    throw .unsupportedLayer(file: file, layer: layer.name, className: layer.className,
                        reason: "a \(image.rank)-D \(layer.className) needs a \(image.rank == 1 ? "(width, channels)" : "(height, width, channels)") input, "
                            + "not \(shape.map { "\($0)" } ?? "an input of unknown shape")")
                }
                let operation = image.operation(inputShape: input)
                if case let .pooling(p) = operation, input[input.count - 2] + p.pads.left + p.pads.right < p.poolWidth
                    || p.inputHeight + p.pads.top + p.pads.bottom < p.poolHeight {
                    throw .unsupportedLayer(file: file, layer: layer.name, className: layer.className,
                        reason: "pool (\(p.poolHeight), \(p.poolWidth)) is larger than its \(p.padding.rawValue)-padded input \(input)")
                }
                let probe = Layer(name: layer.name, operation: operation, inputSize: input.reduce(1, *), precision: LayerPrecision(result: .fixed(16, 6)))
                let output = probe.outputShape(input: TensorShape(input))
                shape = output.dimensions
                size = output.count
            case .activation, .elu, .leakyReLU, .quantizedActivation, .passThrough, .merge:
                guard size != nil else {
                    throw .malformedModelConfig(file: file, layer: layer.name, reason: "the input size is not known")
                }
            }
        }
        guard let inputSize = modelInputSize else {
            throw .malformedModelConfig(file: file, layer: nil, reason: "the input size is not known")
        }
        self.init(architecture: architecture, inputSize: inputSize, weights: weights, file: file,
                  inputShape: architecture.inputShape?.reduce(1, *) == inputSize ? architecture.inputShape : nil)
        self.shapes = shapes
    }
}

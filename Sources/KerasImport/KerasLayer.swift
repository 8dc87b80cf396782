import NetworkIR
/// An activation a Dense layer or an Activation layer may apply, by its Keras name.
public enum KerasActivation: String, Sendable, Equatable, CaseIterable {
    case linear
    case relu
    case sigmoid
    case tanh
    case softplus
    case softsign
    case elu
    case selu
    case hardSigmoid = "hard_sigmoid"
    case softmax
}

/// One layer of a Keras model, reduced to what Pipewright imports.
public struct KerasLayer: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// InputLayer (size known from its batch shape, if given).
        case input(size: Int?)
        /// Dense or QDense (QDense has quantizers).
        case dense(units: Int, activation: KerasActivation, useBias: Bool,
                   kernelQuantizer: QKerasQuantizer?, biasQuantizer: QKerasQuantizer?)
        /// BatchNormalization or QBatchNormalization (with its non-null quantizers, in hls4ml's order mean,
        /// variance, beta, gamma, then inverse).
        case batchNormalization(epsilon: Double, center: Bool, scale: Bool, quantizers: [QKerasBatchNormQuantizer])
        /// Activation(…), ReLU, or Softmax (as `.activation(.softmax)`); an ELU activation has α = 1.
        case activation(KerasActivation)
        /// An ELU layer with its α.
        case elu(alpha: Double)
        /// LeakyReLU with its slope.
        case leakyReLU(alpha: Double)
        /// QActivation with a quantized_relu, quantized_bits, quantized_tanh or quantized_sigmoid quantizer.
        case quantizedActivation(QKerasQuantizer)
        /// Dropout: nothing to compute.
        case passThrough
        /// Flatten (`targetShape` nil) or Reshape: the same values under another shape, no computation.
        case reshape(targetShape: [Int]?)
        /// Conv1D / Conv2D, or QConv1D / QConv2D with their quantizers.
        case convolution(KerasConvolution)
        /// Add, Subtract, Multiply, Average, Maximum, Minimum or Concatenate of two 1-D tensors.
        case merge(MergeOperation)
        /// MaxPooling / AveragePooling 1D and 2D and their global forms, ZeroPadding 1D/2D, UpSampling 1D/2D
        /// (nearest): the IR operation with its input dimensions still unset (see `KerasImageLayer.operation`).
        case image(KerasImageLayer)
    }

    /// The Keras layer name.
    public var name: String
    /// The Keras class name (`Dense`, `QDense`, …).
    public var className: String
    public var kind: Kind
    /// The layers it reads (a Functional model's inbound layers; in a Sequential model the layer before it).
    public var inputs: [String]

    public init(name: String, className: String, kind: Kind, inputs: [String] = []) {
        self.name = name
        self.className = className
        self.kind = kind
        self.inputs = inputs
    }
}

/// A Keras model's architecture: the layers of `model_config` in evaluation order, each naming its inputs.
public struct KerasArchitecture: Sendable, Equatable {
    /// The model name.
    public var name: String
    /// `Sequential` or `Functional`.
    public var modelClass: String
    /// Keras major version (2 or 3), from `keras_version` (a Keras 2 converter splits every Dense activation,
    /// even `linear`).
    public var kerasMajorVersion: Int
    /// Number of inputs, when the config states it.
    public var inputSize: Int?
    /// The input's shape without the batch axis (channels last), when the config states it.
    public var inputShape: [Int]?
    /// The layers, input first, in evaluation order.
    public var layers: [KerasLayer]
    /// The layers whose tensors the model outputs (Keras `output_layers`), in order; the last layer when the
    /// model has one output.
    public var outputs: [String]

    public init(name: String, modelClass: String, kerasMajorVersion: Int, inputSize: Int?, layers: [KerasLayer],
                inputShape: [Int]? = nil, outputs: [String]? = nil) {
        self.outputs = outputs ?? layers.last.map { [$0.name] } ?? []
        self.inputShape = inputShape ?? inputSize.map { [$0] }
        self.name = name
        self.modelClass = modelClass
        self.kerasMajorVersion = kerasMajorVersion
        self.inputSize = inputSize
        self.layers = layers
    }
}

/// A Keras Conv1D/Conv2D (or QConv1D/QConv2D) configuration, channels last.
public struct KerasConvolution: Sendable, Equatable {
    /// 1 or 2 spatial dimensions.
    public var rank: Int
    public var filters: Int
    /// One per spatial axis.
    public var kernelSize: [Int]
    public var strides: [Int]
    public var padding: ConvolutionPadding
    public var activation: KerasActivation
    public var useBias: Bool
    public var kernelQuantizer: QKerasQuantizer?
    public var biasQuantizer: QKerasQuantizer?

    public init(rank: Int, filters: Int, kernelSize: [Int], strides: [Int], padding: ConvolutionPadding, activation: KerasActivation,
                useBias: Bool, kernelQuantizer: QKerasQuantizer? = nil, biasQuantizer: QKerasQuantizer? = nil) {
        self.rank = rank
        self.filters = filters
        self.kernelSize = kernelSize
        self.strides = strides
        self.padding = padding
        self.activation = activation
        self.useBias = useBias
        self.kernelQuantizer = kernelQuantizer
        self.biasQuantizer = biasQuantizer
    }

    /// Keras' kernel shape: (kh, kw, C, F) or (k, C, F).
    public func kernelShape(channels: Int) -> [Int] { kernelSize + [channels, filters] }

    /// The IR parameters for an input of `shape` (channels last) with these weights.
    public func parameters(inputShape shape: [Int], weights: [Double], biases: [Double]) -> ConvolutionParameters {
        let height = rank == 1 ? 1 : shape[0], width = shape[shape.count - 2]
        return ConvolutionParameters(spatialDimensions: rank, inputHeight: height, inputWidth: width, channels: shape.last!,
                                     filters: filters, kernelHeight: rank == 1 ? 1 : kernelSize[0], kernelWidth: kernelSize.last!,
                                     strideHeight: rank == 1 ? 1 : strides[0], strideWidth: strides.last!, padding: padding,
                                     weights: weights, biases: biases)
    }
}

/// A Keras layer that rearranges or reduces an image without weights: pooling, zero padding, upsampling. The
/// parameters are those of the IR with the input's height, width and channels filled in from the shape it reads.
public enum KerasImageLayer: Sendable, Equatable {
    case pooling(PoolingParameters)
    case zeroPadding(ZeroPaddingParameters)
    case upSampling(UpSamplingParameters)

    /// The spatial rank (1 or 2).
    public var rank: Int {
        switch self {
        case let .pooling(p): return p.spatialDimensions
        case let .zeroPadding(p): return p.spatialDimensions
        case let .upSampling(p): return p.spatialDimensions
        }
    }

    /// The IR operation for an input of `shape` (channels last: (width, channels) or (height, width, channels)).
    public func operation(inputShape shape: [Int]) -> LayerOperation {
        let height = rank == 1 ? 1 : shape[0], width = shape[shape.count - 2], channels = shape[shape.count - 1]
        switch self {
        case var .pooling(p):
            if p.isGlobal {
                return .pooling(.global(p.operation, spatialDimensions: p.spatialDimensions, inputHeight: height, inputWidth: width, channels: channels))
            }
            (p.inputHeight, p.inputWidth, p.channels) = (height, width, channels)
            return .pooling(p)
        case var .zeroPadding(p):
            (p.inputHeight, p.inputWidth, p.channels) = (height, width, channels)
            return .zeroPadding(p)
        case var .upSampling(p):
            (p.inputHeight, p.inputWidth, p.channels) = (height, width, channels)
            return .upSampling(p)
        }
    }
}

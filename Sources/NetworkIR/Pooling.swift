import FixedPoint

/// hls4ml's pooling operations (`nnet_pooling.h` `Pool_Op`).
public enum PoolingOperation: String, Sendable, Equatable, CaseIterable {
    case max, average

    /// `Max` or `Average`, as in the class names.
    public var className: String { self == .max ? "Max" : "Average" }
}

/// MaxPooling / AveragePooling 1D and 2D and their global forms in io_parallel, as hls4ml 1.3.0's
/// `nnet_pooling.h` (`pooling2d_cl`, `pooling1d_cl`, `global_pooling*_cl`) computes them, channel by channel:
/// - the window of each output pixel holds the input pixels inside the image; a padded position (`same`, split
///   as a convolution's) holds `pad_val`: 0 for Average, and for Max a `data_T` with only its top bit set, which
///   is the most negative value of a signed type but a large *positive* one (half the range) of an unsigned type;
/// - Max: `y = x[0]; y = x[i] > y ? x[i] : y` over the window in data_T, returned as accum_t, stored as result_t;
/// - Average: `accum_t y = 0; y += x[i]` over the window (padded zeros add nothing), then `y /= n` with n the
///   number of non-padded pixels (count_pad = false), an `ap_fixed /= unsigned` that truncates toward zero and
///   keeps accum_t's fractional bits; stored as result_t.
/// A global pooling is a pooling whose window is the whole image (no padding); its output is one value per channel.
public struct PoolingParameters: Sendable, Equatable {
    public var operation: PoolingOperation
    /// 1 (height 1) or 2.
    public var spatialDimensions: Int
    /// GlobalMaxPooling / GlobalAveragePooling: the window is the whole input, the output a vector of channels.
    public var isGlobal: Bool
    public var inputHeight: Int
    public var inputWidth: Int
    public var channels: Int
    public var poolHeight: Int
    public var poolWidth: Int
    public var strideHeight: Int
    public var strideWidth: Int
    public var padding: ConvolutionPadding

    public init(operation: PoolingOperation, spatialDimensions: Int = 2, inputHeight: Int, inputWidth: Int, channels: Int,
                poolHeight: Int, poolWidth: Int, strideHeight: Int? = nil, strideWidth: Int? = nil,
                padding: ConvolutionPadding = .valid) {
        self.operation = operation
        self.spatialDimensions = spatialDimensions
        self.isGlobal = false
        self.inputHeight = inputHeight
        self.inputWidth = inputWidth
        self.channels = channels
        self.poolHeight = poolHeight
        self.poolWidth = poolWidth
        self.strideHeight = strideHeight ?? poolHeight
        self.strideWidth = strideWidth ?? poolWidth
        self.padding = padding
    }

    /// A global pooling over a `height`×`width`×`channels` input.
    public static func global(_ operation: PoolingOperation, spatialDimensions: Int = 2, inputHeight: Int, inputWidth: Int,
                              channels: Int) -> PoolingParameters {
        var parameters = PoolingParameters(operation: operation, spatialDimensions: spatialDimensions, inputHeight: inputHeight,
                                           inputWidth: inputWidth, channels: channels, poolHeight: inputHeight, poolWidth: inputWidth)
        parameters.isGlobal = true
        return parameters
    }

    /// `MaxPooling2D`, `AveragePooling1D`, `GlobalAveragePooling1D`, … (the Keras class names).
    public var kindName: String {
        (isGlobal ? "Global" : "") + operation.className + "Pooling\(spatialDimensions)D"
    }

    /// hls4ml's pad_top, pad_bottom, pad_left, pad_right (`compute_padding_2d`, as for a convolution).
    public var pads: (top: Int, bottom: Int, left: Int, right: Int) {
        let h = ConvolutionParameters.pads(input: inputHeight, kernel: poolHeight, stride: strideHeight, padding: padding)
        let w = ConvolutionParameters.pads(input: inputWidth, kernel: poolWidth, stride: strideWidth, padding: padding)
        return (h.before, h.after, w.before, w.after)
    }

    public var outputHeight: Int { let p = pads; return (inputHeight + p.top + p.bottom - poolHeight) / strideHeight + 1 }
    public var outputWidth: Int { let p = pads; return (inputWidth + p.left + p.right - poolWidth) / strideWidth + 1 }

    public var inputShape: TensorShape {
        spatialDimensions == 1 ? TensorShape([inputWidth, channels]) : TensorShape([inputHeight, inputWidth, channels])
    }

    public var outputShape: TensorShape {
        if isGlobal { return .vector(channels) }
        return spatialDimensions == 1 ? TensorShape([outputWidth, channels]) : TensorShape([outputHeight, outputWidth, channels])
    }

    /// Positions of a window (pool_height·pool_width, padded ones included).
    public var windowSize: Int { poolHeight * poolWidth }

    /// For output pixel (oh, ow) and channel c: the flat input indices of the window's pixels inside the image,
    /// in hls4ml's order (rows, then columns); the other `windowSize − count` positions are padding.
    public func window(outputRow oh: Int, column ow: Int, channel c: Int) -> [Int] {
        let p = pads
        return ImageGeometry.windowPixels(outputRow: oh, column: ow, kernel: (poolHeight, poolWidth), stride: (strideHeight, strideWidth),
                                          input: (inputHeight, inputWidth), top: p.top, left: p.left).map { $0.pixel * channels + c }
    }

    /// Every output's window, in output order (pixel-major, channels last).
    public func windows() -> [[Int]] {
        var result: [[Int]] = []
        result.reserveCapacity(outputShape.count)
        for oh in 0..<outputHeight {
            for ow in 0..<outputWidth {
                for c in 0..<channels { result.append(window(outputRow: oh, column: ow, channel: c)) }
            }
        }
        return result
    }

    /// hls4ml's `pad_val<data_T, Max>()` as a raw value of `input`: only the top bit set (−2^(W−1) for a signed
    /// type, +2^(W−1) for an unsigned one).
    public static func maxPadRaw(_ input: Precision) -> Int64 {
        input.isSigned ? -(Int64(1) << (input.width - 1)) : Int64(1) << (input.width - 1)
    }

    func validate(layer: Layer) throws(NetworkError) {
        let fields = [("pool height", poolHeight), ("pool width", poolWidth), ("stride height", strideHeight),
                      ("stride width", strideWidth), ("input height", inputHeight), ("input width", inputWidth), ("channels", channels)]
        try ImageGeometry.requirePositive(fields, layer: layer)
        try ImageGeometry.requireRank(spatialDimensions, noun: "a pooling", layer: layer)
        if spatialDimensions == 1, inputHeight != 1 || poolHeight != 1 || strideHeight != 1 {
            throw .invalidShape(layer: layer.name, reason: "a \(kindName) has height 1")
        }
        try ImageGeometry.requireReads(inputShape, layer: layer)
        let p = pads
        guard inputHeight + p.top + p.bottom >= poolHeight, inputWidth + p.left + p.right >= poolWidth else {
            throw .invalidShape(layer: layer.name,
                reason: "pool (\(poolHeight), \(poolWidth)) is larger than the \(padding.rawValue)-padded input \(inputShape)")
        }
    }

    /// accum_t, which an average pooling sums in (a max pooling declares it too, as hls4ml does, and ignores it).
    func accumulator(of layer: Layer) throws(NetworkError) -> Precision {
        let accumulator = try layer.requiredPrecision("accum")
        if operation == .average {
            guard accumulator.overflow == .wrap, accumulator.quantization == .truncate else {
                throw .invalidPrecision(layer: layer.name, field: "accum",
                    reason: "an average pooling's accum must be AP_TRN, AP_WRAP (then the order of hls4ml's `y += x` does not matter), got \(accumulator)")
            }
        }
        return accumulator
    }
}

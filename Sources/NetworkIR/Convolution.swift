/// The shape of a tensor, channels last: `[n]` (a vector), `[width, channels]` (one spatial axis) or
/// `[height, width, channels]`. Every tensor is stored flat in hls4ml's io_parallel order: element (h, w, c) at
/// (h·W + w)·C + c. A shape never changes the data, only how a convolution indexes it.
public struct TensorShape: Sendable, Equatable, CustomStringConvertible {
    public var dimensions: [Int]

    public init(_ dimensions: [Int]) { self.dimensions = dimensions }

    /// A vector of `size` values.
    public static func vector(_ size: Int) -> TensorShape { TensorShape([size]) }

    /// Number of elements.
    public var count: Int { dimensions.reduce(1, *) }

    /// Spatial height (1 for a vector or one spatial axis).
    public var height: Int { dimensions.count == 3 ? dimensions[0] : 1 }
    /// Spatial width (1 for a vector).
    public var width: Int { dimensions.count >= 2 ? dimensions[dimensions.count - 2] : 1 }
    /// Channels (the last axis).
    public var channels: Int { dimensions.last ?? 1 }

    /// `(18, 14, 1)`.
    public var description: String { "(" + dimensions.map(String.init).joined(separator: ", ") + ")" }
}

/// The geometry checks every image kind (convolution, pooling, zero padding, upsampling) runs on its fields.
enum ImageGeometry {
    /// Throws the first field that is not positive.
    static func requirePositive(_ fields: [(String, Int)], layer: Layer) throws(NetworkError) {
        for (field, value) in fields where value < 1 {
            throw .invalidShape(layer: layer.name, reason: "\(field) must be positive, got \(value)")
        }
    }

    /// Throws unless `dimensions` is 1 or 2; `noun` names the kind ("a convolution").
    static func requireRank(_ dimensions: Int, noun: String, layer: Layer) throws(NetworkError) {
        guard dimensions == 1 || dimensions == 2 else {
            throw .invalidShape(layer: layer.name, reason: "\(noun) has 1 or 2 spatial dimensions, not \(dimensions)")
        }
    }

    /// The kernel positions of output pixel (oh, ow) that fall inside the input, in kernel order (rows, then
    /// columns): each one's offset kh·kernelWidth + kw and the input pixel h·inputWidth + w it reads (a
    /// convolution's and a pooling's window; the positions on padding are left out).
    static func windowPixels(outputRow oh: Int, column ow: Int, kernel: (height: Int, width: Int),
                             stride: (height: Int, width: Int), input: (height: Int, width: Int),
                             top: Int, left: Int) -> [(offset: Int, pixel: Int)] {
        var pixels: [(offset: Int, pixel: Int)] = []
        for kh in 0..<kernel.height {
            let h = oh * stride.height + kh - top
            guard h >= 0, h < input.height else { continue }
            for kw in 0..<kernel.width {
                let w = ow * stride.width + kw - left
                guard w >= 0, w < input.width else { continue }
                pixels.append((kh * kernel.width + kw, h * input.width + w))
            }
        }
        return pixels
    }

    /// Throws unless `shape` holds exactly the values the layer reads.
    static func requireReads(_ shape: TensorShape, layer: Layer) throws(NetworkError) {
        guard shape.count == layer.inputSize else {
            throw .invalidShape(layer: layer.name,
                reason: "input shape \(shape) has \(shape.count) values, the layer reads \(layer.inputSize)")
        }
    }
}

/// Padding of a convolution, as Keras names it: `valid` (none) or `same` (output = ⌈input / stride⌉, zeros
/// split as hls4ml's `compute_padding_2d` splits them: the smaller half on top / left).
public enum ConvolutionPadding: String, Sendable, Equatable, CaseIterable {
    case valid, same
}

/// A Conv1D or Conv2D layer in io_parallel, as hls4ml 1.3.0's `nnet_conv2d_latency.h` computes it: for each
/// output pixel and filter f, acc = accum_t(bias[f]) + Σ accum_t(x·w) over the kernel window (padded
/// positions are zeros and add nothing), then result_t(acc). A Conv1D is a Conv2D of height 1.
///
/// `weights` are Keras' kernel flattened in its order `[kh][kw][c][f]` (hls4ml's too); `biases` one per filter.
/// The input is `[inputHeight][inputWidth][channels]`, the output `[outputHeight][outputWidth][filters]`,
/// both flat, channels last.
public struct ConvolutionParameters: Sendable, Equatable {
    /// 1 (Conv1D: height 1, kernel height 1) or 2.
    public var spatialDimensions: Int
    public var inputHeight: Int
    public var inputWidth: Int
    public var channels: Int
    public var filters: Int
    public var kernelHeight: Int
    public var kernelWidth: Int
    public var strideHeight: Int
    public var strideWidth: Int
    public var padding: ConvolutionPadding
    public var weights: [Double]
    public var biases: [Double]

    public init(spatialDimensions: Int = 2, inputHeight: Int, inputWidth: Int, channels: Int, filters: Int,
                kernelHeight: Int, kernelWidth: Int, strideHeight: Int = 1, strideWidth: Int = 1,
                padding: ConvolutionPadding = .valid, weights: [Double], biases: [Double]) {
        self.spatialDimensions = spatialDimensions
        self.inputHeight = inputHeight
        self.inputWidth = inputWidth
        self.channels = channels
        self.filters = filters
        self.kernelHeight = kernelHeight
        self.kernelWidth = kernelWidth
        self.strideHeight = strideHeight
        self.strideWidth = strideWidth
        self.padding = padding
        self.weights = weights
        self.biases = biases
    }

    /// `Conv1D` or `Conv2D`.
    public var kindName: String { spatialDimensions == 1 ? "Conv1D" : "Conv2D" }

    /// Zeros before and after along one axis (hls4ml `converters/utils.py` compute_padding_1d/2d).
    static func pads(input: Int, kernel: Int, stride: Int, padding: ConvolutionPadding) -> (before: Int, after: Int) {
        guard padding == .same else { return (0, 0) }
        let total = input % stride == 0 ? max(kernel - stride, 0) : max(kernel - input % stride, 0)
        return (total / 2, total - total / 2)
    }

    /// hls4ml's pad_top, pad_bottom, pad_left, pad_right.
    public var pads: (top: Int, bottom: Int, left: Int, right: Int) {
        let h = Self.pads(input: inputHeight, kernel: kernelHeight, stride: strideHeight, padding: padding)
        let w = Self.pads(input: inputWidth, kernel: kernelWidth, stride: strideWidth, padding: padding)
        return (h.before, h.after, w.before, w.after)
    }

    public var outputHeight: Int {
        let p = pads
        return (inputHeight + p.top + p.bottom - kernelHeight) / strideHeight + 1
    }

    public var outputWidth: Int {
        let p = pads
        return (inputWidth + p.left + p.right - kernelWidth) / strideWidth + 1
    }

    public var inputShape: TensorShape {
        spatialDimensions == 1 ? TensorShape([inputWidth, channels]) : TensorShape([inputHeight, inputWidth, channels])
    }

    public var outputShape: TensorShape {
        spatialDimensions == 1 ? TensorShape([outputWidth, filters]) : TensorShape([outputHeight, outputWidth, filters])
    }

    /// Terms of one output's dot product at most (hls4ml's mult n_in): kh·kw·C.
    public var kernelTerms: Int { kernelHeight * kernelWidth * channels }

    /// For output pixel (oh, ow): every (input index, kernel offset without the filter) inside the input,
    /// kernel order kh, kw, c. Kernel offset k addresses `weights[k * filters + f]`.
    public func window(outputRow oh: Int, column ow: Int) -> [(input: Int, kernel: Int)] {
        let p = pads
        var taps: [(Int, Int)] = []
        for (offset, pixel) in ImageGeometry.windowPixels(outputRow: oh, column: ow, kernel: (kernelHeight, kernelWidth),
                                                          stride: (strideHeight, strideWidth), input: (inputHeight, inputWidth),
                                                          top: p.top, left: p.left) {
            for c in 0..<channels { taps.append((pixel * channels + c, offset * channels + c)) }
        }
        return taps
    }

    /// The input that kernel offset `k` (order kh, kw, c: weights `[k * filters + f]`) reads for output pixel
    /// `pixel` (oh·OW + ow), or nil where it falls on padding.
    public func inputIndex(pixel: Int, kernelOffset k: Int) -> Int? {
        let p = pads
        let (oh, ow) = (pixel / outputWidth, pixel % outputWidth)
        let (kh, kw, c) = (k / (kernelWidth * channels), (k / channels) % kernelWidth, k % channels)
        let h = oh * strideHeight + kh - p.top, w = ow * strideWidth + kw - p.left
        guard h >= 0, h < inputHeight, w >= 0, w < inputWidth else { return nil }
        return (h * inputWidth + w) * channels + c
    }

    /// The same layer as a Dense over the flat tensors (n_in = H·W·C, n_out = OH·OW·F): weight (i, j) is the
    /// kernel weight that multiplies input i into output j, zero where input i is outside output j's window;
    /// each output's bias is its filter's. Its fixed-point result is the convolution's bit for bit (a zero weight
    /// adds a zero product), which is how the schedule and the RTL build a convolution at reuse factor 1.
    public func denseEquivalent() -> DenseParameters {
        let nIn = inputHeight * inputWidth * channels, nOut = outputHeight * outputWidth * filters
        var dense = [Double](repeating: 0, count: nIn * nOut)
        var bias = [Double](repeating: 0, count: nOut)
        for oh in 0..<outputHeight {
            for ow in 0..<outputWidth {
                let pixel = oh * outputWidth + ow
                for (input, kernel) in window(outputRow: oh, column: ow) {
                    for f in 0..<filters { dense[input * nOut + pixel * filters + f] = weights[kernel * filters + f] }
                }
                for f in 0..<filters { bias[pixel * filters + f] = biases[f] }
            }
        }
        return DenseParameters(outputSize: nOut, weights: dense, biases: bias)
    }

    /// Checks the shape fields against the layer's input size and the parameter counts.
    func validate(layer: Layer) throws(NetworkError) {
        let fields = [("filters", filters), ("kernel height", kernelHeight), ("kernel width", kernelWidth),
                      ("stride height", strideHeight), ("stride width", strideWidth),
                      ("input height", inputHeight), ("input width", inputWidth), ("channels", channels)]
        try ImageGeometry.requirePositive(fields, layer: layer)
        try ImageGeometry.requireRank(spatialDimensions, noun: "a convolution", layer: layer)
        if spatialDimensions == 1, inputHeight != 1 || kernelHeight != 1 || strideHeight != 1 {
            throw .invalidShape(layer: layer.name, reason: "a Conv1D has height 1")
        }
        try ImageGeometry.requireReads(inputShape, layer: layer)
        guard inputHeight + pads.top + pads.bottom >= kernelHeight, inputWidth + pads.left + pads.right >= kernelWidth else {
            throw .invalidShape(layer: layer.name,
                reason: "kernel (\(kernelHeight), \(kernelWidth)) is larger than the \(padding.rawValue)-padded input \(inputShape)")
        }
        guard weights.count == kernelTerms * filters else {
            throw .invalidParameter(layer: layer.name, field: "kernel",
                reason: "expected \(kernelHeight)×\(kernelWidth)×\(channels)×\(filters) = \(kernelTerms * filters) values, found \(weights.count)")
        }
        guard biases.count == filters else {
            throw .invalidParameter(layer: layer.name, field: "bias", reason: "expected \(filters) values, found \(biases.count)")
        }
    }
}

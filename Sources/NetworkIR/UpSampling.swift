/// UpSampling1D / UpSampling2D with nearest interpolation in io_parallel: hls4ml 1.3.0's `Resize`
/// (`nnet_image.h` `resize_nearest`): output pixel (i, j) copies input pixel (y2, x2) with
/// y_ratio = (H << 16) / new_H + 1, y2 = (i · y_ratio) >> 16 (x likewise), in the input's type (hls4ml's `auto`
/// result is the input type). No arithmetic: in hardware, wiring.
public struct UpSamplingParameters: Sendable, Equatable {
    /// 1 (height 1, factor 1) or 2.
    public var spatialDimensions: Int
    public var inputHeight: Int
    public var inputWidth: Int
    public var channels: Int
    public var heightFactor: Int
    public var widthFactor: Int

    public init(spatialDimensions: Int = 2, inputHeight: Int, inputWidth: Int, channels: Int, heightFactor: Int, widthFactor: Int) {
        self.spatialDimensions = spatialDimensions
        self.inputHeight = inputHeight
        self.inputWidth = inputWidth
        self.channels = channels
        self.heightFactor = heightFactor
        self.widthFactor = widthFactor
    }

    public var kindName: String { "UpSampling\(spatialDimensions)D" }
    public var outputHeight: Int { inputHeight * heightFactor }
    public var outputWidth: Int { inputWidth * widthFactor }

    public var inputShape: TensorShape {
        spatialDimensions == 1 ? TensorShape([inputWidth, channels]) : TensorShape([inputHeight, inputWidth, channels])
    }

    public var outputShape: TensorShape {
        spatialDimensions == 1 ? TensorShape([outputWidth, channels]) : TensorShape([outputHeight, outputWidth, channels])
    }

    /// For each output element, the flat input element it copies (hls4ml's fixed-point ratio, not a division).
    public func sources() -> [Int?] {
        let yRatio = (inputHeight << 16) / outputHeight + 1, xRatio = (inputWidth << 16) / outputWidth + 1
        var result: [Int?] = []
        result.reserveCapacity(outputShape.count)
        for i in 0..<outputHeight {
            let y = (i * yRatio) >> 16
            for j in 0..<outputWidth {
                let x = (j * xRatio) >> 16
                for c in 0..<channels { result.append((y * inputWidth + x) * channels + c) }
            }
        }
        return result
    }

    func validate(layer: Layer) throws(NetworkError) {
        let fields = [("input height", inputHeight), ("input width", inputWidth), ("channels", channels),
                      ("height factor", heightFactor), ("width factor", widthFactor)]
        try ImageGeometry.requirePositive(fields, layer: layer)
        try ImageGeometry.requireRank(spatialDimensions, noun: "an upsampling", layer: layer)
        if spatialDimensions == 1, inputHeight != 1 || heightFactor != 1 {
            throw .invalidShape(layer: layer.name, reason: "an UpSampling1D has height 1")
        }
        try ImageGeometry.requireReads(inputShape, layer: layer)
        guard outputShape.count <= 1 << 24 else {
            throw .invalidShape(layer: layer.name, reason: "an output of \(outputShape.count) values is too large (at most 2^24)")
        }
    }
}

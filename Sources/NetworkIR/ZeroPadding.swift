/// ZeroPadding1D / ZeroPadding2D in io_parallel (hls4ml 1.3.0 `nnet_padding.h` `zeropad1d_cl`/`zeropad2d_cl`): the
/// image copied into a larger one, each value cast to result_t (hls4ml's `auto` is the input type, so a copy), the
/// border zeros. No arithmetic: in hardware, wiring.
public struct ZeroPaddingParameters: Sendable, Equatable {
    /// 1 (height 1, no top/bottom) or 2.
    public var spatialDimensions: Int
    public var inputHeight: Int
    public var inputWidth: Int
    public var channels: Int
    public var top: Int
    public var bottom: Int
    public var left: Int
    public var right: Int

    public init(spatialDimensions: Int = 2, inputHeight: Int, inputWidth: Int, channels: Int,
                top: Int = 0, bottom: Int = 0, left: Int = 0, right: Int = 0) {
        self.spatialDimensions = spatialDimensions
        self.inputHeight = inputHeight
        self.inputWidth = inputWidth
        self.channels = channels
        self.top = top
        self.bottom = bottom
        self.left = left
        self.right = right
    }

    public var kindName: String { "ZeroPadding\(spatialDimensions)D" }
    public var outputHeight: Int { inputHeight + top + bottom }
    public var outputWidth: Int { inputWidth + left + right }

    public var inputShape: TensorShape {
        spatialDimensions == 1 ? TensorShape([inputWidth, channels]) : TensorShape([inputHeight, inputWidth, channels])
    }

    public var outputShape: TensorShape {
        spatialDimensions == 1 ? TensorShape([outputWidth, channels]) : TensorShape([outputHeight, outputWidth, channels])
    }

    /// For each output element, the flat input element it copies, or nil for a padded zero.
    public func sources() -> [Int?] {
        var result: [Int?] = []
        result.reserveCapacity(outputShape.count)
        for oh in 0..<outputHeight {
            for ow in 0..<outputWidth {
                let h = oh - top, w = ow - left
                let inside = h >= 0 && h < inputHeight && w >= 0 && w < inputWidth
                for c in 0..<channels { result.append(inside ? (h * inputWidth + w) * channels + c : nil) }
            }
        }
        return result
    }

    func validate(layer: Layer) throws(NetworkError) {
        try ImageGeometry.requirePositive([("input height", inputHeight), ("input width", inputWidth), ("channels", channels)], layer: layer)
        for (field, value) in [("top", top), ("bottom", bottom), ("left", left), ("right", right)] where value < 0 {
            throw .invalidShape(layer: layer.name, reason: "padding \(field) must not be negative, got \(value)")
        }
        try ImageGeometry.requireRank(spatialDimensions, noun: "a zero padding", layer: layer)
        if spatialDimensions == 1, inputHeight != 1 || top != 0 || bottom != 0 {
            throw .invalidShape(layer: layer.name, reason: "a ZeroPadding1D has height 1 and pads only left and right")
        }
        try ImageGeometry.requireReads(inputShape, layer: layer)
    }
}

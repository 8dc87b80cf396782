import Foundation
import NetworkIR

extension DesignParser {
    /// A Conv1D / Conv2D: `filters`, `kernel_size` (one number or one per spatial axis), `strides` (default 1),
    /// `padding` (valid or same), `kernel` (kh·kw·C·F values in Keras' order, or kh·kw·C rows of F), `bias`
    /// (F values, default zeros), `use_bias`; its input shape is the shape of the tensor it reads.
    mutating func convolutionParameters(_ layerClass: LayerClass, map: YAMLMapping,
                                                inputShape: TensorShape) throws(DesignError) -> ConvolutionParameters {
        let rank = layerClass == .conv1D ? 1 : 2
        let name = map.cursor.layer ?? "?"
        try requireImage(layerClass, rank: rank, map: map, inputShape: inputShape)
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
}

import Foundation
import NetworkIR

extension DesignParser {
    /// A pooling: `pool_size` (one number or one per axis; default 2), `strides` (default the pool size),
    /// `padding` (valid or same); a global pooling has no fields.
    func poolingParameters(_ layerClass: LayerClass, map: YAMLMapping, inputShape: TensorShape) throws(DesignError) -> PoolingParameters {
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
            throw map.invalid("pool_size", absentValue: "\(pool.map(String.init).joined(separator: ", ")) (the default)",
                              expected: "a pool no larger than the \(padding.rawValue)-padded input \(inputShape)")
        }
        return parameters
    }
}

import Foundation
import NetworkIR

extension DesignParser {
    /// A zero padding: `padding` is one number (every side), one per axis (both sides of it), or per axis a pair
    /// [before, after] (Keras' ((top, bottom), (left, right)); for 1D [left, right]).
    func zeroPaddingParameters(_ layerClass: LayerClass, map: YAMLMapping, inputShape: TensorShape) throws(DesignError) -> ZeroPaddingParameters {
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
    func upSamplingParameters(_ layerClass: LayerClass, map: YAMLMapping, inputShape: TensorShape) throws(DesignError) -> UpSamplingParameters {
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

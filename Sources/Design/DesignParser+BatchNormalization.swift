import Foundation
import NetworkIR

extension DesignParser {
    /// Either `scale:` and `shift:` directly, or Keras' `gamma` (default 1), `beta` (default 0),
    /// `moving_mean`, `moving_variance` and `epsilon` (default 0.001), folded as hls4ml does.
    func batchNormParameters(_ map: YAMLMapping, count: Int, shape: TensorShape) throws(DesignError) -> BatchNormParameters {
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
}

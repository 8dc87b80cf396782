import FixedPoint

/// Bit-exact evaluation of a whole network.
public struct FixedPointEvaluator: Sendable {
    public let network: Network
    public let layers: [CompiledLayer]

    /// Lowers every layer once; call `validate()` on the network first.
    public init(network: Network) {
        self.network = network
        layers = network.layers.indices.map { CompiledLayer(layer: network.layers[$0], inputPrecision: network.inputPrecision(ofLayerAt: $0)) }
    }

    /// Quantizes real inputs into the network's input precision (hls4ml's `convert_data`).
    public func quantizeInput(_ values: [Double]) -> [Int64] {
        values.map { network.inputPrecision.raw(fromDouble: $0) }
    }

    /// Raw outputs of every layer for one raw input vector: element k is layer k's output.
    public func evaluateAllLayers(_ input: [Int64]) -> [[Int64]] {
        var outputs: [[Int64]] = []
        outputs.reserveCapacity(layers.count)
        var current = input
        for layer in layers {
            current = layer.evaluate(current)
            outputs.append(current)
        }
        return outputs
    }

    /// Raw output of the last layer.
    public func evaluate(_ input: [Int64]) -> [Int64] {
        evaluateAllLayers(input).last ?? input
    }
}

extension Network {
    /// Float (double precision) evaluation of the same network, for comparison with the source model.
    public func evaluateFloat(_ input: [Double]) -> [Double] {
        var x = input
        for layer in layers {
            switch layer.operation {
            case let .dense(p):
                var y = p.biases
                for i in 0..<layer.inputSize { for j in 0..<p.outputSize { y[j] += x[i] * p.weights[i * p.outputSize + j] } }
                x = y
            case let .batchNormalization(p):
                x = x.indices.map { x[$0] * p.scale[$0] + p.shift[$0] }
            case .relu:
                x = x.map { max($0, 0) }
            case let .leakyReLU(alpha):
                x = x.map { $0 > 0 ? $0 : alpha * $0 }
            case .linear:
                break
            case .squaredNorm:
                x = [x.reduce(0) { $0 + $1 * $1 }]
            }
        }
        return x
    }
}

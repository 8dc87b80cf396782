import Dispatch
import FixedPoint
import Foundation

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
        evaluateBatch([input])[0]
    }

    /// Raw outputs of many input vectors. Inferences are independent, so a large batch is split over the
    /// machine's cores; each part reuses two scratch buffers between layers and inferences.
    public func evaluateBatch(_ inputs: [[Int64]]) -> [[Int64]] {
        let parts = min(ProcessInfo.processInfo.activeProcessorCount, inputs.count / 2048)
        guard parts > 1 else { return evaluateSerially(inputs[...]) }
        var results = [[[Int64]]](repeating: [], count: parts)
        let size = (inputs.count + parts - 1) / parts
        results.withUnsafeMutableBufferPointer { buffer in
            let slots = ResultSlots(base: buffer.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                let range = (part * size)..<min((part + 1) * size, inputs.count)
                slots.base[part] = evaluateSerially(inputs[range])
            }
        }
        return results.flatMap { $0 }
    }

    /// One part's output slot per concurrent worker; each worker writes only its own index.
    private struct ResultSlots: @unchecked Sendable {
        let base: UnsafeMutablePointer<[[Int64]]>
    }

    private func evaluateSerially(_ inputs: ArraySlice<[Int64]>) -> [[Int64]] {
        let widest = max(network.inputSize, layers.map(\.layer.outputSize).max() ?? 0)
        var a = [Int64](repeating: 0, count: widest), b = [Int64](repeating: 0, count: widest)
        let outputSizes = layers.map(\.layer.outputSize)
        var results: [[Int64]] = []
        results.reserveCapacity(inputs.count)
        for input in inputs {
            for i in 0..<min(input.count, widest) { a[i] = input[i] }
            var size = input.count
            for index in layers.indices {
                a.withUnsafeBufferPointer { source in
                    b.withUnsafeMutableBufferPointer { target in
                        layers[index].evaluate(UnsafeBufferPointer(rebasing: source[0..<size]),
                                               into: UnsafeMutableBufferPointer(rebasing: target[0..<outputSizes[index]]))
                    }
                }
                size = outputSizes[index]
                swap(&a, &b)
            }
            results.append(Array(a[0..<size]))
        }
        return results
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

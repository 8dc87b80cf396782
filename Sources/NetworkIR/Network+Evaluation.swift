import Dispatch
import FixedPoint
import Foundation

/// Bit-exact evaluation of a whole network (a graph of layers in topological order).
public struct FixedPointEvaluator: Sendable {
    public let network: Network
    public let layers: [CompiledLayer]
    /// `sources[k]`: the tensors layer k reads (−1: the design input).
    let sources: [[Int]]

    /// Lowers every layer once; call `validate()` on the network first (an invalid layer's missing type is an error here).
    public init(network: Network) throws(NetworkError) {
        self.network = network
        sources = network.layers.indices.map { network.sources(ofLayerAt: $0) }
        layers = try network.layers.indices.map { index throws(NetworkError) in
            try CompiledLayer(layer: network.layers[index], inputPrecisions: network.inputPrecisions(ofLayerAt: index),
                          inputSizes: network.sources(ofLayerAt: index).map(network.size(ofTensor:)))
        }
    }

    /// Quantizes real inputs into the network's input precision (hls4ml's `convert_data`).
    public func quantizeInput(_ values: [Double]) -> [Int64] {
        values.map { network.inputPrecision.raw(fromDouble: $0) }
    }

    /// Raw outputs of every layer for one raw input vector: element k is layer k's output.
    public func evaluateAllLayers(_ input: [Int64]) -> [[Int64]] {
        var outputs: [[Int64]] = []
        outputs.reserveCapacity(layers.count)
        for (index, layer) in layers.enumerated() {
            let operand = sources[index].flatMap { $0 < 0 ? input : outputs[$0] }
            outputs.append(layer.evaluate(operand))
        }
        return outputs
    }

    /// Raw design output (the output tensors side by side).
    public func evaluate(_ input: [Int64]) -> [Int64] {
        evaluateBatch([input])[0]
    }

    /// Raw outputs of many input vectors. Inferences are independent, so a large batch is split over the
    /// machine's cores; each part reuses its scratch buffers between layers and inferences.
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

    /// A chain ping-pongs between two buffers; a graph keeps every layer's output in one flat buffer
    /// (tensor k at `offsets[k]`) and gathers multi-input operands into a scratch buffer.
    private func evaluateSerially(_ inputs: ArraySlice<[Int64]>) -> [[Int64]] {
        let outputSizes = layers.map(\.layer.outputSize)
        var results: [[Int64]] = []
        results.reserveCapacity(inputs.count)
        if !network.isGraph {
            let widest = max(network.inputSize, outputSizes.max() ?? 0)
            var a = [Int64](repeating: 0, count: widest), b = [Int64](repeating: 0, count: widest)
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
        var offsets = [Int](repeating: 0, count: layers.count + 1)
        for index in layers.indices { offsets[index + 1] = offsets[index] + outputSizes[index] }
        var tensors = [Int64](repeating: 0, count: offsets[layers.count])
        var scratch = [Int64](repeating: 0, count: layers.map(\.layer.inputSize).max() ?? 0)
        let outputTensors = network.outputTensors
        for input in inputs {
            for index in layers.indices {
                let inputSize = layers[index].layer.inputSize
                var filled = 0
                for source in sources[index] {
                    if source < 0 {
                        for i in 0..<input.count where filled + i < scratch.count { scratch[filled + i] = input[i] }
                        filled += input.count
                    } else {
                        for i in 0..<outputSizes[source] { scratch[filled + i] = tensors[offsets[source] + i] }
                        filled += outputSizes[source]
                    }
                }
                scratch.withUnsafeBufferPointer { source in
                    tensors.withUnsafeMutableBufferPointer { target in
                        layers[index].evaluate(UnsafeBufferPointer(rebasing: source[0..<min(filled, inputSize)]),
                                               into: UnsafeMutableBufferPointer(rebasing: target[offsets[index]..<offsets[index + 1]]))
                    }
                }
            }
            if outputTensors.count == 1, let tensor = outputTensors.first {
                results.append(Array(tensors[offsets[tensor]..<offsets[tensor + 1]]))
            } else {
                results.append(outputTensors.flatMap { tensors[offsets[$0]..<offsets[$0 + 1]] })
            }
        }
        return results
    }
}

extension Network {
    /// Float (double precision) evaluation of the same network, for comparison with the source model.
    public func evaluateFloat(_ input: [Double]) -> [Double] {
        var tensors: [[Double]] = []
        for (index, layer) in layers.enumerated() {
            let operands = sources(ofLayerAt: index).map { $0 < 0 ? input : tensors[$0] }
            let x = operands.flatMap { $0 }
            let y: [Double]
            switch layer.operation {
            case let .dense(p):
                var sum = p.biases
                for i in 0..<layer.inputSize { for j in 0..<p.outputSize { sum[j] += x[i] * p.weights[i * p.outputSize + j] } }
                y = sum
            case let .convolution(p):
                var out = [Double](repeating: 0, count: layer.outputSize)
                for oh in 0..<p.outputHeight {
                    for ow in 0..<p.outputWidth {
                        let pixel = (oh * p.outputWidth + ow) * p.filters
                        for f in 0..<p.filters {
                            out[pixel + f] = p.window(outputRow: oh, column: ow).reduce(p.biases[f]) { $0 + x[$1.input] * p.weights[$1.kernel * p.filters + f] }
                        }
                    }
                }
                y = out
            case let .batchNormalization(p):
                y = x.indices.map { x[$0] * p.scale[$0] + p.shift[$0] }
            case .relu:
                y = x.map { max($0, 0) }
            case let .leakyReLU(alpha):
                y = x.map { $0 > 0 ? $0 : alpha * $0 }
            case .linear:
                y = x
            case .squaredNorm:
                y = [x.reduce(0) { $0 + $1 * $1 }]
            case let .merge(merge):
                let a = operands[0], b = operands[1]
                switch merge {
                case .add: y = zip(a, b).map { $0 + $1 }
                case .subtract: y = zip(a, b).map { $0 - $1 }
                case .multiply: y = zip(a, b).map { $0 * $1 }
                case .average: y = zip(a, b).map { ($0 + $1) / 2 }
                case .maximum: y = zip(a, b).map { max($0, $1) }
                case .minimum: y = zip(a, b).map { min($0, $1) }
                case .concatenate: y = a + b
                }
            case let .lookup(activation):
                y = x.map { activation.function.exactValue($0, alpha: activation.alpha) }
            case let .hardActivation(activation):
                y = x.map {
                    let v = min(max(activation.slope * $0 + activation.shift, 0), 1)
                    return activation.function == .hardSigmoid ? v : 2 * v - 1
                }
            case .klDivergence:
                // Two tensors (μ, log σ²), or one of 2n values: μ then log σ².
                let (mean, logVariance) = operands.count > 1 ? (operands[0], operands[1])
                    : (Array(x[0..<(x.count / 2)]), Array(x[(x.count / 2)...]))
                y = [0.5 * zip(mean, logVariance).reduce(0) { $0 + Foundation.exp($1.1) + $1.0 * $1.0 - $1.1 - 1 }]
            case let .pooling(p):
                // Keras' pooling: padded positions are ignored (max of, or mean over, the pixels inside the image).
                y = p.windows().map { window in
                    let values = window.map { x[$0] }
                    return p.operation == .max ? (values.max() ?? 0) : values.reduce(0, +) / Double(max(values.count, 1))
                }
            case let .zeroPadding(p):
                y = p.sources().map { $0.map { x[$0] } ?? 0 }
            case let .upSampling(p):
                y = p.sources().map { $0.map { x[$0] } ?? 0 }
            case let .softmax(parameters):
                let largest = x.max() ?? 0
                if parameters.implementation == .argmax {
                    let best = x.firstIndex(of: largest) ?? 0
                    y = x.indices.map { $0 == best ? 1 : 0 }
                } else {
                    let e = x.map { Foundation.exp(parameters.expScale * ($0 - largest)) }
                    let sum = e.reduce(0, +)
                    y = e.map { $0 / sum }
                }
            }
            tensors.append(y)
        }
        return outputTensors.isEmpty ? input : outputTensors.flatMap { tensors[$0] }
    }
}

import Design
import FixedPoint
import NetworkIR

// Conv1D/Conv2D and QConv1D/QConv2D: Keras layer → hls4ml node, its types, node → layer.

extension NodeBuilder {
    /// A convolution (channels last; a QConv's kernel and bias quantized as for a QDense), then its activation
    /// split off as hls4ml's converter does.
    mutating func convolution(_ conv: KerasConvolution) {
        let inputShape = layer.inputs.first.flatMap { model.shapes[$0] } ?? model.inputShape
        var kernel = weights["kernel"]?.values ?? []
        var bias = weights["bias"]?.values ?? Array(repeating: Float(0), count: conv.filters)
        var keys: [String: HLS4MLPrecisionSetting] = [:]
        if let kernelQuantizer = conv.kernelQuantizer {
            kernel = kernel.map(kernelQuantizer.quantize)
            keys["weight"] = .fixed(kernelQuantizer.weightType)
            notes.append("\(layer.name): kernel quantized by \(kernelQuantizer.summary) → \(kernelQuantizer.weightType)")
        }
        if let biasQuantizer = conv.biasQuantizer, conv.useBias {
            bias = bias.map(biasQuantizer.quantize)
            keys["bias"] = .fixed(biasQuantizer.weightType)
        }
        let parameters = conv.parameters(inputShape: inputShape, weights: kernel.map(Double.init), biases: bias.map(Double.init))
        nodes.append(node(layer.name, .convolution(parameters, hasBias: conv.useBias, kernelQuantizer: conv.kernelQuantizer,
                                                   biasQuantizer: conv.useBias ? conv.biasQuantizer : nil), keys))
        size = parameters.outputShape.count
        splitActivation(conv.activation, keepsLinear: splitLinear || layer.className.hasPrefix("Q"))
    }
}

extension HLS4MLConversion.LayerConversion {
    func convolution(_ parameters: ConvolutionParameters) -> Layer {
        var parameters = parameters
        parameters.weights = stored(parameters.weights, t["weight"]!)
        parameters.biases = stored(parameters.biases, t["bias"]!)
        return Layer(name: name, operation: .convolution(parameters), inputSize: node.inputSize,
                     precision: LayerPrecision(result: result, weight: t["weight"], bias: t["bias"], accumulator: t["accum"]))
    }
}

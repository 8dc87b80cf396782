import Design
import FixedPoint
import NetworkIR

// Dense and QDense: Keras layer → hls4ml node, its types (hls4ml 1.3 infer_precision), node → layer.

extension NodeBuilder {
    /// A Dense (QDense: kernel and bias quantized as QKeras does, their types from the quantizers; no bias:
    /// bias_t `ap_uint<1>`), then its activation split off as hls4ml's converter does.
    mutating func dense(units: Int, activation: KerasActivation, useBias: Bool,
                        kernelQuantizer: QKerasQuantizer?, biasQuantizer: QKerasQuantizer?) {
        var kernel = weights["kernel"]?.values ?? []
        var bias = weights["bias"]?.values ?? Array(repeating: Float(0), count: units)
        var keys: [String: HLS4MLPrecisionSetting] = [:]
        if let kernelQuantizer {
            kernel = kernel.map(kernelQuantizer.quantize)
            keys["weight"] = .fixed(kernelQuantizer.weightType)
            notes.append("\(layer.name): kernel quantized by \(kernelQuantizer.summary) → \(kernelQuantizer.weightType)")
        }
        if let biasQuantizer, useBias {
            bias = bias.map(biasQuantizer.quantize)
            keys["bias"] = .fixed(biasQuantizer.weightType)
        }
        if !useBias { keys["bias"] = .fixed(.uint(1)) }
        nodes.append(node(layer.name, .dense(units: units, kernel: kernel.map(Double.init), bias: bias.map(Double.init), hasBias: useBias,
                                             kernelQuantizer: kernelQuantizer, biasQuantizer: useBias ? biasQuantizer : nil), keys))
        size = units
        splitActivation(activation, keepsLinear: splitLinear || layer.className == "QDense")
    }
}

extension HLS4MLConversion.TypeInference {
    /// Dense and convolution: `_infer_dense_precision` / `_infer_conv_precision`, the lossless accumulator over
    /// `terms` products (a convolution's n_chan·filt_height·filt_width); without a bias, bias_t is `ap_uint<1>`
    /// (the zeros' type), not the config's `auto`.
    mutating func denseTypes(terms: Int, hasBias: Bool) {
        var bias = concrete("bias")
        if !hasBias, node.settings["bias"] == .auto { bias = .uint(1) }
        let weight = concrete("weight")
        let accumulator = PrecisionInference.denseAccumulator(input: input, weight: weight, bias: bias, inputSize: terms)
        types.values = ["weight": weight, "bias": bias, "accum": concrete("accum", accumulator),
                        "result": concrete("result", accumulator)]
    }
}

extension HLS4MLConversion.LayerConversion {
    func dense(units: Int, kernel: [Double], bias: [Double]) -> Layer {
        let parameters = DenseParameters(outputSize: units, weights: stored(kernel, t["weight"]!), biases: stored(bias, t["bias"]!))
        return Layer(name: name, operation: .dense(parameters), inputSize: node.inputSize,
                     precision: LayerPrecision(result: result, weight: t["weight"], bias: t["bias"], accumulator: t["accum"]))
    }
}

import Design
import FixedPoint
import NetworkIR

// BatchNormalization and QBatchNormalization: Keras layer → hls4ml node (folded scale and bias), its types, node
// → layer. Folding into a preceding Dense or convolution is a pass (`HLS4MLConversion.fuseBatchNormalization`).

extension NodeBuilder {
    /// Keras' γ, β, moving mean and variance folded to hls4ml's per-element scale and bias (float32 as
    /// model/layers.py in compatible mode); on an image the statistics are per channel.
    mutating func batchNormalization(epsilon: Double, center: Bool, scale: Bool,
                                     quantizers: [QKerasBatchNormQuantizer]) throws(KerasImportError) {
        let count = size
        // On an image the statistics are per channel (the last axis); nnet_batchnorm.h indexes them by
        // element % n_filt, which is the same as repeating them for every pixel.
        let channels = weights["moving_mean"]!.values.count
        func perElement(_ values: [Float]) -> [Float] { channels == count ? values : (0..<count).map { values[$0 % channels] } }
        var gamma = scale ? perElement(weights["gamma"]!.values) : Array(repeating: Float(1), count: count)
        var beta = center ? perElement(weights["beta"]!.values) : Array(repeating: Float(0), count: count)
        var mean = perElement(weights["moving_mean"]!.values)
        var variance = perElement(weights["moving_variance"]!.values)
        var quantizerKeys: [String: HLS4MLPrecisionSetting] = [:]
        var configKeys: [String] = []
        if !quantizers.isEmpty, compatible {
            // converters/keras/qkeras.py parse_qbatchnorm_layer keeps the quantizers only as layer
            // attributes; config_from_keras_model copies their hls_type into Precision[mean|variance|
            // beta|gamma], which nothing reads. model/layers.py BatchNormalization uses the raw weights.
            for quantizer in quantizers {
                guard let key = quantizer.configKey else { continue }
                configKeys.append(key)
                quantizerKeys[key] = .fixed(quantizer.hls4mlType)
            }
            notes.append("\(layer.name): QBatchNormalization quantizers "
                + quantizers.map(\.summary).joined(separator: ", ")
                + " are not applied (hls4ml 1.3 only lists them in the config; scale and bias come from the unquantized weights)")
        } else if !quantizers.isEmpty {
            // QKeras' inference: quantized γ, β, moving mean and variance (float32, its rounding).
            for quantizer in quantizers {
                guard let rounding = quantizer.quantizedBits, quantizer.role != "inverse_quantizer" else {
                    throw .unsupportedLayer(file: model.file, layer: layer.name, className: layer.className,
                        reason: "\(quantizer.summary) cannot be applied as QKeras does (supported without hls4ml compatibility: deterministic quantized_bits with alpha 1 for gamma, beta, mean and variance)")
                }
                switch quantizer.role {
                case "gamma_quantizer": if scale { gamma = gamma.map(rounding.quantize) }
                case "beta_quantizer": if center { beta = beta.map(rounding.quantize) }
                case "mean_quantizer": mean = mean.map(rounding.quantize)
                default: variance = variance.map(rounding.quantize)
                }
            }
            notes.append("\(layer.name): QBatchNormalization quantizers " + quantizers.map(\.summary).joined(separator: ", ")
                + " applied to its weights, as QKeras does")
        }
        let folded: (scale: [Double], bias: [Double])
        if compatible {
            // model/layers.py: scale = γ/np.sqrt(var + ε), bias = β − scale·mean, all float32
            // (ε, a Python float, becomes float32 under NumPy 2's promotion rules).
            let eps = Float(epsilon)
            let s = zip(gamma, variance).map { $0 / ($1 + eps).squareRoot() }
            let b = (0..<count).map { beta[$0] - s[$0] * mean[$0] }
            folded = (s.map(Double.init), b.map(Double.init))
        } else {
            let p = BatchNormParameters(gamma: gamma.map(Double.init), beta: beta.map(Double.init),
                                        mean: mean.map(Double.init), variance: variance.map(Double.init), epsilon: epsilon)
            folded = (p.scale, p.shift)
        }
        var bnNode = node(layer.name, .batchNormalization(scale: folded.scale, bias: folded.bias), quantizerKeys)
        bnNode.quantizerConfigKeys = configKeys
        for key in configKeys { bnNode.settings[key] = quantizerKeys[key] }
        nodes.append(bnNode)
    }
}

extension HLS4MLConversion.TypeInference {
    /// `_infer_bn_precision`: result from the input, scale and bias types.
    mutating func batchNormalizationTypes() {
        let scale = concrete("scale"), bias = concrete("bias")
        types.values = ["weight": scale, "bias": bias,
                        "result": concrete("result", PrecisionInference.batchNormResult(input: input, scale: scale, bias: bias))]
    }
}

extension HLS4MLConversion.LayerConversion {
    func batchNormalization(scale: [Double], bias: [Double]) -> Layer {
        let parameters = BatchNormParameters(scale: stored(scale, t["weight"]!), shift: stored(bias, t["bias"]!))
        return Layer(name: name, operation: .batchNormalization(parameters), inputSize: node.inputSize,
                     precision: LayerPrecision(result: result, weight: t["weight"], bias: t["bias"]))
    }
}

import Design
import FixedPoint
import NetworkIR

// Pooling (max, average; windowed and global), ZeroPadding and UpSampling (hls4ml's Resize): Keras layer →
// hls4ml node, its types, node → layer.

extension NodeBuilder {
    mutating func image(_ image: KerasImageLayer) {
        let inputShape = layer.inputs.first.flatMap { model.shapes[$0] } ?? model.inputShape
        switch image.operation(inputShape: inputShape) {
        case let .pooling(parameters): nodes.append(node(layer.name, .pooling(parameters)))
        case let .zeroPadding(parameters): nodes.append(node(layer.name, .zeroPadding(parameters)))
        case let .upSampling(parameters): nodes.append(node(layer.name, .upSampling(parameters)))
        default: break
        }
    }
}

extension HLS4MLConversion.TypeInference {
    /// `_infer_pooling_precision` (Pooling1D/2D only): accum from the input, result = the input type; the global
    /// poolings have no rule, so their `auto` is the default.
    mutating func poolingTypes(_ parameters: PoolingParameters) {
        if parameters.isGlobal {
            types.values = ["accum": concrete("accum"), "result": concrete("result")]
        } else {
            types.values = ["accum": concrete("accum", PrecisionInference.poolingAccumulator(parameters.operation, input: input,
                                                                                               windowSize: parameters.windowSize)),
                            "result": concrete("result", input)]
        }
    }

    /// ZeroPadding and Resize: `_infer_output_matching_precision`, the input type.
    mutating func resamplingTypes() {
        types.values["result"] = concrete("result", input)
    }
}

extension HLS4MLConversion.LayerConversion {
    func pooling(_ parameters: PoolingParameters) -> Layer {
        Layer(name: name, operation: .pooling(parameters), inputSize: node.inputSize,
              precision: LayerPrecision(result: result, accumulator: t["accum"]))
    }

    func zeroPadding(_ parameters: ZeroPaddingParameters) -> Layer {
        Layer(name: name, operation: .zeroPadding(parameters), inputSize: node.inputSize, precision: LayerPrecision(result: result))
    }

    func upSampling(_ parameters: UpSamplingParameters) -> Layer {
        Layer(name: name, operation: .upSampling(parameters), inputSize: node.inputSize, precision: LayerPrecision(result: result))
    }
}

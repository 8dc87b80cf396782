import Design
import FixedPoint
import NetworkIR

// Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate: Keras layer → hls4ml node, its types, node → layer.

extension NodeBuilder {
    mutating func merge(_ merge: MergeOperation) {
        nodes.append(node(layer.name, .merge(merge)))
    }
}

extension HLS4MLConversion.TypeInference {
    /// `_infer_merge_precision` over the two inputs' types.
    mutating func mergeTypes(_ merge: MergeOperation) {
        types.values["result"] = concrete("result", PrecisionInference.merge(merge, inputs[0], inputs.count > 1 ? inputs[1] : inputs[0]))
    }
}

extension HLS4MLConversion.LayerConversion {
    func merge(_ merge: MergeOperation) -> Layer {
        Layer(name: name, operation: .merge(merge), inputSize: node.inputSize, precision: LayerPrecision(result: result))
    }
}

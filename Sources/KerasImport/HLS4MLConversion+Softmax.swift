import Design
import FixedPoint
import NetworkIR

// Softmax (hls4ml's stable, latency and argmax implementations): its types and node → layer. The node comes
// from `HLS4MLConversion.activationOperation` (a Softmax layer or an inline softmax activation).

extension HLS4MLConversion.TypeInference {
    /// The table types are the Softmax attributes' defaults (never read from Precision); accum_t is read from
    /// Precision.accum, which config_from_keras_model sets to the same default.
    mutating func softmaxTypes(_ parameters: SoftmaxParameters) {
        let table = SoftmaxParameters.defaultTablePrecision
        types.values = ["result": concrete("result"), "accum": concrete("accum"), "exp_table": table,
                        "inv_table": table, "inv_inp": table]
        if parameters.implementation == .stable {
            // core_templates.py SoftmaxConfigTemplate: inp_norm_t = ap_ufixed<W − s, I − s> of the input.
            types.hidden["inp_norm"] = SoftmaxParameters.inputNormPrecision(input: input)
        }
    }
}

extension HLS4MLConversion.LayerConversion {
    mutating func softmax(_ parameters: SoftmaxParameters) -> Layer {
        var parameters = parameters
        var precision = LayerPrecision(result: result)
        if parameters.implementation != .argmax {
            precision.accumulator = t["accum"]
            for key in ["exp_table", "inv_table", "inv_inp"] { precision.extra[key] = t[key] }
        }
        if parameters.implementation == .stable {
            precision.extra["inp_norm"] = resolved.hidden["inp_norm"]
            // SoftmaxConfigTemplate: exp_table_size = min(inv_table_size, 2^(W−1)) for a signed input.
            let size = SoftmaxParameters.stableExpTableSize(requested: parameters.invTableSize, input: resolved.input)
            if size != parameters.expTableSize {
                notes.append("\(node.name): exp table of \(size) entries, not \(parameters.expTableSize) (hls4ml caps it at 2^(W−1) for the \(resolved.input) input)")
                parameters.expTableSize = size
            }
        }
        return Layer(name: name, operation: .softmax(parameters), inputSize: node.inputSize, precision: precision)
    }
}

import FixedPoint

extension CompiledLayer {
    /// Lookup-table activations (see `LookupActivation` for hls4ml's index and the ELU/SELU branches).
    func evaluateLookup(_ activation: LookupActivation, _ p: LookupPrecision, _ input: UnsafeBufferPointer<Int64>,
                        into output: UnsafeMutableBufferPointer<Int64>) {
        let result = layer.precision.result
        let table = p.table
        // ELU's α / SELU's λ in param_t (only they scale by a constant).
        let parameterFraction = p.parameter?.fractionalBits ?? 0
        let entries = tables[0]
        let fraction = inputPrecision.fractionalBits
        for i in 0..<layer.inputSize {
            let x = input[i]
            if activation.function.isNegativeHalf && x >= 0 {
                if activation.function == .elu {
                    output[i] = result.quantize(Int128(x), fractionalBits: fraction)
                } else {
                    output[i] = result.quantize(Int128(x) * Int128(alphaRaw), fractionalBits: fraction + parameterFraction)
                }
                continue
            }
            let entry = entries[activation.index(ofRaw: x, fractionalBits: fraction)]
            if activation.function == .elu {
                output[i] = result.quantize(Int128(alphaRaw) * Int128(entry), fractionalBits: parameterFraction + table.fractionalBits)
            } else {
                output[i] = result.cast(entry, from: table)
            }
        }
    }

    /// Hard sigmoid / hard tanh: v = slope·x + shift exactly, clipped to [0, 1]; `result_t(v)` or `result_t(2v − 1)`.
    func evaluateHardActivation(_ activation: HardActivation, _ p: HardActivationPrecision, _ input: UnsafeBufferPointer<Int64>,
                                into output: UnsafeMutableBufferPointer<Int64>) {
        let result = layer.precision.result
        let productFraction = inputPrecision.fractionalBits + p.slope.fractionalBits
        let shiftFraction = p.shift.fractionalBits
        let fraction = max(productFraction, shiftFraction, 0)
        let one = Int128(1) << fraction
        let shift = Int128(biasRaw[0]) << (fraction - shiftFraction)
        for i in 0..<layer.inputSize {
            var v = (Int128(input[i]) * Int128(weightRaw[0]) << (fraction - productFraction)) &+ shift
            v = min(max(v, 0), one)
            output[i] = result.quantize(activation.function == .hardSigmoid ? v : 2 * v - one, fractionalBits: fraction)
        }
    }
}

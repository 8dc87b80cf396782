import FixedPoint

extension CompiledLayer {
    /// BatchNormalization: `result_t(x·scale + shift)`, one rounding of the exact value.
    func evaluateBatchNormalization(_ p: ScaleShiftPrecision, _ input: UnsafeBufferPointer<Int64>,
                                    into output: UnsafeMutableBufferPointer<Int64>) {
        let result = layer.precision.result
        let inputFraction = inputPrecision.fractionalBits
        let scaleFraction = inputFraction + p.scale.fractionalBits
        let biasFraction = p.bias.fractionalBits
        let fraction = max(scaleFraction, biasFraction)
        for i in 0..<layer.inputSize {
            let product = Int128(input[i]) * Int128(weightRaw[i]) << (fraction - scaleFraction)
            let shifted = Int128(biasRaw[i]) << (fraction - biasFraction)
            output[i] = result.quantize(product + shifted, fractionalBits: fraction)
        }
    }

    /// ReLU: `x > 0 ? result_t(x) : 0`.
    func evaluateReLU(_ input: UnsafeBufferPointer<Int64>, into output: UnsafeMutableBufferPointer<Int64>) {
        let result = layer.precision.result
        let inputFraction = inputPrecision.fractionalBits
        for i in 0..<layer.inputSize {
            output[i] = input[i] > 0 ? result.quantize(Int128(input[i]), fractionalBits: inputFraction) : 0
        }
    }

    /// LeakyReLU: `x > 0 ? result_t(x) : result_t(α·x)`, α in param_t.
    func evaluateLeakyReLU(_ parameter: Precision, _ input: UnsafeBufferPointer<Int64>, into output: UnsafeMutableBufferPointer<Int64>) {
        let result = layer.precision.result
        let inputFraction = inputPrecision.fractionalBits
        let alphaFraction = inputFraction + parameter.fractionalBits
        for i in 0..<layer.inputSize {
            output[i] = input[i] > 0
                ? result.quantize(Int128(input[i]), fractionalBits: inputFraction)
                : result.quantize(Int128(input[i]) * Int128(alphaRaw), fractionalBits: alphaFraction)
        }
    }

    /// Linear: `result_t(x)`.
    func evaluateLinear(_ input: UnsafeBufferPointer<Int64>, into output: UnsafeMutableBufferPointer<Int64>) {
        let result = layer.precision.result
        let inputFraction = inputPrecision.fractionalBits
        for i in 0..<layer.inputSize {
            output[i] = result.quantize(Int128(input[i]), fractionalBits: inputFraction)
        }
    }
}

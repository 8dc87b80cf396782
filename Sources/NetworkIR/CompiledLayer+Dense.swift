import FixedPoint

extension CompiledLayer {
    /// Dense: each product cast to accum_t (a floor shift on the fast path), summed with the bias, cast to result_t.
    func evaluateDense(_ parameters: DenseParameters, _ p: MultiplyAccumulatePrecision, _ input: UnsafeBufferPointer<Int64>,
                       into output: UnsafeMutableBufferPointer<Int64>) {
        let result = layer.precision.result
        let inputFraction = inputPrecision.fractionalBits
        let accumulator = p.accumulator
        let n = parameters.outputSize
        let productFraction = inputFraction + p.weight.fractionalBits
        for j in 0..<n {
            var sum = Int128(accumulatorBiasRaw[j])
            if let shift = productShift {
                // Products fit 62 bits and the sum wraps at the accumulator width anyway, so 64-bit
                // wrapping arithmetic gives the same low bits.
                var fast: Int64 = 0
                let inputs = layer.inputSize
                transposedWeightRaw.withUnsafeBufferPointer { weights in
                    let row = j &* inputs
                    for i in 0..<inputs { fast &+= (input[i] &* weights[row &+ i]) &>> shift }
                }
                sum += Int128(fast)
            } else {
                for i in 0..<layer.inputSize {
                    let product = Int128(input[i]) * Int128(weightRaw[i * n + j])
                    sum += Int128(accumulator.quantize(product, fractionalBits: productFraction))
                }
            }
            let accumulated = accumulator.quantize(sum, fractionalBits: accumulator.fractionalBits)
            output[j] = result.cast(accumulated, from: accumulator)
        }
    }
}

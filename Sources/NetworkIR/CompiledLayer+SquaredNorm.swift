import FixedPoint

extension CompiledLayer {
    /// SquaredNorm: squares cast to accum_t, summed in accum_t, cast to result_t.
    func evaluateSquaredNorm(_ accumulator: Precision, _ input: UnsafeBufferPointer<Int64>, into output: UnsafeMutableBufferPointer<Int64>) {
        let result = layer.precision.result
        let inputFraction = inputPrecision.fractionalBits
        var sum: Int128 = 0
        for i in 0..<layer.inputSize {
            let square = Int128(input[i]) * Int128(input[i])
            if let shift = productShift {
                sum += Int128((input[i] &* input[i]) &>> shift)
            } else {
                sum += Int128(accumulator.quantize(square, fractionalBits: 2 * inputFraction))
            }
        }
        let accumulated = accumulator.quantize(sum, fractionalBits: accumulator.fractionalBits)
        output[0] = result.cast(accumulated, from: accumulator)
    }
}

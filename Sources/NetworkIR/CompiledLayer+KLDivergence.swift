import FixedPoint

extension CompiledLayer {
    /// KL divergence (see `KLDivergenceParameters`): the input buffer holds μ (n values) then log σ² (n values),
    /// from two tensors or one.
    func evaluateKLDivergence(_ parameters: KLDivergenceParameters, _ p: KLDivergencePrecision, _ input: UnsafeBufferPointer<Int64>,
                              into output: UnsafeMutableBufferPointer<Int64>) {
        let n = layer.inputSize / 2
        let (mean, logVariance) = (inputPrecisions[0], inputPrecisions[inputPrecisions.count - 1])
        let table = p.table, accumulator = p.accumulator
        let term = KLDivergenceParameters.termPrecision(mean: mean, logVariance: logVariance, table: table)
        let fraction = term.fractionalBits
        var sum: Int64 = 0
        for i in 0..<n {
            let m = input[i], l = input[n + i]
            let e = tables[0][parameters.index(ofRaw: l, fractionalBits: logVariance.fractionalBits)]
            let exact = (Int128(e) << (fraction - table.fractionalBits))
                &+ (Int128(m) * Int128(m) << (fraction - 2 * mean.fractionalBits))
                &- (Int128(l) << (fraction - logVariance.fractionalBits))
                &- (Int128(1) << fraction)
            sum = accumulator.quantize(Int128(sum) &+ Int128(accumulator.quantize(exact, fractionalBits: fraction)),
                                       fractionalBits: accumulator.fractionalBits)
        }
        // sum / 2 is exact with one more fractional bit.
        output[0] = layer.precision.result.quantize(Int128(sum), fractionalBits: accumulator.fractionalBits + 1)
    }
}

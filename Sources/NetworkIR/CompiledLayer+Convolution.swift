import FixedPoint

extension CompiledLayer {
    /// Conv1D/Conv2D (`nnet_conv2d_latency.h`, hls4ml 1.3.0): for every output pixel and filter f,
    /// acc = accum_t(bias[f]); acc += accum_t(x·w) over the kernel window; result_t(acc). Padded positions hold
    /// zeros, whose products are zero, so they are skipped. The accumulator wraps, so the order is free.
    func evaluateConvolution(_ parameters: ConvolutionParameters, _ p: MultiplyAccumulatePrecision, _ input: UnsafeBufferPointer<Int64>,
                             into output: UnsafeMutableBufferPointer<Int64>) {
        let accumulator = p.accumulator, result = layer.precision.result
        let productFraction = inputPrecision.fractionalBits + p.weight.fractionalBits
        let filters = parameters.filters
        for oh in 0..<parameters.outputHeight {
            for ow in 0..<parameters.outputWidth {
                let window = parameters.window(outputRow: oh, column: ow)
                let pixel = (oh * parameters.outputWidth + ow) * filters
                for f in 0..<filters {
                    var sum = Int128(filterBiasRaw[f])
                    for (i, k) in window {
                        let w = kernelRaw[k * filters + f]
                        if let shift = productShift {
                            // Products fit 62 bits (fastShift), so this floor shift is the cast to accum_t.
                            sum += Int128((input[i] &* w) &>> shift)
                        } else {
                            sum += Int128(accumulator.quantize(Int128(input[i]) * Int128(w), fractionalBits: productFraction))
                        }
                    }
                    let accumulated = accumulator.quantize(sum, fractionalBits: accumulator.fractionalBits)
                    output[pixel + f] = result.cast(accumulated, from: accumulator)
                }
            }
        }
    }
}

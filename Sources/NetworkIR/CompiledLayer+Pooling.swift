import FixedPoint

extension CompiledLayer {
    /// hls4ml's `pooling2d_cl` / `pooling1d_cl` / `global_pooling*_cl` on raw values (see `PoolingParameters`).
    func evaluatePooling(_ parameters: PoolingParameters, _ accumulator: Precision, _ input: UnsafeBufferPointer<Int64>,
                         into output: UnsafeMutableBufferPointer<Int64>) {
        let data = inputPrecision, result = layer.precision.result
        let windowSize = parameters.windowSize
        for j in 0..<output.count {
            let window = windowIndices[windowStarts[j]..<windowStarts[j + 1]]
            switch parameters.operation {
            case .max:
                // y = x[0]; y = x[i] > y ? x[i] : y over the window, a padded position holding pad_val.
                var largest: Int64? = window.count < windowSize ? PoolingParameters.maxPadRaw(data) : nil
                for index in window where largest == nil || input[index] > largest! { largest = input[index] }
                let value = largest ?? PoolingParameters.maxPadRaw(data)
                output[j] = result.cast(accumulator.cast(value, from: data), from: accumulator)
            case .average:
                // accum_t y = 0; y += x[i] (TRN/WRAP: the sum of the floored terms, wrapped), then y /= n.
                var sum: Int64 = 0
                for index in window {
                    sum = accumulator.quantize(Int128(sum) + Int128(accumulator.cast(input[index], from: data)),
                                               fractionalBits: accumulator.fractionalBits)
                }
                let count = Int64(max(window.count, 1))
                output[j] = result.cast(sum / count, from: accumulator)   // Int64 `/` truncates toward zero, as ap_fixed's /=
            }
        }
    }

    /// ZeroPadding / UpSampling: each output is `result_t` of the input element it copies, or 0.
    func evaluateCopy(_ input: UnsafeBufferPointer<Int64>, into output: UnsafeMutableBufferPointer<Int64>) {
        let result = layer.precision.result
        for j in 0..<output.count {
            let source = windowIndices[j]
            output[j] = source < 0 ? 0 : result.cast(input[source], from: inputPrecision)
        }
    }
}

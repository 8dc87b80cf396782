import FixedPoint

extension CompiledLayer {
    /// hls4ml's `nnet_merge.h` on raw values: x is the first tensor, y the second (see `MergeOperation`).
    func evaluateMerge(_ merge: MergeOperation, _ input: UnsafeBufferPointer<Int64>, into output: UnsafeMutableBufferPointer<Int64>) {
        let result = layer.precision.result
        let first = inputPrecisions[0], second = inputPrecisions[1]
        let n = inputSizes[0]
        if merge == .concatenate {
            for i in 0..<n { output[i] = result.cast(input[i], from: first) }
            for i in 0..<inputSizes[1] { output[n + i] = result.cast(input[n + i], from: second) }
            return
        }
        let fx = first.fractionalBits, fy = second.fractionalBits, fraction = max(fx, fy)
        for i in 0..<n {
            let x = Int128(input[i]), y = Int128(input[n + i])
            let ax = x << (fraction - fx), ay = y << (fraction - fy)
            switch merge {
            case .add: output[i] = result.quantize(ax + ay, fractionalBits: fraction)
            case .subtract: output[i] = result.quantize(ax - ay, fractionalBits: fraction)
            case .multiply: output[i] = result.quantize(x * y, fractionalBits: fx + fy)
            case .average: output[i] = result.quantize((ax + ay) / 2, fractionalBits: fraction)   // Int128 `/` truncates toward zero, as ap_fixed's division
            case .maximum: output[i] = ax > ay ? result.cast(input[i], from: first) : result.cast(input[n + i], from: second)
            case .minimum: output[i] = ax < ay ? result.cast(input[i], from: first) : result.cast(input[n + i], from: second)
            case .concatenate: break
            }
        }
    }
}

import FixedPoint

extension CompiledLayer {
    /// Softmax as hls4ml computes it (see `SoftmaxParameters`).
    func evaluateSoftmax(_ parameters: SoftmaxParameters, _ precision: SoftmaxPrecision?, _ input: UnsafeBufferPointer<Int64>,
                         into output: UnsafeMutableBufferPointer<Int64>) {
        let result = layer.precision.result
        let n = layer.inputSize
        guard let p = precision else {
            // argmax: one-hot at the first largest input.
            var best = 0
            for i in 1..<max(n, 1) where input[i] > input[best] { best = i }
            let one = result.raw(fromDouble: 1)
            for i in 0..<n { output[i] = i == best ? one : 0 }
            return
        }
        let accumulator = p.accumulator, expTable = p.expTable
        let inverseInput = p.invInput, inverseTable = p.invTable
        withUnsafeTemporaryAllocation(of: Int64.self, capacity: n) { exps in
            if let norm = p.inputNorm {
                var largest = input[0]
                for i in 1..<n where input[i] > largest { largest = input[i] }
                for i in 0..<n {
                    let d = norm.quantize(Int128(largest) - Int128(input[i]), fractionalBits: inputPrecision.fractionalBits)
                    let index = SoftmaxParameters.index(ofRaw: d, precision: norm, size: parameters.expTableSize)
                    exps[i] = accumulator.cast(tables[0][index], from: expTable)
                }
            } else {
                for i in 0..<n {
                    let index = SoftmaxParameters.index(ofRaw: input[i], precision: inputPrecision, size: parameters.expTableSize)
                    exps[i] = accumulator.cast(tables[0][index], from: expTable)
                }
            }
            let sum = CompiledLayer.treeSum(UnsafeBufferPointer(exps), in: accumulator)
            let sumIndex = SoftmaxParameters.index(ofRaw: inverseInput.cast(sum, from: accumulator), precision: inverseInput,
                                                   size: parameters.invTableSize)
            let inverse = tables[1][sumIndex]
            let fraction = accumulator.fractionalBits + inverseTable.fractionalBits
            for i in 0..<n { output[i] = result.quantize(Int128(exps[i]) * Int128(inverse), fractionalBits: fraction) }
        }
    }

    /// hls4ml's `reduce` with `Op_add<T>`: a balanced tree whose left part holds the largest power of two
    /// below the count, every partial sum cast to T (which matters when T rounds or saturates).
    static func treeSum(_ terms: UnsafeBufferPointer<Int64>, in type: Precision) -> Int64 {
        func reduce(_ start: Int, _ count: Int) -> Int64 {
            if count == 1 { return terms[start] }
            if count == 2 { return type.quantize(Int128(terms[start]) + Int128(terms[start + 1]), fractionalBits: type.fractionalBits) }
            let left = ReduceTree.leftCount(count)
            let a = reduce(start, left), b = reduce(start + left, count - left)
            return type.quantize(Int128(a) + Int128(b), fractionalBits: type.fractionalBits)
        }
        return terms.isEmpty ? 0 : reduce(0, terms.count)
    }
}

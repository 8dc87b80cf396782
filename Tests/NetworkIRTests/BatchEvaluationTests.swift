import Testing
import FixedPoint
@testable import NetworkIR

struct BatchEvaluationTests {
    /// A batch large enough to be split over cores gives, in order, exactly the one-at-a-time results.
    @Test func parallelBatchEqualsOneAtATime() throws {
        var weights: [Double] = []
        for index in 0..<(12 * 5) { weights.append(Double((index * 37) % 23 - 11) / 16) }
        let precision = LayerPrecision(result: .fixed(16, 6), weight: .fixed(8, 3), bias: .fixed(8, 3), accumulator: .fixed(32, 12))
        let dense = Layer(name: "fc", operation: .dense(DenseParameters(outputSize: 5, weights: weights, biases: [0.5, -0.25, 0, 1, -1])),
                          inputSize: 12, precision: precision)
        let relu = Layer(name: "act", operation: .relu, inputSize: 5, precision: LayerPrecision(result: .ufixed(8, 4, .round, .saturate)))
        let evaluator = try FixedPointEvaluator(network: Network(name: "n", inputSize: 12, inputPrecision: .fixed(12, 4), layers: [dense, relu]))
        var state: UInt64 = 7
        let inputs: [[Int64]] = (0..<5000).map { _ in
            (0..<12).map { _ in
                state = state &* 6364136223846793005 &+ 1442695040888963407
                return Int64(truncatingIfNeeded: state >> 52) - 2048   // the whole 12-bit range
            }
        }
        let batch = evaluator.evaluateBatch(inputs)
        #expect(batch.count == 5000)
        #expect(batch == inputs.map { evaluator.evaluateAllLayers($0).last! })
    }
}

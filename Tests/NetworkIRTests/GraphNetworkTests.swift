import Testing
import FixedPoint
@testable import NetworkIR

/// Merge layers and graph networks. Expected raw values are worked out by hand in the comments.
struct GraphNetworkTests {
    /// x in ap_fixed<8,4> (4 fractional bits), y in ap_fixed<6,2> (4 fractional bits); result ap_fixed<10,5> (5).
    static let x = Precision.fixed(8, 4), y = Precision.fixed(6, 2), result = Precision.fixed(10, 5)

    static func merge(_ operation: MergeOperation, result: Precision = result, size: Int = 1) throws -> CompiledLayer {
        let layer = Layer(name: "m", operation: .merge(operation), inputSize: 2 * size, precision: LayerPrecision(result: result),
                          inputs: ["a", "b"])
        return try CompiledLayer(layer: layer, inputPrecisions: [x, y], inputSizes: [size, size])
    }

    /// x = 20/16 = 1.25, y = −9/16 = −0.5625.
    ///   Add 0.6875 = 22/32; Subtract 1.8125 = 58/32; Multiply −0.703125 = −22.5/32 → floor −23;
    ///   Average: sum 11/16, halved toward zero at 4 fractional bits = 5/16 = 10/32 (the exact 11/32 is lost);
    ///   Maximum 1.25 = 40/32; Minimum −0.5625 = −18/32.
    @Test(arguments: [(MergeOperation.add, Int64(22)), (.subtract, 58), (.multiply, -23), (.average, 10), (.maximum, 40), (.minimum, -18)])
    func elementwise(_ operation: MergeOperation, expected: Int64) throws {
        #expect(try Self.merge(operation).evaluate([20, -9]) == [expected])
    }

    /// −1.25 and +0.5625: the sum −11/16 halves toward zero to −5/16 = −10/32 (a floor would give −12/32).
    @Test func averageRoundsTowardZero() throws {
        #expect(try Self.merge(.average).evaluate([-20, 9]) == [-10])
    }

    /// Concatenate keeps x then y, each cast to the result: [1.25, 0.5, −0.5625, 0.25] → ×32.
    @Test func concatenateCastsEachPart() throws {
        #expect(try Self.merge(.concatenate, size: 2).evaluate([20, 8, -9, 4]) == [40, 16, -18, 8])
    }

    /// A saturating result clips the exact sum: 7.5 + 1.9375 = 9.4375 > ap_fixed<8,4,AP_TRN,AP_SAT>'s 7.9375.
    @Test func saturatingResult() throws {
        let layer = try Self.merge(.add, result: .fixed(8, 4, .truncate, .saturate))
        #expect(layer.evaluate([120, 31]) == [127])
    }

    /// in → r1 (ReLU) → r2 (Linear) → add = r2 + in (a skip connection) → out.
    static let skip = Network(name: "skip", inputSize: 2, inputPrecision: .fixed(8, 4), layers: [
        Layer(name: "r1", operation: .relu, inputSize: 2, precision: LayerPrecision(result: .fixed(8, 4))),
        Layer(name: "r2", operation: .linear, inputSize: 2, precision: LayerPrecision(result: .fixed(6, 3))),
        Layer(name: "add", operation: .merge(.add), inputSize: 4, precision: LayerPrecision(result: .fixed(10, 5)),
              inputs: ["r2", Network.inputName]),
    ])

    /// x = [1.5, −2.25] → relu [1.5, 0] → ap_fixed<6,3> (3 fractional bits) [12/8, 0] → + x = [3, −2.25] → ×32 = [96, −72].
    @Test func skipConnectionEvaluates() throws {
        try Self.skip.validate()
        #expect(Self.skip.sources(ofLayerAt: 2) == [1, -1])
        #expect(Self.skip.consumers(ofTensor: -1) == [0, 2])
        #expect(Self.skip.isGraph)
        let evaluator = try FixedPointEvaluator(network: Self.skip)
        #expect(evaluator.evaluate([24, -36]) == [96, -72])
        #expect(evaluator.evaluateAllLayers([24, -36]).last == [96, -72])
        #expect(evaluator.evaluateBatch(Array(repeating: [24, -36], count: 5000)).allSatisfy { $0 == [96, -72] })
        #expect(Self.skip.evaluateFloat([1.5, -2.25]) == [3, -2.25])
    }

    @Test func graphErrorsNameTheLayerAndField() {
        var unknown = Self.skip
        unknown.layers[2].inputs = ["r2", "nope"]
        #expect(throws: NetworkError.invalidParameter(layer: "add", field: "inputs",
                                                      reason: "no layer is named 'nope' (known: input, r1, r2)")) { try unknown.validate() }
        var later = Self.skip
        later.layers[0].inputs = ["r2"]
        #expect(throws: NetworkError.self) { try later.validate() }
        var unused = Self.skip
        unused.layers[2].inputs = ["r1", Network.inputName]
        #expect(throws: NetworkError.invalidParameter(layer: "r2", field: "inputs",
                                                      reason: "its output is not read by any layer; only the last layer is the design output (list the layers in `outputs` for several)")) {
            try unused.validate()
        }
        var mismatch = Self.skip
        mismatch.layers[1] = Layer(name: "r2", operation: .merge(.concatenate), inputSize: 4, precision: LayerPrecision(result: .fixed(6, 3)),
                                   inputs: ["r1", "r1"])
        #expect(throws: NetworkError.invalidShape(layer: "add", reason: "a Add layer needs inputs of one size, found 4 and 2")) {
            try mismatch.validate()
        }
        var average = Self.skip
        average.layers[2].operation = .merge(.average)
        average.layers[2].precision.result = .fixed(4, 2)     // holds −2 … 1.75: not 2
        #expect(throws: NetworkError.self) { try average.validate() }
    }
}

/// Several design outputs: `Network.outputs` lists the tensors the design output holds, side by side.
struct MultipleOutputNetworkTests {
    /// in → r1 (ReLU) → r2 (Linear, ap_fixed<6,3>) → add = r2 + in; outputs [add, r1].
    static var network: Network {
        var network = GraphNetworkTests.skip
        network.outputs = ["add", "r1"]
        return network
    }

    /// x = [1.5, −2.25]: add = [3, −2.25] at 5 fractional bits = [96, −72]; r1 = [1.5, 0] at 4 = [24, 0].
    @Test func outputsAreConcatenatedInOrder() throws {
        let network = Self.network
        try network.validate()
        #expect(network.outputTensors == [2, 0])
        #expect(network.outputSize == 4)
        #expect(network.outputElementPrecisions == [.fixed(10, 5), .fixed(10, 5), .fixed(8, 4), .fixed(8, 4)])
        let evaluator = try FixedPointEvaluator(network: network)
        #expect(evaluator.evaluate([24, -36]) == [96, -72, 24, 0])
        #expect(evaluator.evaluateBatch(Array(repeating: [24, -36], count: 5000)).allSatisfy { $0 == [96, -72, 24, 0] })
        #expect(network.evaluateFloat([1.5, -2.25]) == [3, -2.25, 1.5, 0])
    }

    @Test func outputErrorsNameTheLayerAndField() {
        var unknown = Self.network
        unknown.outputs = ["add", "r9"]
        #expect(throws: NetworkError.invalidParameter(layer: "r9", field: "outputs", reason: "no layer is named 'r9' (known: add, r1, r2)")) {
            try unknown.validate()
        }
        var twice = Self.network
        twice.outputs = ["add", "add"]
        #expect(throws: NetworkError.invalidParameter(layer: "add", field: "outputs", reason: "'add' is listed twice as a design output")) {
            try twice.validate()
        }
        var input = Self.network
        input.outputs = ["add", Network.inputName]
        #expect(throws: NetworkError.self) { try input.validate() }
        // A layer nobody reads must be an output: here r2 only feeds add, so dropping add leaves it dangling.
        var dangling = Self.network
        dangling.outputs = ["r1", "r2"]
        #expect(throws: NetworkError.invalidParameter(layer: "add", field: "outputs",
            reason: "its output is not read by any layer and it is not in the design's `outputs` (r1, r2)")) { try dangling.validate() }
    }
}

import Testing
import FixedPoint
@testable import NetworkIR

/// A small chain: Dense 3→2 → LeakyReLU(0.3) → SquaredNorm, all hand-worked below.
enum SmallNetwork {
    static let dense = Layer(
        name: "dense1",
        operation: .dense(DenseParameters(outputSize: 2,
                                          weights: [0.515625, -0.328125, 0.765625, 0.203125, -0.140625, 0.046875],
                                          biases: [0.125, -0.25])),
        inputSize: 3,
        precision: LayerPrecision(result: .fixed(10, 4), weight: .fixed(8, 2), bias: .fixed(8, 3),
                                  accumulator: .fixed(12, 4)))
    static let leaky = Layer(name: "leaky1", operation: .leakyReLU(alpha: 0.3), inputSize: 2,
                             precision: LayerPrecision(result: .fixed(10, 4), parameter: .ufixed(8, -1)))
    static let score = Layer(name: "score", operation: .squaredNorm, inputSize: 2,
                             precision: LayerPrecision(result: .fixed(16, 6), accumulator: .fixed(20, 8)))
    static let network = Network(name: "small_net", inputSize: 3, inputPrecision: .fixed(8, 3),
                                 layers: [dense, leaky, score])
}

struct NetworkEvaluationTests {
    /// x = [1.28125, −0.71875, 2.5] → ap_fixed<8,3> raw [41, −23, 80] (exact).
    /// Dense (see LayerEvaluationTests.denseTruncatesEachProduct): [−8, −45] in ap_fixed<10,4> (F6).
    /// LeakyReLU α = 153/512: −8·153 = −1224 (F15) / 512 = −2.39 → −3;  −45·153 = −6885 / 512 = −13.45 → −14.
    /// SquaredNorm: (−3)² + (−14)² = 9 + 196 = 205 (F12, kept by accum F12) → result F10: 205/4 = 51.25 → 51.
    @Test func fixedPointEvaluatorChainsLayers() throws {
        try SmallNetwork.network.validate()
        let evaluator = try FixedPointEvaluator(network: SmallNetwork.network)
        let input = evaluator.quantizeInput([1.28125, -0.71875, 2.5])
        #expect(input == [41, -23, 80])
        #expect(evaluator.evaluateAllLayers(input) == [[-8, -45], [-3, -14], [51]])
        #expect(evaluator.evaluate(input) == [51])
        #expect(SmallNetwork.network.outputPrecision == .fixed(16, 6))
        #expect(SmallNetwork.network.outputSize == 1)
        #expect(SmallNetwork.network.inputPrecision(ofLayerAt: 0) == .fixed(8, 3))
        #expect(SmallNetwork.network.inputPrecision(ofLayerAt: 2) == .fixed(10, 4))
    }

    /// Float evaluation of the same chain (all values are binary fractions, so exact in Double):
    /// y0 = 1.28125·0.515625 − 0.71875·0.765625 − 2.5·0.140625 + 0.125
    ///    = 0.66064453125 − 0.55029296875 − 0.3515625 + 0.125 = −0.1162109375
    /// y1 = −1.28125·0.328125 − 0.71875·0.203125 + 2.5·0.046875 − 0.25
    ///    = −0.42041015625 − 0.14599609375 + 0.1171875 − 0.25 = −0.69921875
    @Test func floatEvaluation() {
        let denseOnly = Network(name: "d", inputSize: 3, inputPrecision: .fixed(8, 3), layers: [SmallNetwork.dense])
        #expect(denseOnly.evaluateFloat([1.28125, -0.71875, 2.5]) == [-0.1162109375, -0.69921875])
        // LeakyReLU uses the real α = 0.3: 0.3·−0.5 = −0.15; positive values pass.
        let leaky = Network(name: "l", inputSize: 2, inputPrecision: .fixed(10, 4), layers: [SmallNetwork.leaky])
        #expect(leaky.evaluateFloat([-0.5, 0.75]) == [0.3 * -0.5, 0.75])
        // Squared norm: 0.5² + 1.5² = 2.5.
        let score = Network(name: "s", inputSize: 2, inputPrecision: .fixed(10, 4), layers: [SmallNetwork.score])
        #expect(score.evaluateFloat([0.5, -1.5]) == [2.5])
        // BatchNorm then ReLU then Linear: [2·1.5 − 1, −1·1 + 0.5] = [2, −0.5] → ReLU → [2, 0].
        let chain = Network(name: "c", inputSize: 2, inputPrecision: .fixed(16, 6), layers: [
            Layer(name: "bn", operation: .batchNormalization(BatchNormParameters(scale: [2, -1], shift: [-1, 0.5])),
                  inputSize: 2, precision: LayerPrecision(result: .fixed(16, 6), weight: .fixed(8, 3), bias: .fixed(8, 3))),
            Layer(name: "relu", operation: .relu, inputSize: 2, precision: LayerPrecision(result: .fixed(16, 6))),
            Layer(name: "out", operation: .linear, inputSize: 2, precision: LayerPrecision(result: .fixed(8, 3))),
        ])
        #expect(chain.evaluateFloat([1.5, 1]) == [2, 0])
    }

    /// The whole small network in float: leaky(y) = [0.3·−0.1162109375, 0.3·−0.69921875], score = Σ squares.
    @Test func floatEvaluationOfChain() {
        let y0 = 0.3 * -0.1162109375, y1 = 0.3 * -0.69921875
        let score = SmallNetwork.network.evaluateFloat([1.28125, -0.71875, 2.5])
        #expect(score.count == 1)
        #expect(abs(score[0] - (y0 * y0 + y1 * y1)) < 1e-15)
        #expect(abs(score[0] - 0.04521706581115722) < 1e-12)
    }
}

struct NetworkValidationTests {
    static func network(_ layers: [Layer], inputSize: Int = 3) -> Network {
        Network(name: "n", inputSize: inputSize, inputPrecision: .fixed(8, 3), layers: layers)
    }

    static func expectError(_ network: Network, _ expected: NetworkError, mentions fragments: [String]) {
        do {
            try network.validate()
            Issue.record("validation passed, expected \(expected)")
        } catch {
            #expect(error == expected)
            for fragment in fragments {
                #expect(error.description.contains(fragment), "'\(error.description)' lacks '\(fragment)'")
            }
        }
    }

    @Test func shapeMismatch() {
        var relu = SmallNetwork.leaky
        relu.inputSize = 4
        Self.expectError(Self.network([SmallNetwork.dense, relu]),
                         .shapeMismatch(layer: "leaky1", expected: 2, found: 4), mentions: ["leaky1", "4", "2"])
        Self.expectError(Self.network([SmallNetwork.dense], inputSize: 5),
                         .shapeMismatch(layer: "dense1", expected: 5, found: 3), mentions: ["dense1"])
    }

    @Test func duplicateNames() {
        var second = SmallNetwork.leaky
        second.name = "dense1"
        Self.expectError(Self.network([SmallNetwork.dense, second]), .duplicateName(layer: "dense1"),
                         mentions: ["dense1", "twice"])
    }

    @Test func wrongWeightCount() {
        var dense = SmallNetwork.dense
        dense.operation = .dense(DenseParameters(outputSize: 2, weights: [1, 2, 3, 4, 5], biases: [0, 0]))
        Self.expectError(Self.network([dense]),
                         .invalidParameter(layer: "dense1", field: "weights", reason: "expected 3×2 = 6 values, found 5"),
                         mentions: ["dense1", "weights", "6", "5"])
        dense.operation = .dense(DenseParameters(outputSize: 2, weights: [1, 2, 3, 4, 5, 6], biases: [0]))
        Self.expectError(Self.network([dense]),
                         .invalidParameter(layer: "dense1", field: "biases", reason: "expected 2 values, found 1"),
                         mentions: ["dense1", "biases"])
    }

    @Test(arguments: [OverflowMode.saturate, .saturateToZero, .saturateSymmetric])
    func nonWrappingAccumulator(mode: OverflowMode) {
        var dense = SmallNetwork.dense
        dense.precision.accumulator = .fixed(12, 4, .truncate, mode)
        do {
            try Self.network([dense]).validate()
            Issue.record("a \(mode) accumulator passed validation")
        } catch {
            guard case let .invalidPrecision(layer, field, _) = error else {
                Issue.record("unexpected \(error)"); return
            }
            #expect(layer == "dense1" && field == "accum")
            #expect(error.description.contains("dense1") && error.description.contains("accum")
                    && error.description.contains(mode.rawValue))
        }
    }

    @Test func missingPrecisions() {
        var dense = SmallNetwork.dense
        dense.precision.weight = nil
        #expect(throws: NetworkError.self) { try Self.network([dense]).validate() }
        do { try Self.network([dense]).validate() } catch {
            guard case let .invalidPrecision(layer, field, _) = error else { Issue.record("\(error)"); return }
            #expect(layer == "dense1" && field.contains("weight"))
            #expect(error.description.contains("dense1") && error.description.contains("weight"))
        }
        dense = SmallNetwork.dense
        dense.precision.accumulator = nil
        do { try Self.network([dense]).validate(); Issue.record("no accum passed") } catch {
            #expect(error.description.contains("dense1") && error.description.contains("accum"))
        }

        var leaky = SmallNetwork.leaky
        leaky.precision.parameter = nil
        leaky.inputSize = 3
        Self.expectError(Self.network([leaky]),
                         .invalidPrecision(layer: "leaky1", field: "param",
                                           reason: "a LeakyReLU layer needs a param (α) precision"),
                         mentions: ["leaky1", "param"])

        var score = SmallNetwork.score
        score.precision.accumulator = nil
        score.inputSize = 3
        Self.expectError(Self.network([score]),
                         .invalidPrecision(layer: "score", field: "accum",
                                           reason: "a SquaredNorm layer needs an accum precision"),
                         mentions: ["score", "accum"])

        let batchNorm = Layer(name: "bn0", operation: .batchNormalization(BatchNormParameters(scale: [1, 1, 1], shift: [0, 0, 0])),
                              inputSize: 3, precision: LayerPrecision(result: .fixed(16, 6), weight: .fixed(8, 3)))
        do { try Self.network([batchNorm]).validate(); Issue.record("no bias passed") } catch {
            #expect(error.description.contains("bn0") && error.description.contains("bias"))
        }
    }

    @Test func invalidPrecisionsAndParameters() {
        var dense = SmallNetwork.dense
        dense.precision.result = .fixed(65, 6)
        do { try Self.network([dense]).validate(); Issue.record("65-bit result passed") } catch {
            guard case let .invalidPrecision(layer, field, _) = error else { Issue.record("\(error)"); return }
            #expect(layer == "dense1" && field == "result")
            #expect(error.description.contains("65"))
        }
        var leaky = SmallNetwork.leaky
        leaky.operation = .leakyReLU(alpha: .nan)
        leaky.inputSize = 3
        do { try Self.network([leaky]).validate(); Issue.record("NaN alpha passed") } catch {
            #expect(error.description.contains("leaky1") && error.description.contains("alpha"))
        }
        dense = SmallNetwork.dense
        dense.operation = .dense(DenseParameters(outputSize: 2, weights: [1, 2, .infinity, 4, 5, 6], biases: [0, 0]))
        do { try Self.network([dense]).validate(); Issue.record("infinite weight passed") } catch {
            #expect(error.description.contains("dense1") && error.description.contains("weights"))
        }
        Self.expectError(Self.network([]), .invalidShape(layer: "input", reason: "the network has no layers"),
                         mentions: ["no layers"])
        Self.expectError(Self.network([SmallNetwork.dense], inputSize: 0),
                         .invalidShape(layer: "input", reason: "input size must be positive, got 0"),
                         mentions: ["positive"])
    }

    @Test func validNetworkPasses() throws {
        try SmallNetwork.network.validate()
        #expect(SmallNetwork.dense.kindName == "Dense")
        #expect(SmallNetwork.leaky.outputSize == 2 && SmallNetwork.score.outputSize == 1)
    }
}

import FixedPoint
import Testing
@testable import NetworkIR

/// The KL-divergence score block, worked out by hand: ½ Σ (exp(l) + μ² − l − 1), exp from a 1024-entry table
/// over [−8, 8) indexed int(l·64) + 512.
struct KLDivergenceTests {
    /// μ in ap_fixed<8,3> (5 fractional bits), log σ² in ap_fixed<10,4> (6), table ap_fixed<18,8,AP_RND,AP_SAT>
    /// (10), accum ap_fixed<32,12>, result ap_fixed<16,9> (7 fractional bits).
    func network(_ result: Precision = .fixed(16, 9)) -> Network {
        let kl = Layer(name: "kl", operation: .klDivergence(KLDivergenceParameters()), inputSize: 6,
                       precision: LayerPrecision(result: result, accumulator: .fixed(32, 12),
                                                 extra: ["table": KLDivergenceParameters.defaultTablePrecision]),
                       inputs: ["mu", "logvar"])
        let mu = Layer(name: "mu", operation: .linear, inputSize: 3, precision: LayerPrecision(result: .fixed(8, 3)))
        let logvar = Layer(name: "logvar", operation: .linear, inputSize: 3, precision: LayerPrecision(result: .fixed(10, 4)),
                           inputs: [Network.inputName])
        return Network(name: "t", inputSize: 3, inputPrecision: .fixed(10, 4), layers: [mu, logvar, kl])
    }

    /// Both heads are Linear casts of the input x = (0.5, −1, 0), so μ = l = x (every value fits both types):
    /// - l = 0.5: index int(32) + 512 = 544, x = 16·32/1024 = 0.5, e^0.5 = 1.64872122 · 1024 = 1688.29 → rounds to 1688
    ///   → 1.6484375; term 1.6484375 + 0.25 − 0.5 − 1 = 0.3984375;
    /// - l = −1: index int(−64) + 512 = 448, x = −1, e^−1 = 0.36787945 · 1024 = 376.71 → 377 → 0.3681640625;
    ///   term 0.3681640625 + 1 + 1 − 1 = 1.3681640625;
    /// - l = 0: index 512, e^0 = 1; term 1 + 0 − 0 − 1 = 0.
    /// Sum 1.7666015625 (exact in accum_t), halved 0.88330078125; in ap_fixed<16,9> (7 fractional bits, truncated):
    /// 113.06 → raw 113.
    @Test func handWorkedScore() throws {
        let network = network()
        try network.validate()
        let evaluator = try FixedPointEvaluator(network: network)
        #expect(evaluator.evaluate(evaluator.quantizeInput([0.5, -1, 0])) == [113])
        let exact = 0.5 * ((1.6487212707 + 0.25 - 0.5 - 1) + (0.3678794412 + 1 + 1 - 1))
        let float = network.evaluateFloat([0.5, -1, 0])[0]
        #expect(abs(float - exact) < 1e-9)
    }

    /// One tensor holding μ then log σ² (a Dense whose outputs are both heads): the input (0.5, −1, 0, 0.5, −1, 0)
    /// cast to ap_fixed<10,4> gives μ = l = (0.5, −1, 0), the values of the hand-worked case above: raw 113 again.
    @Test func oneTensorHoldingBothHeads() throws {
        var parameters = KLDivergenceParameters()
        parameters.inputTensors = 1
        let z = Layer(name: "z", operation: .linear, inputSize: 6, precision: LayerPrecision(result: .fixed(10, 4)))
        let kl = Layer(name: "kl", operation: .klDivergence(parameters), inputSize: 6,
                       precision: LayerPrecision(result: .fixed(16, 9), accumulator: .fixed(32, 12),
                                                 extra: ["table": KLDivergenceParameters.defaultTablePrecision]))
        let network = Network(name: "t", inputSize: 6, inputPrecision: .fixed(10, 4), layers: [z, kl])
        try network.validate()
        #expect(kl.arity == 1)
        let evaluator = try FixedPointEvaluator(network: network)
        #expect(evaluator.evaluate(evaluator.quantizeInput([0.5, -1, 0, 0.5, -1, 0])) == [113])
        // An odd number of values cannot be split into μ and log σ².
        var odd = network
        odd.layers[0] = Layer(name: "z", operation: .linear, inputSize: 5, precision: LayerPrecision(result: .fixed(10, 4)))
        odd.inputSize = 5
        odd.layers[1].inputSize = 5
        #expect(throws: NetworkError.self) { try odd.validate() }
    }

    /// The table itself: entries 576 (x = 1 → 2784), 480 (x = −0.5 → 621), 1023 (x = 7.984375: e^x = 2935.1 > the
    /// largest ap_fixed<18,8> value 127.999 → saturates to raw 131071), 0 (x = −8: e^−8 · 1024 = 0.34 → 0).
    @Test func tableEntriesSaturate() {
        let table = KLDivergenceParameters().table(in: KLDivergenceParameters.defaultTablePrecision)
        #expect([table[576], table[480], table[1023], table[0]] == [2784, 621, 131_071, 0])
    }

    @Test func inputsMustHaveOneSize() {
        var network = network()
        network.layers[1] = Layer(name: "logvar", operation: .dense(DenseParameters(outputSize: 2, weights: Array(repeating: 0.5, count: 6), biases: [0, 0])),
                                  inputSize: 3, precision: LayerPrecision(result: .fixed(10, 4), weight: .fixed(8, 2), bias: .fixed(8, 2), accumulator: .fixed(24, 10)),
                                  inputs: [Network.inputName])
        network.layers[2].inputSize = 5
        #expect(throws: NetworkError.self) { try network.validate() }
    }
}

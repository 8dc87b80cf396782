import FixedPoint
import Foundation
import NetworkIR
import Scheduling
import Testing
@testable import Design

/// The designs in Designs/ load, with the shapes, order and precisions DESIGN.md describes.
@Suite struct ShippedDesignTests {
    func load(_ name: String) throws -> LoadedDesign {
        try DesignLoader.load(TestSupport.designs.appendingPathComponent(name))
    }

    @Test func flowVelocityShapesAndOrder() throws {
        let design = try load("flow_vt.yml")
        let network = design.network
        #expect(network.name == "flow_vt")
        #expect(network.inputSize == 58)
        #expect(network.inputPrecision == .fixed(18, 8))
        #expect(network.layers.map(\.name) == ["fc1", "fc1_relu", "fc2", "fc2_relu", "fc3", "score"])
        #expect(network.layers.map(\.kindName) == ["Dense", "ReLU", "Dense", "ReLU", "Dense", "SquaredNorm"])
        #expect(network.layers.map(\.inputSize) == [58, 16, 16, 16, 16, 57])
        #expect(network.outputSize == 1)
        // 58·16 + 16 + 16·16 + 16 + 16·57 + 57 = 2,185 parameters, as DESIGN.md counts them.
        let parameters = network.layers.reduce(0) { sum, layer in
            if case let .dense(p) = layer.operation { return sum + p.weights.count + p.biases.count }
            return sum
        }
        #expect(parameters == 2185)
        try network.validate()
    }

    @Test func flowVelocityPrecisions() throws {
        let layers = try load("flow_vt.yml").network.layers
        // fc1, accum auto: n_in = 58 → L = ceil(log2 58) = 6; weight ap_fixed<12,4>, input ap_fixed<18,8>:
        // W = 12 + 18 + 6 = 36, I = 4 + 8 + 6 = 18, F = 18; bias ap_fixed<12,4> (signed like the rest):
        // I = max(18 + 0, 4 + 0) + 1 = 19, W = 19 + max(18, 12 − 4) = 37 → ap_fixed<37,19>.
        #expect(layers[0].precision.accumulator == .fixed(37, 19))
        #expect(layers[0].precision.weight == .fixed(12, 4))
        #expect(layers[0].precision.bias == .fixed(12, 4))
        #expect(layers[0].precision.result == .fixed(18, 8))
        #expect(layers[1].precision.result == .fixed(18, 8))
        // fc2 and fc3, n_in = 16 → L = 4: W = 34, I = 16, F = 18; I = 17, W = 17 + 18 = 35.
        #expect(layers[2].precision.accumulator == .fixed(35, 17))
        #expect(layers[4].precision.accumulator == .fixed(35, 17))
        // Score: Σ of 57 squares of ap_fixed<18,8>: W = 2·18 + 6 = 42, I = 2·8 + 6 = 22.
        #expect(layers[5].precision.accumulator == .fixed(42, 22))
        #expect(layers[5].precision.result == .fixed(24, 16, .truncate, .saturate))
    }

    @Test func flowVelocityOptionsAndWeights() throws {
        let design = try load("flow_vt.yml")
        #expect(design.options.clockPeriodNs == 5)
        #expect(design.options.clockUncertaintyNs == 0.625)
        #expect(design.options.ioType == .parallel)
        #expect(design.options.defaultImplementation == LayerImplementation(reuseFactor: 1, strategy: .latency))
        #expect(design.options.device.name == "xcvu9p-2")
        #expect(design.clockUncertainty == .percent(12.5))
        guard case let .dense(fc1) = design.network.layers[0].operation else {
            Issue.record("fc1 is not Dense")
            return
        }
        #expect(fc1.weights.allSatisfy { abs($0) <= 0.2274 })
        #expect(fc1.biases.allSatisfy { abs($0) <= 0.1 })
        // Seed 101, scale 0.2274: the first kernel value is the first SplitMix64 draw.
        var generator = SplitMix64(seed: 101)
        #expect(fc1.weights[0] == 0.2274 * (2 * Double(generator.next() >> 11) * 0x1p-53 - 1))
        // The same file loads to the same network.
        #expect(try load("flow_vt.yml").network == design.network)
    }

    @Test func variationalEncoder() throws {
        let design = try load("dnn_vae_encoder.yml")
        let network = design.network
        #expect(network.name == "dnn_vae_encoder")
        #expect(network.layers.map(\.name) == ["bn0", "fc1", "bn1", "act1", "fc2", "bn2", "act2", "mu", "logvar", "kl"])
        #expect(network.layers.map(\.kindName) == ["BatchNormalization", "Dense", "BatchNormalization", "LeakyReLU",
                                                   "Dense", "BatchNormalization", "LeakyReLU", "Dense", "Dense", "KLDivergence"])
        #expect(network.layers.map(\.inputSize) == [57, 57, 32, 32, 32, 16, 16, 16, 16, 6])
        #expect(network.layers[8].inputs == ["act2"] && network.layers[9].inputs == ["mu", "logvar"])
        // Two outputs: μ (3) and the score (1).
        #expect(network.outputs == ["mu", "kl"])
        #expect(network.outputSize == 4)
        #expect(network.layers[9].precision.result == .fixed(16, 9, .round, .saturate))
        let result = Precision.fixed(8, 3, .round, .saturate)
        #expect(network.inputPrecision == result)
        #expect(network.layers.dropLast().allSatisfy { $0.precision.result == result })
        // fc1: input ap_fixed<8,3>, weight ap_fixed<8,1>, n_in 57 → L = 6: W = 22, I = 10, F = 12;
        // bias ap_fixed<8,3>: I = max(10, 3) + 1 = 11, W = 11 + max(12, 5) = 23.
        #expect(network.layers[1].precision.accumulator == .fixed(23, 11))
        // fc2: n_in 32 → L = 5: W = 21, I = 9 → I = 10, W = 22. mu: n_in 16 → L = 4: I = 9, W = 21.
        #expect(network.layers[4].precision.accumulator == .fixed(22, 10))
        #expect(network.layers[7].precision.accumulator == .fixed(21, 9))
        // α = 0.3 → minimal_kif: k = 0, i = −1, f = 32 → W = min(31, 8) = 8, I = −1.
        #expect(network.layers[3].precision.parameter == .ufixed(8, -1))
        #expect(network.layers[0].precision.weight == .fixed(8, 3))
        #expect(network.layers[0].precision.bias == .fixed(8, 3))
        #expect(design.options.clockPeriodNs == 5)
        // BatchNorm statistics: γ ∈ [0.5, 1.5], var ∈ [0.5, 2] → scale ∈ [0.5/√2.001, 1.5/√0.501].
        for index in [0, 2, 5] {
            guard case let .batchNormalization(bn) = network.layers[index].operation else {
                Issue.record("layer \(index) is not BatchNormalization")
                continue
            }
            #expect(bn.scale.allSatisfy { $0 >= 0.5 / 2.001.squareRoot() && $0 <= 1.5 / 0.501.squareRoot() })
            #expect(Set(bn.scale).count > 1)
        }
        try network.validate()
    }
}

/// A clock beyond the device profile's fastest (issue #10): a warning note, at load and on `--clock-period`.
struct ClockLimitTests {
    func load() throws -> LoadedDesign {
        try DesignLoader.load(TestSupport.designs.appendingPathComponent("flow_vt.yml"))
    }

    // xcvu9p-2 states 775 MHz. 1.25 ns is 800 MHz: beyond; 1.3 ns is 769 MHz and 5 ns 200 MHz: fine.
    @Test func clockBeyondTheProfileIsWarned() throws {
        let design = try load()
        #expect(design.options.device.maximumClockMHz == 775)
        #expect(!design.notes.contains { $0.contains("maximumClockMHz") })
        let fast = design.applying(clockPeriodNs: 1.25)
        #expect(fast.notes.contains("warning: ClockPeriod 1.25 ns (800 MHz) is beyond the xcvu9p-2 profile's 775 MHz (maximumClockMHz): "
                                    + "the schedule assumes registers the device cannot clock that fast"))
        #expect(!design.applying(clockPeriodNs: 1.3).notes.contains { $0.contains("maximumClockMHz") })
    }
}

import Foundation
import Testing
import Design
import FixedPoint
import NetworkIR
import Scheduling
import Simulation
import HDF5
@testable import CrossCheck

/// Every pooling, padding and upsampling kind and a per-channel BatchNormalization in one graph:
/// (7, 6, 2) → BatchNorm (one scale/shift per channel) → ZeroPadding2D ((1, 0), (0, 1)) to (8, 7, 2), cast to an
/// unsigned type (so the max pad value is the +half-range quirk) → MaxPooling2D 3×3 stride 2 same (pads 0, 1, 1, 1)
/// → (4, 4, 2) → UpSampling2D (2, 1) → (8, 4, 2) → AveragePooling2D (3, 2) stride (3, 2) same (pads 0, 1, 0, 0:
/// windows of 6 and of 4 pixels) → (3, 2, 2) → Reshape (6, 2) → AveragePooling1D 2 stride 1 → (5, 2), cast to a
/// signed type → ZeroPadding1D (1, 2) → (8, 2) → UpSampling1D 2 → (16, 2) → MaxPooling1D 3 stride 2 same (the
/// signed pad value, pad right 1) → (8, 2); the global
/// poolings read (8, 4, 2), (3, 2, 2) and the last (8, 2) and (8, 2); two Concatenates and an Add join them (4).
let poolingDesign = """
name: pooling_mix
input: { shape: [7, 6, 2], precision: "ap_fixed<10,4>" }
config:
  Model: { Precision: { default: "ap_fixed<16,6>", accum: auto, result: auto } }
  LayerName:
    bn: { Precision: { scale: "ap_fixed<8,2>", bias: "ap_fixed<8,2>", result: "ap_fixed<12,5,AP_RND,AP_SAT>" } }
    zp: { Precision: { result: "ap_ufixed<10,4>" } }
    ap1: { Precision: { accum: "ap_ufixed<11,5>", result: "ap_fixed<10,4>" } }
layers:
  - { name: bn, class: BatchNormalization, scale: [0.75, -1.25], shift: [0.5, -0.25] }
  - { name: zp, class: ZeroPadding2D, padding: [[1, 0], [0, 1]] }
  - { name: mp, class: MaxPooling2D, pool_size: 3, strides: 2, padding: same }
  - { name: up, class: UpSampling2D, size: [2, 1] }
  - { name: gap2, class: GlobalAveragePooling2D, inputs: [up] }
  - { name: ap, class: AveragePooling2D, inputs: [up], pool_size: [3, 2], strides: [3, 2], padding: same }
  - { name: gmp2, class: GlobalMaxPooling2D, inputs: [ap] }
  - { name: r, class: Reshape, inputs: [ap], target_shape: [6, 2] }
  - { name: ap1, class: AveragePooling1D, pool_size: 2, strides: 1 }
  - { name: zp1, class: ZeroPadding1D, padding: [1, 2] }
  - { name: up1, class: UpSampling1D, size: 2 }
  - { name: mp1, class: MaxPooling1D, pool_size: 3, strides: 2, padding: same }
  - { name: gap1, class: GlobalAveragePooling1D }
  - { name: gmp1, class: GlobalMaxPooling1D, inputs: [mp1] }
  - { name: c1, class: Concatenate, inputs: [gmp2, gap1] }
  - { name: c2, class: Concatenate, inputs: [gap2, gmp1] }
  - { name: total, class: Add, inputs: [c1, c2] }
"""

struct PoolingCrossCheckTests {
    @Test func designParsesEveryKind() throws {
        let loaded = try ConvolutionCrossCheckTests.load(poolingDesign, name: "pooling_mix")
        let network = loaded.network
        #expect(network.layers.map(\.kindName) == [
            "BatchNormalization", "ZeroPadding2D", "MaxPooling2D", "UpSampling2D", "GlobalAveragePooling2D", "AveragePooling2D",
            "GlobalMaxPooling2D", "AveragePooling1D", "ZeroPadding1D", "UpSampling1D", "MaxPooling1D", "GlobalAveragePooling1D",
            "GlobalMaxPooling1D", "Concatenate", "Concatenate", "Add"])
        // The per-channel BatchNorm is repeated for each of the 42 pixels.
        guard case let .batchNormalization(bn) = network.layers[0].operation else { return }
        #expect(bn.scale.count == 84 && bn.scale[2] == 0.75 && bn.scale[3] == -1.25 && bn.shift[83] == -0.25)
        guard case let .pooling(mp) = network.layers[2].operation, case let .pooling(ap) = network.layers[5].operation else { return }
        #expect(mp.pads == (0, 1, 1, 1) && mp.outputShape == TensorShape([4, 4, 2]))
        #expect(ap.pads == (0, 1, 0, 0) && Set(ap.windows().map(\.count)) == [6, 4])
        // hls4ml's auto types: max accum = result = the input type; average accum W + 2e, I + e (window 6: e = 3).
        #expect(network.layers[2].precision.accumulator == .ufixed(10, 4) && network.layers[2].precision.result == .ufixed(10, 4))
        #expect(network.layers[5].precision.accumulator == .ufixed(16, 7))
        #expect(network.layers[4].precision.accumulator == .fixed(16, 6))   // global: the model default
        #expect(network.layers[10].precision.accumulator == .fixed(10, 4))  // mp1 reads ap1's signed result
        #expect(network.outputSize == 4)
    }

    /// Every channel transfer and output bit agree with the simulator at 1.6 ns and at 4 ns with a sink that
    /// takes results in 3 of 4 cycles, and the outputs equal the bit-exact evaluation.
    @Test(.enabled(if: verilatorAvailable, "verilator is not on PATH"), arguments: [(1.6, "1"), (4.0, "1101")])
    func everyKindIsBitExactInRTL(clockNs: Double, outReady: String) throws {
        let loaded = try ConvolutionCrossCheckTests.load(poolingDesign, name: "pooling_mix").applying(clockPeriodNs: clockNs)
        let inputs = InputVectors.random(count: 24, size: 84, seed: 51).map { $0.map { $0 * 4 } }
        let run = try crossCheck(loaded.network, options: loaded.options, inputs: inputs, outReady: outReady, directory: "pooling_mix-\(clockNs)ns")
        #expect(run.comparison.comparedTransfers == 24 * run.schedule.graph.channels.count)
        #expect(Set(run.trace.outputs.flatMap { $0 }).count > 20)
        #expect(run.schedule.initiationInterval == 1)
    }
}

/// The shipped CNN designs imported from the fixtures (`Designs/cnn_vae_encoder.yml`, `Designs/cnn_ae.yml`) in
/// Verilator on each fixture's first 32 inputs. Their Verilator builds (no tracing) took 80 s and 71 s, run side by side (then cached);
/// `pipewright verify`, which also traces, took 173 s and 162 s.
struct CNNDesignCrossCheckTests {
    static func inputs(_ model: String, count: Int) throws -> [[Double]] {
        let file = try HDF5File.open(repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/fixtures/hls4ml/\(model)_vectors.h5"))
        let (shape, values) = try file.readFloats("x")
        let size = shape.dropFirst().reduce(1, *)
        return (0..<count).map { row in values[(row * size)..<((row + 1) * size)].map(Double.init) }
    }

    /// Every channel transfer and output bit agree; the two outputs (the model's own output, z_mu_logvar or the
    /// reconstruction, beside the KL or squared-error score) equal the bit-exact evaluation (whose network up to the
    /// score is hls4ml's C simulation, CNNPoolingFixtureTests). The designs keep hls4ml's default ParallelizationFactor
    /// 1, as the fixtures' configs: every convolution loops over its output pixels, one per cycle, so its II is its
    /// pixel count (cnn_vae_encoder: conv1 (18, 1) → 18, conv2 (6, 1) → 6; cnn_ae: all three 12 × 4 = 48) and its
    /// latency that count − 1 plus its datapath's registers. At 5 ns the designs take 52 cycles (II 18) and 171 cycles
    /// (II 48); with every pixel at once (`--parallelization-factor 18` and `48`) 29 and 28 cycles at II 1.
    @Test(.enabled(if: verilatorAvailable, "verilator is not on PATH"), arguments: [("cnn_vae_encoder", 52, 18), ("cnn_ae", 171, 48)])
    func shippedDesignIsBitExactInRTL(model: String, latency: Int, interval: Int) throws {
        let loaded = try DesignLoader.load(repositoryRoot.appendingPathComponent("Designs/\(model).yml"))
        let inputs = try Self.inputs(model, count: 32)
        let run = try crossCheck(loaded.network, options: loaded.options, inputs: inputs, directory: "\(model)")
        print("\(model): Verilator build \(run.buildSeconds) s")
        #expect(run.trace.outputs.allSatisfy { $0.count == (model == "cnn_ae" ? 48 + 1 : 6 + 1) })
        for (layer, block) in zip(loaded.network.layers, run.schedule.blocks) {
            guard case let .convolution(c) = layer.operation else { continue }
            let pixels = c.outputHeight * c.outputWidth
            #expect(block.partitions == pixels && block.initiationInterval == pixels, "\(layer.name)")
            #expect(block.latencyCycles == pixels - 1 + block.steps.reduce(0) { $0 + $1.registersAfter }, "\(layer.name)")
        }
        #expect(run.schedule.latencyCycles == latency && run.schedule.initiationInterval == interval)
        #expect(run.comparison.rtl.latencies.first == latency)
    }
}

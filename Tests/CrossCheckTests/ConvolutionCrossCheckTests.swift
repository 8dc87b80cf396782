import Foundation
import Testing
import Design
import FixedPoint
import NetworkIR
import Scheduling
import Simulation
@testable import CrossCheck

/// A small CNN: 6×5×2 → Conv2D 3 filters 3×3 same padding with bias → ReLU → Flatten (90) → Dense 4.
let smallConvDesign = """
name: small_conv
input: { shape: [6, 5, 2], precision: "ap_fixed<10,4>" }
config:
  Model: { Precision: { default: "ap_fixed<16,6>", weight: "ap_fixed<8,2>", bias: "ap_fixed<8,2>", accum: auto, result: auto } }
  LayerName:
    conv_relu: { Precision: { result: "ap_ufixed<10,5,AP_RND,AP_SAT>" } }
layers:
  - name: conv
    class: Conv2D
    filters: 3
    kernel_size: [3, 3]
    padding: same
    activation: relu
    kernel: { random: { seed: 11, scale: 0.6, sparsity: 0.1 } }
    bias: { random: { seed: 12, scale: 0.3 } }
  - { name: flat, class: Flatten }
  - name: fc
    class: Dense
    units: 4
    kernel: { random: { seed: 13, scale: 0.3 } }
    bias: { random: { seed: 14, scale: 0.2 } }
"""

struct ConvolutionCrossCheckTests {
    static func load() throws -> LoadedDesign {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pipewright-small-conv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("small_conv.yml")
        try smallConvDesign.write(to: url, atomically: true, encoding: .utf8)
        return try DesignLoader.load(url, profileSearchPaths: [repositoryRoot.appendingPathComponent("Profiles")])
    }

    /// The conv block at two clocks, the second with a sink that takes results in 3 of 4 cycles: every channel
    /// transfer and every output bit agree with the simulator, and the outputs equal the bit-exact evaluation.
    @Test(.enabled(if: verilatorAvailable, "verilator is not on PATH"), arguments: [(2.5, "1"), (5.0, "1101")])
    func smallConvIsBitExactInRTL(clockNs: Double, outReady: String) throws {
        let loaded = try Self.load().applying(clockPeriodNs: clockNs)
        #expect(loaded.network.layers.map(\.kindName) == ["Conv2D", "ReLU", "Dense"])
        #expect(loaded.network.inputShape == TensorShape([6, 5, 2]))
        let inputs = InputVectors.random(count: 16, size: 60, seed: 21).map { $0.map { $0 * 4 } }
        let run = try Verification.run(network: loaded.network, options: loaded.options, inputs: inputs,
                                       outReadyPattern: SimulationOptions.pattern(outReady)!,
                                       buildDirectory: FileManager.default.temporaryDirectory.appendingPathComponent("pipewright-crosscheck/small_conv-\(clockNs)ns"))
        #expect(run.comparison.matches, "first difference: \(run.comparison.mismatches.first?.description ?? "")")
        #expect(run.comparison.comparedTransfers == 16 * run.schedule.graph.channels.count)
        let evaluator = FixedPointEvaluator(network: loaded.network)
        #expect(run.trace.outputs == inputs.map { evaluator.evaluate(evaluator.quantizeInput($0)) })
        #expect(run.schedule.initiationInterval == 1)
        let expected = run.schedule.blocks.reduce(0) { $0 + $1.latencyCycles }
        #expect(run.schedule.latencyCycles == expected)
        if outReady == "1" { #expect(run.comparison.rtl.latencies.first == expected) }
    }
}

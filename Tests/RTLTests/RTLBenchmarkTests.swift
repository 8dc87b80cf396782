import FixedPoint
import Foundation
import NetworkIR
@testable import RTL
import Toolchain
import Scheduling
import Testing

/// The 58→16→16→57 network of the brief, with random 12-bit weights.
func largeNetwork() -> Network {
    var generator = SeededGenerator(seed: 2026)
    func dense(_ name: String, _ inputs: Int, _ outputs: Int) -> Layer {
        let weights = (0..<(inputs * outputs)).map { _ in Double.random(in: -2...2, using: &generator) }
        let biases = (0..<outputs).map { _ in Double.random(in: -1...1, using: &generator) }
        return Layer(name: name, operation: .dense(DenseParameters(outputSize: outputs, weights: weights, biases: biases)),
                     inputSize: inputs, precision: LayerPrecision(result: .fixed(18, 8), weight: .fixed(12, 4), bias: .fixed(12, 4),
                                                                  accumulator: .fixed(40, 16)))
    }
    return Network(name: "big_net", inputSize: 58, inputPrecision: .fixed(18, 8), layers: [
        dense("fc1", 58, 16), Layer(name: "relu1", operation: .relu, inputSize: 16, precision: LayerPrecision(result: .fixed(18, 8))),
        dense("fc2", 16, 16), Layer(name: "relu2", operation: .relu, inputSize: 16, precision: LayerPrecision(result: .fixed(18, 8))),
        dense("fc3", 16, 57),
    ])
}

/// Build time and speed of the large network: runs only with PIPEWRIGHT_RTL_BENCH=1 (about 2 minutes).
@Suite(.serialized) struct RTLBenchmarkTests {
    @Test(.enabled(if: verilatorInstalled, "verilator is not on PATH (make test installs it)"),
          .enabled(if: ProcessInfo.processInfo.environment["PIPEWRIGHT_RTL_BENCH"] == "1", "opt-in: set PIPEWRIGHT_RTL_BENCH=1 (about 2 minutes)"),
          arguments: [(1, 2.5), (1, 10.0), (4, 2.5), (4, 10.0)])
    func largeNetworkBuildAndSpeed(reuseFactor: Int, clockNs: Double) throws {
        let network = largeNetwork()
        let plan = try schedule(network, clockNs: clockNs, reuseFactor: reuseFactor)
        let start = Date()
        let design = try RTLGenerator.generate(network: network, schedule: plan)
        let generateSeconds = Date().timeIntervalSince(start)
        let directory = ModelCache.root.appendingPathComponent("bench-rf\(reuseFactor)_\(clockNs)")
        try VerilatorRunner.lint(design: design, directory: directory.appendingPathComponent("lint"))
        let model = try VerilatorRunner.build(design: design, directory: directory)
        let inputs = randomInputs(count: 20_000, elements: 58, precision: network.inputPrecision, seed: 5)
        let trace = try model.run(inputs: inputs, outReadyPattern: "1", maxCycles: 10_000_000)
        let evaluator = try FixedPointEvaluator(network: network)
        #expect(trace.outputs == inputs.map(evaluator.evaluate))
        #expect(trace.transferCycles == expectedTransfers(plan, tokens: inputs.count))
        let lines = design.files.reduce(0) { $0 + $1.text.split(separator: "\n").count }
        print(String(format: "BENCH RF %d clock %.1f ns: latency %d cycles, II %d, %d Verilog lines, generate %.2f s, "
                     + "build %.1f s (cached: %@), %d cycles in %.2f s = %.0f cycles/s",
                     reuseFactor, clockNs, plan.latencyCycles, plan.initiationInterval, lines, generateSeconds,
                     model.buildSeconds, model.reusedCache ? "yes" : "no", trace.cycles, trace.simulationSeconds,
                     Double(trace.cycles) / trace.simulationSeconds))
    }
}

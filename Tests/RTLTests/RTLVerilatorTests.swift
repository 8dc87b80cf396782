import FixedPoint
import Foundation
import NetworkIR
@testable import RTL
import Toolchain
import Scheduling
import Testing

/// Expected transfer cycles with out_ready always 1, from the schedule alone (docs/timing.md): token k
/// enters at k·II and crosses channel m at entry + Σ_{b<m} D_b.
func expectedTransfers(_ plan: DesignSchedule, tokens: Int) -> [[Int]] {
    var offsets = [0]
    for block in plan.blocks { offsets.append(offsets.last! + block.latencyCycles) }
    return offsets.map { offset in (0..<tokens).map { $0 * plan.initiationInterval + offset } }
}

@Suite(.serialized) struct RTLVerilatorTests {
    static let clocks: [Double] = [2.5, 5, 10]

    @Test(.enabled(if: verilatorInstalled, "verilator is not on PATH (make test installs it)")) func generatedVerilogLintsClean() throws {
        var designs: [(String, Network, Double, Int)] = []
        for rf in [1, 2, 3, 4] { for clock in RTLVerilatorTests.clocks { designs.append(("rf\(rf)_\(clock)", reuseNetwork(), clock, rf)) } }
        designs.append(("modes_2.5", modesNetwork(), 2.5, 1))
        designs.append(("modes_10", modesNetwork(), 10, 1))
        for (key, network, clock, rf) in designs {
            let design = try RTLGenerator.generate(network: network, schedule: try schedule(network, clockNs: clock, reuseFactor: rf))
            let directory = ModelCache.root.appendingPathComponent("lint-\(key)")
            #expect(throws: Never.self, "lint \(key)") { try VerilatorRunner.lint(design: design, directory: directory) }
        }
    }

    @Test(.enabled(if: verilatorInstalled, "verilator is not on PATH (make test installs it)"), arguments: [1, 2, 3, 4], RTLVerilatorTests.clocks)
    func reuseFactorTimingAndBits(reuseFactor: Int, clockNs: Double) async throws {
        let network = reuseNetwork()
        let plan = try schedule(network, clockNs: clockNs, reuseFactor: reuseFactor)
        // Latency strategy: a Dense block's II is min(RF, D) (its weights all have ≤ 2 signed digits: nothing is
        // shared, so D is the RF 1 latency); the design's II is the largest block II.
        let dense = plan.blocks.filter { $0.kind == "Dense" }
        for block in dense { #expect(block.initiationInterval == min(reuseFactor, block.latencyCycles)) }
        #expect(plan.initiationInterval == dense.map(\.initiationInterval).max())
        let design = try RTLGenerator.generate(network: network, schedule: plan)
        let model = try await ModelCache.shared.model("rf\(reuseFactor)_\(clockNs)", design: design)
        let inputs = randomInputs(count: 40, elements: 7, precision: network.inputPrecision, seed: UInt64(reuseFactor * 100) + UInt64(clockNs * 10))
        let trace = try model.run(inputs: inputs, outReadyPattern: "1", maxCycles: 10_000)
        let evaluator = try FixedPointEvaluator(network: network)
        #expect(trace.outputs == inputs.map(evaluator.evaluate))
        #expect(trace.transferCycles == expectedTransfers(plan, tokens: inputs.count))
        #expect(trace.cycles == (inputs.count - 1) * plan.initiationInterval + plan.latencyCycles + 1)
    }

    /// The Resource strategy's RF groups with an accumulator: d1 (7 × 4) at RF 7, d2 (4 × 3) snapped to hls4ml's
    /// closest valid Resource RF; II = the largest block RF.
    @Test(.enabled(if: verilatorInstalled, "verilator is not on PATH (make test installs it)"))
    func resourceStrategyTimingAndBits() async throws {
        let network = reuseNetwork()
        let plan = try schedule(network, clockNs: 5, reuseFactor: 7, strategy: .resource)
        #expect(plan.blocks[0].reuseFactor == 7 && plan.blocks[0].groups == 7 && plan.blocks[0].products == nil)
        #expect(plan.initiationInterval == plan.blocks.filter { $0.kind == "Dense" }.map(\.reuseFactor).max())
        let model = try await ModelCache.shared.model("resource_rf7_5.0", design: try RTLGenerator.generate(network: network, schedule: plan))
        let inputs = randomInputs(count: 30, elements: 7, precision: network.inputPrecision, seed: 77)
        let trace = try model.run(inputs: inputs, outReadyPattern: "1", maxCycles: 10_000)
        #expect(trace.outputs == inputs.map(try FixedPointEvaluator(network: network).evaluate))
        #expect(trace.transferCycles == expectedTransfers(plan, tokens: inputs.count))
    }

    @Test(.enabled(if: verilatorInstalled, "verilator is not on PATH (make test installs it)"), arguments: ["1011", "0110", "1101100"])
    func backpressureKeepsBitsAndOrder(pattern: String) async throws {
        let network = reuseNetwork()
        let plan = try schedule(network, clockNs: 5, reuseFactor: 2)
        let model = try await ModelCache.shared.model("rf2_5.0", design: try RTLGenerator.generate(network: network, schedule: plan))
        let inputs = randomInputs(count: 50, elements: 7, precision: network.inputPrecision, seed: 7)
        let trace = try model.run(inputs: inputs, outReadyPattern: pattern, maxCycles: 10_000)
        #expect(trace.outputs == inputs.map(try FixedPointEvaluator(network: network).evaluate))
        let pattern = Array(pattern)
        for channel in trace.transferCycles.indices {
            let cycles = trace.transferCycles[channel]
            #expect(cycles.count == inputs.count)
            #expect(zip(cycles, cycles.dropFirst()).allSatisfy { $0 < $1 })
            if channel > 0 {
                // A token leaves a block no earlier than its latency after it entered.
                let d = plan.blocks[channel - 1].latencyCycles
                #expect(zip(trace.transferCycles[channel - 1], cycles).allSatisfy { $1 - $0 >= d })
            }
        }
        // Output transfers happen only in cycles where out_ready is high.
        #expect(trace.transferCycles.last!.allSatisfy { pattern[$0 % pattern.count] == "1" })
    }

    @Test(.enabled(if: verilatorInstalled, "verilator is not on PATH (make test installs it)"), arguments: [2.5, 10.0])
    func everyRoundingAndOverflowModeIsBitExact(clockNs: Double) async throws {
        let network = modesNetwork()
        let plan = try schedule(network, clockNs: clockNs)
        let model = try await ModelCache.shared.model("modes_\(clockNs)", design: try RTLGenerator.generate(network: network, schedule: plan))
        let inputs = randomInputs(count: 400, elements: network.inputSize, precision: network.inputPrecision, seed: 99)
        let evaluator = try FixedPointEvaluator(network: network)
        let trace = try model.run(inputs: inputs, outReadyPattern: clockNs < 5 ? "1" : "1101", maxCycles: 100_000)
        #expect(trace.outputs == inputs.map(evaluator.evaluate))
        if clockNs < 5 { #expect(trace.transferCycles == expectedTransfers(plan, tokens: inputs.count)) }
        // The test vectors really exercise saturation and ties: check on the reference model.
        let all = inputs.map(evaluator.evaluateAllLayers)
        for (index, layer) in network.layers.enumerated()
        where [.saturate, .saturateSymmetric].contains(layer.precision.result.overflow) {
            let result = layer.precision.result
            let saturated = all.contains { $0[index].contains { $0 == result.maxRaw || $0 == result.minRaw } }
            #expect(saturated, "layer \(layer.name) never reaches its range limits")
        }
    }

    @Test(.enabled(if: verilatorInstalled, "verilator is not on PATH (make test installs it)")) func vcdIsWrittenAtTheDesignClock() async throws {
        let network = reuseNetwork()
        let plan = try schedule(network, clockNs: 2.5, reuseFactor: 3)
        let model = try await ModelCache.shared.model("rf3_2.5", design: try RTLGenerator.generate(network: network, schedule: plan))
        let vcd = model.directory.appendingPathComponent("test.vcd")
        let inputs = randomInputs(count: 5, elements: 7, precision: network.inputPrecision, seed: 3)
        let trace = try model.run(inputs: inputs, waveformPath: vcd, maxCycles: 1000)
        let text = try String(contentsOf: vcd, encoding: .utf8)
        #expect(text.contains("$var wire  1"))
        #expect(text.contains(" in_valid "))
        // Reset cycles 0 and 1, then trace.cycles cycles of 2500 ps; the last dump closes the run.
        #expect(text.contains("\n#\((trace.cycles + 2) * 2500)\n"))
        #expect(text.contains("\n#1250\n"))
    }

    @Test(.enabled(if: verilatorInstalled, "verilator is not on PATH (make test installs it)")) func invalidPatternIsRejected() async throws {
        let network = reuseNetwork()
        let plan = try schedule(network, clockNs: 5, reuseFactor: 2)
        let model = try await ModelCache.shared.model("rf2_5.0", design: try RTLGenerator.generate(network: network, schedule: plan))
        #expect(throws: VerilatorError.self) { try model.run(inputs: [], outReadyPattern: "1x") }
    }
}

/// Issue #10: a BatchNormalization whose scales are zero, or round to zero in their precision, used to leave
/// its input wires unread and fail `verilator -Wall`. Every valid design must lint clean.
struct ZeroScaleLintTests {
    @Test(.enabled(if: verilatorInstalled, "verilator is not on PATH (make test installs it)"), arguments: [
        [0.0, 0.0, 0.0],          // exactly zero
        [0.01, -0.02, 0.0],       // below ap_fixed<4,1>'s LSB of 0.125: round (truncate) to zero
        [0.0, 0.5, 0.0],          // only some
    ])
    func zeroScalesLintClean(_ scale: [Double]) throws {
        let network = Network(name: "zero_scale", inputSize: 3, inputPrecision: .fixed(8, 3), layers: [
            Layer(name: "bn", operation: .batchNormalization(BatchNormParameters(scale: scale, shift: [0.25, 0, -0.5])),
                  inputSize: 3, precision: LayerPrecision(result: .fixed(8, 3), weight: .fixed(4, 1), bias: .fixed(8, 3))),
        ])
        try network.validate()
        let design = try RTLGenerator.generate(network: network, schedule: schedule(network, clockNs: 5))
        let directory = ModelCache.root.appendingPathComponent("lint-zero-scale-\(scale.map { "\($0)" }.joined(separator: "_"))")
        #expect(throws: Never.self) { try VerilatorRunner.lint(design: design, directory: directory) }
    }
}

/// Found by the random-design cross-check (seeds 275, 303, 323): a signed AP_SAT_SYM result is never the most
/// negative value (Xilinx's ap_fixed, see Precision.quantize), so an in-range value equal to it becomes −max.
/// The RTL kept it; the simulator did not.
struct SymmetricSaturationTests {
    @Test(.enabled(if: verilatorInstalled, "verilator is not on PATH (make test installs it)"))
    func mostNegativeValueBecomesMinusMax() async throws {
        // ap_fixed<8,3> → ap_fixed<8,3,AP_TRN,AP_SAT_SYM> (same width: no overflow is possible, only the symmetric rule)
        // and → ap_fixed<6,1,AP_TRN,AP_SAT_SYM> (narrower: −4 overflows, −1 is exactly the most negative, raw −32).
        let network = Network(name: "sat_sym", inputSize: 3, inputPrecision: .fixed(8, 3), layers: [
            Layer(name: "same", operation: .linear, inputSize: 3, precision: LayerPrecision(result: .fixed(8, 3, .truncate, .saturateSymmetric))),
            Layer(name: "narrow", operation: .linear, inputSize: 3, precision: LayerPrecision(result: .fixed(6, 1, .truncate, .saturateSymmetric))),
        ])
        let inputs: [[Int64]] = [[-128, -32, 5], [-127, -33, -31]]    // −4, −1, 0.15625 | −3.96875, −1.03125, −0.96875
        // same: −128 → −127, others kept. narrow (5 fractional bits, raw −32…31, −max = −31):
        //   −3.96875 → low overflow → −31; −1 → raw −32 → −31; −1.03125 → −31; −0.96875 → −31 (in range, kept);
        //   0.15625 → raw 5; −4 → −31.
        let expected: [[Int64]] = [[-31, -31, 5], [-31, -31, -31]]
        let evaluator = try FixedPointEvaluator(network: network)
        #expect(inputs.map(evaluator.evaluate) == expected)
        let model = try await ModelCache.shared.model("sat_sym", design: try RTLGenerator.generate(network: network, schedule: schedule(network, clockNs: 5)))
        #expect(try model.run(inputs: inputs).outputs == expected)
    }
}

/// `VerilatorOptimization`: the quick build (-O0) reaches the build, is a different build from the optimized one,
/// and both models compute the same transfers and bits.
struct VerilatorOptimizationTests {
    @Test(.enabled(if: verilatorInstalled, "verilator is not on PATH (make test installs it)"))
    func quickAndOptimizedBuildsAgree() throws {
        let network = reuseNetwork()
        let plan = try schedule(network, clockNs: 5, reuseFactor: 2)
        let design = try RTLGenerator.generate(network: network, schedule: plan)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pipewright-opt-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let inputs = randomInputs(count: 20, elements: 7, precision: network.inputPrecision, seed: 5)
        var traces: [(cycles: [[Int]], outputs: [[Int64]])] = []
        for optimization in [VerilatorOptimization.quickBuild, .optimized] {
            let model = try VerilatorRunner.build(design: design, directory: directory, waveform: nil, optimization: optimization)
            #expect(!model.reusedCache, "changing the optimization rebuilds")
            let flags = try String(contentsOf: directory.appendingPathComponent("build.flags"), encoding: .utf8)
            #expect(flags.contains("OPT_FAST=-O0") == (optimization == .quickBuild), "\(flags)")
            let trace = try model.run(inputs: inputs, outReadyPattern: "1101", maxCycles: 10_000)
            traces.append((trace.transferCycles, trace.outputs))
            #expect(trace.outputs == inputs.map(try FixedPointEvaluator(network: network).evaluate))
        }
        #expect(traces[0].cycles == traces[1].cycles && traces[0].outputs == traces[1].outputs)
    }
}

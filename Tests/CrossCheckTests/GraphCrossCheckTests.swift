import Foundation
import Testing
import Design
import FixedPoint
import NetworkIR
import Scheduling
import Simulation
@testable import CrossCheck

/// The dataflow designs (forks, joins, delay lines) through simulator and Verilator.
let graphMatrix = crossCheckMatrix(["dnn_vae_encoder", "dnn_ae"], reuseFactors: [1, 2], clocks: [2.5, 5.0]) { ($0 + $1) % 2 == 1 }

/// Every merge kind in mixed precisions and modes, with forks everywhere and delay lines on the short branches.
let everyMergeDesign = """
name: every_merge
input: { size: 4, precision: "ap_fixed<10,4,AP_RND,AP_SAT>" }
config:
  ClockPeriod: 2.5
  Model: { Precision: "ap_fixed<10,4>" }
  LayerName:
    a: { Precision: { result: "ap_ufixed<8,3>" } }
    b: { Precision: { result: "ap_fixed<7,2,AP_RND_CONV,AP_SAT>" } }
    add: { Precision: { result: auto } }
    sub: { Precision: { result: "ap_fixed<8,3,AP_RND,AP_SAT_SYM>" } }
    mul: { Precision: { result: "ap_fixed<12,5,AP_RND_INF,AP_WRAP>" } }
    avg: { Precision: { result: "ap_fixed<10,4>" } }
    mx: { Precision: { result: "ap_fixed<10,5>" } }
    mn: { Precision: { result: "ap_fixed<9,4,AP_TRN_ZERO,AP_SAT>" } }
    cat: { Precision: { result: auto } }
layers:
  - { name: a, class: ReLU }
  - { name: b, class: Linear, inputs: input }
  - { name: add, class: Add, inputs: [a, b] }
  - { name: sub, class: Subtract, inputs: [b, a] }
  - { name: mul, class: Multiply, inputs: [add, sub] }
  - { name: avg, class: Average, inputs: [mul, input] }
  - { name: mx, class: Maximum, inputs: [avg, a] }
  - { name: mn, class: Minimum, inputs: [mx, sub] }
  - { name: cat, class: Concatenate, inputs: [mn, add] }
"""

struct GraphCrossCheckTests {
    @Test(.enabled(if: verilatorAvailable, "verilator is not on PATH"), arguments: graphMatrix)
    func simulatorAndRTLAgreeOnGraphs(_ check: CrossCheckCase) throws {
        let loaded = try DesignLoader.load(repositoryRoot.appendingPathComponent("Designs/\(check.design).yml"))
            .applying(reuseFactor: check.reuseFactor, clockPeriodNs: check.clockPeriodNs)
        let inputs = InputVectors.random(count: 12, size: loaded.network.inputSize, seed: UInt64(check.reuseFactor * 10) + UInt64(check.clockPeriodNs))
        let run = try crossCheck(loaded.network, options: loaded.options, inputs: inputs, outReady: check.outReady, directory: "\(check.design)-rf\(check.reuseFactor)-\(check.clockPeriodNs)ns")
        #expect(run.comparison.comparedTransfers == 12 * run.schedule.graph.channels.count)

        // The longest path, composed here from the block latencies: dnn_ae runs every block in sequence (the
        // input waits in the delay line); the VAE runs the trunk, the slower head, then the KL score.
        func latency(_ name: String) -> Int { run.schedule.blocks.first { $0.layerName == name }!.latencyCycles }
        let expected: Int
        if check.design == "dnn_ae" {
            expected = run.schedule.blocks.reduce(0) { $0 + $1.latencyCycles }
            #expect(run.schedule.graph.fifos.map(\.name) == ["in_to_error_dl"])
            #expect(run.schedule.graph.fifos[0].depth == (expected - latency("error") - latency("score")) / check.reuseFactor + 1)
        } else {
            let trunk = ["bn0", "fc1", "bn1", "act1", "fc2", "bn2", "act2"].map(latency).reduce(0, +)
            expected = trunk + max(latency("mu"), latency("logvar")) + latency("kl")
            #expect(run.schedule.graph.forks.map(\.name) == ["act2_fork", "mu_fork"])
            // Two outputs, μ and the score: μ waits for the score in a delay line of ⌊Δ / II⌋ + 1, Δ the cycles
            // between μ's result and the score's (the design II is the largest block II, min(RF, D) of a Dense).
            let skew = expected - trunk - latency("mu")
            let interval = run.schedule.blocks.map(\.initiationInterval).max()!
            let outputLine = try #require(run.schedule.graph.fifos.first { $0.name == "mu_to_out_dl" })
            #expect(outputLine.depth == skew / interval + 1)
            #expect(run.trace.outputs.allSatisfy { $0.count == 4 })
        }
        #expect(run.schedule.latencyCycles == expected)
        if check.outReady == "1" {
            #expect(run.comparison.rtl.latencies.first == expected)
            let accepted = run.comparison.rtl.transferCycles[0]
            let intervals = zip(accepted.dropFirst(), accepted).map { $0 - $1 }
            #expect(intervals.suffix(6).allSatisfy { $0 == check.reuseFactor }, "accept cycles \(accepted)")
            // A derived delay line never blocks the fork (the accept intervals above stay RF): with a token every II
            // cycles and each staying Δ cycles, it holds ⌈Δ / II⌉ tokens (fewer when the run has fewer), which its
            // ⌊Δ / II⌋ + 1 slots hold.
            // (It may start a cycle full without refusing anything: the next push comes after the pop.)
            let interval = run.schedule.initiationInterval
            for (fifo, statistics) in zip(run.schedule.graph.fifos, run.simulation.fifos) {
                let inFlight = (fifo.residenceCycles + interval - 1) / interval
                #expect(statistics.highWaterMark == min(inFlight, inputs.count) && inFlight <= fifo.depth, "\(fifo.name): Δ \(fifo.residenceCycles), II \(interval)")
            }
        } else {
            #expect(run.comparison.rtl.latencies.allSatisfy { $0 >= expected })
        }
    }

    /// All seven merges at 2.5 ns on 64 random inputs: RTL outputs equal the bit-exact evaluation and every
    /// channel transfer matches the simulator.
    @Test(.enabled(if: verilatorAvailable, "verilator is not on PATH"))
    func everyMergeKindIsBitExactInRTL() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pipewright-every-merge-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("every_merge.yml")
        try everyMergeDesign.write(to: url, atomically: true, encoding: .utf8)
        let loaded = try DesignLoader.load(url, profileSearchPaths: [repositoryRoot.appendingPathComponent("Profiles")])
        #expect(loaded.network.layers.map(\.kindName) == ["ReLU", "Linear", "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate"])
        let inputs = InputVectors.random(count: 64, size: 4, seed: 7).map { $0.map { $0 * 3 } }
        let run = try crossCheck(loaded.network, options: loaded.options, inputs: inputs, directory: "every_merge")
        #expect(!run.schedule.graph.fifos.isEmpty && !run.schedule.graph.forks.isEmpty)
    }

    /// The skip connection of GraphSimulationTests with its delay line forced to depth 1: the RTL slows down
    /// exactly as the simulator does (one input every 2 cycles), and neither deadlocks.
    @Test(.enabled(if: verilatorAvailable, "verilator is not on PATH"), arguments: [1, 3])
    func delayLineDepthOverride(_ depth: Int) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pipewright-skip-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("skip.yml")
        try """
        name: skip
        input: { size: 2, precision: "ap_fixed<8,4>" }
        config:
          Model: { Precision: "ap_fixed<8,4>" }
          FIFODepth: { in_to_add_dl: \(depth) }
          LayerName: { add: { Precision: { result: "ap_fixed<9,5>" } } }
        layers:
          - { name: r1, class: ReLU }
          - { name: r2, class: Linear }
          - { name: add, class: Add, inputs: [r2, input] }
        """.write(to: url, atomically: true, encoding: .utf8)
        let loaded = try DesignLoader.load(url, profileSearchPaths: [repositoryRoot.appendingPathComponent("Profiles")])
        let run = try Verification.run(network: loaded.network, options: loaded.options, inputs: InputVectors.random(count: 8, size: 2, seed: 3),
                                       buildDirectory: crossCheckDirectory("skip-\(depth)"), optimization: testBuild)
        #expect(run.comparison.matches, "first difference: \(run.comparison.mismatches.first?.description ?? "")")
        let accepted = run.comparison.rtl.transferCycles[0]
        #expect(accepted.last! - accepted[accepted.count - 2] == (depth == 1 ? 2 : 1))
    }
}

/// io_stream: flow_vt (a chain) and the VAE encoder (a fork, a join and two outputs) as DATAFLOW processes with
/// FIFOs between them, RF {1, 2} × clock {2.5, 5} ns.
let streamMatrix = crossCheckMatrix(["flow_vt", "dnn_vae_encoder"], reuseFactors: [1, 2], clocks: [2.5, 5.0]) { ($0 + $1) % 2 == 1 }

struct StreamCrossCheckTests {
    /// Every FIFO push and pop, block boundary and output bit agree. With hls4ml's default depth 1 between
    /// processes a FIFO carries a token every 2 cycles (docs/timing.md), so the design II is max(RF, 2); the
    /// first inference takes Σ block latencies + one cycle per FIFO on its longest path.
    @Test(.enabled(if: verilatorAvailable, "verilator is not on PATH"), arguments: streamMatrix)
    func simulatorAndRTLAgreeInStreamMode(_ check: CrossCheckCase) throws {
        let loaded = try DesignLoader.load(repositoryRoot.appendingPathComponent("Designs/\(check.design).yml"))
            .applying(reuseFactor: check.reuseFactor, clockPeriodNs: check.clockPeriodNs, ioType: .stream)
        let inputs = InputVectors.random(count: 12, size: loaded.network.inputSize, seed: 77 + UInt64(check.reuseFactor))
        let run = try crossCheck(loaded.network, options: loaded.options, inputs: inputs, outReady: check.outReady, directory: "\(check.design)-stream-rf\(check.reuseFactor)-\(check.clockPeriodNs)ns")
        let graph = run.schedule.graph
        #expect(run.comparison.comparedTransfers == 12 * graph.channels.count)
        func latency(_ name: String) -> Int { run.schedule.blocks.first { $0.layerName == name }!.latencyCycles }
        let expected: Int
        if check.design == "flow_vt" {
            // A chain: one stream FIFO between every two blocks.
            #expect(graph.fifos.count == loaded.network.layers.count - 1)
            #expect(graph.fifos.allSatisfy { $0.purpose == .stream && $0.depth == 1 })
            expected = run.schedule.blocks.reduce(0) { $0 + $1.latencyCycles } + graph.fifos.count
        } else {
            // The trunk's 7 blocks with a stream FIFO after each, the slower head, its FIFO to kl, then kl. Every
            // edge between blocks has a FIFO (6 in the trunk, 2 into the heads, 2 into kl); μ's copy for the
            // design output waits in a delay line, so the output is not a stream.
            let trunk = ["bn0", "fc1", "bn1", "act1", "fc2", "bn2", "act2"].map(latency).reduce(0, +)
            expected = trunk + 6 + 1 + max(latency("mu"), latency("logvar")) + 1 + latency("kl")
            #expect(graph.fifos.count == 11)
            #expect(graph.fifos.filter { $0.purpose == .stream }.allSatisfy { $0.depth == 1 })
            #expect(graph.fifos.last?.name == "mu_to_out_dl" && graph.fifos.last?.purpose == .delayLine)
        }
        #expect(run.schedule.latencyCycles == expected)
        #expect(run.schedule.initiationInterval == max(check.reuseFactor, 2))
        if check.outReady == "1" {
            #expect(run.comparison.rtl.latencies.first == expected)
            // Steady state shows at the output (the first blocks may take a few inputs faster before the first
            // FIFO pushes back).
            let delivered = run.comparison.rtl.transferCycles[graph.outputChannels[0]]
            let intervals = zip(delivered.dropFirst(), delivered).map { $0 - $1 }
            #expect(intervals.suffix(6).allSatisfy { $0 == max(check.reuseFactor, 2) }, "output cycles \(delivered)")
        }
    }

    /// fifo-size on flow_vt in io_stream: depth 2 everywhere restores II 1 with the same first latency; the
    /// sized design cross-checks against Verilator and keeps that timing there too.
    @Test(.enabled(if: verilatorAvailable, "verilator is not on PATH"))
    func sizedStreamDesignKeepsTimingInRTL() throws {
        let loaded = try DesignLoader.load(repositoryRoot.appendingPathComponent("Designs/flow_vt.yml")).applying(ioType: .stream)
        let sizing = try FIFOSizing.size(network: loaded.network, options: loaded.options, tokens: 32)
        #expect(sizing.fifos.map(\.after) == [2, 2, 2, 2, 2])
        #expect(sizing.after.initiationInterval == 1 && sizing.before?.initiationInterval == 2)
        #expect(sizing.after.latency == sizing.unbounded.latency)
        var options = loaded.options
        options.fifoDepths = sizing.depths
        let inputs = InputVectors.random(count: 16, size: loaded.network.inputSize, seed: 5)
        let run = try Verification.run(network: loaded.network, options: options, inputs: inputs,
                                       buildDirectory: crossCheckDirectory("flow_vt-sized"), optimization: testBuild)
        #expect(run.comparison.matches, "first difference: \(run.comparison.mismatches.first?.description ?? "")")
        #expect(run.comparison.rtl.latencies.first == sizing.unbounded.latency)
        let accepted = run.comparison.rtl.transferCycles[0]
        #expect(zip(accepted.dropFirst(), accepted).allSatisfy { $0 - $1 == 1 }, "accept cycles \(accepted)")
    }
}

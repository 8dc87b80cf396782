import Foundation
import Testing
import Design
import NetworkIR
import RTL
import Toolchain
import Scheduling
import Simulation
@testable import CrossCheck

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The folder of one cached Verilator build: per checkout (a hash of the repository path), so that two clones or
/// worktrees testing at once on one machine never rebuild a binary the other is running.
func crossCheckDirectory(_ name: String) -> URL {
    var hash = FNV1a()
    hash.add(repositoryRoot.path)
    return FileManager.default.temporaryDirectory.appendingPathComponent("pipewright-crosscheck-\(hash.hex)").appendingPathComponent(name)
}

/// Simulates `network` and runs its Verilator-built RTL (the build cached in `crossCheckDirectory(directory)`) on
/// `inputs`, the sink ready in the cycles of `outReady`, and expects what every cross-check expects: no difference
/// on any compared transfer, and RTL outputs equal to the bit-exact evaluation of the network (independent of both).
@discardableResult
func crossCheck(_ network: Network, options: ScheduleOptions, inputs: [[Double]], outReady: String = "1", directory: String,
                comment: String = "", sourceLocation: SourceLocation = #_sourceLocation) throws -> VerificationRun {
    let run = try Verification.run(network: network, options: options, inputs: inputs,
                                   outReadyPattern: SimulationOptions.pattern(outReady)!,
                                   buildDirectory: crossCheckDirectory(directory), optimization: testBuild)
    #expect(run.comparison.matches, "\(comment)first difference: \(run.comparison.mismatches.first?.description ?? "")",
            sourceLocation: sourceLocation)
    let evaluator = try FixedPointEvaluator(network: network)
    #expect(run.trace.outputs == inputs.map { evaluator.evaluate(evaluator.quantizeInput($0)) }, "\(comment)outputs",
            sourceLocation: sourceLocation)
    return run
}

/// How the cross-checks compile their Verilated models: without C++ optimization, 2–3 times faster to build
/// (cnn_ae at 2.5 ns: 88 s instead of 228 s); they run few events, so the slower model costs nothing.
let testBuild = VerilatorOptimization.quickBuild

/// True when Verilator can run here; CI installs it (make test), so there these tests always run.
let verilatorAvailable: Bool = {
    let found = VerilatorRunner.verilatorPath() != nil
    if !found { print("SKIP: verilator is not on PATH; the simulator-vs-RTL cross-checks need it (make test installs it)") }
    return found
}()

struct CrossCheckCase: CustomTestStringConvertible, Sendable {
    let design: String
    let reuseFactor: Int
    let clockPeriodNs: Double
    let outReady: String
    var testDescription: String { "\(design) RF \(reuseFactor) @ \(clockPeriodNs) ns, out_ready \(outReady)" }
}

/// Every design × reuse factor × clock; `stalls(i, j)` (the indices of the RF and the clock) picks the cases
/// whose sink takes results in 3 of 4 cycles (`out_ready` 1101).
func crossCheckMatrix(_ designs: [String], reuseFactors: [Int], clocks: [Double],
                      stalls: (Int, Int) -> Bool) -> [CrossCheckCase] {
    designs.flatMap { design in
        reuseFactors.enumerated().flatMap { index, rf in
            clocks.enumerated().map { jndex, period in
                CrossCheckCase(design: design, reuseFactor: rf, clockPeriodNs: period, outReady: stalls(index, jndex) ? "1101" : "1")
            }
        }
    }
}

/// The chain design flow_vt × RF {1, 2, 4} × clock {2.5, 5, 10} ns; every third case with a stalling sink. (The
/// VAE encoder, a graph with two outputs, runs in `graphMatrix`.)
let matrix = crossCheckMatrix(["flow_vt"], reuseFactors: [1, 2, 4], clocks: [2.5, 5.0, 10.0]) { ($0 + $1) % 3 == 0 }
struct DesignCrossCheckTests {
    @Test(.enabled(if: verilatorAvailable, "verilator is not on PATH"), arguments: matrix)
    func simulatorAndRTLAgree(_ check: CrossCheckCase) throws {
        let loaded = try DesignLoader.load(repositoryRoot.appendingPathComponent("Designs/\(check.design).yml"))
            .applying(reuseFactor: check.reuseFactor, clockPeriodNs: check.clockPeriodNs)
        let inputs = InputVectors.random(count: 12, size: loaded.network.inputSize, seed: UInt64(check.reuseFactor * 100) + UInt64(check.clockPeriodNs * 10))
        let run = try crossCheck(loaded.network, options: loaded.options, inputs: inputs, outReady: check.outReady, directory: "\(check.design)-rf\(check.reuseFactor)-\(check.clockPeriodNs)ns")
        #expect(run.comparison.comparedTransfers == 12 * (loaded.network.layers.count + 1))
        #expect(run.trace.outputs.count == 12)

        // Independent of both executions: the RTL's outputs are the bit-exact evaluation of the network …
        // Latency strategy: a Dense block's II is RF, or its latency when the pipeline is shorter (HLS reports II = depth).
        for block in run.schedule.blocks where block.kind == "Dense" {
            #expect(block.initiationInterval == min(check.reuseFactor, block.latencyCycles))
        }
        if check.outReady == "1" {
            // … with an always-ready sink the first inference takes exactly the sum of the block latencies,
            // and in steady state one result leaves every design II (the largest block II) cycles (the last
            // intervals; the blocks in front of the slowest one absorb the first tokens faster, so the input side
            // of a 12-token run need not have reached the steady state).
            #expect(run.comparison.rtl.latencies.first == run.schedule.blocks.reduce(0) { $0 + $1.latencyCycles })
            let delivered = run.comparison.rtl.transferCycles[run.comparison.rtl.transferCycles.count - 1]
            let intervals = zip(delivered.dropFirst(), delivered).map { $0 - $1 }
            #expect(intervals.suffix(6).allSatisfy { $0 == run.schedule.initiationInterval }, "output cycles \(delivered)")
        } else {
            // A stalling sink can only delay an inference.
            #expect(run.comparison.rtl.latencies.allSatisfy { $0 >= run.schedule.latencyCycles })
        }
    }

    /// Shorter clock periods give more pipeline stages (never fewer) on both designs.
    @Test(arguments: ["flow_vt", "dnn_vae_encoder"])
    func latencyGrowsAsThePeriodShrinks(_ design: String) throws {
        let loaded = try DesignLoader.load(repositoryRoot.appendingPathComponent("Designs/\(design).yml"))
        var previous = 0
        for period in [10.0, 5.0, 3.33, 2.5] {
            let schedule = try Scheduler.schedule(loaded.network, options: loaded.applying(clockPeriodNs: period).options)
            #expect(schedule.latencyCycles >= previous)
            previous = schedule.latencyCycles
        }
        let slow = try Scheduler.schedule(loaded.network, options: loaded.applying(clockPeriodNs: 10).options).latencyCycles
        #expect(previous > slow, "2.5 ns must need more cycles than 10 ns")
    }
}

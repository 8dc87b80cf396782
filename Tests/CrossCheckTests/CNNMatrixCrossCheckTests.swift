import Foundation
import Testing
import Design
import NetworkIR
import Simulation
@testable import CrossCheck

/// The CNN designs of `Designs/` at RF {1, 2} × clock {2.5, 5} ns, every point through Verilator on the
/// fixtures' first 16 inputs, a stalling sink at two of the four. cnn_vae_encoder's and cnn_ae's RF 1, 5 ns point
/// is `CNNDesignCrossCheckTests` (32 inputs, the latencies asserted), so it is left out here; the CICADA student's
/// own test runs at its 6.25 ns. The quick (-O0) builds take 36–107 s each (measured: all 12 points, ccache off, in
/// parallel on 2 cores, 430 s; with Verilator's -Os they took 120–290 s each).
let cnnMatrix = crossCheckMatrix(["cnn_vae_encoder", "cnn_ae", "cicada_student"], reuseFactors: [1, 2], clocks: [2.5, 5.0]) { ($0 + $1) % 2 == 1 }
    .filter { $0.design == "cicada_student" || !($0.reuseFactor == 1 && $0.clockPeriodNs == 5) }

struct CNNMatrixCrossCheckTests {
    static func inputs(_ design: String, count: Int) throws -> [[Double]] {
        design == "cicada_student" ? try CICADACrossCheckTests.inputs(count: count) : try CNNDesignCrossCheckTests.inputs(design, count: count)
    }

    @Test(.enabled(if: verilatorAvailable, "verilator is not on PATH"), arguments: cnnMatrix)
    func cnnDesignsAgreeAtEveryPoint(_ check: CrossCheckCase) throws {
        let loaded = try DesignLoader.load(repositoryRoot.appendingPathComponent("Designs/\(check.design).yml"))
            .applying(reuseFactor: check.reuseFactor, clockPeriodNs: check.clockPeriodNs)
        let inputs = try Self.inputs(check.design, count: 16)
        let run = try crossCheck(loaded.network, options: loaded.options, inputs: inputs, outReady: check.outReady, directory: "\(check.design)-matrix-rf\(check.reuseFactor)-\(check.clockPeriodNs)ns")
        print("\(check.testDescription): Verilator build \(run.buildSeconds) s, latency \(run.schedule.latencyCycles), II \(run.schedule.initiationInterval)")
        #expect(run.comparison.comparedTransfers == 16 * run.schedule.graph.channels.count)
        #expect(run.comparison.rtl.latencies.allSatisfy { $0 >= run.schedule.latencyCycles })
        if check.outReady == "1" { #expect(run.comparison.rtl.latencies.first == run.schedule.latencyCycles) }
    }
}

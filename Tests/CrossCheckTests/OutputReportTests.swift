import Foundation
import Testing
import Design
import FixedPoint
import Scheduling
@testable import Reports
@testable import CrossCheck

/// `simulate`/`verify` reports name a design's outputs when it has several (text and JSON).
struct OutputReportTests {
    @Test func severalOutputsAreNamedInTheReport() throws {
        let loaded = try DesignLoader.load(repositoryRoot.appendingPathComponent("Designs/dnn_vae_encoder.yml"))
        let report = DesignTiming(schedule: try Scheduler.schedule(loaded.network, options: loaded.options))
        #expect(report.outputs == [OutputTiming(layer: "mu", elements: 3, precision: "ap_fixed<8,3,AP_RND,AP_SAT>"),
                                   OutputTiming(layer: "kl", elements: 1, precision: "ap_fixed<16,9,AP_RND,AP_SAT>")])
        #expect(report.scheduleTable().contains("outputs (together, side by side in out_data): mu (3 × ap_fixed<8,3,AP_RND,AP_SAT>), kl (1 × "))
        #expect(try report.json().contains("\"outputs\""))
        // One output: no outputs line.
        let flow = try DesignLoader.load(repositoryRoot.appendingPathComponent("Designs/flow_vt.yml"))
        let single = DesignTiming(schedule: try Scheduler.schedule(flow.network, options: flow.options))
        #expect(single.outputs.map(\.layer) == ["score"] && !single.scheduleTable().contains("outputs ("))
    }

    /// A simulation slower than the schedule (here set by hand: II 7 where the schedule says 1, a FIFO full 40
    /// cycles) says so under the latency line, naming the FIFO; an equal one prints no such line.
    @Test func aMeasuredIntervalBeyondTheScheduleIsShown() throws {
        let loaded = try DesignLoader.load(repositoryRoot.appendingPathComponent("Designs/dnn_ae.yml"))
        var report = DesignTiming(schedule: try Scheduler.schedule(loaded.network, options: loaded.options))
        #expect(report.initiationInterval == 1 && report.fifos.count == 1)
        report.simulatedInitiationInterval = 1
        #expect(!report.scheduleTable().contains("measured:"))
        report.simulatedInitiationInterval = 7
        report.fifos[0].depth = 3
        report.fifos[0].fullCycles = 40
        let name = report.fifos[0].fifo, derived = report.fifos[0].derivedDepth
        #expect(report.scheduleTable().contains(
            "measured: II 7 cycles = 35.0 ns in the simulation, not the schedule's 1; FIFOs that filled: \(name) (depth 3, derived \(derived), full 40 cycles)\n"))
        // verify's table says it too, with the schedule's figures (its own table shows only the measured ones).
        #expect(report.crossCheckTable().contains("full 40 cycles) (schedule: latency \(report.latencyCycles), II 1)\n"))
        // No FIFO filled: a sink that is not always ready.
        report.fifos[0].fullCycles = 0
        #expect(report.scheduleTable().contains("not the schedule's 1; no FIFO filled (a sink that is not always ready sets the pace)\n"))
    }
}

/// The comparator on a design with two outputs: each element is formatted in its own output's precision and
/// named by its output.
struct SeveralOutputComparisonTests {
    @Test func mismatchNamesTheOutputElement() {
        // Two channels (in, out), two tokens; outputs mu[0..2] in ap_fixed<8,3> and kl[0] in ap_fixed<16,9>.
        let precisions: [Precision] = Array(repeating: .fixed(8, 3), count: 3) + [.fixed(16, 9)]
        let names = ["mu[0]", "mu[1]", "mu[2]", "kl[0]"]
        let simulated = Observation(transferCycles: [[0, 1], [17, 18]], outputs: [[1, 2, 3, 7], [4, 5, 6, 9]])
        let rtl = Observation(transferCycles: [[0, 1], [17, 18]], outputs: [[1, 2, 3, 7], [4, 5, 6, 8]])
        let comparison = Comparator.compare(simulated: simulated, rtl: rtl, channelNames: ["in", "out"],
                                            outputPrecisions: precisions, outputNames: names)
        #expect(comparison.comparedTransfers == 4)
        // 7 equal elements: 3 × 8 bits twice, and kl once (16 bits).
        #expect(comparison.comparedOutputBits == 2 * 24 + 16)
        #expect(comparison.mismatches.count == 1)
        let mismatch = comparison.mismatches[0]
        #expect(mismatch.cycle == 18 && mismatch.token == 1)
        #expect(mismatch.signal == "out_data[3] (kl[0])")
        // kl is ap_fixed<16,9>: 7 fractional bits, so raw 9 is 9/128 = 0.0703125.
        #expect(mismatch.simulated == "raw 9 (0x9, 0.0703125)" && mismatch.rtl == "raw 8 (0x8, 0.0625)")
    }
}

import Foundation
import Testing
import Design
import NetworkIR
import Scheduling
import Simulation
@testable import CrossCheck

/// The CNN designs of `Designs/` in io_stream (one pixel per transfer, every block behind its walk of hls4ml's pixel
/// loop) at RF {1, 2} × clock {2.5, 5} ns, through Verilator on the fixtures' first inputs, a stalling sink at two of
/// the four points. With an always-ready sink the first inference's latency and the steady-state II equal the
/// schedule's prediction (its replay of the walks), and the cycle counts follow from the walks: every pixel of the
/// input read once per inference.
let cnnStreamMatrix = crossCheckMatrix(["cicada_student", "cnn_vae_encoder", "cnn_ae"], reuseFactors: [1, 2], clocks: [2.5, 5.0]) { ($0 + $1) % 2 == 1 }

struct StreamCNNCrossCheckTests {
    @Test(.enabled(if: verilatorAvailable, "verilator is not on PATH"), arguments: cnnStreamMatrix)
    func cnnDesignsAgreeInIOStream(_ check: CrossCheckCase) throws {
        var loaded = try DesignLoader.load(repositoryRoot.appendingPathComponent("Designs/\(check.design).yml"))
            .applying(reuseFactor: check.reuseFactor, clockPeriodNs: check.clockPeriodNs)
        loaded.options.ioType = .stream
        let count = 6
        let inputs = try CNNMatrixCrossCheckTests.inputs(check.design, count: count)
        let run = try crossCheck(loaded.network, options: loaded.options, inputs: inputs, outReady: check.outReady,
                                 directory: "\(check.design)-stream-rf\(check.reuseFactor)-\(check.clockPeriodNs)ns")
        let graph = run.schedule.graph
        print("\(check.testDescription) io_stream: Verilator build \(run.buildSeconds) s, latency \(run.schedule.latencyCycles), II \(run.schedule.initiationInterval)")
        // Every channel carries its tensor's pixels (one element for a vector) for every inference; a ZeroPadding or a
        // 'same' convolution may already have started on the next inference's padding when the run ends.
        for channel in graph.channels {
            let transfers = run.comparison.rtl.transferCycles[channel.index].count
            #expect(transfers >= count * channel.tokens && transfers < (count + 1) * channel.tokens + 1, "\(channel.name): \(transfers)")
        }
        #expect(graph.channels[0].tokens * graph.channels[0].elements == loaded.network.inputSize)
        if check.outReady == "1" {
            #expect(run.comparison.rtl.latencies.first == run.schedule.latencyCycles)
            // Measured where the results leave: the FIFOs in front of the slowest block absorb the first inferences'
            // input faster than the steady state.
            #expect(run.comparison.rtl.initiationInterval(channel: graph.outputChannels[0]) == run.schedule.initiationInterval)
        } else {
            #expect(run.comparison.rtl.latencies.allSatisfy { $0 >= run.schedule.latencyCycles })
        }
        // The input is read once per inference, a pixel per core II at most: the design II is at least the input's
        // pixels times the first block's II.
        #expect(run.schedule.initiationInterval >= graph.channels[0].tokens * run.schedule.blocks[0].initiationInterval)
    }
}

/// `fifo-size` on a pixel stream whose own depths deadlock.
struct StreamFIFOSizingTests {
    /// cnn_ae's reconstruction starts only after its encoder's Dense has gathered the whole image, so the input's
    /// delay line must hold all 48 pixels of an image before the Subtract reads the first: overridden to 5, the design
    /// deadlocks. fifo-size says so for "before" and still sizes every FIFO: the delay line to at least 48, and the
    /// sized design keeps the latency and II of FIFOs that never fill.
    @Test func sizingADeadlockingDesign() throws {
        var loaded = try DesignLoader.load(repositoryRoot.appendingPathComponent("Designs/cnn_ae.yml"))
        loaded.options.ioType = .stream
        loaded.options.fifoDepths = ["in_to_error_dl": 5]
        let sizing = try FIFOSizing.size(network: loaded.network, options: loaded.options, tokens: 12)
        #expect(sizing.before == nil)
        let delayLine = try #require(sizing.fifos.first { $0.name == "in_to_error_dl" })
        #expect(delayLine.before == 5 && delayLine.after >= 48)
        #expect(sizing.after.latency == sizing.unbounded.latency && sizing.after.initiationInterval == sizing.unbounded.initiationInterval)
    }
}

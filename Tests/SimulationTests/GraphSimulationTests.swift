import Testing
import FixedPoint
import NetworkIR
import Scheduling
@testable import Simulation

/// Forks, joins and delay lines, timed by hand from docs/timing.md's rules.
struct GraphSimulationTests {
    /// in → r1 (ReLU, 1 slot) → r2 (Linear, 1 slot) → add = r2 + in → out. The input forks; the short branch
    /// (in → add) arrives 2 cycles before r2, so the schedule puts a delay line of depth ⌊2 / 1⌋ + 1 = 3 on it.
    static let network = Network(name: "skip", inputSize: 2, inputPrecision: .fixed(8, 4), layers: [
        Layer(name: "r1", operation: .relu, inputSize: 2, precision: LayerPrecision(result: .fixed(8, 4))),
        Layer(name: "r2", operation: .linear, inputSize: 2, precision: LayerPrecision(result: .fixed(8, 4))),
        Layer(name: "add", operation: .merge(.add), inputSize: 4, precision: LayerPrecision(result: .fixed(9, 5)),
              inputs: ["r2", Network.inputName]),
    ])

    static func schedule(delayLineDepth: Int? = nil) throws -> DesignSchedule {
        var options = ScheduleOptions(clockPeriodNs: 5, device: chain([]).options.device)
        if let delayLineDepth { options.fifoDepths = ["in_to_add_dl": delayLineDepth] }
        return try Scheduler.schedule(network, options: options)
    }

    /// Channels: 0 in (to the fork), 1 in_to_r1, 2 in_to_add (into the delay line), 3 r1, 4 r2, 5 in_to_add_dl, 6 out.
    @Test func graphLayout() throws {
        let graph = try Self.schedule().graph
        #expect(graph.channels.map(\.name) == ["in", "in_to_r1", "in_to_add", "r1", "r2", "in_to_add_dl", "out"])
        #expect(graph.forks.map(\.outputChannels) == [[1, 2]])
        #expect(graph.fifos.map(\.depth) == [3])
        #expect(graph.fifos.map(\.inputChannel) == [2])
        #expect(graph.blockInputs == [[1], [3], [4, 5]])
        #expect(graph.firstTokenCycles == [0, 0, 0, 1, 2, 1, 3])
        #expect(try Self.schedule().latencyCycles == 3)
    }

    /// Back to back, nothing stalls: token t enters at t, leaves r1 at t+1, r2 at t+2, waits in the delay line
    /// from t to t+2 (visible from t+1), and leaves the design at t+3. The delay line holds at most 2.
    @Test func delayLineKeepsTheInitiationInterval() throws {
        let result = try CycleSimulator(schedule: Self.schedule(), evaluator: nil).runTiming(tokens: 4)
        let t = [0, 1, 2, 3]
        #expect(result.transferCycles[0] == t)
        #expect(result.transferCycles[2] == t)
        #expect(result.transferCycles[3] == t.map { $0 + 1 })
        #expect(result.transferCycles[4] == t.map { $0 + 2 })
        #expect(result.transferCycles[5] == t.map { $0 + 2 })
        #expect(result.transferCycles[6] == t.map { $0 + 3 })
        #expect(result.fifos.map(\.highWaterMark) == [2])
        #expect(result.fifos.map(\.fullCycles) == [0])
    }

    /// A delay line of depth 1 cannot hold the 2 tokens in flight: the fork waits for it, the eager fork's
    /// other output has already fed r1, and the design settles at one input every 2 cycles
    /// (inputs 0, 3, 5, 7; the adds at 2, 4, 6, 8; outputs one cycle later). Slower, never stuck.
    @Test func shallowDelayLineHalvesTheThroughput() throws {
        let result = try CycleSimulator(schedule: Self.schedule(delayLineDepth: 1), evaluator: nil).runTiming(tokens: 4)
        #expect(result.transferCycles[0] == [0, 3, 5, 7])
        #expect(result.transferCycles[6] == [3, 5, 7, 9])
        #expect(result.fifos.map(\.highWaterMark) == [1])
    }

    @Test func unknownDepthOverrideIsAnError() {
        var options = ScheduleOptions(clockPeriodNs: 5, device: chain([]).options.device)
        options.fifoDepths = ["nope": 4]
        #expect(throws: ScheduleError.unsupported(layer: "skip", field: "FIFODepth", reason: "no FIFO is named 'nope' (FIFOs: in_to_add_dl)")) {
            try Scheduler.schedule(Self.network, options: options)
        }
        // A chain has no FIFO at all, and the message says so.
        var chainNetwork = Self.network
        chainNetwork.layers.removeLast()
        #expect(throws: ScheduleError.unsupported(layer: "skip", field: "FIFODepth", reason: "no FIFO is named 'nope' (the design has no FIFOs in this IOType)")) {
            try Scheduler.schedule(chainNetwork, options: options)
        }
    }

    /// Values ride with their tokens: x = [1.5, −2.25] → relu + x = [3, −2.25] in ap_fixed<9,5> (4 fractional bits).
    @Test func valuesThroughTheGraph() throws {
        let result = try CycleSimulator(schedule: Self.schedule(), evaluator: try FixedPointEvaluator(network: Self.network))
            .run(inputs: [[24, -36], [24, -36]], options: SimulationOptions(recordWaveform: true))
        #expect(result.outputs == [[48, -36], [48, -36]])
        let vcd = VCDWriter(network: Self.network, schedule: try Self.schedule()).render(try #require(result.waveform))
        #expect(vcd.contains("in_to_add_dl_valid"))
        // The delay line's scope shows its occupancy as the RTL's FIFO does (u_<fifo>.count, 2 bits for depth 3),
        // rising to 2 in the steady state of two tokens back to back: pushes at 0 and 1, first pop at 2.
        #expect(vcd.contains("$scope module u_in_to_add_dl $end"))
        #expect(vcd.contains("$var wire 2 ") && vcd.contains(" count [1:0] $end"))
        #expect(result.waveform?.fifoCount.first?.prefix(4) == [0, 1, 2, 1])
    }
}

/// io_stream FIFOs and their throughput bound, by hand: a depth-1 FIFO holds a token from its push (cycle t)
/// through its pop (t + 1) and refuses the next push in t + 1, so it passes one token every 2 cycles.
struct StreamScheduleTests {
    @Test func streamFIFOsBetweenBlocks() throws {
        var options = ScheduleOptions(clockPeriodNs: 5, ioType: .stream, device: chain([]).options.device)
        let schedule = try Scheduler.schedule(GraphSimulationTests.network, options: options)
        // r1 → r2 and r2 → add get streams; the input's copy to add waits in a delay line (the input port has no FIFO).
        // (FIFOs in the order of their reader's ports: add reads r2 first, then the input.)
        #expect(schedule.graph.fifos.map(\.name) == ["r1_fifo", "r2_fifo", "in_to_add_dl"])
        #expect(schedule.graph.fifos.map(\.purpose) == [.stream, .stream, .delayLine])
        // Paths: in → r1 (1) → FIFO (2) → r2 (3) → FIFO (4) → add (5). The delay line: Δ = 4, depth ⌊4/1⌋ + 1 = 5.
        #expect(schedule.latencyCycles == 5)
        #expect(schedule.graph.fifos[2].depth == 5)
        #expect(schedule.initiationInterval == 2)
        let result = try CycleSimulator(schedule: schedule, evaluator: nil).runTiming(tokens: 6)
        #expect(result.latencies.first == 5)
        #expect(result.initiationInterval() == 2)
        options.fifoDepths = ["r1_fifo": 2, "r2_fifo": 2]
        let sized = try Scheduler.schedule(GraphSimulationTests.network, options: options)
        #expect(sized.initiationInterval == 1)
        let fast = try CycleSimulator(schedule: sized, evaluator: nil).runTiming(tokens: 6)
        #expect(fast.transferCycles[0] == [0, 1, 2, 3, 4, 5])
        #expect(fast.latencies == [5, 5, 5, 5, 5, 5])
    }
}

/// A sink that never takes a result: the simulator stops within a bounded number of cycles and names the
/// blocks that hold tokens, the FIFOs and the channels that wait for their reader.
struct GraphDeadlockTests {
    @Test func stuckSinkIsReportedWithTheWaitingParts() throws {
        let schedule = try GraphSimulationTests.schedule()
        let simulator = CycleSimulator(schedule: schedule, evaluator: nil)
        let outcome = Result { () throws(SimulationError) in
            try simulator.runTiming(tokens: 8, options: SimulationOptions(outReadyPattern: [false]))
        }
        guard case let .failure(error) = outcome, case let .deadlock(cycle, pending, state) = error else {
            Issue.record("a sink that is never ready must end in a deadlock error")
            return
        }
        #expect(cycle < 20 && pending == 8)
        #expect(state.contains("add: 1 held, stalled"), "\(state)")
        #expect(state.contains("FIFO in_to_add_dl:"), "\(state)")
        #expect(state.contains("out waits for its reader"), "\(state)")
    }
}

/// A design with two outputs (docs/timing.md, "Channels"): the sink joins them, so both leave in the same cycle.
struct MultipleOutputSimulationTests {
    /// in → r1 (ReLU, 1 slot) → r2 (Linear, 1 slot); outputs [r1, r2]. r1 forks to r2 and to the output; its
    /// output copy is ready at cycle 1, r2's at 2, so it waits in a delay line of depth ⌊1 / 1⌋ + 1 = 2.
    static let network = Network(name: "two", inputSize: 2, inputPrecision: .fixed(8, 4), layers: [
        Layer(name: "r1", operation: .relu, inputSize: 2, precision: LayerPrecision(result: .fixed(8, 4))),
        Layer(name: "r2", operation: .linear, inputSize: 2, precision: LayerPrecision(result: .fixed(6, 3))),
    ], outputs: ["r1", "r2"])

    static func schedule() throws -> DesignSchedule {
        try Scheduler.schedule(network, options: ScheduleOptions(clockPeriodNs: 5, device: chain([]).options.device))
    }

    /// Channels: 0 in, 1 r1 (to the fork), 2 r1_to_r2, 3 r1_to_out (into the delay line), 4 r2, 5 r1_to_out_dl.
    @Test func sinkJoinsTheOutputs() throws {
        try Self.network.validate()
        let graph = try Self.schedule().graph
        #expect(graph.channels.map(\.name) == ["in", "r1", "r1_to_r2", "r1_to_out", "r2", "r1_to_out_dl"])
        #expect(graph.outputChannels == [5, 4])
        #expect(graph.fifos.map(\.depth) == [2])
        #expect(graph.fifos.map(\.purpose) == [.delayLine])
        #expect(graph.firstTokenCycles == [0, 1, 1, 1, 2, 2])
        #expect(try Self.schedule().latencyCycles == 2)
    }

    /// Back to back: token t enters at t, r1 at t+1, r2 and both outputs at t+2; the delay line holds one token.
    /// With a sink ready every other cycle (10), each output waits for the sink and for the other.
    @Test func outputsLeaveTogether() throws {
        let simulator = CycleSimulator(schedule: try Self.schedule(), evaluator: try FixedPointEvaluator(network: Self.network))
        let result = try simulator.run(inputs: Array(repeating: [24, -36], count: 4))
        let t = [0, 1, 2, 3]
        #expect(result.transferCycles[0] == t)
        #expect(result.transferCycles[4] == t.map { $0 + 2 })
        #expect(result.transferCycles[5] == t.map { $0 + 2 })
        #expect(result.fifos.map(\.highWaterMark) == [1])
        #expect(result.latencies == [2, 2, 2, 2])
        // x = [1.5, −2.25] = raw [24, −36]: r1 = [1.5, 0] at 4 fractional bits, r2 = the same at 3: [12, 0].
        #expect(result.outputs == Array(repeating: [24, 0, 12, 0], count: 4))
        #expect(Self.network.outputElementPrecisions == [.fixed(8, 4), .fixed(8, 4), .fixed(6, 3), .fixed(6, 3)])
        let slow = try simulator.run(inputs: Array(repeating: [24, -36], count: 4),
                                     options: SimulationOptions(outReadyPattern: [true, false]))
        #expect(slow.transferCycles[4] == slow.transferCycles[5])
        #expect(slow.transferCycles[4].allSatisfy { $0 % 2 == 0 })
    }
}

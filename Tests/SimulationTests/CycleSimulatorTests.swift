import Testing
import FixedPoint
import NetworkIR
import Scheduling
@testable import Simulation

/// A schedule with chosen block latencies and IIs (the simulator reads only these).
func chain(_ blocks: [(latency: Int, ii: Int)]) -> DesignSchedule {
    let profile = DeviceProfile(name: "t", source: "t", registerOverheadNs: 0, dspInputWidths: [27, 18], lutMultiplierMaxNarrowWidth: 8,
                                dspMultiplyNs: 1, lutMultiplyBaseNs: 1, lutMultiplyNsPerBit: 0, adderBaseNs: 1, adderNsPerBit: 0,
                                selectNs: 1, castRoundingNs: 0, castSaturationNs: 0, operandMuxNsPerLevel: 0)
    let schedules = blocks.enumerated().map { index, block in
        BlockSchedule(layerIndex: index, layerName: "b\(index)", kind: "Linear", requestedReuseFactor: block.ii, reuseFactor: block.ii,
                      strategy: .latency, initiationInterval: block.ii, latencyCycles: block.latency, steps: [],
                      groups: block.ii, termsPerGroup: 1, criticalPathNs: 0, multipliers: 0, dsps: 0, adders: 0, registerBits: 0, notes: [])
    }
    return DesignSchedule(designName: "t", options: ScheduleOptions(clockPeriodNs: 5, device: profile), blocks: schedules)
}

struct CycleSimulatorTests {
    /// No stalls: token k enters in cycle k and crosses each boundary after the sum of the latencies so far.
    @Test func unstalledPipelineAddsBlockLatencies() throws {
        let result = try CycleSimulator(schedule: chain([(3, 1), (1, 1), (2, 1)]), evaluator: nil).runTiming(tokens: 5)
        #expect(result.transferCycles[0] == [0, 1, 2, 3, 4])
        #expect(result.transferCycles[1] == [3, 4, 5, 6, 7])
        #expect(result.transferCycles[2] == [4, 5, 6, 7, 8])
        #expect(result.transferCycles[3] == [6, 7, 8, 9, 10])
        #expect(result.latencies == [6, 6, 6, 6, 6])
        #expect(result.cycles == 11)
    }

    /// A block with II 4 takes a token every 4 cycles.
    @Test func initiationIntervalSpacesInputs() throws {
        let result = try CycleSimulator(schedule: chain([(5, 4), (1, 1)]), evaluator: nil).runTiming(tokens: 3)
        #expect(result.transferCycles[0] == [0, 4, 8])
        #expect(result.transferCycles[2] == [6, 10, 14])
        #expect(result.initiationInterval() == 4)
    }

    /// A slow block behind a fast one stalls it (worked by hand in docs/timing.md's rules):
    /// b0 (D 1, II 1) → b1 (D 2, II 3). Cycle 0: t0 in. Cycle 1: t1 in, t0 → b1 (cooldown 2).
    /// Cycle 2: b1 not ready → b0 holds t1 → input not ready. Cycle 3: t0 out; cooldown 1 → still not ready.
    /// Cycle 4: t2 in, t1 → b1. So inputs at 0, 1, 4, 7; b1 takes 1, 4, 7, 10; outputs 3, 6, 9, 12.
    @Test func backpressureFromSlowerBlock() throws {
        let result = try CycleSimulator(schedule: chain([(1, 1), (2, 3)]), evaluator: nil).runTiming(tokens: 4)
        #expect(result.transferCycles[0] == [0, 1, 4, 7])
        #expect(result.transferCycles[1] == [1, 4, 7, 10])
        #expect(result.transferCycles[2] == [3, 6, 9, 12])
        #expect(result.latencies == [3, 5, 5, 5])
        #expect(result.blocks[0].stallCycles == 6)   // cycles 2, 3, 5, 6, 8, 9
    }

    /// out_ready pattern "10": the sink takes a result only in even cycles; a stalled block holds everything.
    /// D 2, II 1. Cycles 0, 1: t0, t1 in (slot 2 still empty). Cycle 2: t0 out (even), so the block is enabled
    /// and t2 enters. Cycle 3: t1 in slot 2, sink not ready → stall. Cycle 4: t1 out. Cycle 5: stall. Cycle 6: t2 out.
    @Test func sinkBackpressure() throws {
        let result = try CycleSimulator(schedule: chain([(2, 1)]), evaluator: nil)
            .runTiming(tokens: 3, options: SimulationOptions(outReadyPattern: [true, false]))
        #expect(result.transferCycles[1] == [2, 4, 6])
        #expect(result.transferCycles[0] == [0, 1, 2])
        #expect(result.blocks[0].stallCycles == 2)
    }

    @Test func deadlockIsDetectedNotHung() {
        #expect(throws: SimulationError.self) {
            try CycleSimulator(schedule: chain([(2, 1), (1, 1)]), evaluator: nil)
                .runTiming(tokens: 2, options: SimulationOptions(outReadyPattern: [false, false, false]))
        }
    }

    @Test func valuesAreTheBitExactEvaluation() throws {
        let relu = Layer(name: "r", operation: .relu, inputSize: 2, precision: LayerPrecision(result: .fixed(8, 4)))
        let network = Network(name: "n", inputSize: 2, inputPrecision: .fixed(8, 4), layers: [relu])
        let schedule = try Scheduler.schedule(network, options: ScheduleOptions(clockPeriodNs: 5, device: chain([]).options.device))
        let result = try CycleSimulator(schedule: schedule, evaluator: try FixedPointEvaluator(network: network))
            .run(inputs: [[16, -16], [-1, 127]])
        #expect(result.outputs == [[16, 0], [0, 127]])
    }
}

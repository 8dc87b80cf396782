import Testing
import FixedPoint
import NetworkIR
@testable import Scheduling

/// Schedules of the table activations and the softmax on the round-number profile (select 0.5 ns, adders 1.0 ns,
/// saturation 0.5 ns, register overhead 0.5 ns): budget = period − 12.5 % − 0.5 ns.
struct TableActivationScheduleTests {
    func schedule(_ operation: LayerOperation, _ precision: LayerPrecision, size: Int, period: Double) throws -> BlockSchedule {
        let layer = Layer(name: "a", operation: operation, inputSize: size, precision: precision)
        let network = Network(name: "t", inputSize: size, inputPrecision: .fixed(16, 6), layers: [layer])
        try network.validate()
        return try Scheduler.schedule(network, options: ScheduleOptions(clockPeriodNs: period, device: roundProfile)).blocks[0]
    }

    // hls4ml's reduce splits n into the largest power of two below n and the rest: n = 8 → 4 + 4 → 2 + 2 → 1 + 1
    // (3 levels); 5 → 4 + 1 (3 levels: the 4 needs 2, then the root); 3 → 2 + 1 (2); 2 → 1; 1 → 0.
    @Test func reduceTreeLevels() {
        #expect([1, 2, 3, 5, 8, 9, 16, 17].map(ReduceTree.levels) == [0, 1, 2, 3, 3, 4, 4, 5])
    }

    // Sigmoid, 1024 entries (10 address bits): index 1.0 + 0.5 = 1.5 ns, ROM 0.5 · (1 + ⌊(10 − 6 + 1)/2⌋) = 1.5 ns,
    // cast from ap_fixed<18,8> to ap_fixed<16,6> TRN/WRAP costs nothing.
    // 5 ns: budget 3.875 → [idx rom cast] 3.0 in one stage. 2.5 ns: budget 1.6875 → [idx] [rom cast] → 2.
    @Test(arguments: [(5.0, 1), (2.5, 2)])
    func sigmoidStages(period: Double, expected: Int) throws {
        let precision = LayerPrecision(result: .fixed(16, 6), extra: ["table": .fixed(18, 8)])
        let block = try schedule(.lookup(LookupActivation(function: .sigmoid)), precision, size: 16, period: period)
        #expect(block.steps.map(\.operation) == [.index, .lookup, .cast])
        #expect(block.latencyCycles == expected)
        #expect(block.initiationInterval == 1)
        #expect(block.tableBits == 1024 * 18)
        #expect(block.multipliers == 0)
    }

    // Stable softmax over 8 inputs at 10 ns (budget 8.25). Stage 1: 3 max levels of compare 1.0 + select 0.5 = 4.5;
    // normalize 1.0 (inp_norm_t ap_ufixed<15,5> keeps the input's 10 fractional bits and wraps: no cast logic) → 5.5;
    // exp ROM 1.5 (exp_table_t = accum_t: no cast) → 7.0. The first accum_t sum, 1.0 + 0.5 saturation (the 19-bit sum
    // into ap_fixed<18,8,AP_RND,AP_SAT>; same fractional bits, so no rounding), would make 8.5 > 8.25: a register.
    // Stage 2: 3 × 1.5 = 4.5; inverse ROM 1.5 → 6.0; the 18 × 18 product on a DSP 2.0 → 8.0; the cast to
    // ap_fixed<16,6> TRN/WRAP 0 → 8.0 ≤ 8.25. Two stages.
    @Test func stableSoftmaxSteps() throws {
        let table = SoftmaxParameters.defaultTablePrecision
        let precision = LayerPrecision(result: .fixed(16, 6), accumulator: table,
                                       extra: ["exp_table": table, "inv_table": table, "inv_inp": table, "inp_norm": .ufixed(15, 5)])
        let block = try schedule(.softmax(SoftmaxParameters()), precision, size: 8, period: 10)
        #expect(block.steps.map(\.operation) == [.maxLevel(1), .maxLevel(2), .maxLevel(3), .normalize, .lookup,
                                                 .addLevel(1), .addLevel(2), .addLevel(3), .lookup, .multiply, .cast])
        #expect(block.latencyCycles == 2)
        #expect(block.steps.map(\.registersAfter) == [0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1])
        #expect(block.tableBits == 2 * 1024 * 18)
        #expect(block.multipliers == 8)
    }
}

import Testing
import FixedPoint
import NetworkIR
@testable import Scheduling

/// A profile with round numbers so that stage packing can be worked out by hand:
/// register overhead 0.5 ns, DSP multiply 2.0 ns, every adder 1.0 ns, select 0.5 ns, no rounding cost.
let roundProfile = DeviceProfile(name: "round", source: "test", registerOverheadNs: 0.5, dspInputWidths: [27, 18],
                                 lutMultiplierMaxNarrowWidth: 8, dspMultiplyNs: 2.0, lutMultiplyBaseNs: 1.0,
                                 lutMultiplyNsPerBit: 0.0, adderBaseNs: 1.0, adderNsPerBit: 0.0, selectNs: 0.5,
                                 castRoundingNs: 0.0, castSaturationNs: 0.5, operandMuxNsPerLevel: 0.25)

/// A Dense layer whose weights are all 0.125 (a shift: no multiplier in HLS), or with `distinct`, raw
/// 21 + 32·(index mod 60) in ap_fixed<12,4> (low bits 10101: at least three signed digits, so a real multiplication,
/// and different for the 16 outputs of one input, so no product repeats).
func denseNetwork(inputs: Int, outputs: Int, zeroEvery: Int = 0, distinct: Bool = false) -> Network {
    var weights: [Double] = []
    for index in 0..<(inputs * outputs) {
        let value = distinct ? Double(21 + 32 * (index % 60)) / 256 : 0.125
        weights.append(zeroEvery > 0 && index % zeroEvery == 0 ? 0 : value)
    }
    let precision = LayerPrecision(result: .fixed(18, 8), weight: .fixed(12, 4), bias: .fixed(12, 4), accumulator: .fixed(40, 16))
    let dense = Layer(name: "fc", operation: .dense(DenseParameters(outputSize: outputs, weights: weights, biases: Array(repeating: 0.5, count: outputs))),
                      inputSize: inputs, precision: precision)
    return Network(name: "t", inputSize: inputs, inputPrecision: .fixed(18, 8), layers: [dense])
}

struct SchedulerTests {
    // The Latency strategy's list schedule (ProductSchedule), worked by hand. Budget = period − 12.5 % − 0.5 ns; multiply
    // 2.0 ns, adder 1.0 ns; a ternary adder (two additions HLS merges) 2.0 ns in one stage however long.
    // Widths: accum_t ap_fixed<40,16>, result ap_fixed<18,8> (wrapping): the sums keep 40 − (16 − 8) = 32 bits. A product
    // of the 18-bit input by a weight of b signed bits gains 6 fraction bits in accum_t (10 + 8 − 24): 24 + b bits; the
    // weights 21 + 32k need 6 … 12 bits, so the products are 30 … 32 bits, the bias 0.5 24 bits, and every addition above
    // the products is 32 bits: each one that adds another addition takes it into a ternary adder.
    // Each output sums the bias and 58 products, a tree that halves the 59 terms, the first half rounded up:
    // 59 = 30 + 29, 30 = 15 + 15, 29 = 15 + 14, 15 = 8 + 7, 14 = 7 + 7, 8 = 4 + 4, 7 = 4 + 3, 4 = 2 + 2, 3 = 2 + 1,
    // 2 = 1 + 1. From the root down, each addition takes its right operand's addition into a ternary adder (3 = 2 + 1
    // takes the pair): the root adds [30, 15, 14], 30 adds [15, 8, 7], 15 [8, 4, 3], 14 [7, 4, 3], 8 [4, 2, 2],
    // 7 [4, 2, 1], 4 [2, 1, 1], 3 three products, 2 two (one adder).
    // 5 ns (budget 3.875): products (0, 2.0); 2 (0, 3.0); 3 and 4: 2.0 + 2.0 > 3.875 → (1, 2.0); 7 and 8 (2, 2.0);
    // 15 and 14 (3, 2.0); 30 (4, 2.0); the root (5, 2.0) → 6 cycles.
    // 10 ns (budget 8.25): 2 (0, 3.0), 3 (0, 4.0), 4 (0, 5.0), 7 and 8 (0, 7.0), 15 and 14: 9.0 > 8.25 → (1, 2.0),
    // 30 (1, 4.0), the root (1, 6.0) → 2 cycles.
    // 2.5 ns (budget 1.6875): the multiply takes 2 registers (ready in cycle 2); a pair (2, 1.0); each ternary adder a
    // stage of its own, starting in the cycle its last input is registered: 3 ready in 3, 4 in 4, 7 and 8 in 5, 15 and
    // 14 in 6, 30 in 7, the root in 8 → 8 cycles.
    @Test(arguments: [(10.0, 2), (5.0, 6), (2.5, 8)])
    func denseLatencyFollowsClockPeriod(period: Double, expected: Int) throws {
        let schedule = try Scheduler.schedule(denseNetwork(inputs: 58, outputs: 16, distinct: true), options: ScheduleOptions(clockPeriodNs: period, device: roundProfile))
        #expect(schedule.blocks[0].latencyCycles == expected)
        #expect(schedule.blocks[0].initiationInterval == 1)
        #expect(schedule.blocks[0].multipliers == 58 * 16)
        #expect(schedule.blocks[0].dsps == 58 * 16)   // 18×12 fits one 27×18 DSP
    }

    /// A Dense with more weights than the largest one checked against HLS (HAR's 64 × 64 = 4,096) gets a note saying its
    /// HLS latency may be far longer; one of exactly that size does not (shift weights keep the schedule quick).
    @Test func denseBeyondTheCheckedSizeGetsANote() throws {
        let options = ScheduleOptions(clockPeriodNs: 5, device: roundProfile)
        let checked = try Scheduler.schedule(denseNetwork(inputs: 64, outputs: 64), options: options).blocks[0]
        #expect(!checked.notes.contains { $0.contains("larger than any Dense") })
        let larger = try Scheduler.schedule(denseNetwork(inputs: 65, outputs: 64), options: options).blocks[0]
        #expect(larger.notes.contains { $0.hasPrefix("n_in·n_out = 4160: larger than any Dense this schedule was checked against (4096 weights)") })
    }

    // RF 4 at 5 ns under the Latency strategy: every weight 0.125 (raw 32 = 2^5, one signed digit) is a shift, so no
    // product needs a multiplier and nothing is shared: the RF 1 datapath, II = min(RF, latency). The products are the
    // input shifted, ready at once: 18 + 5 bits and 6 more fraction bits, 29 bits; a pair is 30 bits, 3 and 4 terms 31,
    // 7 terms and more 32 (kept). So only from 7 terms up does an addition add one as wide as itself: the tree above, but
    // 8 = 4 + 4 and 7 = 4 + 3 plain additions. 2 (0, 1.0), 3 and 4 (0, 2.0), 7 and 8 (0, 3.0); 30's left 15 and
    // 29's 15 each add [8, 4, 3] and 14 adds [7, 4, 3] in a ternary adder: 3.0 + 2.0 > 3.875 → (1, 2.0); 30 takes its
    // right 15 in, adding [15, 8, 7] → (2, 2.0); the root [30, 15, 14] → (3, 2.0) → 4 cycles.
    @Test func denseAtReuseFactorFourWithShiftWeightsIsTheParallelDatapath() throws {
        var options = ScheduleOptions(clockPeriodNs: 5, device: roundProfile)
        options.overrideReuseFactor(4)
        let block = try Scheduler.schedule(denseNetwork(inputs: 58, outputs: 16), options: options).blocks[0]
        #expect(block.latencyCycles == 4)
        #expect(block.initiationInterval == 4)
        #expect(block.multipliers == 0)
        #expect(block.products?.sharedMultipliers == 0)
    }

    @Test func shorterPeriodNeverLowersLatency() throws {
        var previous = 0
        for period in [20.0, 10.0, 6.0, 5.0, 4.0, 3.0, 2.5, 2.0] {
            let latency = try Scheduler.schedule(denseNetwork(inputs: 32, outputs: 8), options: ScheduleOptions(clockPeriodNs: period, device: roundProfile)).latencyCycles
            #expect(latency >= previous, "period \(period) ns")
            previous = latency
        }
    }

    @Test func zeroWeightsNeedNoMultiplier() throws {
        // Every 4th weight zero over a 16×4 layer: 64 − 16 = 48 multipliers.
        let block = try Scheduler.schedule(denseNetwork(inputs: 16, outputs: 4, zeroEvery: 4, distinct: true), options: ScheduleOptions(clockPeriodNs: 5, device: roundProfile)).blocks[0]
        #expect(block.multipliers == 48)
        // The same layer with shift weights (0.125) needs no multiplier at all: its 48 products are 16 distinct ones
        // (each input times 0.125, computed once for its three outputs), all shifts.
        let shifts = try Scheduler.schedule(denseNetwork(inputs: 16, outputs: 4, zeroEvery: 4), options: ScheduleOptions(clockPeriodNs: 5, device: roundProfile)).blocks[0]
        #expect(shifts.multipliers == 0 && shifts.constantMultiplies == 16)
    }

    @Test func impossibleReuseFactorIsRejected() throws {
        var options = ScheduleOptions(clockPeriodNs: 5, device: roundProfile)
        options.overrideReuseFactor(0)
        #expect(throws: ScheduleError.self) { try Scheduler.schedule(denseNetwork(inputs: 4, outputs: 2), options: options) }
        options.overrideReuseFactor(9)    // > n_in × n_out = 8
        do {
            _ = try Scheduler.schedule(denseNetwork(inputs: 4, outputs: 2), options: options)
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("layer 'fc'") && error.description.contains("ReuseFactor"))
        }
    }

    // hls4ml's rule for 10 inputs × 4 outputs: valid RFs are the divisors of 10 (1, 2, 5, 10) and
    // 10 × the divisors of 4 (20, 40). 3 → 2 (tie between 2 and ... none; nearest is 2); 7 → 5; 15 → 10 (tie 10/20 → smaller).
    @Test func resourceStrategySnapsReuseFactorLikeHls4ml() {
        let valid = (1...40).filter { Scheduler.isValidResourceReuseFactor($0, inputs: 10, outputs: 4) }
        #expect(valid == [1, 2, 5, 10, 20, 40])
        #expect(Scheduler.closestResourceReuseFactor(3, inputs: 10, outputs: 4) == 2)
        #expect(Scheduler.closestResourceReuseFactor(7, inputs: 10, outputs: 4) == 5)
        #expect(Scheduler.closestResourceReuseFactor(15, inputs: 10, outputs: 4) == 10)
    }

    @Test func clockTooShortIsAnError() {
        #expect(throws: ScheduleError.self) {
            try Scheduler.schedule(denseNetwork(inputs: 4, outputs: 2), options: ScheduleOptions(clockPeriodNs: 0.5, device: roundProfile))
        }
    }
}

/// The scheduler reads each kind's typed precisions: an unvalidated layer that lacks one is an error naming the
/// layer and the field, not a trap.
@Suite struct UnvalidatedScheduleTests {
    @Test func missingTypeIsAnError() {
        let layer = Layer(name: "d", operation: .dense(DenseParameters(outputSize: 1, weights: [1, 1], biases: [0])), inputSize: 2,
                          precision: LayerPrecision(result: .fixed(8, 3), weight: .fixed(8, 3), bias: .fixed(8, 3)))
        let network = Network(name: "n", inputSize: 2, inputPrecision: .fixed(8, 3), layers: [layer])
        #expect(throws: ScheduleError.invalidNetwork(.invalidPrecision(layer: "d", field: "accum", reason: "a Dense layer needs an accum precision"))) {
            _ = try Scheduler.schedule(network, options: ScheduleOptions(clockPeriodNs: 5, device: roundProfile))
        }
    }
}

/// BatchNorm and LeakyReLU products by constants, as HLS builds them: a power of two is a shift (no delay, no
/// multiplier), ±2^a ± 2^b a shift and an adder, anything else a multiplier (docs/timing.md). In ap_fixed<12,4>
/// (8 fractional bits): 2 → 512, 0.5 → 128, −4 → −1024 (one digit); 0.75 → 192 = 256 − 64 (two);
/// 0.65625 → 168 = 128 + 32 + 8 (three). 12-bit operands are above the round profile's LUT width (8): a DSP, 2 ns.
@Suite struct ConstantProductScheduleTests {
    static let type = Precision.fixed(12, 4)

    static func block(_ operation: LayerOperation, _ precision: LayerPrecision, clockNs: Double = 5) throws -> BlockSchedule {
        let layer = Layer(name: "e", operation: operation, inputSize: 3, precision: precision)
        let network = Network(name: "n", inputSize: 3, inputPrecision: type, layers: [layer])
        try network.validate()
        return try Scheduler.schedule(network, options: ScheduleOptions(clockPeriodNs: clockNs, device: roundProfile)).blocks[0]
    }

    static func batchNorm(_ scale: [Double], clockNs: Double = 5) throws -> BlockSchedule {
        try block(.batchNormalization(BatchNormParameters(scale: scale, shift: [0.25, 0, -0.5])),
                  LayerPrecision(result: .fixed(16, 6), weight: type, bias: type), clockNs: clockNs)
    }

    static func multiplyDelay(_ block: BlockSchedule) -> Double? { block.steps.first { $0.operation == .multiply }?.delayNs }

    @Test func batchNormScales() throws {
        let shifts = try Self.batchNorm([2, 0.5, -4])
        #expect(Self.multiplyDelay(shifts) == 0 && shifts.multipliers == 0 && shifts.dsps == 0)
        let shiftAdd = try Self.batchNorm([0.75, 2, 0.5])
        #expect(Self.multiplyDelay(shiftAdd) == 1.0 && shiftAdd.multipliers == 0)
        let real = try Self.batchNorm([0.65625, 2, 0.5])
        #expect(Self.multiplyDelay(real) == 2.0 && real.multipliers == 1 && real.dsps == 1)
        // At 3 ns (logic budget 3 − 0.375 uncertainty − 0.5 register = 2.125 ns) the shift, the 1 ns add and the cast
        // share one stage; a real product (2 ns) and the add (1 ns) do not: 1 slot against 2.
        #expect(try Self.batchNorm([2, 0.5, -4], clockNs: 3).latencyCycles == 1)
        #expect(try Self.batchNorm([0.65625, 2, 0.5], clockNs: 3).latencyCycles == 2)
    }

    @Test func leakyReLUAlpha() throws {
        let quarter = try Self.block(.leakyReLU(alpha: 0.25), LayerPrecision(result: .fixed(16, 6), parameter: Self.type))
        #expect(Self.multiplyDelay(quarter) == 0 && quarter.multipliers == 0)
        // 0.3 → raw 76 (truncated) = 64 + 16 − 4: three digits, one multiplier per lane.
        let point3 = try Self.block(.leakyReLU(alpha: 0.3), LayerPrecision(result: .fixed(16, 6), parameter: Self.type))
        #expect(Self.multiplyDelay(point3) == 2.0 && point3.multipliers == 3 && point3.dsps == 3)
    }
}

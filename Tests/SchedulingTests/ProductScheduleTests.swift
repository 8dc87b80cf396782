import Testing
import FixedPoint
import NetworkIR
@testable import Scheduling

/// Dense 4 → 2 with weights chosen by their canonical signed digits (weight_t ap_fixed<12,4>: raw = w · 256):
///
///     input  j0            j1
///     i0     21 = 10101    21            (3 digits, the same product for both outputs)
///     i1     7 = 8 − 1     32 = 2^5      (2 digits and 1 digit: shifts and an adder)
///     i2     0             11 = 16 − 4 − 1
///     i3     13 = 16 − 4 + 1   −21
///
/// Distinct products in program order (input-major): p0 = x0·21, p1 = x1·7, p2 = x1·32, p3 = x2·11, p4 = x3·13,
/// p5 = x3·(−21); the real multiplications are p0, p3, p4, p5; one weight is zero.
func digitNetwork() -> Network {
    let raw: [Double] = [21, 21, 7, 32, 0, 11, 13, -21]
    let precision = LayerPrecision(result: .fixed(18, 8), weight: .fixed(12, 4), bias: .fixed(12, 4), accumulator: .fixed(40, 16))
    let dense = Layer(name: "fc", operation: .dense(DenseParameters(outputSize: 2, weights: raw.map { $0 / 256 }, biases: [0.5, 0.5])),
                      inputSize: 4, precision: precision)
    return Network(name: "t", inputSize: 4, inputPrecision: .fixed(18, 8), layers: [dense])
}

struct ProductScheduleTests {
    // Worked by hand: 85 = 1010101 (no two ones adjacent: 4 digits); 127 = 128 − 1; 119 = 128 − 8 − 1;
    // 91 = 1011011 = 128 − 32 − 4 − 1; −128 = −2^7.
    @Test(arguments: [(0, 0), (1, 1), (-1, 1), (2, 1), (3, 2), (7, 2), (-7, 2), (11, 3), (13, 3), (21, 3), (-21, 3),
                      (85, 4), (-128, 1), (127, 2), (119, 3), (91, 4)] as [(Int64, Int)])
    func signedDigits(value: Int64, digits: Int) {
        #expect(ProductSchedule.signedDigits(value) == digits, "\(value)")
    }

    /// The terms add up to the value, and there are as many as the non-adjacent form's weight, counted with an
    /// independent identity (the digit positions of x are the set bits of (3x ⊕ x) >> 1), over −4096…4096.
    @Test func signedDigitTermsAddUpAndAreFewest() {
        for value in Int128(-4096)...4096 {
            let terms = ProductSchedule.signedDigitTerms(value)
            #expect(terms.reduce(Int128(0)) { $0 + ($1.negative ? -1 : 1) * (Int128(1) << $1.shift) } == value, "\(value)")
            let x = value.magnitude
            #expect(terms.count == ((3 * x ^ x) >> 1).nonzeroBitCount, "\(value)")
        }
    }

    @Test func multiplierLimitIsHls4mlFormula() {
        // ⌈n_in·n_out / RF⌉ − ⌊n_zeros / RF⌋: arrhythmia fc1 (274 × 8, 924 zeros) at RF 100 → 22 − 9 = 13 (its report: 13 DSPs).
        #expect(ProductSchedule.multiplierLimit(inputs: 274, outputs: 8, zeros: 924, reuseFactor: 100) == 13)
        #expect(ProductSchedule.multiplierLimit(inputs: 8, outputs: 16, zeros: 36, reuseFactor: 100) == 2)
        #expect(ProductSchedule.multiplierLimit(inputs: 3, outputs: 2, zeros: 2, reuseFactor: 6) == 1)
    }

    // Budget at 5 ns: 5 − 0.625 − 0.5 = 3.875 ns; multiply 2.0 (12 × 18 bits: one DSP), adder 1.0, mux 0.25 per level.
    // RF 2: limit ⌈8/2⌉ − 0 = 4 ≥ 4 real products: nothing shared, every product at 2.0 ns in cycle 0.
    // Output 0 (bias, p0, p1, p4): bias+p0 → 3.0; p1+p4 → 3.0; the two sums → 4.0 > 3.875 → cycle 1 at 1.0. Latency 2,
    // the same as RF 1 (4 terms, 2 levels: [mul add1] [add2 cast]); II min(2, 2) = 2.
    @Test func reuseFactorTwoSharesNothing() throws {
        var options = ScheduleOptions(clockPeriodNs: 5, device: roundProfile)
        let rf1 = try Scheduler.schedule(digitNetwork(), options: options).blocks[0]
        options.overrideReuseFactor(2)
        let block = try Scheduler.schedule(digitNetwork(), options: options).blocks[0]
        let products = try #require(block.products)
        #expect(products.multiplierLimit == 4 && products.sharedMultipliers == 0 && products.realMultiplications == 4)
        #expect(products.products.count == 6)
        #expect(block.latencyCycles == 2 && rf1.latencyCycles == 2)
        #expect(block.initiationInterval == 2)
        #expect(block.multipliers == 4 && block.dsps == 4)
    }

    // RF 4: limit ⌈8/4⌉ − ⌊1/4⌋ = 2 < 4: two shared multipliers over 2 cycles: p0 on 0 and p3 on 1 in cycle 0,
    // p4 on 0 and p5 on 1 in cycle 1; mux 0.25 then multiply → each at 2.25 ns of its cycle. p1, p2 at 2.0 in cycle 0.
    // Output 0: bias(0)+p1(2.0) → 3.0; p0(2.25)+that(3.0) → 4.0 > 3.875 → (1, 1.0); + p4(1, 2.25) → (1, 3.25).
    // Output 1: bias+p2 → 3.0; p0+p3 → 3.25; those two → (1, 1.0); + p5 → (1, 3.25). Latency 2, II min(4, 2) = 2.
    @Test func reuseFactorFourUsesTwoMultipliersOverTwoCycles() throws {
        var options = ScheduleOptions(clockPeriodNs: 5, device: roundProfile)
        options.overrideReuseFactor(4)
        let block = try Scheduler.schedule(digitNetwork(), options: options).blocks[0]
        let products = try #require(block.products)
        #expect(products.multiplierLimit == 2 && products.sharedMultipliers == 2 && products.issueCycles == 2)
        #expect(products.products.map(\.multiplier) == [0, nil, nil, 1, 0, 1])
        #expect(products.products.map(\.issueCycle) == [0, 0, 0, 0, 1, 1])
        #expect(products.products.map(\.input) == [0, 1, 1, 2, 3, 3])
        #expect(products.products.map(\.weightRaw) == [21, 7, 32, 11, 13, -21])
        #expect(products.products[4].value == TimedValue(cycle: 1, offsetNs: 2.25))
        #expect(products.outputs == [TimedValue(cycle: 1, offsetNs: 3.25), TimedValue(cycle: 1, offsetNs: 3.25)])
        #expect(products.sums.count == 3 + 4)
        #expect(block.latencyCycles == 2 && block.initiationInterval == 2)
        #expect(block.multipliers == 2 && block.dsps == 2)
        #expect(block.adders == 7 + 1)     // the sums and p1's shift-and-add (7 = 8 − 1)
        #expect(block.stageSummary == "list: 2 shared mul × 2 cycles, 7 sums")
    }

    // RF 8: limit ⌈8/8⌉ − 0 = 1: one multiplier over 4 cycles (p0, p3, p4, p5 in cycles 0…3), mux 0.25·2 = 0.5 →
    // products at 2.5 ns. Output 0: bias+p1 → 3.0; p0(2.5)+3.0 → (1, 1.0); + p4 (2, 2.5) → (2, 3.5): 3 cycles.
    // Output 1: bias+p2 → 3.0; p0 + that → (1, 1.0); + p3 (1, 2.5) → (1, 3.5); + p5 (3, 2.5) → (3, 3.5): 4 cycles.
    @Test func reuseFactorEightUsesOneMultiplier() throws {
        var options = ScheduleOptions(clockPeriodNs: 5, device: roundProfile)
        options.overrideReuseFactor(8)
        let block = try Scheduler.schedule(digitNetwork(), options: options).blocks[0]
        let products = try #require(block.products)
        #expect(products.sharedMultipliers == 1 && products.issueCycles == 4)
        #expect(products.products.map(\.issueCycle) == [0, 0, 0, 1, 2, 3])
        #expect(products.outputs == [TimedValue(cycle: 2, offsetNs: 3.5), TimedValue(cycle: 3, offsetNs: 3.5)])
        #expect(block.latencyCycles == 4 && block.initiationInterval == 4)
    }

    // At 2.5 ns (budget 2.5 − 0.3125 − 0.5 = 1.6875) a multiply (2.0) needs 2 registers and one adder fills a stage.
    @Test func longMultiplyTakesRegistersOfItsOwn() {
        let timing = ChainTiming(budgetNs: 1.6875)
        let product = timing.after([TimedValue(cycle: 0)], delayNs: 2.0)
        #expect(product == TimedValue(cycle: 0, minimumRegisters: 2))
        #expect(timing.after([product], delayNs: 1.0) == TimedValue(cycle: 2, offsetNs: 1.0))
        let chained = timing.after([TimedValue(cycle: 0, offsetNs: 0.5)], delayNs: 2.0)
        #expect(chained == TimedValue(cycle: 1, minimumRegisters: 2))
        #expect(timing.after([TimedValue(cycle: 3, offsetNs: 1.0), TimedValue(cycle: 2, minimumRegisters: 1)], delayNs: 0.5)
                == TimedValue(cycle: 3, offsetNs: 1.5))
    }

    /// A product in LUTs is one combinational stage however long (HLS's fabric cores have one stage): over the budget
    /// it takes a cycle of its own and one register, where a DSP product of the same delay takes ⌈delay / budget⌉;
    /// in the stage packer a free cast joins the LUT product's cycle, a costly operation starts the next.
    @Test func lutProductIsOneStage() {
        let timing = ChainTiming(budgetNs: 2.0)
        #expect(timing.afterProduct([TimedValue(cycle: 0)], delayNs: 4.2, inLUTs: true) == TimedValue(cycle: 0, minimumRegisters: 1))
        #expect(timing.afterProduct([TimedValue(cycle: 0)], delayNs: 4.2, inLUTs: false) == TimedValue(cycle: 0, minimumRegisters: 3))
        #expect(timing.afterProduct([TimedValue(cycle: 0)], delayNs: 1.5, inLUTs: true) == TimedValue(cycle: 0, offsetNs: 1.5))
        var lut = StagePacker(budget: 2.0)
        lut.add(.lookup, 1.5)
        lut.addProduct((dsps: 0, delayNs: 4.2))
        lut.add(.cast, 0)
        #expect(lut.finish().map(\.registersAfter) == [1, 0, 1])
        var costly = StagePacker(budget: 2.0)
        costly.addProduct((dsps: 0, delayNs: 4.2))
        costly.add(.cast, 0.3)
        #expect(costly.finish().map(\.registersAfter) == [1, 1])
        var dsp = StagePacker(budget: 2.0)
        dsp.addProduct((dsps: 1, delayNs: 4.2))
        dsp.add(.cast, 0)
        #expect(dsp.finish().map(\.registersAfter) == [3, 1])
    }

    /// The Resource strategy keeps hls4ml's dense_resource form: RF groups with an accumulator, II = RF.
    // 58 → 16 at RF 2 (valid for Resource: ⌈928/2⌉ = 464 is a multiple of 16): g = 29 products per phase → 5 levels.
    // mux 0.25, mul 2.0, add1 → [mux mul add1] 3.25; [add2 add3 add4] 3.0; [add5 acc] 2.0 (acc registered); [cast].
    // Latency (RF − 1) + 4 = 5, multipliers 16 × 29 = 464.
    @Test func resourceStrategyKeepsAccumulatorGroups() throws {
        var options = ScheduleOptions(clockPeriodNs: 5, defaultImplementation: LayerImplementation(reuseFactor: 2, strategy: .resource),
                                      device: roundProfile)
        options.overrideReuseFactor(2)
        let block = try Scheduler.schedule(denseNetwork(inputs: 58, outputs: 16), options: options).blocks[0]
        #expect(block.products == nil)
        #expect(block.initiationInterval == 2 && block.latencyCycles == 5)
        #expect(block.multipliers == 464)
        #expect(block.registersBeforeAccumulate == 2)
        #expect(block.stageSummary == "2× [mux mul add1] [add2 add3 add4] [add5 acc] [cast]")
    }
}

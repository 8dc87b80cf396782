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

    // Budget at 5 ns: 5 − 0.625 − 0.5 = 3.875 ns; multiply 2.0 (12 × 18 bits: one DSP), adder 1.0, mux 0.25 per level,
    // ternary adder 2.0 in one stage. Widths (accum_t ap_fixed<40,16>, result ap_fixed<18,8>: 32 bits kept): a product
    // by a multiplier is 18 + b + 6 bits for a weight of b signed bits (21 and −21: 30, 11 and 13: 29), x·7 = x·8 − x one
    // subtraction, 18 + 3 + 1 + 6 = 28, x·32 a shift, 18 + 5 + 6 = 29; the bias 0.5 24 bits; a sum as wide as its range.
    // The terms in HLS's order (`termOrder`: the bias, then from the last input; no product is the input's own bits).
    // Output 0: [bias, p4, p1, p0] halve into (bias, p4), 30 bits, and (p1, p0), 31, under a root of 31: the root takes
    // its right operand, (p1, p0), into a ternary adder. Output 1: [bias, p5, p3, p2, p0] halve into ((bias, p5), p3)
    // and (p2, p0): (bias, p5) 31 bits under ((bias, p5), p3) 31, which takes it into a ternary adder; (p2, p0) 31; the
    // root 32, wider than both its operands: an addition.
    // RF 2: limit ⌈8/2⌉ − 0 = 4 ≥ 4 real products: nothing shared, every real product at 2.0 ns in cycle 0, p1 one
    // subtraction at 1.0, p2 a shift at 0. Output 0: bias + p4 → 3.0; the root's ternary (p1, p0, that) → 5.0 > 3.875
    // → (1, 2.0). Output 1: the ternary (bias, p5, p3) → 4.0 > 3.875 → (1, 2.0); p2 + p0 → 3.0; the root → (1, 3.0).
    // Latency 2, as at RF 1 (the same datapath); II min(2, 2) = 2.
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

    // RF 4: limit ⌈8/4⌉ − ⌊1/4⌋ = 2 < 4: two shared multipliers over 2 cycles, in list-scheduling order: the latest start
    // (ALAP) earliest first. Backwards from the output register (operands due at the start of cycle 1): output 0's root
    // ternary adder (2.0) needs its operands by 1.875 ns into cycle 0, bias + p4 (1.0) by 0.875; output 1's root (1.0)
    // by 2.875, its ternary adder (bias, p5, p3) by 0.875, p2 + p0 by 1.875. An issued product is ready 2.25 ns into its
    // cycle (mux 0.25, multiply 2.0), after all of these: p0, p3, p4 and p5 all due by cycle −1, a tie, so program
    // order: p0 on 0 and p3 on 1 in cycle 0, p4 on 0 and p5 on 1 in cycle 1. p1 (0, 1.0), p2 (0, 0).
    // Output 0: bias + p4 → (1, 3.25); the root's ternary (p1, p0, that) → (2, 2.0). Output 1: the ternary (bias, p5 at
    // (1, 2.25), p3) → (2, 2.0); p2 + p0 → (0, 3.25); the root → (2, 3.0). Latency 3, II min(4, 3) = 3.
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
        #expect(products.outputs == [TimedValue(cycle: 2, offsetNs: 2.0), TimedValue(cycle: 2, offsetNs: 3.0)])
        #expect(products.sums.count == 3 + 4)
        #expect(block.latencyCycles == 3 && block.initiationInterval == 3)
        #expect(block.multipliers == 2 && block.dsps == 2)
        #expect(block.adders == 7 + 1)     // the sums and p1's shift-and-add (7 = 8 − 1)
        #expect(block.stageSummary == "list: 2 shared mul × 2 cycles, 7 sums")
    }

    // RF 8: limit ⌈8/8⌉ − 0 = 1: one multiplier over 4 cycles (p0, p3, p4, p5 in cycles 0…3, the order above), mux
    // 0.25·2 = 0.5 → products at 2.5 ns. Output 0: bias + p4 (2, 2.5) → (2, 3.5); the root's ternary (p1, p0, that) →
    // (3, 2.0). Output 1: the ternary (bias, p5 at (3, 2.5), p3) → (4, 2.0); p2 + p0 → (0, 3.5); the root → (4, 3.0).
    // Latency 5, II min(8, 5) = 5.
    @Test func reuseFactorEightUsesOneMultiplier() throws {
        var options = ScheduleOptions(clockPeriodNs: 5, device: roundProfile)
        options.overrideReuseFactor(8)
        let block = try Scheduler.schedule(digitNetwork(), options: options).blocks[0]
        let products = try #require(block.products)
        #expect(products.sharedMultipliers == 1 && products.issueCycles == 4)
        #expect(products.products.map(\.issueCycle) == [0, 0, 0, 1, 2, 3])
        #expect(products.outputs == [TimedValue(cycle: 3, offsetNs: 2.0), TimedValue(cycle: 4, offsetNs: 3.0)])
        #expect(block.latencyCycles == 5 && block.initiationInterval == 5)
    }

    // Issue order by the latest start (ALAP), where the order of the terms would mislead: Dense 4 → 1, no bias, weights
    // raw 1365, 1365, 21, 21 (all ≥ 3 signed digits). Products of x0, x1: 18 + 12 + 6 = 36 bits, capped at the 32 kept;
    // of x2, x3: 18 + 6 + 6 = 30. The four terms, from the last input, halve into (p3, p2), 31 bits, and (p1, p0), 32;
    // the root (32) takes its right operand into a ternary adder [p1, p0, p3 + p2], its left being narrower. RF 2: limit
    // 2 < 4, two cycles. At 6 ns (budget 6 − 0.75 − 0.5 = 4.75) an issued product is ready 0.25 (mux) + 2.0 = 2.25 ns
    // into its cycle. Backwards from the output register (operands due at the start of cycle 1, that is by 4.75 ns into
    // cycle 0): the ternary adder (2.0) needs its operands by 2.75, so p0
    // and p1 may be issued in cycle 0 (2.25 ≤ 2.75); p3 + p2 (1.0) needs p2 and p3 by 1.75, so they must be issued a
    // cycle earlier: p2, p3 go first. Cycle 0: p2, p3 (2.25), p3 + p2 (0, 3.25); cycle 1: p0, p1 (1, 2.25); the
    // ternary adder 2.25 + 2.0 = 4.25 ≤ 4.75 → (1, 4.25): latency 2. In program order (p0, p1 first) p3 + p2 would be
    // ready at (1, 3.25) and the ternary adder at 5.25 > 4.75 → (2, 2.0): latency 3.
    @Test func sharedProductsGoByLatestStart() throws {
        let precision = LayerPrecision(result: .fixed(18, 8), weight: .fixed(12, 4), bias: .fixed(12, 4), accumulator: .fixed(40, 16))
        let dense = Layer(name: "fc", operation: .dense(DenseParameters(outputSize: 1, weights: [1365, 1365, 21, 21].map { $0 / 256 }, biases: [0])),
                          inputSize: 4, precision: precision)
        var options = ScheduleOptions(clockPeriodNs: 6, device: roundProfile)
        options.overrideReuseFactor(2)
        let block = try Scheduler.schedule(Network(name: "t", inputSize: 4, inputPrecision: .fixed(18, 8), layers: [dense]), options: options).blocks[0]
        let products = try #require(block.products)
        #expect(products.multiplierLimit == 2 && products.sharedMultipliers == 2 && products.issueCycles == 2)
        #expect(products.products.map(\.input) == [0, 1, 2, 3])
        #expect(products.products.map(\.issueCycle) == [1, 1, 0, 0])
        #expect(products.outputs == [TimedValue(cycle: 1, offsetNs: 4.25)])
        #expect(block.latencyCycles == 2 && block.initiationInterval == 2)
    }

    /// `ChainTiming.required` undoes `after`, worked by hand at budget 3.875: an addition of 1.0 before a reader at
    /// 3.875 must start by 2.875; before a reader at 0.5 it must end in the cycle before, starting by 2.875 there; a
    /// ternary adder of 2.0 kept in one stage; one of 4.0 (over the budget) takes the cycle before to itself, so its
    /// inputs must be registered by its start; a multi-cycle operation of 8.0 takes ⌈8 / 3.875⌉ = 3 registers.
    @Test func requiredTimesUndoChaining() {
        let timing = ChainTiming(budgetNs: 3.875)
        #expect(timing.required(by: TimedValue(cycle: 0, offsetNs: 3.875), delayNs: 1.0) == TimedValue(cycle: 0, offsetNs: 2.875))
        #expect(timing.required(by: TimedValue(cycle: 0, offsetNs: 0.5), delayNs: 1.0) == TimedValue(cycle: -1, offsetNs: 2.875))
        #expect(timing.required(by: TimedValue(cycle: 0, offsetNs: 3.875), delayNs: 2.0, singleStage: true) == TimedValue(cycle: 0, offsetNs: 1.875))
        #expect(timing.required(by: TimedValue(cycle: 0, offsetNs: 3.875), delayNs: 4.0, singleStage: true) == TimedValue(cycle: -1))
        #expect(timing.required(by: TimedValue(cycle: 0, offsetNs: 3.875), delayNs: 8.0) == TimedValue(cycle: -3))
        // Forwards again: inputs ready by those times give values ready by the requirement.
        #expect(timing.after([TimedValue(cycle: -1, offsetNs: 2.875)], delayNs: 1.0).readiness <= (0, 0.5))
        #expect(timing.afterSingleStage([TimedValue(cycle: -1)], delayNs: 4.0).readiness <= (0, 3.875))
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

/// How Vitis HLS 2021.1 builds and orders a Dense layer's terms, read off its schedules of the calibration designs
/// (jet_tagging's, cardio's and arrhythmia's `.verbose.sched.rpt`, docs/calibration.md), worked by hand.
struct HLSTermTests {
    static func sums(signed: Bool, productShift: Int) -> ProductSchedule.Sums {
        ProductSchedule.Sums(inputRange: signed ? -128...127 : 0...255, productShift: productShift, biasRaw: [], keptWidth: 16)
    }

    /// `weights[i][j]` scheduled as a Dense with no bias: DSP products of 2.45 ns, no multiplexer delay, adders
    /// 0.9 + 0.04 ns per bit, no cast.
    static func schedule(_ weights: [[Int64]], reuseFactor: Int = 1, budgetNs: Double, inputRange: ClosedRange<Int64> = -128...127,
                         keptWidth: Int = 16) -> ProductSchedule {
        ProductSchedule.build(
            inputs: weights.count, outputs: weights[0].count, reuseFactor: reuseFactor, weight: { i, j in weights[i][j] },
            timing: ChainTiming(budgetNs: budgetNs), multiplyNs: 2.45, sharedMultiplyNs: 2.45, muxNsPerLevel: 0,
            addNs: { 0.9 + 0.04 * Double($0) }, castNs: 0,
            sums: ProductSchedule.Sums(inputRange: inputRange, productShift: 0, biasRaw: Array(repeating: 0, count: weights[0].count),
                                       keptWidth: keptWidth))
    }

    /// The term order. Weights (input order) 2, −3, 1, 4, −2, 5; the cast drops 1 bit. A signed input's own bits are
    /// its products by 1 and 2 (x >> 1 and x): inputs 2 and 0, from the last; then the bias; then inputs 5, 4, 3, 1.
    /// An unsigned input's only product by 2 (x itself): input 0; the bias; the positive weights 5, 4, 1 (inputs 5, 3,
    /// 2), then the negative −2, −3 (inputs 4, 1). Without a bias the same without it.
    @Test func termOrder() {
        let weights: [Int64] = [2, -3, 1, 4, -2, 5]
        #expect(ProductSchedule.termOrder(weights, hasBias: true, sums: Self.sums(signed: true, productShift: 1)) == [2, 0, nil, 5, 4, 3, 1])
        #expect(ProductSchedule.termOrder(weights, hasBias: true, sums: Self.sums(signed: false, productShift: 1)) == [0, nil, 5, 3, 2, 4, 1])
        #expect(ProductSchedule.termOrder(weights, hasBias: false, sums: Self.sums(signed: false, productShift: 1)) == [0, 5, 3, 2, 4, 1])
    }

    /// The product widths HLS gave jet_tagging's first layer (input ap_fixed<8,2>, weight ap_fixed<8,1>, accum
    /// ap_fixed<16,4>: the cast drops 1 bit): x·4 is x << 2, 10 bits, cast to 9 (its `i9` bitconcatenate); x·10 = x·8 +
    /// x·2 one 12-bit addition, 11 after the cast; x·(−11) a 13-bit multiplier, 12 after the cast; −x·4 one bit more than
    /// x·4 (the negation). −x·16 − x: 13 bits for a signed input (its range, −x·17, fits), 14 for an unsigned one
    /// (255·17 needs them). An unsigned input by a positive constant 13 is 12 bits, unsigned (the constant's 4
    /// unsigned bits); by −13 13 bits, signed.
    @Test func productWidths() {
        let signed = Self.sums(signed: true, productShift: 1), unsigned = Self.sums(signed: false, productShift: 1)
        #expect(signed.productBits(weightRaw: 4) == (10, true) && signed.productWidth(weightRaw: 4) == (9, true))
        #expect(signed.productBits(weightRaw: 10) == (12, true) && signed.productWidth(weightRaw: 10) == (11, true))
        #expect(signed.productBits(weightRaw: -11) == (13, true) && signed.productWidth(weightRaw: -11) == (12, true))
        #expect(signed.productBits(weightRaw: -4) == (11, true))
        #expect(signed.productBits(weightRaw: -17) == (13, true) && unsigned.productBits(weightRaw: -17) == (14, true))
        #expect(unsigned.productBits(weightRaw: 13) == (12, false) && unsigned.productBits(weightRaw: -13) == (13, true))
        #expect(unsigned.productBits(weightRaw: 4) == (10, false))
    }

    /// The bits of the smallest type holding a range, against the definition (the fewest bits n whose two's complement
    /// range, or unsigned range for a non-negative one, contains both bounds), over every range within −300…300, and at
    /// the edges of 64 and 120 bits.
    @Test func bitsOfARange() {
        func definition(_ lower: Int128, _ upper: Int128) -> Int {
            var n = 1
            if lower < 0 {
                while lower < -(Int128(1) << (n - 1)) || upper >= (Int128(1) << (n - 1)) { n += 1 }
            } else {
                while upper >= (Int128(1) << n) { n += 1 }
            }
            return n
        }
        for lower in Int128(-300)...300 {
            for upper in lower...300 where (upper - lower) % 7 == 0 || upper == lower {
                #expect(ProductSchedule.AdderTree.bits(of: lower...upper) == definition(lower, upper), "\(lower)...\(upper)")
            }
        }
        for n in [63, 64, 119, 120] {
            let top = Int128(1) << (n - 1)
            #expect(ProductSchedule.AdderTree.bits(of: -top...(top - 1)) == n)
            #expect(ProductSchedule.AdderTree.bits(of: -top...top) == n + 1)
            #expect(ProductSchedule.AdderTree.bits(of: 0...(2 * top - 1)) == n)
        }
    }

    /// −x·2^a − x·2^b is one ternary adder unless another product of the same input uses −x·2^a too. One input, three
    /// outputs, weights −33 = −32 − 1, −34 = −32 − 2 and −5 = −4 − 1, budget 2.91 ns (3.33 ns less 0.42), adders
    /// 0.9 + 0.04 ns per bit; the cast drops nothing. −33 and −34 share −(x << 5): two subtractions of 14 bits
    /// (8 + 5 + 1), 1.46 ns each, 2.92 ns together: the second a cycle later, 1.46 ns after its register. −5 has its
    /// −(x << 2) alone: one ternary adder of 11 bits, 2 × 1.34 = 2.68 ns in cycle 0.
    @Test func sharedNegationsAreSubtractions() {
        let weights: [Int64] = [-33, -34, -5]
        let schedule = Self.schedule([weights], budgetNs: 2.91)
        #expect(schedule.products.map(\.weightRaw) == weights && schedule.realMultiplications == 0)
        for k in 0..<2 {
            let value = schedule.products[k].value
            #expect(value.cycle == 0 && value.minimumRegisters == 1 && value.offsetNs == 0 && abs(value.outputNs - 1.46) < 1e-9)
        }
        #expect(abs(schedule.products[2].value.offsetNs - 2.68) < 1e-9 && schedule.products[2].value.cycle == 0
                && schedule.products[2].value.minimumRegisters == 0)
        // Each output is its one product: −33's and −34's end 1.46 ns into cycle 1 and are registered at its end.
        #expect(schedule.latencyCycles == 2)
    }

    /// The same chain where one subtraction is longer than the budget (1.2 ns against 1.46): each takes a stage and
    /// ⌈1.46 / 1.2⌉ = 2 registers, so −33 is ready after 4; the lone −5's ternary adder (2.68 ns) keeps one stage and one
    /// register.
    @Test func sharedNegationsOverTheBudget() {
        let schedule = Self.schedule([[-33, -34, -5]], budgetNs: 1.2)
        #expect(schedule.products[0].value == TimedValue(cycle: 0, minimumRegisters: 4))
        #expect(schedule.products[2].value == TimedValue(cycle: 0, minimumRegisters: 1))
        #expect(schedule.latencyCycles == 4)
    }

    /// 300 terms of 128 bits (a 64-bit input by −(2^63 − 1)) into a 64-bit sum: every range is capped one bit above the
    /// kept width, so summing them cannot overflow; every addition is 64 bits wide.
    @Test func wideTermsDoNotOverflowTheRanges() {
        let schedule = Self.schedule(Array(repeating: [Int64.min + 1], count: 300), budgetNs: 2.91, inputRange: Int64.min...Int64.max,
                                     keptWidth: 64)
        #expect(schedule.products.count == 300 && schedule.sums.count >= 150)
        #expect(schedule.latencyCycles > 1)
        var tree = ProductSchedule.AdderTree(keptWidth: 64)
        let leaves = (0..<300).map { tree.leaf(.product($0), width: (bits: 128, signed: true)) }
        let root = tree.balance(leaves[...])
        #expect(tree.width(root) == 64 && tree.width(leaves[0]) == 64)
    }

    /// Every output is registered at the end of the last cycle, so an addition in a stage of its own may be an output's
    /// last operation in that cycle: its operands are due a cycle later than for one that ends in the cycle before (the
    /// list scheduler's latest starts). Dense 6 → 2, RF 4: multiplier_limit ⌈12/4⌉ − ⌊6/4⌋ = 2, six multiplications over
    /// 3 cycles, each 2.45 ns into its cycle (budget 2.91, no multiplexer delay); adders 0.9 + 0.04 ns per bit, 15 bits
    /// kept. Output A = x0·21 + x1·21 + x2·21 (14-bit products): ((p2 + p1) + p0), both additions 15 bits, one ternary
    /// adder of 3.0 ns, a stage of its own. Output C = x3·11 + x4·11 + x5·11 (13-bit): ((p5 + p4) + p3), 14 then 15 bits,
    /// 1.46 and 1.5 ns, no ternary adder. Latest issues, from the output register (operands due at the start of cycle 1):
    /// A's ternary adder in cycle 0, its products due at its start: issued by cycle −1; C's root starts by 1.41 ns into
    /// cycle 0, so p3 by cycle −1, and (p5 + p4) starts by 1.45 ns into cycle −1: p4, p5 by cycle −2. Order: p4, p5, then
    /// p0 … p3 (program order): cycle 0 p4 p5, cycle 1 p0 p1, cycle 2 p2 p3. C: p5 + p4 (1, 1.46), the root after p3
    /// (2, 2.45) → (3, 1.5); A: its ternary adder after p2 (2, 2.45) → cycle 3, registered: latency 4. Were A's products
    /// due a cycle earlier (as for an addition ending in cycle −1), p0 p1 p2 would go first, p5 in cycle 2, C's inner sum
    /// at (3, 1.46) and its root at (4, 1.5): latency 5.
    @Test func outputsAreDueAtTheEndOfTheLastCycle() {
        let schedule = Self.schedule([[21, 0], [21, 0], [21, 0], [0, 11], [0, 11], [0, 11]], reuseFactor: 4, budgetNs: 2.91, keptWidth: 15)
        #expect(schedule.multiplierLimit == 2 && schedule.sharedMultipliers == 2 && schedule.issueCycles == 3)
        #expect(schedule.products.map(\.input) == [0, 1, 2, 3, 4, 5])
        #expect(schedule.products.map(\.issueCycle) == [1, 1, 2, 2, 0, 0])
        #expect(schedule.outputs[0].cycle == 3 && schedule.outputs[0].minimumRegisters == 1)
        #expect(schedule.outputs[1].cycle == 3 && abs(schedule.outputs[1].offsetNs - 1.5) < 1e-9)
        #expect(schedule.latencyCycles == 4)
    }
}

/// The pieces of HLS's adder trees and tops, worked by hand.
struct TernaryAdderTests {
    /// The leaf counts under an item of an `AdderTree`.
    static func leafCount(_ tree: ProductSchedule.AdderTree, _ index: Int) -> Int {
        if case let .node(left, right) = tree.items[index] { return leafCount(tree, left) + leafCount(tree, right) }
        return 1
    }

    /// The shapes Vitis HLS 2021.1 built (their `.verbose.sched.rpt`, docs/calibration.md): jet_tagging's output layer
    /// sums 28 terms as 14 + 14, then 7 + 7, 4 + 3, 2 + 2, 1 + 1 down the left; cardio's first layer 21 as 11 + 10,
    /// 6 + 5, 3 + 3, 2 + 1, 1 + 1.
    @Test(arguments: [(28, [[14, 14], [7, 7], [4, 3], [2, 2], [1, 1]]), (21, [[11, 10], [6, 5], [3, 3], [2, 1], [1, 1]])])
    func treeHalvesTheTerms(terms: Int, leftmost: [[Int]]) {
        var tree = ProductSchedule.AdderTree(keptWidth: 32)
        let leaves = (0..<terms).map { tree.leaf(.product($0), width: (bits: 20, signed: true)) }
        var index = tree.balance(leaves[...])
        var sizes: [[Int]] = []
        while case let .node(left, right) = tree.items[index] {
            sizes.append([Self.leafCount(tree, left), Self.leafCount(tree, right)])
            index = left
        }
        #expect(sizes == leftmost)
    }

    /// Ternary adders from the output down. Five terms of one width (the kept 32 bits: every addition as wide as its
    /// operands): the root takes its right operand, the pair (d, e), in; ((a, b), c) takes its left, the pair (a, b)
    /// (its right is a term); the pairs taken in are not ternary adders. Four terms whose right pair is narrower
    /// (c and d 24 bits: c + d 25, the root 32): the root takes its left pair in instead.
    @Test func ternaryAddersFromTheOutputDown() {
        var five = ProductSchedule.AdderTree(keptWidth: 32)
        let terms = (0..<5).map { five.leaf(.product($0), width: (bits: 40, signed: true)) }
        let root = five.balance(terms[...])
        five.mergeTernaries(root: root)
        guard case let .node(left, right) = five.items[root], case let .node(pair, _) = five.items[left] else {
            Issue.record("not a tree of ((a, b), c) and (d, e)"); return
        }
        #expect(five.fused[root] == 1 && five.fused[right] == nil)
        #expect(five.fused[left] == 0 && five.fused[pair] == nil)
        var four = ProductSchedule.AdderTree(keptWidth: 32)
        let wide = (0..<2).map { four.leaf(.product($0), width: (bits: 40, signed: true)) }
        let narrow = (2..<4).map { four.leaf(.product($0), width: (bits: 24, signed: true)) }
        let top = four.balance((wide + narrow)[...])
        four.mergeTernaries(root: top)
        #expect(four.fused[top] == 0)
    }

    /// hls4ml's `reduce` over n terms, every term there at once: a ternary adder saves a stage only where the tree is
    /// unbalanced. 3 = (2, 1): one ternary adder; 5 = (4, 1): (a+b), (c+d), then both and e in one ternary adder;
    /// 4, 8, 16 (complete trees): each merged operand needs its own operands a stage earlier, so nothing is saved;
    /// 6 = (4, 2) and 7 = (4, 3): the pairs first, then three values; 9 = (8, 1): the 8-tree's top taken in, 3.
    @Test(arguments: [(1, 0), (2, 1), (3, 1), (4, 2), (5, 2), (6, 2), (7, 2), (8, 3), (9, 3), (16, 4)])
    func reduceTreeStages(n: Int, stages: Int) {
        #expect(ReduceTree.ternaryStages(n) == stages, "\(n)")
        #expect(ReduceTree.ternaryStages(n) >= (ReduceTree.levels(n) + 1) / 2)
    }

    /// Two merged additions take one stage of their own when together they exceed the budget (the stage before is
    /// closed, a free cast still joins), and simply chain when they fit.
    @Test func stagePackerMergesTwoAdditions() {
        var over = StagePacker(budget: 2.46)
        over.add(.lookup, 1.0)
        over.addTernary(.addLevel(1), .addLevel(2), 1.66)
        over.add(.cast, 0)
        #expect(over.finish().map(\.registersAfter) == [1, 0, 0, 1])
        var costly = StagePacker(budget: 2.46)
        costly.addTernary(.addLevel(1), .addLevel(2), 1.66)
        costly.add(.cast, 0.3)
        #expect(costly.finish().map(\.registersAfter) == [0, 1, 1])
        var fits = StagePacker(budget: 4.0)
        fits.add(.lookup, 0.5)
        fits.addTernary(.addLevel(1), .addLevel(2), 1.66)
        #expect(fits.finish().map(\.registersAfter) == [0, 0, 1])
    }

    /// A table read from block RAM (`blockRAMReadNs` 2.32, budget 3.925 = 5 ns − 0.625 − 0.45): the address logic and
    /// the read fill a stage ending in the memory's register, and the value leaves it through 2.32 ns again.
    /// - normalization 2.18 + 2.32 > 3.925: the read starts a stage; then 2.32 + an addition of 1.62 > 3.925: the
    ///   addition waits a cycle more (the read's registers 2, HLS's `[2/2]`, `[1/2]` and the addition in the third);
    /// - normalization 1.0 + 2.32 fits, and 2.32 + 1.5 fits: the read chains after it and the addition after the read;
    /// - a read longer than the budget (2.26, 3.33 ns with 0.62 ns uncertainty) still takes one stage, and its way out
    ///   another: two registers, as HLS's two states;
    /// - without `blockRAMReadNs` a read is distributed ROM chained like any logic (the 10-bit address: 2.7 ns with
    ///   roundProfile's select of 0.5: three levels, 1.5 ns; with a 0.5 ns cast, one step of 2.0 ns).
    @Test func blockRAMReadTakesTwoStages() {
        var device = roundProfile
        device.blockRAMReadNs = 2.32
        // A normalization, a 1024-entry read and an addition; the registers after each stage.
        func normalizeReadAdd(budget: Double, normalizeNs: Double, addNs: Double) -> [Int] {
            var packer = StagePacker(budget: budget)
            packer.add(.normalize, normalizeNs)
            packer.addTableRead(.lookup, device: device, addressBits: 10)
            packer.add(.addLevel(1), addNs)
            return packer.finish().map(\.registersAfter)
        }
        #expect(normalizeReadAdd(budget: 3.925, normalizeNs: 2.18, addNs: 1.62) == [1, 2, 1])   // late
        #expect(normalizeReadAdd(budget: 3.925, normalizeNs: 1.0, addNs: 1.5) == [0, 1, 1])     // chained
        #expect(normalizeReadAdd(budget: 2.26, normalizeNs: 1.0, addNs: 1.0) == [1, 2, 1])      // tight
        // Only the read keeps its stage beyond the budget: address logic that does not fit before it (2.0 + 2.32) takes
        // a stage of its own, and a cast that does not fit after it (2.32 + 2.0) starts the next stage, where an
        // addition still chains (2.0 + 1.62).
        var address = StagePacker(budget: 3.925)
        address.addTableRead(.lookup, device: device, addressBits: 10, beforeNs: 2.0)
        address.add(.addLevel(1), 1.0)
        #expect(address.finish().map(\.registersAfter) == [2, 1])
        var cast = StagePacker(budget: 3.925)
        cast.addTableRead(.lookup, device: device, addressBits: 10, afterNs: 2.0)
        cast.add(.addLevel(1), 1.62)
        #expect(cast.finish().map(\.registersAfter) == [2, 1])
        // A table of fewer than 1024 entries stays distributed ROM, chained like any logic (8 address bits: two select
        // levels of roundProfile's 0.5 ns).
        var small = StagePacker(budget: 3.925)
        small.add(.normalize, 1.0)
        small.addTableRead(.lookup, device: device, addressBits: 8)
        #expect(device.romReadDelay(addressBits: 8) == 1.0 && small.finish().map(\.registersAfter) == [0, 1])
        var rom = StagePacker(budget: 3.925)
        rom.add(.normalize, 1.0)
        rom.addTableRead(.lookup, device: roundProfile, addressBits: 10, afterNs: 0.5)
        rom.add(.addLevel(1), 1.0)
        #expect(roundProfile.romReadDelay(addressBits: 10) == 1.5)
        #expect(rom.finish().map(\.registersAfter) == [0, 1, 1])   // [normalize lookup] 3.0, then 3.0 + 1.0 > 3.925
    }

    /// A pipelined DSP product leaves its last register through the DSP's output path: a reader in that cycle chains
    /// after it (2.0 + 1.54 > 2.46: the next cycle; 0.4 + 1.54 fits).
    @Test func dspOutputPathDelaysTheNextAddition() {
        let timing = ChainTiming(budgetNs: 2.46)
        let slow = TimedValue(cycle: 0, minimumRegisters: 2, outputNs: 2.0)
        #expect(slow.readyCycle == 2 && slow.readyOffsetNs == 2.0)
        #expect(timing.after([slow], delayNs: 1.54) == TimedValue(cycle: 3, offsetNs: 1.54))
        let quick = TimedValue(cycle: 0, minimumRegisters: 2, outputNs: 0.4)
        #expect(abs(timing.after([quick], delayNs: 1.54).offsetNs - 1.94) < 1e-9 && timing.after([quick], delayNs: 1.54).cycle == 2)
        #expect(timing.afterSingleStage([TimedValue(cycle: 1, offsetNs: 0.5)], delayNs: 3.1) == TimedValue(cycle: 2, minimumRegisters: 1))
    }

    /// Dense 3 → 1 of int12 inputs and the int10 weight 21 (6 bits: each product 12 + 6 = 18 bits, on a DSP), no bias,
    /// on roundProfile at 2.5 ns (budget 1.6875: the 2.0 ns multiply takes 2 registers, one 1.0 ns adder per stage, a
    /// 2.0 ns ternary adder a stage of its own). The tree is (p0 + p1), then p2: 19 bits, then 20. With a 20-bit
    /// accumulator the first sum is narrower than the root, so no ternary adder: p0 + p1 in cycle 2, the root in cycle 3,
    /// latency 4. With a 19-bit accumulator both sums are 19 bits, the accumulator's width: one ternary adder of the
    /// three products in cycle 2, latency 3.
    @Test(arguments: [(20, 4), (19, 3)])
    func ternaryAdderOnlyAtTheKeptWidth(accumulatorBits: Int, latency: Int) throws {
        let precision = LayerPrecision(result: .int(accumulatorBits), weight: .int(10), bias: .int(8), accumulator: .int(accumulatorBits))
        let dense = Layer(name: "fc", operation: .dense(DenseParameters(outputSize: 1, weights: [21, 21, 21], biases: [0])),
                          inputSize: 3, precision: precision)
        let network = Network(name: "t", inputSize: 3, inputPrecision: .int(12), layers: [dense])
        let block = try Scheduler.schedule(network, options: ScheduleOptions(clockPeriodNs: 2.5, device: roundProfile)).blocks[0]
        let products = try #require(block.products)
        #expect(products.products.count == 3 && products.sums.count == 2)
        #expect(block.latencyCycles == latency)
        // Merged or not, the two additions are the same ones, (p0 + p1) then + p2; merged, both in cycle 2.
        #expect(products.sums.map(\.value.cycle) == (latency == 3 ? [2, 2] : [2, 3]))
    }
}

/// The latency HLS reports for an io_parallel top (`DesignSchedule.hlsTopLatency`), worked by hand on blocks of given
/// depths: Σ D, + 1 for each callee that registers its inputs (top II 1, its own II 1, no tables, D ≥ 3), − 1 for a
/// combinational block that shares a state with the next, − 1 for the output ports.
struct HLSTopLatencyTests {
    static func block(_ name: String, depth: Int, interval: Int = 1, tables: Bool = false, critical: Double = 1.0,
                      steps: [PipelineStep] = []) -> BlockSchedule {
        var block = BlockSchedule(layerIndex: 0, layerName: name, kind: "Dense", requestedReuseFactor: interval, reuseFactor: interval,
                                  strategy: .latency, initiationInterval: interval, latencyCycles: depth, steps: steps, groups: 1,
                                  termsPerGroup: 1, criticalPathNs: critical, multipliers: 0, dsps: 0, adders: 0, registerBits: 0, notes: [])
        block.tableBits = tables ? 1024 : 0
        return block
    }

    /// cardio at RF 1 (D = 7, 2, 5, 14): 28 + 2 (the two Dense callees register their inputs) − 1 = 29, the report's top;
    /// at RF 2 the Dense layers have II 2 and no callee registers its inputs: 28 − 1 = 27, the report's too.
    @Test func callsRegisterTheirInputsOnlyAtIIOne() {
        let options = ScheduleOptions(clockPeriodNs: 3.33, device: roundProfile)
        let rf1 = DesignSchedule(designName: "cardio", options: options, blocks: [
            Self.block("fc1", depth: 7), Self.block("relu1", depth: 2), Self.block("output", depth: 5), Self.block("softmax", depth: 14, tables: true)])
        #expect(rf1.hlsTopLatency == 29)
        let rf2 = DesignSchedule(designName: "cardio", options: options, blocks: [
            Self.block("fc1", depth: 7, interval: 2), Self.block("relu1", depth: 2), Self.block("output", depth: 5, interval: 2),
            Self.block("softmax", depth: 14, tables: true)])
        #expect(rf2.hlsTopLatency == 27)
    }

    /// A one-slot block whose logic (1.7 ns) and the next block's first stage (2.1 ns of its first step) fit the 5 ns
    /// budget (5 − 0.625 − 0.5 = 3.875) share a state; before a block whose first stage is 3.0 ns they do not, nor does
    /// that 3.0 ns block with the 2.1 ns stage after it.
    @Test func combinationalCalleeSharesAState() {
        let options = ScheduleOptions(clockPeriodNs: 5, device: roundProfile)
        let softmax = Self.block("softmax", depth: 9, tables: true, steps: [PipelineStep(operation: .maxLevel(1), delayNs: 2.1, registersAfter: 1)])
        let relu = Self.block("relu", depth: 1, critical: 3.0, steps: [PipelineStep(operation: .select, delayNs: 3.0, registersAfter: 1)])
        let shares = DesignSchedule(designName: "t", options: options, blocks: [Self.block("scale", depth: 1, critical: 1.7), softmax])
        #expect(shares.hlsTopLatency == 1 + 9 - 1 - 1)
        let apart = DesignSchedule(designName: "t", options: options, blocks: [Self.block("scale", depth: 1, critical: 1.7), relu, softmax])
        #expect(apart.hlsTopLatency == 1 + 1 + 9 - 1)
    }
}

import Foundation

/// When a value exists inside a block, relative to the cycle its token was accepted (cycle 0).
///
/// The value's logic ends in cycle `cycle`, `offsetNs` into that cycle's logic budget. An operation longer than
/// a cycle (a DSP multiply at a short clock) ends in `cycle` and then needs `minimumRegisters` registers before
/// anything may read it; it leaves its last register through `outputNs` of logic (a DSP's output path), which a
/// reader in that cycle chains after. A reader in cycle c ≥ `cycle + minimumRegisters` reads it through `c − cycle`
/// registers.
public struct TimedValue: Sendable, Equatable, Hashable {
    public var cycle: Int
    public var minimumRegisters: Int
    public var offsetNs: Double
    public var outputNs: Double

    public init(cycle: Int, minimumRegisters: Int = 0, offsetNs: Double = 0, outputNs: Double = 0) {
        self.cycle = cycle
        self.minimumRegisters = minimumRegisters
        self.offsetNs = offsetNs
        self.outputNs = outputNs
    }

    /// The first cycle a reader may use it in.
    public var readyCycle: Int { cycle + minimumRegisters }

    /// The time already spent in its ready cycle when a reader there may start.
    public var readyOffsetNs: Double { minimumRegisters == 0 ? offsetNs : outputNs }

    /// Ordering key for "ready earlier": the ready cycle, then the time already spent in it.
    var readiness: (Int, Double) { (readyCycle, readyOffsetNs) }
}

/// Operation chaining against a clock's logic budget, the rule of `StagePacker` applied to one operation with
/// several inputs: it starts when its last input is ready, chains into that cycle if it still fits the budget,
/// otherwise starts after a register; one longer than the budget gets ⌈delay / budget⌉ registers of its own.
public struct ChainTiming: Sendable {
    public let budgetNs: Double

    public init(budgetNs: Double) { self.budgetNs = budgetNs }

    /// A product in LUTs (`StagePacker.addProduct`): one combinational stage however long, so one longer than the
    /// budget takes a cycle of its own and one register, never more.
    public func afterProduct(_ inputs: [TimedValue], delayNs: Double, inLUTs: Bool) -> TimedValue {
        inLUTs ? afterSingleStage(inputs, delayNs: delayNs) : after(inputs, delayNs: delayNs)
    }

    /// An operation HLS keeps in one stage however long it is (a LUT product, a ternary adder): one longer than the
    /// budget takes a cycle of its own and one register.
    public func afterSingleStage(_ inputs: [TimedValue], delayNs: Double) -> TimedValue {
        var value = after(inputs, delayNs: delayNs)
        if value.minimumRegisters > 1 { value.minimumRegisters = 1 }
        return value
    }

    public func after(_ inputs: [TimedValue], delayNs: Double) -> TimedValue {
        let ready = inputs.map(\.readyCycle).max() ?? 0
        let start = inputs.filter { $0.readyCycle == ready }.map(\.readyOffsetNs).max() ?? 0
        return after(ready: ready, start: start, delayNs: delayNs)
    }

    /// `after([a, b], delayNs:)` without building an array (the adder tree calls it once per addition).
    public func after(_ a: TimedValue, _ b: TimedValue, delayNs: Double) -> TimedValue {
        let ready = max(a.readyCycle, b.readyCycle)
        var start = 0.0
        if a.readyCycle == ready { start = a.readyOffsetNs }
        if b.readyCycle == ready { start = max(start, b.readyOffsetNs) }
        return after(ready: ready, start: start, delayNs: delayNs)
    }

    /// The inverse of `after`: the latest its inputs may be ready for an operation of `delayNs` to be ready by
    /// `required` (for a reader starting `required.offsetNs` into cycle `required.cycle`). `singleStage`: one longer
    /// than the budget keeps one stage (`afterSingleStage`).
    public func required(by required: TimedValue, delayNs: Double, singleStage: Bool = false) -> TimedValue {
        let epsilon = 1e-9
        if delayNs <= epsilon { return required }
        if delayNs > budgetNs + epsilon {
            let registers = singleStage ? 1 : Int(ceil(delayNs / budgetNs - epsilon))
            return TimedValue(cycle: required.cycle - registers)
        }
        if delayNs <= required.offsetNs + epsilon { return TimedValue(cycle: required.cycle, offsetNs: required.offsetNs - delayNs) }
        return TimedValue(cycle: required.cycle - 1, offsetNs: budgetNs - delayNs)
    }

    /// An operation whose last input is ready in cycle `ready`, `start` ns into it.
    func after(ready: Int, start: Double, delayNs: Double) -> TimedValue {
        let epsilon = 1e-9
        if delayNs > budgetNs + epsilon {
            return TimedValue(cycle: start > epsilon ? ready + 1 : ready,
                              minimumRegisters: Int(ceil(delayNs / budgetNs - epsilon)), offsetNs: 0)
        }
        if start + delayNs > budgetNs + epsilon { return TimedValue(cycle: ready + 1, offsetNs: delayNs) }
        return TimedValue(cycle: ready, offsetNs: start + delayNs)
    }
}

/// A Dense layer under hls4ml's Latency strategy, scheduled the way Vitis HLS builds it (its own schedules of hls4ml
/// designs, docs/calibration.md).
///
/// hls4ml writes a fully unrolled multiply-and-sum, pipelines it with II = RF and limits the multipliers with
/// `#pragma HLS ALLOCATION operation instances=mul limit=multiplier_limit`, where
/// multiplier_limit = ⌈n_in·n_out / RF⌉ − ⌊n_zeros / RF⌋. HLS then:
/// - turns a product by a constant whose canonical signed-digit form has at most two non-zero digits
///   (±2^a, ±2^a ± 2^b) into shifts and at most one adder (−2^a − 2^b: one ternary adder, or two subtractions where
///   another product of the input shares −x·2^a): no multiplier;
/// - keeps one multiplication per distinct (input, weight) pair (common subexpressions);
/// - balances each output's `acc = bias; acc += mult[i]`, its terms in the order LLVM's reassociation leaves them
///   (`termOrder`), into a tree that splits them in halves, the first half rounded up (a zero bias is folded away),
///   sizes every addition by its operands' ranges (each product as HLS builds it, `Sums.productBits`) and, from the
///   output down, makes an addition and the addition it adds one ternary adder where that operand is as wide as itself
///   (the right operand where both are; an addition taken into a ternary adder is not one itself) (`AdderTree`);
/// - when the limit is below the real multiplications, issues them on the shared multipliers in list-scheduling
///   order — the earliest latest start (ALAP, every output due at the start of the cycle after the last) first, that
///   is the most adder stages between the product and its output, then program order — `limit` per cycle, with an
///   operand multiplexer in front of each;
/// - chains operations into a cycle while they fit the clock budget (a pipelined DSP product leaves its last register
///   through its output path, `dspOutputNs`; a LUT product and a ternary adder keep one stage however long).
///
/// At RF 1, and wherever the limit is not below the real multiplications (RF 2 in most designs), nothing is shared.
/// The block's II is min(RF, latency): HLS reports an II equal to the depth when the pipeline is shorter than RF.
/// docs/timing.md and docs/calibration.md give the derivation and the fit.
public struct ProductSchedule: Sendable, Equatable {
    /// One multiplication: `input × weight` (raw weight in weight_t), cast to accum_t.
    public struct Product: Sendable, Equatable {
        public var input: Int
        public var weightRaw: Int64
        /// The shared multiplier it runs on (nil: its own constant multiplier, or shifts and an adder).
        public var multiplier: Int?
        /// Cycle its operands are selected in (0 unless shared).
        public var issueCycle: Int
        /// The operand multiplexer's output (shared products only).
        public var select: TimedValue?
        /// The product cast to accum_t.
        public var value: TimedValue
    }

    /// An operand of an addition.
    public enum Operand: Sendable, Equatable, Hashable {
        case product(Int)
        /// Output j's bias, cast to accum_t (a constant).
        case bias(Int)
        case sum(Int)
    }

    /// One addition in accum_t.
    public struct Sum: Sendable, Equatable {
        public var left: Operand
        public var right: Operand
        public var value: TimedValue
    }

    public var multiplierLimit: Int
    /// Shared multipliers (0 when nothing is shared).
    public var sharedMultipliers: Int
    /// Cycles in which shared multipliers take operands (1 when nothing is shared).
    public var issueCycles: Int
    /// Products that needed a real multiplier (at least 3 signed digits), after common subexpressions.
    public var realMultiplications: Int
    public var products: [Product]
    public var sums: [Sum]
    /// Per output: the value its cast to the result type reads.
    public var roots: [Operand]
    /// Per output: the result after the cast (read by the output register).
    public var outputs: [TimedValue]
    /// Cycles from accept to result: every output reaches the output register by then.
    public var latencyCycles: Int

    public func timing(of operand: Operand) -> TimedValue {
        switch operand {
        case let .product(k): return products[k].value
        case .bias: return TimedValue(cycle: 0)
        case let .sum(k): return sums[k].value
        }
    }

    /// Non-zero digits of `value` in canonical signed-digit form (0 for 0).
    public static func signedDigits(_ value: Int64) -> Int { signedDigitTerms(Int128(value)).count }

    /// Whether a product by the constant `value` needs a multiplier: three signed digits or more (±2^a is a shift,
    /// ±2^a ± 2^b a shift and an adder, as HLS builds them).
    public static func needsMultiplier(_ value: Int64) -> Bool { needsMultiplier(signedDigits: signedDigits(value)) }

    /// The same rule for a constant with `signedDigits` non-zero digits.
    static func needsMultiplier(signedDigits: Int) -> Bool { signedDigits >= 3 }

    /// `value` as Σ ±2^shift in canonical signed-digit (non-adjacent) form, lowest digit first: the fewest
    /// shifted terms that add up to it (3 = 4 − 1, 21 = 16 + 4 + 1).
    public static func signedDigitTerms(_ value: Int128) -> [(shift: Int, negative: Bool)] {
        var magnitude = value.magnitude, shift = 0
        var terms: [(shift: Int, negative: Bool)] = []
        while magnitude != 0 {
            if magnitude & 1 == 1 {
                let down = magnitude & 2 == 2     // …11: take −1 and carry
                terms.append((shift, down != (value < 0)))
                magnitude = down ? magnitude &+ 1 : magnitude - 1
            }
            magnitude >>= 1
            shift += 1
        }
        return terms
    }

    /// hls4ml's `multiplier_limit` for the Latency strategy (at least 1).
    public static func multiplierLimit(inputs: Int, outputs: Int, zeros: Int, reuseFactor rf: Int) -> Int {
        max(1, (inputs * outputs + rf - 1) / rf - zeros / rf)
    }

    /// What sizes a layer's additions in HLS, from the C++ types and the constants: the input type, the cast of each
    /// product to accum_t, the biases, and the width no addition exceeds.
    public struct Sums: Sendable, Equatable {
        /// The input's raw range (its type's).
        public var inputRange: ClosedRange<Int64>
        /// The fraction bits a product x·w has beyond accum_t's (it is truncated by them; negative: it gains them).
        public var productShift: Int
        /// Output j's bias in accum_t LSBs (0: no bias term; HLS folds an addition of 0 away).
        public var biasRaw: [Int64]
        /// The accumulator bits the cast to the result keeps (the high bits a wrapping cast drops are never computed):
        /// the widest addition.
        public var keptWidth: Int

        public init(inputRange: ClosedRange<Int64>, productShift: Int, biasRaw: [Int64], keptWidth: Int) {
            self.inputRange = inputRange
            self.productShift = productShift
            self.biasRaw = biasRaw
            self.keptWidth = keptWidth
        }

        /// The width Vitis HLS gives the product x·w before the cast to accum_t, as it builds it (its schedules of the
        /// calibration designs): a multiplier has the input's bits and the constant's (an unsigned input times a positive
        /// constant: the constant's unsigned bits); x·2^s is x shifted (s more bits), −x·2^s one more for the negation;
        /// ±x·2^a ± x·2^b (a > b) is one addition or subtraction, a + 1 more bits (a + 2 for −2^a − 2^b of an unsigned
        /// input, whose range needs it). Signed unless both factors are non-negative.
        /// `digits`: w's `signedDigitTerms`, when known.
        func productBits(weightRaw w: Int64, digits known: [(shift: Int, negative: Bool)]? = nil) -> (bits: Int, signed: Bool) {
            let unsigned = inputRange.lowerBound >= 0
            let inputBits = AdderTree.bits(of: Int128(inputRange.lowerBound)...Int128(inputRange.upperBound))
            let digits = known ?? ProductSchedule.signedDigitTerms(Int128(w))
            let bits: Int
            switch digits.count {
            case 0: bits = 1
            case 1: bits = inputBits + digits[0].shift + (digits[0].negative ? 1 : 0)
            case 2: bits = inputBits + digits[1].shift + 1 + (unsigned && w < 0 && digits.allSatisfy(\.negative) ? 1 : 0)
            default:
                let constant = unsigned && w > 0 ? Int128(0)...Int128(w) : Int128(min(w, -1))...Int128(max(w, 0))
                bits = inputBits + AdderTree.bits(of: constant)
            }
            return (bits, !unsigned || w < 0)
        }

        /// The product x·w cast to accum_t: `productBits` less the bits the cast drops.
        func productWidth(weightRaw w: Int64) -> (bits: Int, signed: Bool) { castToAccumulator(productBits(weightRaw: w)) }

        /// A product of the given width after the cast to accum_t: less the bits the cast drops.
        func castToAccumulator(_ product: (bits: Int, signed: Bool)) -> (bits: Int, signed: Bool) {
            (max(1, product.bits - productShift), product.signed)
        }
    }

    /// Schedules `outputs` dot products over `inputs` inputs; `weight(i, j)` is the raw weight from input i to output j.
    /// `multiplyNs`: a constant product (the profile's multiplier for these widths); `sharedMultiplyNs`: a product of
    /// multiplexed operands; `muxNsPerLevel`: one level of an operand multiplexer; `addNs`: an addition of the given
    /// width (HLS sizes each addition by its operands);
    /// `castNs`: the cast to the result type; `sums`: what sizes the additions.
    /// `lutProducts`: the products are built in LUTs (one stage each, `ChainTiming.afterProduct`).
    /// `dspOutputNs`: a DSP product longer than the budget leaves its last register through this much logic.
    /// `singleSharedCycles`: when one multiplier is shared, the cycles from a product's issue to its value (the
    /// profile's `singleSharedMultiplierCycles`; nil: timed like any shared multiplier).
    public static func build(inputs: Int, outputs: Int, reuseFactor rf: Int, weight: (Int, Int) -> Int64,
                             timing: ChainTiming, multiplyNs: Double, sharedMultiplyNs: Double, muxNsPerLevel: Double,
                             addNs: (Int) -> Double, castNs: Double, sums shape: Sums, lutProducts: Bool = false,
                             dspOutputNs: Double = 0, singleSharedCycles: Int? = nil) -> ProductSchedule {
        let distinct = distinctProducts(inputs: inputs, outputs: outputs, weight: weight)
        func multiplied(_ inputs: [TimedValue], _ delayNs: Double) -> TimedValue {
            var value = timing.afterProduct(inputs, delayNs: delayNs, inLUTs: lutProducts)
            if !lutProducts && value.minimumRegisters > 0 { value.outputNs = dspOutputNs }
            return value
        }
        let start = TimedValue(cycle: 0)
        let constantProduct = multiplied([start], multiplyNs)
        // A product by 2^a is a shift; by −2^a a negation (a subtraction from 0, −(x << a)); by ±2^a ± 2^b one
        // addition or subtraction; by −2^a − 2^b the negation and a subtraction, which HLS puts in one ternary adder
        // unless the negation is shared with another product of the same input (then two chained subtractions).
        let digitsOf = distinct.pairs.map { signedDigitTerms(Int128($0.weight)) }
        let bitsOf = distinct.pairs.indices.map { shape.productBits(weightRaw: distinct.pairs[$0].weight, digits: digitsOf[$0]) }
        let negations = Dictionary(distinct.pairs.indices.compactMap { k -> (Pair, Int)? in
            let digits = digitsOf[k]
            guard digits.count <= 2, digits.allSatisfy(\.negative), let top = digits.last else { return nil }
            return (Pair(input: distinct.pairs[k].input, weight: Int64(top.shift)), 1)
        }, uniquingKeysWith: +)
        func cheapProduct(_ k: Int) -> TimedValue {
            let (pair, digits) = (distinct.pairs[k], digitsOf[k])
            let add = addNs(bitsOf[k].bits)
            if digits.count == 1 { return digits[0].negative ? timing.after([start], delayNs: add) : start }
            if digits.count == 2 && digits.allSatisfy(\.negative) {
                if negations[Pair(input: pair.input, weight: Int64(digits[1].shift)), default: 0] > 1 {
                    // Made from the input of cycle 0: past it, held in registers and left through the subtraction's
                    // remaining logic (as a pipelined DSP product is).
                    let chained = timing.after([timing.after([start], delayNs: add)], delayNs: add)
                    if chained.readyCycle == 0 { return chained }
                    return TimedValue(cycle: 0, minimumRegisters: chained.readyCycle, offsetNs: 0, outputNs: chained.readyOffsetNs)
                }
                return timing.afterSingleStage([start], delayNs: 2 * add)
            }
            return timing.after([start], delayNs: add)
        }
        var products = distinct.pairs.indices.map { k in
            Product(input: distinct.pairs[k].input, weightRaw: distinct.pairs[k].weight, multiplier: nil, issueCycle: 0, select: nil,
                    value: needsMultiplier(signedDigits: digitsOf[k].count) ? constantProduct : cheapProduct(k))
        }
        // Each output's adder tree over its terms in the order HLS balances them (`termOrder`).
        let widths = bitsOf.map(shape.castToAccumulator)
        var trees: [(tree: AdderTree, root: Int)] = []
        for j in 0..<outputs {
            var tree = AdderTree(keptWidth: shape.keptWidth)
            var leaves: [Int] = []
            let bias = Int128(j < shape.biasRaw.count ? shape.biasRaw[j] : 0)
            let biasWidth = (bits: AdderTree.bits(of: min(bias, 0)...max(bias, 0)), signed: bias < 0)
            let terms = (0..<inputs).map { distinct.product[$0 * outputs + j] }.filter { $0 >= 0 }
            for term in termOrder(terms.map { products[$0].weightRaw }, hasBias: bias != 0, sums: shape) {
                leaves.append(term.map { tree.leaf(.product(terms[$0]), width: widths[terms[$0]]) } ?? tree.leaf(.bias(j), width: biasWidth))
            }
            if leaves.isEmpty { leaves.append(tree.leaf(.bias(j), width: biasWidth)) }
            let root = tree.balance(leaves[...])
            tree.mergeTernaries(root: root)
            trees.append((tree, root))
        }
        // The shared multipliers take the real multiplications in list-scheduling order: the one whose latest start
        // (ALAP) is earliest first — the most adder stages between it and its output — then program order.
        let limit = multiplierLimit(inputs: inputs, outputs: outputs, zeros: distinct.zeros, reuseFactor: rf)
        let real = products.indices.filter { needsMultiplier(signedDigits: digitsOf[$0].count) }
        var shared = 0, issueCycles = 1
        if real.count > limit {
            shared = limit
            issueCycles = (real.count + limit - 1) / limit
            let mux = issueCycles > 1 ? muxNsPerLevel * ceil(log2(Double(issueCycles))) : 0
            // A product issued in cycle 0 (the lone multiplier's core: `singleSharedCycles` registers).
            var issued = multiplied([timing.after([start], delayNs: mux)], sharedMultiplyNs)
            if limit == 1, let cycles = singleSharedCycles { issued = TimedValue(cycle: 0, minimumRegisters: cycles) }
            var latestIssue = [Int](repeating: .max, count: products.count)
            // Every output is registered at the end of its last cycle: its value must be available at the start of the next
            // (a value computed in that cycle, or one registered at its end, as an addition in a stage of its own is).
            let outputRequired = timing.required(by: TimedValue(cycle: 1), delayNs: castNs)
            for (tree, root) in trees {
                for (k, required) in tree.requiredTimes(root: root, by: outputRequired, timing: timing, addNs: addNs) {
                    let fits = issued.readyOffsetNs <= required.offsetNs + 1e-9
                    latestIssue[k] = min(latestIssue[k], required.cycle - issued.readyCycle - (fits ? 0 : 1))
                }
            }
            let order = real.enumerated().sorted { a, b in
                latestIssue[a.element] != latestIssue[b.element] ? latestIssue[a.element] < latestIssue[b.element] : a.offset < b.offset
            }
            for (n, k) in order.map(\.element).enumerated() {
                let cycle = n / limit
                let select = timing.after([TimedValue(cycle: cycle)], delayNs: mux)
                products[k].multiplier = n % limit
                products[k].issueCycle = cycle
                products[k].select = select
                products[k].value = multiplied([select], sharedMultiplyNs)
                if shared == 1, let cycles = singleSharedCycles {
                    // The lone multiplier's core registers its multiplexed operands: the value is `cycles` cycles on.
                    products[k].select = TimedValue(cycle: cycle)
                    products[k].value = TimedValue(cycle: cycle, minimumRegisters: cycles)
                }
            }
        }
        var schedule = ProductSchedule(multiplierLimit: limit, sharedMultipliers: shared, issueCycles: issueCycles,
                                       realMultiplications: real.count, products: products, sums: [], roots: [],
                                       outputs: [], latencyCycles: 1)
        for (var tree, rootIndex) in trees {
            tree.time(timing: timing, addNs: addNs) { operand in
                if case let .product(k) = operand { return products[k].value }
                return start
            }
            let (root, rootTiming) = tree.emit(rootIndex, into: &schedule.sums)
            let output = castNs > 0 ? timing.after([rootTiming], delayNs: castNs) : rootTiming
            schedule.roots.append(root)
            schedule.outputs.append(output)
            // A value past its registers that still leaves through logic (a DSP product's output path) is registered a
            // cycle later.
            let tail = output.minimumRegisters > 0 && output.outputNs > 0 ? 1 : 0
            schedule.latencyCycles = max(schedule.latencyCycles, output.cycle + max(output.minimumRegisters, 1) + tail)
        }
        return schedule
    }

    /// The order in which Vitis HLS balances one output's terms (`AdderTree.balance`), read off its schedules of the
    /// hls4ml designs in docs/calibration.md: first the products that are the input's own bits (a product by 2^s that
    /// only drops bits: s ≤ `productShift` for a signed input; for an unsigned one only s = `productShift`, the input
    /// itself), then the bias, then the other products; each group from the last input to the first. For an unsigned
    /// input the products by positive weights come before those by negative ones (LLVM turns adding x·(−c) into
    /// subtracting x·c there, and the subtractions are reassociated last). `weights`: the terms' raw (non-zero)
    /// weights, in input order; returns indices into them, nil for the bias.
    static func termOrder(_ weights: [Int64], hasBias: Bool, sums: Sums) -> [Int?] {
        let unsigned = sums.inputRange.lowerBound >= 0
        func isWire(_ w: Int64) -> Bool {
            guard w > 0, w & (w - 1) == 0 else { return false }
            let shift = w.trailingZeroBitCount
            return unsigned ? shift == sums.productShift : shift <= sums.productShift
        }
        let descending = Array(weights.indices.reversed())
        let wires = descending.filter { isWire(weights[$0]) }
        var rest = descending.filter { !isWire(weights[$0]) }
        if unsigned { rest = rest.filter { weights[$0] >= 0 } + rest.filter { weights[$0] < 0 } }
        return wires.map(Optional.some) + (hasBias ? [nil] : []) + rest.map(Optional.some)
    }

    /// One output's adder tree as HLS builds it. Each operand has its type's range (a product: its width as HLS builds it,
    /// less what the cast to accum_t drops, `Sums.productWidth`; the bias: its constant's), each addition the sum of its
    /// operands' ranges,
    /// and HLS gives an addition the bits of its range, at most `keptWidth`. Where an addition adds another addition
    /// of the same width — no extension between them, as at the kept width or when the other operand is narrow — HLS
    /// makes the two one ternary adder (Vitis HLS's `TernaryAdder`: a stage of its own even beyond the budget), deciding
    /// from the output down (`mergeTernaries`).
    struct AdderTree {
        enum Item {
            case leaf(Operand)
            case node(left: Int, right: Int)
        }
        let keptWidth: Int
        var items: [Item] = []
        var ranges: [ClosedRange<Int128>] = []
        /// Per item: the bits HLS gives it (`width`).
        var widths: [Int] = []
        /// Per item: its timing, and which operand (0 left, 1 right) a node takes into a ternary adder.
        var timings: [TimedValue] = []
        var fused: [Int?] = []

        init(keptWidth: Int) { self.keptWidth = keptWidth }

        /// An operand of the given type (`bits`, signed or not).
        mutating func leaf(_ operand: Operand, width: (bits: Int, signed: Bool)) -> Int {
            items.append(.leaf(operand))
            // Wider than the kept bits it is capped anyway: a range of one bit more keeps every width and cannot overflow.
            let bits = Int128(min(width.bits, keptWidth + 1, 120))
            ranges.append(width.signed ? -(Int128(1) << (bits - 1))...(Int128(1) << (bits - 1)) - 1 : 0...(Int128(1) << bits) - 1)
            widths.append(min(Self.bits(of: ranges[ranges.count - 1]), keptWidth))
            return items.count - 1
        }

        /// HLS's balanced tree over `leaves` (in program order): the first half, rounded up, and the rest, each balanced
        /// the same way. Returns the root.
        mutating func balance(_ leaves: ArraySlice<Int>) -> Int {
            if leaves.count == 1 { return leaves[leaves.startIndex] }
            let middle = leaves.startIndex + (leaves.count + 1) / 2
            let left = balance(leaves[..<middle])
            return node(left, balance(leaves[middle...]))
        }

        mutating func node(_ left: Int, _ right: Int) -> Int {
            items.append(.node(left: left, right: right))
            ranges.append((ranges[left].lowerBound + ranges[right].lowerBound)...(ranges[left].upperBound + ranges[right].upperBound))
            widths.append(min(Self.bits(of: ranges[ranges.count - 1]), keptWidth))
            return items.count - 1
        }

        /// The bits HLS gives item `index`.
        func width(_ index: Int) -> Int { widths[index] }

        /// Bits of the smallest type holding `range` (two's complement if it can be negative): the significant bits
        /// of its bounds (of ~lower for a negative lower bound, which has as many), and a sign bit if it can be negative.
        static func bits(of range: ClosedRange<Int128>) -> Int {
            func significant(_ value: Int128) -> Int { 128 - value.leadingZeroBitCount }   // value ≥ 0
            if range.lowerBound < 0 { return max(significant(~range.lowerBound), significant(max(range.upperBound, 0))) + 1 }
            return max(1, significant(range.upperBound))
        }

        /// The ternary adder node `index` makes, if it takes an operand's addition in: that operand (`taken`), the other
        /// operand, and the taken addition's two operands.
        func ternary(_ index: Int) -> (taken: Int, other: Int, grandLeft: Int, grandRight: Int)? {
            guard case let .node(left, right) = items[index], let side = fused[index] else { return nil }
            let (taken, other) = side == 0 ? (left, right) : (right, left)
            guard case let .node(grandLeft, grandRight) = items[taken] else { return nil }
            return (taken, other, grandLeft, grandRight)
        }

        /// The latest each product leaf under `root` may be ready (`ChainTiming.required`) for the root to be ready by
        /// `required`, through the additions as `mergeTernaries` merged them, each at its own width's delay: HLS's
        /// as-late-as-possible times, which order its list scheduler.
        func requiredTimes(root: Int, by required: TimedValue, timing: ChainTiming,
                           addNs: (Int) -> Double) -> [(product: Int, required: TimedValue)] {
            var result: [(Int, TimedValue)] = []
            var stack = [(root, required)]
            while let (index, needed) = stack.popLast() {
                switch items[index] {
                case let .leaf(.product(k)): result.append((k, needed))
                case .leaf: break
                case let .node(left, right):
                    if let t = ternary(index) {
                        let delay = addNs(width(t.taken)) + addNs(width(index))
                        let inputs = timing.required(by: needed, delayNs: delay, singleStage: true)
                        stack += [(t.grandLeft, inputs), (t.grandRight, inputs), (t.other, inputs)]
                    } else {
                        let inputs = timing.required(by: needed, delayNs: addNs(width(index)))
                        stack += [(left, inputs), (right, inputs)]
                    }
                }
            }
            return result
        }

        /// Times every item, operands before the additions that read them (the order they were made in), with the
        /// ternary adders `mergeTernaries` decided; `value` gives a leaf's timing.
        mutating func time(timing: ChainTiming, addNs: (Int) -> Double, value: (Operand) -> TimedValue) {
            timings = []
            for index in items.indices {
                switch items[index] {
                case let .leaf(operand):
                    timings.append(value(operand))
                case let .node(left, right):
                    if let t = ternary(index) {
                        timings.append(timing.afterSingleStage([timings[t.grandLeft], timings[t.grandRight], timings[t.other]],
                                                               delayNs: addNs(width(t.taken)) + addNs(width(index))))
                    } else {
                        timings.append(timing.after(timings[left], timings[right], delayNs: addNs(width(index))))
                    }
                }
            }
        }

        /// Decides the ternary adders as HLS does, structurally and from the output down: an addition takes the addition
        /// it adds into one ternary adder where that operand is as wide as itself, the right operand where both are;
        /// an addition taken into a ternary adder is not one itself, but its operands may be (Vitis HLS's schedules of
        /// the hls4ml designs in docs/calibration.md: 1,725 ternary adders of adder trees, none against this rule).
        mutating func mergeTernaries(root: Int) {
            fused = [Int?](repeating: nil, count: items.count)
            var stack = [root]
            while let index = stack.popLast() {
                guard case let .node(left, right) = items[index] else { continue }
                let side = [1, 0].first { side in
                    let child = side == 0 ? left : right
                    if case .node = items[child] { return width(child) == width(index) }
                    return false
                }
                fused[index] = side
                for (childSide, child) in [(0, left), (1, right)] {
                    if childSide == side, case let .node(grandLeft, grandRight) = items[child] {
                        stack += [grandLeft, grandRight]
                    } else {
                        stack.append(child)
                    }
                }
            }
        }

        /// Appends the additions under `index` to `sums`, operands first; returns the operand that stands for it and
        /// its timing.
        func emit(_ index: Int, into sums: inout [Sum]) -> (Operand, TimedValue) {
            switch items[index] {
            case let .leaf(operand):
                return (operand, timings[index])
            case let .node(left, right):
                let value = timings[index]
                var operands: [Operand] = []
                let t = ternary(index)
                for child in [left, right] {
                    if let t, child == t.taken {
                        // The operand's addition, in the same stage as this one and ahead of it.
                        let (a, _) = emit(t.grandLeft, into: &sums)
                        let (b, _) = emit(t.grandRight, into: &sums)
                        sums.append(Sum(left: a, right: b, value: TimedValue(cycle: value.cycle)))
                        operands.append(.sum(sums.count - 1))
                    } else {
                        operands.append(emit(child, into: &sums).0)
                    }
                }
                sums.append(Sum(left: operands[0], right: operands[1], value: value))
                return (.sum(sums.count - 1), value)
            }
        }
    }

    /// The distinct (input, raw weight) products of a dot-product layer in program order (input-major, as hls4ml's
    /// loops run), the product each (input, output) pair uses (`product[i·outputs + j]`, −1 for a zero weight), and
    /// the number of zero weights.
    static func distinctProducts(inputs: Int, outputs: Int, weight: (Int, Int) -> Int64) -> (pairs: [Pair], product: [Int], zeros: Int) {
        var pairs: [Pair] = [], product = [Int](repeating: -1, count: inputs * outputs), zeros = 0
        var ofWeight: [Int64: Int] = [:]
        for i in 0..<inputs {
            ofWeight.removeAll(keepingCapacity: true)
            for j in 0..<outputs {
                let w = weight(i, j)
                if w == 0 { zeros += 1; continue }
                if let known = ofWeight[w] {
                    product[i * outputs + j] = known
                } else {
                    ofWeight[w] = pairs.count
                    product[i * outputs + j] = pairs.count
                    pairs.append(Pair(input: i, weight: w))
                }
            }
        }
        return (pairs, product, zeros)
    }

    struct Pair: Hashable {
        let input: Int
        let weight: Int64
    }
}

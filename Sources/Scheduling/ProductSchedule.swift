import Foundation

/// When a value exists inside a block, relative to the cycle its token was accepted (cycle 0).
///
/// The value's logic ends in cycle `cycle`, `offsetNs` into that cycle's logic budget. An operation longer than
/// a cycle (a DSP multiply at a short clock) ends in `cycle` and then needs `minimumRegisters` registers before
/// anything may read it. A reader in cycle c ≥ `cycle + minimumRegisters` reads it through `c − cycle` registers.
public struct TimedValue: Sendable, Equatable, Hashable {
    public var cycle: Int
    public var minimumRegisters: Int
    public var offsetNs: Double

    public init(cycle: Int, minimumRegisters: Int = 0, offsetNs: Double = 0) {
        self.cycle = cycle
        self.minimumRegisters = minimumRegisters
        self.offsetNs = offsetNs
    }

    /// The first cycle a reader may use it in.
    public var readyCycle: Int { cycle + minimumRegisters }

    /// Ordering key for "ready earlier": the ready cycle, then the time already spent in it.
    var readiness: (Int, Double) { (readyCycle, minimumRegisters == 0 ? offsetNs : 0) }
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
        var value = after(inputs, delayNs: delayNs)
        if inLUTs && value.minimumRegisters > 1 { value.minimumRegisters = 1 }
        return value
    }

    public func after(_ inputs: [TimedValue], delayNs: Double) -> TimedValue {
        let ready = inputs.map(\.readyCycle).max() ?? 0
        let start = inputs.filter { $0.cycle == ready && $0.minimumRegisters == 0 }.map(\.offsetNs).max() ?? 0
        return after(ready: ready, start: start, delayNs: delayNs)
    }

    /// `after([a, b], delayNs:)` without building an array (the adder tree calls it once per addition).
    public func after(_ a: TimedValue, _ b: TimedValue, delayNs: Double) -> TimedValue {
        let ready = max(a.readyCycle, b.readyCycle)
        var start = 0.0
        if a.cycle == ready && a.minimumRegisters == 0 { start = a.offsetNs }
        if b.cycle == ready && b.minimumRegisters == 0 { start = max(start, b.offsetNs) }
        return after(ready: ready, start: start, delayNs: delayNs)
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

/// A Dense layer at RF > 1 under hls4ml's Latency strategy, scheduled the way HLS builds it.
///
/// hls4ml writes the same fully unrolled multiply-and-sum as at RF 1, pipelines it with II = RF and limits the
/// multipliers with `#pragma HLS ALLOCATION operation instances=mul limit=multiplier_limit`, where
/// multiplier_limit = ⌈n_in·n_out / RF⌉ − ⌊n_zeros / RF⌋. HLS then:
/// - turns a product by a constant whose canonical signed-digit form has at most two non-zero digits
///   (±2^a, ±2^a ± 2^b) into shifts and at most one adder: no multiplier, not under the limit;
/// - keeps one multiplication per distinct (input, weight) pair (common subexpressions);
/// - places the remaining products on the limited multipliers in program order (input-major, as hls4ml's
///   loops run) — product k on multiplier k mod limit in cycle ⌊k / limit⌋ — with an operand multiplexer in front
///   of each shared multiplier;
/// - sums each output's products in an adder tree that combines the two earliest-ready values first, each
///   addition chained into a cycle while it fits the clock budget.
///
/// When the limit is not below the number of real multiplications (RF 2 in most designs), nothing is shared and
/// the block is the RF 1 datapath. The block's II is min(RF, latency): HLS reports an II equal to the depth when
/// the pipeline is shorter than RF. docs/timing.md and docs/calibration.md give the derivation and the fit.
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
    public static func needsMultiplier(_ value: Int64) -> Bool { signedDigits(value) >= 3 }

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

    /// Schedules `outputs` dot products over `inputs` inputs; `weight(i, j)` is the raw weight from input i to output j.
    /// `multiplyNs`: a constant product (the profile's multiplier for these widths); `sharedMultiplyNs`: a product of
    /// multiplexed operands; `muxNsPerLevel`: one level of an operand multiplexer; `addNs`: one accum_t addition;
    /// `castNs`: the cast to the result type.
    /// `lutProducts`: the products are built in LUTs (one stage each, `ChainTiming.afterProduct`).
    /// `singleSharedCycles`: when one multiplier is shared, the cycles from a product's issue to its value (the
    /// profile's `singleSharedMultiplierCycles`; nil: timed like any shared multiplier).
    public static func build(inputs: Int, outputs: Int, reuseFactor rf: Int, weight: (Int, Int) -> Int64,
                             timing: ChainTiming, multiplyNs: Double, sharedMultiplyNs: Double, muxNsPerLevel: Double,
                             addNs: Double, castNs: Double, lutProducts: Bool = false, singleSharedCycles: Int? = nil) -> ProductSchedule {
        let distinct = distinctProducts(inputs: inputs, outputs: outputs, weight: weight)
        let constantProduct = timing.afterProduct([TimedValue(cycle: 0)], delayNs: multiplyNs, inLUTs: lutProducts)
        var products = distinct.pairs.map {
            Product(input: $0.input, weightRaw: $0.weight, multiplier: nil, issueCycle: 0, select: nil, value: constantProduct)
        }
        let limit = multiplierLimit(inputs: inputs, outputs: outputs, zeros: distinct.zeros, reuseFactor: rf)
        let real = products.indices.filter { needsMultiplier(products[$0].weightRaw) }
        var shared = 0, issueCycles = 1
        if real.count > limit {
            shared = limit
            issueCycles = (real.count + limit - 1) / limit
            let mux = issueCycles > 1 ? muxNsPerLevel * ceil(log2(Double(issueCycles))) : 0
            for (n, k) in real.enumerated() {
                let cycle = n / limit
                let select = timing.after([TimedValue(cycle: cycle)], delayNs: mux)
                products[k].multiplier = n % limit
                products[k].issueCycle = cycle
                products[k].select = select
                products[k].value = timing.afterProduct([select], delayNs: sharedMultiplyNs, inLUTs: lutProducts)
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
        for j in 0..<outputs {
            var ready = ReadyQueue()
            ready.push(.bias(j), TimedValue(cycle: 0))
            for i in 0..<inputs {
                let k = distinct.product[i * outputs + j]
                if k >= 0 { ready.push(.product(k), products[k].value) }
            }
            // Combine the two earliest-ready values (ties: the first queued) until one is left.
            while ready.count > 1 {
                let (a, b) = (ready.pop(), ready.pop())
                let value = timing.after(a.timing, b.timing, delayNs: addNs)
                schedule.sums.append(Sum(left: a.operand, right: b.operand, value: value))
                ready.push(.sum(schedule.sums.count - 1), value)
            }
            let (root, rootTiming) = { let last = ready.pop(); return (last.operand, last.timing) }()
            let output = castNs > 0 ? timing.after([rootTiming], delayNs: castNs) : rootTiming
            schedule.roots.append(root)
            schedule.outputs.append(output)
            schedule.latencyCycles = max(schedule.latencyCycles, output.cycle + max(output.minimumRegisters, 1))
        }
        return schedule
    }

    /// A binary min-heap of values by readiness, then by the order they were queued.
    private struct ReadyQueue {
        struct Entry {
            let operand: Operand
            let timing: TimedValue
            let order: Int
            func precedes(_ other: Entry) -> Bool {
                let (x, y) = (timing.readiness, other.timing.readiness)
                return x != y ? x < y : order < other.order
            }
        }
        private var heap: [Entry] = []
        private var queued = 0
        var count: Int { heap.count }

        mutating func push(_ operand: Operand, _ timing: TimedValue) {
            heap.append(Entry(operand: operand, timing: timing, order: queued))
            queued += 1
            var child = heap.count - 1
            while child > 0, case let parent = (child - 1) / 2, heap[child].precedes(heap[parent]) {
                heap.swapAt(child, parent)
                child = parent
            }
        }

        mutating func pop() -> Entry {
            let top = heap[0]
            let last = heap.removeLast()
            if !heap.isEmpty {
                heap[0] = last
                var parent = 0
                while true {
                    let (left, right) = (2 * parent + 1, 2 * parent + 2)
                    var first = parent
                    if left < heap.count && heap[left].precedes(heap[first]) { first = left }
                    if right < heap.count && heap[right].precedes(heap[first]) { first = right }
                    if first == parent { break }
                    heap.swapAt(parent, first)
                    parent = first
                }
            }
            return top
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

    /// How many multipliers HLS builds for the unrolled products (RF 1): one per distinct (input, weight) whose weight
    /// has at least three signed digits; the others are shifts and adders.
    public static func realMultiplications(inputs: Int, outputs: Int, weight: (Int, Int) -> Int64) -> Int {
        distinctProducts(inputs: inputs, outputs: outputs, weight: weight).pairs.filter { needsMultiplier($0.weight) }.count
    }

    struct Pair: Hashable {
        let input: Int
        let weight: Int64
    }
}

import FixedPoint
import NetworkIR
import Scheduling

/// The datapath of a Dense block: fully parallel at RF 1, a shared multiplier array over RF groups above.
extension BlockGenerator {
    // MARK: - Dense, RF = 1

    /// Also a convolution's datapath: `CompiledLayer` holds its dense equivalent (weights outside a window are
    /// zeros and get no multiplier).
    func denseParallel(_ builder: DatapathBuilder, _ p: MultiplyAccumulatePrecision) throws(RTLError) -> [Signal] {
        let (weight, bias, accumulator) = (p.weight, p.bias, p.accumulator)
        let levels = block.steps.filter { if case .addLevel = $0.operation { return true } else { return false } }.count
        try checkSteps([.multiply] + (0..<levels).map { .addLevel($0 + 1) } + [.cast])
        let n = layer.layer.outputSize
        let accumulatorWidth = accumulator.width + (accumulator.isSigned ? 0 : 1)
        var inputs: [Int: Signal] = [:]
        var lanes: [[Signal]] = []
        for step in block.steps {
            switch step.operation {
            case .multiply:
                lanes = (0..<n).map { j in
                    var terms: [Signal] = []
                    for i in 0..<layer.layer.inputSize {
                        let w = layer.weightRaw[i * n + j]
                        if w == 0 { continue }
                        if inputs[i] == nil { inputs[i] = element("in_data", i, precision: inputPrecision, builder: builder, prefix: "x") }
                        let product = builder.multiply(inputs[i]!, .constant(Int128(w), fractionalBits: weight.fractionalBits))
                        terms.append(builder.cast(product, to: accumulator, prefix: "pacc"))
                    }
                    let biasValue = accumulator.cast(layer.biasRaw[j], from: bias)
                    if biasValue != 0 {
                        terms.append(Signal(name: "", width: accumulatorWidth, fractionalBits: accumulator.fractionalBits, constant: Int128(biasValue)))
                    }
                    return terms
                }
            case .addLevel:
                lanes = addLevel(lanes, width: accumulatorWidth, builder: builder)
            case .cast:
                var casted: [[Signal]] = []
                for terms in lanes {
                    let sum = try laneSum(terms, fractionalBits: accumulator.fractionalBits)
                    casted.append([builder.cast(builder.cast(sum, to: accumulator, prefix: "acc"), to: result, prefix: "y")])
                }
                lanes = casted
            default:
                break
            }
            lanes = register(lanes, count: step.registersAfter, builder: builder)
        }
        return lanes.map { $0[0] }
    }

    // MARK: - Dense, RF > 1

    /// Input element `i` as read in the accept cycle (`in_data`) or later (`held`: the copy `x_hold` taken at
    /// accept), one wire per element and source, made on first use.
    func inputElement(_ i: Int, held: Bool, cache: inout [String: Signal], builder: DatapathBuilder) -> Signal {
        let vector = held ? "x_hold" : "in_data"
        if let known = cache["\(vector)\(i)"] { return known }
        let signal = element(vector, i, precision: inputPrecision, builder: builder, prefix: held ? "xh" : "x")
        cache["\(vector)\(i)"] = signal
        return signal
    }

    /// Term t of output j: the input it reads (nil: none, e.g. padding) and its raw weight (0 where there is no input).
    /// A Dense's term t is input t; a convolution's is kernel offset t of its output pixel's window.
    func terms() -> (count: Int, input: (Int, Int) -> Int?, weight: (Int, Int) -> Int64) {
        let nIn = layer.layer.inputSize, n = layer.layer.outputSize, weights = layer.weightRaw
        if case let .convolution(c) = layer.layer.operation {
            let kernel = layer.kernelRaw, filters = c.filters, count = c.kernelTerms
            let input = { (j: Int, t: Int) -> Int? in t < count ? c.inputIndex(pixel: j / filters, kernelOffset: t) : nil }
            return (count, input, { j, t in input(j, t) == nil ? 0 : kernel[t * filters + j % filters] })
        }
        return (nIn, { _, t in t < nIn ? t : nil }, { j, t in t < nIn ? weights[t * n + j] : 0 })
    }

    /// Also a convolution's datapath at RF > 1 or with a partition loop: its terms are the kernel offsets of each
    /// output's window, so the operand multiplexers differ per output pixel (and are shared by its filters). With
    /// partitions, the datapath has the lanes of one partition; phase (q, p) — partition q, group p — enters the
    /// operand select in cycle q·period + p, and partition q's results (but the last's, which the output reads
    /// directly) are held from the cycle they leave the pipeline until the block's last slot.
    func denseShared(_ builder: DatapathBuilder, _ p: MultiplyAccumulatePrecision) throws(RTLError) -> [Signal] {
        let (weight, bias, accumulator) = (p.weight, p.bias, p.accumulator)
        let rf = block.groups, g = block.termsPerGroup
        let partitions = block.partitions, period = partitions > 1 ? block.partitionPeriod : rf
        let n = layer.layer.outputSize, lanes = n / partitions
        let (termCount, termInput, termWeight) = terms()
        guard rf >= 1, partitions >= 1, lanes * partitions == n, period >= rf, block.initiationInterval == partitions * period,
              g * rf >= termCount, g >= 1 else {
            throw .scheduleMismatch(layer: name, field: "groups/termsPerGroup/partitions",
                reason: "\(partitions) partition(s) every \(period) cycles of \(rf) groups of \(g) terms with II \(block.initiationInterval) "
                    + "cannot cover \(termCount) terms of \(n) outputs")
        }
        let levels = block.steps.filter { if case .addLevel = $0.operation { return true } else { return false } }.count
        try checkSteps([.operandSelect, .multiply] + (0..<levels).map { .addLevel($0 + 1) } + (rf > 1 ? [.accumulate] : []) + [.cast])
        let accumulatorWidth = accumulator.width + (accumulator.isSigned ? 0 : 1)
        let inputWidth = layer.layer.inputSize * inputPrecision.width

        // Held copy of the input for the phases after the accept cycle.
        builder.conditionalRegister("x_hold", width: inputWidth, next: "in_data", condition: "accept")
        builder.markPartiallyUsed("x_hold")

        // The phases in cycle order: (cycle, partition, group).
        let phases = (0..<partitions).flatMap { q in (0..<rf).map { (cycle: q * period + $0, partition: q, group: $0) } }
        func output(_ l: Int, _ q: Int) -> Int { q * lanes + l }
        // Which (l, s) multipliers exist: any non-zero weight over the phases.
        func weightRaw(_ l: Int, _ s: Int, _ phase: Int) -> Int64 {
            termWeight(output(l, phases[phase].partition), phases[phase].group * g + s)
        }
        let used: [[Bool]] = (0..<lanes).map { l in (0..<g).map { s in phases.indices.contains { weightRaw(l, s, $0) != 0 } } }
        // The inputs multiplier (l, s) reads over the phases, listed once per distinct list (`inputLists[listOf[l][s]]`;
        // lanes with the same list, e.g. one pixel's filters, share it and its multiplexer).
        var inputLists: [[Int?]] = [], listIndex: [[Int?]: Int] = [:]
        let listOf: [[Int]] = (0..<lanes).map { l in
            (0..<g).map { s in
                guard used[l][s] else { return -1 }
                let list = phases.map { termInput(output(l, $0.partition), $0.group * g + s) }
                if let known = listIndex[list] { return known }
                listIndex[list] = inputLists.count
                inputLists.append(list)
                return inputLists.count - 1
            }
        }

        var selectedInputs: [[Int?]: Signal] = [:]
        var elements: [String: Signal] = [:]
        var selectedWeights: [[Int: Signal]] = Array(repeating: [:], count: lanes)
        var lanesSignals: [[Signal]] = []
        let xWidth = inputPrecision.width + (inputPrecision.isSigned ? 0 : 1)
        for step in block.steps {
            switch step.operation {
            case .operandSelect:
                for s in 0..<g {
                    for l in 0..<lanes where used[l][s] {
                        let key = inputLists[listOf[l][s]]
                        if selectedInputs[key] != nil { continue }
                        var operands: [(slot: Int, value: String)] = []
                        for (phase, index) in key.enumerated() {
                            guard let i = index else { continue }
                            operands.append((phases[phase].cycle, inputElement(i, held: phases[phase].cycle > 0, cache: &elements, builder: builder).name))
                        }
                        selectedInputs[key] = slotSelect(operands, width: xWidth, fractionalBits: inputPrecision.fractionalBits,
                                                         prefix: "xsel", builder: builder)
                    }
                }
                for l in 0..<lanes {
                    for s in 0..<g where used[l][s] {
                        let values = phases.indices.map { Int128(weightRaw(l, s, $0)) }
                        // With partitions, a weight that is the same in every phase that reads an input (the others
                        // select a zero input) stays a constant: the product by it is built as at RF 1.
                        let inputs = inputLists[listOf[l][s]]
                        let read = phases.indices.filter { inputs[$0] != nil }.map { values[$0] }
                        if partitions > 1, let first = read.first, read.allSatisfy({ $0 == first }) {
                            selectedWeights[l][s] = .constant(first, fractionalBits: weight.fractionalBits)
                            continue
                        }
                        let width = values.map(Verilog.signedWidth(of:)).max() ?? 1
                        let cases = phases.indices.filter { values[$0] != 0 }.map { (slot: phases[$0].cycle, value: Verilog.literal(values[$0], width: width)) }
                        selectedWeights[l][s] = slotSelect(cases, width: width, fractionalBits: weight.fractionalBits, prefix: "wsel", builder: builder)
                    }
                }
                lanesSignals = (0..<lanes).map { l in
                    (0..<g).filter { used[l][$0] }.flatMap { s in [selectedInputs[inputLists[listOf[l][s]]]!, selectedWeights[l][s]!] }
                }
            case .multiply:
                lanesSignals = lanesSignals.enumerated().map { l, pairs in
                    var products = stride(from: 0, to: pairs.count, by: 2).map { k in
                        builder.cast(builder.multiply(pairs[k], pairs[k + 1]), to: accumulator, prefix: "pacc")
                    }
                    // At RF 1 the bias joins the adder tree (one partition's outputs share their filters' biases).
                    let biasValue = accumulator.cast(layer.biasRaw[l], from: bias)
                    if rf == 1 && biasValue != 0 {
                        products.append(Signal(name: "", width: accumulatorWidth, fractionalBits: accumulator.fractionalBits,
                                               constant: Int128(biasValue)))
                    }
                    return products
                }
            case .addLevel:
                lanesSignals = addLevel(lanesSignals, width: accumulatorWidth, builder: builder)
            case .accumulate:
                let offset = block.registersBeforeAccumulate
                let first = or(phases.filter { $0.group == 0 }.map { slot($0.cycle + offset) }, width: 1, prefix: "acc_first_part", builder: builder)
                let later = or(phases.filter { $0.group > 0 }.map { slot($0.cycle + offset) }, width: 1, prefix: "acc_later_part", builder: builder)
                let load = builder.bit("acc_load", "\(first) | \(later)")
                let isFirst = partitions > 1 ? builder.bit("acc_first", first) : first
                var accumulated: [[Signal]] = []
                for (l, terms) in lanesSignals.enumerated() {
                    let groupSum = builder.resize(try laneSum(terms, fractionalBits: accumulator.fractionalBits), to: accumulatorWidth)
                    let biasValue = Int128(accumulator.cast(layer.biasRaw[l], from: bias))
                    let biasSignal = Signal(name: "", width: accumulatorWidth, fractionalBits: accumulator.fractionalBits, constant: biasValue)
                    let accName = builder.fresh("acc")
                    let acc = Signal(name: accName, width: accumulatorWidth, fractionalBits: accumulator.fractionalBits)
                    let start = builder.add(biasSignal, groupSum, width: accumulatorWidth)
                    let more = builder.add(acc, groupSum, width: accumulatorWidth)
                    let nextValue = builder.wire("acc_next", width: accumulatorWidth, fractionalBits: accumulator.fractionalBits,
                                                 "\(isFirst) ? \(builder.extend(start, to: accumulatorWidth)) : \(builder.extend(more, to: accumulatorWidth))")
                    builder.conditionalRegister(accName, width: accumulatorWidth, next: nextValue.name, condition: load)
                    accumulated.append([builder.registers(acc, count: step.registersAfter - 1, prefix: "q")])
                }
                lanesSignals = accumulated
                continue
            case .cast:
                var casted: [[Signal]] = []
                for terms in lanesSignals {
                    let sum = try laneSum(terms, fractionalBits: accumulator.fractionalBits)
                    casted.append([builder.cast(builder.cast(sum, to: accumulator, prefix: "acc"), to: result, prefix: "y")])
                }
                lanesSignals = casted
            default:
                break
            }
            lanesSignals = register(lanesSignals, count: step.registersAfter, builder: builder)
        }
        let results = lanesSignals.map { $0[0] }
        guard partitions > 1 else { return results }
        // Partition q's results leave the pipeline in cycle q·period + (RF − 1) + registers; all but the last
        // partition's are held until the last slot (the next token's partition q arrives II cycles later, after it).
        let registers = slots - ((partitions - 1) * period + rf - 1)
        var outputs = [Signal](repeating: .constant(0, fractionalBits: result.fractionalBits), count: n)
        for q in 0..<partitions {
            for l in 0..<lanes {
                let y = results[l]
                guard q < partitions - 1, !y.isConstant else { outputs[output(l, q)] = y; continue }
                let held = Signal(name: builder.fresh("hold"), width: y.width, fractionalBits: y.fractionalBits)
                builder.conditionalRegister(held.name, width: y.width, next: y.name, condition: slot(q * period + rf - 1 + registers))
                outputs[output(l, q)] = held
            }
        }
        return outputs
    }
}

// MARK: - Dense, RF > 1, Latency strategy (list schedule)

extension BlockGenerator {
    /// The list schedule of `block.products`: constant products from `in_data` in cycle 0, the shared multipliers'
    /// operands selected by the token's slot (cycle 0 from `in_data`, later cycles from `x_hold`), every addition
    /// in the cycle the schedule gives it, each value read through as many registers as cycles separate its
    /// producer from its reader (shared per value), the results registered until the block's last slot.
    func denseListScheduled(_ builder: DatapathBuilder, _ p: MultiplyAccumulatePrecision, schedule: ProductSchedule) throws(RTLError) -> [Signal] {
        let (weight, bias, accumulator) = (p.weight, p.bias, p.accumulator)
        let n = layer.layer.outputSize
        // A convolution's pixel loop runs the window's schedule once per output pixel, pixel q entering in cycle q·period.
        let windows = block.partitions, period = windows > 1 ? block.partitionPeriod : 1
        let perWindow = schedule.outputs.count, windowSlots = schedule.latencyCycles
        var convolution: ConvolutionParameters? = nil
        if case let .convolution(c) = layer.layer.operation { convolution = c }
        guard windowSlots + (windows - 1) * period == slots, perWindow * windows == n, schedule.roots.count == perWindow,
              block.initiationInterval >= schedule.issueCycles, windows == 1 || (convolution != nil && period >= schedule.issueCycles) else {
            throw .scheduleMismatch(layer: name, field: "products",
                reason: "a list schedule of \(schedule.latencyCycles) cycles, \(perWindow) outputs and \(schedule.issueCycles) issue cycles, "
                    + "\(windows) time(s) every \(period) cycles, does not fit \(slots) slots, \(n) outputs and II \(block.initiationInterval)")
        }
        let accumulatorWidth = accumulator.width + (accumulator.isSigned ? 0 : 1)
        if schedule.issueCycles > 1 || windows > 1 {
            builder.conditionalRegister("x_hold", width: layer.layer.inputSize * inputPrecision.width, next: "in_data", condition: "accept")
            builder.markPartiallyUsed("x_hold")
        }
        var elements: [String: Signal] = [:]
        func input(_ i: Int, cycle: Int) -> Signal { inputElement(i, held: cycle > 0, cache: &elements, builder: builder) }
        let xWidth = inputPrecision.width + (inputPrecision.isSigned ? 0 : 1)
        /// Operand k issued `cycle` cycles after its window entered, for each window that reads an element (a Dense:
        /// input k; a convolution: element k of pixel q's window, none on padding, which `slotSelect` reads as 0):
        /// the slot it is read in and the element.
        func operandCases(_ k: Int, cycle: Int) -> [(slot: Int, value: String)] {
            guard let convolution else { return [(cycle, input(k, cycle: cycle).name)] }
            return (0..<windows).compactMap { q in
                let t = q * period + cycle
                return convolution.inputIndex(pixel: q, kernelOffset: k).map { (t, input($0, cycle: t).name) }
            }
        }
        var windowOperands: [Int: Signal] = [:]
        func windowOperand(_ k: Int) -> Signal {
            guard let convolution else { return input(k, cycle: 0) }
            if windows == 1 {
                return convolution.inputIndex(pixel: 0, kernelOffset: k).map { input($0, cycle: 0) } ?? .constant(0, fractionalBits: inputPrecision.fractionalBits)
            }
            if let known = windowOperands[k] { return known }
            let operand = slotSelect(operandCases(k, cycle: 0), width: xWidth, fractionalBits: inputPrecision.fractionalBits,
                                     prefix: "xwin", builder: builder)
            windowOperands[k] = operand
            return operand
        }
        // A value made in cycle `made`, read in cycle `cycle` ≥ made: tap `cycle − made` of its register chain.
        var chains: [String: [Signal]] = [:]
        func read(_ key: String, _ signal: Signal, made: Int, cycle: Int) throws(RTLError) -> Signal {
            guard cycle >= made else {
                throw .scheduleMismatch(layer: name, field: "products", reason: "\(key) is read in cycle \(cycle), before it is made (\(made))")
            }
            var taps = chains[key] ?? [signal]
            while taps.count <= cycle - made { taps.append(builder.register(taps[taps.count - 1], prefix: "q")) }
            chains[key] = taps
            return taps[cycle - made]
        }

        // Shared multipliers: one operand multiplexer pair and one multiply each; product k is the unit's output
        // while k's token is `product.value.cycle − issueCycle` cycles past its issue cycle.
        var unitProducts: [Int: Signal] = [:]
        var unitDelay: [Int: Int] = [:]
        let byUnit = Dictionary(grouping: schedule.products.indices.filter { schedule.products[$0].multiplier != nil },
                                by: { schedule.products[$0].multiplier! })
        for unit in byUnit.keys.sorted() {
            let ops = byUnit[unit]!.sorted { schedule.products[$0].issueCycle < schedule.products[$1].issueCycle }
            let first = schedule.products[ops[0]]
            guard let firstSelect = first.select else {
                throw .scheduleMismatch(layer: name, field: "products", reason: "shared product without an operand select")
            }
            let (selectDelay, productDelay) = (firstSelect.cycle - first.issueCycle, first.value.cycle - firstSelect.cycle)
            for k in ops {
                let product = schedule.products[k]
                guard let select = product.select, select.cycle - product.issueCycle == selectDelay,
                      product.value.cycle - select.cycle == productDelay, selectDelay >= 0, productDelay >= 0 else {
                    throw .scheduleMismatch(layer: name, field: "products", reason: "multiplier \(unit) has different delays for different products")
                }
            }
            let weights = ops.map { Int128(schedule.products[$0].weightRaw) }
            let wWidth = weights.map(Verilog.signedWidth(of:)).max() ?? 1
            // Every window issues the unit's products in the same cycles: by slot, the operand and the weight.
            let xCases = ops.flatMap { operandCases(schedule.products[$0].input, cycle: schedule.products[$0].issueCycle) }
            let wCases = ops.indices.flatMap { position in
                (0..<windows).map { q in (slot: q * period + schedule.products[ops[position]].issueCycle,
                                          value: Verilog.literal(weights[position], width: wWidth)) }
            }
            let x = slotSelect(xCases, width: xWidth, fractionalBits: inputPrecision.fractionalBits, prefix: "xsel", builder: builder)
            let w = slotSelect(wCases, width: wWidth, fractionalBits: weight.fractionalBits, prefix: "wsel", builder: builder)
            let product = builder.multiply(try read("xsel\(unit)", x, made: 0, cycle: productDelay),
                                           try read("wsel\(unit)", w, made: 0, cycle: productDelay))
            unitProducts[unit] = builder.cast(product, to: accumulator, prefix: "pacc")
            unitDelay[unit] = selectDelay + productDelay
        }

        var constantProducts: [Int: Signal] = [:]
        func operand(_ operand: ProductSchedule.Operand, cycle: Int) throws(RTLError) -> Signal {
            switch operand {
            case let .product(k):
                let product = schedule.products[k]
                if let unit = product.multiplier {
                    return try read("unit\(unit)", unitProducts[unit]!, made: product.issueCycle + unitDelay[unit]!, cycle: cycle)
                }
                if constantProducts[k] == nil {
                    let value = builder.multiply(windowOperand(product.input),
                                                 .constant(Int128(product.weightRaw), fractionalBits: weight.fractionalBits))
                    constantProducts[k] = builder.cast(value, to: accumulator, prefix: "pacc")
                }
                return try read("product\(k)", constantProducts[k]!, made: product.value.cycle, cycle: cycle)
            case let .bias(j):
                let value = Int128(accumulator.cast(layer.biasRaw[j], from: bias))
                return Signal(name: "", width: accumulatorWidth, fractionalBits: accumulator.fractionalBits, constant: value)
            case let .sum(s):
                return try read("sum\(s)", sums[s], made: schedule.sums[s].value.cycle, cycle: cycle)
            }
        }
        var sums: [Signal] = []
        for sum in schedule.sums {
            let (left, right) = (try operand(sum.left, cycle: sum.value.cycle), try operand(sum.right, cycle: sum.value.cycle))
            sums.append(builder.add(left, right, width: accumulatorWidth))
        }
        var outputs = [Signal](repeating: .constant(0, fractionalBits: result.fractionalBits), count: n)
        for j in 0..<perWindow {
            let made = schedule.outputs[j].cycle
            let root = try operand(schedule.roots[j], cycle: made)
            let y = builder.cast(builder.cast(root, to: accumulator, prefix: "acc"), to: result, prefix: "y")
            let last = try read("y\(j)", y, made: made, cycle: windowSlots)
            // Pixel q's result (all but the last pixel's) is held from the cycle it is ready until the block's last slot;
            // the next token's pixel q arrives II cycles later, after the output has been read.
            for q in 0..<windows {
                guard q < windows - 1, !last.isConstant else { outputs[q * perWindow + j] = last; continue }
                let held = Signal(name: builder.fresh("hold"), width: last.width, fractionalBits: last.fractionalBits)
                builder.conditionalRegister(held.name, width: last.width, next: last.name, condition: slot(q * period + windowSlots))
                outputs[q * perWindow + j] = held
            }
        }
        return outputs
    }
}

import Foundation
import FixedPoint
import NetworkIR

extension Scheduler {
    /// A Dense layer: under the Latency strategy the list schedule HLS builds (`ProductSchedule`, at every RF), under
    /// the Resource strategy RF groups of ⌈n_in / RF⌉ products with an accumulator (hls4ml's `dense_resource`).
    static func scheduleDense(_ parameters: DenseParameters, _ precision: MultiplyAccumulatePrecision,
                              context: LayerContext) throws(ScheduleError) -> BlockSchedule {
        let outputs = parameters.outputSize
        if context.implementation.strategy == .latency {
            return try scheduleDenseLatency(parameters, precision, context: context)
        }
        var block = try scheduleDotProducts(outputs: outputs, terms: context.layer.inputSize, reuseInputs: context.layer.inputSize,
                                            reuseOutputs: outputs, precision: precision, context: context) { j, i in
            parameters.weights[i * outputs + j]
        }
        let zeros = parameters.weights.filter { $0 == 0 }.count
        if zeros > 0 { block.notes.append("\(zeros) zero weights need no multiplier") }
        let (rf, inputs) = (block.reuseFactor, context.layer.inputSize)
        if rf > 1 && inputs % rf != 0 {
            block.notes.append("n_in \(inputs) is not a multiple of RF \(rf): \(outputs)×\(block.termsPerGroup) multipliers instead of hls4ml's \((inputs * outputs + rf - 1) / rf)")
        }
        return block
    }

    /// The phase model of every dot-product block: `outputs` outputs, each summing up to `terms` products of which
    /// term t of output j has weight `weight(j, t)` (0: no product). The terms of one output are split into RF
    /// groups of ⌈terms / RF⌉ (group p holds terms p·g … p·g+g−1); multiplier (j, s) exists if any of its RF
    /// weights is non-zero. `reuseInputs` × `reuseOutputs` is what hls4ml validates a Resource reuse factor
    /// against (a Dense's n_in × n_out; a convolution's kh·kw·C × filters).
    ///
    /// `partitions` > 1 is a convolution's partition loop: the outputs split into that many consecutive partitions
    /// of `outputs / partitions` lanes, and one datapath of that many lanes runs once per partition, its operand
    /// select choosing the partition's inputs (`partitions`·RF ways), multiplier (l, s) existing if any partition
    /// and group gives it a non-zero weight. Under the Latency strategy the loop is pipelined at II = RF
    /// (`conv_2d_latency_cl`: partition q starts in cycle q·RF); under Resource each partition drains before the next
    /// starts (`conv_2d_resource_cl` pipelines only its RF loop: period RF + the datapath's registers). Latency
    /// (partitions − 1)·period + (RF − 1) + registers; II partitions·period.
    static func scheduleDotProducts(outputs: Int, terms: Int, reuseInputs: Int, reuseOutputs: Int, partitions: Int = 1,
                                    precision: MultiplyAccumulatePrecision, context: LayerContext,
                                    weight termWeight: (Int, Int) -> Double) throws(ScheduleError) -> BlockSchedule {
        let (layer, index, input, device) = (context.layer, context.index, context.input, context.device)
        let implementation = context.implementation, requested = context.implementation.reuseFactor
        let result = layer.precision.result
        var notes: [String] = []
        var packer = context.packer()
        let inputs = terms
        try checkReuseFactor(requested, layer: layer, inputs: reuseInputs, outputs: reuseOutputs)
        var rf = requested
        if implementation.strategy == .resource && !isValidResourceReuseFactor(rf, inputs: reuseInputs, outputs: reuseOutputs) {
            rf = closestResourceReuseFactor(rf, inputs: reuseInputs, outputs: reuseOutputs)
            notes.append("ReuseFactor \(requested) is not valid for the Resource strategy; using \(rf) (closest valid, as hls4ml does)")
        }
        let weight = precision.weight, accumulator = precision.accumulator
        let termsPerGroup = (inputs + rf - 1) / rf
        let partitions = max(partitions, 1), lanes = outputs / partitions
        // Multiplier (l, s) serves term p·g + s of lane l's output in every partition q and phase p; it exists if any
        // of those weights is non-zero.
        var multipliersPerLane = [Int](repeating: 0, count: lanes)
        for l in 0..<lanes {
            for s in 0..<termsPerGroup {
                var used = false
                var q = 0
                while q < partitions && !used {
                    var p = 0
                    while p < rf && !used {
                        let i = p * termsPerGroup + s
                        if i < inputs, case let w = termWeight(q * lanes + l, i), w != 0 && weight.raw(fromDouble: w) != 0 { used = true }
                        p += 1
                    }
                    q += 1
                }
                if used { multipliersPerLane[l] += 1 }
            }
        }
        let multipliers = multipliersPerLane.reduce(0, +)
        let product = device.multiplier(widthA: input.width, widthB: weight.width)
        let adderDelay = device.adderDelay(width: accumulator.width)
        let maxTerms = (multipliersPerLane.max() ?? 0) + (rf == 1 ? 1 : 0)   // the bias joins the tree at RF 1
        let levels = maxTerms <= 1 ? 0 : Int(ceil(log2(Double(maxTerms))))
        let phases = rf * partitions
        if phases > 1 {
            packer.add(.operandSelect, device.operandMuxNsPerLevel * ceil(log2(Double(phases))))
        }
        packer.addProduct(product)
        for level in 0..<levels { packer.add(.addLevel(level + 1), adderDelay) }
        if rf > 1 { packer.add(.accumulate, adderDelay, registered: true) }
        packer.add(.cast, context.castDelay(from: accumulator))
        let steps = packer.finish()
        let registers = totalRegisters(steps)
        let period = partitions > 1 && implementation.strategy == .resource ? rf + registers : rf
        let adders = multipliersPerLane.reduce(0) { $0 + max($1 - (rf == 1 ? 0 : 1), 0) } + (rf > 1 ? lanes : 0)
        let registerBits = estimateRegisterBits(steps: steps, productBits: multipliers * (input.width + weight.width),
                                                accumulatorBits: lanes * accumulator.width,
                                                resultBits: outputs * result.width, inputBits: phases > 1 ? layer.inputSize * input.width : 0)
        var block = BlockSchedule(layerIndex: index, layerName: layer.name, kind: layer.kindName, requestedReuseFactor: requested,
                                  reuseFactor: rf, strategy: implementation.strategy, initiationInterval: partitions * period,
                                  latencyCycles: 0, steps: steps, groups: rf,
                                  termsPerGroup: termsPerGroup, criticalPathNs: packer.criticalPathNs,
                                  multipliers: multipliers, dsps: multipliers * product.dsps, adders: adders,
                                  registerBits: registerBits, notes: notes)
        block.partitions = partitions
        block.partitionPeriod = period
        block.latencyCycles = block.slotsFromSteps    // the rule the RTL checks its registers against
        return block
    }

    /// Dense under the Latency strategy: the unrolled products under hls4ml's multiplier limit, list-scheduled as HLS
    /// does (see `ProductSchedule`); II = min(RF, latency).
    static func scheduleDenseLatency(_ parameters: DenseParameters, _ precision: MultiplyAccumulatePrecision,
                                     context: LayerContext) throws(ScheduleError) -> BlockSchedule {
        let rf = context.implementation.reuseFactor, inputs = context.layer.inputSize, outputs = parameters.outputSize
        try checkReuseFactor(rf, layer: context.layer, inputs: inputs, outputs: outputs)
        let raw = parameters.weights.map { precision.weight.raw(fromDouble: $0) }
        var block = scheduleListedProducts(inputs: inputs, outputs: outputs, weightRaw: raw, biases: parameters.biases, precision,
                                           context: context)
        if inputs * outputs > largestCheckedDenseWeights {
            block.notes.append("n_in·n_out = \(inputs * outputs): larger than any Dense this schedule was checked against "
                               + "(\(largestCheckedDenseWeights) weights). Vitis HLS 2021.1 built 561×20 and 196×56 Dense layers fully "
                               + "unrolled and pipelined (II = RF) but 192 and 48 cycles deep at RF 1, 2 and 100 alike: it left each "
                               + "output's sum a chain of additions (196×56: 56–93 deep) instead of a balanced tree; this latency may be far "
                               + "below what HLS reports (docs/calibration.md)")
        }
        return block
    }

    /// The block of a dot product over `inputs` × `outputs` (raw weights `weightRaw[i·outputs + j]`, 0: no product)
    /// under the Latency strategy: the `ProductSchedule` list schedule, II = min(RF, latency). A Dense (at every RF)
    /// and a convolution computing one window at RF > 1 (hls4ml's `dense_latency` on the window) share it.
    static func scheduleListedProducts(inputs: Int, outputs: Int, weightRaw raw: [Int64], biases: [Double],
                                       _ precision: MultiplyAccumulatePrecision, context: LayerContext) -> BlockSchedule {
        let (layer, device, input) = (context.layer, context.device, context.input)
        let rf = context.implementation.reuseFactor
        let result = layer.precision.result
        let weight = precision.weight, accumulator = precision.accumulator
        let product = device.multiplier(widthA: input.width, widthB: weight.width)
        let timing = ChainTiming(budgetNs: context.options.logicBudgetNs)
        // What sizes HLS's additions: the products' and biases' ranges in accum_t LSBs, and the accumulator bits the
        // result keeps (a wrapping cast drops the integer bits above the result's, so HLS never computes them).
        let dropped = result.overflow == .wrap ? max(0, accumulator.integerBits - result.integerBits) : 0
        let sums = ProductSchedule.Sums(
            inputRange: input.minRaw...input.maxRaw,
            productShift: input.fractionalBits + weight.fractionalBits - accumulator.fractionalBits,
            biasRaw: biases.map { accumulator.cast(precision.bias.raw(fromDouble: $0), from: precision.bias) },
            keptWidth: max(1, accumulator.width - dropped))
        let schedule = ProductSchedule.build(
            inputs: inputs, outputs: outputs, reuseFactor: rf, weight: { i, j in raw[i * outputs + j] }, timing: timing,
            multiplyNs: product.delayNs, sharedMultiplyNs: product.delayNs, muxNsPerLevel: device.operandMuxNsPerLevel,
            addNs: { device.adderDelay(width: $0) }, castNs: context.castDelay(from: accumulator),
            sums: sums, lutProducts: product.dsps == 0, dspOutputNs: device.dspOutputDelayNs,
            singleSharedCycles: product.dsps > 0 ? device.singleSharedMultiplierCycles : nil)
        let latency = schedule.latencyCycles
        let multipliers = schedule.sharedMultipliers > 0 ? schedule.sharedMultipliers : schedule.realMultiplications
        let shiftAdds = schedule.products.filter { ProductSchedule.signedDigits($0.weightRaw) == 2 }.count
        let unshared = schedule.products.filter { $0.multiplier == nil }.count
        var notes: [String] = []
        let zeros = raw.filter { $0 == 0 }.count
        if zeros > 0 { notes.append("\(zeros) zero weights need no multiplier") }
        let cheap = schedule.products.count - schedule.realMultiplications
        if cheap > 0 {
            notes.append("\(cheap) of \(schedule.products.count) distinct products are by ±2^a or ±2^a ± 2^b: shifts and adders, no multiplier")
        }
        if schedule.sharedMultipliers > 0 {
            notes.append("\(schedule.realMultiplications) multiplications on \(schedule.sharedMultipliers) shared multipliers "
                         + "(hls4ml multiplier_limit) over \(schedule.issueCycles) cycles")
        } else {
            notes.append("multiplier_limit \(schedule.multiplierLimit) ≥ \(schedule.realMultiplications) multiplications: nothing is shared (the RF 1 datapath)")
        }
        if latency < rf { notes.append("II \(latency) = latency < RF \(rf): the pipeline is shorter than RF (HLS reports II = depth)") }
        // Registers: every product and partial sum held from the cycle it is made until its last reader (the biases
        // are constants).
        var productRead = [Int](repeating: 0, count: schedule.products.count), sumRead = [Int](repeating: 0, count: schedule.sums.count)
        func read(_ operand: ProductSchedule.Operand, in cycle: Int) {
            switch operand {
            case let .product(k): productRead[k] = max(productRead[k], cycle)
            case let .sum(k): sumRead[k] = max(sumRead[k], cycle)
            case .bias: break
            }
        }
        for sum in schedule.sums {
            read(sum.left, in: sum.value.cycle)
            read(sum.right, in: sum.value.cycle)
        }
        for (j, root) in schedule.roots.enumerated() { read(root, in: schedule.outputs[j].cycle) }
        var registerBits = schedule.issueCycles > 1 ? inputs * input.width : 0
        for (k, cycle) in productRead.enumerated() { registerBits += max(cycle - schedule.products[k].value.cycle, 0) * (accumulator.width + 1) }
        for (k, cycle) in sumRead.enumerated() { registerBits += max(cycle - schedule.sums[k].value.cycle, 0) * (accumulator.width + 1) }
        for product in schedule.products {
            if let select = product.select, product.issueCycle == 0 {
                registerBits += (product.value.cycle - select.cycle) * (input.width + weight.width)
            }
        }
        registerBits += schedule.outputs.reduce(0) { $0 + (latency - $1.cycle) * result.width }
        var critical = 0.0
        for value in schedule.products.flatMap({ [$0.select, $0.value] }).compactMap({ $0 }) + schedule.sums.map(\.value) + schedule.outputs {
            critical = max(critical, value.offsetNs, value.readyOffsetNs)
        }
        if product.delayNs > timing.budgetNs { critical = max(critical, product.delayNs / ceil(product.delayNs / timing.budgetNs - 1e-9)) }
        var block = BlockSchedule(layerIndex: context.index, layerName: layer.name, kind: layer.kindName, requestedReuseFactor: rf,
                                  reuseFactor: rf, strategy: .latency, initiationInterval: min(rf, latency), latencyCycles: latency,
                                  steps: [], groups: 1, termsPerGroup: inputs, criticalPathNs: critical,
                                  multipliers: multipliers, dsps: multipliers * product.dsps,
                                  adders: schedule.sums.count + shiftAdds, registerBits: registerBits, notes: notes)
        block.products = schedule
        block.constantMultiplies = unshared - (schedule.sharedMultipliers > 0 ? 0 : schedule.realMultiplications)
        return block
    }

    /// The weights (n_in·n_out) of the largest Dense whose HLS report the list schedule was checked against (HAR's 64 × 64,
    /// exact at RF 1, 2 and 100; docs/calibration.md): beyond it a layer gets a note.
    static let largestCheckedDenseWeights = 4096

    /// A dot-product layer's reuse factor lies in 1…n_in·n_out (hls4ml's bound; a convolution's n_in × n_out is
    /// kh·kw·C × filters).
    static func checkReuseFactor(_ rf: Int, layer: Layer, inputs: Int, outputs: Int) throws(ScheduleError) {
        guard rf >= 1, rf <= inputs * outputs else {
            throw .impossibleReuseFactor(layer: layer.name, value: rf,
                reason: "it must lie in 1...\(inputs * outputs) (n_in × n_out = \(inputs) × \(outputs))")
        }
    }
}

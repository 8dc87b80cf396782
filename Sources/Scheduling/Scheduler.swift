import Foundation
import FixedPoint
import NetworkIR

/// Why a network cannot be scheduled with the given options.
public enum ScheduleError: Error, Equatable, Sendable, CustomStringConvertible {
    case impossibleReuseFactor(layer: String, value: Int, reason: String)
    case clockTooShort(periodNs: Double, uncertaintyNs: Double, overheadNs: Double)
    case unsupported(layer: String, field: String, reason: String)
    /// The network is not valid (a kind's named type missing or unusable); `Network.validate()` reports it first.
    case invalidNetwork(NetworkError)

    public var description: String {
        switch self {
        case let .invalidNetwork(error):
            return error.description
        case let .impossibleReuseFactor(layer, value, reason):
            return "layer '\(layer)', field 'ReuseFactor': \(value) is impossible: \(reason)"
        case let .clockTooShort(period, uncertainty, overhead):
            return "field 'ClockPeriod': \(period) ns minus \(uncertainty) ns uncertainty leaves no time for logic "
                + "after the \(overhead) ns register overhead of the device profile"
        case let .unsupported(layer, field, reason):
            return "layer '\(layer)', field '\(field)': \(reason)"
        }
    }
}

/// Lowers a network into pipelined blocks (see `BlockSchedule` for the timing contract).
public enum Scheduler {
    /// Schedules every layer of a validated network.
    public static func schedule(_ network: Network, options: ScheduleOptions) throws(ScheduleError) -> DesignSchedule {
        guard options.logicBudgetNs > 0 else {
            throw .clockTooShort(periodNs: options.clockPeriodNs, uncertaintyNs: options.clockUncertaintyNs,
                                 overheadNs: options.device.registerOverheadNs)
        }
        var blocks: [BlockSchedule] = []
        for (index, layer) in network.layers.enumerated() {
            let inputs = network.inputPrecisions(ofLayerAt: index)
            if options.ioType == .stream,
               let stream = try streamBlock(network: network, index: index, implementation: options.implementation(of: layer.name)) {
                blocks.append(try scheduleStream(stream, index: index, inputs: inputs, options: options))
            } else {
                blocks.append(try scheduleLayer(layer, index: index, inputs: inputs, options: options))
            }
        }
        let graph = try DataflowGraph.build(network: network, blocks: blocks, depthOverrides: options.fifoDepths,
                                            stream: options.ioType == .stream, streamDepth: options.streamFIFODepth)
        return DesignSchedule(designName: network.name, options: options, blocks: blocks, graph: graph)
    }

    /// hls4ml's valid reuse factors for the Resource strategy (`_validate_reuse_factor`).
    public static func isValidResourceReuseFactor(_ rf: Int, inputs: Int, outputs: Int) -> Bool {
        let multiplierFactor = min(inputs, rf)
        let multiplierLimit = (inputs * outputs + multiplierFactor - 1) / multiplierFactor
        let first = multiplierLimit % outputs == 0 || rf >= inputs
        let second = rf % inputs == 0 || rf < inputs
        return first && second && (inputs * outputs) % rf == 0
    }

    /// The valid Resource reuse factor closest to `rf`, ties to the smaller (hls4ml `get_closest_reuse_factor`).
    public static func closestResourceReuseFactor(_ rf: Int, inputs: Int, outputs: Int) -> Int {
        closest(to: rf, in: (1...(inputs * outputs)).filter { isValidResourceReuseFactor($0, inputs: inputs, outputs: outputs) })
    }

    /// hls4ml's `get_closest_reuse_factor`, which it also uses for a ParallelizationFactor: the value of `valid`
    /// closest to `value`, ties to the smaller (1 when `valid` is empty).
    static func closest(to value: Int, in valid: [Int]) -> Int {
        valid.min { lhs, rhs in
            let (dl, dr) = (abs(lhs - value), abs(rhs - value))
            return dl == dr ? lhs < rhs : dl < dr
        } ?? 1
    }

    /// What every kind's scheduling reads: the layer, its place, its (first) input precision and the options.
    struct LayerContext {
        let layer: Layer
        let index: Int
        /// The precisions of the tensors the layer reads, in input order.
        let inputs: [Precision]
        let options: ScheduleOptions

        /// The precision of the (first) tensor it reads.
        var input: Precision { inputs[0] }
        var device: DeviceProfile { options.device }
        var implementation: LayerImplementation { options.implementation(of: layer.name) }
        /// A packer for this clock's logic budget.
        func packer() -> StagePacker { StagePacker(budget: options.logicBudgetNs) }
        /// The cast from `source` to the layer's result type.
        func castDelay(from source: Precision) -> Double {
            Scheduler.castDelay(device: device, from: source, to: layer.precision.result)
        }
    }

    /// One block per layer; each kind's stages are worked out in its own file (`Scheduler+<Kind>.swift`).
    static func scheduleLayer(_ layer: Layer, index: Int, inputs: [Precision],
                              options: ScheduleOptions) throws(ScheduleError) -> BlockSchedule {
        let context = LayerContext(layer: layer, index: index, inputs: inputs, options: options)
        let operation: TypedOperation
        do { operation = try layer.typedOperation() } catch { throw .invalidNetwork(error) }
        switch operation {
        case let .dense(parameters, p): return try scheduleDense(parameters, p, context: context)
        case let .convolution(parameters, p): return try scheduleConvolution(parameters, p, context: context)
        case let .batchNormalization(parameters, p): return scheduleBatchNormalization(parameters, p, context: context)
        case .relu, .linear: return scheduleActivation(context: context)
        case let .leakyReLU(alpha, parameter): return scheduleLeakyReLU(alpha, parameter, context: context)
        case let .squaredNorm(accumulator): return scheduleSquaredNorm(accumulator, context: context)
        case let .merge(merge): return scheduleMerge(merge, context: context)
        case let .lookup(activation, p): return scheduleLookup(activation, p, context: context)
        case let .hardActivation(activation, p): return scheduleHardActivation(activation, p, context: context)
        case let .softmax(parameters, p): return scheduleSoftmax(parameters, p, context: context)
        case let .klDivergence(parameters, p): return scheduleKLDivergence(parameters, p, context: context)
        case let .pooling(parameters, accumulator): return try schedulePooling(parameters, accumulator, context: context)
        case let .zeroPadding(parameters): return try scheduleCopy(parameters.kindName, context: context)
        case let .upSampling(parameters): return try scheduleCopy(parameters.kindName, context: context)
        }
    }

    /// Logic after a value to take it to `target`: rounding (an adder) and saturation, when the modes need them.
    static func castDelay(device: DeviceProfile, from source: Precision, to target: Precision) -> Double {
        var delay = 0.0
        if target.fractionalBits < source.fractionalBits && target.quantization != .truncate {
            delay += device.castRoundingNs + device.adderDelay(width: target.width)
        }
        if target.overflow != .wrap && (target.integerBits < source.integerBits || (!target.isSigned && source.isSigned)) {
            delay += device.castSaturationNs
        }
        return delay
    }

    static func totalRegisters(_ steps: [PipelineStep]) -> Int { steps.reduce(0) { $0 + $1.registersAfter } }

    /// A fully parallel block (II 1) with the packed stages; a ReuseFactor above 1 is noted as not applied.
    static func simpleBlock(_ c: LayerContext, packer: StagePacker, multipliers: Int, dsps: Int, adders: Int) -> BlockSchedule {
        var packer = packer
        let steps = packer.finish()
        let layer = c.layer, requested = c.implementation.reuseFactor
        return BlockSchedule(layerIndex: c.index, layerName: layer.name, kind: layer.kindName, requestedReuseFactor: 1,
                             reuseFactor: 1, strategy: c.implementation.strategy, initiationInterval: 1, latencyCycles: totalRegisters(steps),
                             steps: steps, groups: 1, termsPerGroup: layer.inputSize, criticalPathNs: packer.criticalPathNs,
                             multipliers: multipliers, dsps: dsps, adders: adders,
                             registerBits: totalRegisters(steps) * layer.outputSize * layer.precision.result.width,
                             notes: requested > 1 ? ["\(layer.kindName) is built fully parallel (II 1); ReuseFactor \(requested) is not applied"] : [])
    }

    static func estimateRegisterBits(steps: [PipelineStep], productBits: Int, accumulatorBits: Int,
                                     resultBits: Int, inputBits: Int) -> Int {
        var bits = inputBits
        for step in steps where step.registersAfter > 0 {
            switch step.operation {
            case .multiply, .operandSelect: bits += step.registersAfter * productBits
            case .addLevel(let level): bits += step.registersAfter * max(productBits >> level, accumulatorBits)
            case .accumulate: bits += accumulatorBits
            default: bits += step.registersAfter * resultBits
            }
        }
        return bits
    }
}

/// Greedy packing of chained operations into clock stages: an operation joins the current stage while
/// the stage's total delay stays within the budget; otherwise a register closes the stage first. An
/// operation longer than the budget gets ⌈delay / budget⌉ registers of its own.
struct StagePacker {
    let budget: Double
    private(set) var steps: [PipelineStep] = []
    private(set) var criticalPathNs = 0.0
    private var stageDelay = 0.0

    init(budget: Double) { self.budget = budget }

    mutating func add(_ operation: StepOperation, _ delay: Double, registered: Bool = false) {
        let epsilon = 1e-9
        if delay > budget + epsilon {
            closeStage()
            let cycles = Int(ceil(delay / budget - epsilon))
            steps.append(PipelineStep(operation: operation, delayNs: delay, registersAfter: cycles))
            criticalPathNs = max(criticalPathNs, delay / Double(cycles))
            stageDelay = 0
            return
        }
        if stageDelay + delay > budget + epsilon { closeStage() }
        steps.append(PipelineStep(operation: operation, delayNs: delay, registersAfter: 0))
        outputStageOpen = false
        stageDelay += delay
        criticalPathNs = max(criticalPathNs, stageDelay)
        if registered { closeStage() }
    }

    /// A product: on DSPs like any operation (a longer one gets the registers of a deeper DSP core); in LUTs it is one
    /// combinational stage whatever its delay, as HLS builds fabric multipliers (its `mul_*_1_*` cores: Vitis HLS
    /// 2021.1 kept an 18 × 18 LUT product of 7.95 ns in one 3.33 ns cycle and warned that it missed timing). One
    /// longer than the budget then takes a stage of its own, which only a free operation (a truncating cast) joins.
    mutating func addProduct(_ product: (dsps: Int, delayNs: Double)) {
        addProduct(product.delayNs, inLUTs: product.dsps == 0)
    }

    mutating func addProduct(_ delayNs: Double, inLUTs: Bool) {
        let epsilon = 1e-9
        guard inLUTs, delayNs > budget + epsilon else {
            add(.multiply, delayNs)
            return
        }
        closeStage()
        steps.append(PipelineStep(operation: .multiply, delayNs: delayNs, registersAfter: 0))
        stageDelay = budget
        criticalPathNs = max(criticalPathNs, delayNs)
    }

    /// Two additions HLS merges into one ternary adder: one stage of their own however long (Vitis HLS keeps a ternary
    /// adder alone in its state even beyond the budget); when both fit the budget they simply chain.
    mutating func addTernary(_ first: StepOperation, _ second: StepOperation, _ delay: Double) {
        let epsilon = 1e-9
        guard 2 * delay > budget + epsilon else {
            add(first, delay)
            add(second, delay)
            return
        }
        if stageDelay > epsilon || outputStageOpen { closeStage() }
        steps.append(PipelineStep(operation: first, delayNs: delay, registersAfter: 0))
        steps.append(PipelineStep(operation: second, delayNs: delay, registersAfter: 0))
        stageDelay = budget
        criticalPathNs = max(criticalPathNs, 2 * delay)
    }

    /// A table read: from distributed ROM (`DeviceProfile.romReadDelay`) one chained operation with `beforeNs` (the
    /// address's logic) and `afterNs` (a cast of the value); from block RAM (`blockRAMReadNs` in the profile, tables of
    /// `blockRAMMinimumAddressBits` or more) the address and the read fill a stage that ends in the memory's register,
    /// and the value leaves it the next cycle through the read delay again, where `afterNs` and what follows chain
    /// (Vitis HLS 2021.1's `load` of a 1024-entry table: `[2/2]` then `[1/2]`, 2.77 ns in each state). Only the read
    /// keeps its stages beyond the budget (the memory's timing is fixed): address logic that does not fit before it
    /// takes a stage of its own, and a cast that does not fit after it starts the next stage.
    mutating func addTableRead(_ operation: StepOperation, device: DeviceProfile, addressBits: Int,
                               beforeNs: Double = 0, afterNs: Double = 0) {
        guard let read = device.blockRAMReadNs, addressBits >= Self.blockRAMMinimumAddressBits else {
            add(operation, beforeNs + device.romReadDelay(addressBits: addressBits) + afterNs)
            return
        }
        let epsilon = 1e-9, first = beforeNs + read
        if first > budget + epsilon {
            // The read alone (at 3.33 ns with 0.62 ns uncertainty HLS still reads in two states of 2.77 ns), after
            // its address logic's own stages when there is any.
            closeStage()
            let addressStages = beforeNs > epsilon ? max(1, Int(ceil(beforeNs / budget - epsilon))) : 0
            steps.append(PipelineStep(operation: operation, delayNs: first, registersAfter: addressStages + 1))
            criticalPathNs = max(criticalPathNs, min(first, max(read, beforeNs)))
        } else {
            add(operation, first)
            closeStage()
        }
        outputStageOpen = true
        if afterNs > epsilon && read + afterNs > budget + epsilon {
            steps[steps.count - 1].registersAfter += 1   // the cast in the stage after the way out
            stageDelay = afterNs
        } else {
            stageDelay = read + afterNs
        }
        criticalPathNs = max(criticalPathNs, stageDelay)
    }

    /// The smallest table (in address bits) HLS reads from block RAM: the evidence is 1024-entry tables; smaller ones
    /// stay distributed ROM, as HLS usually builds small ROMs in LUTs.
    static let blockRAMMinimumAddressBits = 10

    /// A stage holding only a value's way out of a register (a block-RAM read's), with no step of its own yet: closing
    /// it adds a register to the step before.
    private var outputStageOpen = false

    private mutating func closeStage() {
        if let last = steps.indices.last {
            if outputStageOpen { steps[last].registersAfter += 1 } else if steps[last].registersAfter == 0 { steps[last].registersAfter = 1 }
        }
        outputStageOpen = false
        stageDelay = 0
    }

    /// The steps with the output register after the last one.
    mutating func finish() -> [PipelineStep] {
        closeStage()
        return steps
    }
}

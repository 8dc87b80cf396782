import Foundation
import FixedPoint
import NetworkIR

/// Why a network cannot be scheduled with the given options.
public enum ScheduleError: Error, Equatable, Sendable, CustomStringConvertible {
    case impossibleReuseFactor(layer: String, value: Int, reason: String)
    case clockTooShort(periodNs: Double, uncertaintyNs: Double, overheadNs: Double)
    case unsupported(layer: String, field: String, reason: String)

    public var description: String {
        switch self {
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
            if case let .merge(merge) = layer.operation {
                blocks.append(scheduleMerge(merge, layer: layer, index: index, inputs: network.inputPrecisions(ofLayerAt: index), options: options))
            } else {
                blocks.append(try scheduleLayer(layer, index: index, input: network.inputPrecision(ofLayerAt: index), options: options))
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
        let valid = (1...(inputs * outputs)).filter { isValidResourceReuseFactor($0, inputs: inputs, outputs: outputs) }
        return valid.min { lhs, rhs in
            let (dl, dr) = (abs(lhs - rf), abs(rhs - rf))
            return dl == dr ? lhs < rhs : dl < dr
        } ?? 1
    }

    static func scheduleLayer(_ layer: Layer, index: Int, input: Precision,
                              options: ScheduleOptions) throws(ScheduleError) -> BlockSchedule {
        let device = options.device
        let implementation = options.implementation(of: layer.name)
        let requested = implementation.reuseFactor
        let precision = layer.precision
        var notes: [String] = []
        var packer = StagePacker(budget: options.logicBudgetNs)

        func castDelay(from source: Precision, to target: Precision) -> Double {
            Scheduler.castDelay(from: source, to: target, device: device)
        }

        switch layer.operation {
        case let .dense(parameters):
            let inputs = layer.inputSize, outputs = parameters.outputSize
            guard requested >= 1, requested <= inputs * outputs else {
                throw .impossibleReuseFactor(layer: layer.name, value: requested,
                    reason: "it must lie in 1...\(inputs * outputs) (n_in × n_out = \(inputs) × \(outputs))")
            }
            var rf = requested
            if implementation.strategy == .resource && !isValidResourceReuseFactor(rf, inputs: inputs, outputs: outputs) {
                rf = closestResourceReuseFactor(rf, inputs: inputs, outputs: outputs)
                notes.append("ReuseFactor \(requested) is not valid for the Resource strategy; using \(rf) (closest valid, as hls4ml does)")
            }
            let weight = precision.weight!, accumulator = precision.accumulator!
            let termsPerGroup = (inputs + rf - 1) / rf
            // Multiplier (j, s) serves inputs p·g + s for every phase p; it exists if any of its weights is non-zero.
            var multipliersPerOutput = [Int](repeating: 0, count: outputs)
            for j in 0..<outputs {
                for s in 0..<termsPerGroup {
                    var used = false
                    var p = 0
                    while p < rf && !used {
                        let i = p * termsPerGroup + s
                        if i < inputs && parameters.weights[i * outputs + j] != 0 && weight.raw(fromDouble: parameters.weights[i * outputs + j]) != 0 { used = true }
                        p += 1
                    }
                    if used { multipliersPerOutput[j] += 1 }
                }
            }
            let multipliers = multipliersPerOutput.reduce(0, +)
            let product = device.multiplier(widthA: input.width, widthB: weight.width)
            let adderDelay = device.adderDelay(width: accumulator.width)
            let maxTerms = (multipliersPerOutput.max() ?? 0) + (rf == 1 ? 1 : 0)   // the bias joins the tree at RF 1
            let levels = maxTerms <= 1 ? 0 : Int(ceil(log2(Double(maxTerms))))
            if rf > 1 {
                packer.add(.operandSelect, device.operandMuxNsPerLevel * ceil(log2(Double(rf))))
            }
            packer.add(.multiply, product.delayNs)
            for level in 0..<levels { packer.add(.addLevel(level + 1), adderDelay) }
            if rf > 1 { packer.add(.accumulate, adderDelay, registered: true) }
            packer.add(.cast, castDelay(from: accumulator, to: precision.result))
            let steps = packer.finish()
            let adders = multipliersPerOutput.reduce(0) { $0 + max($1 - (rf == 1 ? 0 : 1), 0) } + (rf > 1 ? outputs : 0)
            let registerBits = estimateRegisterBits(steps: steps, productBits: multipliers * (input.width + weight.width),
                                                    accumulatorBits: outputs * accumulator.width,
                                                    resultBits: outputs * precision.result.width, inputBits: rf > 1 ? inputs * input.width : 0)
            let zeros = parameters.weights.filter { $0 == 0 }.count
            if zeros > 0 { notes.append("\(zeros) zero weights need no multiplier") }
            if rf > 1 && inputs % rf != 0 {
                notes.append("n_in \(inputs) is not a multiple of RF \(rf): \(outputs)×\(termsPerGroup) multipliers instead of hls4ml's \((inputs * outputs + rf - 1) / rf)")
            }
            return BlockSchedule(layerIndex: index, layerName: layer.name, kind: layer.kindName, requestedReuseFactor: requested,
                                 reuseFactor: rf, strategy: implementation.strategy, initiationInterval: rf,
                                 latencyCycles: (rf - 1) + totalRegisters(steps), steps: steps, groups: rf,
                                 termsPerGroup: termsPerGroup, criticalPathNs: packer.criticalPathNs,
                                 multipliers: multipliers, dsps: multipliers * product.dsps, adders: adders,
                                 registerBits: registerBits, notes: notes)

        case let .batchNormalization(parameters):
            let scale = precision.weight!
            let product = device.multiplier(widthA: input.width, widthB: scale.width)
            packer.add(.multiply, product.delayNs)
            packer.add(.addLevel(1), device.adderDelay(width: input.width + scale.width))
            packer.add(.cast, castDelay(from: Precision.product(input, scale), to: precision.result))
            let multipliers = parameters.scale.filter { scale.raw(fromDouble: $0) != 0 }.count
            return simpleBlock(layer, index: index, steps: packer.finish(), packer: packer, requested: requested,
                               strategy: implementation.strategy, multipliers: multipliers, dsps: multipliers * product.dsps,
                               adders: layer.inputSize, notes: requested > 1 ? ["BatchNormalization is built fully parallel (II 1); ReuseFactor \(requested) is not applied"] : [])
        case .relu, .linear:
            if layer.operation == .relu { packer.add(.select, device.selectNs) }
            packer.add(.cast, castDelay(from: input, to: precision.result))
            return simpleBlock(layer, index: index, steps: packer.finish(), packer: packer, requested: requested,
                               strategy: implementation.strategy, multipliers: 0, dsps: 0, adders: 0, notes: [])
        case .leakyReLU:
            let alpha = precision.parameter!
            let product = device.multiplier(widthA: input.width, widthB: alpha.width)
            packer.add(.multiply, product.delayNs)
            packer.add(.select, device.selectNs)
            packer.add(.cast, castDelay(from: Precision.product(input, alpha), to: precision.result))
            return simpleBlock(layer, index: index, steps: packer.finish(), packer: packer, requested: requested,
                               strategy: implementation.strategy, multipliers: layer.inputSize,
                               dsps: layer.inputSize * product.dsps, adders: 0, notes: [])
        case .merge:
            return scheduleMerge(.add, layer: layer, index: index, inputs: [input, input], options: options)
        case .squaredNorm:
            let accumulator = precision.accumulator!
            let product = device.multiplier(widthA: input.width, widthB: input.width)
            packer.add(.multiply, product.delayNs)
            let levels = layer.inputSize <= 1 ? 0 : Int(ceil(log2(Double(layer.inputSize))))
            for level in 0..<levels { packer.add(.addLevel(level + 1), device.adderDelay(width: accumulator.width)) }
            packer.add(.cast, castDelay(from: accumulator, to: precision.result))
            return simpleBlock(layer, index: index, steps: packer.finish(), packer: packer, requested: requested,
                               strategy: implementation.strategy, multipliers: layer.inputSize,
                               dsps: layer.inputSize * product.dsps, adders: layer.inputSize - 1, notes: [])
        }
    }

    /// A merge block (hls4ml `nnet_merge.h`, fully parallel, II 1): Add/Subtract one adder per element,
    /// Average an adder and the toward-zero halving, Multiply one product per element, Maximum/Minimum a compare
    /// and select, Concatenate only the casts; then the cast to result_t and the output register.
    static func scheduleMerge(_ merge: MergeOperation, layer: Layer, index: Int, inputs: [Precision],
                              options: ScheduleOptions) -> BlockSchedule {
        let device = options.device
        var packer = StagePacker(budget: options.logicBudgetNs)
        let a = inputs[0], b = inputs.count > 1 ? inputs[1] : inputs[0]
        let fraction = max(a.fractionalBits, b.fractionalBits)
        let sumWidth = max(a.integerBits, b.integerBits) + 1 + fraction
        let elements = layer.outputSize
        var multipliers = 0, dsps = 0, adders = 0
        let exact: Precision
        switch merge {
        case .add, .subtract, .average:
            packer.add(.addLevel(1), device.adderDelay(width: sumWidth))
            if merge == .average { packer.add(.addLevel(2), device.adderDelay(width: sumWidth)) }
            adders = elements * (merge == .average ? 2 : 1)
            exact = Precision(width: max(sumWidth, 1), integerBits: max(a.integerBits, b.integerBits) + 1)
        case .multiply:
            let product = device.multiplier(widthA: a.width, widthB: b.width)
            packer.add(.multiply, product.delayNs)
            multipliers = elements
            dsps = elements * product.dsps
            exact = Precision.product(a, b)
        case .maximum, .minimum:
            packer.add(.select, device.adderDelay(width: sumWidth) + device.selectNs)
            adders = elements
            exact = Precision(width: max(sumWidth - 1, 1), integerBits: max(a.integerBits, b.integerBits))
        case .concatenate:
            exact = a.fractionalBits >= b.fractionalBits ? a : b
        }
        packer.add(.cast, castDelay(from: exact, to: layer.precision.result, device: device))
        let requested = options.implementation(of: layer.name).reuseFactor
        return simpleBlock(layer, index: index, steps: packer.finish(), packer: packer, requested: requested,
                           strategy: options.implementation(of: layer.name).strategy, multipliers: multipliers, dsps: dsps,
                           adders: adders, notes: requested > 1 ? ["\(layer.kindName) is built fully parallel (II 1); ReuseFactor \(requested) is not applied"] : [])
    }

    /// Logic after a value to take it to `target`: rounding (an adder) and saturation, when the modes need them.
    static func castDelay(from source: Precision, to target: Precision, device: DeviceProfile) -> Double {
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

    static func simpleBlock(_ layer: Layer, index: Int, steps: [PipelineStep], packer: StagePacker, requested: Int,
                            strategy: Strategy, multipliers: Int, dsps: Int, adders: Int, notes: [String]) -> BlockSchedule {
        BlockSchedule(layerIndex: index, layerName: layer.name, kind: layer.kindName, requestedReuseFactor: 1,
                      reuseFactor: 1, strategy: strategy, initiationInterval: 1, latencyCycles: totalRegisters(steps),
                      steps: steps, groups: 1, termsPerGroup: layer.inputSize, criticalPathNs: packer.criticalPathNs,
                      multipliers: multipliers, dsps: dsps, adders: adders,
                      registerBits: totalRegisters(steps) * layer.outputSize * layer.precision.result.width, notes: notes)
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
        stageDelay += delay
        criticalPathNs = max(criticalPathNs, stageDelay)
        if registered { closeStage() }
    }

    private mutating func closeStage() {
        if let last = steps.indices.last, steps[last].registersAfter == 0 { steps[last].registersAfter = 1 }
        stageDelay = 0
    }

    /// The steps with the output register after the last one.
    mutating func finish() -> [PipelineStep] {
        closeStage()
        return steps
    }
}

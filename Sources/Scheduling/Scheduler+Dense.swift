import Foundation
import FixedPoint
import NetworkIR

extension Scheduler {
    /// A Dense layer: RF groups of ⌈n_in / RF⌉ products through the adder tree (and an accumulator at RF > 1), then the cast.
    static func scheduleDense(_ parameters: DenseParameters, context: LayerContext) throws(ScheduleError) -> BlockSchedule {
        let (layer, index, input, device) = (context.layer, context.index, context.input, context.device)
        let implementation = context.implementation, requested = context.implementation.reuseFactor
        let precision = layer.precision
        var notes: [String] = []
        var packer = context.packer()
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
        packer.add(.cast, context.castDelay(from: accumulator))
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
    }
}

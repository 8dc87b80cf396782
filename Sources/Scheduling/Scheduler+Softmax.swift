import Foundation
import FixedPoint
import NetworkIR

/// Scheduling of the softmax (fully parallel, II 1): the steps of `SoftmaxParameters`' arithmetic in order.
extension Scheduler {
    static func scheduleSoftmax(_ parameters: SoftmaxParameters, _ precision: SoftmaxPrecision?, context c: LayerContext) -> BlockSchedule {
        let n = c.layer.inputSize
        var packer = c.packer()
        let compare = c.device.adderDelay(width: c.input.width + 1) + c.device.selectNs
        guard let p = precision else {   // argmax
            for level in 0..<ReduceTree.levels(n) { packer.add(.maxLevel(level + 1), compare + c.device.selectNs) }
            packer.add(.select, c.device.selectNs)
            packer.add(.cast, 0)
            return simpleBlock(c, packer: packer, multipliers: 0, dsps: 0, adders: max(n - 1, 0))
        }
        let accumulator = p.accumulator, expTable = p.expTable
        let inverseInput = p.invInput, inverseTable = p.invTable
        if let norm = p.inputNorm {   // stable
            for level in 0..<ReduceTree.levels(n) { packer.add(.maxLevel(level + 1), compare) }
            // x_max − x_i is one bit wider than the input; its cast to inp_norm_t saturates where that type does.
            packer.add(.normalize, c.device.adderDelay(width: c.input.width + 1)
                       + Scheduler.castDelay(device: c.device, from: Precision.sum(c.input, c.input), to: norm))
        }
        packer.addTableRead(.lookup, device: c.device, addressBits: SoftmaxParameters.addressBits(parameters.expTableSize),
                            afterNs: Scheduler.castDelay(device: c.device, from: expTable, to: accumulator))
        let sum = Precision.sum(accumulator, accumulator)
        // Every addition of the sum is cast back to accum_t; where that cast is free the additions keep its width, and
        // HLS merges pairs of them into ternary adders where that saves a stage (the top levels of an unbalanced tree).
        let sumCast = Scheduler.castDelay(device: c.device, from: sum, to: accumulator)
        // A wrapping cast keeps accum_t's bits: HLS computes the addition at that width (`add i18` for ap_fixed<18,8>).
        let addDelay = c.device.adderDelay(width: sumCast == 0 ? accumulator.width : sum.width) + sumCast
        let levels = ReduceTree.levels(n)
        let merged = sumCast == 0 ? levels - ReduceTree.ternaryStages(n) : 0
        for level in 0..<levels - 2 * merged { packer.add(.addLevel(level + 1), addDelay) }
        for pair in 0..<merged {
            let first = levels - 2 * merged + 2 * pair + 1
            packer.addTernary(.addLevel(first), .addLevel(first + 1), addDelay)
        }
        packer.addTableRead(.lookup, device: c.device, addressBits: SoftmaxParameters.addressBits(parameters.invTableSize),
                            beforeNs: Scheduler.castDelay(device: c.device, from: accumulator, to: inverseInput))
        let product = c.device.multiplier(widthA: accumulator.width, widthB: inverseTable.width)
        packer.addProduct(product)
        packer.add(.cast, c.castDelay(from: Precision.product(accumulator, inverseTable)))
        var block = simpleBlock(c, packer: packer, multipliers: n, dsps: n * product.dsps,
                                adders: 2 * max(n - 1, 0) + (parameters.implementation == .stable ? n : 0))
        block.tableBits = parameters.expTableSize * expTable.width + parameters.invTableSize * inverseTable.width
        return block
    }
}

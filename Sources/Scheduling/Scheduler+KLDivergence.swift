import Foundation
import FixedPoint
import NetworkIR

/// Scheduling of the KL-divergence score (fully parallel, II 1).
extension Scheduler {
    /// μ², the exp index and table read of log σ², each term e + μ² − l − 1 cast to accum_t, the adder tree in
    /// accum_t, the halving and cast.
    static func scheduleKLDivergence(_ parameters: KLDivergenceParameters, _ p: KLDivergencePrecision,
                                     context c: LayerContext) -> BlockSchedule {
        let (mean, logVariance) = (c.inputs[0], c.inputs.count > 1 ? c.inputs[1] : c.inputs[0])
        let table = p.table, accumulator = p.accumulator
        let n = c.layer.inputSize / 2
        let square = c.device.multiplier(widthA: mean.width, widthB: mean.width)
        let term = KLDivergenceParameters.termPrecision(mean: mean, logVariance: logVariance, table: table)
        var packer = c.packer()
        packer.addProduct(square)
        packer.add(.index, c.device.adderDelay(width: logVariance.width + 1) + c.device.castSaturationNs)
        packer.addTableRead(.lookup, device: c.device, addressBits: SoftmaxParameters.addressBits(parameters.tableSize))
        // Two adder levels make the term (e + μ², l + 1, their difference), then its cast to accum_t.
        packer.add(.addLevel(1), 2 * c.device.adderDelay(width: term.width)
                   + Scheduler.castDelay(device: c.device, from: term, to: accumulator))
        for level in 0..<ReduceTree.levels(n) { packer.add(.addLevel(level + 2), c.device.adderDelay(width: accumulator.width)) }
        var halved = accumulator
        halved.width += 1
        packer.add(.cast, Scheduler.castDelay(device: c.device, from: halved, to: c.layer.precision.result))
        var block = simpleBlock(c, packer: packer, multipliers: n, dsps: n * square.dsps, adders: 3 * n + max(n - 1, 0))
        block.tableBits = parameters.tableSize * table.width
        return block
    }
}

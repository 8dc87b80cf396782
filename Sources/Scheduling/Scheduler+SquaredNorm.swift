import Foundation
import FixedPoint
import NetworkIR

/// Scheduling of the squared-norm score block.
extension Scheduler {
    /// A square per element, the balanced adder tree in accum_t, the cast.
    static func scheduleSquaredNorm(_ accumulator: Precision, context c: LayerContext) -> BlockSchedule {
        let product = c.device.multiplier(widthA: c.input.width, widthB: c.input.width)
        var packer = c.packer()
        packer.addProduct(product)
        let n = c.layer.inputSize
        let levels = n <= 1 ? 0 : Int(ceil(log2(Double(n))))
        for level in 0..<levels { packer.add(.addLevel(level + 1), c.device.adderDelay(width: accumulator.width)) }
        packer.add(.cast, c.castDelay(from: accumulator))
        return simpleBlock(c, packer: packer, multipliers: n, dsps: n * product.dsps, adders: n - 1)
    }
}

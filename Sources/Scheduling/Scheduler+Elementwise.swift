import Foundation
import FixedPoint
import NetworkIR

/// Scheduling of the element-wise kinds: BatchNormalization, ReLU, Linear, LeakyReLU (fully parallel, II 1).
extension Scheduler {
    /// One multiply-add per element, then the cast.
    static func scheduleBatchNormalization(_ parameters: BatchNormParameters, _ precision: ScaleShiftPrecision,
                                           context c: LayerContext) -> BlockSchedule {
        let scale = precision.scale
        let product = c.device.multiplier(widthA: c.input.width, widthB: scale.width)
        var packer = c.packer()
        packer.add(.multiply, product.delayNs)
        packer.add(.addLevel(1), c.device.adderDelay(width: c.input.width + scale.width))
        packer.add(.cast, c.castDelay(from: Precision.product(c.input, scale)))
        let multipliers = parameters.scale.filter { scale.raw(fromDouble: $0) != 0 }.count
        return simpleBlock(c, packer: packer, multipliers: multipliers, dsps: multipliers * product.dsps, adders: c.layer.inputSize)
    }

    /// ReLU: a compare and select; Linear: the cast only.
    static func scheduleActivation(context c: LayerContext) -> BlockSchedule {
        var packer = c.packer()
        if c.layer.operation == .relu { packer.add(.select, c.device.selectNs) }
        packer.add(.cast, c.castDelay(from: c.input))
        return simpleBlock(c, packer: packer, multipliers: 0, dsps: 0, adders: 0)
    }

    /// LeakyReLU: the α product, the select, the cast.
    static func scheduleLeakyReLU(_ alpha: Precision, context c: LayerContext) -> BlockSchedule {
        let product = c.device.multiplier(widthA: c.input.width, widthB: alpha.width)
        var packer = c.packer()
        packer.add(.multiply, product.delayNs)
        packer.add(.select, c.device.selectNs)
        packer.add(.cast, c.castDelay(from: Precision.product(c.input, alpha)))
        return simpleBlock(c, packer: packer, multipliers: c.layer.inputSize, dsps: c.layer.inputSize * product.dsps, adders: 0)
    }
}

import Foundation
import FixedPoint
import NetworkIR

/// Scheduling of the element-wise kinds: BatchNormalization, ReLU, Linear, LeakyReLU (fully parallel, II 1).
extension Scheduler {
    /// Products of the input by per-lane constants, as HLS builds them (the rule by which `ProductSchedule` counts
    /// Dense's multipliers): a constant with one non-zero signed digit is a shift (no delay), one with two a shift
    /// and an adder, any other a multiplier. The step takes the slowest lane's delay; the multipliers are the lanes
    /// with three digits or more.
    static func constantProducts(_ raws: [Int64], input: Precision, constant: Precision,
                                 device: DeviceProfile) -> (delayNs: Double, multipliers: Int, dsps: Int, inLUTs: Bool) {
        let product = device.multiplier(widthA: input.width, widthB: constant.width)
        let multipliers = raws.filter(ProductSchedule.needsMultiplier).count
        let shiftAdd = raws.contains { ProductSchedule.signedDigits($0) == 2 } ? device.adderDelay(width: input.width + constant.width) : 0
        let delay = max(multipliers > 0 ? product.delayNs : 0, shiftAdd)
        return (delay, multipliers, multipliers * product.dsps, multipliers > 0 && product.dsps == 0 && product.delayNs >= shiftAdd)
    }

    /// One multiply-add per element, then the cast.
    static func scheduleBatchNormalization(_ parameters: BatchNormParameters, _ precision: ScaleShiftPrecision,
                                           context c: LayerContext) -> BlockSchedule {
        let scale = precision.scale
        let products = constantProducts(parameters.scale.map { scale.raw(fromDouble: $0) }, input: c.input, constant: scale, device: c.device)
        var packer = c.packer()
        packer.addProduct(products.delayNs, inLUTs: products.inLUTs)
        packer.add(.addLevel(1), c.device.adderDelay(width: c.input.width + scale.width))
        packer.add(.cast, c.castDelay(from: Precision.product(c.input, scale)))
        return simpleBlock(c, packer: packer, multipliers: products.multipliers, dsps: products.dsps, adders: c.layer.inputSize)
    }

    /// ReLU: a compare and select; Linear: the cast only.
    static func scheduleActivation(context c: LayerContext) -> BlockSchedule {
        var packer = c.packer()
        if c.layer.operation == .relu { packer.add(.select, c.device.selectNs) }
        packer.add(.cast, c.castDelay(from: c.input))
        return simpleBlock(c, packer: packer, multipliers: 0, dsps: 0, adders: 0)
    }

    /// LeakyReLU: the α product, the select, the cast.
    static func scheduleLeakyReLU(_ slope: Double, _ alpha: Precision, context c: LayerContext) -> BlockSchedule {
        let raw = alpha.raw(fromDouble: slope)
        let products = constantProducts(Array(repeating: raw, count: c.layer.inputSize), input: c.input, constant: alpha, device: c.device)
        var packer = c.packer()
        packer.addProduct(products.delayNs, inLUTs: products.inLUTs)
        packer.add(.select, c.device.selectNs)
        packer.add(.cast, c.castDelay(from: Precision.product(c.input, alpha)))
        return simpleBlock(c, packer: packer, multipliers: products.multipliers, dsps: products.dsps, adders: 0)
    }
}

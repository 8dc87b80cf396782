import FixedPoint
import NetworkIR

/// Scheduling of the merge kinds.
extension Scheduler {
    /// A merge block (hls4ml `nnet_merge.h`, fully parallel, II 1): Add/Subtract one adder per element,
    /// Average an adder and the toward-zero halving, Multiply one product per element, Maximum/Minimum a compare
    /// and select, Concatenate only the casts; then the cast to result_t and the output register.
    static func scheduleMerge(_ merge: MergeOperation, context c: LayerContext) -> BlockSchedule {
        let device = c.device, layer = c.layer
        var packer = c.packer()
        let a = c.inputs[0], b = c.inputs.count > 1 ? c.inputs[1] : c.inputs[0]
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
            packer.addProduct(product)
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
        packer.add(.cast, c.castDelay(from: exact))
        return simpleBlock(c, packer: packer, multipliers: multipliers, dsps: dsps, adders: adders)
    }
}

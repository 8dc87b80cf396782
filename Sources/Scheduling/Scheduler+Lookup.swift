import Foundation
import FixedPoint
import NetworkIR

/// Scheduling of the table activations (lookup and hard activations), fully parallel, II 1.
extension Scheduler {
    /// Index (scale, truncate toward zero, clamp), table read; ELU/SELU then the α·table or λ·x product and
    /// the select of the branch; the cast.
    static func scheduleLookup(_ activation: LookupActivation, _ p: LookupPrecision, context c: LayerContext) -> BlockSchedule {
        let table = p.table
        let addressBits = SoftmaxParameters.addressBits(activation.tableSize)
        var packer = c.packer()
        packer.add(.index, c.device.adderDelay(width: c.input.width + 1) + c.device.castSaturationNs)
        packer.addTableRead(.lookup, device: c.device, addressBits: addressBits)
        var multipliers = 0, dsps = 0
        if let parameter = p.parameter {   // ELU α / SELU λ
            let operand = activation.function == .elu ? table : c.input
            let product = c.device.multiplier(widthA: operand.width, widthB: parameter.width)
            packer.addProduct(product)
            packer.add(.select, c.device.selectNs)
            packer.add(.cast, c.castDelay(from: Precision.product(operand, parameter)))
            multipliers = c.layer.inputSize
            dsps = c.layer.inputSize * product.dsps
        } else {
            packer.add(.cast, c.castDelay(from: table))
        }
        var block = simpleBlock(c, packer: packer, multipliers: multipliers, dsps: dsps, adders: c.layer.inputSize)
        block.tableBits = activation.tableSize * table.width
        return block
    }

    /// slope·x, + shift, the clip to [0, 1] (and 2v − 1 for hard tanh), the cast.
    static func scheduleHardActivation(_ activation: HardActivation, _ p: HardActivationPrecision,
                                       context c: LayerContext) -> BlockSchedule {
        let slope = p.slope, shift = p.shift
        let product = c.device.multiplier(widthA: c.input.width, widthB: slope.width)
        let sum = Precision.sum(Precision.product(c.input, slope), shift)
        var packer = c.packer()
        packer.addProduct(product)
        packer.add(.addLevel(1), c.device.adderDelay(width: sum.width))
        let tanhOffset = activation.function == .hardTanh ? c.device.adderDelay(width: sum.width + 1) : 0
        packer.add(.select, 2 * c.device.selectNs + c.device.adderDelay(width: sum.width) + tanhOffset)
        packer.add(.cast, c.castDelay(from: sum))
        let n = c.layer.inputSize
        return simpleBlock(c, packer: packer, multipliers: n, dsps: n * product.dsps, adders: n)
    }
}

import FixedPoint
import NetworkIR
import Scheduling

/// The datapaths of the element-wise blocks: BatchNormalization, ReLU, LeakyReLU, Linear.
extension BlockGenerator {
    // MARK: - Element-wise blocks

    /// `constants`: the fractional bits of the constant a `.multiply` step multiplies by (BatchNorm's scale_t,
    /// LeakyReLU's param_t) and of the one an `.addLevel` adds (BatchNorm's bias_t).
    func elementwise(_ builder: DatapathBuilder, expected: [StepOperation],
                     constants: (multiply: Int, add: Int)) throws(RTLError) -> [Signal] {
        try checkSteps(expected)
        let count = layer.layer.inputSize
        var lanes: [[Signal]] = (0..<count).map { [element("in_data", $0, precision: inputPrecision, builder: builder, prefix: "x")] }
        for step in block.steps {
            switch (layer.layer.operation, step.operation) {
            case (.batchNormalization, .multiply):
                lanes = lanes.enumerated().map { i, lane in
                    [builder.multiply(lane[0], .constant(Int128(layer.weightRaw[i]), fractionalBits: constants.multiply))]
                }
            case (.batchNormalization, .addLevel):
                lanes = lanes.enumerated().map { i, lane in
                    [builder.add(lane[0], .constant(Int128(layer.biasRaw[i]), fractionalBits: constants.add))]
                }
            case (.leakyReLU, .multiply):
                lanes = lanes.map { lane in
                    [lane[0], builder.multiply(lane[0], .constant(Int128(layer.alphaRaw), fractionalBits: constants.multiply))]
                }
            case (.leakyReLU, .select), (.relu, .select):
                lanes = lanes.map { lane in
                    let x = lane[0]
                    let negativeSide = lane.count > 1 ? lane[1] : Signal.constant(0, fractionalBits: x.fractionalBits)
                    return [builder.select(x, negativeSide) { _, _ in builder.bit("pos", "~\(builder.signBit(x)) & (|\(x.name))") }]
                }
            case (_, .cast):
                lanes = lanes.map { [builder.cast($0[0], to: result, prefix: "y")] }
            default:
                throw .unsupported(layer: name, field: "steps", reason: "step '\(step.operation)' is not implemented for \(layer.layer.kindName)")
            }
            lanes = register(lanes, count: step.registersAfter, builder: builder)
        }
        return lanes.map { $0[0] }
    }
}

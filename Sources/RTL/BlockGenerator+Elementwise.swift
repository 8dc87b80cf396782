import FixedPoint
import NetworkIR
import Scheduling

/// The datapaths of the element-wise blocks: BatchNormalization, ReLU, LeakyReLU, Linear.
extension BlockGenerator {
    // MARK: - Element-wise blocks

    func elementwise(_ builder: DatapathBuilder, expected: [StepOperation]) throws(RTLError) -> [Signal] {
        try checkSteps(expected)
        let p = layer.layer.precision
        let count = layer.layer.inputSize
        var lanes: [[Signal]] = (0..<count).map { [element("in_data", $0, precision: inputPrecision, builder: builder, prefix: "x")] }
        for step in block.steps {
            switch (layer.layer.operation, step.operation) {
            case (.batchNormalization, .multiply):
                guard let scale = p.weight else { throw .unsupported(layer: name, field: "scale", reason: "missing scale precision") }
                lanes = lanes.enumerated().map { i, lane in
                    [builder.multiply(lane[0], .constant(Int128(layer.weightRaw[i]), fractionalBits: scale.fractionalBits))]
                }
            case (.batchNormalization, .addLevel):
                guard let shift = p.bias else { throw .unsupported(layer: name, field: "bias", reason: "missing bias precision") }
                lanes = lanes.enumerated().map { i, lane in
                    [builder.add(lane[0], .constant(Int128(layer.biasRaw[i]), fractionalBits: shift.fractionalBits))]
                }
            case (.leakyReLU, .multiply):
                guard let alpha = p.parameter else { throw .unsupported(layer: name, field: "param", reason: "missing alpha precision") }
                lanes = lanes.map { lane in
                    [lane[0], builder.multiply(lane[0], .constant(Int128(layer.alphaRaw), fractionalBits: alpha.fractionalBits))]
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

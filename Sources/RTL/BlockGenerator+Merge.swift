import FixedPoint
import NetworkIR
import Scheduling

/// The datapath of the merge blocks (hls4ml's `nnet_merge.h`).
extension BlockGenerator {
    // MARK: - Merge

    /// Element `i` of input tensor `port` (the tensors are packed one after the other in `in_data`).
    func mergeOperand(_ port: Int, _ i: Int, builder: DatapathBuilder) -> Signal {
        let precision = layer.inputPrecisions[port]
        let offset = port == 0 ? 0 : layer.inputSizes[0] * layer.inputPrecisions[0].width
        let w = precision.width
        let slice = "in_data[\(offset + (i + 1) * w - 1):\(offset + i * w)]"
        if precision.isSigned { return builder.wire(port == 0 ? "x" : "y", width: w, fractionalBits: precision.fractionalBits, slice) }
        return builder.wire(port == 0 ? "x" : "y", width: w + 1, fractionalBits: precision.fractionalBits, "{1'b0, \(slice)}")
    }

    /// hls4ml's `nnet_merge.h`, element by element, with the schedule's registers (see `Scheduler.scheduleMerge`).
    func merge(_ merge: MergeOperation, _ builder: DatapathBuilder) throws(RTLError) -> [Signal] {
        let expected: [StepOperation]
        switch merge {
        case .add, .subtract: expected = [.addLevel(1), .cast]
        case .average: expected = [.addLevel(1), .addLevel(2), .cast]
        case .multiply: expected = [.multiply, .cast]
        case .maximum, .minimum: expected = [.select, .cast]
        case .concatenate: expected = [.cast]
        }
        try checkSteps(expected)
        var lanes: [[Signal]]
        if merge == .concatenate {
            lanes = (0..<layer.inputSizes[0]).map { [mergeOperand(0, $0, builder: builder)] }
                + (0..<layer.inputSizes[1]).map { [mergeOperand(1, $0, builder: builder)] }
        } else {
            lanes = (0..<layer.inputSizes[0]).map { [mergeOperand(0, $0, builder: builder), mergeOperand(1, $0, builder: builder)] }
        }
        for step in block.steps {
            switch (merge, step.operation) {
            case (.add, .addLevel), (.average, .addLevel(1)):
                lanes = lanes.map { [builder.add($0[0], $0[1])] }
            case (.subtract, .addLevel):
                lanes = lanes.map { [builder.subtract($0[0], $0[1])] }
            case (.average, .addLevel):
                // (s + sign(s)) >> 1: the sum halved toward zero, keeping its fractional bits.
                lanes = lanes.map { lane in
                    let sum = lane[0]
                    let width = sum.width + 1
                    let biased = builder.wire("bias", width: width, fractionalBits: sum.fractionalBits,
                                              "\(builder.extend(sum, to: width)) + {\(sum.width)'b0, \(builder.signBit(sum))}")
                    builder.markPartiallyUsed(biased.name)
                    return [builder.wire("half", width: sum.width, fractionalBits: sum.fractionalBits, "\(biased.name)[\(width - 1):1]")]
                }
            case (.multiply, .multiply):
                lanes = lanes.map { [builder.multiply($0[0], $0[1])] }
            case (.maximum, .select), (.minimum, .select):
                lanes = lanes.map { lane in
                    [builder.select(lane[0], lane[1]) { x, y in builder.bit("pick", "$signed(\(x)) \(merge == .maximum ? ">" : "<") $signed(\(y))") }]
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

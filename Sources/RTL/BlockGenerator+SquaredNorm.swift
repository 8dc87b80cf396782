import FixedPoint
import NetworkIR
import Scheduling

/// The datapath of the squared-norm score block.
extension BlockGenerator {
    // MARK: - Squared norm

    func squaredNorm(_ accumulator: Precision, _ builder: DatapathBuilder) throws(RTLError) -> [Signal] {
        let levels = block.steps.filter { if case .addLevel = $0.operation { return true } else { return false } }.count
        try checkSteps([.multiply] + (0..<levels).map { .addLevel($0 + 1) } + [.cast])
        // With a wrapping accumulator the tree may work modulo 2^W; otherwise it keeps every carry.
        let treeWidth: Int? = accumulator.overflow == .wrap ? accumulator.width + (accumulator.isSigned ? 0 : 1) : nil
        var lanes: [[Signal]] = []
        for step in block.steps {
            switch step.operation {
            case .multiply:
                lanes = [(0..<layer.layer.inputSize).map { i in
                    let x = element("in_data", i, precision: inputPrecision, builder: builder, prefix: "x")
                    return builder.cast(builder.multiply(x, x, prefix: "sq"), to: accumulator, prefix: "pacc")
                }]
            case .addLevel:
                lanes = addLevel(lanes, width: treeWidth, builder: builder)
            case .cast:
                let sum = try laneSum(lanes[0], fractionalBits: accumulator.fractionalBits)
                lanes = [[builder.cast(builder.cast(sum, to: accumulator, prefix: "acc"), to: result, prefix: "y")]]
            default:
                break
            }
            lanes = register(lanes, count: step.registersAfter, builder: builder)
        }
        return [lanes[0][0]]
    }
}

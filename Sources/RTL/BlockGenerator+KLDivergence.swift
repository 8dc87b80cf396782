import FixedPoint
import NetworkIR
import Scheduling

/// The datapath of the KL-divergence score (see `KLDivergenceParameters`).
extension BlockGenerator {
    func klDivergence(_ parameters: KLDivergenceParameters, _ p: KLDivergencePrecision, _ builder: DatapathBuilder) throws(RTLError) -> [Signal] {
        let n = layer.layer.inputSize / 2
        let levels = ReduceTree.levels(n)
        try checkSteps([.multiply, .index, .lookup, .addLevel(1)] + (0..<levels).map { .addLevel($0 + 2) } + [.cast])
        let (table, accumulator) = (p.table, p.accumulator)
        let rom = builder.rom("exp_table", precision: table, entries: layer.tables[0], comment: "exp, \(parameters.tableSize) x \(table)")
        let bits = SoftmaxParameters.addressBits(parameters.tableSize)
        // Lanes [μ, l] per element until the terms are made; then one lane holding every term (the adder tree).
        // log σ² is the second tensor, or the second half of the one tensor.
        let single = layer.inputPrecisions.count == 1
        var lanes: [[Signal]] = (0..<n).map {
            [mergeOperand(0, $0, builder: builder), single ? mergeOperand(0, n + $0, builder: builder) : mergeOperand(1, $0, builder: builder)]
        }
        for step in block.steps {
            switch step.operation {
            case .multiply:
                lanes = lanes.map { [builder.multiply($0[0], $0[0], prefix: "sq"), $0[1]] }
            case .index:
                // int(l·N/16) + N/2, clamped (the table covers [−8, 8)).
                lanes = lanes.map { $0 + [builder.symmetricTableIndex($0[1], bits: bits, divisorBits: 4)] }
            case .lookup:
                lanes = lanes.map { [$0[0], $0[1], builder.read(rom, at: $0[2], prefix: "e")] }
            case .addLevel(1):
                let terms = lanes.map { lane in
                    let positive = builder.add(lane[2], lane[0])
                    let negative = builder.add(lane[1], .constant(1, fractionalBits: 0))
                    return builder.cast(builder.subtract(positive, negative, prefix: "term"), to: accumulator, prefix: "t")
                }
                lanes = [terms]
            case .addLevel:
                lanes = addLevel(lanes, width: nil, builder: builder)
            case .cast:
                let sum = builder.cast(try laneSum(lanes[0], fractionalBits: accumulator.fractionalBits), to: accumulator, prefix: "acc")
                let half = sum.isConstant ? Signal(name: "", width: sum.width, fractionalBits: sum.fractionalBits + 1, constant: sum.constant)
                                          : Signal(name: sum.name, width: sum.width, fractionalBits: sum.fractionalBits + 1)
                lanes = [[builder.cast(half, to: result, prefix: "y")]]
            default:
                throw .unsupported(layer: name, field: "steps", reason: "step '\(step.operation)' is not implemented for \(layer.layer.kindName)")
            }
            lanes = register(lanes, count: step.registersAfter, builder: builder)
        }
        return lanes[0]
    }
}

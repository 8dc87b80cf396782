import FixedPoint
import NetworkIR
import Scheduling

/// The datapaths of the table activations: lookup activations (a ROM per block, read by every lane) and hard
/// activations.
extension BlockGenerator {
    /// Index, ROM read, (ELU/SELU: product and branch select), cast; see `LookupActivation` for the arithmetic.
    func lookup(_ activation: LookupActivation, _ p: LookupPrecision, _ builder: DatapathBuilder) throws(RTLError) -> [Signal] {
        let negativeHalf = activation.function.isNegativeHalf
        try checkSteps(negativeHalf ? [.index, .lookup, .multiply, .select, .cast] : [.index, .lookup, .cast])
        let table = p.table
        let bits = SoftmaxParameters.addressBits(activation.tableSize)
        let rom = builder.rom("table", precision: table, entries: layer.tables[0],
                              comment: "\(activation.function.rawValue), \(activation.tableSize) x \(table)")
        let parameter = p.parameter
        // Lane: [x, then the index / entry / product as the steps produce them].
        var lanes: [[Signal]] = (0..<layer.layer.inputSize).map {
            [element("in_data", $0, precision: inputPrecision, builder: builder, prefix: "x")]
        }
        for step in block.steps {
            switch step.operation {
            case .index:
                lanes = lanes.map { lane in
                    let x = lane[0]
                    let index: Signal
                    if negativeHalf {
                        // int(x·N / −8) = trunc(−x · 2^(bits−3)), clamped to [0, N−1] (x < 0 is the only case read).
                        let negated = builder.subtract(.constant(0, fractionalBits: x.fractionalBits), x, prefix: "neg")
                        let scaled = Signal(name: negated.name, width: negated.width, fractionalBits: negated.fractionalBits - (bits - 3))
                        let clamped = builder.cast(scaled, to: .ufixed(bits, bits, .truncateToZero, .saturate), prefix: "q")
                        index = builder.topBits(clamped, width: bits, bits: bits)
                    } else {
                        // int(x·N / 2R) + N/2 clamped to [0, N−1], 2R = 16 or 8.
                        index = builder.symmetricTableIndex(x, bits: bits, divisorBits: activation.function.range == 8 ? 4 : 3)
                    }
                    return negativeHalf ? [x, index] : [index]
                }
            case .lookup:
                lanes = lanes.map { lane in
                    let entry = builder.read(rom, at: lane[lane.count - 1])
                    return negativeHalf ? [lane[0], entry] : [entry]
                }
            case .multiply:
                guard let parameter else {
                    throw .scheduleMismatch(layer: name, field: "steps", reason: "a multiply step for \(layer.layer.kindName), which has no param_t")
                }
                let constant = Signal.constant(Int128(layer.alphaRaw), fractionalBits: parameter.fractionalBits)
                lanes = lanes.map { lane in
                    // ELU: α · table; SELU: λ · x (the table entry is the negative branch as it is).
                    activation.function == .elu ? [lane[0], builder.multiply(lane[1], constant)]
                                                : [lane[0], lane[1], builder.multiply(lane[0], constant)]
                }
            case .select:
                lanes = lanes.map { lane in
                    let x = lane[0]
                    let (nonNegative, negative) = activation.function == .elu ? (x, lane[1]) : (lane[2], lane[1])
                    return [builder.select(nonNegative, negative) { _, _ in builder.bit("nonneg", "~\(builder.signBit(x))") }]
                }
            case .cast:
                lanes = lanes.map { [builder.cast($0[0], to: result, prefix: "y")] }
            default:
                throw .unsupported(layer: name, field: "steps", reason: "step '\(step.operation)' is not implemented for \(layer.layer.kindName)")
            }
            lanes = register(lanes, count: step.registersAfter, builder: builder)
        }
        return lanes.map { $0[0] }
    }

    /// slope·x, + shift, clip to [0, 1] (hard tanh: then 2v − 1), cast.
    func hardActivation(_ activation: HardActivation, _ p: HardActivationPrecision, _ builder: DatapathBuilder) throws(RTLError) -> [Signal] {
        try checkSteps([.multiply, .addLevel(1), .select, .cast])
        let (slope, shift) = (p.slope, p.shift)
        var lanes: [Signal] = (0..<layer.layer.inputSize).map { element("in_data", $0, precision: inputPrecision, builder: builder, prefix: "x") }
        for step in block.steps {
            switch step.operation {
            case .multiply:
                lanes = lanes.map { builder.multiply($0, .constant(Int128(layer.weightRaw[0]), fractionalBits: slope.fractionalBits)) }
            case .addLevel:
                lanes = lanes.map { builder.add($0, .constant(Int128(layer.biasRaw[0]), fractionalBits: shift.fractionalBits)) }
            case .select:
                lanes = lanes.map { v in
                    let fraction = max(v.fractionalBits, 0)
                    let zero = Signal.constant(0, fractionalBits: fraction)
                    let one = Signal.constant(Int128(1) << fraction, fractionalBits: fraction)
                    let low = builder.select(zero, v) { _, _ in builder.bit("neg", builder.signBit(v)) }
                    let clipped = builder.select(one, low) { first, second in builder.bit("above", "$signed(\(second)) > $signed(\(first))") }
                    guard activation.function == .hardTanh else { return clipped }
                    return builder.subtract(builder.add(clipped, clipped), one, prefix: "tanh")
                }
            case .cast:
                lanes = lanes.map { builder.cast($0, to: result, prefix: "y") }
            default:
                throw .unsupported(layer: name, field: "steps", reason: "step '\(step.operation)' is not implemented for \(layer.layer.kindName)")
            }
            lanes = lanes.map { builder.registers($0, count: step.registersAfter, prefix: "q") }
        }
        return lanes
    }
}

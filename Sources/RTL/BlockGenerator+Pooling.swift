import FixedPoint
import NetworkIR
import Scheduling

/// The datapath of the pooling blocks (hls4ml's `nnet_pooling.h`), with the schedule's registers (see
/// `Scheduler.schedulePooling`).
extension BlockGenerator {
    /// Input element `i` as a signal, made once however many windows read it (an element no window reads gets
    /// no wire, so lint sees nothing unread but `in_data`'s bits).
    func cachedElement(_ i: Int, _ cache: inout [Int: Signal], builder: DatapathBuilder) -> Signal {
        if let signal = cache[i] { return signal }
        let signal = element("in_data", i, precision: inputPrecision, builder: builder, prefix: "x")
        cache[i] = signal
        return signal
    }

    /// Max: a compare-and-select tree per output (a padded window adds hls4ml's pad value, only the top bit of
    /// data_T set); Average: an adder tree over the window's pixels cast to accum_t, wrapped to accum_t, divided
    /// by the constant pixel count (Verilog's signed division truncates toward zero, as `ap_fixed /= unsigned`).
    /// Then the cast(s) to result_t.
    func pooling(_ parameters: PoolingParameters, _ accumulator: Precision, _ builder: DatapathBuilder) throws(RTLError) -> [Signal] {
        let windows = parameters.windows()
        var cache: [Int: Signal] = [:]
        let pad = Signal.constant(Int128(PoolingParameters.maxPadRaw(inputPrecision)), fractionalBits: inputPrecision.fractionalBits)
        var lanes: [[Signal]]
        var expected: [StepOperation]
        switch parameters.operation {
        case .max:
            lanes = windows.map { window in
                window.map { cachedElement($0, &cache, builder: builder) } + (window.count < parameters.windowSize ? [pad] : [])
            }
            let levels = Scheduler.pairwiseLevels(lanes.map(\.count).max() ?? 1)
            expected = (0..<levels).map { .maxLevel($0 + 1) } + [.cast]
        case .average:
            lanes = windows.map { window in window.map { builder.cast(cachedElement($0, &cache, builder: builder), to: accumulator, prefix: "term") } }
            let levels = Scheduler.pairwiseLevels(windows.map(\.count).max() ?? 1)
            expected = (0..<levels).map { .addLevel($0 + 1) } + [.divide, .cast]
        }
        try checkSteps(expected)
        for step in block.steps {
            switch step.operation {
            case .maxLevel:
                lanes = lanes.map { terms in
                    var next: [Signal] = []
                    var index = 0
                    while index < terms.count {
                        if index + 1 < terms.count {
                            next.append(builder.select(terms[index], terms[index + 1]) { x, y in
                                builder.bit("pick", "$signed(\(x)) > $signed(\(y))")
                            })
                        } else {
                            next.append(terms[index])
                        }
                        index += 2
                    }
                    return next
                }
            case .addLevel:
                lanes = addLevel(lanes, width: nil, builder: builder)
            case .divide:
                var quotients: [[Signal]] = []
                for (lane, window) in zip(lanes, windows) {
                    let sum = builder.cast(try laneSum(lane, fractionalBits: accumulator.fractionalBits), to: accumulator, prefix: "acc")
                    let count = window.count
                    guard count > 1, !sum.isConstant else { quotients.append([sum]); continue }
                    let width = max(sum.width, Verilog.signedWidth(of: Int128(count)))
                    quotients.append([builder.wire("avg", width: width, fractionalBits: sum.fractionalBits,
                        "$signed(\(builder.extend(sum, to: width))) / $signed(\(Verilog.literal(Int128(count), width: width)))")])
                }
                lanes = quotients
            case .cast:
                lanes = try lanes.map { (lane) throws(RTLError) in
                    let value = try laneSum(lane, fractionalBits: inputPrecision.fractionalBits)
                    if parameters.operation == .max {
                        return [builder.cast(builder.cast(value, to: accumulator, prefix: "acc"), to: result, prefix: "y")]
                    }
                    return [builder.cast(value, to: result, prefix: "y")]
                }
            default:
                throw .unsupported(layer: name, field: "steps", reason: "step '\(step.operation)' is not implemented for \(layer.layer.kindName)")
            }
            lanes = register(lanes, count: step.registersAfter, builder: builder)
        }
        return lanes.map { $0[0] }
    }
}

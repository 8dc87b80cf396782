import FixedPoint
import NetworkIR
import Scheduling

/// The datapath of the blocks that only move values: ZeroPadding and UpSampling (wiring, the cast, the register).
extension BlockGenerator {
    /// ZeroPadding / UpSampling: each output is a copy of one input element (or a zero), cast to result_t.
    func copy(_ sources: [Int?], _ builder: DatapathBuilder) throws(RTLError) -> [Signal] {
        try checkSteps([.cast])
        var cache: [Int: Signal] = [:]
        var lanes: [[Signal]] = sources.map { source in
            [source.map { cachedElement($0, &cache, builder: builder) } ?? .constant(0, fractionalBits: inputPrecision.fractionalBits)]
        }
        for step in block.steps {
            lanes = lanes.map { [builder.cast($0[0], to: result, prefix: "y")] }
            lanes = register(lanes, count: step.registersAfter, builder: builder)
        }
        return lanes.map { $0[0] }
    }
}

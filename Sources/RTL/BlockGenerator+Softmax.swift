import FixedPoint
import NetworkIR
import Scheduling

/// The datapath of the softmax.
extension BlockGenerator {
    func softmax(_ parameters: SoftmaxParameters, _ builder: DatapathBuilder) throws(RTLError) -> [Signal] {
        throw .unsupported(layer: name, field: "class", reason: "not built yet")
    }
}

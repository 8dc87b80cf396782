import FixedPoint
import NetworkIR
import Scheduling

/// The datapaths of the table activations: lookup activations and hard activations.
extension BlockGenerator {
    func lookup(_ activation: LookupActivation, _ builder: DatapathBuilder) throws(RTLError) -> [Signal] {
        throw .unsupported(layer: name, field: "class", reason: "not built yet")
    }

    func hardActivation(_ activation: HardActivation, _ builder: DatapathBuilder) throws(RTLError) -> [Signal] {
        throw .unsupported(layer: name, field: "class", reason: "not built yet")
    }
}

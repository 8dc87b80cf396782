import NetworkIR

/// Why a network and schedule could not be turned into RTL, or the RTL could not be built or run.
public enum RTLError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A name cannot be used as a Verilog identifier.
    case invalidName(layer: String, field: String, name: String)
    /// The schedule does not describe the network (names, counts or step order disagree).
    case scheduleMismatch(layer: String, field: String, reason: String)
    /// Something the generator does not implement.
    case unsupported(layer: String, field: String, reason: String)
    /// The Verilog would be unreasonably large (estimated before anything is generated).
    case tooLarge(layer: String, layerMegabytes: Int, totalMegabytes: Int, limitMegabytes: Int, operations: Int)
    /// The network is not valid (a kind's named type missing or unusable); `Network.validate()` reports it first.
    case invalidNetwork(NetworkError)

    public var description: String {
        switch self {
        case let .invalidNetwork(error):
            return error.description
        case let .invalidName(layer, field, name):
            return "layer '\(layer)', field '\(field)': '\(name)' is not a usable Verilog identifier "
                + "(use letters, digits and '_', starting with a letter, and no Verilog keyword)"
        case let .scheduleMismatch(layer, field, reason):
            return "layer '\(layer)', field '\(field)': the schedule does not match the network: \(reason); "
                + "schedule the network again"
        case let .unsupported(layer, field, reason):
            return "layer '\(layer)', field '\(field)': \(reason)"
        case let .tooLarge(layer, layerMegabytes, totalMegabytes, limit, operations):
            return "layer '\(layer)', field 'ReuseFactor': its RTL would be about \(layerMegabytes) MB of Verilog (\(operations) multipliers and adders), "
                + "the design's about \(totalMegabytes) MB, above the \(limit) MB limit; no file was written. "
                + "Raise the layer's ReuseFactor, make it smaller, or raise the limit (--max-rtl-mb)"
        }
    }
}

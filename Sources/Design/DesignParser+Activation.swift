import Foundation
import NetworkIR

extension DesignParser {
    /// Fields of the table activations (class Activation).
    static let activationFields = ["table_size", "alpha", "slope", "shift"] + softmaxFields.filter { $0 != "table_size" }
    static let softmaxFields = ["implementation", "table_size", "exp_table_size", "inv_table_size", "exp_scale"]
    /// The activations a design names in `activation:` (Activation class, or inline on a Dense).
    static let activationNames = ["relu", "linear"] + LookupFunction.allCases.map(\.rawValue)
        + HardActivation.Function.allCases.map(\.rawValue) + ["softmax"]

    static let softmaxPrecisionKeys = ["result", "accum", "exp_table", "inv_table", "inv_inp", "inp_norm"]

    /// The operation and precision keys of a named activation (nil for linear); `map` holds its fields (nil
    /// when written inline on a Dense, which takes hls4ml's defaults).
    func activationOperation(_ activation: String, map: YAMLMapping?,
                                     cursor: YAMLCursor) throws(DesignError) -> (LayerOperation, [String])? {
        let tableSize = try map?.optional("table_size").map { (c) throws(DesignError) in try powerOfTwo(c) } ?? LookupActivation.defaultTableSize
        if let function = LookupFunction(rawValue: activation) {
            let alpha = try map?.optional("alpha")?.double() ?? 1
            if let alphaCursor = map?.optional("alpha"), function != .elu { throw alphaCursor.invalid("no alpha (only elu has one)") }
            let keys = ["result", "table"] + (function.isNegativeHalf ? ["param"] : [])
            return (.lookup(LookupActivation(function: function, tableSize: tableSize, alpha: alpha)), keys)
        }
        if let function = HardActivation.Function(rawValue: activation) {
            let slope = try map?.optional("slope")?.double() ?? HardActivation.defaultSlope
            let shift = try map?.optional("shift")?.double() ?? HardActivation.defaultShift
            return (.hardActivation(HardActivation(function: function, slope: slope, shift: shift)), ["result", "slope", "shift"])
        }
        switch activation {
        case "relu": return (.relu, ["result"])
        case "linear": return nil
        case "softmax":
            if let map { return (try softmaxOperation(map), DesignParser.softmaxPrecisionKeys) }
            return (.softmax(SoftmaxParameters()), DesignParser.softmaxPrecisionKeys)
        default:
            throw cursor.invalid("one of " + DesignParser.activationNames.joined(separator: ", ") + " (use class LeakyReLU for a leaky ReLU)")
        }
    }

    func softmaxOperation(_ map: YAMLMapping) throws(DesignError) -> LayerOperation {
        var parameters = SoftmaxParameters()
        if let cursor = map.optional("implementation") {
            let text = try cursor.string().lowercased()
            guard let implementation = SoftmaxParameters.Implementation(rawValue: text) else {
                throw cursor.invalid("stable, latency or argmax (hls4ml's legacy softmax is not built)")
            }
            parameters.implementation = implementation
        }
        if let cursor = map.optional("table_size") {
            parameters.expTableSize = try powerOfTwo(cursor)
            parameters.invTableSize = parameters.expTableSize
        }
        if let cursor = map.optional("exp_table_size") { parameters.expTableSize = try powerOfTwo(cursor) }
        if let cursor = map.optional("inv_table_size") { parameters.invTableSize = try powerOfTwo(cursor) }
        if let cursor = map.optional("exp_scale") { parameters.expScale = try cursor.double() }
        return .softmax(parameters)
    }

    /// A table size: a power of two from 2 to 65536 (Pipewright builds power-of-two ROMs).
    func powerOfTwo(_ cursor: YAMLCursor) throws(DesignError) -> Int {
        let value = try cursor.positiveInteger()
        guard value >= 2, value <= 1 << 16, value & (value - 1) == 0 else {
            throw cursor.invalid("a power of two from 2 to 65536 (the table is addressed by index bits)")
        }
        return value
    }
}

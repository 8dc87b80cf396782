import Foundation
import FixedPoint

/// hls4ml's softmax (`nnet_activation.h`, v1.3.0), over the whole vector (axis −1).
///
/// `stable`: x_max by a balanced max tree; d_i = inp_norm_t(x_max − x_i); e_i = accum_t(exp_table[top bits of
/// d_i]) where the table holds exp(−d) at each index's value; the sum of the e_i by a balanced adder tree in
/// accum_t (each partial sum cast to accum_t), cast to inv_inp_t; s = inv_table[top bits of the sum], the table
/// holding 1/v; y_i = result_t(e_i · s). `latency`: the same without the max, the exp table indexed by the
/// top bits of x_i itself and holding exp(x). `argmax`: result_t(1) at the first largest x_i, 0 elsewhere.
public struct SoftmaxParameters: Sendable, Equatable {
    public enum Implementation: String, Sendable, Equatable, CaseIterable {
        case stable, latency, argmax
    }

    public var implementation: Implementation
    public var expTableSize: Int
    public var invTableSize: Int
    /// hls4ml's `exp_scale` (the exp table holds exp(scale · x)).
    public var expScale: Double

    /// hls4ml's default table type for exp, inverse, accum and inv_inp: `ap_fixed<18,8,AP_RND,AP_SAT>`.
    public static let defaultTablePrecision = Precision.fixed(18, 8, .round, .saturate)

    public init(implementation: Implementation = .stable, expTableSize: Int = 1024, invTableSize: Int = 1024, expScale: Double = 1) {
        self.implementation = implementation
        self.expTableSize = expTableSize
        self.invTableSize = invTableSize
        self.expScale = expScale
    }

    /// hls4ml's inp_norm_t for the stable implementation: the input type without its sign bit, unsigned.
    public static func inputNormPrecision(input: Precision) -> Precision {
        let signed = input.isSigned ? 1 : 0
        return .ufixed(input.width - signed, input.integerBits - signed)
    }

    /// hls4ml caps the exp table of the stable implementation at 2^(width − 1) entries for a signed input.
    public static func stableExpTableSize(requested: Int, input: Precision) -> Int {
        guard input.isSigned, input.width - 1 < 62 else { return requested }
        return min(requested, 1 << (input.width - 1))
    }

    /// ⌈log₂ n⌉, the number of top bits that address an n-entry table.
    public static func addressBits(_ n: Int) -> Int {
        n <= 1 ? 0 : Int.bitWidth - (n - 1).leadingZeroBitCount
    }

    /// The top `addressBits(size)` bits of a raw value of `precision`, as an unsigned index.
    public static func index(ofRaw raw: Int64, precision: Precision, size: Int) -> Int {
        let bits = addressBits(size)
        let pattern = UInt64(bitPattern: raw) & (precision.width >= 64 ? UInt64.max : (UInt64(1) << UInt64(precision.width)) - 1)
        return Int(pattern >> UInt64(precision.width - bits))
    }

    /// The value whose top bits are `index` and whose other bits are 0 (hls4ml's softmax_real_val_from_idx).
    public static func value(ofIndex index: Int, precision: Precision, size: Int) -> Float {
        let bits = addressBits(size)
        var raw = Int64(index) << Int64(precision.width - bits)
        if precision.isSigned && precision.width < 64 {
            let unused = Int64(64 - precision.width)
            raw = (raw << unused) >> unused
        }
        return Float(precision.value(ofRaw: raw))
    }

    /// The exp table, raw in exp_table_t, addressed by `address` (inp_norm_t for stable, the input type for latency).
    public func expTable(address: Precision, entry: Precision) -> [Int64] {
        (0..<expTableSize).map { i in
            var x = SoftmaxParameters.value(ofIndex: i, precision: address, size: expTableSize) * Float(expScale)
            if implementation == .stable { x = -x }
            return entry.raw(fromDouble: Double(Foundation.exp(x)))
        }
    }

    /// The inverse table, raw in inv_table_t, addressed by inv_inp_t.
    public func inverseTable(address: Precision, entry: Precision) -> [Int64] {
        (0..<invTableSize).map { i in
            let x = SoftmaxParameters.value(ofIndex: i, precision: address, size: invTableSize)
            return entry.raw(fromDouble: Double(1 / x))
        }
    }

    func validate(layer: Layer) throws(NetworkError) {
        for (field, size) in [("exp_table_size", expTableSize), ("inv_table_size", invTableSize)] where size < 2 || size > 1 << 16 || size & (size - 1) != 0 {
            throw .invalidParameter(layer: layer.name, field: field,
                                    reason: "must be a power of two in 2...65536 (Pipewright builds power-of-two ROMs), got \(size)")
        }
        guard expScale.isFinite else { throw .invalidParameter(layer: layer.name, field: "exp_scale", reason: "must be a finite number") }
    }

    /// Checked when the input precision is known.
    func validate(layer: Layer, input: Precision) throws(NetworkError) {
        if implementation == .latency {
            guard SoftmaxParameters.addressBits(expTableSize) <= input.width else {
                throw .invalidPrecision(layer: layer.name, field: "input",
                    reason: "the latency softmax addresses its \(expTableSize)-entry exp table with the input's top bits; \(input) has \(input.width)")
            }
        }
    }
}

/// A table softmax's accum_t, its tables' entry types (exp_table_t, inv_table_t), the type whose top bits address
/// the inverse table (inv_inp_t) and, for `stable`, the type of x − max(x) that addresses the exp table
/// (inp_norm_t; `latency` addresses it with the input itself).
public struct SoftmaxPrecision: Sendable, Equatable {
    public let accumulator: Precision
    public let expTable: Precision
    public let invTable: Precision
    public let invInput: Precision
    /// `stable` only.
    public let inputNorm: Precision?

    public init(accumulator: Precision, expTable: Precision, invTable: Precision, invInput: Precision, inputNorm: Precision?) {
        self.accumulator = accumulator
        self.expTable = expTable
        self.invTable = invTable
        self.invInput = invInput
        self.inputNorm = inputNorm
    }

    /// nil for `argmax`, which reads no table.
    static func resolve(_ layer: Layer, _ parameters: SoftmaxParameters) throws(NetworkError) -> SoftmaxPrecision? {
        guard parameters.implementation != .argmax else { return nil }
        let precision = SoftmaxPrecision(
            accumulator: try layer.requiredPrecision("accum"), expTable: try layer.requiredPrecision("exp_table"),
            invTable: try layer.requiredPrecision("inv_table"), invInput: try layer.requiredPrecision("inv_inp"),
            inputNorm: parameters.implementation == .stable ? try layer.requiredPrecision("inp_norm") : nil)
        let addresses: [(String, Precision?, Int)] = [("inv_inp", precision.invInput, parameters.invTableSize),
                                                      ("inp_norm", precision.inputNorm, parameters.expTableSize)]
        for case let (field, address?, size) in addresses where SoftmaxParameters.addressBits(size) > address.width {
            throw .invalidPrecision(layer: layer.name, field: field,
                reason: "its top \(SoftmaxParameters.addressBits(size)) bits address a \(size)-entry table, but \(address) has \(address.width)")
        }
        return precision
    }

    /// The type whose top bits address the exp table: inp_norm_t (`stable`), else the input's.
    public func expAddress(input: Precision) -> Precision { inputNorm ?? input }

    var namedTypes: [(name: String, precision: Precision)] {
        [("accum", accumulator), ("exp_table", expTable)] + (inputNorm.map { [("inp_norm", $0)] } ?? [])
            + [("inv_inp", invInput), ("inv_table", invTable)]
    }
}

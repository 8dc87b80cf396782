import Foundation
import FixedPoint

/// The functions hls4ml's `nnet_activation.h` evaluates through a lookup table.
public enum LookupFunction: String, Sendable, Equatable, CaseIterable {
    case sigmoid, tanh, softplus, softsign, elu, selu

    /// The hls4ml / Keras name.
    public var kindName: String {
        switch self {
        case .sigmoid: return "Sigmoid"
        case .tanh: return "TanH"
        case .softplus: return "Softplus"
        case .softsign: return "Softsign"
        case .elu: return "ELU"
        case .selu: return "SELU"
        }
    }

    /// ELU and SELU pass x ≥ 0 through a product (α·x is not used: ELU gives x, SELU λ·x) and look only
    /// x < 0 up, over [−8, 0]; the others look every x up over a range symmetric about 0.
    public var isNegativeHalf: Bool { self == .elu || self == .selu }

    /// The table covers [−range, range) (negative-half functions: [−range, 0]).
    public var range: Int {
        switch self {
        case .tanh: return 4
        case .elu, .selu: return 8
        case .sigmoid, .softplus, .softsign: return 8
        }
    }

    /// The function as hls4ml computes each table entry, in the C++ types it uses: `Float` where the
    /// function is `float(float)`, promoted to `double` where the expression mixes in a double literal.
    public func tableValue(_ x: Float) -> Double {
        switch self {
        case .sigmoid:
            // 1.0 / (1 + std::exp(-x)): float exp, float sum, double division, returned as float.
            return Double(Float(1.0 / Double(1 + Foundation.exp(-x))))
        case .tanh:
            // init_tanh_table calls the global tanh(double) (nnet::tanh is declared after it).
            return Foundation.tanh(Double(x))
        case .softplus:
            return Double(Float(Foundation.log(Double(Foundation.exp(x)) + 1.0)))
        case .softsign:
            return Double(Float(Double(x) / (Double(abs(x)) + 1.0)))
        case .elu:
            return Double(Float(Double(Foundation.exp(x)) - 1.0))
        case .selu:
            return Double(Float(1.0507009873554804934193349852946 * (1.6732632423543772848170429916717 * (Double(Foundation.exp(x)) - 1.0))))
        }
    }

    /// The function in double precision, for the float reference.
    public func exactValue(_ x: Double, alpha: Double) -> Double {
        switch self {
        case .sigmoid: return 1 / (1 + Foundation.exp(-x))
        case .tanh: return Foundation.tanh(x)
        case .softplus: return Foundation.log1p(Foundation.exp(x))
        case .softsign: return x / (abs(x) + 1)
        case .elu: return x >= 0 ? x : alpha * Foundation.expm1(x)
        case .selu: return LookupActivation.seluLambda * (x >= 0 ? x : 1.6732632423543772 * Foundation.expm1(x))
        }
    }

    /// The x of table entry `i` of `size`, as hls4ml's init_*_table computes it (a float).
    public func tableInput(_ i: Int, size: Int) -> Float {
        if isNegativeHalf { return Float(-Double(range) * Double(i) / Double(Float(size))) }
        return Float(2 * Double(range) * (Double(i) - Double(Float(size)) / 2.0) / Double(Float(size)))
    }
}

/// A lookup-table activation: `table_size` entries of `table_t`, indexed as hls4ml indexes them.
///
/// Symmetric functions: `index = int(x · N / (2R)) + (R·N) / (2R)` (toward zero, as `ap_fixed` → `int`),
/// clamped to [0, N−1], result `result_t(table[index])`. ELU: x ≥ 0 gives `result_t(x)`, x < 0 gives
/// `result_t(α · table[min(int(x · N / −8), N−1)])` with α in param_t. SELU: x ≥ 0 gives `result_t(λ · x)`
/// with λ = 1.0507… in param_t (hls4ml: `ap_ufixed<16,1>` in io_parallel, the input type in io_stream),
/// x < 0 the table entry.
public struct LookupActivation: Sendable, Equatable {
    public var function: LookupFunction
    public var tableSize: Int
    /// ELU's α (1 otherwise).
    public var alpha: Double

    /// hls4ml's default table size.
    public static let defaultTableSize = 1024
    /// hls4ml's default table_t, `ap_fixed<18,8>`.
    public static let defaultTablePrecision = Precision.fixed(18, 8)
    /// SELU's λ.
    public static let seluLambda = 1.0507009873554805
    /// hls4ml's io_parallel type for SELU's λ.
    public static let seluLambdaPrecision = Precision.ufixed(16, 1)

    public init(function: LookupFunction, tableSize: Int = LookupActivation.defaultTableSize, alpha: Double = 1) {
        self.function = function
        self.tableSize = tableSize
        self.alpha = alpha
    }

    /// The table's raw entries in `precision` (table_t).
    public func table(in precision: Precision) -> [Int64] {
        (0..<tableSize).map { precision.raw(fromDouble: function.tableValue(function.tableInput($0, size: tableSize))) }
    }

    /// The constant added to the scaled input: `R·N / (2R)` in C++ integer arithmetic (0 for ELU/SELU).
    var indexOffset: Int { function.isNegativeHalf ? 0 : (function.range * tableSize) / (2 * function.range) }

    /// The divisor of `x · N`: 2R (16 or 8); ELU/SELU divide by −8.
    var indexDivisor: Int { function.isNegativeHalf ? -function.range : 2 * function.range }

    /// hls4ml's index into a table over [−R, R): `int(x·N/2R) + (R·N)/(2R)`, toward zero, clamped to [0, N−1].
    public static func symmetricIndex(ofRaw raw: Int64, fractionalBits: Int, tableSize: Int, range: Int) -> Int {
        index(ofRaw: raw, fractionalBits: fractionalBits, tableSize: tableSize, divisor: 2 * range,
              offset: (range * tableSize) / (2 * range))
    }

    /// The table index of raw input `raw` (fractional bits `fraction`): `int(x·N/d) + offset`, clamped.
    public func index(ofRaw raw: Int64, fractionalBits fraction: Int) -> Int {
        LookupActivation.index(ofRaw: raw, fractionalBits: fraction, tableSize: tableSize, divisor: indexDivisor, offset: indexOffset)
    }

    /// `int(x·N/divisor) + offset`, clamped to [0, N−1]. x·N/d is truncated toward zero: the ap_fixed division keeps
    /// x's fractional bits and truncates toward zero, and the conversion to int truncates toward zero again, which
    /// composes to one truncation of the exact quotient.
    static func index(ofRaw raw: Int64, fractionalBits fraction: Int, tableSize: Int, divisor: Int, offset: Int) -> Int {
        var numerator = Int128(raw) * Int128(tableSize)
        var denominator = Int128(divisor)
        if fraction >= 0 { denominator <<= fraction } else { numerator <<= -fraction }
        let index = numerator / denominator + Int128(offset)
        return Int(max(0, min(Int128(tableSize - 1), index)))
    }

    /// The largest |x·N/d| the input type reaches: hls4ml computes the index in a C++ `int`, so a wider range
    /// would wrap there; Pipewright refuses it instead.
    static func indexFitsInt32(input: Precision, tableSize: Int, divisor: Int) -> Bool {
        let magnitude = max(input.maxRaw.magnitude, input.minRaw.magnitude)
        let fraction = input.fractionalBits
        var numerator = Int128(magnitude) * Int128(tableSize)
        var denominator = Int128(abs(divisor))
        if fraction >= 0 { denominator <<= fraction } else { numerator <<= -fraction }
        return numerator / denominator + Int128(tableSize) < Int128(Int32.max)
    }

    func validate(layer: Layer) throws(NetworkError) {
        guard tableSize >= 2 && tableSize <= 1 << 16 && tableSize & (tableSize - 1) == 0 else {
            throw .invalidParameter(layer: layer.name, field: "table_size",
                                    reason: "must be a power of two in 2...65536 (Pipewright builds power-of-two ROMs), got \(tableSize)")
        }
        guard alpha.isFinite else { throw .invalidParameter(layer: layer.name, field: "alpha", reason: "must be a finite number") }
    }

    /// Checked when the input precision is known (network validation).
    func validate(layer: Layer, input: Precision) throws(NetworkError) {
        guard LookupActivation.indexFitsInt32(input: input, tableSize: tableSize, divisor: indexDivisor) else {
            throw .invalidPrecision(layer: layer.name, field: "input",
                reason: "hls4ml computes the table index x·\(tableSize)/\(abs(indexDivisor)) in a C++ int; the input \(input) reaches beyond 2^31 there")
        }
    }
}

/// hls4ml's HardActivation: `v = slope·x + shift` (exact), clipped to [0, 1]; hard sigmoid gives `result_t(v)`,
/// hard tanh `result_t(2v − 1)`. slope in slope_t (`ap_ufixed<16,0>`), shift in shift_t (`ap_ufixed<2,0>`).
public struct HardActivation: Sendable, Equatable {
    public enum Function: String, Sendable, Equatable, CaseIterable {
        case hardSigmoid = "hard_sigmoid", hardTanh = "hard_tanh"

        public var kindName: String { self == .hardSigmoid ? "HardSigmoid" : "HardTanh" }
    }

    public var function: Function
    public var slope: Double
    public var shift: Double

    /// Keras 2's hard_sigmoid, which hls4ml uses for every hard activation it converts from Keras.
    public static let defaultSlope = 0.2
    public static let defaultShift = 0.5
    public static let defaultSlopePrecision = Precision.ufixed(16, 0)
    public static let defaultShiftPrecision = Precision.ufixed(2, 0)

    public init(function: Function, slope: Double = HardActivation.defaultSlope, shift: Double = HardActivation.defaultShift) {
        self.function = function
        self.slope = slope
        self.shift = shift
    }

    func validate(layer: Layer) throws(NetworkError) {
        guard slope.isFinite else { throw .invalidParameter(layer: layer.name, field: "slope", reason: "must be a finite number") }
        guard shift.isFinite else { throw .invalidParameter(layer: layer.name, field: "shift", reason: "must be a finite number") }
    }
}

/// A lookup activation's table_t, and param_t for the kinds that scale by a constant (ELU α, SELU λ).
public struct LookupPrecision: Sendable, Equatable {
    public let table: Precision
    /// ELU's α or SELU's λ in param_t; nil for the kinds that have none.
    public let parameter: Precision?

    public init(table: Precision, parameter: Precision?) {
        self.table = table
        self.parameter = parameter
    }

    init(of layer: Layer, _ activation: LookupActivation) throws(NetworkError) {
        let function = activation.function
        self.init(table: try layer.requiredPrecision("table"),
                  parameter: function.isNegativeHalf ? try layer.requiredPrecision("param", function == .elu ? "α" : "λ") : nil)
    }

    var namedTypes: [(name: String, precision: Precision)] {
        (parameter.map { [("param", $0)] } ?? []) + [("table", table)]
    }
}

/// A hard activation's slope_t and shift_t.
public struct HardActivationPrecision: Sendable, Equatable {
    public let slope: Precision
    public let shift: Precision

    public init(slope: Precision, shift: Precision) {
        self.slope = slope
        self.shift = shift
    }

    init(of layer: Layer) throws(NetworkError) {
        self.init(slope: try layer.requiredPrecision("slope"), shift: try layer.requiredPrecision("shift"))
    }
}

import Foundation

/// A fixed-point number format, as `ap_fixed<W,I,Q,O>` (signed) or `ap_ufixed<W,I,Q,O>` (unsigned).
///
/// A raw value `r` (the integer held by the `W` bits) stands for `r · 2^(I − W)`. Integers are the
/// special case `I == W`. Widths from 1 to 64 bits are supported for signed formats and 1 to 63 for
/// unsigned ones, so that every raw value fits an `Int64`; intermediate results are exact in `Int128`.
/// Integer bits are limited to ±``integerBitsLimit``, which keeps the type arithmetic (sums, products,
/// `auto` inference) far from `Int` overflow, every LSB weight an exact `Double` and every value finite.
public struct Precision: Hashable, Sendable, CustomStringConvertible {
    /// Total number of bits (`W`).
    public var width: Int
    /// Integer bits including the sign bit (`I`); may be negative or larger than `W`.
    public var integerBits: Int
    /// Two's complement when true.
    public var isSigned: Bool
    /// Rounding applied when fractional bits are dropped.
    public var quantization: QuantizationMode
    /// Handling of values that do not fit.
    public var overflow: OverflowMode

    /// The largest supported width of a signed format.
    public static let maximumWidth = 64

    /// The largest supported magnitude of the integer bits `I`. With `|I| ≤ 1000` and `W ≤ 64` the LSB
    /// weight `2^(I − W)` lies between 2^−1064 and 2^999 (exact `Double`s) and no value exceeds 2^1000 in
    /// magnitude, and no type arithmetic on valid precisions comes near `Int` overflow.
    public static let integerBitsLimit = 1000

    /// Creates a precision; see `validate()` for the accepted ranges.
    public init(width: Int, integerBits: Int, isSigned: Bool = true,
                quantization: QuantizationMode = .truncate, overflow: OverflowMode = .wrap) {
        self.width = width
        self.integerBits = integerBits
        self.isSigned = isSigned
        self.quantization = quantization
        self.overflow = overflow
    }

    /// `ap_fixed<W,I,Q,O>`.
    public static func fixed(_ width: Int, _ integerBits: Int, _ quantization: QuantizationMode = .truncate,
                             _ overflow: OverflowMode = .wrap) -> Precision {
        Precision(width: width, integerBits: integerBits, isSigned: true, quantization: quantization, overflow: overflow)
    }

    /// `ap_ufixed<W,I,Q,O>`.
    public static func ufixed(_ width: Int, _ integerBits: Int, _ quantization: QuantizationMode = .truncate,
                              _ overflow: OverflowMode = .wrap) -> Precision {
        Precision(width: width, integerBits: integerBits, isSigned: false, quantization: quantization, overflow: overflow)
    }

    /// `ap_int<W>`.
    public static func int(_ width: Int) -> Precision { .fixed(width, width) }
    /// `ap_uint<W>`.
    public static func uint(_ width: Int) -> Precision { .ufixed(width, width) }

    /// Number of fractional bits, `W − I` (negative when the LSB weighs more than 1).
    public var fractionalBits: Int { width - integerBits }

    /// True for `ap_int` / `ap_uint` (no fractional bits, default modes).
    public var isInteger: Bool { integerBits == width }

    /// The smallest raw value.
    public var minRaw: Int64 { isSigned ? (width == 64 ? Int64.min : -(Int64(1) << (width - 1))) : 0 }

    /// The largest raw value.
    public var maxRaw: Int64 {
        if isSigned { return width == 64 ? Int64.max : (Int64(1) << (width - 1)) - 1 }
        return width >= 63 ? Int64.max : (Int64(1) << width) - 1   // 2^63 − 1 would overflow the shift
    }

    /// The weight of one LSB as a `Double` (`2^−F`).
    public var lsb: Double { Foundation.pow(2.0, Double(-fractionalBits)) }

    /// The real value that a raw value stands for.
    public func value(ofRaw raw: Int64) -> Double { Double(raw) * lsb }

    /// Checks the width and the integer bits against the supported ranges (no arithmetic on either, so
    /// any value, `Int.min` included, gets an error rather than a trap).
    public func validate() throws(PrecisionError) {
        let limit = isSigned ? Precision.maximumWidth : Precision.maximumWidth - 1
        guard width >= 1, width <= limit else {
            throw .unsupportedWidth(text: description, width: width, limit: limit)
        }
        guard integerBits >= -Precision.integerBitsLimit, integerBits <= Precision.integerBitsLimit else {
            throw .unsupportedIntegerBits(text: description, integerBits: integerBits, limit: Precision.integerBitsLimit)
        }
    }

    /// The hls4ml / Xilinx spelling, with modes only when they are not the defaults: `ap_fixed<16,6>`,
    /// `ap_ufixed<8,3,AP_RND_CONV,AP_SAT>`, `ap_int<8>`.
    public var description: String {
        let defaults = quantization == .truncate && overflow == .wrap
        if isInteger && defaults { return isSigned ? "ap_int<\(width)>" : "ap_uint<\(width)>" }
        var text = (isSigned ? "ap_fixed<" : "ap_ufixed<") + "\(width),\(integerBits)"
        if !defaults {
            text += ",\(quantization.rawValue)"
            if overflow != .wrap { text += ",\(overflow.rawValue)" }
        }
        return text + ">"
    }
}

/// Why a precision string or value could not be used.
public enum PrecisionError: Error, Equatable, Sendable, CustomStringConvertible {
    case malformed(text: String, reason: String)
    case unsupportedWidth(text: String, width: Int, limit: Int)
    case unsupportedIntegerBits(text: String, integerBits: Int, limit: Int)

    public var description: String {
        switch self {
        case let .malformed(text, reason):
            return "invalid precision '\(text)': \(reason)"
        case let .unsupportedWidth(text, width, limit):
            return "invalid precision '\(text)': width \(width) is outside the supported range 1...\(limit)"
        case let .unsupportedIntegerBits(text, integerBits, limit):
            return "invalid precision '\(text)': integer bits \(integerBits) are outside the supported range -\(limit)...\(limit)"
        }
    }
}

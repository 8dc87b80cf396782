import FixedPoint
import Foundation

/// A QKeras quantizer as a model's config describes it (`quantized_bits`, `quantized_relu`), with the
/// hls4ml type it maps to and QKeras' own float32 rounding.
public struct QKerasQuantizer: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        case bits = "quantized_bits"
        case relu = "quantized_relu"
    }

    public var kind: Kind
    public var bits: Int
    public var integer: Int
    public var keepNegative: Bool
    public var symmetric: Bool
    public var negativeSlope: Double

    public init(kind: Kind, bits: Int, integer: Int, keepNegative: Bool = true, symmetric: Bool = false,
                negativeSlope: Double = 0) {
        self.kind = kind
        self.bits = bits
        self.integer = integer
        self.keepNegative = keepNegative
        self.symmetric = symmetric
        self.negativeSlope = negativeSlope
    }

    /// hls4ml's `QKerasQuantizer.hls_type` for weights (`quantized_bits(b,i)` → `ap_fixed<b,i+1>`, no modes;
    /// b == i → `ap_int<b>`).
    public var weightType: Precision {
        bits == integer ? .int(bits) : .fixed(bits, integer + 1)
    }

    /// The result type `config_from_keras_model` gives a QActivation (`_get_precision_from_quantizer`):
    /// AP_RND_CONV and AP_SAT; quantized_relu without slope is unsigned with `integer` integer bits,
    /// quantized_bits signed with `integer + 1`. Without fractional bits the type is an integer (which wraps).
    public var activationType: Precision {
        var integerBits = integer + 1
        var signed = true
        if kind == .relu, negativeSlope == 0 {
            signed = false
            integerBits -= 1
        }
        if bits - integerBits > 0 {
            return Precision(width: bits, integerBits: integerBits, isSigned: signed,
                             quantization: .roundConvergent, overflow: .saturate)
        }
        return Precision(width: bits, integerBits: bits, isSigned: signed)
    }

    /// QKeras' float32 `quantized_bits`: m = 2^(bits − keep_negative), m_i = 2^integer,
    /// xq = m_i·clip(round_half_even(x·m/m_i), −m + symmetric (0 if unsigned), m − 1)/m. (alpha = 1 only.)
    public func quantize(_ x: Float) -> Float {
        let m = Float(sign: .plus, exponent: bits - (keepNegative ? 1 : 0), significand: 1)
        let mi = Float(sign: .plus, exponent: integer, significand: 1)
        let scaled = (x * m / mi).rounded(.toNearestOrEven)
        let low = keepNegative ? -m + (symmetric ? 1 : 0) : 0
        let clipped = min(max(scaled, low), m - 1)
        return mi * clipped / m
    }

    /// The config dictionary key text, for messages: `quantized_bits(8,0)`.
    public var summary: String { "\(kind.rawValue)(\(bits),\(integer))" }
}

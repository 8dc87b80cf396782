import FixedPoint
import Foundation

/// A QKeras quantizer as a model's config describes it (`quantized_bits`, `quantized_relu`, and as a
/// QActivation `quantized_tanh`, `quantized_sigmoid`), with the hls4ml type it maps to and QKeras' own
/// float32 rounding.
public struct QKerasQuantizer: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        case bits = "quantized_bits"
        case relu = "quantized_relu"
        case tanh = "quantized_tanh"
        case sigmoid = "quantized_sigmoid"

        /// quantized_tanh and quantized_sigmoid are activations only (not weight quantizers).
        public var isActivationOnly: Bool { self == .tanh || self == .sigmoid }
    }

    public var kind: Kind
    public var bits: Int
    public var integer: Int
    public var keepNegative: Bool
    public var symmetric: Bool
    public var negativeSlope: Double
    /// quantized_tanh's `use_real_tanh` / quantized_sigmoid's `use_real_sigmoid`: hls4ml then uses the table
    /// tanh / sigmoid instead of a hard activation.
    public var usesRealFunction: Bool

    public init(kind: Kind, bits: Int, integer: Int, keepNegative: Bool = true, symmetric: Bool = false,
                negativeSlope: Double = 0, usesRealFunction: Bool = false) {
        self.kind = kind
        self.bits = bits
        self.integer = integer
        self.keepNegative = keepNegative
        self.symmetric = symmetric
        self.negativeSlope = negativeSlope
        self.usesRealFunction = usesRealFunction
    }

    /// hls4ml's `QKerasQuantizer.hls_type` for weights (`quantized_bits(b,i)` → `ap_fixed<b,i+1>`, no modes;
    /// b == i → `ap_int<b>`).
    public var weightType: Precision {
        bits == integer ? .int(bits) : .fixed(bits, integer + 1)
    }

    /// The result type `config_from_keras_model` gives a QActivation (`_get_precision_from_quantizer`):
    /// AP_RND_CONV and AP_SAT; quantized_relu without slope is unsigned with `integer` integer bits,
    /// quantized_bits signed with `integer + 1`, quantized_tanh signed with 1 integer bit (AP_SAT_SYM when
    /// symmetric), quantized_sigmoid unsigned with 0. Without fractional bits the type is an integer (which wraps).
    public var activationType: Precision {
        var integerBits = integer + 1
        var signed = true
        var overflow = OverflowMode.saturate
        switch kind {
        case .relu where negativeSlope == 0:
            signed = false
            integerBits -= 1
        case .tanh:
            integerBits = 1
            if symmetric { overflow = .saturateSymmetric }
        case .sigmoid:
            integerBits = 0
            signed = false
        default:
            break
        }
        if bits - integerBits > 0 {
            return Precision(width: bits, integerBits: integerBits, isSigned: signed,
                             quantization: .roundConvergent, overflow: overflow)
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

/// A quantizer of a QKeras `QBatchNormalization` (`mean_quantizer`, `variance_quantizer`, `beta_quantizer`,
/// `gamma_quantizer`, `inverse_quantizer`), as its config describes it.
///
/// hls4ml 1.3 (`converters/keras/qkeras.py` parse_qbatchnorm_layer) wraps the first four in its
/// `QKerasQuantizer` and stores them as layer attributes that nothing reads except `config_from_keras_model`,
/// which turns each into a precision key (`mean`, `variance`, `beta`, `gamma`) holding `str(hls_type)`. The
/// BatchNormalization layer (`model/layers.py`) computes its scale and bias from the unquantized weights, and
/// `scale_t`, `bias_t` and `result_t` stay `auto`; `inverse_quantizer` is not read at all. QKeras itself does
/// apply them at inference, so a non-compatible import applies them (quantized_bits only).
public struct QKerasBatchNormQuantizer: Sendable, Equatable {
    /// The QBatchNormalization config key: `gamma_quantizer`, …
    public var role: String
    /// The quantizer class, e.g. `quantized_bits`, `quantized_po2`.
    public var className: String
    /// `bits` and `integer` of the config (integer defaults to 0, as in QKeras and hls4ml).
    public var bits: Int?
    public var integer: Int
    /// QKeras' quantized_bits rounding, when this is a deterministic quantized_bits with alpha 1 or None.
    public var quantizedBits: QKerasQuantizer?

    /// The QKeras quantizer classes hls4ml 1.3's QBatchNormalization handling accepts (quantized_bits with its
    /// own type, ternary/binary with int<2>/uint<1>, the others with the fixed<16,6> fallback).
    public static let acceptedClasses = ["quantized_bits", "quantized_po2", "quantized_relu_po2", "quantized_relu",
                                         "ternary", "stochastic_ternary", "binary", "stochastic_binary"]

    public init(role: String, className: String, bits: Int?, integer: Int, quantizedBits: QKerasQuantizer?) {
        self.role = role
        self.className = className
        self.bits = bits
        self.integer = integer
        self.quantizedBits = quantizedBits
    }

    /// hls4ml's config key (`gamma` for `gamma_quantizer`), nil for `inverse_quantizer` (never read by hls4ml).
    public var configKey: String? {
        role == "inverse_quantizer" ? nil : String(role.dropLast("_quantizer".count))
    }

    /// `QKerasQuantizer(config).hls_type` in hls4ml 1.3 (`model/quantizers.py`): quantized_bits(b,i) →
    /// fixed<b,i+1> (b == i: int<b>, or uint<1> for b == 1); *ternary* → int<2>; *binary* → uint<1> (Xnor);
    /// anything else prints "Unsupported quantizer" and gets fixed<16,6>.
    public var hls4mlType: Precision {
        if className == "quantized_bits", let bits {
            if bits == integer { return bits == 1 ? .uint(1) : .int(bits) }
            return .fixed(bits, integer + 1)
        }
        if className.contains("ternary") { return .int(2) }
        if className.contains("binary") { return .uint(1) }
        return .fixed(16, 6)
    }

    /// `gamma_quantizer=quantized_bits(8,2)`, for messages.
    public var summary: String {
        "\(role)=\(className)" + (bits.map { "(\($0),\(integer))" } ?? "")
    }
}

import Foundation
import FixedPoint
import NetworkIR

/// hls4ml 1.3's `infer_precision` rules for `auto` precisions (`model/optimizer/passes/infer_precision.py`),
/// plus Pipewright's rule for the squared-norm score block. All results use the default modes (TRN, WRAP);
/// hls4ml writes them as `ap_fixed`/`ap_ufixed` by signedness.
///
/// The rules never trap: on validated operands (`Precision.validate()`: W ≤ 64, |I| ≤ 1000) no sum comes
/// near `Int`'s range, and on any other operands the arithmetic saturates at `Int.min`/`Int.max`, giving a
/// precision that `validate()` (run on every network) rejects with a message instead of a crash.
public enum PrecisionInference {
    /// `a + b`, saturated to `Int`'s range.
    static func add(_ a: Int, _ b: Int) -> Int {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? (b > 0 ? .max : .min) : sum
    }

    /// `a − b`, saturated to `Int`'s range.
    static func subtract(_ a: Int, _ b: Int) -> Int {
        let (difference, overflow) = a.subtractingReportingOverflow(b)
        return overflow ? (b < 0 ? .max : .min) : difference
    }

    /// ceil(log2 n) for n ≥ 1 (0 for n = 1), without floating point.
    public static func ceilLog2(_ n: Int) -> Int {
        guard n > 1 else { return 0 }
        return Int.bitWidth - (n - 1).leadingZeroBitCount
    }

    /// Dense accum_t and result_t for `auto`:
    /// L = ceil(log2 n_in); W = Ww+Wi+L, I = Iw+Ii+L, s = sw ∨ si, F = W − I; then the bias step (always,
    /// even for zero biases) I = max(I + (sb ∧ ¬s), Ib + (s ∧ ¬sb)) + 1, W = I + max(F, Wb − Ib), signed if any of weight, input, bias is.
    public static func denseAccumulator(input: Precision, weight: Precision, bias: Precision, inputSize: Int) -> Precision {
        let terms = ceilLog2(inputSize)
        let width = add(add(weight.width, input.width), terms)
        var integerBits = add(add(weight.integerBits, input.integerBits), terms)
        let signed = weight.isSigned || input.isSigned
        let fraction = subtract(width, integerBits)
        integerBits = add(max(add(integerBits, bias.isSigned && !signed ? 1 : 0),
                              add(bias.integerBits, signed && !bias.isSigned ? 1 : 0)), 1)
        return Precision(width: add(integerBits, max(fraction, subtract(bias.width, bias.integerBits))),
                         integerBits: integerBits, isSigned: signed || bias.isSigned)
    }

    /// BatchNormalization result_t for `auto`: Ws = Wi + Wscale, Is = Ii + Iscale;
    /// I = max(Is + (sb ∧ ¬ss), Ib + (ss ∧ ¬sb)) + 1, W = I + max(Ws − Is, Fb), signed if any of input, scale, bias is.
    public static func batchNormResult(input: Precision, scale: Precision, bias: Precision) -> Precision {
        let productWidth = add(input.width, scale.width)
        let productInteger = add(input.integerBits, scale.integerBits)
        let signed = input.isSigned || scale.isSigned
        let integerBits = add(max(add(productInteger, bias.isSigned && !signed ? 1 : 0),
                                  add(bias.integerBits, signed && !bias.isSigned ? 1 : 0)), 1)
        let fraction = max(subtract(productWidth, productInteger), subtract(bias.width, bias.integerBits))
        return Precision(width: add(integerBits, fraction), integerBits: integerBits, isSigned: signed || bias.isSigned)
    }

    /// param_t of a constant (LeakyReLU α) for `auto`: (k, i, f) = minimal_kif(α) as in hls4ml's
    /// `utils/qinterval.py` (f the smallest in −31…32 with α·2^f an integer, else 32;
    /// i = ceil(log2(max(α + 2^−f, −α))); k = α < 0), then W = min(k+i+f, k+8), I = k+i.
    /// α = 0.3 gives `ap_ufixed<8,-1>`, α = 0.1 gives `ap_ufixed<8,-3>`.
    public static func constant(_ value: Double) -> Precision {
        guard value != 0, value.isFinite else { return .ufixed(1, 0) }
        var fraction = 32
        for candidate in -31...32 {
            let scaled = value * Foundation.pow(2.0, Double(candidate))
            if scaled == scaled.rounded(.towardZero) { fraction = candidate; break }
        }
        let magnitude = max(value + Foundation.pow(2.0, Double(-fraction)), -value)
        let integer = Int(Foundation.log2(magnitude).rounded(.up))
        let sign = value < 0 ? 1 : 0
        let width = max(1, min(sign + integer + fraction, sign + 8))
        return Precision(width: width, integerBits: sign + integer, isSigned: sign == 1)
    }

    /// Full-precision accumulator of Σ x_i² over n inputs: W = 2·W_in + ceil(log2 n),
    /// I = 2·I_in + ceil(log2 n), signed like the input.
    public static func squaredNormAccumulator(input: Precision, inputSize: Int) -> Precision {
        let terms = ceilLog2(inputSize)
        return Precision(width: add(add(input.width, input.width), terms),
                         integerBits: add(add(input.integerBits, input.integerBits), terms), isSigned: input.isSigned)
    }

    /// Merge result_t for `auto` (`_infer_merge_precision` and `_infer_cat_precision`):
    /// - Add, Subtract, Average: I = max(I1 + (s2 ∧ ¬s1), I2 + (s1 ∧ ¬s2)) + 1, W = I + max(F1, F2), signed if
    ///   either is (Subtract always);
    /// - Multiply: W = W1 + W2, I = I1 + I2;
    /// - Maximum, Minimum, Concatenate: the input type when both are equal, else I = max of the integer bits
    ///   (+1 for an unsigned input when the result is signed), W = I + max(F1, F2); Concatenate also keeps the
    ///   first non-default rounding and saturation modes.
    public static func merge(_ merge: MergeOperation, _ a: Precision, _ b: Precision) -> Precision {
        let signed = a.isSigned || b.isSigned
        switch merge {
        case .add, .subtract, .average:
            let integer = max(a.integerBits + (b.isSigned && !a.isSigned ? 1 : 0), b.integerBits + (a.isSigned && !b.isSigned ? 1 : 0)) + 1
            return Precision(width: integer + max(a.fractionalBits, b.fractionalBits), integerBits: integer,
                             isSigned: signed || merge == .subtract)
        case .multiply:
            return Precision(width: a.width + b.width, integerBits: a.integerBits + b.integerBits, isSigned: signed)
        case .maximum, .minimum, .concatenate:
            if a == b { return a }
            let integer = max(a.integerBits + (signed && !a.isSigned ? 1 : 0), b.integerBits + (signed && !b.isSigned ? 1 : 0))
            var result = Precision(width: integer + max(a.fractionalBits, b.fractionalBits), integerBits: integer, isSigned: signed)
            if merge == .concatenate {
                result.quantization = a.quantization != .truncate ? a.quantization : b.quantization
                result.overflow = a.overflow != .wrap ? a.overflow : b.overflow
            }
            return result
        }
    }

    /// The KL-divergence accumulator that loses nothing: one term's exact type (e + μ² − l − 1) grown by
    /// ⌈log₂ n⌉ bits for the sum of n terms.
    public static func klAccumulator(mean: Precision, logVariance: Precision, table: Precision, terms: Int) -> Precision {
        let term = KLDivergenceParameters.termPrecision(mean: mean, logVariance: logVariance, table: table)
        let growth = Precision.accumulationGrowth(terms: terms)
        return Precision(width: min(term.width + growth, Precision.maximumWidth), integerBits: term.integerBits + growth, isSigned: true)
    }

    /// Pooling accum_t for `auto` (`_infer_pooling_precision`): Max → the input type; Average → e = ceil(log2(pool
    /// height · pool width)), W = Wi + 2e, I = Ii + e, signed like the input (TRN, WRAP).
    public static func poolingAccumulator(_ operation: PoolingOperation, input: Precision, windowSize: Int) -> Precision {
        guard operation == .average else { return input }
        let extra = ceilLog2(windowSize)
        return Precision(width: add(input.width, 2 * extra), integerBits: add(input.integerBits, extra), isSigned: input.isSigned)
    }
}

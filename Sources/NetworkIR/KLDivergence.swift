import Foundation
import FixedPoint

/// The KL-divergence anomaly score of a VAE encoder, D_KL = ½ Σ_i (exp(log σ²_i) + μ_i² − log σ²_i − 1), as one
/// block reading the μ head (first input) and the log σ² head (second input), n values each.
///
/// Arithmetic: exp(log σ²) is a table of `tableSize` entries over [−8, 8) in table_t, indexed as hls4ml indexes
/// its symmetric activation tables (`int(x·N/16) + N/2`, toward zero, clamped), each entry exp(x) computed in
/// float as hls4ml's `exp_fcn_float`. Each term e_i + μ_i² − l_i − 1 is exact, cast to accum_t; the terms are
/// summed in accum_t (AP_WRAP, so the order does not matter); the result is `result_t(sum / 2)`, the halving exact.
///
/// hls4ml's own KL layer (`contrib/kl_layer`, v1.3.0) computes the same terms but averages them (× 1/n) instead of
/// summing, indexes its table with `floor` of the scaled value, and keeps float accumulators by default; this block
/// follows the formula trigger VAEs use for their score (the sum) and keeps every step in fixed point.
public struct KLDivergenceParameters: Sendable, Equatable {
    public var tableSize: Int
    /// 2: μ and log σ² are two tensors of n values (`inputs: [mu, logvar]`); 1: one tensor of 2n values holding μ
    /// then log σ² (a Dense whose 2n outputs are the two heads, as a VAE encoder often ends). The block reads the
    /// same 2n values either way.
    public var inputTensors = 2

    /// The table's range: [−8, 8).
    public static let range = 8
    /// exp(8) ≈ 2981 does not fit the default activation table type: the default saturates instead of wrapping.
    public static let defaultTablePrecision = Precision.fixed(18, 8, .round, .saturate)

    public init(tableSize: Int = LookupActivation.defaultTableSize) {
        self.tableSize = tableSize
    }

    /// The table's raw entries in `precision`.
    public func table(in precision: Precision) -> [Int64] {
        (0..<tableSize).map { i in
            let x = Float(2 * Double(KLDivergenceParameters.range) * (Double(i) - Double(Float(tableSize)) / 2.0) / Double(Float(tableSize)))
            return precision.raw(fromDouble: Double(Foundation.exp(x)))
        }
    }

    /// The table index of raw log σ² `raw` with `fractionalBits`.
    public func index(ofRaw raw: Int64, fractionalBits: Int) -> Int {
        LookupActivation.symmetricIndex(ofRaw: raw, fractionalBits: fractionalBits, tableSize: tableSize, range: KLDivergenceParameters.range)
    }

    /// The exact type of one term e + μ² − l − 1 (before the cast to accum_t).
    public static func termPrecision(mean: Precision, logVariance: Precision, table: Precision) -> Precision {
        let square = Precision.product(mean, mean)
        let one = Precision.fixed(2, 2)
        return Precision.sum(Precision.sum(table, square), Precision.sum(logVariance, one))
    }

    func validate(layer: Layer) throws(NetworkError) {
        guard tableSize >= 2 && tableSize <= 1 << 16 && tableSize & (tableSize - 1) == 0 else {
            throw .invalidParameter(layer: layer.name, field: "table_size",
                                    reason: "must be a power of two in 2...65536 (Pipewright builds power-of-two ROMs), got \(tableSize)")
        }
        guard inputTensors == 2 ? layer.inputs.count == 2 : (inputTensors == 1 && layer.inputs.count <= 1) else {
            throw .invalidParameter(layer: layer.name, field: "inputs",
                reason: "a KLDivergence layer reads 2 tensors (μ, then log σ²) or one holding both, found \(layer.inputs.count)")
        }
        guard layer.inputSize % 2 == 0 && layer.inputSize >= 2 else {
            throw .invalidShape(layer: layer.name, reason: "a KLDivergence layer reads μ and log σ² of equal size: 2n values, found \(layer.inputSize)")
        }
    }

    /// Checked when the input precisions are known.
    func validate(layer: Layer, logVariance: Precision) throws(NetworkError) {
        guard LookupActivation.indexFitsInt32(input: logVariance, tableSize: tableSize, divisor: 2 * KLDivergenceParameters.range) else {
            throw .invalidPrecision(layer: layer.name, field: "inputs",
                reason: "the table index of log σ² (\(logVariance)) reaches beyond 2^31")
        }
    }
}

/// A KL score's table_t (its exp table) and accum_t (AP_WRAP: the sum order does not matter).
public struct KLDivergencePrecision: Sendable, Equatable {
    public let table: Precision
    public let accumulator: Precision

    public init(table: Precision, accumulator: Precision) {
        self.table = table
        self.accumulator = accumulator
    }

    init(of layer: Layer) throws(NetworkError) {
        self.init(table: try layer.requiredPrecision("table"), accumulator: try layer.wrappingAccumulator())
    }
}

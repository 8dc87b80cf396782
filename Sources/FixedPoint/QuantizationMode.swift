/// How a value is rounded when fractional bits are dropped (Xilinx `ap_q_mode`).
public enum QuantizationMode: String, CaseIterable, Sendable, Hashable, Codable {
    /// Truncate toward minus infinity (floor). The default.
    case truncate = "AP_TRN"
    /// Truncate toward zero.
    case truncateToZero = "AP_TRN_ZERO"
    /// Round to nearest, ties toward plus infinity.
    case round = "AP_RND"
    /// Round to nearest, ties toward zero.
    case roundToZero = "AP_RND_ZERO"
    /// Round to nearest, ties away from zero.
    case roundToInfinity = "AP_RND_INF"
    /// Round to nearest, ties toward minus infinity.
    case roundToMinusInfinity = "AP_RND_MIN_INF"
    /// Round to nearest, ties to even (convergent rounding).
    case roundConvergent = "AP_RND_CONV"

    /// Parses `AP_RND`, `RND`, `rnd` and the like.
    public init?(token: String) {
        let upper = token.trimmingCharacters(in: .whitespaces).uppercased()
        let name = upper.hasPrefix("AP_") ? upper : "AP_" + upper
        self.init(rawValue: name)
    }
}

/// What happens when a value does not fit the integer bits (Xilinx `ap_o_mode`).
public enum OverflowMode: String, CaseIterable, Sendable, Hashable, Codable {
    /// Keep the low bits (two's complement wrap-around). The default.
    case wrap = "AP_WRAP"
    /// Clamp to the largest or smallest representable value.
    case saturate = "AP_SAT"
    /// Replace an overflowing value by zero.
    case saturateToZero = "AP_SAT_ZERO"
    /// Clamp symmetrically: a signed type saturates to ±max, never to the most negative value.
    case saturateSymmetric = "AP_SAT_SYM"

    /// Parses `AP_SAT`, `SAT`, `sat` and the like.
    public init?(token: String) {
        let upper = token.trimmingCharacters(in: .whitespaces).uppercased()
        let name = upper.hasPrefix("AP_") ? upper : "AP_" + upper
        self.init(rawValue: name)
    }
}

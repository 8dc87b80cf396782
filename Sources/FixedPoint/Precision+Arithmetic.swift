extension Precision {
    /// The type of the full-precision product `a * b` in the Xilinx library:
    /// `ap_fixed<W1+W2, I1+I2>`, signed when either operand is signed.
    public static func product(_ a: Precision, _ b: Precision) -> Precision {
        Precision(width: a.width + b.width, integerBits: a.integerBits + b.integerBits,
                  isSigned: a.isSigned || b.isSigned)
    }

    /// The type of the full-precision sum `a + b` in the Xilinx library (`ap_fixed_base::RType::plus`):
    /// integer bits `max(I1 + (S2 ∧ ¬S1), I2 + (S1 ∧ ¬S2)) + 1`, fractional bits `max(F1, F2)`,
    /// signed when either operand is signed.
    public static func sum(_ a: Precision, _ b: Precision) -> Precision {
        let integerBits = max(a.integerBits + (b.isSigned && !a.isSigned ? 1 : 0),
                              b.integerBits + (a.isSigned && !b.isSigned ? 1 : 0)) + 1
        let fractionalBits = max(a.fractionalBits, b.fractionalBits)
        return Precision(width: integerBits + fractionalBits, integerBits: integerBits,
                         isSigned: a.isSigned || b.isSigned)
    }

    /// Number of bits needed to hold `terms` summands of this precision without overflow.
    public static func accumulationGrowth(terms: Int) -> Int {
        terms <= 1 ? 0 : Int.bitWidth - (terms - 1).leadingZeroBitCount
    }
}

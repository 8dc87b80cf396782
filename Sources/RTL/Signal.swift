/// A two's complement value inside a generated block: a wire/reg name or a constant, its width and the
/// number of fractional bits of the raw value it carries. Unsigned fixed-point values are held with one
/// extra (zero) sign bit, so that every internal value is two's complement.
struct Signal: Sendable, Equatable {
    /// Identifier of the wire or reg (empty for a constant).
    var name: String
    var width: Int
    var fractionalBits: Int
    /// The exact raw value when the signal is a constant.
    var constant: Int128?

    var isConstant: Bool { constant != nil }

    static func constant(_ value: Int128, fractionalBits: Int) -> Signal {
        Signal(name: "", width: Verilog.signedWidth(of: value), fractionalBits: fractionalBits, constant: value)
    }
}

/// Helpers for Verilog literals and widths.
enum Verilog {
    /// The fewest two's complement bits that hold `value` (at least 1).
    static func signedWidth(of value: Int128) -> Int {
        if value >= 0 { return Int128.bitWidth - value.leadingZeroBitCount + 1 }
        return Int128.bitWidth - (~value).leadingZeroBitCount + 1
    }

    /// A sized hexadecimal literal holding the low `width` bits of `value`'s two's complement
    /// (sign-extended beyond 128 bits).
    static func literal(_ value: Int128, width: Int) -> String {
        let digits = (width + 3) / 4
        var text = ""
        for index in stride(from: digits - 1, through: 0, by: -1) {
            let shift = index * 4
            var nibble: Int
            if shift >= 124 {
                nibble = shift >= 128 ? (value < 0 ? 0xF : 0) : Int((value >> shift) & 0xF)
            } else {
                nibble = Int((value >> shift) & 0xF)
            }
            if index == digits - 1 && width % 4 != 0 { nibble &= (1 << (width % 4)) - 1 }
            text += String(nibble, radix: 16)
        }
        return "\(width)'h\(text)"
    }

}

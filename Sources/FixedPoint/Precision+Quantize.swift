/// Where the dropped part of a value lies relative to half an LSB of the destination.
enum RemainderPosition {
    case zero, belowHalf, half, aboveHalf
}

extension Precision {
    /// Converts the exact value `raw · 2^(−fractionalBits)` into this precision: first the quantization
    /// mode rounds the exact value to this precision's LSB, then the overflow mode handles a result that
    /// does not fit (the order of the Xilinx library). Returns the raw value of the result.
    @inlinable
    public func quantize(_ raw: Int128, fractionalBits sourceFractionalBits: Int) -> Int64 {
        // Fast path for the default modes (truncate, wrap) on 64-bit values: a floor shift and a wrap.
        let shift = sourceFractionalBits - fractionalBits
        if quantization == .truncate && overflow == .wrap && shift > -64 && shift < 64, let small = Int64(exactly: raw) {
            // A left shift only appends zero bits: the low 64 bits of the wrapping shift hold the low W bits.
            return wrapped64(shift >= 0 ? small >> shift : small &<< Int64(-shift))
        }
        return quantizeSlow(raw, fractionalBits: sourceFractionalBits)
    }

    /// The low `width` bits of a 64-bit value, sign-extended when signed.
    @inlinable
    func wrapped64(_ value: Int64) -> Int64 {
        if width >= 64 { return value }
        let unused = Int64(64 - width)
        return isSigned ? (value << unused) >> unused : Int64(bitPattern: UInt64(bitPattern: value << unused) >> UInt64(unused))
    }

    /// Converts a raw value of another precision into this one.
    @inlinable
    public func cast(_ raw: Int64, from source: Precision) -> Int64 {
        quantize(Int128(raw), fractionalBits: source.fractionalBits)
    }

    /// The raw value of a real number in this precision: the exact binary value of the `Double` is
    /// quantized and overflow-handled like any other value (as `ap_fixed(double)` does).
    /// NaN becomes 0; infinities overflow.
    public func raw(fromDouble value: Double) -> Int64 {
        if value == 0 || value.isNaN { return 0 }
        if value.isInfinite {
            // Any finite value far outside the range behaves the same under every overflow mode.
            return quantize(value > 0 ? Int128.max >> 1 : Int128.min >> 1, fractionalBits: -200)
        }
        // value = significand · 2^exponent exactly, with an integer significand of at most 53 bits.
        let magnitude = value.magnitude
        let exponent = Int(magnitude.exponent) - Double.significandBitCount
        var significand = Int128(magnitude.significandBitPattern)
        if magnitude.isNormal { significand |= Int128(1) << Double.significandBitCount }
        let signed = value < 0 ? -significand : significand
        return quantize(signed, fractionalBits: -exponent)
    }

    @usableFromInline
    func quantizeSlow(_ raw: Int128, fractionalBits sourceFractionalBits: Int) -> Int64 {
        let shift = sourceFractionalBits - fractionalBits
        var rounded: Int128
        var outOfInt128 = false   // the exact result's magnitude is beyond 2^126
        if shift > 0 {
            let (floorValue, position) = Precision.floorShift(raw, by: shift)
            rounded = floorValue + roundingIncrement(floor: floorValue, remainder: position, negative: raw < 0)
        } else if shift == 0 {
            rounded = raw
        } else {
            let left = -shift
            if raw == 0 {
                rounded = 0
            } else if left >= 127 || (raw << left) >> left != raw {
                outOfInt128 = true
                rounded = left >= 128 ? 0 : raw &<< left   // the low 128 bits, enough for wrapping
            } else {
                rounded = raw << left
            }
        }
        return handleOverflow(rounded, beyondInt128: outOfInt128, negative: raw < 0)
    }

    /// Floor of `raw / 2^shift` and where the remainder lies relative to half of `2^shift`.
    static func floorShift(_ raw: Int128, by shift: Int) -> (Int128, RemainderPosition) {
        if shift >= 127 {
            // |raw| < 2^127 ≤ half of 2^shift.
            if raw == 0 { return (0, .zero) }
            return raw > 0 ? (0, .belowHalf) : (-1, shift == 127 && raw == Int128.min ? .half : .aboveHalf)
        }
        let floorValue = raw >> shift
        let remainder = raw - (floorValue << shift)          // 0 ≤ remainder < 2^shift
        let half = Int128(1) << (shift - 1)
        let position: RemainderPosition
        if remainder == 0 { position = .zero }
        else if remainder < half { position = .belowHalf }
        else if remainder == half { position = .half }
        else { position = .aboveHalf }
        return (floorValue, position)
    }

    /// 0 or 1: what the quantization mode adds to the floor.
    func roundingIncrement(floor: Int128, remainder: RemainderPosition, negative: Bool) -> Int128 {
        if remainder == .zero { return 0 }
        switch quantization {
        case .truncate:
            return 0
        case .truncateToZero:
            return negative ? 1 : 0
        case .round:
            return remainder == .belowHalf ? 0 : 1
        case .roundToZero:
            switch remainder {
            case .aboveHalf: return 1
            case .half: return negative ? 1 : 0
            default: return 0
            }
        case .roundToInfinity:
            switch remainder {
            case .aboveHalf: return 1
            case .half: return negative ? 0 : 1
            default: return 0
            }
        case .roundToMinusInfinity:
            return remainder == .aboveHalf ? 1 : 0
        case .roundConvergent:
            switch remainder {
            case .aboveHalf: return 1
            case .half: return (floor & 1) == 1 ? 1 : 0
            default: return 0
            }
        }
    }

    /// Applies the overflow mode to an already quantized raw value.
    func handleOverflow(_ value: Int128, beyondInt128: Bool, negative: Bool) -> Int64 {
        let low = Int128(minRaw), high = Int128(maxRaw)
        let overflowsHigh = beyondInt128 ? !negative : value > high
        let overflowsLow = beyondInt128 ? negative : value < low
        switch overflow {
        case .wrap:
            return wrapped(value)
        case .saturate:
            if overflowsHigh { return maxRaw }
            if overflowsLow { return minRaw }
            return Int64(value)
        case .saturateToZero:
            if overflowsHigh || overflowsLow { return 0 }
            return Int64(value)
        case .saturateSymmetric:
            // The Xilinx library (ap_fixed_base operator=, `underflow |= neg_src && low bits == 0`) also
            // replaces an in-range result equal to the most negative value by −max, so a signed
            // AP_SAT_SYM result is never the most negative value: ap_fixed<8,4,AP_TRN,AP_SAT_SYM>(−8.0)
            // is −7.9375. (Xilinx skips that check when the source has fewer integer bits than this type,
            // which only matters for a 1-bit ap_fixed<1,I,Q,AP_SAT_SYM>: there a negative value that rounds
            // to −2^(I−1) keeps it, while this exact-value model gives −max = 0.)
            let symmetricLow = isSigned ? -maxRaw : 0
            if overflowsHigh { return maxRaw }
            if overflowsLow || (isSigned && value == low) { return symmetricLow }
            return Int64(value)
        }
    }

    /// The low `width` bits of `value`, sign-extended when signed.
    func wrapped(_ value: Int128) -> Int64 {
        let bits = UInt128(truncatingIfNeeded: value)
        let mask: UInt128 = width >= 128 ? ~0 : (UInt128(1) << width) - 1
        let lowBits = bits & mask
        if isSigned, width < 128, (lowBits >> (width - 1)) & 1 == 1 {
            return Int64(truncatingIfNeeded: Int128(bitPattern: lowBits | ~mask))
        }
        return Int64(truncatingIfNeeded: lowBits)
    }
}

import Testing
@testable import FixedPoint

// MARK: - Deterministic random numbers

/// SplitMix64 (Steele, Lea, Flood 2014): a tiny, seedable generator so every run checks the same values.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

// MARK: - Independent reference: exact rational arithmetic

/// A second, deliberately different implementation of the `ap_fixed` cast, used as the oracle.
///
/// The exact value `raw · 2^(−sourceFraction)` is written as the rational number `numerator / divisor`
/// in units of the destination LSB. The floor comes from truncating `/` and `%` with a sign correction
/// (no shifts); rounding compares `2·remainder` with the divisor; overflow is an explicit range check, and
/// wrap-around is a reduction with `%` modulo `2^W`. Powers of two are built by repeated multiplication.
enum ReferenceCast {
    /// 2^k by repeated doubling (k ≤ 126).
    static func power(_ k: Int) -> Int128 {
        precondition(k >= 0 && k <= 126)
        var p: Int128 = 1
        for _ in 0..<k { p *= 2 }
        return p
    }

    /// The raw destination value for an exact source `raw · 2^(−sourceFraction)`, with `|raw| < 2^118`.
    static func cast(_ raw: Int128, sourceFraction: Int, into destination: Precision) -> Int64 {
        precondition(raw.magnitude < UInt128(power(118)))
        let width = destination.width
        let modulus = power(width)
        let low: Int128 = destination.isSigned ? -power(width - 1) : 0
        let high: Int128 = destination.isSigned ? power(width - 1) - 1 : modulus - 1

        // The exact value in destination LSBs is raw · 2^k.
        let k = destination.fractionalBits - sourceFraction
        var quantized: Int128? = nil       // nil: |value| ≥ 2^127, certainly out of every range
        var wrappedResidue: Int128        // value mod 2^W, in 0..<2^W
        if k >= 0 {
            // No fractional bits are dropped: value = raw · 2^k, an integer.
            let factorModulo = k >= width ? 0 : power(k)    // 2^k mod 2^W
            let rawModulo = ((raw % modulus) + modulus) % modulus
            let residue = (UInt128(rawModulo) * UInt128(factorModulo)) % UInt128(modulus)
            wrappedResidue = Int128(residue)
            if k <= 126 {
                let (product, overflow) = raw.multipliedReportingOverflow(by: power(k))
                if !overflow { quantized = product }
            }
            if raw == 0 { quantized = 0 }
        } else {
            // value = raw / d with d = 2^(−k). Once d ≥ 2^120 > 2·|raw| every larger d gives the same
            // floor (0 or −1) and the same side of the half, so the divisor is capped there.
            let divisor = power(min(-k, 120))
            var floor = raw / divisor
            var remainder = raw % divisor
            if remainder < 0 { floor -= 1; remainder += divisor }     // now 0 ≤ remainder < divisor
            let negative = raw < 0
            let twice = 2 * remainder
            let up: Bool
            if remainder == 0 {
                up = false
            } else {
                switch destination.quantization {
                case .truncate: up = false
                case .truncateToZero: up = negative
                case .round: up = twice >= divisor
                case .roundToZero: up = twice > divisor || (twice == divisor && negative)
                case .roundToInfinity: up = twice > divisor || (twice == divisor && !negative)
                case .roundToMinusInfinity: up = twice > divisor
                case .roundConvergent: up = twice > divisor || (twice == divisor && floor % 2 != 0)
                }
            }
            let value = up ? floor + 1 : floor
            quantized = value
            wrappedResidue = ((value % modulus) + modulus) % modulus
        }

        let negativeSource = raw < 0
        let tooHigh = quantized.map { $0 > high } ?? !negativeSource
        let tooLow = quantized.map { $0 < low } ?? negativeSource
        let inRange = !tooHigh && !tooLow
        switch destination.overflow {
        case .wrap:
            var result = wrappedResidue
            if destination.isSigned && result > high { result -= modulus }
            return Int64(result)
        case .saturate:
            if tooHigh { return Int64(high) }
            if tooLow { return Int64(low) }
            return Int64(quantized!)
        case .saturateToZero:
            return inRange ? Int64(quantized!) : 0
        case .saturateSymmetric:
            // Signed: the result lies in −max…max (the Xilinx library maps the most negative value to −max).
            let symmetricLow: Int128 = destination.isSigned ? -high : 0
            if tooHigh { return Int64(high) }
            if tooLow || quantized! < symmetricLow { return Int64(symmetricLow) }
            return Int64(quantized!)
        }
    }
}

// MARK: - Property tests

struct QuantizationPropertyTests {
    static let modes: [(QuantizationMode, OverflowMode)] =
        QuantizationMode.allCases.flatMap { q in OverflowMode.allCases.map { (q, $0) } }

    /// A random raw value of a random source precision (up to 64 bits), with ties, exact values and
    /// values just around the destination's limits over-represented.
    static func randomSource(for destination: Precision, using rng: inout SplitMix64) -> (raw: Int128, fraction: Int) {
        switch rng.next() % 4 {
        case 0, 1:
            // A random source precision ap_[u]fixed<Ws, Is>, Ws in 1…64, and a random raw value of it.
            let width = Int(rng.next() % 64) + 1
            let signed = width == 64 || rng.next() % 4 != 0
            let integerBits = Int(rng.next() % UInt64(width + 25)) - 12
            let bits = rng.next()
            let raw: Int64
            if signed {
                raw = width == 64 ? Int64(bitPattern: bits) : Int64(bitPattern: bits << (64 - width)) >> (64 - width)
            } else {
                raw = Int64(bits >> (64 - width))
            }
            return (Int128(raw), width - integerBits)
        default:
            // A value a few LSBs around the destination's min, max or zero, plus a fraction of an LSB
            // that is often exactly a half.
            let extra = Int(rng.next() % 20) + 1            // source has `extra` more fractional bits
            let anchors: [Int128] = [Int128(destination.minRaw), Int128(destination.maxRaw), 0]
            let anchor = anchors[Int(rng.next() % 3)] + Int128(Int(rng.next() % 7) - 3)
            let lsb = ReferenceCast.power(extra)
            let offset: Int128
            switch rng.next() % 3 {
            case 0: offset = lsb / 2                        // an exact tie
            case 1: offset = 0                              // exactly representable
            default: offset = Int128(rng.next() % UInt64(lsb))
            }
            return (anchor * lsb + offset, destination.fractionalBits + extra)
        }
    }

    /// Every quantization × overflow mode, signed destinations of 1…64 bits and unsigned of 1…63 bits,
    /// integer bits from −12 to W + 12.
    @Test(arguments: QuantizationPropertyTests.modes.indices)
    func castMatchesExactReference(modeIndex: Int) {
        let (quantization, overflow) = Self.modes[modeIndex]
        var rng = SplitMix64(seed: 0x5EED_0000 + UInt64(modeIndex))
        var checked = 0
        var failures: [String] = []
        for signed in [true, false] {
            for width in 1...(signed ? 64 : 63) {
                for _ in 0..<24 {
                    let integerBits = Int(rng.next() % UInt64(width + 25)) - 12
                    let destination = Precision(width: width, integerBits: integerBits, isSigned: signed,
                                                quantization: quantization, overflow: overflow)
                    let (raw, fraction) = Self.randomSource(for: destination, using: &rng)
                    let expected = ReferenceCast.cast(raw, sourceFraction: fraction, into: destination)
                    let got = destination.quantize(raw, fractionalBits: fraction)
                    checked += 1
                    if got != expected, failures.count < 8 {
                        failures.append("\(destination) from raw \(raw) · 2^-\(fraction): got \(got), expected \(expected)")
                    }
                }
            }
        }
        #expect(checked == 127 * 24)
        #expect(failures.isEmpty, "\(failures)")
    }

    /// `cast(_:from:)` between random precisions of up to 64 bits agrees with the reference.
    @Test func castBetweenPrecisionsMatchesReference() {
        var rng = SplitMix64(seed: 42)
        var failures: [String] = []
        for _ in 0..<6000 {
            let (quantization, overflow) = Self.modes[Int(rng.next() % UInt64(Self.modes.count))]
            let signed = rng.next() % 3 != 0
            let width = Int(rng.next() % (signed ? 64 : 63)) + 1
            let destination = Precision(width: width, integerBits: Int(rng.next() % UInt64(width + 25)) - 12,
                                        isSigned: signed, quantization: quantization, overflow: overflow)
            let sourceWidth = Int(rng.next() % 64) + 1
            let source = Precision.fixed(sourceWidth, Int(rng.next() % UInt64(sourceWidth + 25)) - 12)
            let raw = sourceWidth == 64 ? Int64(bitPattern: rng.next())
                : Int64(bitPattern: rng.next() << (64 - sourceWidth)) >> (64 - sourceWidth)
            let expected = ReferenceCast.cast(Int128(raw), sourceFraction: source.fractionalBits, into: destination)
            let got = destination.cast(raw, from: source)
            if got != expected, failures.count < 8 {
                failures.append("\(source) raw \(raw) → \(destination): got \(got), expected \(expected)")
            }
        }
        #expect(failures.isEmpty, "\(failures)")
    }

    /// The named precisions of the brief: negative integer bits, integer bits beyond the width,
    /// a wide accumulator and 64-bit types.
    @Test(arguments: [
        Precision.fixed(12, -2), .fixed(10, 12), .fixed(56, 26), .fixed(64, 32), .fixed(64, 64), .fixed(64, -3),
        .ufixed(63, 20), .ufixed(8, -1), .ufixed(1, 1), .fixed(1, 1), .fixed(1, -4), .ufixed(12, 15),
    ])
    func namedPrecisionsMatchReference(base: Precision) {
        var rng = SplitMix64(seed: UInt64(base.width * 1000 + base.integerBits + 500))
        var failures: [String] = []
        for (quantization, overflow) in Self.modes {
            var destination = base
            destination.quantization = quantization
            destination.overflow = overflow
            for _ in 0..<150 {
                let (raw, fraction) = Self.randomSource(for: destination, using: &rng)
                let expected = ReferenceCast.cast(raw, sourceFraction: fraction, into: destination)
                let got = destination.quantize(raw, fractionalBits: fraction)
                if got != expected, failures.count < 8 {
                    failures.append("\(destination) from raw \(raw) · 2^-\(fraction): got \(got), expected \(expected)")
                }
            }
        }
        #expect(failures.isEmpty, "\(failures)")
    }

    /// The reference itself agrees with the Xilinx golden vectors, so it is a trustworthy oracle.
    @Test func referenceMatchesGoldenVectors() throws {
        let rows = try GoldenVectorTests.rows("cast")
        #expect(!rows.isEmpty)
        var mismatches = 0
        for row in rows {
            let source = Precision.fixed(Int(row[1])!, Int(row[2])!)
            let destination = Precision(width: Int(row[5])!, integerBits: Int(row[6])!, isSigned: row[7] == "1",
                                        quantization: QuantizationMode(rawValue: String(row[8]))!,
                                        overflow: OverflowMode(rawValue: String(row[9]))!)
            let expected = ReferenceCast.cast(Int128(Int64(row[4])!), sourceFraction: source.fractionalBits,
                                              into: destination)
            if expected != Int64(row[10])! { mismatches += 1 }
        }
        #expect(mismatches == 0)
    }
}

// MARK: - Hand-worked edge cases

struct QuantizationEdgeCaseTests {
    /// ap_fixed<16,6> (10 fractional bits) holding `value` exactly.
    static func source(_ value: Double) -> Int64 { Int64(value * 1024) }
    static let source = Precision.fixed(16, 6)

    static func cast(_ value: Double, _ q: QuantizationMode, _ o: OverflowMode = .wrap,
                     into width: Int = 8, _ integerBits: Int = 4, signed: Bool = true) -> Int64 {
        Precision(width: width, integerBits: integerBits, isSigned: signed, quantization: q, overflow: o)
            .cast(source(value), from: source)
    }

    // ap_fixed<8,4> has an LSB of 1/16. −2.03125 = −32.5 LSB, a tie between −33 (−2.0625) and −32 (−2.0).
    @Test(arguments: [
        (QuantizationMode.truncate, Int64(-33)),      // floor
        (.truncateToZero, -32),                       // toward zero
        (.round, -32),                                // tie toward +∞
        (.roundToZero, -32),                          // tie toward 0
        (.roundToInfinity, -33),                      // tie away from 0
        (.roundToMinusInfinity, -33),                 // tie toward −∞
        (.roundConvergent, -32),                      // tie to even (−32)
    ])
    func negativeHalfLSBTie(mode: QuantizationMode, expected: Int64) {
        #expect(Self.cast(-2.03125, mode) == expected)
    }

    // +2.03125 = +32.5 LSB.
    @Test(arguments: [
        (QuantizationMode.truncate, Int64(32)), (.truncateToZero, 32), (.round, 33), (.roundToZero, 32),
        (.roundToInfinity, 33), (.roundToMinusInfinity, 32), (.roundConvergent, 32),
    ])
    func positiveHalfLSBTie(mode: QuantizationMode, expected: Int64) {
        #expect(Self.cast(2.03125, mode) == expected)
    }

    // ±2.09375 = ±33.5 LSB: convergent rounding goes to the even neighbour ±34 this time.
    @Test(arguments: [
        (QuantizationMode.truncate, Int64(33), Int64(-34)), (.truncateToZero, 33, -33), (.round, 34, -33),
        (.roundToZero, 33, -33), (.roundToInfinity, 34, -34), (.roundToMinusInfinity, 33, -34),
        (.roundConvergent, 34, -34),
    ])
    func oddTies(mode: QuantizationMode, positive: Int64, negative: Int64) {
        #expect(Self.cast(2.09375, mode) == positive)
        #expect(Self.cast(-2.09375, mode) == negative)
    }

    // −2.046875 = −32.75 LSB and +2.015625 = +32.25 LSB: no tie.
    @Test(arguments: [
        (QuantizationMode.truncate, Int64(-33), Int64(32)), (.truncateToZero, -32, 32), (.round, -33, 32),
        (.roundToZero, -33, 32), (.roundToInfinity, -33, 32), (.roundToMinusInfinity, -33, 32),
        (.roundConvergent, -33, 32),
    ])
    func nonTies(mode: QuantizationMode, negative: Int64, positive: Int64) {
        #expect(Self.cast(-2.046875, mode) == negative)
        #expect(Self.cast(2.015625, mode) == positive)
    }

    // 8.0 is one past the largest ap_fixed<8,4> (7.9375 = raw 127).
    @Test(arguments: [
        (OverflowMode.wrap, Int64(-128)),            // 128 − 256: −8.0
        (.saturate, 127),                            // 7.9375
        (.saturateToZero, 0),
        (.saturateSymmetric, 127),
    ])
    func positiveOverflow(mode: OverflowMode, expected: Int64) {
        #expect(Self.cast(8.0, .truncate, mode) == expected)
    }

    // −8.0 fits ap_fixed<8,4> exactly (raw −128); only AP_SAT_SYM refuses the most negative value and
    // gives −max = −127 (−7.9375), as the Xilinx library does. −9.0 overflows.
    @Test(arguments: [
        (OverflowMode.wrap, Int64(-128), Int64(112)),      // −144 + 256 = 112: 7.0
        (.saturate, -128, -128),
        (.saturateToZero, -128, 0),
        (.saturateSymmetric, -127, -127),
    ])
    func mostNegativeValue(mode: OverflowMode, exact: Int64, beyond: Int64) {
        #expect(Self.cast(-8.0, .truncate, mode) == exact)
        #expect(Self.cast(-9.0, .truncate, mode) == beyond)
    }

    /// Rounding that carries past the maximum: 7.96875 = 127.5 LSB rounds to 128, then overflow applies.
    @Test func roundingCarriesIntoOverflow() {
        #expect(Self.cast(7.96875, .round, .wrap) == -128)
        #expect(Self.cast(7.96875, .round, .saturate) == 127)
        #expect(Self.cast(7.96875, .round, .saturateToZero) == 0)
        #expect(Self.cast(7.96875, .truncate, .saturate) == 127)
        // −8.03125 = −128.5 LSB: AP_RND goes up to −128 (fits), AP_RND_INF down to −129 (overflows).
        #expect(Self.cast(-8.03125, .round, .saturate) == -128)
        #expect(Self.cast(-8.03125, .roundToInfinity, .saturate) == -128)
        #expect(Self.cast(-8.03125, .roundToInfinity, .wrap) == 127)
        #expect(Self.cast(-8.03125, .round, .saturateSymmetric) == -127)
    }

    /// Unsigned destinations: negative values wrap modulo 2^W or saturate to 0.
    @Test func unsignedDestination() {
        // −0.0625 into ap_ufixed<8,4>: raw −1 → 255 (15.9375) when wrapping.
        #expect(Self.cast(-0.0625, .truncate, .wrap, signed: false) == 255)
        #expect(Self.cast(-0.0625, .truncate, .saturate, signed: false) == 0)
        #expect(Self.cast(-0.0625, .truncate, .saturateToZero, signed: false) == 0)
        #expect(Self.cast(-0.0625, .truncate, .saturateSymmetric, signed: false) == 0)
        // −0.03125 = −0.5 LSB: AP_RND rounds up to 0, no overflow at all.
        #expect(Self.cast(-0.03125, .round, .wrap, signed: false) == 0)
        // 16.0 is one past 15.9375.
        #expect(Self.cast(16.0, .truncate, .wrap, signed: false) == 0)
        #expect(Self.cast(16.0, .truncate, .saturate, signed: false) == 255)
        #expect(Self.cast(16.0, .truncate, .saturateSymmetric, signed: false) == 255)
    }

    /// Negative integer bits: ap_fixed<12,−2> holds [−0.125, 0.125) in steps of 2^−14.
    @Test func negativeIntegerBits() {
        let p = Precision.fixed(12, -2)
        #expect(p.maxRaw == 2047 && p.minRaw == -2048)
        // 0.1 ≈ in ap_fixed<32,0> (raw 0.1·2^32 floored = 429496729): 429496729 / 2^18 = 1638.3999… → 1638.
        #expect(p.cast(429_496_729, from: .fixed(32, 0)) == 1638)
        // 0.125 is one past the top: wraps to −0.125.
        #expect(p.cast(128, from: .fixed(16, 6)) == -2048)
        var saturating = p
        saturating.overflow = .saturate
        #expect(saturating.cast(128, from: .fixed(16, 6)) == 2047)
    }

    /// Integer bits beyond the width: ap_fixed<10,12> steps by 4, range [−2048, 2044].
    @Test func integerBitsBeyondWidth() {
        let p = Precision.fixed(10, 12)
        #expect(p.fractionalBits == -2)
        // 7 (ap_int<16>) → floor(7/4) = 1 → 4.0; AP_RND: 1.75 → 2 → 8.0.
        #expect(p.cast(7, from: .int(16)) == 1)
        #expect(Precision.fixed(10, 12, .round).cast(7, from: .int(16)) == 2)
        // −6 = −1.5 steps: AP_RND → −1, AP_RND_CONV → −2, AP_RND_ZERO → −1, AP_TRN_ZERO → −1.
        #expect(Precision.fixed(10, 12, .round).cast(-6, from: .int(16)) == -1)
        #expect(Precision.fixed(10, 12, .roundConvergent).cast(-6, from: .int(16)) == -2)
        #expect(Precision.fixed(10, 12, .roundToZero).cast(-6, from: .int(16)) == -1)
        #expect(Precision.fixed(10, 12, .truncateToZero).cast(-6, from: .int(16)) == -1)
        // 2048 = 512 steps, one past max 511: wraps to −512.
        #expect(p.cast(2048, from: .int(16)) == -512)
        #expect(Precision.fixed(10, 12, .truncate, .saturate).cast(2048, from: .int(16)) == 511)
    }

    /// The wide accumulator hls4ml gives a folded Dense layer: ap_fixed<56,26> (30 fractional bits).
    @Test func wideAccumulator() {
        let accumulator = Precision.fixed(56, 26)
        let rounding = Precision.fixed(56, 26, .round)
        let source = Precision.fixed(64, 30)        // 34 fractional bits: 4 more than the accumulator
        // 1.5 + 3/2^32 = raw 3·2^33 + 12 in source: 3·2^29 + 0.75 in accumulator LSBs.
        let raw = Int64(3) << 33 + 12
        #expect(accumulator.cast(raw, from: source) == 3 << 29)
        #expect(rounding.cast(raw, from: source) == (3 << 29) + 1)
        // 2^25 = one past max (2^25 − 2^−30) wraps to −2^25; saturates to 2^55 − 1.
        #expect(accumulator.quantize(Int128(1) << 55, fractionalBits: 30) == -(Int64(1) << 55))
        #expect(Precision.fixed(56, 26, .truncate, .saturate).quantize(Int128(1) << 55, fractionalBits: 30)
                == (Int64(1) << 55) - 1)
        // A product of two ap_fixed<32,16> (64 bits, F = 32) truncated by 2 bits: −5 / 4 → −2.
        #expect(accumulator.quantize(-5, fractionalBits: 32) == -2)
    }

    /// 64-bit destinations use the whole Int64; 63-bit unsigned ones its non-negative half.
    @Test func sixtyFourBitWidths() {
        let p = Precision.fixed(64, 32)
        #expect(p.minRaw == Int64.min && p.maxRaw == Int64.max)
        let beyond = Int128(Int64.max) + 1
        #expect(p.quantize(beyond, fractionalBits: 32) == Int64.min)
        #expect(Precision.fixed(64, 32, .truncate, .saturate).quantize(beyond, fractionalBits: 32) == Int64.max)
        #expect(Precision.fixed(64, 32, .truncate, .saturateSymmetric).quantize(-beyond, fractionalBits: 32) == -Int64.max)
        #expect(Precision.fixed(64, 32, .truncate, .saturateSymmetric).quantize(-beyond, fractionalBits: 32) == Int64.min + 1)
        // −2^63 − 0.5 LSB: AP_RND rounds to Int64.min, which fits.
        #expect(Precision.fixed(64, 32, .round, .saturate).quantize(2 * Int128(Int64.min) - 1, fractionalBits: 33) == Int64.min)
        let u = Precision.ufixed(63, 10)
        #expect(u.maxRaw == Int64.max)
        #expect(u.quantize(beyond, fractionalBits: 53) == 0)                 // 2^63 mod 2^63
        #expect(u.quantize(beyond + 5, fractionalBits: 53) == 5)
        #expect(Precision.ufixed(63, 10, .truncate, .saturate).quantize(beyond, fractionalBits: 53) == Int64.max)
        #expect(u.quantize(-1, fractionalBits: 53) == Int64.max)            // −1 mod 2^63
    }

    /// ap_int / ap_uint: integers only.
    @Test func integers() {
        #expect(Precision.int(8).cast(300, from: .int(16)) == 44)           // 300 − 256
        #expect(Precision.int(8).cast(-129, from: .int(16)) == 127)
        #expect(Precision.uint(4).cast(-1, from: .int(16)) == 15)
        #expect(Precision.uint(1).cast(3, from: .int(16)) == 1)
        #expect(Precision.int(1).cast(1, from: .int(16)) == -1)             // ap_int<1> holds −1 and 0
        #expect(Precision.int(8).cast(-7, from: .fixed(8, 6)) == -2)        // −1.75 floors to −2
    }
}

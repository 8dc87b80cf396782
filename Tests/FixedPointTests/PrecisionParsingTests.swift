import Testing
@testable import FixedPoint

struct PrecisionParsingTests {
    @Test(arguments: [
        ("ap_fixed<16,6>", Precision(width: 16, integerBits: 6, isSigned: true)),
        ("ap_ufixed<8,3,AP_RND_CONV,AP_SAT>",
         Precision(width: 8, integerBits: 3, isSigned: false, quantization: .roundConvergent, overflow: .saturate)),
        ("fixed<18,8,TRN,WRAP,0>", Precision(width: 18, integerBits: 8, isSigned: true)),
        ("ufixed<8,0>", Precision(width: 8, integerBits: 0, isSigned: false)),
        ("ap_int<8>", Precision(width: 8, integerBits: 8, isSigned: true)),
        ("int<8>", Precision(width: 8, integerBits: 8, isSigned: true)),
        ("ap_uint<1>", Precision(width: 1, integerBits: 1, isSigned: false)),
        ("uint<4>", Precision(width: 4, integerBits: 4, isSigned: false)),
        ("ap_fixed<12,-2>", Precision(width: 12, integerBits: -2, isSigned: true)),
        ("ap_fixed<10,12,AP_RND_ZERO,AP_SAT_SYM>",
         Precision(width: 10, integerBits: 12, isSigned: true, quantization: .roundToZero, overflow: .saturateSymmetric)),
        ("ap_fixed<64,32,rnd_inf,sat_zero>",
         Precision(width: 64, integerBits: 32, isSigned: true, quantization: .roundToInfinity, overflow: .saturateToZero)),
        ("ap_ufixed<63,1,AP_RND_MIN_INF>",
         Precision(width: 63, integerBits: 1, isSigned: false, quantization: .roundToMinusInfinity)),
        ("fixed<8,3,TRN_ZERO,AP_WRAP>", Precision(width: 8, integerBits: 3, isSigned: true, quantization: .truncateToZero)),
        ("ap_fixed<8,3,AP_RND>", Precision(width: 8, integerBits: 3, isSigned: true, quantization: .round)),
    ])
    func parses(text: String, expected: Precision) throws {
        #expect(try Precision(parsing: text) == expected)
    }

    @Test(arguments: [
        " ap_fixed<16,6> ", "ap_fixed< 16 , 6 >", "ap_fixed <16,6>", "\tap_fixed<16,\t6>", "AP_FIXED<16,6>",
    ])
    func whitespaceAndCaseVariants(text: String) throws {
        #expect(try Precision(parsing: text) == .fixed(16, 6))
    }

    @Test func modesWithSpaces() throws {
        let p = try Precision(parsing: "ap_ufixed< 8, 3, AP_RND_CONV , AP_SAT >")
        #expect(p == .ufixed(8, 3, .roundConvergent, .saturate))
    }

    @Test(arguments: [
        ("ap_fixed<16,6>", "ap_fixed<16,6>"),
        ("ap_ufixed<8,3,AP_RND_CONV,AP_SAT>", "ap_ufixed<8,3,AP_RND_CONV,AP_SAT>"),
        ("fixed<18,8,TRN,WRAP,0>", "ap_fixed<18,8>"),
        ("ufixed<8,0>", "ap_ufixed<8,0>"),
        ("ap_int<8>", "ap_int<8>"),
        ("int<8>", "ap_int<8>"),
        ("ap_uint<1>", "ap_uint<1>"),
        ("uint<4>", "ap_uint<4>"),
        ("ap_fixed<8,3,AP_RND>", "ap_fixed<8,3,AP_RND>"),
        ("ap_fixed<8,3,AP_TRN,AP_SAT>", "ap_fixed<8,3,AP_TRN,AP_SAT>"),
        ("ap_fixed<8,8,AP_RND,AP_SAT>", "ap_fixed<8,8,AP_RND,AP_SAT>"),
        ("ap_fixed<8,8>", "ap_int<8>"),
    ])
    func description(text: String, expected: String) throws {
        let p = try Precision(parsing: text)
        #expect(p.description == expected)
        #expect(try Precision(parsing: p.description) == p)
    }

    /// Every mode combination survives description → parse.
    @Test func everyModeRoundTrips() throws {
        for q in QuantizationMode.allCases {
            for o in OverflowMode.allCases {
                for (width, integerBits, signed) in [(16, 6, true), (8, -1, false), (10, 12, true), (4, 4, false)] {
                    let p = Precision(width: width, integerBits: integerBits, isSigned: signed, quantization: q, overflow: o)
                    #expect(try Precision(parsing: p.description) == p)
                }
            }
        }
    }

    /// Each bad string fails with a message that quotes it and names the problem.
    @Test(arguments: [
        ("ap_fixed<16>", "2 to 5 arguments"),
        ("ap_fixed<0,0>", "width 0"),
        ("ap_fixed<65,2>", "width 65"),
        ("ap_ufixed<64,2>", "width 64"),
        ("fixed<8,3,FOO>", "FOO"),
        ("fixed<8,3,TRN,BAR>", "BAR"),
        ("float", "expected a form like"),
        ("ap_fixed<8,3,TRN,WRAP,2>", "saturation bits"),
        ("ap_fixed<a,3>", "width must be an integer"),
        ("ap_fixed<8,x>", "integer bits must be an integer"),
        ("ap_int<8,2>", "exactly one argument"),
        ("ap_float<8,2>", "unknown type"),
        ("ap_fixed<16,6", "expected a form like"),
    ])
    func rejects(text: String, fragment: String) {
        do {
            let p = try Precision(parsing: text)
            Issue.record("'\(text)' parsed as \(p)")
        } catch {
            #expect(error.description.contains(text), "message '\(error.description)' does not quote '\(text)'")
            #expect(error.description.contains(fragment), "message '\(error.description)' lacks '\(fragment)'")
        }
    }

    /// Numbers at or beyond `Int`'s limits, in every position and form, are errors that quote the text and
    /// name the field and its supported range (Int.min integer bits used to trap).
    @Test(arguments: [
        ("ap_fixed<16,-9223372036854775808>", "integer bits -9223372036854775808 are outside the supported range -1000...1000"),
        ("ap_fixed<16,9223372036854775807>", "integer bits 9223372036854775807 are outside the supported range -1000...1000"),
        ("ap_ufixed<8,-9223372036854775808,AP_RND,AP_SAT>", "integer bits -9223372036854775808 are outside"),
        ("fixed<16,-9223372036854775808>", "integer bits -9223372036854775808 are outside"),
        ("ap_fixed<16,1001>", "integer bits 1001 are outside the supported range -1000...1000"),
        ("ap_ufixed<16,-1001>", "integer bits -1001 are outside the supported range -1000...1000"),
        ("ap_fixed<16,99999999999999999999>", "the integer bits must be within -1000...1000, got 99999999999999999999"),
        ("ap_fixed<16,-9223372036854775809>", "the integer bits must be within -1000...1000, got -9223372036854775809"),
        ("ap_fixed<9223372036854775807,6>", "width 9223372036854775807 is outside the supported range 1...64"),
        ("ap_fixed<-9223372036854775808,-9223372036854775808>", "width -9223372036854775808 is outside the supported range 1...64"),
        ("ap_fixed<99999999999999999999,6>", "the width must be within 1...64, got 99999999999999999999"),
        ("ap_int<9223372036854775807>", "width 9223372036854775807 is outside the supported range 1...64"),
        ("ap_int<-9223372036854775808>", "width -9223372036854775808 is outside the supported range 1...64"),
        ("ap_uint<9223372036854775807>", "width 9223372036854775807 is outside the supported range 1...63"),
        ("ap_uint<99999999999999999999>", "the width must be within 1...63, got 99999999999999999999"),
        ("ap_ufixed<9223372036854775807,1>", "width 9223372036854775807 is outside the supported range 1...63"),
        ("ap_fixed<16,6,TRN,WRAP,99999999999999999999>", "the saturation bits must be 0, got 99999999999999999999"),
        ("ap_fixed<16,6,TRN,WRAP,-9223372036854775808>", "saturation bits N = -9223372036854775808 are not supported"),
    ])
    func rejectsExtremeNumbers(text: String, fragment: String) {
        do {
            let p = try Precision(parsing: text)
            Issue.record("'\(text)' parsed as \(p)")
        } catch {
            #expect(error.description.contains("'\(text)'"), "message '\(error.description)' does not quote '\(text)'")
            #expect(error.description.contains(fragment), "message '\(error.description)' lacks '\(fragment)'")
        }
    }

    /// The integer-bit limits themselves are accepted, and the LSB weight 2^(I−W) stays an exact nonzero
    /// Double at the small end: ap_fixed<64,−1000> has LSB 2^−1064; ap_fixed<1,1000> has LSB 2^999.
    @Test func integerBitLimits() throws {
        #expect(try Precision(parsing: "ap_fixed<16,1000>") == .fixed(16, 1000))
        #expect(try Precision(parsing: "ap_ufixed<16,-1000>") == .ufixed(16, -1000))
        #expect(try Precision(parsing: "ap_fixed<64,-1000>").lsb == 0x1p-1064)
        #expect(try Precision(parsing: "ap_fixed<1,1000>").lsb == 0x1p999)
        #expect(Precision.fixed(64, -1000).value(ofRaw: 1) > 0)
        #expect(throws: PrecisionError.unsupportedIntegerBits(text: "ap_fixed<16,-9223372036854775808>",
                                                              integerBits: .min, limit: 1000)) {
            try Precision(width: 16, integerBits: .min).validate()
        }
        #expect(throws: PrecisionError.unsupportedIntegerBits(text: "ap_ufixed<8,9223372036854775807>",
                                                              integerBits: .max, limit: 1000)) {
            try Precision.ufixed(8, .max).validate()
        }
    }

    @Test func widthLimits() throws {
        #expect(throws: Never.self) { try Precision.fixed(64, 2).validate() }
        #expect(throws: Never.self) { try Precision.ufixed(63, 2).validate() }
        #expect(throws: PrecisionError.self) { try Precision.ufixed(64, 2).validate() }
        #expect(throws: PrecisionError.self) { try Precision.fixed(0, 0).validate() }
    }
}

struct RawFromDoubleTests {
    @Test func exactBinaryValues() {
        let p = Precision.fixed(16, 6)                       // LSB 2^−10
        #expect(p.raw(fromDouble: 1.28125) == 1312)          // 1.28125 · 1024
        #expect(p.raw(fromDouble: -0.71875) == -736)
        #expect(p.raw(fromDouble: 31.9990234375) == 32767)   // the maximum
        #expect(p.raw(fromDouble: -32) == -32768)            // the minimum
        #expect(p.raw(fromDouble: 0.0009765625) == 1)        // one LSB
        #expect(p.raw(fromDouble: -0.0) == 0)
        #expect(Precision.fixed(8, 3).raw(fromDouble: 2.5) == 80)
        #expect(Precision.ufixed(8, -1).raw(fromDouble: 0.3) == 153)   // 153.6 floored: 0.298828125
        #expect(Precision.ufixed(8, -1, .round).raw(fromDouble: 0.3) == 154)
    }

    @Test func quantizationOfDoubles() {
        // 0.1 is not a binary fraction: its double is 0.1000000000000000055…; · 1024 = 102.4… → 102, RND → 102.
        #expect(Precision.fixed(16, 6).raw(fromDouble: 0.1) == 102)
        #expect(Precision.fixed(16, 6).raw(fromDouble: -0.1) == -103)
        #expect(Precision.fixed(16, 6, .truncateToZero).raw(fromDouble: -0.1) == -102)
        // 1.00048828125 = 1024.5 LSB: AP_RND → 1025, AP_RND_CONV → 1024.
        #expect(Precision.fixed(16, 6, .round).raw(fromDouble: 1.00048828125) == 1025)
        #expect(Precision.fixed(16, 6, .roundConvergent).raw(fromDouble: 1.00048828125) == 1024)
        // 40.0 overflows ap_fixed<16,6>: 40960 − 65536 = −24576 (−24.0) or saturates.
        #expect(Precision.fixed(16, 6).raw(fromDouble: 40) == -24576)
        #expect(Precision.fixed(16, 6, .truncate, .saturate).raw(fromDouble: 40) == 32767)
        // 1e20 = 2^20 · 5^20 is an exact double; 1e20 mod 2^64 = 7766279631452241920.
        #expect(Precision.int(64).raw(fromDouble: 1e20) == 7_766_279_631_452_241_920)
        #expect(Precision.fixed(64, 64, .truncate, .saturate).raw(fromDouble: 1e20) == Int64.max)
        #expect(Precision.fixed(64, 64, .truncate, .saturate).raw(fromDouble: -1e20) == Int64.min)
    }

    @Test func notANumberIsZero() {
        for o in OverflowMode.allCases {
            #expect(Precision.fixed(16, 6, .truncate, o).raw(fromDouble: .nan) == 0)
            #expect(Precision.ufixed(8, 3, .round, o).raw(fromDouble: -.nan) == 0)
        }
    }

    @Test(arguments: [
        (OverflowMode.wrap, Int64(0), Int64(0), Int64(0), Int64(0)),
        (.saturate, 32767, -32768, 255, 0),
        (.saturateToZero, 0, 0, 0, 0),
        (.saturateSymmetric, 32767, -32767, 255, 0),
    ])
    func infinities(mode: OverflowMode, plusSigned: Int64, minusSigned: Int64, plusUnsigned: Int64, minusUnsigned: Int64) {
        for q in QuantizationMode.allCases {
            #expect(Precision.fixed(16, 6, q, mode).raw(fromDouble: .infinity) == plusSigned)
            #expect(Precision.fixed(16, 6, q, mode).raw(fromDouble: -.infinity) == minusSigned)
            #expect(Precision.ufixed(8, 3, q, mode).raw(fromDouble: .infinity) == plusUnsigned)
            #expect(Precision.ufixed(8, 3, q, mode).raw(fromDouble: -.infinity) == minusUnsigned)
        }
    }

    @Test func tinyValues() {
        let p = Precision.fixed(16, 6)
        // A positive value far below one LSB floors to 0; a negative one floors to −1 LSB.
        #expect(p.raw(fromDouble: 1e-300) == 0)
        #expect(p.raw(fromDouble: -1e-300) == -1)
        #expect(p.raw(fromDouble: Double.leastNonzeroMagnitude) == 0)
        #expect(p.raw(fromDouble: -Double.leastNonzeroMagnitude) == -1)
        #expect(Precision.fixed(16, 6, .truncateToZero).raw(fromDouble: -1e-300) == 0)
        #expect(Precision.fixed(16, 6, .round).raw(fromDouble: -1e-300) == 0)
        #expect(Precision.fixed(16, 6, .round).raw(fromDouble: 1e-300) == 0)
        #expect(Precision.fixed(16, 6, .roundToMinusInfinity).raw(fromDouble: -1e-300) == 0)
        #expect(Precision.ufixed(8, 3).raw(fromDouble: -1e-300) == 255)            // −1 LSB wraps
        #expect(Precision.ufixed(8, 3, .truncate, .saturate).raw(fromDouble: -1e-300) == 0)
        // Half an LSB exactly, as a double: 2^−11.
        #expect(Precision.fixed(16, 6, .round).raw(fromDouble: 0x1p-11) == 1)
        #expect(Precision.fixed(16, 6, .roundConvergent).raw(fromDouble: 0x1p-11) == 0)
        #expect(Precision.fixed(16, 6, .roundToInfinity).raw(fromDouble: -0x1p-11) == -1)
        #expect(Precision.fixed(16, 6, .roundToZero).raw(fromDouble: -0x1p-11) == 0)
    }
}

struct PrecisionArithmeticTests {
    @Test func productType() {
        // ap_fixed<16,6> · ap_fixed<12,4>: widths and integer bits add.
        #expect(Precision.product(.fixed(16, 6), .fixed(12, 4)) == .fixed(28, 10))
        #expect(Precision.product(.ufixed(8, 2), .ufixed(8, -1)) == .ufixed(16, 1))
        #expect(Precision.product(.fixed(8, 3), .ufixed(8, -1)) == .fixed(16, 2))
        #expect(Precision.product(.fixed(10, 12), .fixed(12, -2)) == .fixed(22, 10))
    }

    @Test func sumType() {
        // ap_fixed<16,6> + ap_ufixed<8,2> (RType::plus): the unsigned operand needs a sign bit, so
        // I = max(6 + 0, 2 + 1) + 1 = 7; F = max(10, 6) = 10; W = 17; signed.
        #expect(Precision.sum(.fixed(16, 6), .ufixed(8, 2)) == .fixed(17, 7))
        #expect(Precision.sum(.ufixed(8, 2), .fixed(16, 6)) == .fixed(17, 7))
        // ap_ufixed<8,7> + ap_fixed<4,2>: I = max(7 + 1, 2 + 0) + 1 = 9; F = max(1, 2) = 2.
        #expect(Precision.sum(.ufixed(8, 7), .fixed(4, 2)) == .fixed(11, 9))
        // Same signedness: one carry bit.
        #expect(Precision.sum(.fixed(16, 6), .fixed(12, 4)) == .fixed(17, 7))
        #expect(Precision.sum(.ufixed(8, 3), .ufixed(8, 0)) == .ufixed(12, 4))
        // Negative integer bits: ap_fixed<12,−2> + ap_fixed<8,1>: I = 2, F = max(14, 7) = 14.
        #expect(Precision.sum(.fixed(12, -2), .fixed(8, 1)) == .fixed(16, 2))
    }

    /// The sum type holds every exact sum: checked over all raw pairs of two small types.
    @Test func sumTypeHoldsEverySum() {
        for (a, b) in [(Precision.fixed(4, 2), Precision.ufixed(3, 1)), (.ufixed(4, 3), .fixed(3, -1)),
                       (.fixed(3, 3), .fixed(5, 1))] {
            let s = Precision.sum(a, b)
            for x in a.minRaw...a.maxRaw {
                for y in b.minRaw...b.maxRaw {
                    let exact = a.value(ofRaw: x) + b.value(ofRaw: y)
                    let raw = s.raw(fromDouble: exact)
                    #expect(s.value(ofRaw: raw) == exact, "\(a) \(x) + \(b) \(y) in \(s)")
                }
            }
        }
    }

    @Test(arguments: [(1, 0), (2, 1), (3, 2), (4, 2), (5, 3), (57, 6), (64, 6), (65, 7)])
    func accumulationGrowth(terms: Int, bits: Int) {
        // ceil(log2(terms)).
        #expect(Precision.accumulationGrowth(terms: terms) == bits)
    }
}

/// Steele, Lea and Flood's SplitMix64 generator (the one `java.util.SplittableRandom` uses), so that
/// `{random: {seed: 1, scale: 0.25}}` gives the same weights on every machine and in every language.
public struct SplitMix64: RandomNumberGenerator, Sendable, Equatable {
    /// The generator's state; the seed is the initial state.
    public private(set) var state: UInt64

    /// Starts the sequence from `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform value in [0, 1): the top 53 bits of `next()` times 2⁻⁵³.
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// A uniform value in [`center` − `halfWidth`, `center` + `halfWidth`).
    public mutating func nextUniform(center: Double = 0, halfWidth: Double) -> Double {
        center + halfWidth * (2 * nextUnit() - 1)
    }

    /// A uniform index in 0..<`bound` (`bound` > 0), by multiply-shift of `next()`.
    public mutating func nextIndex(below bound: Int) -> Int {
        guard bound > 1 else { return 0 }
        return Int(next().multipliedFullWidth(by: UInt64(bound)).high)
    }
}

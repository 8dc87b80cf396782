import Testing
@testable import Design

/// SplitMix64 against values worked out from the published algorithm (Steele, Lea, Flood 2014):
/// state += 0x9E3779B97F4A7C15; z = (z ^ z>>30)·0xBF58476D1CE4E5B9; z = (z ^ z>>27)·0x94D049BB133111EB; z ^ z>>31.
@Suite struct SplitMix64Tests {
    @Test func publishedFirstValues() {
        var zero = SplitMix64(seed: 0)
        #expect(zero.next() == 0xE220_A839_7B1D_CDAF)   // the widely quoted first output for seed 0
        #expect(zero.next() == 0x6E78_9E6A_A1B9_65F4)
        var one = SplitMix64(seed: 1)
        #expect(one.next() == 0x910A_2DEC_8902_5CC1)
        #expect(one.next() == 0xBEEB_8DA1_658E_EC67)
    }

    @Test func uniformFromTheFirstDraw() {
        // (0x910A2DEC89025CC1 >> 11) · 2⁻⁵³ = 0.5665615751722809; 0.25 · (2u − 1) = 0.03328078758614045.
        var generator = SplitMix64(seed: 1)
        #expect(generator.nextUniform(halfWidth: 0.25) == 0.03328078758614045)
    }

    @Test func indicesStayInRange() {
        var generator = SplitMix64(seed: 9)
        for bound in 1...50 { #expect((0..<bound).contains(generator.nextIndex(below: bound))) }
    }
}

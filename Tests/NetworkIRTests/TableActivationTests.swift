import FixedPoint
import Testing
@testable import NetworkIR

/// Hand-checked entries of hls4ml's activation tables, their indices, the softmax's top-bit slicing, its adder
/// tree and argmax (hls4ml v1.3.0 `nnet_activation.h`, `nnet_common.h`). Expected raw values are worked out
/// in the comments from the formulas, never taken from the code under test.
struct TableActivationTests {
    /// ap_fixed<18,8>: 10 fractional bits, truncation (floor).
    static let table = LookupActivation.defaultTablePrecision
    /// ap_fixed<16,6>: 10 fractional bits.
    static let input = Precision.fixed(16, 6)

    // MARK: Table entries

    /// Entry i of a symmetric table is f(2R·(i − N/2)/N), N = 1024, stored in ap_fixed<18,8> by floor(f·1024):
    /// - sigmoid (R = 8) entry 512: x = 0, 1/(1 + e^0) = 0.5 exactly → 512;
    /// - sigmoid entry 0: x = −8, 1/(1 + e^8) = 3.3535e−4 → 0.3434 → 0;
    /// - sigmoid entry 576: x = 16·64/1024 = 1, 0.7310585786 · 1024 = 748.604 → 748;
    /// - sigmoid entry 1023: x = 7.984375, 0.99965937 · 1024 = 1023.651 → 1023;
    /// - tanh (R = 4) entry 576: x = 8·64/1024 = 0.5, tanh 0.5 = 0.4621171573 · 1024 = 473.208 → 473;
    /// - softplus entry 512: x = 0, log 2 = 0.6931471806 · 1024 = 709.78 → 709;
    /// - softsign entry 768: x = 16·256/1024 = 4, 4/5 · 1024 = 819.2 → 819.
    /// ELU/SELU entry i is f(−8·i/N):
    /// - ELU entry 64: x = −0.5, e^−0.5 − 1 = −0.3934693403 · 1024 = −402.91 → −403;
    /// - ELU entry 1023: x = −7.9921875, (e^x − 1) · 1024 = −1023.654 → −1024;
    /// - SELU entry 64: 1.0507009874 · 1.6732632424 · (e^−0.5 − 1) · 1024 = −708.36 → −709.
    @Test(arguments: [
        (LookupFunction.sigmoid, 512, Int64(512)), (.sigmoid, 0, 0), (.sigmoid, 576, 748), (.sigmoid, 1023, 1023),
        (.tanh, 576, 473), (.softplus, 512, 709), (.softsign, 768, 819),
        (.elu, 64, -403), (.elu, 1023, -1024), (.selu, 64, -709),
    ])
    func tableEntry(_ function: LookupFunction, _ index: Int, _ raw: Int64) {
        let entries = LookupActivation(function: function).table(in: Self.table)
        #expect(entries.count == 1024)
        #expect(entries[index] == raw, "\(function)[\(index)]")
    }

    // MARK: Table indices

    /// index = int(x · N / 2R) + N/2, toward zero, clamped (N = 1024; sigmoid 2R = 16, tanh 2R = 8), x in
    /// ap_fixed<16,6> (raw = x · 1024):
    /// - tanh x = 0.5 (raw 512): trunc(0.5 · 128) + 512 = 576;
    /// - sigmoid x = −0.0234375 (raw −24): x · 64 = −1.5 → −1 (toward zero; floor would give −2) → 511;
    /// - tanh x = −0.01171875 (raw −12): x · 128 = −1.5 → −1 → 511;
    /// - sigmoid x = 9 (raw 9216): 576 + 512 = 1088 → clamped to 1023; x = −9: −576 + 512 = −64 → 0.
    /// ELU: index = min(int(x · N / −8), N − 1) = min(trunc(−128 · x), 1023):
    /// - x = −0.5 (raw −512): 64; x = −0.005859375 (raw −6): 0.75 → 0;
    /// - x = −8 (raw −8192): 1024 → 1023; x = −9 (raw −9216): 1152 → 1023.
    @Test(arguments: [
        (LookupFunction.tanh, Int64(512), 576), (.sigmoid, -24, 511), (.tanh, -12, 511), (.sigmoid, 9216, 1023), (.sigmoid, -9216, 0),
        (.elu, -512, 64), (.elu, -6, 0), (.elu, -8192, 1023), (.elu, -9216, 1023),
    ])
    func tableIndex(_ function: LookupFunction, _ raw: Int64, _ index: Int) {
        #expect(LookupActivation(function: function).index(ofRaw: raw, fractionalBits: Self.input.fractionalBits) == index)
    }

    /// ELU evaluated: x = −9 (raw −9216) uses the clamped entry 1023 = −1024 (−1.0, see above) times α = 1
    /// (ap_ufixed<1,1>) → result ap_fixed<16,6> raw −1024; x = 0.5 (raw 512) passes through (x ≥ 0) → 512;
    /// x = −0.5 → entry 64 = −403 → −403 (both types have 10 fractional bits).
    @Test func eluEvaluation() throws {
        let layer = Layer(name: "elu", operation: .lookup(LookupActivation(function: .elu)), inputSize: 3,
                          precision: LayerPrecision(result: .fixed(16, 6), parameter: .ufixed(1, 1), extra: ["table": Self.table]))
        let compiled = try CompiledLayer(layer: layer, inputPrecision: Self.input)
        #expect(compiled.evaluate([-9216, 512, -512]) == [-1024, 512, -403])
    }

    // MARK: Softmax

    /// The top log2(N) = 10 bits of the raw pattern, as an unsigned index:
    /// - ap_ufixed<15,5> (10 fractional bits): index = raw >> 5; 1.5 (raw 1536) → 48, 0.03 (raw 30) → 0,
    ///   the largest value (raw 32767) → 1023;
    /// - ap_fixed<18,8> (signed): index = (raw mod 2^18) >> 8; 1.0 (raw 1024) → 4, −1.0 (raw −1024, pattern
    ///   261120) → 1020, the largest (raw 131071) → 511, the smallest (raw −131072, pattern 131072) → 512.
    @Test(arguments: [
        (Precision.ufixed(15, 5), Int64(1536), 48), (.ufixed(15, 5), 30, 0), (.ufixed(15, 5), 32767, 1023),
        (.fixed(18, 8), 1024, 4), (.fixed(18, 8), -1024, 1020), (.fixed(18, 8), 131071, 511), (.fixed(18, 8), -131072, 512),
    ])
    func softmaxIndex(_ precision: Precision, _ raw: Int64, _ index: Int) {
        #expect(SoftmaxParameters.index(ofRaw: raw, precision: precision, size: 1024) == index)
    }

    /// The value whose top bits are the index (hls4ml's softmax_real_val_from_idx): ap_ufixed<15,5> index 48 →
    /// raw 48·32 = 1536 → 1.5; ap_fixed<18,8> index 1020 → pattern 1020·256 = 261120, sign-extended −1024 →
    /// −1.0; index 512 → −131072 → −128.
    @Test func softmaxValueOfIndex() {
        #expect(SoftmaxParameters.value(ofIndex: 48, precision: .ufixed(15, 5), size: 1024) == 1.5)
        #expect(SoftmaxParameters.value(ofIndex: 1020, precision: .fixed(18, 8), size: 1024) == -1.0)
        #expect(SoftmaxParameters.value(ofIndex: 512, precision: .fixed(18, 8), size: 1024) == -128.0)
    }

    /// Tables in ap_fixed<18,8,AP_RND,AP_SAT> (raw = round(v · 1024), saturating at 131071):
    /// - stable exp table over inp_norm_t ap_ufixed<15,5>: entry 0 → e^−0 = 1 → 1024; entry 32 → d = 32·32/1024
    ///   = 1 → e^−1 · 1024 = 376.71 → 377; entry 1023 → d = 31.96875 → e^−d · 1024 = 1.3e−11 → 0;
    /// - latency exp table over the input ap_fixed<16,6> (top 10 of 16 bits, steps of 64 raw = 0.0625):
    ///   entry 16 → x = 1 → e · 1024 = 2783.52 → 2784; entry 1023 → pattern 65472 = raw −64 → x = −0.0625 →
    ///   e^−0.0625 · 1024 = 961.96 → 962; entry 511 → x = 31.9375 → e^x ≫ 128 → 131071; entry 512 → x = −32 → 0;
    /// - inverse table over inv_inp_t ap_fixed<18,8>: entry 4 → 1/1 → 1024; entry 12 → 1/3 · 1024 = 341.33 →
    ///   341; entry 1020 → 1/−1 → −1024; entry 0 → 1/0 = +∞ → saturates at 131071.
    @Test func softmaxTables() {
        let entry = SoftmaxParameters.defaultTablePrecision
        let stable = SoftmaxParameters(implementation: .stable).expTable(address: .ufixed(15, 5), entry: entry)
        #expect([stable[0], stable[32], stable[1023]] == [1024, 377, 0])
        let latency = SoftmaxParameters(implementation: .latency).expTable(address: Self.input, entry: entry)
        #expect([latency[16], latency[1023], latency[511], latency[512]] == [2784, 962, 131071, 0])
        let inverse = SoftmaxParameters().inverseTable(address: .fixed(18, 8), entry: entry)
        #expect([inverse[4], inverse[12], inverse[1020], inverse[0]] == [1024, 341, -1024, 131071])
    }

    /// hls4ml's `reduce`: the left part has 2^floor(log2(n − 1)) terms, every partial sum cast to T. With
    /// T = ap_fixed<4,4,AP_TRN,AP_SAT> (integers −8…7) the tree shape shows:
    /// - n = 5, [−2, −7, 7, 4, 3], left 4 + 1: ((−2 − 7 → −8) + (7 + 4 → 7)) = −1, then −1 + 3 = 2
    ///   (a sequential sum gives −8, −1, 3, 6; a 3 + 2 split gives (−8 + 7) + 7 = 6);
    /// - n = 8, [6, −4, −4, −6, −5, −5, 4, 6], left 4 + 4: ((6 − 4) + (−4 − 6 → −8)) = −6 and
    ///   ((−5 − 5 → −8) + (4 + 6 → 7)) = −1, total −7 (a sequential sum gives 2).
    @Test func reduceTreeShape() {
        let type = Precision.fixed(4, 4, .truncate, .saturate)
        let five: [Int64] = [-2, -7, 7, 4, 3], eight: [Int64] = [6, -4, -4, -6, -5, -5, 4, 6]
        #expect(five.withUnsafeBufferPointer { CompiledLayer.treeSum($0, in: type) } == 2)
        #expect(eight.withUnsafeBufferPointer { CompiledLayer.treeSum($0, in: type) } == -7)
    }

    /// argmax: result_t(1) at the first largest input (`data[i] > maximum` is strict), 0 elsewhere;
    /// ap_fixed<16,6> 1.0 is raw 1024.
    @Test func argmaxPicksTheFirstMaximum() throws {
        let layer = Layer(name: "argmax", operation: .softmax(SoftmaxParameters(implementation: .argmax)), inputSize: 4,
                          precision: LayerPrecision(result: .fixed(16, 6)))
        let compiled = try CompiledLayer(layer: layer, inputPrecision: Self.input)
        #expect(compiled.evaluate([1024, 3072, 3072, 2048]) == [0, 1024, 0, 0])
        #expect(compiled.evaluate([-5, -5, -5, -5]) == [1024, 0, 0, 0])
    }
}

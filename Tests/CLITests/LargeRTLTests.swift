import Foundation
import Testing

/// A Dense layer far too large for RTL: `rtl` and `verify` refuse it from an estimate before generating anything
/// (issue #10: `rtl` of a 4096 × 4096 Dense used to allocate ~5 GB and abort; 2048 × 2048 keeps the test quick).
struct LargeRTLTests {
    static let design = """
        name: huge
        input: {size: 2048, precision: "ap_fixed<16,6>"}
        config: {ClockPeriod: 5, Model: {Precision: {default: "ap_fixed<16,6>", accum: auto}}}
        layers:
          - {name: wide, class: Dense, units: 2048, kernel: 0.3, bias: 0}
        """

    // 2048 · 2048 = 4,194,304 products of a non-power-of-two weight plus about as many adders, at about 160 bytes
    // each: about 1.3 GB, far above the 256 MB default; the layer is named with the field to change.
    @Test func hugeDenseIsRefusedBeforeGeneration() throws {
        let url = try CommandLineErrorTests.scratch("huge.yml", Self.design)
        let out = url.deletingLastPathComponent().appendingPathComponent("rtl")
        let outcome = try CommandLineErrorTests.run(["rtl", url.path, "--out", out.path])
        #expect(outcome.status == 1)
        #expect(outcome.output.contains("layer 'wide', field 'ReuseFactor'"), "\(outcome.output)")
        #expect(outcome.output.contains("above the 256 MB limit"), "\(outcome.output)")
        #expect(!FileManager.default.fileExists(atPath: out.path), "no output folder for a refused design")
        let verify = try CommandLineErrorTests.run(["verify", url.path, "--build-dir", out.path, "--no-waveforms", "--count", "1", "--max-rtl-mb", "100"])
        #expect(verify.status == 1)
        #expect(verify.output.contains("above the 100 MB limit"), "\(verify.output)")
        let usage = try CommandLineErrorTests.run(["rtl", url.path, "--max-rtl-mb", "0"])
        #expect(usage.status == 64)
        #expect(usage.output.contains("--max-rtl-mb must be at least 1"))
    }
}

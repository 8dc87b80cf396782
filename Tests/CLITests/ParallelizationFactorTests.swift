import Foundation
import Testing

/// `--parallelization-factor` on the design commands and on `import`.
struct ParallelizationFactorTests {
    /// cnn_ae keeps hls4ml's default ParallelizationFactor 1: its three convolutions loop over their 12 × 4 = 48
    /// output pixels (II 48). With 48 every pixel is computed at once, and the design is back to II 1 (README,
    /// "Every design"); 16 gives 3 partitions.
    @Test func overrideSetsEveryConvolution() throws {
        func run(_ extra: [String]) throws -> String {
            let outcome = try CommandLineErrorTests.run(["simulate", "Designs/cnn_ae.yml", "--count", "4"] + extra)
            #expect(outcome.status == 0, "\(outcome.output)")
            return outcome.output
        }
        #expect(try run([]).contains("latency 171 cycles = 855.0 ns, II 48 cycles"))
        let full = try run(["--parallelization-factor", "48"])
        #expect(full.contains("latency 28 cycles = 140.0 ns, II 1 cycles"), "\(full)")
        #expect(full.contains("ParallelizationFactor overridden to 48 for every convolution"))
        let three = try run(["--parallelization-factor", "16"])
        #expect(three.contains("II 3 cycles"), "\(three)")
        #expect(three.contains("3 partitions of 16 pixel(s) (ParallelizationFactor 16)"), "\(three)")
    }

    /// A Model ParallelizationFactor that the LayerName entries hide is noted (hls4ml's rule); the command-line
    /// override then sets every convolution, and the note goes.
    @Test func overrideClearsTheHiddenModelNote() throws {
        let text = try String(contentsOf: CommandLineErrorTests.root.appendingPathComponent("Designs/cnn_ae.yml"), encoding: .utf8)
            .replacingOccurrences(of: "    Strategy: Latency\n  LayerName:", with: "    Strategy: Latency\n    ParallelizationFactor: 4\n  LayerName:")
        let url = try CommandLineErrorTests.scratch("hidden.yml", text)
        let hidden = try CommandLineErrorTests.run(["simulate", url.path, "--timing-only"])
        #expect(hidden.status == 0 && hidden.output.contains("layer 'conv1': Model ParallelizationFactor 4 does not apply"), "\(hidden.output)")
        #expect(hidden.output.contains("II 48 cycles"))
        let overridden = try CommandLineErrorTests.run(["simulate", url.path, "--timing-only", "--parallelization-factor", "16"])
        #expect(overridden.status == 0 && !overridden.output.contains("does not apply"), "\(overridden.output)")
        #expect(overridden.output.contains("II 3 cycles"), "\(overridden.output)")
    }

    @Test(arguments: [["simulate", "Designs/cnn_ae.yml"], ["import", "model.h5"]])
    func nonPositiveFactorIsAUsageError(command: [String]) throws {
        let outcome = try CommandLineErrorTests.run(command + ["--parallelization-factor", "0"])
        #expect(outcome.status == 64, "\(outcome.output)")
        #expect(outcome.output.contains("--parallelization-factor must be a positive integer, got 0"), "\(outcome.output)")
    }
}

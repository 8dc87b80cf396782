import Foundation
import Testing

/// The user's path for a trained model: `pipewright import MODEL.h5 -o DESIGN.yml`, then
/// `pipewright verify DESIGN.yml --inputs VECTORS.h5:x` (simulator = Verilator RTL).
struct ImportVerifyTests {
    static let fixtures = CommandLineErrorTests.root.deletingLastPathComponent().appendingPathComponent("shared/fixtures")

    @Test(.enabled(if: CommandLineErrorTests.verilatorInstalled, "verilator is not on PATH"))
    func importedKerasModelVerifiesAgainstVerilator() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pipewright-import-\(UUID().uuidString)")
        let design = directory.appendingPathComponent("flow_mlp_k2.yml")
        let imported = try CommandLineErrorTests.run(["import", Self.fixtures.appendingPathComponent("keras/flow_mlp_k2.h5").path, "-o", design.path])
        #expect(imported.status == 0, "\(imported.output)")
        #expect(FileManager.default.fileExists(atPath: design.path))
        let verified = try CommandLineErrorTests.run([
            "verify", design.path, "--inputs", Self.fixtures.appendingPathComponent("keras/flow_mlp_k2_vectors.h5").path + ":x",
            "--count", "24", "--no-waveforms", "--build-dir", directory.appendingPathComponent("rtl").path,
        ])
        #expect(verified.status == 0, "\(verified.output)")
        #expect(verified.output.contains("MATCH") && verified.output.contains("compared 24 inferences"), "\(verified.output)")
    }

    /// `--default-precision` with integer bits at Int's limits used to trap in precision inference; now it
    /// is one error naming the option and the supported range, a normal non-zero exit and no design file.
    @Test(arguments: ["9223372036854775807", "-9223372036854775808"])
    func extremeDefaultPrecisionIsAnErrorNamingTheOption(_ integerBits: String) throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("pipewright-default-\(UUID().uuidString).yml")
        let outcome = try CommandLineErrorTests.run(["import", "--default-precision", "ap_fixed<16,\(integerBits)>",
                                                     Self.fixtures.appendingPathComponent("keras/flow_mlp_k2.h5").path, "-o", out.path])
        #expect(outcome.reason == .exit && outcome.status != 0, "status \(outcome.status): \(outcome.output)")
        let errors = outcome.output.split(separator: "\n").filter { $0.hasPrefix("Error:") }
        #expect(errors.count == 1, "\(outcome.output)")
        #expect(outcome.output.contains("--default-precision") && outcome.output.contains("ap_fixed<16,\(integerBits)>")
                && outcome.output.contains("integer bits \(integerBits) are outside the supported range -1000...1000"), "\(outcome.output)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    /// `import -o FILE` keeps an existing FILE (one error naming it and --force, non-zero exit, content
    /// unchanged) and replaces it with --force.
    @Test func importKeepsAnExistingDesignUnlessForced() throws {
        let existing = try CommandLineErrorTests.scratch("mine.yml", "# hand-edited design\n")
        defer { try? FileManager.default.removeItem(at: existing.deletingLastPathComponent()) }
        let model = Self.fixtures.appendingPathComponent("keras/flow_mlp_k2.h5").path
        let refused = try CommandLineErrorTests.run(["import", model, "-o", existing.path])
        #expect(refused.reason == .exit && refused.status != 0, "\(refused.output)")
        let errors = refused.output.split(separator: "\n").filter { $0.hasPrefix("Error:") }
        #expect(errors.count == 1 && errors[0].contains(existing.path) && errors[0].contains("already exists")
                && errors[0].contains("--force"), "\(refused.output)")
        #expect(try String(contentsOf: existing, encoding: .utf8) == "# hand-edited design\n")

        let forced = try CommandLineErrorTests.run(["import", model, "-o", existing.path, "--force"])
        #expect(forced.status == 0, "\(forced.output)")
        let text = try String(contentsOf: existing, encoding: .utf8)
        #expect(text.contains("Imported from flow_mlp_k2.h5") && text.contains("layers:"), "\(text.prefix(300))")
    }

    /// The options of the hls4ml runs in fixtures/hls4ml (an io_stream run, the latency softmax, a logits
    /// result set to ap_fixed<16,6>) reach the written design.
    @Test func importTakesTheOptionsOfTheHLS4MLRuns() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("pipewright-activations-\(UUID().uuidString).yml")
        defer { try? FileManager.default.removeItem(at: out) }
        let outcome = try CommandLineErrorTests.run([
            "import", Self.fixtures.appendingPathComponent("keras/activations.h5").path, "-o", out.path, "--io-type", "io_stream",
            "--softmax-implementation", "latency", "--layer-precision", "logits.result=ap_fixed<16,6>",
        ])
        #expect(outcome.status == 0, "\(outcome.output)")
        #expect(outcome.output.contains("note: logits: Precision.result set to ap_fixed<16,6> (import option)"), "\(outcome.output)")
        let text = try String(contentsOf: out, encoding: .utf8)
        #expect(text.contains("  IOType: io_stream\n"))
        #expect(text.contains("    logits:\n      Precision: { result: \"ap_fixed<16,6>\","), "\(text.prefix(2000))")
        #expect(text.contains("    class: Softmax\n    implementation: latency\n"))
        #expect(text.contains("    class: Activation\n    activation: sigmoid\n    table_size: 1024\n"))
    }

    @Test(arguments: [
        (["--softmax-implementation", "fast"], "--softmax-implementation must be stable, latency or argmax, got fast"),
        (["--io-type", "io_serial"], "--io-type must be io_parallel or io_stream, got io_serial"),
        (["--layer-precision", "logits"], "--layer-precision 'logits': expected LAYER.KEY=TYPE"),
        (["--layer-precision", "logits.result=ap_fixed<16"], "--layer-precision 'logits.result=ap_fixed<16': invalid precision"),
        (["--layer-precision", "nowhere.result=ap_fixed<8,3>"], "LayerName.nowhere.Precision.result: the converted model has no layer 'nowhere'"),
    ])
    func badImportOptionIsOneErrorAndNoDesign(_ arguments: [String], _ message: String) throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("pipewright-badoption-\(UUID().uuidString).yml")
        let outcome = try CommandLineErrorTests.run(["import", Self.fixtures.appendingPathComponent("keras/activations.h5").path,
                                                     "-o", out.path] + arguments)
        #expect(outcome.reason == .exit && outcome.status != 0, "\(outcome.output)")
        let errors = outcome.output.split(separator: "\n").filter { $0.hasPrefix("Error:") }
        #expect(errors.count == 1 && errors[0].contains(message), "\(outcome.output)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test func importOfANonKerasFileIsOneErrorAndNoDesign() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("pipewright-nokeras-\(UUID().uuidString).yml")
        let outcome = try CommandLineErrorTests.run(["import", Self.fixtures.appendingPathComponent("hls4ml/flow_mlp_vectors.h5").path, "-o", out.path])
        #expect(outcome.status != 0)
        #expect(outcome.output.contains("flow_mlp_vectors.h5") && outcome.output.contains("model_config"), "\(outcome.output)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }
}

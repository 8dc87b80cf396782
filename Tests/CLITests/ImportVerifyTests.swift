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

    @Test func importOfANonKerasFileIsOneErrorAndNoDesign() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("pipewright-nokeras-\(UUID().uuidString).yml")
        let outcome = try CommandLineErrorTests.run(["import", Self.fixtures.appendingPathComponent("hls4ml/flow_mlp_vectors.h5").path, "-o", out.path])
        #expect(outcome.status != 0)
        #expect(outcome.output.contains("flow_mlp_vectors.h5") && outcome.output.contains("model_config"), "\(outcome.output)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }
}

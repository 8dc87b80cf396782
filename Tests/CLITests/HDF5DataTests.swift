import Foundation
import Testing
import Design
import HDF5
import NetworkIR

/// `--inputs FILE.h5:DATASET` and `--outputs FILE.h5` through the real executable.
struct HDF5DataTests {
    static let vectors = CommandLineErrorTests.root.deletingLastPathComponent()
        .appendingPathComponent("shared/fixtures/hls4ml/dnn_vae_encoder_vectors.h5")

    @Test func everyEventIsEvaluatedIntoTheOutputFile() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("pipewright-out-\(UUID().uuidString).h5")
        defer { try? FileManager.default.removeItem(at: out) }
        let outcome = try CommandLineErrorTests.run(["simulate", "Designs/dnn_vae_encoder.yml", "--timing-only",
                                                     "--inputs", "\(Self.vectors.path):x", "--outputs", out.path])
        #expect(outcome.status == 0, "\(outcome.output)")
        let file = try HDF5File.open(out)
        let raw = try file.readDoubles("y_raw"), real = try file.readDoubles("y")
        #expect(raw.shape == [1000, 3] && real.shape == [1000, 3])
        #expect(try file.stringAttribute("output_precision") == "ap_fixed<8,3,AP_RND,AP_SAT>")
        // The same events evaluated in one piece here must equal the chunked stream.
        let design = try DesignLoader.load(CommandLineErrorTests.root.appendingPathComponent("Designs/dnn_vae_encoder.yml"))
        let evaluator = FixedPointEvaluator(network: design.network)
        let x = try HDF5File.open(Self.vectors).readDoubles("x")
        for event in stride(from: 0, to: 1000, by: 97) {
            let expected = evaluator.evaluate(evaluator.quantizeInput(Array(x.values[(event * 57)..<((event + 1) * 57)])))
            #expect(raw.values[(event * 3)..<((event + 1) * 3)].map { Int64($0) } == expected)
            #expect(real.values[event * 3] == Double(expected[0]) / 32)   // ap_fixed<8,3>: LSB 2^-5
        }
    }

    @Test(arguments: [("x_missing", "not found"), ("y_float", "3 values per event")])
    func badDatasetIsOneErrorAndNoOutputFile(dataset: String, words: String) throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("pipewright-bad-\(UUID().uuidString).h5")
        let outcome = try CommandLineErrorTests.run(["simulate", "Designs/dnn_vae_encoder.yml", "--inputs", "\(Self.vectors.path):\(dataset)",
                                                     "--outputs", out.path])
        #expect(outcome.status != 0)
        #expect(outcome.output.contains("dnn_vae_encoder_vectors.h5") && outcome.output.contains(dataset) && outcome.output.contains(words),
                "\(outcome.output)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test func datasetOfWrongRankIsAnError() throws {
        // A rank-1 dataset: write one to a scratch file.
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pipewright-rank-\(UUID().uuidString).h5")
        defer { try? FileManager.default.removeItem(at: url) }
        try HDF5File.create(url).writeDoubles("flat", shape: [57], values: Array(repeating: 0.5, count: 57))
        let outcome = try CommandLineErrorTests.run(["simulate", "Designs/dnn_vae_encoder.yml", "--inputs", "\(url.path):flat"])
        #expect(outcome.status != 0)
        #expect(outcome.output.contains(url.lastPathComponent) && outcome.output.contains("/flat") && outcome.output.contains("rank"),
                "\(outcome.output)")
    }
}

import Foundation
import Support
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
        let raw = try file.readInt64s("y_raw"), real = try file.readDoubles("y")
        // Two outputs side by side: μ (3 values, ap_fixed<8,3>) and the KL score (1, ap_fixed<16,9>).
        #expect(raw.shape == [1000, 4] && real.shape == [1000, 4])
        #expect(try file.stringAttribute("output_precision") == "ap_fixed<8,3,AP_RND,AP_SAT>")
        #expect(try file.stringAttribute("outputs") == "mu 0..<3 ap_fixed<8,3,AP_RND,AP_SAT>; kl 3..<4 ap_fixed<16,9,AP_RND,AP_SAT>")
        // The same events evaluated in one piece here must equal the chunked stream.
        let design = try DesignLoader.load(CommandLineErrorTests.root.appendingPathComponent("Designs/dnn_vae_encoder.yml"))
        let evaluator = try FixedPointEvaluator(network: design.network)
        let x = try HDF5File.open(Self.vectors).readDoubles("x")
        for event in stride(from: 0, to: 1000, by: 97) {
            let expected = evaluator.evaluate(evaluator.quantizeInput(Array(x.values[(event * 57)..<((event + 1) * 57)])))
            #expect(Array(raw.values[(event * 4)..<((event + 1) * 4)]) == expected)
            #expect(real.values[event * 4] == Double(expected[0]) / 32)   // ap_fixed<8,3>: LSB 2^-5
            #expect(real.values[event * 4 + 3] == Double(expected[3]) / 128)   // ap_fixed<16,9>: LSB 2^-7
        }
    }

    /// y_raw is int64: raw results above 2^53 keep every bit (a float64 dataset rounded them). One Dense of
    /// ap_int<64> with kernel [2^40, 1]: x = (2^20, 1) gives 2^60 + 1, x = (−2^20, 3) gives −2^60 + 3.
    @Test func rawOutputsAboveTwoTo53AreExact() throws {
        let design = try CommandLineErrorTests.scratch("big.yml", """
            name: big
            input: { size: 2, precision: "ap_int<64>" }
            config:
              Model:
                Precision: { default: "ap_int<64>", weight: "ap_int<64>", bias: "ap_int<8>", accum: "ap_int<64>" }
            layers:
              - { name: fc1, class: Dense, units: 1, kernel: [[1099511627776], [1]], bias: [0] }
            """)
        let directory = design.deletingLastPathComponent()
        defer { try? FileManager.default.removeItem(at: directory) }
        let inputs = directory.appendingPathComponent("x.h5"), out = directory.appendingPathComponent("y.h5")
        try HDF5File.create(inputs).writeDoubles("x", shape: [2, 2], values: [1_048_576, 1, -1_048_576, 3])
        let outcome = try CommandLineErrorTests.run(["simulate", design.path, "--timing-only", "--inputs", "\(inputs.path):x",
                                                     "--outputs", out.path])
        #expect(outcome.status == 0, "\(outcome.output)")
        #expect(outcome.output.contains("y_raw: int64"), "\(outcome.output)")
        let file = try HDF5File.open(out)
        let raw = try file.readInt64s("y_raw")
        #expect(raw.shape == [2, 1])
        #expect(raw.values == [1_152_921_504_606_846_977, -1_152_921_504_606_846_973])   // 2^60 + 1, −2^60 + 3
        // The real values are doubles: 2^60 + 1 rounds to 2^60, −2^60 + 3 to −2^60.
        #expect(try file.readDoubles("y").values == [0x1p60, -0x1p60])
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

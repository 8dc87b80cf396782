import Foundation
import Testing

/// A seeded mutation fuzzer over the HDF5 files users feed Pipewright (issue #10): an event file
/// (`simulate --inputs FILE:DATASET`) and a Keras model (`import`). Each mutant runs through the executable, so
/// that a crash inside libhdf5 is seen as a signal instead of ending the test process. Every run must exit 0,
/// or 1 with one error line and no output file; never a signal, never a hang. CI runs a bounded number; run
/// more with `PIPEWRIGHT_FUZZ_HDF5=2000 swift test --filter HDF5FuzzTests`; a failure prints its seed.
struct HDF5FuzzTests {
    static let iterations = Int(ProcessInfo.processInfo.environment["PIPEWRIGHT_FUZZ_HDF5"] ?? "") ?? 40
    static let fixtures = CommandLineErrorTests.root.appendingPathComponent("../shared/fixtures/keras").standardizedFileURL

    /// Flips, overwrites with extreme bytes, zeroes runs, or truncates: 1–4 edits of the file's bytes.
    static func mutate(_ data: Data, seed: UInt64) -> Data {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        func next(_ bound: Int) -> Int {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return Int(state % UInt64(max(bound, 1)))
        }
        var bytes = [UInt8](data)
        for _ in 0...next(4) {
            let at = next(bytes.count)
            switch next(5) {
            case 0: bytes[at] ^= UInt8(1 << next(8))
            case 1: bytes[at] = [0x00, 0xFF, 0x7F, 0x80][next(4)]
            case 2: for k in at..<min(bytes.count, at + 1 + next(64)) { bytes[k] = 0 }
            case 3: for k in at..<min(bytes.count, at + 8) { bytes[k] = 0xFF }
            default: bytes.removeSubrange(max(at, 512)..<bytes.count)
            }
        }
        return Data(bytes)
    }

    /// Seconds a run may take before it counts as a hang (and is killed).
    static let timeout: Double = 60

    /// Runs the executable with the hang limit. A libhdf5 call that loops ends after 5 s with Pipewright's own
    /// error (HDF5CrashGuard), well before that limit.
    static func run(_ arguments: [String]) throws -> CommandLineErrorTests.Outcome {
        try CommandLineErrorTests.run(arguments, environment: ["PIPEWRIGHT_HDF5_CALL_TIMEOUT": "5"], timeout: timeout)
    }

    static func check(_ name: String, seed: UInt64, source: URL, arguments: (URL, URL) -> [String]) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pipewright-h5fuzz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let mutant = folder.appendingPathComponent("mutant.h5"), output = folder.appendingPathComponent("out")
        try mutate(try Data(contentsOf: source), seed: seed).write(to: mutant)
        let outcome = try run(arguments(mutant, output))
        #expect(!outcome.hung, "\(name) seed \(seed): no answer after \(Int(timeout)) s")
        if outcome.reason != .exit || outcome.hung {
            // Keep the crashing file for the regression test.
            let kept = FileManager.default.temporaryDirectory.appendingPathComponent("pipewright-h5fuzz-crash-\(seed).h5")
            try? FileManager.default.removeItem(at: kept)
            try? FileManager.default.copyItem(at: mutant, to: kept)
        }
        #expect(outcome.reason == .exit, "\(name) seed \(seed): ended by signal \(outcome.status) (mutant kept as pipewright-h5fuzz-crash-\(seed).h5 in the temporary folder)\n\(outcome.output.prefix(400))")
        #expect(outcome.status == 0 || outcome.status == 1, "\(name) seed \(seed): status \(outcome.status)\n\(outcome.output.prefix(400))")
        if outcome.status == 1 {
            #expect(outcome.output.split(separator: "\n").filter { $0.hasPrefix("Error: ") }.count == 1, "\(name) seed \(seed): \(outcome.output.prefix(400))")
            #expect(!FileManager.default.fileExists(atPath: output.path), "\(name) seed \(seed): output written despite the error")
        }
    }

    /// First seed (`PIPEWRIGHT_FUZZ_HDF5_FIRST`, default 1): to go on where an earlier run stopped.
    static let firstSeed = UInt64(ProcessInfo.processInfo.environment["PIPEWRIGHT_FUZZ_HDF5_FIRST"] ?? "") ?? 1
    static var seeds: ClosedRange<UInt64> { firstSeed...(firstSeed + UInt64(max(iterations, 1)) - 1) }

    @Test func mutatedEventFilesReadOrFailCleanly() throws {
        let source = Self.fixtures.appendingPathComponent("flow_mlp_k2_vectors.h5")
        let design = CommandLineErrorTests.root.appendingPathComponent("Designs/flow_vt.yml").path
        for seed in Self.seeds {
            try Self.check("simulate --inputs", seed: seed, source: source) { mutant, output in
                ["simulate", design, "--inputs", mutant.path + ":x", "--count", "50", "--json", output.path]
            }
        }
    }

    @Test func mutatedKerasModelsImportOrFailCleanly() throws {
        let source = Self.fixtures.appendingPathComponent("flow_mlp.h5")
        for seed in Self.seeds {
            try Self.check("import", seed: seed, source: source) { mutant, output in
                ["import", mutant.path, "-o", output.path]
            }
        }
    }

    /// The mutant the fuzzer found to make libhdf5 1.10.8 loop for ever (in H5C_protect under H5HG_read, the
    /// same damaged global heap): one error line after the call timeout (5 s in these tests), status 1.
    @Test func mutantThatHungLibhdf5IsOneError() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pipewright-h5hang-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let mutant = folder.appendingPathComponent("model.h5"), output = folder.appendingPathComponent("model.yml")
        try Self.mutate(try Data(contentsOf: Self.fixtures.appendingPathComponent("flow_mlp.h5")), seed: 250).write(to: mutant)
        let outcome = try Self.run(["import", mutant.path, "-o", output.path])
        #expect(!outcome.hung && outcome.reason == .exit && outcome.status == 1, "status \(outcome.status) (\(outcome.reason))")
        #expect(outcome.output.contains("Error: \(mutant.path): libhdf5 did not return within 5 s reading it: the file is damaged"), "\(outcome.output)")
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }

    /// The mutants the fuzzer found to crash libhdf5 1.10.8 (SIGSEGV in H5HG_read, reading a Keras model's
    /// variable-length strings from a damaged global heap): now one error line naming the file, status 1.
    @Test(arguments: [UInt64(21), 96])
    func mutantsThatCrashedLibhdf5AreOneError(_ seed: UInt64) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pipewright-h5crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let mutant = folder.appendingPathComponent("model.h5"), output = folder.appendingPathComponent("model.yml")
        try Self.mutate(try Data(contentsOf: Self.fixtures.appendingPathComponent("flow_mlp.h5")), seed: seed).write(to: mutant)
        let outcome = try CommandLineErrorTests.run(["import", mutant.path, "-o", output.path])
        #expect(outcome.reason == .exit && outcome.status == 1, "status \(outcome.status) (\(outcome.reason))")
        #expect(outcome.output.contains("Error: \(mutant.path): libhdf5 crashed reading it: the file is damaged"), "\(outcome.output)")
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }
}

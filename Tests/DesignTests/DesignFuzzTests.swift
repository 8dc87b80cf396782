import Foundation
import Testing
import FixedPoint
import NetworkIR
import Scheduling
@testable import Design

/// A seeded mutation fuzzer over the design-file parser, precision strings and device profiles: every mutant
/// must load, or fail with a `DesignError` / `PrecisionError` — a trap ends the test process, so any crash fails
/// the run. Loaded designs are also validated and scheduled. CI runs a bounded number; run more with
/// `PIPEWRIGHT_FUZZ_ITERATIONS=100000 swift test --filter DesignFuzzTests`.
struct DesignFuzzTests {
    static let iterations = Int(ProcessInfo.processInfo.environment["PIPEWRIGHT_FUZZ_ITERATIONS"] ?? "") ?? 1500

    /// The corpus: every shipped design (but the 100 KB dnn_ae, whose weights only slow mutation down) and the
    /// small designs of the tests.
    static var corpus: [String] {
        let designs = ["flow_vt", "dnn_vae_encoder", "dnn_ae"].compactMap {
            try? String(contentsOf: TestSupport.designs.appendingPathComponent("\($0).yml"), encoding: .utf8)
        }
        return designs + [TestSupport.small, GraphDesignTests.skip]
    }

    /// Tokens a mutation may insert: extreme numbers, YAML syntax, precision fragments, names.
    static let tokens = ["-9223372036854775808", "9223372036854775807", "1e308", "-1e308", "nan", ".inf", "-.inf", "0",
                         "-1", "4294967297", "0.0000001", "ap_fixed<64,-1000>", "ap_ufixed<63,1000,AP_RND,AP_SAT_SYM>",
                         "ap_int<0>", "ap_fixed<2,1,AP_RND_CONV,AP_SAT_ZERO>", "auto", "[", "]", "{", "}", ":", "- ", "\"",
                         "'", "#", "&a", "*a", "!!binary", "|", ">", "\n", "  ", "input", "Concatenate", "Add", "io_stream",
                         "inputs: [input, input]", "inputs: [fc1, fc1]", "FIFODepth: { x: 0 }", "ReuseFactor: 1000000",
                         "ClockPeriod: 0.0001", "ClockUncertainty: 99.9%"]

    static func mutate(_ text: String, _ random: inout SplitMix64) -> String {
        var characters = Array(text.unicodeScalars)
        for _ in 0..<(1 + random.nextIndex(below: 4)) {
            guard !characters.isEmpty else { break }
            let at = random.nextIndex(below: characters.count)
            switch random.nextIndex(below: 6) {
            case 0: characters.remove(at: at)
            case 1:
                let end = min(characters.count, at + 1 + random.nextIndex(below: 40))
                characters.removeSubrange(at..<end)
            case 2: characters.insert(contentsOf: tokens[random.nextIndex(below: tokens.count)].unicodeScalars, at: at)
            case 3:
                // Replace a number-like run with an extreme token.
                var end = at
                while end < characters.count, "-0123456789.e".unicodeScalars.contains(characters[end]) { end += 1 }
                characters.replaceSubrange(at..<end, with: tokens[random.nextIndex(below: 10)].unicodeScalars)
            case 4:
                // Duplicate a line.
                let lines = String(String.UnicodeScalarView(characters)).components(separatedBy: "\n")
                var copy = lines
                let line = random.nextIndex(below: lines.count)
                copy.insert(lines[line], at: random.nextIndex(below: lines.count))
                characters = Array(copy.joined(separator: "\n").unicodeScalars)
            default:
                characters[at] = Unicode.Scalar(UInt8(32 + random.nextIndex(below: 95)))
            }
        }
        return String(String.UnicodeScalarView(characters))
    }

    @Test func mutatedDesignsLoadOrFailCleanly() throws {
        var random = SplitMix64(seed: 20261129)
        let corpus = Self.corpus
        let folder = try TestSupport.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var loaded = 0, rejected = 0
        for _ in 0..<Self.iterations {
            let text = Self.mutate(corpus[random.nextIndex(below: corpus.count)], &random)
            do {
                let design = try DesignLoader.load(yaml: text, source: folder.appendingPathComponent("fuzz.yml"),
                                                   profileSearchPaths: [TestSupport.profiles])
                try design.network.validate()
                _ = try? Scheduler.schedule(design.network, options: design.options)
                loaded += 1
            } catch is DesignError {
                rejected += 1
            } catch is NetworkError {
                rejected += 1
            }
        }
        print("design fuzzing: \(Self.iterations) mutants, \(loaded) loaded, \(rejected) rejected with an error, 0 crashes")
        #expect(loaded + rejected == Self.iterations)
    }

    @Test func mutatedPrecisionStringsParseOrFailCleanly() {
        var random = SplitMix64(seed: 7)
        let seeds = ["ap_fixed<16,6>", "ap_ufixed<8,3,AP_RND_CONV,AP_SAT>", "ap_int<8>", "ap_uint<63>", "ap_fixed<10,12,AP_RND_ZERO,AP_SAT_SYM>"]
        var parsed = 0
        for _ in 0..<(Self.iterations * 4) {
            let text = Self.mutate(seeds[random.nextIndex(below: seeds.count)], &random)
            if let precision = try? Precision(parsing: text) {
                parsed += 1
                // Whatever parses must be usable: a cast of extreme raw values does not trap.
                _ = precision.quantize(Int128(Int64.min) << 20, fractionalBits: 3)
                _ = precision.raw(fromDouble: -1e300)
            }
        }
        print("precision fuzzing: \(Self.iterations * 4) mutants, \(parsed) parsed")
    }

    @Test func mutatedDeviceProfilesLoadOrFailCleanly() throws {
        var random = SplitMix64(seed: 11)
        let original = try String(contentsOf: TestSupport.profiles.appendingPathComponent("xcvu9p-2.yml"), encoding: .utf8)
        let folder = try TestSupport.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for index in 0..<(Self.iterations / 5) {
            let url = folder.appendingPathComponent("p\(index % 4).yml")
            try Self.mutate(original, &random).write(to: url, atomically: true, encoding: .utf8)
            if let profile = try? DeviceProfileLoader.load(from: url) {
                _ = profile.multiplier(widthA: 64, widthB: 64)
                _ = profile.adderDelay(width: 128)
            }
        }
    }
}

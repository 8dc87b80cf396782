import Foundation
import Testing

/// `rtl` writes the same Verilog on every run. Swift seeds its hashing per process, so anything built in a
/// dictionary's order changes between runs: the softmax's reduce-tree registers used to be named that way, which
/// made the Verilog of an argmax or table softmax differ from run to run (and missed the Verilator build cache).
struct RTLDeterminismTests {
    static let design = """
        name: tree
        input: {size: 8, precision: "ap_fixed<12,4>"}
        config: {ClockPeriod: 1.2, Model: {Precision: {default: "ap_fixed<16,6>"}}}
        layers:
          - {name: pick, class: Softmax, implementation: argmax, inputs: [input]}
          - {name: prob, class: Softmax, inputs: [input]}
          - {name: both, class: Concatenate, inputs: [pick, prob]}
        """

    @Test func verilogIsTheSameOnEveryRun() throws {
        let url = try CommandLineErrorTests.scratch("tree.yml", Self.design)
        var runs: [[String: Data]] = []
        for run in 0..<4 {
            let out = url.deletingLastPathComponent().appendingPathComponent("rtl\(run)")
            let outcome = try CommandLineErrorTests.run(["rtl", url.path, "--out", out.path],
                                                        environment: ["SWIFT_DETERMINISTIC_HASHING": nil])
            #expect(outcome.status == 0, "\(outcome.output)")
            let names = try FileManager.default.contentsOfDirectory(atPath: out.path).filter { $0.hasSuffix(".v") }
            #expect(names.count == 6, "\(names)")   // the top, the input fork, two softmax blocks, a delay line, the concatenation
            runs.append(try Dictionary(uniqueKeysWithValues: names.map { ($0, try Data(contentsOf: out.appendingPathComponent($0))) }))
        }
        let softmax = try #require(runs[0]["tree_pick.v"].flatMap { String(data: $0, encoding: .utf8) })
        #expect(softmax.contains("t_"), "the argmax keeps tree registers between levels at 1.2 ns")
        for run in runs.dropFirst() { #expect(run == runs[0]) }
    }
}

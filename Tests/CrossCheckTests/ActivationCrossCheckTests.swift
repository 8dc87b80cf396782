import Foundation
import Testing
import Design
import FixedPoint
import NetworkIR
import Scheduling
import Simulation
@testable import CrossCheck

/// Every table activation and every softmax implementation in mixed precisions, table sizes and modes, fed
/// by one input that spans beyond the tables' ranges (clamped indices, negative and positive branches).
let everyActivationDesign = """
name: every_activation
input: { size: 6, precision: "ap_fixed<12,5>" }
config:
  ClockPeriod: CLOCK
  Model: { Precision: "ap_fixed<16,6>" }
  LayerName:
    sig: { Precision: { result: "ap_ufixed<10,1>", table: "ap_fixed<14,4>" } }
    th: { Precision: { result: "ap_fixed<10,2,AP_RND,AP_SAT>" } }
    sp: { Precision: { result: "ap_fixed<12,5>", table: "ap_ufixed<12,4,AP_RND>" } }
    el: { Precision: { result: "ap_fixed<12,4,AP_RND_CONV,AP_SAT>", param: "ap_ufixed<4,0>" } }
    se: { Precision: { result: "ap_fixed<14,5>" } }
    ht: { Precision: { result: "ap_fixed<8,2,AP_RND,AP_SAT>", slope: "ap_ufixed<8,0>" } }
    smx: { Precision: { result: "ap_ufixed<12,1,AP_RND,AP_SAT>", accum: "ap_fixed<16,6,AP_RND,AP_SAT>", inv_inp: "ap_fixed<16,6,AP_RND,AP_SAT>" } }
    lat: { Precision: { result: "ap_ufixed<10,1>" } }
    arg: { Precision: { result: "ap_ufixed<2,1>" } }
layers:
  - { name: sig, class: Activation, activation: sigmoid, inputs: input }
  - { name: th, class: Activation, activation: tanh, table_size: 256, inputs: input }
  - { name: sp, class: Activation, activation: softplus, inputs: input }
  - { name: ss, class: Activation, activation: softsign, table_size: 64, inputs: input }
  - { name: el, class: ELU, alpha: 0.75, inputs: input }
  - { name: se, class: Activation, activation: selu, inputs: input }
  - { name: hs, class: Activation, activation: hard_sigmoid, inputs: input }
  - { name: ht, class: Activation, activation: hard_tanh, slope: 0.25, shift: 0.5, inputs: input }
  - { name: c1, class: Concatenate, inputs: [sig, th] }
  - { name: c2, class: Concatenate, inputs: [sp, ss] }
  - { name: c3, class: Concatenate, inputs: [el, se] }
  - { name: c4, class: Concatenate, inputs: [hs, ht] }
  - { name: c5, class: Concatenate, inputs: [c1, c2] }
  - { name: c6, class: Concatenate, inputs: [c3, c4] }
  - { name: smx, class: Softmax, inputs: c6, table_size: 512 }
  - { name: lat, class: Softmax, implementation: latency, inputs: c5 }
  - { name: arg, class: Softmax, implementation: argmax, inputs: c5 }
  - { name: c7, class: Concatenate, inputs: [lat, arg] }
  - { name: probs, class: Concatenate, inputs: [smx, c7] }
"""

struct ActivationCrossCheckTests {
    /// At 5 ns most kinds fit one stage; at 1.6 ns the softmax trees and ROM reads spread over registers.
    @Test(.enabled(if: verilatorAvailable, "verilator is not on PATH"), arguments: [5.0, 1.6])
    func everyActivationIsBitExactInRTL(_ clock: Double) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pipewright-every-activation-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("every_activation.yml")
        try everyActivationDesign.replacingOccurrences(of: "CLOCK", with: "\(clock)").write(to: url, atomically: true, encoding: .utf8)
        let loaded = try DesignLoader.load(url)
        #expect(loaded.network.layers.prefix(8).map(\.kindName) == ["Sigmoid", "TanH", "Softplus", "Softsign", "ELU", "SELU", "HardSigmoid", "HardTanh"])
        // Inputs over about ±12: beyond every table's range, both signs, ties for the argmax from saturated values.
        let inputs = InputVectors.random(count: 48, size: 6, seed: 11).map { $0.map { $0 * 5 } }
        let run = try crossCheck(loaded.network, options: loaded.options, inputs: inputs, outReady: "1101", directory: "every_activation-\(clock)ns")
        #expect(run.comparison.comparedTransfers == 48 * run.schedule.graph.channels.count)
        if clock < 2 {
            let softmax = run.schedule.blocks.first { $0.layerName == "smx" }!
            #expect(softmax.latencyCycles >= 4, "the stable softmax at 1.6 ns should be spread over several stages: \(softmax.stageSummary)")
        }
    }

    /// The VCD holds what the .gtkw shows — ports and channels — not the thousands of datapath wires (issue #10);
    /// `traceInternals` (`--trace-all`) restores them. Every signal the save file names is in the default VCD.
    @Test(.enabled(if: verilatorAvailable, "verilator is not on PATH"))
    func waveformsTraceWhatTheViewShows() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pipewright-trace-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("every_activation.yml")
        try everyActivationDesign.replacingOccurrences(of: "CLOCK", with: "5").write(to: url, atomically: true, encoding: .utf8)
        let loaded = try DesignLoader.load(url)
        let inputs = InputVectors.random(count: 4, size: 6, seed: 3)
        var sizes: [Bool: Int] = [:]
        for all in [false, true] {
            let waves = folder.appendingPathComponent(all ? "all" : "viewed")
            let run = try Verification.run(network: loaded.network, options: loaded.options, inputs: inputs,
                                           buildDirectory: crossCheckDirectory("every_activation-trace-\(all)"), optimization: testBuild, waveformDirectory: waves,
                                           traceInternals: all)
            #expect(run.comparison.matches)
            let vcd = try String(contentsOf: waves.appendingPathComponent("every_activation.vcd"), encoding: .utf8)
            sizes[all] = vcd.utf8.count
            // Datapath names of the lookup blocks (ROM reads `entry_k`, indices `idx_k`) appear only in the full trace.
            #expect(vcd.contains(" entry_0 ") == all)
            if !all {
                let gtkw = try String(contentsOf: waves.appendingPathComponent("every_activation.gtkw"), encoding: .utf8)
                let shown = gtkw.split(separator: "\n").filter { $0.hasPrefix("every_activation.") || $0.hasPrefix("TOP.") }
                for line in shown {
                    let name = line.split(separator: ".").last.map { String($0.split(separator: "[").first ?? "") } ?? ""
                    #expect(vcd.contains(" \(name) "), "\(line) is shown but not traced")
                }
            }
        }
        // Measured: 82 KB against 402 KB here (a small datapath); flow_vt's 32 events: 123 KB against 9.3 MB.
        #expect(sizes[false]! * 3 < sizes[true]!, "viewed-only VCD \(sizes[false]!) bytes, full \(sizes[true]!)")
    }
}

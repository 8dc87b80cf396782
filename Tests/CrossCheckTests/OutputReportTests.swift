import Foundation
import Testing
import Design
import Scheduling
@testable import Reports

/// `simulate`/`verify` reports name a design's outputs when it has several (text and JSON).
struct OutputReportTests {
    @Test func severalOutputsAreNamedInTheReport() throws {
        let loaded = try DesignLoader.load(repositoryRoot.appendingPathComponent("Designs/dnn_vae_encoder.yml"))
        let report = DesignTiming(schedule: try Scheduler.schedule(loaded.network, options: loaded.options))
        #expect(report.outputs == [OutputTiming(layer: "mu", elements: 3, precision: "ap_fixed<8,3,AP_RND,AP_SAT>"),
                                   OutputTiming(layer: "kl", elements: 1, precision: "ap_fixed<16,9,AP_RND,AP_SAT>")])
        #expect(report.scheduleTable().contains("outputs (together, side by side in out_data): mu (3 × ap_fixed<8,3,AP_RND,AP_SAT>), kl (1 × "))
        #expect(try report.json().contains("\"outputs\""))
        // One output: no outputs line.
        let flow = try DesignLoader.load(repositoryRoot.appendingPathComponent("Designs/flow_vt.yml"))
        let single = DesignTiming(schedule: try Scheduler.schedule(flow.network, options: flow.options))
        #expect(single.outputs.map(\.layer) == ["score"] && !single.scheduleTable().contains("outputs ("))
    }
}

import ArgumentParser
import CrossCheck
import Design
import Foundation
import Support
import Reports
import Scheduling

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the timing-only sweep speed, bit-exact throughput against Verilator, and time to the first latency number.",
        discussion: """
        EXAMPLES:
          pipewright bench
          pipewright bench --events 5000 --json bench.json
        """)

    @Option(help: "Design files of the timing-only sweep (each in every --io-types).")
    var designs: [String] = ["Designs/flow_vt.yml", "Designs/dnn_vae_encoder.yml", "Designs/dnn_ae.yml"]

    @Option(name: .customLong("io-types"), help: "IOTypes of the sweep and the long runs (io_parallel, io_stream).")
    var ioTypes: [String] = ["io_parallel", "io_stream"]

    @Option(help: "Design files of the long timing-only runs (each in every --io-types).")
    var cycleDesigns: [String] = ["Designs/flow_vt.yml", "Designs/dnn_ae.yml", "Designs/cnn_ae.yml"]

    @Option(help: "Inferences of each long timing-only run.")
    var cycleEvents: Int = 100_000

    @Option(help: "Design whose bit-exact throughput is compared with Verilator.")
    var throughputDesign: String = "Designs/flow_vt.yml"

    @Option(help: "Inferences for the throughput comparison.")
    var events: Int = 20_000

    @Option(help: "Write the figures as JSON to this file.")
    var json: String?

    func run() throws {
        let types = try ioTypes.map { text -> IOType in
            guard let type = IOType(rawValue: text.lowercased()) else { throw ValidationError("--io-types takes io_parallel and io_stream, got \(text)") }
            return type
        }
        let loaded = try designs.flatMap { path in
            let design = try DesignLoader.load(URL(fileURLWithPath: path))
            return types.map { design.applying(ioType: $0) }
        }
        let cycle = try cycleDesigns.flatMap { path in
            let design = try DesignLoader.load(URL(fileURLWithPath: path))
            return types.map { design.applying(ioType: $0) }.map { ($0.network, $0.options) }
        }
        let target = try DesignLoader.load(URL(fileURLWithPath: throughputDesign))
        let report = try Benchmark.run(designs: loaded.map { ($0.network, $0.options, $0.clockUncertainty) }, reuseFactors: [1, 2, 4, 8, 16, 32],
                                       clockPeriods: [2.5, 3.33, 5, 10], sweepTokens: 100,
                                       throughputDesign: (target.network, target.options), events: events,
                                       buildDirectory: URL(fileURLWithPath: "build/bench/\(target.network.name)"),
                                       cycleDesigns: cycle, cycleTokens: cycleEvents)
        if let json {
            try OutputFile.write(try JSONText.encode(report), to: URL(fileURLWithPath: json))
        }
        print(report.summary, terminator: "")
    }
}

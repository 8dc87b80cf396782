import ArgumentParser
import CrossCheck
import Design
import Foundation
import Support
import Reports
import Scheduling
import Simulation

/// `pipewright fifo-size DESIGN`: the smallest FIFO depths that keep the design's latency and II.
struct FIFOSizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fifo-size",
        abstract: "Find by simulation the smallest depth of every FIFO that keeps the design's latency and II.",
        discussion: """
        The reference is a timing-only run with FIFOs that never fill (what hls4ml's co-simulation sizing uses); \
        each FIFO is then lowered to the smallest depth that keeps the first and worst latency and the total \
        cycles of back-to-back inputs (and of --out-ready's sink pattern). -o writes a copy of the design with \
        config.FIFODepth set; verify it to cross-check the sized RTL.

        EXAMPLES:
          pipewright fifo-size Designs/flow_vt.yml --io-type io_stream -o sized.yml
          pipewright verify sized.yml
        """)

    @OptionGroup var designArguments: DesignArguments

    @Option(name: [.short, .customLong("output")], help: "Write the sized design here (a copy with config.FIFODepth set).")
    var output: String?

    @Option(help: "Inferences per simulation.")
    var count = 64

    @Option(name: .customLong("out-ready"), help: "Repeating out_ready pattern of the sink, e.g. 1101; 1 is always ready.")
    var outReady = "1"

    @Flag(help: "Overwrite the output file if it exists.")
    var force = false

    func run() throws {
        guard count >= 2 else { throw ValidationError("--count must be at least 2 (the II needs two inferences), got \(count)") }
        guard let pattern = SimulationOptions.pattern(outReady) else {
            throw ValidationError("--out-ready must be a pattern of 0 and 1 such as 1101, got \(outReady)")
        }
        if let output, !force, FileManager.default.fileExists(atPath: output) {
            throw ValidationError("\(output) exists; pass --force to overwrite it")
        }
        try designArguments.withDesign { design in
            let result = try FIFOSizing.size(network: design.network, options: design.options, tokens: count, outReadyPattern: pattern)
            print(FIFOSizingReport.render(result, design: design.network.name, clockPeriodNs: design.options.clockPeriodNs))
            if let output {
                let text = try String(contentsOfFile: designArguments.design, encoding: .utf8)
                guard let edited = DesignFileEditor.settingConfig(text, fifoDepths: result.depths,
                                                                  ioType: design.options.ioType.rawValue) else {
                    throw ValidationError("\(designArguments.design): config is an inline {…} mapping; write it as a block to let fifo-size edit it")
                }
                try OutputFile.write(edited, to: URL(fileURLWithPath: output))
                print("wrote \(output) (config.FIFODepth, IOType \(design.options.ioType.rawValue))")
            }
        }
    }
}

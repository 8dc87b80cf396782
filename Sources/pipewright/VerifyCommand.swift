import ArgumentParser
import CrossCheck
import Design
import Foundation
import Support
import Toolchain
import Reports

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Simulate a design and run its Verilator-built RTL on the same inputs; compare every transfer cycle and output bit.",
        discussion: """
        Exits with status 2 on any mismatch, printing the first difference (cycle, signal, both values).

        EXAMPLES:
          pipewright verify Designs/flow_vt.yml
          pipewright verify Designs/flow_vt.yml --reuse-factor 4 --inputs events.h5:x --count 200
        """)

    @OptionGroup var designArguments: DesignArguments
    @OptionGroup var inputArguments: InputArguments

    @Option(name: .customLong("build-dir"), help: "Where the RTL is generated and built (default: build/verify/<design>-rf<RF>-<clock>ns).")
    var buildDirectory: String?

    @OptionGroup var rtlArguments: RTLArguments

    @Option(help: "Directory for <design>.vcd (or .fst with --fst) and <design>.gtkw.")
    var waveforms: String = "Waveforms"

    @Flag(name: .customLong("no-waveforms"), help: "Do not write the VCD and GTKWave files.")
    var noWaveforms = false

    @Flag(name: .customLong("quick-build"), help: """
        Compile the Verilated model without C++ optimization (-O0): the build is 2-3 times faster \
        (cnn_ae at 2.5 ns: 88 s instead of 228 s) and the model runs slower, which suits a few hundred events.
        """)
    var quickBuild = false

    @Option(help: "Write the side-by-side report as JSON to this file.")
    var json: String?

    @Option(help: """
        Write the bit-exact outputs of every input event to this HDF5 file: dataset y (float64 real values) \
        and y_raw (int64 raw values: the integer held by the result precision's W bits, two's complement \
        and sign-extended for signed types), one row per event.
        """)
    var outputs: String?

    func run() throws {
        try designArguments.withDesign { design in try run(design) }
    }

    func run(_ design: LoadedDesign) throws {
        let inputs = try inputArguments.vectors(size: design.network.inputSize, limit: inputArguments.count)
        let rf = design.options.defaultImplementation.reuseFactor
        let period = String(format: "%g", design.options.clockPeriodNs)
        let directory = URL(fileURLWithPath: buildDirectory ?? "build/verify/\(design.network.name)-rf\(rf)-\(period)ns")
        let run = try Verification.run(network: design.network, options: design.options, inputs: inputs,
                                       outReadyPattern: try inputArguments.pattern(), buildDirectory: directory,
                                       optimization: quickBuild ? .quickBuild : .optimized,
                                       waveformDirectory: noWaveforms ? nil : URL(fileURLWithPath: waveforms),
                                       maximumRTLMegabytes: rtlArguments.maximumMegabytes, traceInternals: rtlArguments.traceAll,
                                       waveformFormat: rtlArguments.waveformFormat)
        let report = DesignTiming(schedule: run.schedule, simulated: run.comparison.simulated, rtl: run.comparison.rtl,
                                  comparison: run.comparison)
        if let json { try OutputFile.write(try report.json(), to: URL(fileURLWithPath: json)) }
        if let outputs, run.comparison.matches {
            try inputArguments.writeOutputs(of: design, to: URL(fileURLWithPath: outputs), inputs: inputs)
        }
        print(report.crossCheckTable(), terminator: "")
        print(String(format: "simulator %.4f s; Verilator build %.1f s%@; RTL run %.3f s (%d cycles)",
                     run.simulatorSeconds, run.buildSeconds, run.model.reusedCache ? " (cached)" : "", run.rtlSeconds, run.trace.cycles))
        if let waveform = run.waveform, let gtkw = run.gtkw {
            let here = FileManager.default.currentDirectoryPath + "/"
            func shown(_ url: URL) -> String { url.path.hasPrefix(here) ? String(url.path.dropFirst(here.count)) : url.path }
            print("waveform: \(shown(waveform))\ngtkwave:  gtkwave \(shown(gtkw))")
        }
        if !run.comparison.matches {
            for mismatch in run.comparison.mismatches.prefix(5) { print("  \(mismatch)") }
            throw ExitCode(2)
        }
    }
}

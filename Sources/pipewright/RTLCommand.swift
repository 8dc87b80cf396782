import ArgumentParser
import Design
import Foundation
import Support
import RTL
import Toolchain
import Reports
import Scheduling

struct RTLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rtl",
        abstract: "Generate the Verilog of a design (one module per block) and its Verilator C++ harness (harness.cpp and the generated harness_design.h).",
        discussion: """
        EXAMPLES:
          pipewright rtl Designs/flow_vt.yml --out build/rtl/flow_vt
          pipewright rtl Designs/flow_vt.yml --reuse-factor 2 --build
          pipewright rtl Designs/flow_vt.yml --fst --out build/rtl/flow_vt_fst
        """)

    @OptionGroup var designArguments: DesignArguments

    @OptionGroup var rtlArguments: RTLArguments

    @Option(help: "Output directory; build/rtl/<design> when not given.")
    var out: String?

    @Flag(help: "Also build the model with Verilator (verilator must be on PATH).")
    var build = false

    func run() throws {
        try designArguments.withDesign { design in try run(design) }
    }

    func run(_ design: LoadedDesign) throws {
        try design.network.validate()
        let schedule = try Scheduler.schedule(design.network, options: design.options)
        let rtl = try RTLGenerator.generate(network: design.network, schedule: schedule, maximumMegabytes: rtlArguments.maximumMegabytes,
                                              traceInternals: rtlArguments.traceAll)
        let directory = URL(fileURLWithPath: out ?? "build/rtl/\(design.network.name)")
        let waveform = rtlArguments.waveformFormat
        let harness = VerilatorHarness.files(for: rtl)
        if build {
            let model = try VerilatorRunner.build(design: rtl, directory: directory, waveform: waveform)
            print("built \(model.executable.path) in \(String(format: "%.1f", model.buildSeconds)) s\(model.reusedCache ? " (cached)" : "")")
        } else {
            try rtl.write(to: directory, waveform: waveform, alongside: harness)
        }
        print("wrote \(rtl.files.count) Verilog files, \(harness.map(\.name).joined(separator: ", ")) and \(rtl.topModule).gtkw to \(directory.path): "
              + rtl.files.map(\.name).joined(separator: ", "))
        if !build {
            print("build: verilator --cc --exe --build -j 2 -Wall -CFLAGS -DVL_USER_FATAL \(waveform.verilatorOption) --top-module \(rtl.topModule) --Mdir \(directory.path)/obj_dir "
                  + "-o V\(rtl.topModule) \(directory.path)/*.v \(directory.path)/\(VerilatorHarness.sourceName)")
            let period = Int((schedule.options.clockPeriodNs * 1000).rounded())
            let dumpfile = "\(directory.path)/\(rtl.topModule).\(waveform.fileExtension)"
            print("run:   \(directory.path)/obj_dir/V\(rtl.topModule) INPUTS RESULTS 1 100000 \(period) \(dumpfile)")
            print("       (INPUTS: '<events> <elements>' then one line of raw integers per event; the last argument writes the "
                  + "\(waveform.fileExtension.uppercased()) that \(rtl.topModule).gtkw opens; harness.cpp's header gives every format)")
        }
        print("top module \(rtl.topModule): latency \(schedule.latencyCycles) cycles, II \(schedule.initiationInterval)")
    }
}

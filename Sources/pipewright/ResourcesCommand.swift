import ArgumentParser
import CrossCheck
import Design
import Foundation
import Support
import Reports

struct ResourcesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resources",
        abstract: "Compare the schedule's multipliers, DSPs and register bits with Yosys synth_xilinx cells of the RTL.",
        discussion: "Runs yosys -q -p \"read_verilog -sv …; synth_xilinx -top TOP -family xcup -noiopad; stat -json\" "
            + "(yosys must be on PATH). Yosys 0.23 does not flatten, so every block gets its own row. "
            + "Large designs take minutes; results are cached by content in the output directory.\n\n"
            + "EXAMPLES:\n  pipewright resources Designs/flow_vt.yml\n  pipewright resources Designs/flow_vt.yml --reuse-factor 4 --json resources.json")

    @OptionGroup var designArguments: DesignArguments

    @Option(help: "Directory for the Verilog and Yosys's statistics; build/yosys/<design>-rf<RF>-<NS>ns when not given.")
    var out: String?

    @Option(help: "Also write the comparison as JSON to this file.")
    var json: String?

    func run() throws {
        try designArguments.withDesign { design in try run(design) }
    }

    func run(_ design: LoadedDesign) throws {
        let tag = "rf\(designArguments.reuseFactor.map(String.init) ?? "design")-\(String(format: "%g", design.options.clockPeriodNs))ns"
        let directory = URL(fileURLWithPath: out ?? "build/yosys/\(design.network.name)-\(tag)")
        let comparison = try ResourceCheck.run(network: design.network, options: design.options, directory: directory)
        print(ResourceReport.render(comparison))
        if let json {
            try OutputFile.write(ResourceReport.json(comparison), to: URL(fileURLWithPath: json))
            print("wrote \(json)")
        }
    }
}

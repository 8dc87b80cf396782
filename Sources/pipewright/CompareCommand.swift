import ArgumentParser
import Design
import Foundation
import Support
import HLSReports
import Reports
import Scheduling

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare the predicted latency and II of every layer and of the design with a Vivado/Vitis HLS report.",
        discussion: """
        Layers are matched to report instances by hls4ml's naming (configN and function in the module name) \
        and order. Pipewright's block latency D counts its own output register, HLS's instance latency L does not: \
        D is compared with L + 1. Layers missing on either side are listed. Exits with status 2 when a \
        difference exceeds --tolerance, 0 when none does.

        EXAMPLES:
          pipewright compare Designs/calibration/argykokk_cardio_dsp_reuse1.yml --hls-report ../shared/hls_reports/argykokk_cardio_dsp_reuse1
          pipewright compare design.yml --hls-report myproject_prj/solution1/syn/report --tolerance 1 --json compare.json
        """)

    @OptionGroup var designArguments: DesignArguments

    @Option(name: .customLong("hls-report"), help: "The HLS report: a file or a folder (as for hls-report).")
    var hlsReport: String

    @Option(parsing: .unconditional, help: "Largest |difference| in cycles that still agrees.")
    var tolerance: Int = 0

    @Option(help: "Also write the comparison as JSON to this file.")
    var json: String?

    func validate() throws {
        guard tolerance >= 0 else { throw ValidationError("--tolerance must be 0 or more cycles, got \(tolerance)") }
    }

    func run() throws {
        let report = try HLSReportLoader.load(hlsReport)
        let comparison = try designArguments.withDesign { design in
            HLSComparison(schedule: try Scheduler.schedule(design.network, options: design.options), report: report, tolerance: tolerance)
        }
        guard comparison.rows.contains(where: \.isMatched) || comparison.topIsCompared else {
            throw NothingToCompare(message: "\(hlsReport): no layer of \(designArguments.design) maps to an instance of the report "
                                  + "(its instances: \(report.instances.isEmpty ? "none" : report.instances.map(\.module).joined(separator: ", ")))")
        }
        if let json { try OutputFile.write(try comparison.json(), to: URL(fileURLWithPath: json)) }
        print(comparison.render(), terminator: "")
        if let json { print("wrote \(json)") }
        if !comparison.isWithinTolerance { throw ExitCode(2) }
    }
}

/// The design and the report have no layer in common: most likely the wrong report.
struct NothingToCompare: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

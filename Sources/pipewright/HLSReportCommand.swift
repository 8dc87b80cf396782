import ArgumentParser
import Foundation
import Support
import HLSReports
import Reports

struct HLSReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hls-report",
        abstract: "Read a Vivado/Vitis HLS C-synthesis report: clock, top latency and II, resources, and every instance mapped to its hls4ml layer.",
        discussion: """
        PATH is a report file (<top>_csynth.rpt, csynth.rpt or <top>_csynth.xml) or a folder: there \
        myproject_csynth.rpt (else another <top>_csynth.rpt, csynth.rpt, the top's XML) is read, with the top's \
        XML and every per-module <module>_csynth.xml (or .rpt) beside it.

        EXAMPLES:
          pipewright hls-report myproject_prj/solution1/syn/report
          pipewright hls-report myproject_prj/solution1/syn/report/myproject_csynth.rpt --json report.json
        """)

    @Argument(help: "A report file or a folder of reports (e.g. myproject_prj/solution1/syn/report).")
    var path: String

    @Option(help: "Also write the report as JSON to this file.")
    var json: String?

    func run() throws {
        let report = try HLSReportLoader.load(path)
        if let json { try OutputFile.write(try HLSReportRendering.json(report), to: URL(fileURLWithPath: json)) }
        print(HLSReportRendering.render(report), terminator: "")
        if let json { print("wrote \(json)") }
    }
}

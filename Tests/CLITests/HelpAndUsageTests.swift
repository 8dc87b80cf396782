import Foundation
import Testing

/// Help texts, the version, and option values a user gets wrong.
struct HelpAndUsageTests {
    static let subcommands = ["simulate", "sweep", "rtl", "verify", "fifo-size", "import", "resources", "hls-report", "compare", "calibrate", "bench"]

    @Test(arguments: subcommands)
    func helpHasExamplesAndNoDoubledDefault(_ command: String) throws {
        let outcome = try CommandLineErrorTests.run([command, "--help"])
        #expect(outcome.status == 0)
        #expect(outcome.output.contains("EXAMPLES:") && outcome.output.contains("pipewright \(command) "), "\(outcome.output)")
        // Option help joined across line wraps: no option may state its default twice.
        let joined = outcome.output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        let options = joined.components(separatedBy: " --").dropFirst()
        for option in options {
            #expect(option.components(separatedBy: "(default").count <= 2, "doubled default in: --\(option)")
        }
    }

    @Test func versionIsPrinted() throws {
        let outcome = try CommandLineErrorTests.run(["--version"])
        #expect(outcome.status == 0)
        #expect(outcome.output.range(of: #"^\d+\.\d+\.\d+\n$"#, options: .regularExpression) != nil, "\(outcome.output)")
    }

    @Test(arguments: [["simulate", "Designs/flow_vt.yml"], ["import", "model.h5"]])
    func negativeClockPeriodIsRejectedAsNegative(_ command: [String]) throws {
        let outcome = try CommandLineErrorTests.run(command + ["--clock-period", "-1"])
        #expect(outcome.status == 64, "usage error")
        #expect(outcome.output.contains("--clock-period must be a positive number of ns, got -1"), "\(outcome.output)")
        #expect(!outcome.output.contains("Missing value"))
    }

    @Test func negativeReuseFactorIsRejected() throws {
        let outcome = try CommandLineErrorTests.run(["simulate", "Designs/flow_vt.yml", "--reuse-factor", "-3"])
        #expect(outcome.status == 1)
        #expect(outcome.output.contains("ReuseFactor") && outcome.output.contains("-3") && !outcome.output.contains("Missing value"),
                "\(outcome.output)")
    }
}

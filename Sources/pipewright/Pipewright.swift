// The `pipewright` command: thin subcommands over the library. Each parses its arguments, calls one
// library flow and prints; all logic lives in the library modules.
import ArgumentParser
import Support

@main
struct Pipewright: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipewright",
        abstract: "Cycle-level simulation of neural-network firmware for FPGA triggers, proved against Verilator RTL.",
        discussion: "Latency = cycles from the input transfer of an inference to its output transfer; "
            + "II = cycles between consecutive accepted inputs in steady state, measured where the results leave (docs/timing.md). "
            + "Design files: docs/design-format.md.\n\n"
            + "EXIT STATUS: 0 success; 1 a design, input, report, tool or file error; 2 verify found a mismatch, or compare a "
            + "difference beyond its tolerance; "
            + "64 a usage error (unknown option, bad option value); 128+N ended by signal N (docs/cli.md).\n\n"
            + "EXAMPLES:\n  pipewright simulate Designs/flow_vt.yml\n  pipewright verify Designs/flow_vt.yml --count 100\n"
            + "  pipewright import model.h5 -o Designs/model.yml",
        version: pipewrightVersion,
        subcommands: [SimulateCommand.self, SweepCommand.self, RTLCommand.self, VerifyCommand.self, FIFOSizeCommand.self, ImportCommand.self, ResourcesCommand.self, HLSReportCommand.self, CompareCommand.self, CalibrateCommand.self, BenchCommand.self]
    )

    /// ArgumentParser's main, after installing the SIGINT/SIGTERM handlers that end child process groups
    /// (Verilator, the harness, Yosys) and remove partial output files.
    static func main() {
        Interruption.installSignalHandlers()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            // A child ended by the signal handler makes the command fail; the handler's exit status (128 + N) wins.
            Interruption.waitIfInterrupted()
            exit(withError: error)
        }
    }
}

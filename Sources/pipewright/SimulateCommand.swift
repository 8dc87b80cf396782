import ArgumentParser
import CrossCheck
import Design
import Foundation
import Support
import HDF5
import Reports
import Simulation

struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Schedule and simulate a design cycle by cycle; print latency, II and resources per layer.",
        discussion: """
        EXAMPLES:
          pipewright simulate Designs/flow_vt.yml
          pipewright simulate Designs/flow_vt.yml --inputs events.h5:x --outputs y.h5
          pipewright simulate Designs/flow_vt.yml --csv layers.csv --design-csv design.csv
        """)

    @OptionGroup var designArguments: DesignArguments
    @OptionGroup var inputArguments: InputArguments

    @Flag(name: .customLong("timing-only"), help: "Skip the arithmetic (fast timing sweeps).")
    var timingOnly = false

    @Option(help: "Write the per-layer report as CSV to this file (one row per layer).")
    var csv: String?

    @Option(name: .customLong("design-csv"), help: "Write the design's totals (latency, II, resources) as a one-row CSV to this file.")
    var designCSV: String?

    @Option(help: "Write the report as JSON to this file.")
    var json: String?

    @Option(help: "Write a VCD waveform of the simulation (same signal names as the RTL).")
    var vcd: String?

    @Option(help: """
        Write the bit-exact outputs of every input event to this HDF5 file: dataset y (float64 real values) \
        and y_raw (int64 raw values: the integer held by the result precision's W bits, two's complement \
        and sign-extended for signed types), one row per event.
        """)
    var outputs: String?

    /// Events simulated cycle by cycle, from any input source (timing does not depend on values in these
    /// designs); --outputs covers every event.
    static let simulatedEventLimit = 4096

    func run() throws {
        try designArguments.withDesign { design in try run(design) }
    }

    func run(_ design: LoadedDesign) throws {
        // The cycle simulation covers the first events only (its memory grows with the events it records);
        // --outputs streams every event through the bit-exact evaluation.
        let inputs = try inputArguments.vectors(size: design.network.inputSize, limit: Self.simulatedEventLimit)
        let options = SimulationOptions(outReadyPattern: try inputArguments.pattern(), timingOnly: timingOnly, recordWaveform: vcd != nil)
        let run = try Pipeline.simulate(network: design.network, options: design.options, inputs: inputs, simulation: options)
        let report = DesignTiming(schedule: run.schedule, simulated: run.result.observation, blockStatistics: run.result.blocks,
                                  fifoStatistics: run.result.fifos)
        if let outputs { try inputArguments.writeOutputs(of: design, to: URL(fileURLWithPath: outputs), inputs: inputs) }
        if let csv { try OutputFile.write(report.csv(), to: URL(fileURLWithPath: csv)) }
        if let designCSV { try OutputFile.write(report.designCSV(), to: URL(fileURLWithPath: designCSV)) }
        if let json { try OutputFile.write(try report.json(), to: URL(fileURLWithPath: json)) }
        if let vcd, let waveform = run.result.waveform {
            try OutputFile.write(VCDWriter(network: run.network, schedule: run.schedule).render(waveform), to: URL(fileURLWithPath: vcd))
        }
        print(report.scheduleTable(), terminator: "")
        let latencies = run.result.latencies
        print("simulated \(latencies.count) inferences in \(run.result.cycles) cycles; latency min \(latencies.min() ?? 0) max \(latencies.max() ?? 0) cycles")
        if inputArguments.inputs == nil && inputArguments.count > latencies.count {
            print("note: the cycle simulation covers the first \(latencies.count) of the \(inputArguments.count) events (timing does not depend on values here)")
        }
        for note in design.notes { print("note: \(note)") }
    }
}

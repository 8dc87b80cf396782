import CrossCheck
import Scheduling

/// The `fifo-size` table: every FIFO's depth before and after, with its storage.
public enum FIFOSizingReport {
    public static func render(_ result: FIFOSizingResult, design: String, clockPeriodNs: Double) -> String {
        guard !result.fifos.isEmpty else {
            return "\(design): no FIFOs to size (an io_parallel design has FIFOs only as delay lines where branches join; "
                + "try --io-type io_stream)"
        }
        var table = TextTable(header: ["FIFO", "purpose", "bits", "depth before", "after", "unbounded high-water",
                                       "storage before", "storage after"])
        func storage(_ depth: Int, _ bits: Int) -> String { "\(FIFOTiming.storage(depth: depth)) \(depth * bits) b" }
        for fifo in result.fifos {
            table.add([fifo.name, fifo.purpose.rawValue, "\(fifo.widthBits)", "\(fifo.before)", "\(fifo.after)", "\(fifo.unboundedHighWater)",
                       storage(fifo.before, fifo.widthBits), storage(fifo.after, fifo.widthBits)])
        }
        func line(_ label: String, _ m: FIFOSizingResult.Measure) -> String {
            "\(label) latency \(m.latency) cycles (worst \(m.worstLatency)), II \(m.initiationInterval) = "
                + DesignTiming.number(Double(m.initiationInterval) * clockPeriodNs) + " ns, \(m.cycles) cycles in all"
        }
        let bits = { (pick: (FIFOSize) -> Int) in result.fifos.reduce(0) { $0 + pick($1) * $1.widthBits } }
        var text = "\(design): \(result.fifos.count) FIFO(s)\n\n" + table.render(leftAligned: [0, 1, 6, 7]) + "\n"
        text += line("unbounded FIFOs:", result.unbounded) + "\n"
        text += (result.before.map { line("before:          ", $0) } ?? "before:           deadlocks (a FIFO of the design is too shallow for what its fork sends)") + "\n"
        text += line("sized:           ", result.after) + "\n"
        text += "storage \(bits { $0.before }) bits before, \(bits { $0.after }) bits sized; \(result.simulations) timing-only simulations"
        return text
    }
}

/// The three report layouts read.
public enum HLSReportFormat: String, Sendable, Equatable, Encodable {
    /// `<top>_csynth.rpt`: "Vivado HLS Report for" / "Vitis HLS Report for" (Performance and Utilization
    /// Estimates, latency min/max).
    case text
    /// `csynth.rpt` of Vitis HLS 2021+: "Synthesis Summary Report of", one module tree with one latency each.
    case synthesisSummary
    /// `<top>_csynth.xml`: top-level figures only (no instance table).
    case xml
}

// HLSReports: reads the C-synthesis reports of Vivado HLS / Vitis HLS (`*_csynth.rpt`, `csynth.rpt`,
// `*_csynth.xml`) into values. It owns the report formats only: it knows nothing of Pipewright's schedule
// (the comparison lives in Reports) and does no file I/O except in `HLSReportLoader`.

/// What a Vivado HLS / Vitis HLS C-synthesis report says about one top function: tool, part, clock, the
/// top's latency and interval, its resources, and the latency and interval of every instance it calls
/// (for hls4ml firmware, one instance per layer).
public struct HLSReport: Sendable, Equatable, Encodable {
    /// The file the figures were read from (the text report when there is one).
    public var file: String
    /// Every file read for this report (text, XML, per-module reports).
    public var filesRead: [String] = []
    public var format: HLSReportFormat
    /// "Vivado HLS" or "Vitis HLS" (from the report header, or the version of an XML report).
    public var tool: String?
    /// The tool version as printed, e.g. "2021.1 (Build 3247384 on Thu Jun 10 19:36:07 MDT 2021)".
    public var version: String?
    public var topModule: String
    public var part: String?
    public var productFamily: String?
    public var clock: HLSClock?
    public var latency: CycleRange
    /// The top latency in ns as the report prints it (absolute latency), when it does.
    public var latencyNs: NanosecondRange?
    public var interval: CycleRange?
    /// Pipeline type of the top: "yes", "no", "dataflow", "function", "none", …
    public var pipelineType: String?
    /// The top's pipeline depth (XML reports of a pipelined top).
    public var pipelineDepth: Int?
    public var resources: HLSResources?
    /// Per-instance figures, in the order of the report's table.
    public var instances: [HLSInstance] = []
    /// Per-module reports (`<module>_csynth.xml` / `.rpt`) of modules that are not instances of the top.
    public var otherModules: [HLSModuleReport] = []
    /// Facts a reader must know: a hand transcription, a format without min/max latency, …
    public var notes: [String] = []

    public init(file: String, format: HLSReportFormat, topModule: String, latency: CycleRange) {
        self.file = file
        self.format = format
        self.topModule = topModule
        self.latency = latency
    }
}

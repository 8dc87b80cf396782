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

/// A min/max pair of cycle counts.
public struct CycleRange: Sendable, Equatable, Encodable, CustomStringConvertible {
    public var min: Int
    public var max: Int
    public init(min: Int, max: Int) { self.min = min; self.max = max }
    public init(_ value: Int) { self.init(min: value, max: value) }
    public var description: String { min == max ? "\(min)" : "\(min)–\(max)" }
}

/// A min/max pair of times in ns.
public struct NanosecondRange: Sendable, Equatable, Encodable {
    public var min: Double
    public var max: Double
    public init(min: Double, max: Double) { self.min = min; self.max = max }
}

/// The clock the report was scheduled for.
public struct HLSClock: Sendable, Equatable, Encodable {
    public var targetNs: Double?
    public var estimatedNs: Double?
    public var uncertaintyNs: Double?
    public init(targetNs: Double? = nil, estimatedNs: Double? = nil, uncertaintyNs: Double? = nil) {
        self.targetNs = targetNs
        self.estimatedNs = estimatedNs
        self.uncertaintyNs = uncertaintyNs
    }
}

/// Resource estimates (HLS's, not post-synthesis). A resource the report does not list is nil.
public struct HLSResources: Sendable, Equatable, Encodable {
    public var bram18k: Int?
    public var dsp: Int?
    public var ff: Int?
    public var lut: Int?
    public var uram: Int?
    public init(bram18k: Int? = nil, dsp: Int? = nil, ff: Int? = nil, lut: Int? = nil, uram: Int? = nil) {
        self.bram18k = bram18k
        self.dsp = dsp
        self.ff = ff
        self.lut = lut
        self.uram = uram
    }
}

/// One instance called by the top function.
public struct HLSInstance: Sendable, Equatable, Encodable {
    public var instance: String
    public var module: String
    public var latency: CycleRange
    public var latencyNs: NanosecondRange?
    public var interval: CycleRange?
    public var pipelineType: String?
    public var resources: HLSResources?
    /// The hls4ml layer the module implements, when its name follows hls4ml's naming.
    public var layer: HLS4MLLayer?
    /// From the module's own report, when the folder has one.
    public var moduleReport: HLSModuleReport?

    public init(instance: String, module: String, latency: CycleRange) {
        self.instance = instance
        self.module = module
        self.latency = latency
        self.layer = HLS4MLLayer(moduleName: module)
    }
}

/// The top-level figures of one module's own report (`<module>_csynth.xml` or `.rpt`).
public struct HLSModuleReport: Sendable, Equatable, Encodable {
    public var module: String
    public var file: String
    public var latency: CycleRange
    public var interval: CycleRange?
    public var pipelineDepth: Int?
    public var estimatedClockNs: Double?
    public var resources: HLSResources?
    public var layer: HLS4MLLayer?
}

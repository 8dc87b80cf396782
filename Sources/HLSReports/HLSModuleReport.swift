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

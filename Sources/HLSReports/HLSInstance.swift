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

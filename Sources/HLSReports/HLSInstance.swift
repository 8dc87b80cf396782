import Foundation

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

    /// The functional-unit number HLS gives the call (`grp_…_fu_92`, `call_ret_…_fu_68`): HLS numbers a
    /// function's calls in program order, so in an io_parallel top it is the layers' dataflow order.
    public var callOrder: Int? {
        guard let range = instance.range(of: "_fu_", options: .backwards) else { return nil }
        return Int(instance[range.upperBound...])
    }

    public init(instance: String, module: String, latency: CycleRange) {
        self.instance = instance
        self.module = module
        self.latency = latency
        self.layer = HLS4MLLayer(moduleName: module)
    }
}

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

    /// The functional-unit number HLS gives the call (`grp_…_fu_92`, `call_ret_…_fu_68`). Vitis HLS numbers the
    /// calls of an io_parallel top in program order (the layers' dataflow order); Vivado HLS 2019.2 grouped them by
    /// function, so `HLSComparison` uses it only where it pairs more layers than the config index.
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

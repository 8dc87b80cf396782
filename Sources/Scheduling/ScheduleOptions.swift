/// hls4ml's `Strategy`.
public enum Strategy: String, Sendable, Equatable, Codable, CaseIterable {
    case latency = "Latency"
    case resource = "Resource"

    public init?(token: String) {
        switch token.lowercased() {
        case "latency": self = .latency
        case "resource": self = .resource
        default: return nil
        }
    }
}

/// hls4ml's `IOType`.
public enum IOType: String, Sendable, Equatable, Codable, CaseIterable {
    case parallel = "io_parallel"
    case stream = "io_stream"
}

/// The implementation choices of one layer (hls4ml per-layer config).
public struct LayerImplementation: Sendable, Equatable {
    public var reuseFactor: Int
    public var strategy: Strategy
    /// hls4ml's `ParallelizationFactor` of a convolution in io_parallel: output pixels computed per iteration of its
    /// partition loop (nil: hls4ml's default, 1). Other kinds ignore it, as hls4ml does.
    public var parallelizationFactor: Int?

    public init(reuseFactor: Int = 1, strategy: Strategy = .latency, parallelizationFactor: Int? = nil) {
        self.reuseFactor = reuseFactor
        self.strategy = strategy
        self.parallelizationFactor = parallelizationFactor
    }
}

/// Everything besides the network that decides the schedule.
public struct ScheduleOptions: Sendable, Equatable {
    /// Target clock period (ns).
    public var clockPeriodNs: Double
    /// Clock uncertainty (ns): the part of the period HLS keeps free. Default 12.5 % of the period.
    public var clockUncertaintyNs: Double
    public var ioType: IOType
    /// Per-layer implementation, by layer name; layers not listed use `defaultImplementation`.
    public var layerImplementations: [String: LayerImplementation]
    public var defaultImplementation: LayerImplementation
    public var device: DeviceProfile
    /// Depth overrides of FIFOs by name (e.g. a delay line `<edge>_dl`); others keep the derived depth.
    public var fifoDepths: [String: Int] = [:]
    /// Depth of every io_stream FIFO not overridden: hls4ml's default for a vector tensor (height × width = 1).
    public var streamFIFODepth = 1

    public init(clockPeriodNs: Double, clockUncertaintyNs: Double? = nil, ioType: IOType = .parallel,
                defaultImplementation: LayerImplementation = LayerImplementation(),
                layerImplementations: [String: LayerImplementation] = [:], device: DeviceProfile) {
        self.clockPeriodNs = clockPeriodNs
        self.clockUncertaintyNs = clockUncertaintyNs ?? clockPeriodNs * 0.125
        self.ioType = ioType
        self.defaultImplementation = defaultImplementation
        self.layerImplementations = layerImplementations
        self.device = device
    }

    /// The time available for logic in one stage: period − uncertainty − register overhead.
    public var logicBudgetNs: Double { clockPeriodNs - clockUncertaintyNs - device.registerOverheadNs }

    public func implementation(of layerName: String) -> LayerImplementation {
        layerImplementations[layerName] ?? defaultImplementation
    }

    /// The options at another clock period, with the uncertainty the design's rule gives there
    /// (a percentage follows the period; nanoseconds stay as given).
    public func withClockPeriod(_ periodNs: Double, uncertainty: ClockUncertainty) -> ScheduleOptions {
        var options = self
        options.clockPeriodNs = periodNs
        options.clockUncertaintyNs = uncertainty.nanoseconds(atPeriod: periodNs)
        return options
    }

    /// Sets the ParallelizationFactor of every convolution (the `--parallelization-factor` override).
    public mutating func overrideParallelizationFactor(_ factor: Int) {
        defaultImplementation.parallelizationFactor = factor
        for key in layerImplementations.keys { layerImplementations[key]!.parallelizationFactor = factor }
    }

    /// Sets the reuse factor of every layer (the `--reuse-factor` override).
    public mutating func overrideReuseFactor(_ reuseFactor: Int) {
        defaultImplementation.reuseFactor = reuseFactor
        for key in layerImplementations.keys { layerImplementations[key]!.reuseFactor = reuseFactor }
    }
}

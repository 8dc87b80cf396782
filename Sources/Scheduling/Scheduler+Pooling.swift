import FixedPoint
import NetworkIR

/// Scheduling of the pooling kinds (MaxPooling, AveragePooling and their global forms, 1D and 2D).
extension Scheduler {
    /// Levels of a balanced pairwise tree over `n` terms: ceil(log2 n).
    public static func pairwiseLevels(_ n: Int) -> Int { n > 1 ? Int.bitWidth - (n - 1).leadingZeroBitCount : 0 }

    /// A pooling block, every output at once (hls4ml's io_parallel `pooling2d_cl` is one pipelined function,
    /// II = ReuseFactor, with all its pool operations unrolled), II 1:
    /// - Max: a compare-and-select tree over the window (a padded window adds hls4ml's pad value as one more
    ///   term), then the casts to accum_t and result_t;
    /// - Average: an adder tree in accum_t over the window's pixels (each cast to accum_t, which with AP_TRN/AP_WRAP
    ///   is wiring), the division by the window's constant count of non-padded pixels toward zero, then the cast.
    /// io_stream pooling (line buffers) is refused, naming the layer and IOType.
    static func schedulePooling(_ parameters: PoolingParameters, _ accumulator: Precision,
                                context c: LayerContext) throws(ScheduleError) -> BlockSchedule {
        let layer = c.layer
        guard c.options.ioType == .parallel else {
            throw .unsupported(layer: layer.name, field: "IOType",
                reason: "io_stream \(parameters.kindName) (a pixel stream through line buffers) is not modelled yet; use io_parallel")
        }
        let windows = parameters.windows()
        var packer = c.packer()
        var adders = 0
        var note: String
        switch parameters.operation {
        case .max:
            let terms = windows.map { $0.count + ($0.count < parameters.windowSize ? 1 : 0) }
            let compare = c.device.adderDelay(width: c.input.width + 1) + c.device.selectNs
            for level in 0..<pairwiseLevels(terms.max() ?? 1) { packer.add(.maxLevel(level + 1), compare) }
            packer.add(.cast, Scheduler.castDelay(device: c.device, from: c.input, to: accumulator) + c.castDelay(from: accumulator))
            adders = terms.reduce(0) { $0 + max($1 - 1, 0) }
            note = "\(parameters.kindName) \(parameters.inputShape) → \(parameters.outputShape): \(windows.count) compare trees "
                + "(\(adders) comparators) in parallel"
        case .average:
            let counts = windows.map(\.count)
            for level in 0..<pairwiseLevels(counts.max() ?? 1) { packer.add(.addLevel(level + 1), c.device.adderDelay(width: accumulator.width)) }
            let dividers = counts.filter { $0 > 1 }.count
            let divideDelay = dividers == 0 ? 0
                : c.device.multiplier(widthA: accumulator.width, widthB: accumulator.width).delayNs + c.device.adderDelay(width: accumulator.width)
            packer.add(.divide, divideDelay)
            packer.add(.cast, c.castDelay(from: accumulator))
            adders = counts.reduce(0) { $0 + max($1 - 1, 0) }
            note = "\(parameters.kindName) \(parameters.inputShape) → \(parameters.outputShape): \(windows.count) adder trees "
                + "(\(adders) adders) and \(dividers) divisions by a constant pixel count in parallel"
        }
        var block = simpleBlock(c, packer: packer, multipliers: 0, dsps: 0, adders: adders)
        block.notes.insert(note, at: 0)
        return block
    }
}

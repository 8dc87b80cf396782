import FixedPoint
import NetworkIR

/// Scheduling of the kinds that only move values: ZeroPadding and UpSampling.
extension Scheduler {
    /// ZeroPadding / UpSampling: wiring, then the cast to result_t (a copy when result_t is the input type, as
    /// hls4ml infers it) and the block's output register, II 1. io_stream is refused, naming the layer and IOType.
    static func scheduleCopy(_ kindName: String, context c: LayerContext) throws(ScheduleError) -> BlockSchedule {
        guard c.options.ioType == .parallel else {
            throw .unsupported(layer: c.layer.name, field: "IOType",
                reason: "io_stream \(kindName) (a pixel stream) is not modelled yet; use io_parallel")
        }
        var packer = c.packer()
        packer.add(.cast, c.castDelay(from: c.input))
        var block = simpleBlock(c, packer: packer, multipliers: 0, dsps: 0, adders: 0)
        block.notes.insert("\(kindName): wiring (each output a copy of one input or a zero), then the output register", at: 0)
        return block
    }
}

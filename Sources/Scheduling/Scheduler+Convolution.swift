import FixedPoint
import NetworkIR

extension Scheduler {
    /// The largest dense equivalent (n_in × n_out) a convolution may be built from.
    static let maximumConvolutionMatrix = 1 << 26

    /// A Conv1D/Conv2D at reuse factor 1: every output pixel at once (hls4ml's ParallelizationFactor =
    /// out_height·out_width), each output a dot product over its kernel window, scheduled exactly as the Dense of
    /// its dense equivalent (`ConvolutionParameters.denseEquivalent()`): multiply, adder-tree levels, cast. Weights
    /// outside a window are zeros and cost nothing, so the multiplier count is the number of products with a
    /// non-zero weight: out pixels × window terms × filters, less zero kernel weights and padded positions.
    ///
    /// ReuseFactor > 1 is refused: hls4ml shares a convolution's multipliers across its pixel loop
    /// (`n_partitions` iterations at II = RF), which the Dense phase model (groups of one output's inputs) does not
    /// describe; building it that way would give multiplier counts and latencies hls4ml never produces.
    static func scheduleConvolution(_ parameters: ConvolutionParameters, context: LayerContext) throws(ScheduleError) -> BlockSchedule {
        let layer = context.layer
        let requested = context.implementation.reuseFactor
        guard requested == 1 else {
            throw .unsupported(layer: layer.name, field: "ReuseFactor",
                reason: "\(requested) is not supported for a \(parameters.kindName): only ReuseFactor 1 (every output pixel in parallel) "
                    + "is modelled; hls4ml shares a convolution's multipliers over its pixel loop, which Pipewright does not build yet")
        }
        guard context.options.ioType == .parallel else {
            throw .unsupported(layer: layer.name, field: "IOType",
                reason: "io_stream \(parameters.kindName) (a pixel stream through line buffers) is not modelled yet; use io_parallel")
        }
        let outputs = layer.outputSize
        guard layer.inputSize * outputs <= maximumConvolutionMatrix else {
            throw .unsupported(layer: layer.name, field: "filters",
                reason: "\(layer.inputSize) inputs × \(outputs) outputs is too large to build fully parallel (at most \(maximumConvolutionMatrix) pairs)")
        }
        var block = try scheduleDense(parameters.denseEquivalent(), context: context)
        let weight = layer.precision.weight!
        let zeroKernel = parameters.weights.filter { weight.raw(fromDouble: $0) == 0 }.count
        let p = parameters.pads
        let pixels = parameters.outputHeight * parameters.outputWidth
        block.notes = ["\(parameters.kindName) \(parameters.inputShape) → \(parameters.outputShape): \(pixels) pixels "
                       + "in parallel (hls4ml's ParallelizationFactor \(pixels); its default 1 would loop over the pixels), "
                       + "\(parameters.kernelTerms) terms per output, pads (top, bottom, left, right) = (\(p.top), \(p.bottom), \(p.left), \(p.right))"]
        if zeroKernel > 0 { block.notes.append("\(zeroKernel) zero kernel weights need no multiplier") }
        return block
    }
}

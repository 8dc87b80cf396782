import FixedPoint
import NetworkIR

extension Scheduler {
    /// The largest dense equivalent (n_in × n_out) a convolution may be built from (the RTL reads it).
    static let maximumConvolutionMatrix = 1 << 26

    /// A Conv1D/Conv2D in io_parallel: every output pixel at once (hls4ml's ParallelizationFactor =
    /// out_height·out_width), each output a dot product over the kh·kw·C terms of its window, scheduled with the
    /// Dense phase model (`scheduleDotProducts`): at RF 1 multiply, adder-tree levels, cast; at RF > 1 each
    /// output's terms split into RF groups of ⌈kh·kw·C / RF⌉ kernel offsets (group p holds offsets p·g … p·g+g−1)
    /// through one multiplier array, an accumulator, II = RF, as a Dense splits its inputs. Terms on padding and
    /// zero kernel weights cost nothing, so at RF 1 the multipliers are out pixels × window terms × filters less
    /// those. A Resource ReuseFactor is validated against hls4ml's mult config of a convolution, n_in = kh·kw·C and
    /// n_out = filters. io_stream (pixel streams through line buffers) is refused.
    static func scheduleConvolution(_ parameters: ConvolutionParameters, _ precision: MultiplyAccumulatePrecision,
                                    context: LayerContext) throws(ScheduleError) -> BlockSchedule {
        let layer = context.layer
        guard context.options.ioType == .parallel else {
            throw .unsupported(layer: layer.name, field: "IOType",
                reason: "io_stream \(parameters.kindName) (a pixel stream through line buffers) is not modelled yet; use io_parallel")
        }
        let outputs = layer.outputSize
        guard layer.inputSize * outputs <= maximumConvolutionMatrix else {
            throw .unsupported(layer: layer.name, field: "filters",
                reason: "\(layer.inputSize) inputs × \(outputs) outputs is too large to build fully parallel (at most \(maximumConvolutionMatrix) pairs)")
        }
        let filters = parameters.filters
        var block = try scheduleDotProducts(outputs: outputs, terms: parameters.kernelTerms, reuseInputs: parameters.kernelTerms,
                                            reuseOutputs: filters, precision: precision, context: context) { j, k in
            parameters.inputIndex(pixel: j / filters, kernelOffset: k) == nil ? 0 : parameters.weights[k * filters + j % filters]
        }
        let weight = precision.weight
        let zeroKernel = parameters.weights.filter { weight.raw(fromDouble: $0) == 0 }.count
        let p = parameters.pads
        let pixels = parameters.outputHeight * parameters.outputWidth
        block.notes.append("\(parameters.kindName) \(parameters.inputShape) → \(parameters.outputShape): \(pixels) pixels "
                           + "in parallel (hls4ml's ParallelizationFactor \(pixels); its default 1 would loop over the pixels), "
                           + "\(parameters.kernelTerms) terms per output, pads (top, bottom, left, right) = (\(p.top), \(p.bottom), \(p.left), \(p.right))")
        if zeroKernel > 0 { block.notes.append("\(zeroKernel) zero kernel weights need no multiplier") }
        let rf = block.reuseFactor, terms = parameters.kernelTerms
        if rf > 1 && terms % rf != 0 {
            block.notes.append("kh·kw·C = \(terms) is not a multiple of RF \(rf): \(filters)×\(block.termsPerGroup) multipliers per pixel "
                               + "instead of hls4ml's \((terms * filters + rf - 1) / rf)")
        }
        return block
    }
}

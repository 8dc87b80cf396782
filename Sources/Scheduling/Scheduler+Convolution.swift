import FixedPoint
import NetworkIR

extension Scheduler {
    /// The largest dense equivalent (n_in × n_out) a convolution may be built from (the RTL reads it).
    static let maximumConvolutionMatrix = 1 << 26

    /// A Conv1D/Conv2D in io_parallel, as hls4ml's `conv_2d_latency_cl` / `conv_2d_resource_cl` build it: a loop over
    /// n_partitions = out_height·out_width / ParallelizationFactor partitions (hls4ml's default ParallelizationFactor
    /// 1 computes one output pixel per iteration; ParallelizationFactor = out_height·out_width computes every pixel at
    /// once), each iteration the dot products of its PF pixels over their kh·kw·C window terms, scheduled with the
    /// Dense phase model (`scheduleDotProducts`): at RF 1 multiply, adder-tree levels, cast; at RF > 1 each output's
    /// terms split into RF groups of ⌈kh·kw·C / RF⌉ kernel offsets through one multiplier array, an accumulator. The
    /// operand select picks the partition's (and group's) window inputs. Terms on padding and zero kernel weights in
    /// every partition cost nothing. A ParallelizationFactor that does not divide the output pixels is replaced by the
    /// closest one that does, as hls4ml does. A Resource ReuseFactor is validated against hls4ml's mult config of a
    /// convolution, n_in = kh·kw·C and n_out = filters. One window under the Latency strategy at RF > 1 is a Dense's
    /// list schedule (`scheduleWindowLatency`). io_stream reaches here only as a walk's core (one window).
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
        let pixels = parameters.outputHeight * parameters.outputWidth
        let requestedFactor = context.implementation.parallelizationFactor ?? 1
        let factor = closestParallelizationFactor(requestedFactor, pixels: pixels)
        let partitions = pixels / factor
        let listed = try scheduleWindowLatency(parameters, precision, partitions: partitions, context: context)
        var block: BlockSchedule
        if let listed {
            block = listed
        } else {
            block = try scheduleDotProducts(outputs: outputs, terms: parameters.kernelTerms, reuseInputs: parameters.kernelTerms,
                                            reuseOutputs: filters, partitions: partitions, precision: precision, context: context) { j, k in
                parameters.inputIndex(pixel: j / filters, kernelOffset: k) == nil ? 0 : parameters.weights[k * filters + j % filters]
            }
        }
        if factor != requestedFactor {
            block.notes.append("ParallelizationFactor \(requestedFactor) does not divide the \(pixels) output pixels "
                               + "(valid: \(validParallelizationFactors(pixels: pixels).map(String.init).joined(separator: ", "))); "
                               + "using \(factor) (closest valid, as hls4ml does)")
        }
        if listed != nil { return block }
        let weight = precision.weight
        let zeroKernel = parameters.weights.filter { weight.raw(fromDouble: $0) == 0 }.count
        if block.reuseFactor == 1 && context.implementation.strategy == .latency {
            countRealMultiplications(&block, parameters, weight: weight, partitions: partitions)
        }
        let p = parameters.pads
        let loop = partitions == 1
            ? "\(pixels) pixels at once (ParallelizationFactor \(pixels))"
            : "\(partitions) partitions of \(factor) pixel(s) (ParallelizationFactor \(factor)), one every \(block.partitionPeriod) cycle(s)"
                + (context.implementation.strategy == .resource ? " (each drains before the next: conv_2d_resource_cl)" : "")
        block.notes.append("\(parameters.kindName) \(parameters.inputShape) → \(parameters.outputShape): \(loop), "
                           + "\(parameters.kernelTerms) terms per output, pads (top, bottom, left, right) = (\(p.top), \(p.bottom), \(p.left), \(p.right))")
        if zeroKernel > 0 { block.notes.append("\(zeroKernel) zero kernel weights need no multiplier") }
        let rf = block.reuseFactor, terms = parameters.kernelTerms
        if rf > 1 && terms % rf != 0 {
            block.notes.append("kh·kw·C = \(terms) is not a multiple of RF \(rf): \(filters)×\(block.termsPerGroup) multipliers per pixel "
                               + "instead of hls4ml's \((terms * filters + rf - 1) / rf)")
        }
        return block
    }

    /// Under the Latency strategy at RF > 1 a convolution that computes one window per iteration is hls4ml's
    /// `dense_latency` on that window: the kernel's kh·kw·C × filters products under multiplier_limit =
    /// ⌈kh·kw·C·filters / RF⌉ − ⌊zeros / RF⌋, list-scheduled as a Dense is (`scheduleListedProducts`). Two cases:
    /// - one output pixel (the core of an io_stream convolution, or an io_parallel convolution with one output pixel):
    ///   the window's schedule, II = min(RF, latency) as a Dense;
    /// - the pixel loop of io_parallel at ParallelizationFactor 1 (`conv_2d_latency_cl`'s `PartitionLoop`, pipelined at
    ///   II = RF): the window's schedule runs once per output pixel, pixel q entering in cycle q·RF;
    ///   latency (pixels − 1)·RF + the window's, II pixels·RF.
    /// The operands are each pixel's window (zeros on padding). nil for any other convolution (a ParallelizationFactor
    /// above 1), which keeps the RF-group form.
    static func scheduleWindowLatency(_ parameters: ConvolutionParameters, _ precision: MultiplyAccumulatePrecision, partitions: Int,
                                      context: LayerContext) throws(ScheduleError) -> BlockSchedule? {
        let terms = parameters.kernelTerms, filters = parameters.filters
        let rf = context.implementation.reuseFactor
        let pixels = parameters.outputHeight * parameters.outputWidth
        guard context.implementation.strategy == .latency, rf > 1, partitions == pixels else { return nil }
        try checkReuseFactor(rf, layer: context.layer, inputs: terms, outputs: filters)
        let raw = parameters.weights.map { precision.weight.raw(fromDouble: $0) }   // [k · filters + f]: kernel offset k, filter f
        var block = scheduleListedProducts(inputs: terms, outputs: filters, weightRaw: raw, biases: parameters.biases, precision,
                                           context: context)
        let p = parameters.pads
        let pads = "pads (top, bottom, left, right) = (\(p.top), \(p.bottom), \(p.left), \(p.right))"
        if pixels > 1, let products = block.products {
            let window = block.latencyCycles
            block.partitions = pixels
            block.partitionPeriod = rf
            block.latencyCycles = (pixels - 1) * rf + window
            block.initiationInterval = pixels * rf
            // The image is held for the later pixels' operands (one copy: the window's own hold, counted when its products
            // take several cycles, is that copy), and every pixel's non-constant results but the last until the output.
            let windowHold = products.issueCycles > 1 ? terms * context.input.width : 0
            let held = products.roots.enumerated().filter { $0.element != .bias($0.offset) }.count
            block.registerBits += context.layer.inputSize * context.input.width - windowHold
                + (pixels - 1) * held * context.layer.precision.result.width
            block.notes.removeAll { $0.contains("the pipeline is shorter than RF") }
            block.notes.append("\(parameters.kindName) \(parameters.inputShape) → \(parameters.outputShape): \(pixels) pixels, one every \(rf) cycles "
                               + "(ParallelizationFactor 1), each window of \(terms) terms × \(filters) filters hls4ml's dense_latency, "
                               + "list-scheduled (\(window) cycles); \(pads)")
        } else {
            block.notes.append("\(parameters.kindName) on one window of \(terms) terms × \(filters) filters: hls4ml's dense_latency, list-scheduled; \(pads)")
        }
        return block
    }

    /// At RF 1 under the Latency strategy every product is by a constant kernel weight, and HLS builds only the real
    /// multiplications (the Dense rule, `ProductSchedule.needsMultiplier`): a weight with at most two signed digits is
    /// shifts and an adder, and a repeated (operand, weight) pair is computed once. The operand is the input element
    /// when every pixel is computed at once, and the window slot (pixel of the partition, kernel offset), whose input
    /// the operand select changes per partition, otherwise. The RTL writes the same products (`DatapathBuilder.multiply`
    /// makes the shifts), so the schedule's multipliers are the RTL's multiply operators.
    static func countRealMultiplications(_ block: inout BlockSchedule, _ parameters: ConvolutionParameters, weight: Precision,
                                         partitions: Int) {
        let filters = parameters.filters, terms = parameters.kernelTerms
        let pixels = parameters.outputHeight * parameters.outputWidth, factor = pixels / partitions
        let raw = parameters.weights.map { weight.raw(fromDouble: $0) }
        var pairs = Set<ProductSchedule.Pair>()
        for pixel in 0..<pixels {
            for t in 0..<terms {
                guard let input = parameters.inputIndex(pixel: pixel, kernelOffset: t) else { continue }
                let operand = partitions == 1 ? input : (pixel % factor) * terms + t
                for f in 0..<filters where ProductSchedule.needsMultiplier(raw[t * filters + f]) {
                    pairs.insert(ProductSchedule.Pair(input: operand, weight: raw[t * filters + f]))
                }
            }
        }
        block.keepRealMultiplications(pairs.count, operand: "operand")
    }

    /// hls4ml's valid ParallelizationFactors of a convolution with `pixels` output pixels: the divisors up to
    /// pixels / 2, and pixels itself (`get_valid_conv_partition_splits`).
    public static func validParallelizationFactors(pixels: Int) -> [Int] {
        guard pixels > 1 else { return [1] }
        return (1...(pixels / 2)).filter { pixels % $0 == 0 } + [pixels]
    }

    /// The valid ParallelizationFactor closest to `factor`, ties to the smaller (hls4ml `get_closest_reuse_factor`).
    public static func closestParallelizationFactor(_ factor: Int, pixels: Int) -> Int {
        closest(to: factor, in: validParallelizationFactors(pixels: pixels))
    }
}

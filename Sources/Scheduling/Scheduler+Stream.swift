import FixedPoint
import NetworkIR

/// io_stream over images: which core and which walk each kind gets (`StreamBlock`, docs/timing.md "io_stream").
/// Every kind is listed in `streamBlock(for:)`; a kind that cannot read a pixel stream is refused there, naming the
/// layer and IOType.
extension Scheduler {
    /// Elements per inference of a tensor in io_stream: one per pixel of an image (height × width; hls4ml packs the
    /// channels into one `nnet::array`), one for a vector.
    public static func streamTokens(of shape: TensorShape) -> Int {
        shape.dimensions.count >= 2 ? shape.count / max(shape.channels, 1) : 1
    }

    /// The stream form of layer `index` when it reads or writes an image (of any size) in io_stream; nil for a block
    /// that reads and writes vectors (one element per inference: the io_parallel block behind FIFOs).
    static func streamBlock(network: Network, index: Int, implementation: LayerImplementation) throws(ScheduleError) -> StreamBlock? {
        let layer = network.layers[index]
        let sources = network.sources(ofLayerAt: index)
        let shapes = sources.map(network.shape(ofTensor:))
        let input = shapes[0]
        let output = network.shape(ofTensor: index)
        let tokensIn = streamTokens(of: input), tokensOut = streamTokens(of: output)
        // Every block that reads or writes an image streams it, even a one-pixel image.
        guard input.dimensions.count >= 2 || output.dimensions.count >= 2 else { return nil }
        func refuse(_ reason: String) -> ScheduleError { .unsupported(layer: layer.name, field: "IOType", reason: "io_stream: " + reason) }
        func requireReads(_ expected: TensorShape) throws(ScheduleError) {
            guard expected == input else {
                throw refuse("it reads a \(input) stream as a \(expected) image: a Reshape between them is hls4ml's Repack "
                             + "(its own FIFO and process), which is not modelled yet; use io_parallel")
            }
        }
        /// The layer computing `operation` on `coreInputSizes` behind `walk`.
        func block(_ operation: LayerOperation, coreInputSizes: [Int], walk: PixelWalk) -> StreamBlock {
            let core = Layer(name: layer.name, operation: operation, inputSize: coreInputSizes.reduce(0, +), precision: layer.precision,
                             inputs: layer.inputs)
            return StreamBlock(core: core, coreInputSizes: coreInputSizes, inputSize: input.count, tokensIn: tokensIn, tokensOut: tokensOut,
                               walk: walk)
        }
        let channels = input.channels
        switch layer.operation {
        case let .convolution(parameters):
            try requireReads(parameters.inputShape)
            if parameters.spatialDimensions == 2 && parameters.kernelHeight == 1 && parameters.strideHeight > 1 {
                // conv_2d_buffer_cl hands a one-row kernel to compute_output_buffer_1d, which ignores stride_height:
                // hls4ml's stream would write every row, more pixels than the layer's output.
                throw refuse("a Conv2D with kernel height 1 and stride height \(parameters.strideHeight) (hls4ml's stream "
                             + "convolution then ignores the height stride); use io_parallel")
            }
            let window = ConvolutionParameters(spatialDimensions: parameters.spatialDimensions, inputHeight: parameters.kernelHeight,
                                               inputWidth: parameters.kernelWidth, channels: channels, filters: parameters.filters,
                                               kernelHeight: parameters.kernelHeight, kernelWidth: parameters.kernelWidth,
                                               weights: parameters.weights, biases: parameters.biases)
            let p = parameters.pads
            let walk = lineBuffer(height: parameters.inputHeight, width: parameters.inputWidth, pads: p,
                                  kernel: (parameters.kernelHeight, parameters.kernelWidth),
                                  stride: (parameters.strideHeight, parameters.strideWidth))
            return block(.convolution(window), coreInputSizes: [window.kernelTerms], walk: walk)
        case let .pooling(parameters):
            try requireReads(parameters.inputShape)
            if parameters.isGlobal { return gather(layer, inputSize: layer.inputSize, tokensIn: tokensIn, tokensOut: tokensOut) }
            let p = parameters.pads
            let stridesArePool = parameters.strideHeight == parameters.poolHeight && parameters.strideWidth == parameters.poolWidth
            guard p == (0, 0, 0, 0), stridesArePool || parameters.spatialDimensions == 1 else {
                throw refuse("hls4ml's stream pooling needs no padding (pooling1d/2d_buffer_cl assert it) and, in 2D, strides equal "
                             + "to the pool size; this \(parameters.kindName) has pads (\(p.top), \(p.bottom), \(p.left), \(p.right)) and "
                             + "strides (\(parameters.strideHeight), \(parameters.strideWidth))")
            }
            let window = PoolingParameters(operation: parameters.operation, spatialDimensions: parameters.spatialDimensions,
                                           inputHeight: parameters.poolHeight, inputWidth: parameters.poolWidth, channels: channels,
                                           poolHeight: parameters.poolHeight, poolWidth: parameters.poolWidth)
            let walk = lineBuffer(height: parameters.inputHeight, width: parameters.inputWidth, pads: (0, 0, 0, 0),
                                  kernel: (parameters.poolHeight, parameters.poolWidth),
                                  stride: (parameters.strideHeight, parameters.strideWidth))
            return block(.pooling(window), coreInputSizes: [window.inputShape.count], walk: walk)
        case let .zeroPadding(parameters):
            try requireReads(parameters.inputShape)
            let pixel = ZeroPaddingParameters(spatialDimensions: parameters.spatialDimensions, inputHeight: 1, inputWidth: 1,
                                              channels: channels)
            var pops: [Bool] = []
            for y in 0..<parameters.outputHeight {
                for x in 0..<parameters.outputWidth {
                    pops.append(y >= parameters.top && y < parameters.top + parameters.inputHeight
                                && x >= parameters.left && x < parameters.left + parameters.inputWidth)
                }
            }
            let walk = PixelWalk(reader: .padding, pops: pops, pushes: pops.map { _ in true }, history: 0, taps: [0], passInterval: 1)
            return block(.zeroPadding(pixel), coreInputSizes: [channels], walk: walk)
        case let .upSampling(parameters):
            let pixel = UpSamplingParameters(spatialDimensions: parameters.spatialDimensions, inputHeight: 1, inputWidth: 1,
                                             channels: parameters.channels, heightFactor: 1, widthFactor: 1)
            let fromVector = tokensIn == 1 && input.count == parameters.inputShape.count
            if !fromVector { try requireReads(parameters.inputShape) }
            return block(.upSampling(pixel), coreInputSizes: [parameters.channels], walk: rowBuffer(parameters, fromVector: fromVector))
        case .dense, .squaredNorm:
            guard tokensOut == 1 else { throw refuse("\(layer.kindName) writes a vector") }
            return gather(layer, inputSize: layer.inputSize, tokensIn: tokensIn, tokensOut: tokensOut)
        case let .batchNormalization(parameters):
            let scale = Array(parameters.scale.prefix(channels)), shift = Array(parameters.shift.prefix(channels))
            for k in parameters.scale.indices where parameters.scale[k] != scale[k % channels] || parameters.shift[k] != shift[k % channels] {
                throw refuse("its scale and shift differ between pixels of one channel (element \(k)); hls4ml's stream "
                             + "BatchNormalization applies one value per channel")
            }
            return block(.batchNormalization(BatchNormParameters(scale: scale, shift: shift)), coreInputSizes: [channels],
                         walk: pixelLoop(tokensIn))
        case .relu, .leakyReLU, .linear, .lookup, .hardActivation:
            return block(layer.operation, coreInputSizes: [channels], walk: pixelLoop(tokensIn))
        case let .merge(merge):
            guard merge != .concatenate else {
                throw refuse("Concatenate of images (along the channels, per pixel) is not modelled yet; use io_parallel")
            }
            guard shapes.allSatisfy({ $0 == input }) else { throw refuse("its inputs have different shapes \(shapes)") }
            return block(layer.operation, coreInputSizes: shapes.map { _ in channels }, walk: pixelLoop(tokensIn))
        case .softmax, .klDivergence:
            throw refuse("\(layer.kindName) of an image stream is not modelled yet; use io_parallel")
        }
    }

    /// hls4ml's `resize_nearest`: a row loop, pipelined, whose iteration reads the row's W pixels and then writes
    /// R = heightFactor·W·widthFactor pixels (each pixel widthFactor times, the row heightFactor times), one access a
    /// cycle per stream. Reads and writes are different streams, so the loop's II is max(W, R) = R and the next row's
    /// reads overlap this row's last writes: per image H·R + W cycles, row h read in cycles h·R … h·R + W − 1 and
    /// written in h·R + W … h·R + W + R − 1. One walk iteration per cycle; a written pixel comes from the row buffer,
    /// as many reads back as pixels were read since it (the history shifts only when an iteration reads). Read from a
    /// vector (a Reshape to an image before it, which hls4ml builds as a Repack process): the vector is read once and
    /// every output pixel taken from it.
    static func rowBuffer(_ p: UpSamplingParameters, fromVector: Bool) -> PixelWalk {
        var pops: [Bool] = [], pushes: [Bool] = [], sources: [Int] = []
        let (height, width) = (p.inputHeight, p.inputWidth)
        let row = p.heightFactor * width * p.widthFactor
        var read = 0, history = 1
        if fromVector {
            pops.append(true); pushes.append(false); sources.append(0)
            for h in 0..<height {
                for _ in 0..<p.heightFactor {
                    for l in 0..<width {
                        for _ in 0..<p.widthFactor {
                            // The vector is the element one back: its slices follow this iteration's (empty) element's.
                            pops.append(false); pushes.append(true); sources.append(height * width + h * width + l)
                        }
                    }
                }
            }
        }
        for t in 0..<(fromVector ? 0 : height * row + width) {
            let readRow = t / row, readColumn = t - readRow * row
            let reads = readRow < height && readColumn < width
            if reads { read += 1 }
            var source = 0
            let writes = t >= width
            if writes {
                let writeRow = (t - width) / row, offset = (t - width) % row
                let pixel = writeRow * width + (offset / p.widthFactor) % width
                // Pixels read since `pixel`: with this iteration's read it is element 0, else the history starts at 1.
                source = reads ? read - 1 - pixel : read - pixel
                history = max(history, source)
            }
            pops.append(reads); pushes.append(writes); sources.append(source)
        }
        var walk = PixelWalk(reader: .rowBuffer, pops: pops, pushes: pushes, history: history, taps: [], passInterval: 1)
        walk.sources = sources
        walk.shiftsOnReadOnly = true
        return walk
    }

    /// A per-pixel kind's loop (`relu`, `normalize`, `add` … on a stream): every iteration reads a pixel and writes one.
    static func pixelLoop(_ pixels: Int) -> PixelWalk {
        PixelWalk(reader: .pixel, pops: [Bool](repeating: true, count: pixels), pushes: [Bool](repeating: true, count: pixels),
                  history: 0, taps: [0], passInterval: 1)
    }

    /// Every element of the tensor is read, one per cycle, and the core computes once, on the last one (hls4ml's
    /// `dense` on a stream reads its n_in / n_chan elements into an array, then calls the dense kernel).
    static func gather(_ layer: Layer, inputSize: Int, tokensIn: Int, tokensOut: Int) -> StreamBlock {
        let pops = [Bool](repeating: true, count: tokensIn)
        var pushes = [Bool](repeating: false, count: tokensIn)
        pushes[tokensIn - 1] = true
        let walk = PixelWalk(reader: .gather, pops: pops, pushes: pushes, history: tokensIn - 1,
                             taps: (0..<tokensIn).map { tokensIn - 1 - $0 }, passInterval: 1)
        return StreamBlock(core: layer, coreInputSizes: [inputSize], inputSize: inputSize, tokensIn: tokensIn, tokensOut: tokensOut, walk: walk)
    }

    /// hls4ml's line buffer over the padded image, one iteration per padded pixel in row order (a padding pixel reads
    /// nothing: hls4ml inserts a ZeroPadding2D process before a 'same' convolution in io_stream, which writes the same
    /// sequence): the window is complete, and the core computes, at row y and column x when y ≥ kh − 1, x ≥ kw − 1 and
    /// both are a whole number of strides past that (`compute_output_buffer_2d`'s counters).
    static func lineBuffer(height: Int, width: Int, pads: (top: Int, bottom: Int, left: Int, right: Int),
                           kernel: (height: Int, width: Int), stride: (height: Int, width: Int)) -> PixelWalk {
        let paddedHeight = height + pads.top + pads.bottom, paddedWidth = width + pads.left + pads.right
        var pops: [Bool] = [], pushes: [Bool] = []
        for y in 0..<paddedHeight {
            for x in 0..<paddedWidth {
                pops.append(y >= pads.top && y < pads.top + height && x >= pads.left && x < pads.left + width)
                let (dy, dx) = (y - (kernel.height - 1), x - (kernel.width - 1))
                pushes.append(dy >= 0 && dx >= 0 && dy % stride.height == 0 && dx % stride.width == 0)
            }
        }
        var taps: [Int] = []
        for r in 0..<kernel.height {
            for c in 0..<kernel.width { taps.append((kernel.height - 1 - r) * paddedWidth + (kernel.width - 1 - c)) }
        }
        return PixelWalk(reader: .lineBuffer, pops: pops, pushes: pushes, history: (kernel.height - 1) * paddedWidth + kernel.width - 1,
                         taps: taps, passInterval: 1)
    }

    /// Schedules the core of a stream block with the io_parallel rules and attaches the walk: every iteration of a
    /// line buffer takes the core's II (hls4ml pipelines the pixel loop at II = ReuseFactor); the other walks read
    /// one element per cycle.
    static func scheduleStream(_ stream: StreamBlock, index: Int, inputs: [Precision], options: ScheduleOptions) throws(ScheduleError) -> BlockSchedule {
        var coreOptions = options
        coreOptions.ioType = .parallel
        var block = try scheduleLayer(stream.core, index: index, inputs: inputs, options: coreOptions)
        block.notes.removeAll { $0.contains("ParallelizationFactor") }
        if options.implementation(of: stream.core.name).parallelizationFactor != nil, case .convolution = stream.core.operation {
            block.notes.append("ParallelizationFactor applies to io_parallel only (hls4ml's stream convolution computes one window per pixel)")
        }
        var stream = stream
        var walk = stream.walk
        if walk.reader == .lineBuffer {
            if block.strategy == .resource, case .convolution = stream.core.operation {
                // conv_2d_buffer_cl pipelines its pixel loop only under the Latency strategy: under Resource each
                // iteration finishes (the core drains) before the next reads.
                walk.computeInterval = block.latencyCycles
                walk.passInterval = 1
            } else {
                if case .convolution = stream.core.operation, block.products != nil {
                    // The pixel loop is pipelined at II = ReuseFactor, even where the window's list schedule is shorter.
                    block.initiationInterval = max(block.initiationInterval, block.reuseFactor)
                    block.notes.removeAll { $0.contains("the pipeline is shorter than RF") }
                }
                walk.passInterval = block.initiationInterval
            }
        }
        // The pipelined loop drains before the next image: its last iteration lasts at least the block's D. (An
        // unpipelined Resource loop has drained after each computing iteration already.)
        let lastOwn = walk.pushes.last == true ? walk.computeInterval ?? block.initiationInterval : walk.passInterval
        if block.latencyCycles > lastOwn && walk.computeInterval == nil { walk.lastInterval = block.latencyCycles }
        stream.walk = walk
        block.registerBits += walk.history * stream.inputElementSize * inputs[0].width
        let reads = walk.pops.filter { $0 }.count, writes = walk.pushes.filter { $0 }.count
        let described: String
        switch walk.reader {
        case .lineBuffer:
            described = "line buffer of \(walk.history) pixels; \(walk.iterations) iterations (\(reads) read), the core computes on \(writes)"
        case .gather:
            described = "gathers \(reads) elements, then the core computes once"
        case .padding:
            described = "\(walk.iterations) pixels written, \(reads) read, \(walk.iterations - reads) zeros"
        case .pixel:
            described = "one pixel of \(stream.coreInputSizes[0]) values per element"
                + (stream.coreInputSizes.count > 1 ? " on each of \(stream.coreInputSizes.count) inputs" : "") + ", \(walk.iterations) elements"
        case .rowBuffer:
            described = walk.history == 1 && reads == 1
                ? "reads the vector (hls4ml's Repack of a Reshape), then writes \(writes) pixels"
                : "row buffer of \(walk.history) pixels; \(reads) read, \(writes) written"
        }
        block.stream = stream
        block.notes.insert("io_stream: \(described); \(block.cyclesPerInference) cycles per inference"
                           + (walk.computeInterval == nil ? "" : " (Resource: the pixel loop is not pipelined, each computing iteration drains)")
            + (walk.lastInterval == nil ? "" : ", the loop draining (\(block.latencyCycles) cycles) before the next image"), at: 0)
        return block
    }
}

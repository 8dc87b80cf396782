import NetworkIR

/// How a block of an io_stream design reads and writes a pixel stream. hls4ml 1.3 streams an image one pixel at a
/// time (`nnet::array<T, channels>` per stream element) and a vector as one element; every layer is a DATAFLOW
/// process whose loop reads, computes and writes elements. Pipewright builds each such block as its *core* (the
/// computation of one loop iteration, scheduled like any io_parallel block: steps, D slots, II) behind a *walk*
/// (which iterations read an element, which write one, and which earlier pixels the core sees). docs/timing.md,
/// "io_stream", states the timing rule; the simulator and the RTL read these fields and nothing else.
public struct StreamBlock: Sendable, Equatable {
    /// What one iteration computes: the layer itself on one pixel (an element-wise kind), on one window (a
    /// convolution or pooling over its kh·kw·C window), or on the whole gathered tensor (a Dense or a global pooling
    /// that reads an image).
    public var core: Layer
    /// The core's input sizes, one per input port.
    public var coreInputSizes: [Int]
    /// Elements the block reads per inference on each input port and writes per inference.
    public var tokensIn: Int
    public var tokensOut: Int
    /// Values in one element the block reads (on its first input).
    public var inputElementSize: Int { inputSize / max(tokensIn, 1) }
    /// Values the block reads per inference on its first input.
    public var inputSize: Int
    /// How it walks the inference's pixels (a per-pixel kind: every element read gives one written).
    public var walk: PixelWalk

    public init(core: Layer, coreInputSizes: [Int], inputSize: Int, tokensIn: Int, tokensOut: Int, walk: PixelWalk) {
        self.inputSize = inputSize
        self.core = core
        self.coreInputSizes = coreInputSizes
        self.tokensIn = tokensIn
        self.tokensOut = tokensOut
        self.walk = walk
    }
}

/// The iterations of a streaming block's loop in one inference, as hls4ml's stream functions run them:
/// iteration k reads an element when `pops[k]`, and its core computes and writes one element when `pushes[k]`.
/// Every iteration shifts the element it reads (a zero where it reads none: padding) into a history of the last
/// `history` elements (with `shiftsOnReadOnly`, only the iterations that read shift); the core's input is the elements
/// `taps` back (0 = the element of this iteration), in the core's input order, or, when `sources` is not empty, one
/// core-input-wide slice chosen per iteration: slice `sources[k]` of the element of this iteration (slices 0 …) followed
/// by the history (its first element's slices next). An iteration that writes starts the core (which then takes the
/// block's D slots, and the next iteration waits the core's II); one that does not takes `passInterval` cycles.
public struct PixelWalk: Sendable, Equatable {
    public enum Reader: String, Sendable, Equatable {
        /// hls4ml's line buffer (`conv_2d_buffer_cl`, `pooling2d_buffer_cl`): (kh − 1) rows and kw pixels.
        case lineBuffer = "line buffer"
        /// Every element of the tensor is read before the core computes (`dense` on a stream, global pooling).
        case gather = "gather"
        /// ZeroPadding (`zeropad2d_cl`): one iteration per output pixel; a padding pixel reads nothing.
        case padding = "padding"
        /// A per-pixel kind's loop: every iteration reads a pixel (of each input) and writes one.
        case pixel = "pixel loop"
        /// UpSampling (`resize_nearest`): a row of pixels read, then written `heightFactor` × `widthFactor` times; read
        /// from a vector (a Reshape before it: hls4ml's Repack), the whole vector, then every output pixel.
        case rowBuffer = "row buffer"
    }

    public var reader: Reader
    public var pops: [Bool]
    public var pushes: [Bool]
    /// Pixels held from earlier iterations.
    public var history: Int
    /// For each pixel of the core's input, how many iterations back it was shifted in (0: this iteration's).
    public var taps: [Int]
    /// Cycles an iteration that does not start the core takes.
    public var passInterval: Int
    /// Cycles an iteration that starts the core takes, when not the core's II: its D under the Resource strategy,
    /// whose pixel loop hls4ml does not pipeline (each iteration finishes before the next starts).
    public var computeInterval: Int?
    /// Cycles the inference's last iteration takes before the next inference's first may start: hls4ml's pixel loops
    /// are pipelined without `rewind` and the DATAFLOW process restarts its function per image, so the loop drains
    /// first (the block's D when that is longer than the iteration's own interval; nil: no longer).
    public var lastInterval: Int?
    /// Per iteration, the slice the core reads (empty: `taps`).
    public var sources: [Int] = []
    /// Only iterations that read shift the history.
    public var shiftsOnReadOnly = false

    public init(reader: Reader, pops: [Bool], pushes: [Bool], history: Int, taps: [Int], passInterval: Int) {
        self.reader = reader
        self.pops = pops
        self.pushes = pushes
        self.history = history
        self.taps = taps
        self.passInterval = passInterval
    }

    public var iterations: Int { pops.count }

    /// Cycles of one inference's iterations when nothing waits (`interval` of each).
    public func cycles(computeInterval: Int) -> Int {
        pops.indices.reduce(0) { $0 + interval($1, computeInterval: computeInterval) }
    }

    /// Cycles iteration `k` takes when nothing waits.
    public func interval(_ k: Int, computeInterval: Int) -> Int {
        if k == iterations - 1, let lastInterval { return lastInterval }
        return pushes[k] ? computeInterval : passInterval
    }
}

extension BlockSchedule {
    /// Cycles the block needs per inference when nothing waits: its walk's, or its II (a vector block: one element).
    public var cyclesPerInference: Int {
        stream.map { $0.walk.cycles(computeInterval: iterationInterval) } ?? initiationInterval
    }

    /// Cycles after an iteration (an element, for a block without a walk) that starts the core.
    public var iterationInterval: Int { stream?.walk.computeInterval ?? initiationInterval }
}

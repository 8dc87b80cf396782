import Testing
import FixedPoint
import NetworkIR
@testable import Scheduling

/// io_stream over images: each block's walk (hls4ml's loops over pixels) worked out by hand from the geometry, and
/// the predicted timing of one inference from the blocks' D.
struct StreamScheduleTests {
    static func schedule(_ layers: [Layer], input: TensorShape, clockNs: Double = 5,
                         reuseFactor: Int = 1) throws -> DesignSchedule {
        let network = Network(name: "t", inputSize: input.count, inputPrecision: .fixed(8, 4), layers: layers, inputShape: input)
        try network.validate()
        var options = ScheduleOptions(clockPeriodNs: clockNs, ioType: .stream, device: roundProfile)
        options.defaultImplementation = LayerImplementation(reuseFactor: reuseFactor)
        return try Scheduler.schedule(network, options: options)
    }

    static func conv(_ name: String, height: Int, width: Int, channels: Int, filters: Int, kernel: Int, stride: Int = 1,
                     padding: ConvolutionPadding = .valid, weights given: [Double]? = nil) -> Layer {
        let terms = kernel * kernel * channels
        let weights = given ?? (0..<(terms * filters)).map { Double($0 % 7 - 3) * 0.375 }
        let parameters = ConvolutionParameters(inputHeight: height, inputWidth: width, channels: channels, filters: filters,
                                               kernelHeight: kernel, kernelWidth: kernel, strideHeight: stride, strideWidth: stride,
                                               padding: padding, weights: weights, biases: [Double](repeating: 0.25, count: filters))
        return Layer(name: name, operation: .convolution(parameters), inputSize: height * width * channels,
                     precision: LayerPrecision(result: .fixed(16, 8), weight: .fixed(6, 3), bias: .fixed(4, 2), accumulator: .fixed(16, 8)))
    }

    /// The 6×5×2 'same' 3×3 convolution: hls4ml streams it through a ZeroPadding2D to 8×7, then the line buffer. One
    /// iteration per padded pixel (56); it reads the 30 interior ones (rows 1–6, columns 1–5) and computes where the
    /// window is complete, y ≥ 2 and x ≥ 2 (6 × 5 = 30 outputs). The window (r, c) is (2 − r)·7 + (2 − c) pixels back;
    /// the history holds 2 rows and 2 pixels, 16. At RF 1 the core's II is 1, and the last iteration lasts the loop's
    /// drain (D, hls4ml's loops are not rewound): 55 + D cycles per image.
    @Test func lineBufferOfASamePaddedConvolution() throws {
        let schedule = try Self.schedule([Self.conv("conv", height: 6, width: 5, channels: 2, filters: 3, kernel: 3, padding: .same)],
                                         input: TensorShape([6, 5, 2]))
        let block = schedule.blocks[0]
        let stream = try #require(block.stream)
        let walk = stream.walk
        #expect(walk.reader == .lineBuffer && walk.iterations == 56)
        for y in 0..<8 {
            for x in 0..<7 {
                #expect(walk.pops[y * 7 + x] == (y >= 1 && y <= 6 && x >= 1 && x <= 5))
                #expect(walk.pushes[y * 7 + x] == (y >= 2 && x >= 2))
            }
        }
        #expect(walk.history == 16 && walk.taps == [16, 15, 14, 9, 8, 7, 2, 1, 0])
        #expect(stream.tokensIn == 30 && stream.tokensOut == 30 && stream.coreInputSizes == [18])
        #expect(stream.core.inputSize == 18 && stream.core.outputSize == 3)
        #expect(block.initiationInterval == 1 && block.cyclesPerInference == 55 + max(1, block.latencyCycles))
        let channels = schedule.graph.channels
        #expect(channels.map(\.tokens) == [30, 30] && channels.map(\.elements) == [2, 3])
    }

    /// Under the Latency strategy at RF > 1 the stream convolution's core is hls4ml's `dense_latency` on the window
    /// (18 terms × 3 filters), list-scheduled under multiplier_limit = ⌈18·3 / 4⌉ − ⌊zeros / 4⌋, and the pixel loop is
    /// pipelined at II = RF: every one of the 56 iterations takes 4 cycles, the last the drain. The raw weights cycle
    /// through 11, −13, 0, 21, 5, −7, 19 (in 1/8): 11, 13, 21 and 19 have three signed digits (real multiplications),
    /// 5 and 7 two (shifts and an adder); the real ones counted here by their non-adjacent form.
    @Test func latencyConvolutionAtReuseFactorFourIsDenseLatencyOnTheWindow() throws {
        let pattern: [Int] = [11, -13, 0, 21, 5, -7, 19]
        let (terms, filters, rf) = (18, 3, 4)
        let raw = (0..<(terms * filters)).map { pattern[$0 % 7] }
        let schedule = try Self.schedule([Self.conv("conv", height: 6, width: 5, channels: 2, filters: filters, kernel: 3, padding: .same,
                                                    weights: raw.map { Double($0) / 8 })],
                                         input: TensorShape([6, 5, 2]), reuseFactor: rf)
        func signedDigits(_ value: Int) -> Int {
            var n = abs(value), digits = 0
            while n != 0 {
                if n & 1 == 1 { n -= 2 - (n & 3); digits += 1 }
                n >>= 1
            }
            return digits
        }
        var real = Set<[Int]>()
        for k in 0..<terms { for f in 0..<filters where signedDigits(raw[k * filters + f]) >= 3 { real.insert([k, raw[k * filters + f]]) } }
        let zeros = raw.filter { $0 == 0 }.count
        let limit = (terms * filters + rf - 1) / rf - zeros / rf
        #expect(zeros == 8 && limit == 12 && real.count == 31)
        let block = schedule.blocks[0]
        let products = try #require(block.products)
        #expect(products.multiplierLimit == limit && products.realMultiplications == real.count)
        #expect(products.sharedMultipliers == limit && products.issueCycles == 3 && block.multipliers == limit)
        let walk = try #require(block.stream?.walk)
        #expect(block.initiationInterval == rf && walk.iterations == 56)
        #expect(block.cyclesPerInference == 55 * rf + max(rf, block.latencyCycles))
    }

    /// Stride 2, valid, 3×3 on 7×7: outputs where y − 2 and x − 2 are even, rows and columns {2, 4, 6}: 9 of 49.
    @Test func stridedWindowsComputeEveryOtherPixel() throws {
        let schedule = try Self.schedule([Self.conv("conv", height: 7, width: 7, channels: 1, filters: 2, kernel: 3, stride: 2)],
                                         input: TensorShape([7, 7, 1]))
        let walk = try #require(schedule.blocks[0].stream?.walk)
        let computing = walk.pushes.indices.filter { walk.pushes[$0] }.map { ($0 / 7, $0 % 7) }
        #expect(computing.map(\.0) == [2, 2, 2, 4, 4, 4, 6, 6, 6] && computing.map(\.1) == [2, 4, 6, 2, 4, 6, 2, 4, 6])
        #expect(walk.pops.allSatisfy { $0 } && walk.history == 2 * 7 + 2)
    }

    /// 2×2 average pooling (stride 2) on 6×5×2: complete windows at odd rows and odd columns up to 3 (column 5 never
    /// closes a window): 3 × 2 = 6 outputs of 2 channels, from 30 pixels read one per cycle.
    @Test func poolingWindowsAndZeroPadding() throws {
        let average = Layer(name: "avg", operation: .pooling(PoolingParameters(operation: .average, inputHeight: 6, inputWidth: 5, channels: 2,
                                                                               poolHeight: 2, poolWidth: 2)),
                            inputSize: 60, precision: LayerPrecision(result: .fixed(8, 4), accumulator: .fixed(12, 6)))
        let pool = try #require(try Self.schedule([average], input: TensorShape([6, 5, 2])).blocks[0].stream?.walk)
        #expect(pool.pushes.indices.filter { pool.pushes[$0] } == [6, 8, 16, 18, 26, 28])
        #expect(pool.history == 6 && pool.taps == [6, 5, 1, 0])
        // ZeroPadding top 1, left 2 of 6×5: 7×7 written, the 30 pixels at rows 1–6, columns 2–6 read.
        let padding = Layer(name: "pad", operation: .zeroPadding(ZeroPaddingParameters(inputHeight: 6, inputWidth: 5, channels: 2, top: 1, left: 2)),
                            inputSize: 60, precision: LayerPrecision(result: .fixed(8, 4)))
        let pad = try #require(try Self.schedule([padding], input: TensorShape([6, 5, 2])).blocks[0])
        let walk = try #require(pad.stream?.walk)
        #expect(walk.iterations == 49 && walk.pushes.allSatisfy { $0 } && walk.history == 0)
        #expect(walk.pops.indices.filter { walk.pops[$0] } == (1...6).flatMap { y in (2...6).map { y * 7 + $0 } })
        #expect(pad.cyclesPerInference == 49)
    }

    /// UpSampling (2, 1) of 6×5×2 as hls4ml's resize_nearest: each row's 5 pixels read, then its 10 written (the row
    /// twice); the row loop's II is 10 (two streams, one access a cycle each), so row h is read in cycles 10h … 10h + 4
    /// and written in 10h + 5 … 10h + 14: 65 cycles per image. The row's first copy is written while nothing is read:
    /// pixel l is 5 − l reads back (5, 4, 3, 2, 1). Its second copy is written while the next row is read, one pixel a
    /// cycle, so pixel l has the next row's pixels 0 … l read after it, and the one read this cycle is element 0: 5 back
    /// every time — except in the last row, which no read follows (5, 4, 3, 2, 1 again).
    @Test func upSamplingRowBuffer() throws {
        let up = Layer(name: "up", operation: .upSampling(UpSamplingParameters(inputHeight: 6, inputWidth: 5, channels: 2, heightFactor: 2, widthFactor: 1)),
                       inputSize: 60, precision: LayerPrecision(result: .fixed(8, 4)))
        let block = try Self.schedule([up], input: TensorShape([6, 5, 2])).blocks[0]
        let walk = try #require(block.stream?.walk)
        #expect(walk.iterations == 65 && block.cyclesPerInference == 65)
        #expect(walk.pops == (0..<65).map { $0 % 10 < 5 && $0 < 60 })
        #expect(walk.pushes == (0..<65).map { $0 >= 5 })
        let sources = walk.sources.indices.filter { walk.pushes[$0] }.map { walk.sources[$0] }
        #expect(sources == Array((0..<5).map { _ in [5, 4, 3, 2, 1, 5, 5, 5, 5, 5] }.joined()) + [5, 4, 3, 2, 1, 5, 4, 3, 2, 1])
        #expect(walk.history == 5 && walk.shiftsOnReadOnly)
        #expect(block.stream?.tokensIn == 30 && block.stream?.tokensOut == 60)
    }

    /// With an image output and a vector output, each leaves on a port of its own, `out` and `out1`: a layer may not
    /// take the name `out1` then. Refused naming it; the same design with equal-length outputs joins them in `out`.
    @Test func separateOutputPortsReserveTheirNames() throws {
        let relu = Layer(name: "out1", operation: .relu, inputSize: 8, precision: LayerPrecision(result: .fixed(8, 4)))
        let dense = Layer(name: "fc", operation: .dense(DenseParameters(outputSize: 1, weights: [Double](repeating: 0.5, count: 8), biases: [0])),
                          inputSize: 8, precision: LayerPrecision(result: .fixed(16, 8), weight: .fixed(6, 3), bias: .fixed(4, 2), accumulator: .fixed(16, 8)))
        let network = Network(name: "t", inputSize: 16, inputPrecision: .fixed(8, 4),
                              layers: [Self.conv("conv", height: 4, width: 4, channels: 1, filters: 2, kernel: 3), relu, dense],
                              inputShape: TensorShape([4, 4, 1]), outputs: ["out1", "fc"])
        try network.validate()
        let options = ScheduleOptions(clockPeriodNs: 5, ioType: .stream, device: roundProfile)
        #expect(throws: ScheduleError.unsupported(layer: "out1", field: "name",
                                                  reason: "the design's output 1 leaves on the port 'out1' (io_stream outputs of different lengths); rename the layer")) {
            try Scheduler.schedule(network, options: options)
        }
        var renamed = network
        renamed.layers[1].name = "act"
        renamed.layers[2].inputs = ["act"]
        renamed.outputs = ["act", "fc"]
        let graph = try Scheduler.schedule(renamed, options: options).graph
        #expect(graph.separateOutputs && graph.outputChannels.map { graph.channels[$0].tokens } == [4, 1])
    }

    /// conv 3×3 valid on 4×4×1 (2×2×2 out), then a Dense gathering its 4 pixels. The conv reads pixel k in cycle k and
    /// its last window closes at pixel 15: written at 15 + D1, in the FIFO one cycle, read by the Dense at 16 + D1, its
    /// result at 16 + D1 + D2. II: the 16 pixels, one per cycle, the last lasting the conv loop's drain D1 (the Dense's
    /// 4 reads and its drain take less).
    @Test func oneInferenceThroughALineBufferAndAGather() throws {
        let dense = Layer(name: "fc", operation: .dense(DenseParameters(outputSize: 2, weights: (0..<16).map { Double($0 % 5) * 0.5 - 1 },
                                                                          biases: [0, 0])),
                          inputSize: 8, precision: LayerPrecision(result: .fixed(16, 8), weight: .fixed(6, 3), bias: .fixed(4, 2), accumulator: .fixed(16, 8)))
        let schedule = try Self.schedule([Self.conv("conv", height: 4, width: 4, channels: 1, filters: 2, kernel: 3), dense],
                                         input: TensorShape([4, 4, 1]), clockNs: 2)
        let (d1, d2) = (schedule.blocks[0].latencyCycles, schedule.blocks[1].latencyCycles)
        let gather = try #require(schedule.blocks[1].stream?.walk)
        #expect(gather.reader == .gather && gather.taps == [3, 2, 1, 0] && gather.pushes == [false, false, false, true])
        #expect(schedule.latencyCycles == 16 + d1 + d2)
        #expect(schedule.initiationInterval == max(15 + max(1, d1), 3 + max(1, d2)) && d1 > 3)
        #expect(schedule.graph.fifos.map(\.depth) == [4])      // hls4ml's default: the 2 × 2 pixels of the conv's output
    }
}

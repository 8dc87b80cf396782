import Testing
import FixedPoint
import NetworkIR
@testable import Scheduling

/// A convolution is scheduled with the Dense phase model over each output's window terms, once per partition of
/// its output pixels (hls4ml's ParallelizationFactor; the tests of the fully parallel form give PF = 30, every pixel).
struct ConvolutionScheduleTests {
    /// 6×5×2 input, 3×3 kernel, 3 filters, same padding (1 on every side). Pixel (oh, ow) sees kernel row kh when
    /// 0 ≤ oh + kh − 1 < 6: kh = 0 and 2 for 5 rows, kh = 1 for all 6; columns: kw = 0, 2 for 4 of 5, kw = 1 for 5.
    /// A weight (kh, kw, c, f) costs rows(kh)·columns(kw) multipliers unless it is zero; all ones: each filter
    /// has 2 channels × (5 + 6 + 5) × (4 + 5 + 4) = 416 products, 1248 in all. Zeroing weight (0, 0, 0, 0)
    /// removes 5·4 = 20 and (1, 1, 1, 2) removes 6·5 = 30: 1198.
    /// Each output has at most 18 terms + the bias: ⌈log2 19⌉ = 5 adder levels.
    static func layer(zeros: Bool) -> Layer {
        var weights = [Double](repeating: 1, count: 54)
        if zeros {
            weights[0] = 0                                   // kh 0, kw 0, c 0, f 0
            weights[((1 * 3 + 1) * 2 + 1) * 3 + 2] = 0       // kh 1, kw 1, c 1, f 2
        }
        let parameters = ConvolutionParameters(inputHeight: 6, inputWidth: 5, channels: 2, filters: 3, kernelHeight: 3, kernelWidth: 3,
                                               padding: .same, weights: weights, biases: [0.5, 0.5, 0.5])
        return Layer(name: "conv", operation: .convolution(parameters), inputSize: 60,
                     precision: LayerPrecision(result: .fixed(16, 8), weight: .fixed(4, 2), bias: .fixed(4, 2), accumulator: .fixed(16, 8)))
    }

    static func schedule(_ layer: Layer, reuseFactor: Int = 1, strategy: Strategy = .latency, parallelizationFactor: Int? = 30,
                         ioType: IOType = .parallel) throws -> BlockSchedule {
        let network = Network(name: "t", inputSize: 60, inputPrecision: .fixed(8, 4), layers: [layer], inputShape: TensorShape([6, 5, 2]))
        try network.validate()
        var options = ScheduleOptions(clockPeriodNs: 5, device: roundProfile)
        options.defaultImplementation = LayerImplementation(reuseFactor: reuseFactor, strategy: strategy,
                                                            parallelizationFactor: parallelizationFactor)
        options.ioType = ioType
        return try Scheduler.schedule(network, options: options).blocks[0]
    }

    /// Counted under the Resource strategy, which keeps a multiplier per product; under Latency at RF 1 these weights
    /// (1.0 in ap_fixed<4,2>, raw 4 = 2^2) are shifts and need none (`realMultiplicationsOnly`).
    @Test func multipliersCountWindowProducts() throws {
        #expect(try Self.schedule(Self.layer(zeros: false), strategy: .resource).multipliers == 1248)
        let block = try Self.schedule(Self.layer(zeros: true), strategy: .resource)
        #expect(block.multipliers == 1198)
        #expect(block.kind == "Conv2D")
        #expect(block.initiationInterval == 1)
        #expect(block.steps.filter { if case .addLevel = $0.operation { true } else { false } }.count == 5)
        #expect(block.notes.contains("2 zero kernel weights need no multiplier"))
    }

    /// RF 2: the 18 kernel offsets of each output split into 2 groups of 9 (group p: offsets 9p … 9p+8, offset
    /// t = (kh·3 + kw)·2 + c). Multiplier (pixel, f, s) exists when offset s or s + 9 lies inside the input for that
    /// pixel (all weights 1), counted here from the geometry: pixel (oh, ow) reads row oh + kh − 1 and column
    /// ow + kw − 1. II 2, one operand-select step, an accumulator; latency = 1 + the registers of one group.
    @Test func reuseFactorTwoSplitsTheKernel() throws {
        let block = try Self.schedule(Self.layer(zeros: false), reuseFactor: 2)
        func inside(_ oh: Int, _ ow: Int, _ t: Int) -> Bool {
            let (kh, kw) = (t / 6, (t / 2) % 3)
            return (0..<6).contains(oh + kh - 1) && (0..<5).contains(ow + kw - 1)
        }
        var expected = 0
        for oh in 0..<6 { for ow in 0..<5 { for s in 0..<9 where inside(oh, ow, s) || inside(oh, ow, s + 9) { expected += 3 } } }
        #expect(block.multipliers == expected)
        #expect(block.initiationInterval == 2 && block.groups == 2 && block.termsPerGroup == 9)
        #expect(block.steps.first?.operation == .operandSelect && block.steps.contains { $0.operation == .accumulate })
        #expect(block.latencyCycles == 1 + block.steps.reduce(0) { $0 + $1.registersAfter })
    }

    /// Resource ReuseFactor is validated as hls4ml validates a convolution's (n_in = kh·kw·C = 9, n_out = filters = 3
    /// for CICADA's qconv1): 4 is invalid (⌈27/4⌉ = 7 is not a multiple of 3) and the closest valid one is 3, which
    /// is what hls4ml used (fixture cicada_v2_student_io_parallel_resource.json: "Valid ReuseFactor(s): 1,3,9,27").
    @Test func resourceReuseFactorSnapsAsHLS4ML() throws {
        let parameters = ConvolutionParameters(inputHeight: 18, inputWidth: 14, channels: 1, filters: 3, kernelHeight: 3, kernelWidth: 3,
                                               weights: (0..<27).map { Double($0 % 5) * 0.125 - 0.25 }, biases: [0, 0, 0])
        let layer = Layer(name: "qconv1", operation: .convolution(parameters), inputSize: 252,
                          precision: LayerPrecision(result: .fixed(21, 16), weight: .fixed(6, 1), bias: .uint(1), accumulator: .fixed(21, 16)))
        let network = Network(name: "t", inputSize: 252, inputPrecision: .ufixed(10, 10), layers: [layer], inputShape: TensorShape([18, 14, 1]))
        try network.validate()
        var options = ScheduleOptions(clockPeriodNs: 5, device: roundProfile)
        options.defaultImplementation = LayerImplementation(reuseFactor: 4, strategy: .resource, parallelizationFactor: 192)
        let block = try Scheduler.schedule(network, options: options).blocks[0]
        #expect(block.reuseFactor == 3 && block.requestedReuseFactor == 4 && block.initiationInterval == 3)
        #expect([1, 3, 9, 27].allSatisfy { Scheduler.isValidResourceReuseFactor($0, inputs: 9, outputs: 3) })
        #expect(block.notes.first?.hasPrefix("ReuseFactor 4 is not valid for the Resource strategy; using 3") == true)
    }

    /// hls4ml's default ParallelizationFactor 1: 30 partitions of one pixel, the datapath of one pixel's 3 outputs.
    /// Multiplier (f, term) exists when its weight is non-zero and some pixel's window reads that term (every term
    /// is inside the image for some pixel): 3 × 18 = 54, less the two zero weights = 52. The operand select picks one
    /// of 30 partitions: ⌈log2 30⌉ = 5 mux levels × 0.25 ns = 1.25 ns. Budget 5 − 0.625 − 0.5 = 3.875 ns per stage:
    /// [mux 1.25 + mul 1.0 + add1 1.0 = 3.25] [add2 add3 add4 = 3.0] [add5 + cast (same type, 0 ns)] = 3 registers,
    /// so latency (30 − 1)·1 + 3 = 32 and II 30 (a new image every 30 cycles).
    @Test func partitionLoopAtTheDefaultParallelizationFactor() throws {
        let block = try Self.schedule(Self.layer(zeros: true), parallelizationFactor: nil)
        #expect(block.partitions == 30 && block.partitionPeriod == 1)
        // 52 products, all by 1.0 = 2^0 (raw 4 in ap_fixed<4,2>): shifts under the Latency strategy, no multiplier.
        #expect(block.multipliers == 0 && block.constantMultiplies == 52)
        #expect(block.steps.map(\.operation) == [.operandSelect, .multiply] + (1...5).map { .addLevel($0) } + [.cast])
        #expect(block.steps.map(\.registersAfter) == [0, 0, 1, 0, 0, 1, 0, 1])
        #expect(block.latencyCycles == 32 && block.initiationInterval == 30)
        #expect(block.notes.contains { $0.contains("30 partitions of 1 pixel(s) (ParallelizationFactor 1), one every 1 cycle(s)") })
    }

    /// At RF 2 the Latency strategy pipelines the partition loop at II = RF (partition q starts in cycle 2q), the
    /// Resource strategy lets each partition drain first (period = RF + the datapath's registers).
    @Test func partitionPeriodFollowsTheStrategy() throws {
        let latency = try Self.schedule(Self.layer(zeros: false), reuseFactor: 2, parallelizationFactor: 5)
        let registers = latency.steps.reduce(0) { $0 + $1.registersAfter }
        #expect(latency.partitions == 6 && latency.partitionPeriod == 2 && latency.groups == 2)
        #expect(latency.initiationInterval == 12 && latency.latencyCycles == 5 * 2 + 1 + registers)
        let resource = try Self.schedule(Self.layer(zeros: false), reuseFactor: 2, strategy: .resource, parallelizationFactor: 5)
        #expect(resource.steps == latency.steps)
        #expect(resource.partitionPeriod == 2 + registers)
        #expect(resource.initiationInterval == 6 * (2 + registers) && resource.latencyCycles == 5 * (2 + registers) + 1 + registers)
        // Five pixels per partition (pixel k of partition q is output pixel 5q + k: row q, column k), three filters:
        // 15 lanes of 9 terms per group. Multiplier (k, f, s) exists when term s or s + 9 of pixel k of some partition
        // lies inside the image; term t = (kh·3 + kw)·2 + c reads row q + kh − 1 and column k + kw − 1.
        func inside(_ oh: Int, _ ow: Int, _ t: Int) -> Bool {
            let (kh, kw) = (t / 6, (t / 2) % 3)
            return (0..<6).contains(oh + kh - 1) && (0..<5).contains(ow + kw - 1)
        }
        var expected = 0
        for k in 0..<5 {
            for s in 0..<9 where (0..<6).contains(where: { q in inside(q, k, s) || inside(q, k, s + 9) }) { expected += 3 }
        }
        // (At columns 0 and 4 one kernel column is off the image, but every offset pair s, s + 9 keeps one term
        // inside, so all 15 × 9 = 135 exist; the count is still the geometry's, not the scheduler's.)
        #expect(latency.termsPerGroup == 9 && latency.multipliers == expected && expected == 135)
    }

    /// At hls4ml's default ParallelizationFactor 1 under the Latency strategy at RF > 1, `conv_2d_latency_cl` runs
    /// `dense_latency` on one pixel's window per iteration of its PartitionLoop, pipelined at II = RF. The window's
    /// schedule is that of a Dense over the 18 kernel offsets × 3 filters with the same weights and types (scheduled
    /// here as a Dense layer: the oracle is the Dense list schedule), run 30 times: latency 29·RF + the Dense's,
    /// II 30·RF, the Dense's multipliers. The weights cycle through raw 11, −13, 0, 21, 5, −7, 19 (in 1/4, ap_fixed<8,4>).
    @Test func pixelLoopAtReuseFactorFourRunsTheWindowsDenseSchedule() throws {
        let pattern: [Double] = [11, -13, 0, 21, 5, -7, 19]
        let weights = (0..<54).map { pattern[$0 % 7] / 4 }
        let precision = LayerPrecision(result: .fixed(16, 8), weight: .fixed(8, 4), bias: .fixed(4, 2), accumulator: .fixed(20, 10))
        let parameters = ConvolutionParameters(inputHeight: 6, inputWidth: 5, channels: 2, filters: 3, kernelHeight: 3, kernelWidth: 3,
                                               padding: .same, weights: weights, biases: [0.5, -0.25, 0.75])
        let conv = try Self.schedule(Layer(name: "conv", operation: .convolution(parameters), inputSize: 60, precision: precision),
                                     reuseFactor: 4, parallelizationFactor: 1)
        let dense = Layer(name: "conv", operation: .dense(DenseParameters(outputSize: 3, weights: weights, biases: [0.5, -0.25, 0.75])),
                          inputSize: 18, precision: precision)
        let network = Network(name: "t", inputSize: 18, inputPrecision: .fixed(8, 4), layers: [dense])
        var options = ScheduleOptions(clockPeriodNs: 5, device: roundProfile)
        options.defaultImplementation = LayerImplementation(reuseFactor: 4)
        let window = try Scheduler.schedule(network, options: options).blocks[0]
        let products = try #require(conv.products)
        #expect(products == window.products)
        #expect(products.multiplierLimit == 54 / 4 + 1 - 8 / 4 && products.sharedMultipliers > 0)
        #expect(conv.partitions == 30 && conv.partitionPeriod == 4)
        #expect(conv.latencyCycles == 29 * 4 + window.latencyCycles && conv.initiationInterval == 30 * 4)
        #expect(conv.multipliers == window.multipliers && conv.stageSummary.hasPrefix("30 pixels, one every 4 cycles: list: "))
        // Registers: the window's, the image held once for the later pixels (60 × 8 bits, of which the window's own
        // 18-element hold is a part), and 29 pixels' 3 results of 16 bits held until the output.
        #expect(products.issueCycles > 1)
        #expect(conv.registerBits == window.registerBits + 60 * 8 - 18 * 8 + 29 * 3 * 16)
    }

    /// A convolution with one output pixel whose input is larger than its window (5×5×1, 3×3, stride 3, valid: the
    /// window is rows and columns 0–2) is one window too: the Dense list schedule of its 9 terms × 2 filters, II =
    /// min(RF, latency), its terms read from the window's input elements (the RTL's operands; `RTLTests`).
    @Test func onePixelConvolutionIsOneWindow() throws {
        let parameters = ConvolutionParameters(inputHeight: 5, inputWidth: 5, channels: 1, filters: 2, kernelHeight: 3, kernelWidth: 3,
                                               strideHeight: 3, strideWidth: 3,
                                               weights: (0..<18).map { [11.0, -13, 21, 19, 0, 5][$0 % 6] / 8 }, biases: [0.25, 0])
        let layer = Layer(name: "conv", operation: .convolution(parameters), inputSize: 25,
                          precision: LayerPrecision(result: .fixed(16, 8), weight: .fixed(6, 3), bias: .fixed(4, 2), accumulator: .fixed(16, 8)))
        let network = Network(name: "t", inputSize: 25, inputPrecision: .fixed(8, 4), layers: [layer], inputShape: TensorShape([5, 5, 1]))
        var options = ScheduleOptions(clockPeriodNs: 5, device: roundProfile)
        options.defaultImplementation = LayerImplementation(reuseFactor: 3)
        let block = try Scheduler.schedule(network, options: options).blocks[0]
        let products = try #require(block.products)
        #expect(parameters.outputShape == TensorShape([1, 1, 2]) && block.partitions == 1)
        #expect(products.products.allSatisfy { $0.input < 9 } && products.multiplierLimit == 6 - 3 / 3)
        #expect(block.initiationInterval == min(3, block.latencyCycles))
    }

    /// A ParallelizationFactor that does not divide the 30 output pixels is replaced as hls4ml does: the closest of
    /// 1, 2, 3, 5, 6, 10, 15, 30 (divisors up to 15, and 30), ties to the smaller.
    @Test func parallelizationFactorSnapsAsHLS4ML() throws {
        #expect(Scheduler.validParallelizationFactors(pixels: 30) == [1, 2, 3, 5, 6, 10, 15, 30])
        #expect(Scheduler.validParallelizationFactors(pixels: 7) == [1, 7])
        for (requested, used) in [(7, 6), (4, 3), (100, 30), (20, 15), (25, 30), (1, 1)] {
            let block = try Self.schedule(Self.layer(zeros: false), parallelizationFactor: requested)
            #expect(block.partitions == 30 / used, "PF \(requested)")
            let note = block.notes.contains { $0.hasPrefix("ParallelizationFactor \(requested) does not divide the 30 output pixels") }
            #expect(note == (requested != used), "PF \(requested)")
        }
    }

    /// At RF 1 under Latency only real multiplications count (the Dense rule): a weight with three or more signed
    /// digits, once per (operand, weight). In ap_fixed<6,2> (4 fractional bits) 0.75 is raw 12 = 8 + 4 and 1.75 raw
    /// 28 = 32 − 4, two digits each (a shift and an adder); 1.3125 is raw 21 = 16 + 4 + 1, three digits: a
    /// multiplication. Every window term of filter 0 carries 1.3125, filters 1 and 2 carry 0.75 and 1.75. With every
    /// pixel at once the operand is the input element: one product per element some window reads, all 60 of the
    /// 6 × 5 × 2 image (same padding, stride 1). With PF 5 a partition is one row of 5 pixels and the operand is the
    /// window slot (column k, offset t): offset t = (kh·3 + kw)·2 + c reads column k + kw − 1, so columns 0 and 4 never
    /// use the 6 offsets with kw = 0 and kw = 2 (in any row), the rows always find one that fits kh: 5 × 18 − 2 × 6 = 78.
    /// Resource keeps a multiplier per used (lane, offset): 3 filters × 78 = 234.
    @Test func realMultiplicationsOnly() throws {
        var weights = [Double](repeating: 0, count: 54)
        for t in 0..<18 { weights[t * 3] = 1.3125; weights[t * 3 + 1] = 0.75; weights[t * 3 + 2] = 1.75 }
        let parameters = ConvolutionParameters(inputHeight: 6, inputWidth: 5, channels: 2, filters: 3, kernelHeight: 3, kernelWidth: 3,
                                               padding: .same, weights: weights, biases: [0, 0, 0])
        let layer = Layer(name: "conv", operation: .convolution(parameters), inputSize: 60,
                          precision: LayerPrecision(result: .fixed(16, 8), weight: .fixed(6, 2), bias: .fixed(4, 2), accumulator: .fixed(16, 8)))
        #expect(ProductSchedule.signedDigits(21) == 3 && ProductSchedule.signedDigits(3) == 2 && ProductSchedule.signedDigits(28) == 2)
        let full = try Self.schedule(layer)
        #expect(full.multipliers == 60)
        let partitioned = try Self.schedule(layer, parallelizationFactor: 5)
        #expect(partitioned.partitions == 6 && partitioned.multipliers == 78)
        #expect(try Self.schedule(layer, strategy: .resource, parallelizationFactor: 5).multipliers == 234)
    }

    /// hls4ml's stream convolution pipelines its pixel loop only under the Latency strategy; under Resource each of
    /// the 30 computing iterations of the 8×7 padded walk takes the core's D (it drains), the 26 others a cycle. Under
    /// Latency every iteration takes II 2, and the last one the loop's drain, D.
    @Test func ioStreamResourceDrainsEachWindow() throws {
        let block = try Self.schedule(Self.layer(zeros: false), reuseFactor: 2, strategy: .resource, ioType: .stream)
        let walk = try #require(block.stream?.walk)
        #expect(walk.computeInterval == block.latencyCycles && walk.passInterval == 1 && block.initiationInterval == 2)
        #expect(block.cyclesPerInference == 30 * block.latencyCycles + 26)
        let latency = try Self.schedule(Self.layer(zeros: false), reuseFactor: 2, ioType: .stream)
        #expect(latency.stream?.walk.computeInterval == nil && latency.cyclesPerInference == 55 * 2 + max(2, latency.latencyCycles))
    }
}

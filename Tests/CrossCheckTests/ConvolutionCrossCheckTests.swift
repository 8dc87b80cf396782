import Foundation
import Testing
import Design
import FixedPoint
import NetworkIR
import Scheduling
import Simulation
import HDF5
@testable import CrossCheck

/// A small CNN: 6×5×2 → Conv2D 3 filters 3×3 same padding with bias → ReLU → Flatten (90) → Dense 4.
let smallConvDesign = """
name: small_conv
input: { shape: [6, 5, 2], precision: "ap_fixed<10,4>" }
config:
  Model: { Precision: { default: "ap_fixed<16,6>", weight: "ap_fixed<8,2>", bias: "ap_fixed<8,2>", accum: auto, result: auto } }
  LayerName:
    conv_relu: { Precision: { result: "ap_ufixed<10,5,AP_RND,AP_SAT>" } }
layers:
  - name: conv
    class: Conv2D
    filters: 3
    kernel_size: [3, 3]
    padding: same
    activation: relu
    kernel: { random: { seed: 11, scale: 0.6, sparsity: 0.1 } }
    bias: { random: { seed: 12, scale: 0.3 } }
  - { name: flat, class: Flatten }
  - name: fc
    class: Dense
    units: 4
    kernel: { random: { seed: 13, scale: 0.3 } }
    bias: { random: { seed: 14, scale: 0.2 } }
"""

/// Strides, uneven 'same' padding, no bias, Conv1D after a Reshape, rounding and saturating results and a
/// truncating accumulator: (7, 6, 2) → Conv2D 3 (3, 2), strides (2, 1), same (pads 1, 1, 0, 1) → (4, 6, 3) →
/// Reshape (24, 3) → Conv1D 2 (4), stride 3, valid, relu → (7, 2) → Flatten → Dense 3.
let mixedConvDesign = """
name: mixed_conv
input: { shape: [7, 6, 2], precision: "ap_fixed<9,3,AP_RND,AP_SAT>" }
config:
  Model: { Precision: { default: "ap_fixed<16,6>", weight: "ap_fixed<7,2>", bias: "ap_fixed<7,2>", accum: auto, result: auto } }
  LayerName:
    c1: { Precision: { result: "ap_fixed<12,5,AP_RND_CONV,AP_SAT>" } }
    c2: { Precision: { accum: "ap_fixed<18,8>", result: "ap_fixed<10,4,AP_RND,AP_WRAP>" } }
    c2_relu: { Precision: { result: "ap_ufixed<8,3,AP_TRN,AP_SAT>" } }
layers:
  - name: c1
    class: Conv2D
    filters: 3
    kernel_size: [3, 2]
    strides: [2, 1]
    padding: same
    use_bias: false
    kernel: { random: { seed: 31, scale: 1.5, sparsity: 0.15 } }
  - { name: r, class: Reshape, target_shape: [24, 3] }
  - name: c2
    class: Conv1D
    filters: 2
    kernel_size: 4
    strides: 3
    activation: relu
    kernel: { random: { seed: 32, scale: 0.8 } }
    bias: { random: { seed: 33, scale: 0.5 } }
  - { name: flat, class: Flatten }
  - { name: fc, class: Dense, units: 3, kernel: { random: { seed: 34, scale: 0.5 } }, bias: 0.25 }
"""

struct ConvolutionCrossCheckTests {
    static func load(_ text: String, name: String) throws -> LoadedDesign {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pipewright-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("\(name).yml")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return try DesignLoader.load(url, profileSearchPaths: [repositoryRoot.appendingPathComponent("Profiles")])
    }

    /// At RF 1 with every pixel at once (1.6 ns), RF 1 at hls4ml's default ParallelizationFactor 1 (4 ns, a stalling
    /// sink: c1 loops over its 24 pixels, c2 over its 7) and RF 3 with ParallelizationFactor 4 (2.5 ns, stalling: 6
    /// partitions of c1, each through 3 phases of kernel offsets; c2's 7 pixels allow only 1 or 7, and 4, as far from
    /// both, snaps to the smaller as in hls4ml: 7 partitions).
    @Test(.enabled(if: verilatorAvailable, "verilator is not on PATH"), arguments: [(1.6, "1", 1, 1_000), (4.0, "1011", 1, 1), (2.5, "1101", 3, 4)])
    func stridesPaddingAndConv1DAreBitExactInRTL(clockNs: Double, outReady: String, reuseFactor: Int, parallelization: Int) throws {
        var loaded = try Self.load(mixedConvDesign, name: "mixed_conv").applying(reuseFactor: reuseFactor, clockPeriodNs: clockNs)
        loaded.options.defaultImplementation.parallelizationFactor = parallelization
        let network = loaded.network
        #expect(network.layers.map(\.kindName) == ["Conv2D", "Conv1D", "ReLU", "Dense"])
        guard case let .convolution(c1) = network.layers[0].operation, case let .convolution(c2) = network.layers[1].operation else { return }
        #expect(c1.pads == (1, 1, 0, 1) && c1.outputShape == TensorShape([4, 6, 3]))
        #expect(c2.inputShape == TensorShape([24, 3]) && c2.outputShape == TensorShape([7, 2]))
        #expect(network.layers[0].precision.bias == .uint(1))
        let inputs = InputVectors.random(count: 16, size: 84, seed: 41).map { $0.map { $0 * 5 } }
        let run = try crossCheck(network, options: loaded.options, inputs: inputs, outReady: outReady, directory: "mixed_conv-rf\(reuseFactor)-pf\(parallelization)-\(clockNs)ns")
        // Not a degenerate case: the 48 outputs take many values, and c2's truncating accumulator drops bits.
        #expect(Set(run.trace.outputs.flatMap { $0 }).count > 30)
        // c2's products have 7 + 5 = 12 fractional bits (input ap_fixed<12,5>, weight ap_fixed<7,2>); accum keeps 10.
        #expect(network.layers[1].precision.accumulator!.fractionalBits == 10 && network.layers[0].precision.result.fractionalBits == 7)
        // The partition loop: c1 has 24 output pixels, c2 7; PF 1 000 snaps to all of them, 4 to 4 for c1 and 1 for c2.
        let partitions = parallelization == 1 ? [24, 7] : parallelization == 4 ? [6, 7] : [1, 1]
        #expect(run.schedule.blocks[0..<2].map(\.partitions) == partitions)
        #expect(run.schedule.blocks[0..<2].map(\.initiationInterval) == partitions.map { $0 * reuseFactor })
        #expect(run.schedule.initiationInterval == partitions.max()! * reuseFactor)
        if outReady == "1" { #expect(run.comparison.rtl.latencies.first == run.schedule.latencyCycles) }
    }

    /// The conv block at two clocks, the second with a sink that takes results in 3 of 4 cycles: every channel
    /// transfer and every output bit agree with the simulator, and the outputs equal the bit-exact evaluation. At
    /// 2.5 ns every pixel at once (ParallelizationFactor 30, II 1); at 5 ns 10 partitions of 3 pixels under the
    /// Resource strategy at RF 2, each partition draining before the next (II 10 × (2 + the datapath's registers)).
    @Test(.enabled(if: verilatorAvailable, "verilator is not on PATH"), arguments: [(2.5, "1", Strategy.latency, 30), (5.0, "1101", .resource, 3)])
    func smallConvIsBitExactInRTL(clockNs: Double, outReady: String, strategy: Strategy, parallelization: Int) throws {
        var loaded = try Self.load(smallConvDesign, name: "small_conv").applying(clockPeriodNs: clockNs)
        loaded.options.defaultImplementation = LayerImplementation(reuseFactor: strategy == .resource ? 2 : 1, strategy: strategy,
                                                                   parallelizationFactor: parallelization)
        #expect(loaded.network.layers.map(\.kindName) == ["Conv2D", "ReLU", "Dense"])
        #expect(loaded.network.inputShape == TensorShape([6, 5, 2]))
        let inputs = InputVectors.random(count: 16, size: 60, seed: 21).map { $0.map { $0 * 4 } }
        let run = try crossCheck(loaded.network, options: loaded.options, inputs: inputs, outReady: outReady, directory: "small_conv-\(strategy.rawValue)-pf\(parallelization)-\(clockNs)ns")
        #expect(run.comparison.comparedTransfers == 16 * run.schedule.graph.channels.count)
        let conv = run.schedule.blocks[0]
        let registers = conv.steps.reduce(0) { $0 + $1.registersAfter }
        if strategy == .latency {
            #expect(conv.partitions == 1 && run.schedule.initiationInterval == 1)
        } else {
            #expect(conv.partitions == 10 && conv.partitionPeriod == 2 + registers)
            #expect(conv.initiationInterval == 10 * (2 + registers) && conv.latencyCycles == 9 * (2 + registers) + 1 + registers)
        }
        let expected = run.schedule.blocks.reduce(0) { $0 + $1.latencyCycles }
        #expect(run.schedule.latencyCycles == expected)
        if outReady == "1" { #expect(run.comparison.rtl.latencies.first == expected) }
    }
}

/// A convolution as the design's last block, so that a slow sink stalls it while partitions of the next image are in
/// flight and earlier partitions' results sit in their hold registers: 4×5×2 → Conv2D 3 (3×3, same, bias) → 60
/// outputs, ParallelizationFactor 2 (10 partitions), RF 2, a sink that takes a result in 1 of 4 or 2 of 7 cycles.
let lastConvDesign = """
name: last_conv
input: { shape: [4, 5, 2], precision: "ap_fixed<9,3>" }
config:
  Model: { Precision: { default: "ap_fixed<16,6>", weight: "ap_fixed<7,2>", bias: "ap_fixed<7,2>", accum: auto, result: "ap_fixed<14,6,AP_RND,AP_SAT>" } }
layers:
  - name: conv
    class: Conv2D
    filters: 3
    kernel_size: 3
    padding: same
    kernel: { random: { seed: 61, scale: 0.7, sparsity: 0.1 } }
    bias: { random: { seed: 62, scale: 0.4 } }
"""

struct ConvolutionStallTests {
    @Test(.enabled(if: verilatorAvailable, "verilator is not on PATH"), arguments: [(Strategy.latency, "0001"), (.resource, "0110000")])
    func heldPartitionsSurviveStalls(strategy: Strategy, outReady: String) throws {
        var loaded = try ConvolutionCrossCheckTests.load(lastConvDesign, name: "last_conv").applying(reuseFactor: 2, clockPeriodNs: 3.0)
        loaded.options.defaultImplementation = LayerImplementation(reuseFactor: 2, strategy: strategy, parallelizationFactor: 2)
        let inputs = InputVectors.random(count: 12, size: 40, seed: 63).map { $0.map { $0 * 3 } }
        let run = try crossCheck(loaded.network, options: loaded.options, inputs: inputs, outReady: outReady, directory: "last_conv-\(strategy.rawValue)")
        #expect(Set(run.trace.outputs.flatMap { $0 }).count > 30)
        let conv = run.schedule.blocks[0]
        #expect(conv.partitions == 10 && conv.initiationInterval == 10 * conv.partitionPeriod)
        // The block offers one result per image; a sink that is ready in 1 of 4 (2 of 7) cycles makes it wait with
        // its earlier partitions' results held, and under Latency also while the next image's partitions are in
        // flight (latency > II; under Resource the partitions drain, so latency < II).
        #expect((conv.latencyCycles > conv.initiationInterval) == (strategy == .latency))
        #expect(run.simulation.blocks[0].stallCycles > 0, "the conv block never stalled")
    }
}

/// The imported CICADA v2 student (`Designs/cicada_student.yml`, 15,982 non-zero products) in Verilator on the
/// fixture's first 32 inputs. Its Verilator build takes about 70 s without tracing (67.8 s measured with ccache
/// disabled; `pipewright verify`, which traces, 90.8 s), once: the build is cached.
struct CICADACrossCheckTests {
    /// The fixture's inputs (energies 0…255, ap_ufixed<10,10>), flattened channels last.
    static func inputs(count: Int) throws -> [[Double]] {
        let file = try HDF5File.open(repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/fixtures/hls4ml/cicada_v2_student_vectors.h5"))
        let (shape, values) = try file.readFloats("x")
        let size = shape.dropFirst().reduce(1, *)
        return (0..<count).map { row in values[(row * size)..<((row + 1) * size)].map(Double.init) }
    }

    /// Every channel transfer and output bit agree; the outputs equal the bit-exact evaluation (itself equal to
    /// hls4ml's C simulation, CNNFixtureTests); latency 8 = Σ block latencies 1 + 1 + 3 + 1 + 2 at 6.25 ns, II 1 (the two
    /// Dense layers list-scheduled as HLS builds them: qdense1's 741 multiplications and 10,968 additions in 3 cycles).
    @Test(.enabled(if: verilatorAvailable, "verilator is not on PATH"))
    func wholeDesignIsBitExactInRTL() throws {
        let loaded = try DesignLoader.load(repositoryRoot.appendingPathComponent("Designs/cicada_student.yml"))
        let inputs = try Self.inputs(count: 32)
        let run = try crossCheck(loaded.network, options: loaded.options, inputs: inputs, directory: "cicada")
        print("cicada: Verilator build \(run.buildSeconds) s")
        #expect(run.schedule.blocks.map(\.latencyCycles) == [1, 1, 3, 1, 2])
        #expect(run.schedule.latencyCycles == 8 && run.schedule.initiationInterval == 1)
        #expect(run.comparison.rtl.latencies.first == 8)
        // Multipliers: the real multiplications, as HLS builds them. Each Dense's are counted here with the
        // non-adjacent-form identity (digits = popcount of the carries of 3x against x) over distinct (input,
        // weight) pairs: 741 of the 10970 non-zero products of qdense1 (few-bit QKeras weights repeat a lot), 8 of
        // 20 in score; the convolution's below.
        func realMultiplications(_ layer: Layer) -> Int? {
            guard case let .dense(p) = layer.operation, let weight = layer.precision.weight else { return nil }
            var pairs = Set<[Int64]>()
            for i in 0..<layer.inputSize {
                for j in 0..<p.outputSize {
                    let x = weight.raw(fromDouble: p.weights[i * p.outputSize + j]).magnitude
                    let half = x >> 1, triple = x + half, carries = half ^ triple
                    if (triple & carries).nonzeroBitCount + (half & carries).nonzeroBitCount >= 3 { pairs.insert([Int64(i), Int64(x), weight.raw(fromDouble: p.weights[i * p.outputSize + j]).signum()]) }
                }
            }
            return pairs.count
        }
        let dense = loaded.network.layers.compactMap(realMultiplications)
        #expect(dense == [741, 8])
        // The convolution (every pixel at once): its real multiplications by the same rule over distinct (input
        // element, weight) pairs, the geometry worked here: 16 × 12 output pixels of a valid 3×3 window over the
        // 18 × 14 × 1 grid, kernel offset t = kh·3 + kw reads element (oh + kh)·14 + (ow + kw); 1,190 of its 4,992
        // non-zero products.
        guard case let .convolution(conv) = loaded.network.layers[0].operation, let convWeight = loaded.network.layers[0].precision.weight else {
            Issue.record("qconv1 is not a convolution"); return
        }
        var convPairs = Set<[Int64]>()
        var nonZero = 0
        for oh in 0..<16 {
            for ow in 0..<12 {
                for kh in 0..<3 {
                    for kw in 0..<3 {
                        for f in 0..<3 {
                            let raw = convWeight.raw(fromDouble: conv.weights[(kh * 3 + kw) * 3 + f])
                            if raw != 0 { nonZero += 1 }
                            let x = raw.magnitude, half = x >> 1, triple = x + half, carries = half ^ triple
                            if (triple & carries).nonzeroBitCount + (half & carries).nonzeroBitCount >= 3 {
                                convPairs.insert([Int64((oh + kh) * 14 + ow + kw), raw])
                            }
                        }
                    }
                }
            }
        }
        #expect(nonZero == 4992 && convPairs.count == 1190)
        #expect(run.schedule.blocks.map(\.multipliers) == [convPairs.count, 0, dense[0], 0, dense[1]])
    }
}

/// Random convolution chains through simulator and Verilator: Conv1D or Conv2D (random shape, kernel, strides,
/// padding, bias, precisions in every mode, zero weights), a ReLU, a second convolution or a Flatten and Dense,
/// at RF 1–3, ParallelizationFactor 1, 2, 3 or every pixel, Latency or Resource, io_parallel or (a third) io_stream, clocks
/// 1.5–6 ns and sink patterns. `PIPEWRIGHT_RANDOM_CONVS=N` runs N seeds (default 3) from `PIPEWRIGHT_RANDOM_SEED`
/// (default 1).
struct RandomConvolutionTests {
    static let count = Int(ProcessInfo.processInfo.environment["PIPEWRIGHT_RANDOM_CONVS"] ?? "") ?? 3
    static let firstSeed = UInt64(ProcessInfo.processInfo.environment["PIPEWRIGHT_RANDOM_SEED"] ?? "") ?? 1

    static func design(seed: UInt64) throws -> (Network, ScheduleOptions, String) {
        var random = SplitMix64(seed: seed)
        func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + random.nextIndex(below: range.count) }
        func precision(maxWidth: Int) -> Precision {
            let width = int(4...maxWidth)
            return Precision(width: width, integerBits: int(1...max(1, width - 2)), isSigned: true,
                             quantization: int(0...1) == 0 ? .truncate : QuantizationMode.allCases[int(0...(QuantizationMode.allCases.count - 1))],
                             overflow: int(0...1) == 0 ? .wrap : OverflowMode.allCases[int(0...(OverflowMode.allCases.count - 1))])
        }
        func values(_ n: Int, _ scale: Double) -> [Double] { (0..<n).map { _ in int(0...9) == 0 ? 0 : random.nextUniform(halfWidth: scale) } }
        let oneD = int(0...2) == 0
        var shape = oneD ? TensorShape([int(3...8), int(1...3)]) : TensorShape([int(2...5), int(2...5), int(1...3)])
        let inputShape = shape
        let inputPrecision = precision(maxWidth: 10)
        var layers: [Layer] = []
        var previous = inputPrecision
        for stage in 0..<2 {
            let name = "c\(stage)"
            let rank = shape.dimensions.count - 1
            let same = int(0...1) == 1
            let kh = rank == 1 ? 1 : int(1...min(3, same ? 3 : shape.height)), kw = int(1...min(3, same ? 3 : shape.width))
            let filters = int(1...3)
            let parameters = ConvolutionParameters(spatialDimensions: rank, inputHeight: shape.height, inputWidth: shape.width,
                                                   channels: shape.channels, filters: filters, kernelHeight: kh, kernelWidth: kw,
                                                   strideHeight: rank == 1 ? 1 : int(1...2), strideWidth: int(1...2),
                                                   padding: same ? .same : .valid, weights: values(kh * kw * shape.channels * filters, 1.5),
                                                   biases: int(0...1) == 0 ? Array(repeating: 0, count: filters) : values(filters, 1))
            let weight = Precision.fixed(int(3...8), int(0...2)), bias = int(0...1) == 0 ? Precision.uint(1) : Precision.fixed(int(3...8), int(0...2))
            var accumulator = PrecisionInference.denseAccumulator(input: previous, weight: weight, bias: bias, inputSize: parameters.kernelTerms)
            if int(0...2) == 0 { accumulator.width -= 3 }         // a narrower accumulator wraps or drops bits
            let result = precision(maxWidth: 14)
            layers.append(Layer(name: name, operation: .convolution(parameters), inputSize: shape.count,
                                precision: LayerPrecision(result: result, weight: weight, bias: bias, accumulator: accumulator)))
            shape = parameters.outputShape
            layers.append(Layer(name: "\(name)_relu", operation: .relu, inputSize: shape.count, precision: LayerPrecision(result: precision(maxWidth: 10))))
            previous = layers.last!.precision.result
            if int(0...1) == 0 { break }
        }
        let dense = DenseParameters(outputSize: 2, weights: values(shape.count * 2, 0.5), biases: values(2, 0.5))
        layers.append(Layer(name: "fc", operation: .dense(dense), inputSize: shape.count,
                            precision: LayerPrecision(result: .fixed(16, 8), weight: .fixed(8, 2), bias: .fixed(8, 2),
                                                      accumulator: PrecisionInference.denseAccumulator(input: previous, weight: .fixed(8, 2), bias: .fixed(8, 2), inputSize: shape.count))))
        let network = Network(name: "random_conv", inputSize: inputShape.count, inputPrecision: inputPrecision, layers: layers, inputShape: inputShape)
        var options = ScheduleOptions(clockPeriodNs: [1.5, 2.5, 4.0, 6.0][int(0...3)], device: try DeviceProfileLoader.load(name: "xcvu9p-2", searchPaths: [repositoryRoot.appendingPathComponent("Profiles")]))
        // RF ≤ kh·kw·C × filters of every convolution (hls4ml's bound, as n_in × n_out for a Dense, which a
        // one-element image before fc also bounds).
        let bound = layers.compactMap { layer -> Int? in
            switch layer.operation {
            case let .convolution(c): return c.kernelTerms * c.filters
            case let .dense(d): return layer.inputSize * d.outputSize
            default: return nil
            }
        }.min() ?? 3
        options.defaultImplementation.reuseFactor = min(int(1...3), bound)
        let outReady = ["1", "1101", "1011"][int(0...2)]
        // The partition loop: hls4ml's default (1 pixel per iteration), 2 or 3 (snapped to a divisor of the pixels
        // as hls4ml does), or every pixel; pipelined (Latency) or draining (Resource, whose RF snaps too).
        options.defaultImplementation.parallelizationFactor = [nil, 2, 3, 1_000][int(0...3)]
        options.defaultImplementation.strategy = int(0...2) == 0 ? .resource : .latency
        // A third stream their pixels (io_stream: line buffers, the 'same' padding walked, the Dense gathering), unless
        // a Conv2D has a one-row kernel with a height stride, which hls4ml's stream cannot build (refused).
        let streamable = !layers.contains { layer in
            if case let .convolution(c) = layer.operation { return c.spatialDimensions == 2 && c.kernelHeight == 1 && c.strideHeight > 1 }
            return false
        }
        if int(0...2) == 0 && streamable { options.ioType = .stream }
        return (network, options, outReady)
    }

    @Test(.enabled(if: verilatorAvailable, "verilator is not on PATH"), arguments: (0..<UInt64(count)).map { firstSeed + $0 })
    func randomConvolutionsAgree(seed: UInt64) throws {
        let (network, options, outReady) = try Self.design(seed: seed)
        try network.validate()
        let inputs = InputVectors.random(count: 12, size: network.inputSize, seed: seed).map { $0.map { $0 * 4 } }
        let summary = network.layers.map { "\($0.name) \($0.kindName)" }.joined(separator: ", ")
        let implementation = options.defaultImplementation
        let message = "seed \(seed) (\(summary), RF \(implementation.reuseFactor), \(implementation.strategy.rawValue), "
                + "PF \(implementation.parallelizationFactor.map(String.init) ?? "1"), \(options.ioType.rawValue), \(options.clockPeriodNs) ns): "
        let run = try crossCheck(network, options: options, inputs: inputs, outReady: outReady, directory: "random-conv-\(seed)", comment: message)
        if options.ioType == .stream && outReady == "1" {
            // The schedule's replay of the walks predicts the first inference.
            #expect(run.comparison.rtl.latencies.first == run.schedule.latencyCycles, "seed \(seed)")
        }
    }
}

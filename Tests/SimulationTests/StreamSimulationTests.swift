import Testing
import FixedPoint
import NetworkIR
import Scheduling
@testable import Simulation

/// The simulator on pixel streams (io_stream over images), against cycles worked out by hand from the walks.
struct StreamSimulationTests {
    static func schedule(_ layers: [Layer], input: TensorShape, clockNs: Double = 5) throws -> DesignSchedule {
        let network = Network(name: "s", inputSize: input.count, inputPrecision: .fixed(8, 4), layers: layers, inputShape: input)
        try network.validate()
        let options = ScheduleOptions(clockPeriodNs: clockNs, ioType: .stream, device: chain([]).options.device)
        return try Scheduler.schedule(network, options: options)
    }

    static let precision = LayerPrecision(result: .fixed(16, 8), weight: .fixed(6, 3), bias: .fixed(4, 2), accumulator: .fixed(16, 8))

    /// A convolution then a Dense in io_stream, simulated for `inferences` back to back: the schedule, the run and
    /// the two blocks' D.
    static func convThenDense(_ conv: ConvolutionParameters, _ dense: DenseParameters, input: TensorShape,
                              inferences: Int, clockNs: Double = 5) throws -> (DesignSchedule, SimulationResult, Int, Int) {
        let schedule = try Self.schedule([
            Layer(name: "conv", operation: .convolution(conv), inputSize: input.count, precision: Self.precision),
            Layer(name: "fc", operation: .dense(dense), inputSize: conv.outputShape.count, precision: Self.precision),
        ], input: input, clockNs: clockNs)
        let result = try CycleSimulator(schedule: schedule, evaluator: nil).runTiming(tokens: inferences)
        return (schedule, result, schedule.blocks[0].latencyCycles, schedule.blocks[1].latencyCycles)
    }

    /// conv 3×3 valid on 4×4×1 → 2×2×2, then a Dense reading its 4 pixels. The input offers a pixel every cycle and the
    /// conv reads one per cycle, its loop draining (D1 cycles after the last pixel) before the next image: pixel k of
    /// inference i in cycle P·i + k, P = 15 + D1. Its windows close at pixels 10, 11, 14 and 15, whose results leave D1
    /// cycles later into the FIFO; the Dense reads the last one cycle after that and answers D2 later: latency
    /// 16 + D1 + D2, one inference every P cycles.
    @Test func lineBufferThenGather() throws {
        let conv = ConvolutionParameters(inputHeight: 4, inputWidth: 4, channels: 1, filters: 2, kernelHeight: 3, kernelWidth: 3,
                                         weights: (0..<18).map { Double($0 % 5) * 0.25 - 0.5 }, biases: [0, 0.5])
        let dense = DenseParameters(outputSize: 2, weights: (0..<16).map { Double($0 % 3) - 1 }, biases: [0, 0])
        // At 2 ns (1 ns per operation in this profile) the conv takes several cycles, so its drain shows.
        let (schedule, result, d1, d2) = try Self.convThenDense(conv, dense, input: TensorShape([4, 4, 1]), inferences: 5, clockNs: 2)
        let period = 15 + max(1, d1)
        #expect(d1 > 1 && d2 < period - 3)
        #expect(result.transferCycles[0] == (0..<5).flatMap { i in (0..<16).map { period * i + $0 } })
        #expect(Array(result.transferCycles[1].prefix(8)) == [10, 11, 14, 15, period + 10, period + 11, period + 14, period + 15].map { $0 + d1 })
        #expect(result.latencies == [Int](repeating: 16 + d1 + d2, count: 5))
        #expect(result.initiationInterval(channel: 0) == period)
        #expect(result.latencies[0] == schedule.latencyCycles && schedule.initiationInterval == period)
    }

    /// A one-pixel 1×1×2 image through a 'same' 3×3 convolution still walks the padded 3×3 image: it reads its pixel in
    /// iteration 4 (cycle 4) and computes in iteration 8, its result offered at 8 + D1; a cycle in the FIFO, the Dense
    /// reads it at 9 + D1 and answers at 9 + D1 + D2, so the latency from the input's transfer is 5 + D1 + D2 — for
    /// the schedule's prediction too, although every channel carries one element.
    @Test func onePixelSameConvolutionWalksItsPadding() throws {
        let conv = ConvolutionParameters(inputHeight: 1, inputWidth: 1, channels: 2, filters: 2, kernelHeight: 3, kernelWidth: 3,
                                         padding: .same, weights: (0..<36).map { Double($0 % 5) * 0.25 - 0.5 }, biases: [0, 0])
        let dense = DenseParameters(outputSize: 1, weights: [0.5, -1], biases: [0])
        let (schedule, result, d1, d2) = try Self.convThenDense(conv, dense, input: TensorShape([1, 1, 2]), inferences: 3)
        #expect(result.transferCycles[0].first == 4)
        #expect(result.latencies.first == 5 + d1 + d2 && schedule.latencyCycles == 5 + d1 + d2)
    }

    /// ZeroPadding of one row on top of a 2×2×1 image: 6 pixels written, the first two zeros that need no input, so they
    /// leave in cycles D and D + 1 while the input's first pixel is read in cycle 2. Under a sink ready every other
    /// cycle every pixel of every inference still arrives, in order, and nothing deadlocks.
    @Test func paddingWritesBeforeItReads() throws {
        let padding = ZeroPaddingParameters(inputHeight: 2, inputWidth: 2, channels: 1, top: 1)
        let schedule = try Self.schedule([Layer(name: "pad", operation: .zeroPadding(padding), inputSize: 4,
                                                precision: LayerPrecision(result: .fixed(8, 4)))], input: TensorShape([2, 2, 1]))
        let d = schedule.blocks[0].latencyCycles
        let result = try CycleSimulator(schedule: schedule, evaluator: nil).runTiming(tokens: 3)
        #expect(Array(result.transferCycles[1].prefix(6)) == (0..<6).map { $0 + d })
        #expect(Array(result.transferCycles[0].prefix(4)) == [2, 3, 4, 5])
        let stalled = try CycleSimulator(schedule: schedule, evaluator: nil).runTiming(tokens: 3, options: SimulationOptions(outReadyPattern: [true, false]))
        #expect(stalled.transferCycles[1].count >= 18 && stalled.transferCycles[0].count == 12)
        // The sink takes in even cycles only: the first element in the first even cycle from D on, and then the block,
        // which has the next ready by then, delivers one every 2 cycles (the sink's rate) for the whole run.
        let first = d % 2 == 0 ? d : d + 1
        #expect(stalled.transferCycles[1] == (0..<stalled.transferCycles[1].count).map { first + 2 * $0 })
    }
}

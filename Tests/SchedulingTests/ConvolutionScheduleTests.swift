import Testing
import FixedPoint
import NetworkIR
@testable import Scheduling

/// A convolution is scheduled as the Dense of its dense equivalent, at reuse factor 1 only.
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

    static func schedule(_ layer: Layer, reuseFactor: Int = 1, ioType: IOType = .parallel) throws -> BlockSchedule {
        let network = Network(name: "t", inputSize: 60, inputPrecision: .fixed(8, 4), layers: [layer], inputShape: TensorShape([6, 5, 2]))
        try network.validate()
        var options = ScheduleOptions(clockPeriodNs: 5, device: roundProfile)
        options.defaultImplementation.reuseFactor = reuseFactor
        options.ioType = ioType
        return try Scheduler.schedule(network, options: options).blocks[0]
    }

    @Test func multipliersCountWindowProducts() throws {
        #expect(try Self.schedule(Self.layer(zeros: false)).multipliers == 1248)
        let block = try Self.schedule(Self.layer(zeros: true))
        #expect(block.multipliers == 1198)
        #expect(block.kind == "Conv2D")
        #expect(block.initiationInterval == 1)
        #expect(block.steps.filter { if case .addLevel = $0.operation { true } else { false } }.count == 5)
        #expect(block.notes.contains("2 zero kernel weights need no multiplier"))
    }

    @Test func reuseFactorAboveOneIsRefused() {
        #expect(throws: ScheduleError.self) { try Self.schedule(Self.layer(zeros: false), reuseFactor: 2) }
        do {
            _ = try Self.schedule(Self.layer(zeros: false), reuseFactor: 4)
        } catch {
            #expect(String(describing: error).hasPrefix("layer 'conv', field 'ReuseFactor': 4 is not supported for a Conv2D"))
        }
    }

    @Test func ioStreamIsRefused() {
        do {
            _ = try Self.schedule(Self.layer(zeros: false), ioType: .stream)
            Issue.record("io_stream conv was scheduled")
        } catch {
            #expect(String(describing: error).hasPrefix("layer 'conv', field 'IOType'"))
        }
    }
}

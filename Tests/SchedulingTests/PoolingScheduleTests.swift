import Testing
import FixedPoint
import NetworkIR
@testable import Scheduling

/// Pooling, zero padding and upsampling blocks: fully parallel, II 1, io_parallel only.
struct PoolingScheduleTests {
    /// 6×5×2 input: 2×2 average pooling stride 2 valid → 3×2×2 (12 windows of 4 pixels: 2 adder levels, 3 adders each);
    /// 3×3 max pooling stride 2 same → 3×3×2 (6 % 2 = 0: pads 0, 1; 5 % 2 = 1: pads 1, 1).
    static let layers: [Layer] = [
        Layer(name: "avg", operation: .pooling(PoolingParameters(operation: .average, inputHeight: 6, inputWidth: 5, channels: 2,
                                                                 poolHeight: 2, poolWidth: 2)),
              inputSize: 60, precision: LayerPrecision(result: .fixed(8, 4), accumulator: .fixed(12, 6))),
        Layer(name: "max", operation: .pooling(PoolingParameters(operation: .max, inputHeight: 6, inputWidth: 5, channels: 2,
                                                                 poolHeight: 3, poolWidth: 3, strideHeight: 2, strideWidth: 2, padding: .same)),
              inputSize: 60, precision: LayerPrecision(result: .fixed(8, 4), accumulator: .fixed(8, 4))),
        Layer(name: "pad", operation: .zeroPadding(ZeroPaddingParameters(inputHeight: 6, inputWidth: 5, channels: 2, top: 1, left: 2)),
              inputSize: 60, precision: LayerPrecision(result: .fixed(8, 4))),
        Layer(name: "up", operation: .upSampling(UpSamplingParameters(inputHeight: 6, inputWidth: 5, channels: 2, heightFactor: 2, widthFactor: 1)),
              inputSize: 60, precision: LayerPrecision(result: .fixed(8, 4))),
    ]

    static func schedule(_ layer: Layer, ioType: IOType = .parallel) throws -> BlockSchedule {
        let network = Network(name: "t", inputSize: 60, inputPrecision: .fixed(8, 4), layers: [layer], inputShape: TensorShape([6, 5, 2]))
        try network.validate()
        var options = ScheduleOptions(clockPeriodNs: 5, device: roundProfile)
        options.ioType = ioType
        return try Scheduler.schedule(network, options: options).blocks[0]
    }

    @Test func averageIsAnAdderTreeThenADivision() throws {
        let block = try Self.schedule(Self.layers[0])
        #expect(block.kind == "AveragePooling2D" && block.initiationInterval == 1)
        #expect(block.steps.map(\.operation) == [.addLevel(1), .addLevel(2), .divide, .cast])
        #expect(block.adders == 12 * 3 && block.multipliers == 0)
    }

    /// Max: windows of 9, 6 (+ pad), 4 (+ pad) pixels: the largest tree has 9 terms, ⌈log2 9⌉ = 4 levels.
    @Test func maxIsACompareTree() throws {
        let block = try Self.schedule(Self.layers[1])
        #expect(block.kind == "MaxPooling2D")
        #expect(block.steps.map(\.operation) == [.maxLevel(1), .maxLevel(2), .maxLevel(3), .maxLevel(4), .cast])
    }

    @Test func paddingAndUpsamplingAreWiringAndARegister() throws {
        for layer in Self.layers[2...] {
            let block = try Self.schedule(layer)
            #expect(block.steps.map(\.operation) == [.cast] && block.latencyCycles == 1 && block.multipliers == 0)
        }
    }

    /// In io_stream, hls4ml's pooling needs no padding and strides equal to the pool (the max pooling here has
    /// neither). The other three stream (StreamScheduleTests).
    @Test(arguments: [1])
    func ioStreamIsRefused(index: Int) {
        let layer = Self.layers[index]
        do {
            _ = try Self.schedule(layer, ioType: .stream)
            Issue.record("io_stream \(layer.kindName) was scheduled")
        } catch {
            #expect(String(describing: error).hasPrefix("layer '\(layer.name)', field 'IOType'"))
        }
    }
}

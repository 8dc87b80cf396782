import Foundation
import Testing
import Design
import NetworkIR
import Scheduling
import Simulation
@testable import CrossCheck

/// Dense at RF > 1 under the Latency strategy (the list schedule of `ProductSchedule`) in Verilator: the simulator and
/// the RTL agree on every block boundary, and the RTL's outputs are the bit-exact evaluation of the network.
struct ListScheduleCrossCheckTests {
    /// arrhythmia (274 → 8 → ReLU → 16, the real pruned weights of a design Vitis HLS synthesized) at the reuse factors
    /// the issue names. fc1 has 119 real multiplications, the last layer 42; multiplier_limit = ⌈n_in·n_out / RF⌉ −
    /// ⌊n_zeros / RF⌋: RF 2 shares nothing (634, 46), RF 3 the last layer's (731 − 308 = 423; 43 − 12 = 31),
    /// RF 8 the last layer's (274 − 115 = 159; 16 − 4 = 12), RF 100 both (13 and 2 multipliers, as HLS allocated).
    @Test(.enabled(if: verilatorAvailable, "verilator is not on PATH"),
          arguments: [(2, "1"), (3, "1101"), (8, "1"), (100, "1101")] as [(Int, String)])
    func arrhythmiaAtReuseFactor(_ rf: Int, _ outReady: String) throws {
        var loaded = try DesignLoader.load(repositoryRoot.appendingPathComponent("Designs/calibration/argykokk_arrhythmia_dsp_reuse1.yml"))
            .applying(reuseFactor: rf)
        // The Dense layers are under test: the softmax at the end (two 1024-entry ROMs to build) is left out.
        #expect(loaded.network.layers.last?.kindName == "Softmax")
        loaded.network.layers.removeLast()
        // hls4ml's last layer is "output", a Verilog keyword; the design names it output_layer (the one name rule).
        #expect(loaded.network.layers.last?.name == "output_layer")
        let inputs = InputVectors.random(count: 10, size: loaded.network.inputSize, seed: UInt64(rf))
        let run = try crossCheck(loaded.network, options: loaded.options, inputs: inputs, outReady: outReady, directory: "arrhythmia-rf\(rf)")
        let dense = run.schedule.blocks.filter { $0.kind == "Dense" }
        let shared = dense.map { $0.products?.sharedMultipliers ?? -1 }
        switch rf {
        case 2: #expect(shared == [0, 0])
        case 3: #expect(shared == [0, 31])
        case 8: #expect(shared == [0, 12])
        default: #expect(shared == [13, 2])
        }
        for block in dense { #expect(block.initiationInterval == min(rf, block.latencyCycles)) }
        if outReady == "1" {
            #expect(run.comparison.rtl.latencies.first == run.schedule.blocks.reduce(0) { $0 + $1.latencyCycles })
            let delivered = run.comparison.rtl.transferCycles[run.comparison.rtl.transferCycles.count - 1]
            let intervals = zip(delivered.dropFirst(), delivered).map { $0 - $1 }
            #expect(intervals.suffix(4).allSatisfy { $0 == run.schedule.initiationInterval }, "output cycles \(delivered)")
        }
    }

    /// breast_cancer at RF 100 on DSPs (5 ns, the real pruned weights): fc1 and fc2 each get one shared multiplier
    /// (multiplier_limit 1), which the xc7z007s-2 profile puts on the DSP's fully pipelined core, every product
    /// ready 5 cycles after its issue (`singleSharedMultiplierCycles`); the output layer's one real multiplication
    /// is not shared. The softmax is left out (two ROMs to build); the BatchNorm scales stay. A stalling sink.
    @Test(.enabled(if: verilatorAvailable, "verilator is not on PATH"))
    func loneSharedMultiplierOnItsDeepCore() throws {
        var loaded = try DesignLoader.load(repositoryRoot.appendingPathComponent("Designs/calibration/argykokk_breast_cancer_dsp_reuse100.yml"))
        #expect(loaded.network.layers.last?.kindName == "Softmax")
        loaded.network.layers.removeLast()
        let inputs = InputVectors.random(count: 8, size: loaded.network.inputSize, seed: 100).map { $0.map { $0 * 3 } }
        let run = try crossCheck(loaded.network, options: loaded.options, inputs: inputs, outReady: "1101", directory: "breast-cancer-rf100")
        let dense = run.schedule.blocks.filter { $0.kind == "Dense" }
        #expect(dense.map { $0.products?.sharedMultipliers ?? -1 } == [1, 1, 0])
        for block in dense.prefix(2) {
            let shared = try #require(block.products).products.filter { $0.multiplier != nil }
            #expect(!shared.isEmpty && shared.allSatisfy { $0.value.readyCycle == $0.issueCycle + 5 }, "\(block.layerName)")
        }
    }

    /// cardio on fabric multipliers at 3.33 ns (xc7z007s-2-fabric), the whole design with its softmax: the softmax's
    /// 18 × 18 product is one LUT stage (however long), each max-tree level and table read two cycles, and the block
    /// takes HLS's 11 slots less at most one (the report: L = 10; predicted 12). Simulator and RTL agree under stalls.
    @Test(.enabled(if: verilatorAvailable, "verilator is not on PATH"))
    func fabricSoftmaxOnOneLUTStage() throws {
        let loaded = try DesignLoader.load(repositoryRoot.appendingPathComponent("Designs/calibration/argykokk_cardio_lut_reuse1.yml"))
        let inputs = InputVectors.random(count: 8, size: loaded.network.inputSize, seed: 33).map { $0.map { $0 * 3 } }
        let run = try crossCheck(loaded.network, options: loaded.options, inputs: inputs, outReady: "1101", directory: "cardio-fabric")
        let softmax = try #require(run.schedule.blocks.last)
        #expect(softmax.kind == "Softmax" && abs(softmax.latencyCycles - 11) <= 1)
        let product = try #require(softmax.steps.firstIndex { $0.operation == .multiply })
        #expect(softmax.steps[product].delayNs > 3.33 && softmax.steps[product].registersAfter == 0
                && softmax.steps[product + 1].operation == .cast && softmax.steps[product + 1].registersAfter == 1)
    }

    /// Softmax tables read from block RAM (`blockRAMReadNs`), each read a stage ending in the memory's register and
    /// the way out of it: breast_cancer at 5 ns (the read chains after the address logic where it fits) and arrhythmia's
    /// fabric build at 3.33 ns with 0.62 ns uncertainty (the read longer than the budget, still two stages). The whole
    /// designs, simulator against RTL under stalls, and the softmax within one cycle of the report's slots (9 and 19).
    @Test(.enabled(if: verilatorAvailable, "verilator is not on PATH"),
          arguments: [("argykokk_breast_cancer_dsp_reuse1", 9), ("argykokk_arrhythmia_lut_reuse1", 19)])
    func softmaxTablesFromBlockRAM(design: String, hlsSlots: Int) throws {
        let loaded = try DesignLoader.load(repositoryRoot.appendingPathComponent("Designs/calibration/\(design).yml"))
        #expect(loaded.options.device.blockRAMReadNs == 2.32)
        let inputs = InputVectors.random(count: 8, size: loaded.network.inputSize, seed: 41).map { $0.map { $0 * 3 } }
        let run = try crossCheck(loaded.network, options: loaded.options, inputs: inputs, outReady: "1101", directory: "bram-\(design)")
        let softmax = try #require(run.schedule.blocks.last)
        #expect(softmax.kind == "Softmax" && abs(softmax.latencyCycles - hlsSlots) <= 1)
        // Every table read keeps its value a cycle in the memory: at least one register after it.
        let reads = softmax.steps.filter { $0.operation == .lookup }
        #expect(reads.count == 2 && reads.allSatisfy { $0.registersAfter >= 1 })
    }

    /// A 4 → 2 layer whose products are real multiplications (3 signed digits, one shared by both outputs), shifts
    /// and a shift-and-add, at 2.5 ns (each multiply takes registers of its own) with a stalling sink: RF 4 puts the
    /// four real products on two multipliers over two cycles, RF 8 on one over four.
    @Test(.enabled(if: verilatorAvailable, "verilator is not on PATH"), arguments: [4, 8])
    func sharedMultipliersUnderStalls(_ rf: Int) throws {
        let raw: [Double] = [21, 21, 7, 32, 0, 11, 13, -21]
        let precision = LayerPrecision(result: .fixed(18, 8), weight: .fixed(12, 4), bias: .fixed(12, 4), accumulator: .fixed(30, 14))
        let network = Network(name: "digits", inputSize: 4, inputPrecision: .fixed(16, 6), layers: [
            Layer(name: "fc", operation: .dense(DenseParameters(outputSize: 2, weights: raw.map { $0 / 256 }, biases: [0.5, -0.375])),
                  inputSize: 4, precision: precision),
        ])
        let profile = try DeviceProfileLoader.load(from: repositoryRoot.appendingPathComponent("Profiles/xcvu9p-2.yml"))
        let options = ScheduleOptions(clockPeriodNs: 2.5, defaultImplementation: LayerImplementation(reuseFactor: rf), device: profile)
        let inputs = InputVectors.random(count: 16, size: 4, seed: UInt64(rf) + 7).map { $0.map { $0 * 40 } }
        let run = try crossCheck(network, options: options, inputs: inputs, outReady: "1100101", directory: "digits-rf\(rf)")
        let products = try #require(run.schedule.blocks[0].products)
        #expect(products.sharedMultipliers == (rf == 4 ? 2 : 1) && products.issueCycles == (rf == 4 ? 2 : 4))
    }

    /// A 'same' 6×5×2 → 3 convolution at RF 4 under the Latency strategy, each window through hls4ml's `dense_latency`
    /// (its 31 real multiplications on 12 shared multipliers over 3 cycles), with a stalling sink: in io_stream behind
    /// the line buffer (the pixel loop at II 4), and in io_parallel at ParallelizationFactor 1 (30 pixels, one every
    /// 4 cycles through the same window schedule, padding read as zeros).
    @Test(.enabled(if: verilatorAvailable, "verilator is not on PATH"), arguments: [IOType.stream, .parallel])
    func convolutionWindowsShareMultipliers(_ ioType: IOType) throws {
        let pattern: [Double] = [11, -13, 0, 21, 5, -7, 19]
        let parameters = ConvolutionParameters(inputHeight: 6, inputWidth: 5, channels: 2, filters: 3, kernelHeight: 3, kernelWidth: 3,
                                               strideHeight: 1, strideWidth: 1, padding: .same,
                                               weights: (0..<54).map { pattern[$0 % 7] / 8 }, biases: [0.25, -0.5, 0.75])
        let precision = LayerPrecision(result: .fixed(16, 8), weight: .fixed(6, 3), bias: .fixed(4, 2), accumulator: .fixed(16, 8))
        let network = Network(name: "windows", inputSize: 60, inputPrecision: .fixed(8, 4), layers: [
            Layer(name: "conv", operation: .convolution(parameters), inputSize: 60, precision: precision),
        ], inputShape: TensorShape([6, 5, 2]))
        let profile = try DeviceProfileLoader.load(from: repositoryRoot.appendingPathComponent("Profiles/xcvu9p-2.yml"))
        let options = ScheduleOptions(clockPeriodNs: 2.5, ioType: ioType, defaultImplementation: LayerImplementation(reuseFactor: 4),
                                      device: profile)
        let inputs = InputVectors.random(count: 5, size: 60, seed: 41).map { $0.map { $0 * 6 } }
        let run = try crossCheck(network, options: options, inputs: inputs, outReady: "1101", directory: "windows-rf4-\(ioType.rawValue)")
        let block = run.schedule.blocks[0]
        let products = try #require(block.products)
        #expect(products.sharedMultipliers == 12 && products.issueCycles == 3)
        if ioType == .stream {
            #expect(block.initiationInterval == 4)
        } else {
            #expect(block.partitions == 30 && block.initiationInterval == 120 && block.latencyCycles == 29 * 4 + products.latencyCycles)
        }
    }
}

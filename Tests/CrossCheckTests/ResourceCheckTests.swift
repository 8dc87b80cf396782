import Design
import FixedPoint
import Foundation
import NetworkIR
import RTL
import Scheduling
import Testing
import Toolchain
@testable import CrossCheck

/// True when Yosys can run here; CI installs it (make test), so there these tests always run.
let yosysAvailable: Bool = {
    let found = YosysRunner.yosysPath() != nil
    if !found { print("SKIP: yosys is not on PATH; the resource cross-checks (rung 4) need it (make test installs it)") }
    return found
}()

/// Rung 4: the schedule's resource counts beside Yosys `synth_xilinx -family xcup` cells, on networks small
/// enough to count by hand (each Yosys run takes about 3–5 s).
struct ResourceCheckTests {
    static let options: ScheduleOptions = {
        let profile = try! DeviceProfileLoader.load(from: repositoryRoot.appendingPathComponent("Profiles/xcvu9p-2.yml"))
        return ScheduleOptions(clockPeriodNs: 5, device: profile)
    }()

    /// Dense 4 → 2 with 16-bit inputs and 16-bit weights. `weights` are row-major [input][output].
    static func dense(name: String, weights: [Double]) -> Network {
        let dense = Layer(name: "fc", operation: .dense(DenseParameters(outputSize: 2, weights: weights, biases: [0.375, -0.8125])),
                          inputSize: 4, precision: LayerPrecision(result: .fixed(16, 6), weight: .fixed(16, 4), bias: .fixed(16, 6),
                                                                  accumulator: .fixed(35, 13)))
        return Network(name: name, inputSize: 4, inputPrecision: .fixed(16, 6), layers: [dense])
    }

    static func directory(_ name: String) -> URL {
        crossCheckDirectory("yosys-\(name)")
    }

    /// Flip-flops the RTL of a Dense 4 → 2 block of `slots` slots with `partialSums` registered 35-bit values
    /// declares: a valid bit per slot + the registered partial values + 2 × 16 result bits.
    static func declaredRegisterBits(slots: Int, partialSums: Int) -> Int { slots + partialSums * 35 + 2 * 16 }

    /// The bits of every `reg` a Verilog file declares (`reg [34:0] q_0;` is 35).
    static func declaredRegisterBits(in file: URL) throws -> Int {
        try String(contentsOf: file, encoding: .utf8).split(separator: "\n").reduce(0) { total, line in
            let text = line.trimmingCharacters(in: .whitespaces)
            guard text.hasPrefix("reg ") else { return total }
            guard let open = text.firstIndex(of: "["), let colon = text.firstIndex(of: ":"), open < colon,
                  let high = Int(text[text.index(after: open)..<colon]) else { return total + 1 }
            return total + high + 1
        }
    }

    /// Eight non-zero 16-bit weights, none a power of two (raw ×4096: 2896, −5325, 9605, 454, −2365, 6627,
    /// −11133, 1365). The schedule predicts one DSP per product (16 × 16 fits one 27 × 18 DSP48E2): 8.
    ///
    /// What Yosys 0.23 does (verified by hand on this RTL): every product by a constant that is not a power of
    /// two goes to a DSP48E2. The generator writes each product as a *signed* multiply of operands
    /// sign-extended to the product width, `$signed({{13{x_0[15]}}, x_0}) * $signed(29'h00000b50)`, so Yosys
    /// drops the redundant sign bits and sees a 16 × 13-bit signed product: one DSP48E2 each, 8 in all — the
    /// schedule's figure. (Written as an unsigned multiply of the same extended operands, as the generator
    /// first did, Yosys could not narrow A and used 4 × 2 + 1 + 3 × 3 = 18.)
    @Test(.enabled(if: yosysAvailable, "yosys is not on PATH"))
    func everyNonPowerOfTwoProductUsesADSP() throws {
        let weights = [0.7071, -1.3, 2.345, 0.111, -0.5773, 1.618, -2.718, 0.3333]
        let network = Self.dense(name: "dsp_dense", weights: weights)
        try? FileManager.default.removeItem(at: Self.directory("dsp_dense"))   // synthesize for real, not from the cache
        let result = try ResourceCheck.run(network: network, options: Self.options, directory: Self.directory("dsp_dense"))
        print("\(network.name): Yosys \(result.synthesis.design.byType.sorted { $0.key < $1.key }) in \(String(format: "%.1f", result.synthesis.seconds)) s")
        let block = try #require(result.blocks.first)
        #expect(block.predictedMultipliers == 8)
        #expect(block.predictedDSPs == 8)
        #expect(block.multiplies == MultiplyCensus(shiftConstants: 0, otherConstants: 8, variable: 0))
        #expect(block.measured.dsps == 8, "one DSP48E2 per 16 × 16-bit signed product (see the comment)")
        // The schedule (the Latency strategy's list schedule; xcvu9p-2 at 5 ns: budget 5 − 0.625 − 0.35 = 4.025 ns, a
        // product 2.09, an addition at the 28 bits the result keeps (35 − (13 − 6)) 0.5 + 0.02·28 = 1.06, a ternary
        // adder two of them, 2.12): each output sums its bias and 4 products in a tree halving the 5 terms,
        // ((bias, p0), p1) and (p2, p3). The root takes (p2, p3) into a ternary adder, and ((bias, p0), p1) is a
        // ternary adder of its own. Cycle 0: the products (2.09 + 2.12 > 4.025: registered, 4 values); cycle 1:
        // bias + p0 + p1 (registered), p2 and p3 held (2 more); cycle 2: the root (2.12 + 2.12 > 4.025 in one cycle)
        // and the cast, then the output register: 3 slots, 7 registered 35-bit values per output, and the registered
        // results. At least the 3 valid bits, the 32 result bits (all drive out_data) and the 16 bits of each partial
        // value that reach the result (bits 12…27 of 22 fractional bits) must stay flip-flops; Yosys can only remove
        // (unread, constant or duplicate) register bits, never add any: at most what the Verilog declares, counted
        // from its text.
        #expect(block.block?.latencyCycles == 3)
        #expect(block.measured.flipFlops >= 3 + 32 + 14 * 16)
        #expect(try Self.declaredRegisterBits(in: Self.directory("dsp_dense").appendingPathComponent("dsp_dense_fc.v"))
                == Self.declaredRegisterBits(slots: 3, partialSums: 14))
        #expect(block.measured.flipFlops <= Self.declaredRegisterBits(slots: 3, partialSums: 14))
        // The design total is the block plus the top module's clock buffer.
        #expect(result.total.measured.dsps == block.measured.dsps)
        #expect(result.total.measured.flipFlops == block.measured.flipFlops)
        #expect(result.total.measured["BUFG"] == 1)
    }

    /// Half the weights zero, two positive powers of two (0.5, 2.0) and two other positive weights
    /// (0.7071 → 2896, 1.618 → 6627). Zero weights have no multiply operator at all; powers of two are written as
    /// shifts (one signed digit: no `*`, no DSP); so only the two other products use DSPs, one each (16 × 16 signed
    /// fits one DSP48E2): 2. The schedule counts the same two as multipliers, as HLS would: 2896 and 6627 have 5
    /// and 6 signed digits.
    @Test(.enabled(if: yosysAvailable, "yosys is not on PATH"))
    func zeroWeightsAndPowersOfTwoUseNoDSP() throws {
        // Row-major [input][output]: output 0 has only 2.0 (a shift); output 1 has 0.5, 0.7071 and 1.618.
        let weights = [0, 0.5, 0, 0.7071, 2.0, 0, 0, 1.618]
        let network = Self.dense(name: "sparse_dense", weights: weights)
        try? FileManager.default.removeItem(at: Self.directory("sparse_dense"))   // synthesize for real, not from the cache
        let result = try ResourceCheck.run(network: network, options: Self.options, directory: Self.directory("sparse_dense"))
        print("\(network.name): Yosys \(result.synthesis.design.byType.sorted { $0.key < $1.key }) in \(String(format: "%.1f", result.synthesis.seconds)) s")
        let block = try #require(result.blocks.first)
        #expect(block.predictedMultipliers == 2)
        #expect(block.predictedDSPs == 2)
        #expect(block.multiplies == MultiplyCensus(shiftConstants: 0, otherConstants: 2, variable: 0))
        #expect(block.measured.dsps == 2, "only the two non-power-of-two products use DSPs, one each")
        // Registers: output 0 sums one product and the bias, output 1 three products and the bias; the
        // schedule's stages decide how many partial sums are registered. Lower bound as above: valid bits and
        // the 32 result bits.
        #expect(block.measured.flipFlops >= (block.block?.latencyCycles ?? 0) + 32)
    }

    /// All weights powers of two or zero: neither the schedule nor Yosys uses a DSP (only shifts and adds).
    @Test(.enabled(if: yosysAvailable, "yosys is not on PATH"))
    func powersOfTwoOnlyUseNoDSPAtAll() throws {
        let network = Self.dense(name: "shift_dense", weights: [0.25, 0, 0, 4.0, 0.5, 0, 0, 1.0])
        try? FileManager.default.removeItem(at: Self.directory("shift_dense"))   // synthesize for real, not from the cache
        let result = try ResourceCheck.run(network: network, options: Self.options, directory: Self.directory("shift_dense"))
        #expect(result.total.predictedDSPs == 0)
        #expect(result.total.multiplies == MultiplyCensus(shiftConstants: 0, otherConstants: 0, variable: 0))
        #expect(result.total.measured.dsps == 0)
        #expect(result.notes.contains { $0.contains("at most two signed digits") })
    }

    /// The census reads the literal forms the generator writes.
    @Test func multiplyCensusClassifiesLiterals() {
        let text = """
            assign prod_0 = {{13{x_0[15]}}, x_0} * 29'h00000b50;
            assign prod_1 = {{5{x_0[7]}}, x_0} * 13'h0008;
            assign prod_2 = {{3{x_1[7]}}, x_1} * 11'h7fc;
            assign prod_3 = {{6{x_2[7]}}, x_2} * 14'h0010;
            assign sq_0 = {{18{x_0[17]}}, x_0} * {{18{x_0[17]}}, x_0};
            assign sum_0 = pacc_0 + pacc_1;
            """
        #expect(MultiplyCensus.of(verilog: text) == MultiplyCensus(shiftConstants: 2, otherConstants: 2, variable: 1))
    }

    /// A second run on unchanged RTL reuses the statistics.
    @Test(.enabled(if: yosysAvailable, "yosys is not on PATH"))
    func unchangedRTLReusesTheStatistics() throws {
        let network = Self.dense(name: "cache_dense", weights: [0.25, 0, 0, 4.0, 0.5, 0, 0, 1.0])
        let directory = Self.directory("cache_dense")
        try? FileManager.default.removeItem(at: directory)
        let first = try ResourceCheck.run(network: network, options: Self.options, directory: directory)
        let second = try ResourceCheck.run(network: network, options: Self.options, directory: directory)
        #expect(!first.synthesis.reusedCache)
        #expect(second.synthesis.reusedCache)
        #expect(second.synthesis.design == first.synthesis.design)
    }

    /// In io_stream a convolution block is two modules, its walk and its core (a kh × kw × C convolution on one
    /// window), two levels below the top, whose `stat -json` Yosys 0.23 interleaves with plain-text hierarchy lines.
    /// A 4 × 4 × 1 image through a 3 × 3 convolution with 2 filters: the core's products are 9 × 2 = 18 by weights
    /// of four or more signed digits (none a shift), 18 multipliers and, 8-bit × 10-bit, 18 DSPs; the row counts the
    /// walk's and the core's cells together.
    @Test(.enabled(if: yosysAvailable, "yosys is not on PATH"))
    func streamingConvolutionCountsItsWalkAndItsCore() throws {
        // Raw (× 512 in ap_fixed<10,1>): 362, −341, 219, −171, 107, −299, 181, −405, 155, −83, 301, −229, 397, −115, 53,
        // −437, 173, −91: all different, each with four or five signed digits.
        let raws: [Double] = [362, -341, 219, -171, 107, -299, 181, -405, 155, -83, 301, -229, 397, -115, 53, -437, 173, -91]
        let weights = raws.map { $0 / 512 }
        let conv = ConvolutionParameters(inputHeight: 4, inputWidth: 4, channels: 1, filters: 2, kernelHeight: 3, kernelWidth: 3,
                                         weights: weights, biases: [0, 0])
        let layer = Layer(name: "c", operation: .convolution(conv), inputSize: 16,
                          precision: LayerPrecision(result: .fixed(16, 6), weight: .fixed(10, 1), bias: .fixed(8, 2), accumulator: .fixed(24, 8)))
        let network = Network(name: "stream_conv", inputSize: 16, inputPrecision: .fixed(8, 3), layers: [layer], inputShape: TensorShape([4, 4, 1]))
        var options = Self.options
        options.ioType = .stream
        try? FileManager.default.removeItem(at: Self.directory("stream_conv"))
        let result = try ResourceCheck.run(network: network, options: options, directory: Self.directory("stream_conv"))
        let block = try #require(result.blocks.first)
        #expect(block.predictedMultipliers == 18 && block.multiplies.otherConstants == 18)
        #expect(block.measured.dsps == 18 && result.total.measured.dsps == 18)
        #expect(block.measured.flipFlops > 0 && block.measured.flipFlops <= result.total.measured.flipFlops)
    }

    @Test func statisticsParserRejectsMissingModules() throws {
        let directory = Self.directory("bad_stat")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent("stat.json")
        try Data(#"{"modules": {"\\other": {"num_cells_by_type": {"FDRE": 1}}}, "design": {"num_cells_by_type": {}}}"#.utf8).write(to: url)
        #expect(throws: YosysError.self) { try YosysRunner.parseStatistics(at: url, topModule: "top") }
    }
}

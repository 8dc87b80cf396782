import FixedPoint
import Foundation
import NetworkIR
@testable import RTL
import Scheduling
import Testing

@Suite struct RTLStructureTests {
    @Test func literalsAreTwosComplement() {
        #expect(Verilog.literal(-1, width: 8) == "8'hff")
        #expect(Verilog.literal(5, width: 6) == "6'h05")
        #expect(Verilog.literal(-3, width: 5) == "5'h1d")
        #expect(Verilog.literal(-1, width: 70) == "70'h3fffffffffffffffff")
        #expect(Verilog.signedWidth(of: 0) == 1)
        #expect(Verilog.signedWidth(of: -1) == 1)
        #expect(Verilog.signedWidth(of: 127) == 8)
        #expect(Verilog.signedWidth(of: -128) == 8)
        #expect(Verilog.signedWidth(of: 128) == 9)
    }

    /// The generator reads each kind's typed precisions: a network that lost a type after scheduling is an error
    /// naming the layer and the field, not a trap.
    @Test func missingTypeIsAnError() throws {
        var network = reuseNetwork()
        let plan = try schedule(network, clockNs: 5)
        network.layers[0].precision.weight = nil
        #expect(throws: RTLError.invalidNetwork(.invalidPrecision(layer: "d1", field: "weight", reason: "a Dense layer needs a weight precision"))) {
            _ = try RTLGenerator.generate(network: network, schedule: plan)
        }
    }

    @Test func topModuleFollowsTheNamingContract() throws {
        let network = reuseNetwork()
        let design = try RTLGenerator.generate(network: network, schedule: try schedule(network, clockNs: 5))
        #expect(design.topModule == "rf_net")
        #expect(design.files.map(\.name) == ["rf_net.v", "rf_net_d1.v", "rf_net_r1.v", "rf_net_d2.v", "rf_net_lr.v"])
        let top = design.modules[0]
        let ports = top.ports.map { "\($0.direction.rawValue) \($0.name) \($0.width)" }
        #expect(ports == ["input clk 1", "input rst 1", "input in_valid 1", "output in_ready 1", "input in_data 70",
                          "output out_valid 1", "input out_ready 1", "output out_data 30",
                          "output dbg_valid 5", "output dbg_ready 5"])
        #expect(top.instances.map(\.name) == ["u_d1", "u_r1", "u_d2", "u_lr"])
        #expect(top.instances.map(\.module) == ["rf_net_d1", "rf_net_r1", "rf_net_d2", "rf_net_lr"])
        // Internal channels are named after the producing layer; the last block drives out_*.
        #expect(top.declaration(named: "d1_data")?.width == 4 * 12)
        #expect(top.declaration(named: "r1_data")?.width == 4 * 10)
        #expect(top.declaration(named: "d2_valid")?.width == 1)
        #expect(top.declaration(named: "lr_valid") == nil)
        let lr = top.instances[3].connections
        #expect(lr.contains(.init("out_data", "out_data")) && lr.contains(.init("in_data", "d2_data")))
        #expect(top.assigns.contains(VerilogAssign("dbg_valid", "{out_valid, d2_valid, r1_valid, d1_valid, in_valid}")))
        #expect(top.assigns.contains(VerilogAssign("dbg_ready", "{out_ready, d2_ready, r1_ready, d1_ready, in_ready}")))
        for module in design.modules.dropFirst() {
            #expect(module.ports.map(\.name) == ["clk", "rst", "in_valid", "in_ready", "in_data", "out_valid", "out_ready", "out_data"])
        }
        #expect(design.channels.map(\.prefix) == ["in", "d1", "r1", "d2", "out"])
    }

    /// A 16×16×1 'same' 3×3 → 4 convolution at RF 9 selects its shared multipliers' operands among 256 pixels × 8 issue
    /// cycles (the list schedule of ParallelizationFactor 1) and, under the Resource strategy, among 256 × 9 phases. As
    /// nested `?:` chains those were lines of 50,000 characters and 2,047 `?` that Verilator ran out of memory parsing; the
    /// AND-OR selects in wires of at most 32 terms keep every line short, whatever the image.
    @Test(arguments: [Strategy.latency, .resource])
    func operandSelectsStayShortForLargeImages(_ strategy: Strategy) throws {
        let weights = (0..<36).map { Double(($0 * 7) % 11 - 5) * 0.0625 + 0.03125 }
        let parameters = ConvolutionParameters(inputHeight: 16, inputWidth: 16, channels: 1, filters: 4, kernelHeight: 3, kernelWidth: 3,
                                               padding: .same, weights: weights, biases: [0.25, -0.125, 0, 0.5])
        let network = Network(name: "img", inputSize: 256, inputPrecision: .fixed(10, 4), layers: [
            Layer(name: "c1", operation: .convolution(parameters), inputSize: 256,
                  precision: LayerPrecision(result: .fixed(16, 6), weight: .fixed(8, 2), bias: .fixed(8, 2), accumulator: .fixed(20, 8))),
        ], inputShape: TensorShape([16, 16, 1]))
        var options = ScheduleOptions(clockPeriodNs: 5, defaultImplementation: LayerImplementation(reuseFactor: 9, strategy: strategy,
                                                                                                  parallelizationFactor: 1),
                                      device: try defaultProfile())
        options.ioType = .parallel
        let plan = try Scheduler.schedule(network, options: options)
        #expect(plan.blocks[0].partitions == 256)
        let design = try RTLGenerator.generate(network: network, schedule: plan)
        let lines = design.files.flatMap { $0.text.split(separator: "\n") }
        let longest = lines.map(\.count).max() ?? 0, deepest = lines.map { $0.filter { $0 == "?" }.count }.max() ?? 0
        #expect(longest < 20_000 && deepest <= 32, "longest line \(longest) characters, \(deepest) `?` on one line")
    }

    /// The Resource strategy's RF groups (hls4ml's dense_resource): RF groups of ⌈n_in / RF⌉ multipliers per output.
    /// hls4ml's valid Resource reuse factors for 7 × 4 are 1, 7, 14 and 28 (d2, 4 × 3, takes at most 12).
    @Test(arguments: [1, 7])
    func blockStructureFollowsTheSchedule(reuseFactor: Int) throws {
        let network = reuseNetwork()
        let plan = try schedule(network, clockNs: 5, reuseFactor: reuseFactor, strategy: .resource)
        let design = try RTLGenerator.generate(network: network, schedule: plan)
        let d1 = design.modules[1]
        let block = plan.blocks[0]
        #expect(d1.declaration(named: "valid_q")?.width == block.latencyCycles)
        #expect((d1.declaration(named: "cooldown") != nil) == (reuseFactor > 1))
        #expect((d1.declaration(named: "x_hold") != nil) == (reuseFactor > 1))
        // Multipliers, counted by hand from the weight matrix of d1: multiplier (j, s) exists when a weight
        // of input p·g + s for output j is non-zero in some phase p.
        let zeroPattern: [[Bool]] = [   // [input][output] weight == 0
            [false, false, true, true], [false, false, false, true], [false, true, false, true], [true, false, false, true],
            [false, false, true, false], [false, false, false, true], [false, false, false, false],
        ]
        let g = (7 + reuseFactor - 1) / reuseFactor
        var expected = 0
        for j in 0..<4 {
            for s in 0..<g where (0..<reuseFactor).contains(where: { p in p * g + s < 7 && !zeroPattern[p * g + s][j] }) { expected += 1 }
        }
        // A product is a `prod_*` wire: `*` of two signals at RF > 1; at RF 1 every weight of d1 has at most two
        // signed digits, so its products are shifts and an adder (no `*` at all).
        let products = d1.assigns.filter { $0.target.hasPrefix("prod_") }
        #expect(products.count == expected)
        #expect(products.filter { $0.expression.contains(" * ") }.count == (reuseFactor == 1 ? 0 : expected))
        #expect(block.multipliers == expected)
    }

    @Test func gtkwaveSaveFileGroupsTopAndBlocks() throws {
        let network = reuseNetwork()
        let design = try RTLGenerator.generate(network: network, schedule: try schedule(network, clockNs: 5))
        let lines = design.gtkwaveSaveFile(dumpfile: "/tmp/x.vcd").split(separator: "\n").map(String.init)
        #expect(lines.first == "[dumpfile] \"/tmp/x.vcd\"")
        #expect(lines.contains("TOP.rf_net.clk"))
        #expect(lines.contains("TOP.rf_net.out_data[29:0]"))
        #expect(lines.contains("TOP.rf_net.u_d2.out_data[41:0]"))
        #expect(lines.filter { $0 == "@800200" }.count == 5)
        #expect(lines.filter { $0 == "@1000200" }.count == 5)
        let open = lines.firstIndex(of: "-u_r1")!
        #expect(lines[open - 1] == "@800200")
        #expect(lines[open + 1] == "@28" && lines[open + 2] == "TOP.rf_net.u_r1.in_valid")
        // The design output (3 × 10 bits) as numbers: element 1 is bits 19…10, i.e. bits 10…19 counted from the
        // MSB of out_data[29:0], shown as signed decimal (@424) under a comment with the scale.
        let element = try #require(lines.firstIndex { $0.hasPrefix("#{out[1]} ") })
        #expect(lines[element - 1] == "@424")
        #expect(lines[element] == "#{out[1]} " + (10...19).map { "(\($0))TOP.rf_net.out_data[29:0]" }.joined(separator: " "))
        #expect(lines.contains { $0.hasPrefix("-out: raw ") && $0.contains("elements 0..2 of 3") })
    }

    @Test func mismatchedScheduleIsReported() throws {
        let network = reuseNetwork()
        var plan = try schedule(network, clockNs: 5)
        plan.blocks[1].latencyCycles += 1
        #expect(throws: RTLError.self) { try RTLGenerator.generate(network: network, schedule: plan) }
        do {
            _ = try RTLGenerator.generate(network: network, schedule: plan)
        } catch {
            #expect(error.description.contains("layer 'r1'"))
            #expect(error.description.contains("latencyCycles"))
        }
        // A keyword never passes Network.validate (the one name rule, applied at load); the generator checks
        // again for networks it is handed directly: a schedule made under a valid name, the layer renamed after.
        var renamed = network
        renamed.layers[0].name = "module"
        var other = try schedule(network, clockNs: 5)
        other.blocks[0].layerName = "module"
        #expect(throws: NetworkError.self) { try renamed.validate() }
        #expect(throws: RTLError.invalidName(layer: "module", field: "name", name: "module")) {
            try RTLGenerator.generate(network: renamed, schedule: other)
        }
    }
}

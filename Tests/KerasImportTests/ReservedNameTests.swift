import Design
import Foundation
import KerasImport
import NetworkIR
import RTL
import Scheduling
import Testing

/// Keras layer (and model) names that are Verilog keywords or names the RTL reserves are renamed at import,
/// with a note, so that the imported design also passes `pipewright rtl` (they used to fail only there).
@Suite struct ReservedNameTests {
    /// A Keras 2 Sequential model named `modelName`: x_in(3) → `names[0]` Dense(2, relu) → `names[1]` Dense(2)
    /// → `names[2]` Dense(2) → `names[3]` Activation(relu) → `names[4]` ReLU, with weights in memory.
    static func model(named modelName: String, layers names: [String] = ["module", "reg", "reg_layer", "in", "logic"]) throws -> KerasModel {
        func dense(_ name: String, _ activation: String) -> String {
            #"{"class_name": "Dense", "config": {"name": "\#(name)", "trainable": true, "dtype": "float32", "units": 2, "activation": "\#(activation)", "use_bias": true}}"#
        }
        let layers = [
            #"{"class_name": "InputLayer", "config": {"batch_input_shape": [null, 3], "dtype": "float32", "name": "x_in"}}"#,
            dense(names[0], "relu"), dense(names[1], "linear"), dense(names[2], "linear"),
            #"{"class_name": "Activation", "config": {"name": "\#(names[3])", "activation": "relu"}}"#,
            #"{"class_name": "ReLU", "config": {"name": "\#(names[4])"}}"#,
        ]
        let json = #"{"class_name": "Sequential", "config": {"name": "\#(modelName)", "layers": [\#(layers.joined(separator: ", "))]}}"#
        let architecture = try KerasArchitecture(modelConfig: json, kerasVersion: "2.15.0", file: "names.h5")
        func weights(_ name: String, inputs: Int) -> [String: KerasTensor] {
            ["kernel": KerasTensor(path: "/model_weights/\(name)/kernel:0", shape: [inputs, 2], values: Array(repeating: 0.5, count: inputs * 2)),
             "bias": KerasTensor(path: "/model_weights/\(name)/bias:0", shape: [2], values: [0.25, -0.25])]
        }
        return KerasModel(architecture: architecture, inputSize: 3,
                          weights: [names[0]: weights(names[0], inputs: 3), names[1]: weights(names[1], inputs: 2),
                                    names[2]: weights(names[2], inputs: 2)],
                          file: "names.h5")
    }

    @Test func keywordAndPortNamesAreRenamedWithANote() throws {
        let imported = try KerasImporter.convert(try Self.model(named: "wire"), source: URL(fileURLWithPath: "names.h5"),
                                                 options: Fixtures.options())
        let network = imported.design.network
        // `module` is split into module + module_relu (hls4ml's converter), the linear activations of reg and
        // reg_layer are merged away; then each reserved name gets `_layer`, and reg_layer, taken by then, `_2`.
        #expect(network.layers.map(\.name) == ["module_layer", "module_relu", "reg_layer", "reg_layer_2", "in_layer", "logic_layer"])
        #expect(network.name == "wire_design")
        for note in [
            "layer 'module' renamed 'module_layer' ('module' is a Verilog keyword)",
            "layer 'reg' renamed 'reg_layer' ('reg' is a Verilog keyword)",
            "layer 'reg_layer' renamed 'reg_layer_2' ('reg_layer' is already used)",
            "layer 'in' renamed 'in_layer' ('in' is reserved for the RTL's ports)",
            "layer 'logic' renamed 'logic_layer' ('logic' is a Verilog keyword)",
            "design name 'wire' renamed 'wire_design' ('wire' is a Verilog keyword)",
        ] {
            #expect(imported.summary.contains("note: " + note), "missing note: \(note)\n\(imported.summary)")
        }

        // The written design reads back with the same names and generates RTL (it used to fail here).
        let yaml = DesignWriter.yaml(for: imported.design)
        let reloaded = try DesignLoader.load(yaml: yaml, source: URL(fileURLWithPath: "/tmp/names.yml"),
                                             profileSearchPaths: [Fixtures.profiles])
        #expect(reloaded.network.layers.map(\.name) == network.layers.map(\.name))
        let schedule = try Scheduler.schedule(reloaded.network, options: reloaded.options)
        let rtl = try RTLGenerator.generate(network: reloaded.network, schedule: schedule)
        #expect(rtl.topModule == "wire_design")
    }

    @Test func ordinaryNamesAreKept() throws {
        let model = try Self.model(named: "names", layers: ["fc1", "fc2", "fc3", "act", "act2"])
        let imported = try KerasImporter.convert(model, source: URL(fileURLWithPath: "names.h5"), options: Fixtures.options())
        #expect(imported.design.network.layers.map(\.name) == ["fc1", "fc1_relu", "fc2", "fc3", "act", "act2"])
        #expect(imported.design.network.name == "names")
        #expect(!imported.summary.contains("renamed"))
    }

    @Test(arguments: [
        ("module", "'module' is a Verilog keyword"), ("begin", "'begin' is a Verilog keyword"),
        ("logic", "'logic' is a Verilog keyword"), ("int", "'int' is a Verilog keyword"),
        ("clk", "'clk' is reserved for the RTL's ports"), ("dbg", "'dbg' is reserved for the RTL's ports"),
        ("1x", "'1x' is not a Verilog identifier"), ("a-b", "'a-b' is not a Verilog identifier"),
    ])
    func verilogNameProblems(name: String, problem: String) {
        #expect(HardwareName.problem(with: name) == problem)
    }

    @Test(arguments: ["fc1", "module_layer", "input_1", "_x", "Module", "clk2"])
    func usableVerilogNames(name: String) {
        #expect(HardwareName.problem(with: name) == nil)
    }
}

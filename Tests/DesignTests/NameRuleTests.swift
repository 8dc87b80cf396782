import Testing
import NetworkIR
@testable import Design

/// One name rule (`HardwareName`): a design or layer name the RTL could not use is refused when the design is
/// loaded, naming the file, the layer and the field — not later by `rtl`.
struct NameRuleTests {
    static func design(name: String = "ok", layer: String) -> String {
        """
        name: \(name)
        input: { size: 3, precision: "ap_fixed<10,4>" }
        layers:
          - { name: \(layer), class: ReLU }
        """
    }

    @Test(arguments: [("reg", "Verilog keyword"), ("logic", "Verilog keyword"), ("out", "reserved for the RTL's ports"),
                      ("clk", "reserved for the RTL's ports")])
    func layerNamesTheRTLCannotUseAreRefusedAtLoad(_ name: String, _ reason: String) throws {
        let error = try TestSupport.error(Self.design(layer: name))
        let text = error?.description ?? ""
        #expect(text.contains(":4") && text.contains("'\(name)'") && text.contains(reason), "\(text)")
    }

    @Test func designNamesTheRTLCannotUseAreRefusedAtLoad() throws {
        let text = try TestSupport.error(Self.design(name: "module", layer: "r")).map(\.description) ?? ""
        #expect(text.contains(":1") && text.contains("'module' is a Verilog keyword"), "\(text)")
    }

    /// The same rule in the IR, for networks built by other front ends.
    @Test func networkValidationAppliesTheRule() {
        let network = Network(name: "n", inputSize: 2, inputPrecision: .fixed(8, 4), layers: [
            Layer(name: "wire", operation: .relu, inputSize: 2, precision: LayerPrecision(result: .fixed(8, 4))),
        ])
        #expect(throws: NetworkError.invalidParameter(layer: "wire", field: "name",
                                                      reason: "the layer name becomes an RTL instance: 'wire' is a Verilog keyword")) {
            try network.validate()
        }
        #expect(HardwareName.problem(with: "fc1") == nil && HardwareName.problem(with: "1fc") != nil)
    }
}

import FixedPoint
import Foundation
import NetworkIR
import Testing
@testable import Design

/// Design files with the table activations, hard activations and softmax: every class and activation name
/// parses into its layer kind with hls4ml's default types, and a wrong name or table size is an error that
/// names the layer and the field.
@Suite struct ActivationDesignTests {
    static let design = """
        name: activations
        device: xcvu9p-2
        input: { size: 4, precision: "ap_fixed<16,6>" }
        config:
          ClockPeriod: 5
          Model:
            Precision: { default: "ap_fixed<16,6>", param: auto }
        layers:
          - name: fc1
            class: Dense
            units: 4
            activation: sigmoid
            kernel: {random: {seed: 3, scale: 0.5}}
          - { name: th, class: Activation, activation: tanh, table_size: 512 }
          - { name: sp, class: Activation, activation: softplus }
          - { name: ss, class: Activation, activation: softsign }
          - { name: el, class: Activation, activation: elu, alpha: 0.5 }
          - { name: el2, class: ELU, alpha: 1.0 }
          - { name: se, class: Activation, activation: selu }
          - { name: hs, class: Activation, activation: hard_sigmoid }
          - { name: ht, class: Activation, activation: hard_tanh, slope: 0.5, shift: 0.5 }
          - { name: sm, class: Softmax, implementation: latency, exp_table_size: 256 }
          - { name: sm2, class: Activation, activation: softmax }
          - { name: am, class: Softmax, implementation: argmax }
        """

    @Test func everyActivationClassParses() throws {
        let network = try TestSupport.load(Self.design).network
        #expect(network.layers.map(\.name) == ["fc1", "fc1_sigmoid", "th", "sp", "ss", "el", "el2", "se", "hs", "ht", "sm", "sm2", "am"])
        let layers = Dictionary(uniqueKeysWithValues: network.layers.map { ($0.name, $0) })
        #expect(layers["fc1_sigmoid"]?.operation == .lookup(LookupActivation(function: .sigmoid)))
        #expect(layers["th"]?.operation == .lookup(LookupActivation(function: .tanh, tableSize: 512)))
        #expect(layers["sp"]?.operation == .lookup(LookupActivation(function: .softplus)))
        #expect(layers["ss"]?.operation == .lookup(LookupActivation(function: .softsign)))
        #expect(layers["el"]?.operation == .lookup(LookupActivation(function: .elu, alpha: 0.5)))
        #expect(layers["el2"]?.operation == .lookup(LookupActivation(function: .elu, alpha: 1)))
        #expect(layers["se"]?.operation == .lookup(LookupActivation(function: .selu)))
        #expect(layers["hs"]?.operation == .hardActivation(HardActivation(function: .hardSigmoid, slope: 0.2, shift: 0.5)))
        #expect(layers["ht"]?.operation == .hardActivation(HardActivation(function: .hardTanh, slope: 0.5, shift: 0.5)))
        #expect(layers["sm"]?.operation == .softmax(SoftmaxParameters(implementation: .latency, expTableSize: 256)))
        #expect(layers["sm2"]?.operation == .softmax(SoftmaxParameters()))
        #expect(layers["am"]?.operation == .softmax(SoftmaxParameters(implementation: .argmax)))

        // hls4ml's defaults: results the model default, tables ap_fixed<18,8>; with `param: auto` ELU's α by the
        // constant rule (0.5 → ap_ufixed<1,0>, 1 → ap_ufixed<1,1>) and SELU's λ ap_ufixed<16,1>; hard slope/shift
        // ap_ufixed<16,0>/<2,0>; softmax tables, accum and inv_inp ap_fixed<18,8,AP_RND,AP_SAT>, the stable
        // one's inp_norm_t the ap_fixed<16,6> input without its sign bit, ap_ufixed<15,5>.
        for layer in network.layers.dropFirst() { #expect(layer.precision.result == .fixed(16, 6), "\(layer.name)") }
        #expect(layers["th"]?.precision.extra == ["table": .fixed(18, 8)])
        #expect(layers["el"]?.precision.parameter == .ufixed(1, 0))
        #expect(layers["el2"]?.precision.parameter == .ufixed(1, 1))
        #expect(layers["se"]?.precision.parameter == .ufixed(16, 1))
        #expect(layers["ht"]?.precision.extra == ["slope": .ufixed(16, 0), "shift": .ufixed(2, 0)])
        let table = Precision.fixed(18, 8, .round, .saturate)
        #expect(layers["sm"]?.precision.accumulator == table)
        #expect(layers["sm"]?.precision.extra == ["exp_table": table, "inv_table": table, "inv_inp": table])
        #expect(layers["sm2"]?.precision.extra == ["exp_table": table, "inv_table": table, "inv_inp": table, "inp_norm": .ufixed(15, 5)])
        #expect(layers["am"]?.precision.extra == [:])
    }

    /// The small design with one layer replaced.
    static func variant(_ layer: String) -> String {
        design.replacingOccurrences(of: "  - { name: sp, class: Activation, activation: softplus }", with: "  - " + layer)
    }

    @Test(arguments: [
        ("{ name: sp, class: Activation, activation: swish }", "sp", "activation"),
        ("{ name: sp, class: Activation, activation: softplus, table_size: 1000 }", "sp", "table_size"),
        ("{ name: sp, class: Softmax, table_size: 1000 }", "sp", "table_size"),
        ("{ name: sp, class: Softmax, implementation: legacy }", "sp", "implementation"),
        ("{ name: sp, class: Activation, activation: tanh, alpha: 2 }", "sp", "alpha"),
    ])
    func invalidActivationNamesLayerAndField(_ layer: String, _ name: String, _ field: String) throws {
        let error = try TestSupport.error(Self.variant(layer))
        guard case let .invalidValue(location, _, _)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(location.layer == name && location.field == field)
        let text = error?.description ?? ""
        #expect(text.contains("design.yml:") && text.contains("layer '\(name)'") && text.contains("field '\(field)'"), "\(text)")
    }

    /// An unknown name lists the ones a design may use.
    @Test func unknownActivationListsTheKnownOnes() throws {
        let error = try TestSupport.error(Self.variant("{ name: sp, class: Activation, activation: swish }"))
        let text = error?.description ?? ""
        #expect(text.contains("'swish'") && text.contains("sigmoid") && text.contains("hard_tanh") && text.contains("softmax"), "\(text)")
    }

    /// A 1000-entry table is refused: Pipewright's ROMs are addressed by index bits.
    @Test func tableSizeMustBeAPowerOfTwo() throws {
        let error = try TestSupport.error(Self.variant("{ name: sp, class: Activation, activation: softplus, table_size: 1000 }"))
        #expect(error?.description.contains("a power of two") == true, "\(String(describing: error))")
    }
}

import FixedPoint
import Foundation
import NetworkIR
import Scheduling
import Testing
@testable import Design

/// `inputs:`, merge classes, `FIFODepth` and the fifo-size editor in design files.
struct GraphDesignTests {
    static let skip = """
        name: skip
        input: { size: 3, precision: "ap_fixed<10,4>" }
        config:
          ClockPeriod: 5
          Model: { Precision: { default: "ap_fixed<16,6>" } }
          FIFODepth: { in_to_add_dl: 7 }
        layers:
          - name: fc1
            class: Dense
            units: 3
            activation: relu
            kernel: {random: {seed: 1, scale: 0.5}}
          - name: add
            class: Add
            inputs: [fc1_relu, input]
        """

    /// A KLDivergence reads two tensors (μ, log σ²) or one holding both, named or by default the layer before it.
    @Test(arguments: [
        ("""
         - { name: mu, class: Dense, units: 3, kernel: {random: {seed: 4, scale: 0.5}} }
         - { name: logvar, class: Dense, units: 3, inputs: input, kernel: {random: {seed: 5, scale: 0.5}} }
         - { name: kl, class: KLDivergence, inputs: [mu, logvar] }
         """, 2),
        ("""
         - { name: z, class: Dense, units: 6, kernel: {random: {seed: 3, scale: 0.5}} }
         - { name: kl, class: KLDivergence, inputs: z }
         """, 1),
        ("""
         - { name: z, class: Dense, units: 6, kernel: {random: {seed: 3, scale: 0.5}} }
         - { name: kl, class: KLDivergence }
         """, 1),
    ])
    func klDivergenceReadsTwoTensorsOrOne(layers: String, tensors: Int) throws {
        let text = """
            name: vae
            input: { size: 4, precision: "ap_fixed<10,4>" }
            config: { ClockPeriod: 5, Model: { Precision: { default: "ap_fixed<16,6>" } } }
            layers:

            """ + layers.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") + "\n"
        let design = try TestSupport.load(text)
        let kl = try #require(design.network.layers.last)
        guard case let .klDivergence(parameters) = kl.operation else { Issue.record("not a KL layer"); return }
        #expect(parameters.inputTensors == tensors && kl.arity == tensors)
        #expect(kl.inputSize == 6 && kl.outputSize == 1)
        _ = try Scheduler.schedule(design.network, options: design.options)
    }

    @Test func klDivergenceWithThreeInputsNamesTheField() throws {
        let text = """
            name: vae
            input: { size: 3, precision: "ap_fixed<10,4>" }
            config: { ClockPeriod: 5 }
            layers:
              - { name: kl, class: KLDivergence, inputs: [input, input, input] }
            """
        #expect {
            try TestSupport.load(text)
        } throws: { error in
            "\(error)".contains("inputs") && "\(error)".contains("KLDivergence")
        }
    }

    /// Add's result is `auto` through the model default only where hls4ml has no rule; here it infers
    /// max(I) + 1 from ap_fixed<16,6> and ap_fixed<10,4>: I = 7, F = max(10, 6) = 10 → ap_fixed<17,7>.
    @Test func mergeLayerReadsNamedInputs() throws {
        let design = try TestSupport.load(Self.skip.replacingOccurrences(of: "Precision: { default: \"ap_fixed<16,6>\" }",
                                                                     with: "Precision: { default: \"ap_fixed<16,6>\", result: auto }"))
        let add = try #require(design.network.layers.last)
        #expect(add.inputs == ["fc1_relu", "input"])
        #expect(add.inputSize == 6 && add.outputSize == 3)
        #expect(add.operation == .merge(.add))
        #expect(design.options.fifoDepths == ["in_to_add_dl": 7])
        let schedule = try Scheduler.schedule(design.network, options: design.options)
        #expect(schedule.graph.fifos.map(\.depth) == [7])
    }

    @Test func unknownInputNamesTheLayerAndField() throws {
        let error = try TestSupport.error(Self.skip.replacingOccurrences(of: "[fc1_relu, input]", with: "[fc1_relu, fc9]"))
        let text = error?.description ?? ""
        #expect(text.contains("add") && text.contains("inputs") && text.contains("fc9") && text.contains("fc1_relu"), "\(text)")
    }

    @Test func mergeNeedsTwoInputs() throws {
        let one = try TestSupport.error(Self.skip.replacingOccurrences(of: "[fc1_relu, input]", with: "[fc1_relu]"))
        #expect(one?.description.contains("2 layer name(s)") == true, "\(one?.description ?? "")")
        let none = try TestSupport.error(Self.skip.replacingOccurrences(of: "    inputs: [fc1_relu, input]", with: ""))
        #expect(none?.description.contains("inputs") == true, "\(none?.description ?? "")")
    }

    @Test func inputIsAReservedName() throws {
        let error = try TestSupport.error(Self.skip.replacingOccurrences(of: "name: add", with: "name: input"))
        #expect(error?.description.contains("design input") == true, "\(error?.description ?? "")")
    }

    /// fifo-size's editor: sets FIFODepth and IOType inside the config block and keeps every comment.
    @Test func editorSetsFIFODepthAndKeepsComments() throws {
        let text = """
            # comment
            name: x
            config:
              IOType: io_parallel   # old
              FIFODepth:
                a: 9
              ClockPeriod: 5        # ns
            layers: []
            """
        let edited = try #require(DesignFileEditor.settingConfig(text, fifoDepths: ["b": 2, "a": 3], ioType: "io_stream"))
        #expect(edited == """
            # comment
            name: x
            config:
              IOType: io_stream
              FIFODepth: { a: 3, b: 2 }
              ClockPeriod: 5        # ns
            layers: []
            """)
        #expect(DesignFileEditor.settingConfig("name: x\nconfig: { ClockPeriod: 5 }\n", fifoDepths: ["a": 1]) == nil)
        #expect(DesignFileEditor.settingConfig("name: x\nlayers: []", fifoDepths: ["a": 1]) == "name: x\nconfig:\n  FIFODepth: { a: 1 }\nlayers: []")
    }
}

/// Random inputs can be made for any range of events without the ones before (for streaming --outputs).
struct RandomInputRangeTests {
    @Test func rangesAreSlicesOfTheWholeSequence() {
        let whole = InputVectors.random(count: 40, size: 3, seed: 9)
        #expect(InputVectors.random(range: 17..<40, size: 3, seed: 9) == Array(whole[17..<40]))
        #expect(InputVectors.random(range: 0..<5, size: 3, seed: 9) == Array(whole[0..<5]))
    }
}

/// `outputs:` in a design file: several design outputs, written back by the Keras import's writer.
struct MultipleOutputDesignTests {
    static let text = """
        name: heads
        input: { size: 3, precision: "ap_fixed<10,4>" }
        config: { ClockPeriod: 5, Model: { Precision: { default: "ap_fixed<16,6>" } } }
        outputs: [z, kl]
        layers:
          - { name: z, class: Dense, units: 4, kernel: {random: {seed: 3, scale: 0.5}} }
          - { name: kl, class: KLDivergence }
        """

    @Test func outputsAreRead() throws {
        let design = try TestSupport.load(Self.text)
        #expect(design.network.outputs == ["z", "kl"])
        #expect(design.network.outputSize == 5)
        let schedule = try Scheduler.schedule(design.network, options: design.options)
        // z is ready after its Dense, kl after z and its own block: z waits for kl in a delay line.
        let z = schedule.blocks[0].latencyCycles, kl = schedule.blocks[1].latencyCycles
        #expect(schedule.latencyCycles == z + kl)
        #expect(schedule.graph.fifos.map(\.name) == ["z_to_out_dl"])
        #expect(schedule.graph.fifos.map(\.depth) == [kl + 1])
    }

    /// A Flatten folds away (no layer), so naming it in `outputs` names the tensor it stands for, as in `inputs`.
    @Test func aFoldedFlattenNamesItsTensor() throws {
        let text = """
            name: image
            input: { shape: [2, 2, 1], precision: "ap_fixed<10,4>" }
            config: { ClockPeriod: 5, Model: { Precision: { default: "ap_fixed<16,6>" } } }
            outputs: [flat, fc]
            layers:
              - { name: relu, class: ReLU }
              - { name: flat, class: Flatten }
              - { name: fc, class: Dense, units: 2, kernel: {random: {seed: 3, scale: 0.5}} }
            """
        let design = try TestSupport.load(text)
        #expect(design.network.outputs == ["relu", "fc"])
        #expect(design.network.outputSize == 6)
    }

    @Test(arguments: [("outputs: [z, kz]", "kz"), ("outputs: [z, z]", "twice"), ("outputs: []", "at least one"),
                      ("outputs: [z]", "kl")])
    func badOutputsNameTheField(_ line: String, _ expected: String) throws {
        let error = try TestSupport.error(Self.text.replacingOccurrences(of: "outputs: [z, kl]", with: line))
        let text = error?.description ?? ""
        #expect(text.contains("outputs") && text.contains(expected), "\(text)")
        #expect(text.contains(":4") || line == "outputs: [z]", "points at the outputs line: \(text)")
    }
}

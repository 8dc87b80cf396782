import FixedPoint
import Foundation
import NetworkIR
import Scheduling
import Testing
@testable import Design

/// Loading valid designs: weights in every form, config defaults and per-layer entries, overrides.
@Suite struct DesignLoaderTests {
    @Test func inlineKernelIsRowMajorInputByOutput() throws {
        let network = try TestSupport.load(TestSupport.small).network
        #expect(network.layers.map(\.name) == ["fc1", "fc1_relu", "fc2", "score"])
        guard case let .dense(fc1) = network.layers[0].operation else { Issue.record("fc1 is not Dense"); return }
        // kernel [[1,2,3],[4,5,6],…]: row i holds the weights from input i to outputs 0, 1, 2.
        #expect(fc1.outputSize == 3)
        #expect(fc1.weights == (1...12).map(Double.init))
        #expect(fc1.biases == [0.5, -0.5, 0.25])
        guard case let .dense(fc2) = network.layers[2].operation else { Issue.record("fc2 is not Dense"); return }
        #expect(fc2.biases == [0, 0])   // no bias given → zeros
        #expect(fc2.weights.count == 6)
    }

    @Test func fileWeightsMatchInlineWeights() throws {
        let yaml = TestSupport.small.replacingOccurrences(
            of: "kernel: [[1, 2, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12]]", with: "kernel: {file: fc1_kernel.txt}")
            .replacingOccurrences(of: "bias: [0.5, -0.5, 0.25]", with: "bias: {file: weights/fc1_bias.txt}")
        let folder = try TestSupport.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("weights"), withIntermediateDirectories: true)
        try "# fc1 kernel, 4 rows of 3\n1 2 3\n4, 5, 6\n7\t8 9 10\n11 12\n"
            .write(to: folder.appendingPathComponent("fc1_kernel.txt"), atomically: true, encoding: .utf8)
        try "0.5,-0.5,0.25".write(to: folder.appendingPathComponent("weights/fc1_bias.txt"), atomically: true, encoding: .utf8)
        let url = folder.appendingPathComponent("design.yml")
        try yaml.write(to: url, atomically: true, encoding: .utf8)
        let fromFiles = try DesignLoader.load(url, profileSearchPaths: [TestSupport.profiles]).network
        let inline = try TestSupport.load(TestSupport.small).network
        #expect(fromFiles == inline)
    }

    @Test func randomWeightsAreDeterministic() throws {
        let first = try TestSupport.load(TestSupport.small).network
        let second = try TestSupport.load(TestSupport.small).network
        #expect(first == second)
        guard case let .dense(fc2) = first.layers[2].operation else { Issue.record("fc2 is not Dense"); return }
        var generator = SplitMix64(seed: 7)
        let expected = (0..<6).map { _ in generator.nextUniform(halfWidth: 0.5) }
        #expect(fc2.weights == expected)
    }

    @Test func seedOneFirstWeight() throws {
        // {random: {seed: 1, scale: 0.25}}: first value 0.25 · (2 · 0.5665615751722809 − 1), see SplitMix64Tests.
        let yaml = TestSupport.small.replacingOccurrences(of: "{random: {seed: 7, scale: 0.5}}",
                                                          with: "{random: {seed: 1, scale: 0.25}}")
        guard case let .dense(fc2) = try TestSupport.load(yaml).network.layers[2].operation else {
            Issue.record("fc2 is not Dense"); return
        }
        #expect(fc2.weights[0] == 0.03328078758614045)
    }

    @Test func sparsityZeroesTheRequestedFraction() throws {
        let yaml = TestSupport.small.replacingOccurrences(
            of: "units: 2\n    kernel: {random: {seed: 7, scale: 0.5}}",
            with: "units: 10\n    kernel: {random: {seed: 7, scale: 0.5, sparsity: 0.3}}")
        let network = try TestSupport.load(yaml).network
        guard case let .dense(fc2) = network.layers[2].operation else { Issue.record("fc2 is not Dense"); return }
        #expect(fc2.weights.count == 30)
        #expect(fc2.weights.filter { $0 == 0 }.count == 9)   // round(0.3 · 30)
        #expect(try TestSupport.load(yaml).network == network)
    }

    @Test func configAndPerLayerEntries() throws {
        let design = try TestSupport.load(TestSupport.small)
        #expect(design.options.clockPeriodNs == 4)
        #expect(design.options.clockUncertaintyNs == 0.5)
        #expect(design.options.implementation(of: "fc2") == LayerImplementation(reuseFactor: 2, strategy: .resource))
        #expect(design.options.implementation(of: "fc1") == LayerImplementation(reuseFactor: 1, strategy: .latency))
        let layers = design.network.layers
        // fc1: input <10,4>, weight = bias = model default <16,6>, n_in 4 → L = 2:
        // W = 16 + 10 + 2 = 28, I = 6 + 4 + 2 = 12, F = 16; I = max(12, 6) + 1 = 13, W = 13 + max(16, 10) = 29.
        #expect(layers[0].precision.accumulator == .fixed(29, 13))
        #expect(layers[0].precision.result == .fixed(16, 6))
        #expect(design.notes.contains { $0.contains("fc1_relu") })
    }

    @Test func batchNormScaleShiftConstantsAndLeakyDefaults() throws {
        let yaml = """
            name: bn_test
            input: { size: 3 }
            config:
              ClockPeriod: 2.5
              ClockUncertainty: 0.3
              IOType: IO_Stream
              Model: { Precision: "ap_fixed<12,5>" }
              LayerName:
                bn: { Precision: { scale: "ap_fixed<10,2>", result: auto } }
                act: { Precision: { param: auto } }
            layers:
              - { name: bn, class: batchnormalization, scale: [1, 2, 3], shift: 0.5 }
              - { name: bn2, class: BatchNormalization, gamma: 2, moving_mean: [0, 1, 2], moving_variance: 3, epsilon: 1 }
              - { name: act, class: LeakyReLU }
              - { name: lin, class: Activation, activation: linear }
            """
        let design = try TestSupport.load(yaml)
        let layers = design.network.layers
        guard case let .batchNormalization(bn) = layers[0].operation,
              case let .batchNormalization(bn2) = layers[1].operation else { Issue.record("not BatchNorm"); return }
        #expect(bn.scale == [1, 2, 3])
        #expect(bn.shift == [0.5, 0.5, 0.5])
        // γ = 2, β = 0, var + ε = 4: scale = 1, shift = −mean.
        #expect(bn2.scale == [1, 1, 1])
        #expect(bn2.shift == [0, -1, -2])
        // bn result auto: input <12,5>, scale <10,2>, bias (model default) <12,5>:
        // Ws = 22, Is = 7; I = max(7, 5) + 1 = 8; W = 8 + max(15, 7) = 23.
        #expect(layers[0].precision.result == .fixed(23, 8))
        #expect(layers[0].precision.weight == .fixed(10, 2))
        #expect(layers[1].precision.weight == .fixed(12, 5))
        #expect(layers[2].operation == .leakyReLU(alpha: 0.3))
        #expect(layers[2].precision.parameter == .ufixed(8, -1))
        #expect(layers[3].operation == .linear)
        #expect(design.network.inputPrecision == .fixed(12, 5))
        #expect(design.options.ioType == .stream)
        #expect(design.clockUncertainty == .nanoseconds(0.3))
        #expect(design.options.clockUncertaintyNs == 0.3)
        #expect(design.options.device.name == "xcvu9p-2")   // default profile
    }

    @Test func overridesKeepTheUncertaintyRule() throws {
        let percent = try TestSupport.load(TestSupport.small)
        let faster = percent.applying(reuseFactor: 4, clockPeriodNs: 2)
        #expect(faster.options.clockPeriodNs == 2)
        #expect(faster.options.clockUncertaintyNs == 0.25)          // 12.5 % of 2 ns
        #expect(faster.options.implementation(of: "fc1").reuseFactor == 4)
        #expect(faster.options.implementation(of: "fc2") == LayerImplementation(reuseFactor: 4, strategy: .resource))
        let nanoseconds = try TestSupport.load(TestSupport.small.replacingOccurrences(
            of: "ClockPeriod: 4", with: "ClockPeriod: 4\n  ClockUncertainty: 0.6"))
        let slower = nanoseconds.applying(reuseFactor: nil, clockPeriodNs: 8)
        #expect(slower.options.clockUncertaintyNs == 0.6)
        #expect(slower.options.implementation(of: "fc2").reuseFactor == 2)
        let ignored = percent.applying(clockPeriodNs: -1)
        #expect(ignored.options == percent.options)
        #expect(ignored.notes.count == percent.notes.count + 1)
        // An impossible reuse factor is passed on, so that the scheduler can name the layer it fails for.
        #expect(percent.applying(reuseFactor: 0).options.defaultImplementation.reuseFactor == 0)
    }
}

/// The complete example in docs/design-format.md loads, so the reference cannot drift from the loader.
@Suite struct DocumentationExampleTests {
    @Test func completeExampleLoads() throws {
        let doc = try String(contentsOf: TestSupport.repository.appendingPathComponent("docs/design-format.md"),
                             encoding: .utf8)
        guard let start = doc.range(of: "```yaml\n"),
              let end = doc.range(of: "```", range: start.upperBound..<doc.endIndex) else {
            Issue.record("no yaml block in docs/design-format.md"); return
        }
        let design = try TestSupport.load(String(doc[start.upperBound..<end.lowerBound]))
        #expect(design.network.layers.map(\.name) == ["fc1", "fc1_relu", "fc2", "fc2_relu", "fc3", "score"])
        #expect(design.network.layers[0].precision.accumulator == .fixed(37, 19))
        #expect(design.options.implementation(of: "fc1") == LayerImplementation(reuseFactor: 2, strategy: .resource))
        guard case let .dense(fc3) = design.network.layers[4].operation else { Issue.record("fc3 is not Dense"); return }
        #expect(fc3.weights.filter { $0 == 0 }.count == Int((0.3 * 16 * 57).rounded()))
    }
}

import Testing
import FixedPoint
import NetworkIR
@testable import Design

/// Design files with shapes, convolutions, Flatten and Reshape.
struct ConvolutionDesignTests {
    static let design = """
    name: cnn
    input: { shape: [4, 3, 2], precision: "ap_ufixed<10,10>" }
    config:
      Model: { Precision: { default: "ap_fixed<16,6>", weight: "ap_fixed<6,1>", accum: auto, result: auto } }
    layers:
      - name: conv
        class: Conv2D
        filters: 2
        kernel_size: 3
        strides: [1, 1]
        use_bias: false
        kernel: 0.5
      - { name: flat, class: Flatten }
      - { name: fc, class: Dense, units: 2, kernel: 0.25, bias: 0 }
      - { name: back, class: Reshape, target_shape: [2, 1] }
      - { name: c1, class: Conv1D, filters: 1, kernel_size: 2, kernel: [1, -1], bias: 0.5 }
    """

    /// Shapes flow through the layers; Flatten and Reshape are not layers; a conv without bias gets
    /// bias_t ap_uint<1>, and its auto accum follows hls4ml's rule with n_in = kh·kw·C = 18:
    /// L = 5, W = 10 + 6 + 5 = 21, I = 10 + 1 + 5 = 16, signed; bias step: I = max(16, 1 + 1) + 1 = 17,
    /// W = 17 + max(5, 0) = 22 → ap_fixed<22,17>.
    @Test func shapesFlowAndFoldedLayersVanish() throws {
        let loaded = try TestSupport.load(Self.design)
        let network = loaded.network
        #expect(network.inputShape == TensorShape([4, 3, 2]))
        #expect(network.layers.map(\.name) == ["conv", "fc", "c1"])
        #expect(network.layers.map(\.kindName) == ["Conv2D", "Dense", "Conv1D"])
        #expect(network.layers.map(\.inputSize) == [24, 4, 2])
        #expect(network.shape(ofTensor: 0) == TensorShape([2, 1, 2]))
        let conv = network.layers[0]
        #expect(conv.precision.bias == .uint(1))
        #expect(conv.precision.accumulator == .fixed(22, 17))
        guard case let .convolution(c1) = network.layers[2].operation else { Issue.record("not a conv"); return }
        #expect(c1.inputShape == TensorShape([2, 1]) && c1.outputShape == TensorShape([1, 1]))
        #expect(loaded.notes.contains { $0.contains("flat: Flatten to (4) folded away") })
    }

    /// Layers that name a Flatten read what it reads: two Dense layers on one flattened conv output fork it.
    @Test func readingAFlattenByNameReadsItsSource() throws {
        let loaded = try TestSupport.load("""
        name: forked
        input: { shape: [3, 3, 1] }
        layers:
          - { name: conv, class: Conv2D, filters: 2, kernel_size: 2, kernel: 0.5 }
          - { name: flat, class: Flatten }
          - { name: a, class: Dense, units: 2, kernel: 0.25 }
          - { name: b, class: Dense, units: 2, kernel: 0.5, inputs: flat }
          - { name: sum, class: Add, inputs: [a, b] }
        """)
        let network = loaded.network
        #expect(network.layers.map(\.name) == ["conv", "a", "b", "sum"])
        #expect(network.layers[1].inputs.isEmpty && network.layers[2].inputs == ["conv"])
        #expect(network.consumers(ofTensor: 0) == [1, 2])
        #expect(network.layers[1].inputSize == 8 && network.layers[2].inputSize == 8)
    }

    @Test func denseOnAnImageNeedsAFlatten() throws {
        let error = try TestSupport.error("""
        name: cnn
        input: { shape: [4, 3, 2] }
        layers:
          - { name: fc, class: Dense, units: 2, kernel: 0.25 }
        """)
        #expect(error?.description.contains("layer 'fc'") == true)
        #expect(error?.description.contains("add a Flatten") == true)
    }

    /// `ParallelizationFactor` as hls4ml reads it: per layer from its LayerName entry, from Model only for a layer
    /// without one; absent means hls4ml's default 1 (nil here); a value that is not a positive integer is an error
    /// naming the field.
    @Test func parallelizationFactorIsReadFromModelAndLayerName() throws {
        let withFactor = Self.design.replacingOccurrences(
            of: "  Model: { Precision:", with: "  Model: { ParallelizationFactor: 2, Precision:")
            .replacingOccurrences(of: "layers:\n", with: "  LayerName: { c1: { ParallelizationFactor: 1 } }\nlayers:\n")
        let options = try TestSupport.load(withFactor).options
        #expect(options.implementation(of: "conv").parallelizationFactor == 2)
        #expect(options.implementation(of: "c1").parallelizationFactor == 1)
        #expect(try TestSupport.load(Self.design).options.implementation(of: "conv").parallelizationFactor == nil)
        // hls4ml's get_layer_config_value: a LayerName entry (here precisions only) hides the Model's value.
        let hidden = try TestSupport.load(withFactor.replacingOccurrences(
            of: "  LayerName: { c1: { ParallelizationFactor: 1 } }",
            with: "  LayerName: { c1: { ParallelizationFactor: 1 }, conv: { Precision: { result: \"ap_fixed<16,6>\" } } }"))
        #expect(hidden.options.implementation(of: "conv").parallelizationFactor == nil)
        #expect(hidden.options.implementation(of: "fc").parallelizationFactor == 2)
        #expect(hidden.notes.contains { $0.hasPrefix("layer 'conv': Model ParallelizationFactor 2 does not apply, as in hls4ml") })
        #expect(!hidden.notes.contains { $0.hasPrefix("layer 'c1'") })
        for bad in ["0", "-3", "two", "1.5"] {
            let error = try TestSupport.error(Self.design.replacingOccurrences(
                of: "  Model: { Precision:", with: "  Model: { ParallelizationFactor: \(bad), Precision:"))
            #expect(error?.description.contains("config.Model.ParallelizationFactor") == true, "\(bad): \(String(describing: error))")
            #expect(error?.description.contains("a positive integer") == true, "\(bad)")
        }
    }

    @Test func convOnAVectorNamesTheLayer() throws {
        let error = try TestSupport.error("""
        name: cnn
        input: { size: 12 }
        layers:
          - { name: conv, class: Conv2D, filters: 1, kernel_size: 3, kernel: 1 }
        """)
        #expect(error?.description.contains("layer 'conv'") == true)
        #expect(error?.description.contains("(height, width, channels)") == true)
    }

    @Test func badShapesAreErrors() throws {
        let reshape = try TestSupport.error("""
        name: cnn
        input: { shape: [4, 3] }
        layers:
          - { name: r, class: Reshape, target_shape: [5, 2] }
          - { name: a, class: ReLU }
        """)
        #expect(reshape?.description.contains("target_shape") == true)
        let kernel = try TestSupport.error("""
        name: cnn
        input: { shape: [2, 2, 1] }
        layers:
          - { name: conv, class: Conv2D, filters: 1, kernel_size: 3, kernel: 1 }
        """)
        #expect(kernel?.description.contains("kernel_size") == true)
        let size = try TestSupport.error("""
        name: cnn
        input: { shape: [2, 2, 1], size: 5 }
        layers:
          - { name: a, class: ReLU }
        """)
        #expect(size != nil)
        let padding = try TestSupport.error("""
        name: cnn
        input: { shape: [4, 4, 1] }
        layers:
          - { name: conv, class: Conv2D, filters: 1, kernel_size: 3, padding: full, kernel: 1 }
        """)
        #expect(padding?.description.contains("valid or same") == true)
    }
}

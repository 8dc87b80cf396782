import Design
import FixedPoint
import Foundation
import NetworkIR
import Scheduling

/// Writes a loaded design as a design file (docs/design-format.md) that `DesignLoader` reads back into the
/// same `Network`: every precision explicit in `config.LayerName`, BatchNorms as `scale`/`shift`, weights
/// inline with 17 significant digits (enough to round-trip every double).
public enum DesignWriter {
    public static func yaml(for design: LoadedDesign, description: String? = nil) -> String {
        let network = design.network
        let options = design.options
        var out = "name: \(network.name)\n"
        if let description {
            out += "description: \(quoted(description))\n"
        }
        out += "device: \(options.device.name)\n"
        if network.inputShape.dimensions.count > 1 {
            out += "input: { shape: [\(network.inputShape.dimensions.map(String.init).joined(separator: ", "))], "
                + "precision: \(quoted(network.inputPrecision.description)) }\n"
        } else {
            out += "input: { size: \(network.inputSize), precision: \(quoted(network.inputPrecision.description)) }\n"
        }
        if network.hasSeveralOutputs {
            out += "outputs: [" + network.outputTensors.map { network.layers[$0].name }.joined(separator: ", ") + "]\n"
        }
        out += "config:\n"
        out += "  IOType: \(options.ioType.rawValue)\n"
        out += "  ClockPeriod: \(number(options.clockPeriodNs))\n"
        switch design.clockUncertainty {
        case let .percent(value): out += "  ClockUncertainty: \(number(value))%\n"
        case let .nanoseconds(value): out += "  ClockUncertainty: \(number(value))\n"
        }
        out += "  Model:\n"
        out += "    Precision: { default: \(quoted(network.inputPrecision.description)) }\n"
        out += "    ReuseFactor: \(options.defaultImplementation.reuseFactor)\n"
        out += "    Strategy: \(options.defaultImplementation.strategy.rawValue)\n"
        if let factor = options.defaultImplementation.parallelizationFactor { out += "    ParallelizationFactor: \(factor)\n" }
        out += "  LayerName:\n"
        for layer in network.layers {
            // The kind's named types in its order, then whatever else the layer declares (so that reading the file
            // back gives the same declared types). A loaded design is valid, so the typed operation resolves.
            let named = (try? layer.typedOperation().namedTypes) ?? []
            let keys = [("result", layer.precision.result)] + named
                + layer.precision.declared.filter { field in !named.contains { $0.name == field.name || ($0.name, field.name) == ("scale", "weight") } }
            let map = keys.map { key, value in "\(key): \(quoted(value.description))" }
            out += "    \(layer.name):\n"
            out += "      Precision: { \(map.joined(separator: ", ")) }\n"
            if let implementation = options.layerImplementations[layer.name] {
                out += "      ReuseFactor: \(implementation.reuseFactor)\n"
                out += "      Strategy: \(implementation.strategy.rawValue)\n"
                if let factor = implementation.parallelizationFactor { out += "      ParallelizationFactor: \(factor)\n" }
            }
        }
        out += "layers:\n"
        for (index, layer) in network.layers.enumerated() {
            let reshape = reshape(before: index, in: network)
            out += reshape + "  - name: \(layer.name)\n"
            if !layer.inputs.isEmpty, reshape.isEmpty { out += "    inputs: [" + layer.inputs.joined(separator: ", ") + "]\n" }
            switch layer.operation {
            case let .dense(parameters):
                out += "    class: Dense\n    units: \(parameters.outputSize)\n    kernel:\n"
                for row in 0..<layer.inputSize {
                    let slice = parameters.weights[(row * parameters.outputSize)..<((row + 1) * parameters.outputSize)]
                    out += "      - " + list(Array(slice)) + "\n"
                }
                out += "    bias: " + list(parameters.biases) + "\n"
            case let .convolution(c):
                let axes = { (h: Int, w: Int) in c.spatialDimensions == 1 ? "\(w)" : "[\(h), \(w)]" }
                out += "    class: \(c.kindName)\n    filters: \(c.filters)\n"
                out += "    kernel_size: \(axes(c.kernelHeight, c.kernelWidth))\n    strides: \(axes(c.strideHeight, c.strideWidth))\n"
                out += "    padding: \(c.padding.rawValue)\n    kernel:\n"
                for row in 0..<c.kernelTerms {
                    out += "      - " + list(Array(c.weights[(row * c.filters)..<((row + 1) * c.filters)])) + "\n"
                }
                out += "    bias: " + list(c.biases) + "\n"
            case let .batchNormalization(parameters):
                // On an image whose values repeat per pixel (hls4ml's per-channel BatchNorm), one value per channel.
                let source = network.sources(ofLayerAt: index).first ?? -1
                let channels = network.shape(ofTensor: source).dimensions.count > 1 ? network.shape(ofTensor: source).channels : layer.inputSize
                let perChannel = channels < layer.inputSize && layer.inputSize % channels == 0
                    && parameters.scale.indices.allSatisfy { parameters.scale[$0] == parameters.scale[$0 % channels]
                        && parameters.shift[$0] == parameters.shift[$0 % channels] }
                let count = perChannel ? channels : layer.inputSize
                out += "    class: BatchNormalization\n"
                if perChannel { out += "    # one value per channel, repeated for each pixel\n" }
                out += "    scale: " + list(Array(parameters.scale.prefix(count))) + "\n"
                out += "    shift: " + list(Array(parameters.shift.prefix(count))) + "\n"
            case let .pooling(p):
                let axes = { (h: Int, w: Int) in p.spatialDimensions == 1 ? "\(w)" : "[\(h), \(w)]" }
                out += "    class: \(p.kindName)\n"
                if !p.isGlobal {
                    out += "    pool_size: \(axes(p.poolHeight, p.poolWidth))\n    strides: \(axes(p.strideHeight, p.strideWidth))\n"
                    out += "    padding: \(p.padding.rawValue)\n"
                }
            case let .zeroPadding(p):
                out += "    class: \(p.kindName)\n"
                out += p.spatialDimensions == 1 ? "    padding: [\(p.left), \(p.right)]\n"
                    : "    padding: [[\(p.top), \(p.bottom)], [\(p.left), \(p.right)]]\n"
            case let .upSampling(p):
                out += "    class: \(p.kindName)\n"
                out += p.spatialDimensions == 1 ? "    size: \(p.widthFactor)\n" : "    size: [\(p.heightFactor), \(p.widthFactor)]\n"
            case let .leakyReLU(alpha):
                out += "    class: LeakyReLU\n    alpha: \(number(alpha))\n"
            case .relu:
                out += "    class: ReLU\n"
            case .linear:
                out += "    class: Linear\n"
            case .squaredNorm:
                out += "    class: SquaredNorm\n"
            case let .merge(merge):
                out += "    class: \(merge.kindName)\n"
            case let .lookup(activation):
                out += "    class: Activation\n    activation: \(activation.function.rawValue)\n    table_size: \(activation.tableSize)\n"
                if activation.function == .elu { out += "    alpha: \(number(activation.alpha))\n" }
            case let .hardActivation(activation):
                out += "    class: Activation\n    activation: \(activation.function.rawValue)\n"
                out += "    slope: \(number(activation.slope))\n    shift: \(number(activation.shift))\n"
            case let .klDivergence(parameters):
                out += "    class: KLDivergence\n    table_size: \(parameters.tableSize)\n"
            case let .softmax(parameters):
                out += "    class: Softmax\n    implementation: \(parameters.implementation.rawValue)\n"
                out += "    exp_table_size: \(parameters.expTableSize)\n    inv_table_size: \(parameters.invTableSize)\n"
                if parameters.expScale != 1 { out += "    exp_scale: \(number(parameters.expScale))\n" }
            }
        }
        return out
    }

    /// The Flatten or Reshape a design file needs before layer `index` (none are layers of a `Network`: they are
    /// folded into the shapes): a Dense that reads a tensor of several dimensions, or a convolution whose input
    /// shape differs from the shape of the tensor it reads.
    static func reshape(before index: Int, in network: Network) -> String {
        let layer = network.layers[index]
        let source = network.sources(ofLayerAt: index).first ?? -1
        let shape = network.shape(ofTensor: source)
        let sourceName = source < 0 ? Network.inputName : network.layers[source].name
        let inputs = layer.inputs.isEmpty ? "" : "    inputs: [\(sourceName)]\n"
        func reshapeLayer(_ target: TensorShape) -> String {
            "  - name: \(layer.name)_reshape\n\(inputs)    class: Reshape\n    target_shape: [\(target.dimensions.map(String.init).joined(separator: ", "))]\n"
        }
        switch layer.operation {
        case .dense where shape.dimensions.count > 1:
            return "  - name: \(layer.name)_flatten\n\(inputs)    class: Flatten\n"
        case let .convolution(c) where c.inputShape != shape:
            return reshapeLayer(c.inputShape)
        case let .pooling(p) where p.inputShape != shape:
            return reshapeLayer(p.inputShape)
        case let .zeroPadding(p) where p.inputShape != shape:
            return reshapeLayer(p.inputShape)
        case let .upSampling(p) where p.inputShape != shape:
            return reshapeLayer(p.inputShape)
        default:
            return ""
        }
    }

    /// `%.17g`: the shortest form that always reads back as the same double.
    static func number(_ value: Double) -> String {
        let text = String(format: "%.17g", value)
        return text == "-0" ? "0" : text
    }

    static func list(_ values: [Double]) -> String {
        "[" + values.map(number).joined(separator: ", ") + "]"
    }

    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: " ") + "\""
    }
}

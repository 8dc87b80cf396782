import Design
import FixedPoint
import NetworkIR

/// Builds hls4ml's node list from the Keras layers, one layer at a time (`HLS4MLConversion.buildNodes`): the state
/// every kind's conversion shares. Each kind's own conversion is an extension in the file of its kind
/// (`HLS4MLConversion+Dense.swift`, `+Convolution`, `+BatchNormalization`, `+Activation`, `+Merge`, `+Pooling`).
struct NodeBuilder {
    let model: KerasModel
    let options: KerasImportOptions
    var notes: [String]
    var nodes: [HLS4MLNode] = []
    /// The node that holds each Keras layer's output (a split activation's, or the input of a dropped layer).
    var producer: [String: String] = [:]
    /// hls4ml's Keras 2 converter splits every Dense activation, even `linear`.
    let splitLinear: Bool
    var compatible: Bool { options.hls4mlCompatible }

    // The layer being converted.
    var layer = KerasLayer(name: "", className: "", kind: .passThrough)
    var weights: [String: KerasTensor] = [:]
    /// The nodes it reads: its inbound layers' producers (or the node before it).
    var reads: [String] = []
    /// Total size of what the next node reads.
    var size: Int

    init(model: KerasModel, options: KerasImportOptions, notes: [String]) {
        self.model = model
        self.options = options
        self.notes = notes
        size = model.inputSize
        splitLinear = model.architecture.kerasMajorVersion < 3
    }

    mutating func begin(_ layer: KerasLayer) {
        self.layer = layer
        weights = model.weights[layer.name] ?? [:]
        reads = layer.inputs.compactMap { producer[$0] }
        if reads.isEmpty, let last = nodes.last?.name { reads = [last] }
        size = reads.map { name in nodes.first { $0.name == name }?.outputSize ?? model.inputSize }.reduce(0, +)
        if case .input = layer.kind { size = model.inputSize }
    }

    /// The node holding this layer's output: the last one it added, unless it added none and said which
    /// (a dropped layer stands for what it reads).
    mutating func end() {
        if producer[layer.name] == nil { producer[layer.name] = nodes.last?.name }
    }

    /// A node of this layer: `name` is the layer's own (it reads the layer's inputs) or a split-off activation's
    /// (it reads the node before it); every config key `auto` unless `keys` gives it.
    func node(_ name: String, _ operation: HLS4MLNode.Operation, _ keys: [String: HLS4MLPrecisionSetting] = [:]) -> HLS4MLNode {
        var node = HLS4MLNode(name: name, operation: operation, inputSize: size, settings: [:], kerasClass: layer.className)
        node.inputs = nodes.isEmpty ? [] : (name == layer.name ? reads : [nodes.last!.name])
        for key in node.configKeys { node.settings[key] = keys[key] ?? .auto }
        return node
    }

    /// The activation hls4ml's converter splits off a Dense or a convolution as `<layer>_<activation>` (a linear one
    /// only in compatible mode from the Keras 2 or QKeras converters, which split even that; merged away later).
    mutating func splitActivation(_ activation: KerasActivation, keepsLinear: Bool) {
        switch activation {
        case .linear:
            if compatible, keepsLinear { nodes.append(node(layer.name + "_linear", .linear)) }
        default:
            let (operation, keys) = HLS4MLConversion.activationOperation(activation, alpha: 1, options: options)
            let name = layer.name + "_" + activation.rawValue
            nodes.append(node(name, operation, keys))
            notes.append("\(layer.name): activation \(activation.rawValue) split into layer \(name) (as hls4ml's converter does)")
        }
    }

    mutating func input() {
        nodes.append(node(layer.name, .input))
    }

    /// A no-op layer (Dropout and the like): no node, its output is what it reads.
    mutating func passThrough() {
        notes.append("\(layer.name): \(layer.className) is a no-op, dropped")
        producer[layer.name] = reads.first
    }

    /// Flatten/Reshape: hls4ml aliases the array in io_parallel (a Reshape layer with no code); the shape lives on
    /// in the next convolution's input shape.
    mutating func reshape() {
        let shape = model.shapes[layer.name].map { "(" + $0.map(String.init).joined(separator: ", ") + ")" } ?? "?"
        notes.append("\(layer.name): \(layer.className) to \(shape) folded away (no block; hls4ml aliases the array)")
        producer[layer.name] = reads.first
    }
}

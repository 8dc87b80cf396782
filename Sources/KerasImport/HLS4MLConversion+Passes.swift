import FixedPoint
import Foundation
import NetworkIR
import Design
import RTL
import Scheduling

// hls4ml 1.3's optimizer passes that change numerics, on the node list (HLS4MLConversion.init runs them in
// hls4ml's flow order), and the graph edits they share.

extension HLS4MLConversion {
    /// The index of the node named `name`.
    static func index(of name: String?, in nodes: [HLS4MLNode]) -> Int? {
        guard let name else { return nil }
        return nodes.firstIndex { $0.name == name }
    }

    /// How many times the node `name` is read, a design output counting as one reader (so nothing folds away a
    /// tensor the model outputs).
    static func consumers(of name: String, in nodes: [HLS4MLNode]) -> Int {
        nodes.reduce(0) { $0 + $1.inputs.filter { $0 == name }.count + ($1.name == name ? $1.outputIndices.count : 0) }
    }

    /// Removes node `index`; the nodes that read it read `replacement` instead, and if it was a model output,
    /// `replacement` now is.
    static func remove(_ index: Int, replacingWith replacement: String, in nodes: inout [HLS4MLNode]) {
        let name = nodes[index].name
        let outputs = nodes[index].outputIndices
        nodes.remove(at: index)
        for other in nodes.indices {
            nodes[other].inputs = nodes[other].inputs.map { $0 == name ? replacement : $0 }
            if nodes[other].name == replacement { nodes[other].outputIndices += outputs }
        }
    }

    // MARK: Passes

    /// `passes/linear.py` MergeLinearActivation, one step: the first linear activation after a Dense, BatchNorm
    /// or activation whose result is `auto` is deleted (its own result type, e.g. a QActivation quantized_bits,
    /// is lost). Returns whether it changed the graph.
    static func mergeLinearActivation(_ nodes: inout [HLS4MLNode], notes: inout [String]) -> Bool {
        for index in nodes.indices.dropFirst() {
            guard nodes[index].operation == .linear, let parentIndex = Self.index(of: nodes[index].inputs.first, in: nodes) else { continue }
            let parent = nodes[parentIndex]
            guard parent.operation != .input, parent.settings["result"] == .auto else { continue }
            if case .fixed = nodes[index].settings["result"] {
                notes.append("\(nodes[index].name): linear activation merged into \(parent.name); as in hls4ml 1.3, its quantization \(nodes[index].settings["result"]!) is lost")
            }
            Self.remove(index, replacingWith: parent.name, in: &nodes)
            return true
        }
        return false
    }

    /// `passes/batchnorm_opt.py` FuseConsecutiveBatchNormalization, one step: the first BatchNorm whose input is
    /// a BatchNorm with an `auto` result absorbs it: scale s0·s1, bias s1·b0 + b1, in float32 (NumPy on the
    /// float32 weights), under the second BatchNorm's name and config; the first one goes. The pass's quantizer
    /// conditions never block a Keras model: hls4ml gives a (Q)BatchNormalization no `scale_quantizer` or
    /// `bias_quantizer` (only ApplyAlpha has them), so the merged scale and bias are unquantized, and their
    /// types stay the second layer's (`auto` → the default).
    static func fuseConsecutiveBatchNormalization(_ nodes: inout [HLS4MLNode], notes: inout [String]) -> Bool {
        for index in nodes.indices.dropFirst() {
            guard case let .batchNormalization(s1, b1) = nodes[index].operation,
                  let parentIndex = Self.index(of: nodes[index].inputs.first, in: nodes),
                  case let .batchNormalization(s0, b0) = nodes[parentIndex].operation,
                  nodes[parentIndex].settings["result"] == .auto,
                  Self.consumers(of: nodes[parentIndex].name, in: nodes) == 1 else { continue }
            let count = s1.count
            let scale = (0..<count).map { Double(Float(s0[$0]) * Float(s1[$0])) }
            let bias = (0..<count).map { channel -> Double in
                let product = Float(s1[channel]) * Float(b0[channel])
                return Double(product + Float(b1[channel]))
            }
            notes.append("\(nodes[parentIndex].name): BatchNormalization merged into the following \(nodes[index].name) "
                + "(scale s0·s1, bias s1·b0 + b1 in float32, as hls4ml does)")
            nodes[index].operation = .batchNormalization(scale: scale, bias: bias)
            nodes[index].inputSize = nodes[parentIndex].inputSize
            nodes[index].inputs = nodes[parentIndex].inputs
            nodes.remove(at: parentIndex)
            return true
        }
        return false
    }

    /// `passes/bn_fuse.py` FuseBatchNormalization, one step: the first BatchNorm right after a Dense whose result
    /// is `auto` is folded into it (float32 as hls4ml, or double): W'[i,j] = s[j]·W[i,j], b' = s·b + β', the
    /// Dense's quantizers applied again to the fused values. hls4ml gives a (Q)BatchNormalization no
    /// scale/bias quantizer, so its conditions come down to: a quantized kernel only with s ≡ 1, a quantized bias
    /// only with β' ≡ 0. A BatchNorm that cannot fold stays (and is noted once). Returns whether it changed the
    /// graph.
    static func fuseBatchNormalization(_ nodes: inout [HLS4MLNode], float32: Bool, notes: inout [String]) -> Bool {
        for index in nodes.indices.dropFirst() {
            guard case let .batchNormalization(scale, shift) = nodes[index].operation,
                  let parentIndex = Self.index(of: nodes[index].inputs.first, in: nodes),
                  nodes[parentIndex].settings["result"] == .auto,
                  Self.consumers(of: nodes[parentIndex].name, in: nodes) == 1 else { continue }
            // A Dense's kernel is [n_in][units]; a convolution's [kh][kw][c][filters], and after it the BatchNorm's
            // per-element scale repeats per pixel, so its first `filters` entries are the per-filter values.
            let units: Int, kernel: [Double], bias: [Double], kernelQuantizer: QKerasQuantizer?, biasQuantizer: QKerasQuantizer?
            switch nodes[parentIndex].operation {
            case let .dense(n, k, b, _, kq, bq): (units, kernel, bias, kernelQuantizer, biasQuantizer) = (n, k, b, kq, bq)
            case let .convolution(p, _, kq, bq): (units, kernel, bias, kernelQuantizer, biasQuantizer) = (p.filters, p.weights, p.biases, kq, bq)
            default: continue
            }
            let scaleCompatible = kernelQuantizer == nil || scale.allSatisfy { $0 == 1 }
            let biasCompatible = biasQuantizer == nil || shift.allSatisfy { $0 == 0 }
            guard scaleCompatible, biasCompatible else {
                let note = "\(nodes[index].name): BatchNormalization kept: it cannot fold into the quantized \(nodes[parentIndex].name)"
                if !notes.contains(note) { notes.append(note) }
                continue
            }
            var newKernel: [Double], newBias: [Double]
            if float32 {
                let s = scale.map { Float($0) }, b1 = shift.map { Float($0) }
                let k = kernel.map { Float($0) }, b0 = bias.map { Float($0) }
                newKernel = k.indices.map { Double(s[$0 % units] * k[$0]) }
                newBias = (0..<units).map { channel -> Double in
                    let product = s[channel] * b0[channel]
                    return Double(product + b1[channel])
                }
            } else {
                newKernel = kernel.indices.map { scale[$0 % units] * kernel[$0] }
                newBias = (0..<units).map { scale[$0] * bias[$0] + shift[$0] }
            }
            if let kernelQuantizer { newKernel = newKernel.map { Double(kernelQuantizer.quantize(Float($0))) } }
            if let biasQuantizer { newBias = newBias.map { Double(biasQuantizer.quantize(Float($0))) } }
            var dense = nodes[parentIndex]
            if case var .convolution(parameters, _, _, _) = dense.operation {
                (parameters.weights, parameters.biases) = (newKernel, newBias)
                dense.operation = .convolution(parameters, hasBias: true, kernelQuantizer: kernelQuantizer, biasQuantizer: biasQuantizer)
            } else {
                dense.operation = .dense(units: units, kernel: newKernel, bias: newBias, hasBias: true,
                                         kernelQuantizer: kernelQuantizer, biasQuantizer: biasQuantizer)
            }
            if dense.settings["bias"] == .fixed(.uint(1)) { dense.settings["bias"] = .auto }
            nodes[parentIndex] = dense
            notes.append("\(nodes[index].name): BatchNormalization folded into \(dense.name)"
                + (float32 ? " (in float32, as hls4ml does)" : " (in double precision)"))
            Self.remove(index, replacingWith: dense.name, in: &nodes)
            return true
        }
        return false
    }
}

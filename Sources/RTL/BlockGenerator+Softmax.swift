import FixedPoint
import NetworkIR
import Scheduling

/// The datapath of the softmax: the max tree, the normalization, the exp ROM, the adder tree in accum_t, the
/// inverse ROM, the products, the cast (see `SoftmaxParameters`); argmax is a compare tree and a one-hot.
extension BlockGenerator {
    /// hls4ml's `reduce` tree over `count` leaves: node k combines `children[k]`; leaves are 0..<count.
    struct ReduceShape {
        /// Inner nodes in creation order: the two nodes each combines and its level (1 + its children's).
        var nodes: [(left: Int, right: Int, level: Int)] = []
        let count: Int
        var root = 0

        init(count: Int) {
            self.count = count
            root = count > 0 ? build(0, count) : 0
        }

        /// Node ids: leaves 0..<count, inner nodes count + k.
        func level(_ id: Int) -> Int { id < count ? 0 : nodes[id - count].level }

        private mutating func build(_ start: Int, _ n: Int) -> Int {
            if n == 1 { return start }
            let left = ReduceTree.leftCount(n)
            let a = n == 2 ? start : build(start, left)
            let b = n == 2 ? start + 1 : build(start + left, n - left)
            nodes.append((a, b, 1 + max(level(a), level(b))))
            return count + nodes.count - 1
        }
    }

    func softmax(_ parameters: SoftmaxParameters, _ precision: SoftmaxPrecision?, _ builder: DatapathBuilder) throws(RTLError) -> [Signal] {
        let n = layer.layer.inputSize
        let shape = ReduceShape(count: n)
        let levels = ReduceTree.levels(n)
        let maxSteps = (0..<levels).map { StepOperation.maxLevel($0 + 1) }
        let addSteps = (0..<levels).map { StepOperation.addLevel($0 + 1) }
        switch parameters.implementation {
        case .argmax: try checkSteps(maxSteps + [.select, .cast])
        case .stable: try checkSteps(maxSteps + [.normalize, .lookup] + addSteps + [.lookup, .multiply, .cast])
        case .latency: try checkSteps([.lookup] + addSteps + [.lookup, .multiply, .cast])
        }
        /// The table types, which only a table softmax's steps read.
        func tables() throws(RTLError) -> SoftmaxPrecision {
            guard let precision else {
                throw .scheduleMismatch(layer: name, field: "steps", reason: "a table step for an argmax softmax, which has no tables")
            }
            return precision
        }
        let xs = (0..<n).map { element("in_data", $0, precision: inputPrecision, builder: builder, prefix: "x") }
        // An argmax over one value is that value's constant one-hot: its input is deliberately not read.
        if parameters.implementation == .argmax && n == 1 { builder.markPartiallyUsed(xs[0].name) }
        // Live values by role; every one is registered at each stage boundary.
        var values = xs                       // x_i, then d_i, then e_i (accum_t), then the products / outputs
        var tree: [Int: Signal] = [:]         // computed nodes of the current reduce tree (max or sum)
        var treeIndex: [Int: Signal] = [:]    // argmax: index of each max node's winner
        var inverse: Signal? = nil
        var lookups = 0
        let roms = precision.map { p in [
            builder.rom("exp_table", precision: p.expTable, entries: layer.tables[0],
                        comment: "exp, \(parameters.expTableSize) x \(p.expTable)"),
            builder.rom("inv_table", precision: p.invTable, entries: layer.tables[1],
                        comment: "1/x, \(parameters.invTableSize) x \(p.invTable)"),
        ] } ?? []
        func node(_ id: Int) -> Signal { id < n && tree[id] == nil ? values[id] : tree[id]! }
        func nodeIndex(_ id: Int) -> Signal {
            id < n && treeIndex[id] == nil ? .constant(Int128(id), fractionalBits: 0) : treeIndex[id]!
        }
        let indexWidth = Verilog.signedWidth(of: Int128(max(n - 1, 1)))
        for step in block.steps {
            switch step.operation {
            case let .maxLevel(level):
                for (k, inner) in shape.nodes.enumerated() where inner.level == level {
                    let (a, b) = (node(inner.left), node(inner.right))
                    // hls4ml's Op_max keeps the first operand on a tie (a >= b ? a : b): the first maximum wins.
                    let keepFirst = builder.bit("ge", "~(\(builder.signBit(builder.subtract(a, b, prefix: "cmp"))))")
                    if !(parameters.implementation == .argmax && n + k == shape.root) {
                        tree[n + k] = builder.select(a, b) { _, _ in keepFirst }
                    }
                    if parameters.implementation == .argmax {
                        let (ia, ib) = (builder.resize(nodeIndex(inner.left), to: indexWidth), builder.resize(nodeIndex(inner.right), to: indexWidth))
                        treeIndex[n + k] = builder.select(ia, ib) { _, _ in keepFirst }
                    }
                    for child in [inner.left, inner.right] where child >= n {
                        tree[child] = nil
                        treeIndex[child] = nil
                    }
                }
            case .normalize:
                let largest = node(shape.root)
                guard let norm = try tables().inputNorm else {
                    throw .scheduleMismatch(layer: name, field: "steps", reason: "a normalize step for a \(parameters.implementation.rawValue) softmax")
                }
                values = values.map { builder.cast(builder.subtract(largest, $0), to: norm, prefix: "d") }
                tree = [:]
            case .lookup where lookups == 0:
                lookups = 1
                let p = try tables()
                let address = p.expAddress(input: inputPrecision)
                let bits = SoftmaxParameters.addressBits(parameters.expTableSize)
                values = values.map {
                    builder.cast(builder.read(roms[0], at: builder.topBits($0, width: address.width, bits: bits)), to: p.accumulator, prefix: "e")
                }
            case let .addLevel(level):
                let accumulator = try tables().accumulator
                for (k, inner) in shape.nodes.enumerated() where inner.level == level {
                    tree[n + k] = builder.cast(builder.add(node(inner.left), node(inner.right)), to: accumulator, prefix: "s")
                    for child in [inner.left, inner.right] where child >= n { tree[child] = nil }
                }
            case .lookup:
                let inverseInput = try tables().invInput
                let sum = builder.cast(node(shape.root), to: inverseInput, prefix: "sum")
                inverse = builder.read(roms[1], at: builder.topBits(sum, width: inverseInput.width,
                                                                    bits: SoftmaxParameters.addressBits(parameters.invTableSize)), prefix: "inv")
                tree = [:]
            case .multiply:
                values = values.map { builder.multiply($0, inverse!) }
                inverse = nil
            case .select:
                let winner = nodeIndex(shape.root)
                treeIndex = [:]
                let one = Signal.constant(Int128(result.raw(fromDouble: 1)), fractionalBits: result.fractionalBits)
                let zero = Signal.constant(0, fractionalBits: result.fractionalBits)
                values = (0..<n).map { i in
                    builder.select(one, zero) { _, _ in
                        winner.isConstant ? (winner.constant == Int128(i) ? "1'b1" : "1'b0")
                                          : builder.bit("hot", "\(winner.name) == \(Verilog.literal(Int128(i), width: winner.width))")
                    }
                }
            case .cast:
                values = values.map { builder.cast($0, to: result, prefix: "y") }
            default:
                throw .unsupported(layer: name, field: "steps", reason: "step '\(step.operation)' is not implemented for \(layer.layer.kindName)")
            }
            if case let .maxLevel(level) = step.operation, parameters.implementation == .argmax {
                // argmax reads each x_i only in the compare tree: drop the ones no later level reads (no dead registers).
                let later = Set(shape.nodes.filter { $0.level > level }.flatMap { [$0.left, $0.right] })
                values = values.enumerated().map { i, value in later.contains(i) ? value : .constant(0, fractionalBits: value.fractionalBits) }
                if level == levels { tree = [:] }   // only the winner's index is read after the last level
            }
            let count = step.registersAfter
            if count > 0 {
                // Registers hold what later steps read: the lanes, the computed tree nodes, the argmax indices, 1/Σ.
                values = values.map { builder.registers($0, count: count, prefix: "q") }
                // In node order, so that the register names do not depend on the dictionaries' hash order.
                for id in tree.keys.sorted() { tree[id] = builder.registers(tree[id]!, count: count, prefix: "t") }
                for id in treeIndex.keys.sorted() { treeIndex[id] = builder.registers(treeIndex[id]!, count: count, prefix: "ti") }
                inverse = inverse.map { builder.registers($0, count: count, prefix: "r") }
            }
        }
        return values
    }
}

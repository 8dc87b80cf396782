import FixedPoint
import NetworkIR
import Scheduling

/// Builds the Verilog module of one scheduled block: the handshake of docs/timing.md around a datapath
/// whose registers sit exactly where the block's `steps` put them.
struct BlockGenerator {
    let layer: CompiledLayer
    let block: BlockSchedule
    let moduleName: String

    var name: String { layer.layer.name }
    var inputPrecision: Precision { layer.inputPrecision }
    var result: Precision { layer.layer.precision.result }
    var slots: Int { block.latencyCycles }

    func generate() throws(RTLError) -> VerilogModule {
        let builder = DatapathBuilder()
        let outputs: [Signal]
        switch layer.operation {
        case let .dense(_, p):
            if let products = block.products {
                outputs = try denseListScheduled(builder, p, schedule: products)
            } else {
                outputs = block.groups > 1 ? try denseShared(builder, p) : try denseParallel(builder, p)
            }
        case let .convolution(_, p):
            if let products = block.products {
                outputs = try denseListScheduled(builder, p, schedule: products)
            } else {
                outputs = block.groups > 1 || block.partitions > 1 ? try denseShared(builder, p) : try denseParallel(builder, p)
            }
        case let .batchNormalization(_, p):
            outputs = try elementwise(builder, expected: [.multiply, .addLevel(1), .cast],
                                      constants: (multiply: p.scale.fractionalBits, add: p.bias.fractionalBits))
        case .relu:
            outputs = try elementwise(builder, expected: [.select, .cast], constants: (multiply: 0, add: 0))
        case let .leakyReLU(_, parameter):
            outputs = try elementwise(builder, expected: [.multiply, .select, .cast], constants: (multiply: parameter.fractionalBits, add: 0))
        case .linear:
            outputs = try elementwise(builder, expected: [.cast], constants: (multiply: 0, add: 0))
        case let .squaredNorm(accumulator):
            outputs = try squaredNorm(accumulator, builder)
        case let .merge(merge):
            outputs = try self.merge(merge, builder)
        case let .lookup(activation, p):
            outputs = try lookup(activation, p, builder)
        case let .hardActivation(activation, p):
            outputs = try hardActivation(activation, p, builder)
        case let .softmax(parameters, p):
            outputs = try softmax(parameters, p, builder)
        case let .klDivergence(parameters, p):
            outputs = try klDivergence(parameters, p, builder)
        case let .pooling(parameters, accumulator):
            outputs = try pooling(parameters, accumulator, builder)
        case let .zeroPadding(parameters):
            outputs = try copy(parameters.sources(), builder)
        case let .upSampling(parameters):
            outputs = try copy(parameters.sources(), builder)
        }
        return assemble(builder, outputs: outputs)
    }

    // MARK: - Handshake and module

    /// `v[k]` (slot k ≥ 1) or `accept` (slot 0).
    func slot(_ k: Int) -> String { k == 0 ? "accept" : (slots == 1 ? "valid_q" : "valid_q[\(k - 1)]") }

    /// The value of the case whose slot is on, 0 when none is (callers leave out zero values; their slots are all
    /// below the block's II, so at most one is on): an AND-OR, the slots of one value ORed into one term, joined by
    /// `or`'s tree of wires, so that no expression grows with the cases (a nested `?:` thousands deep exhausts
    /// Verilator's parser on a 16×16 image's operand selects).
    func slotSelect(_ cases: [(slot: Int, value: String)], width: Int, fractionalBits: Int, prefix: String,
                    builder: DatapathBuilder) -> Signal {
        var order: [String] = [], slotsOf: [String: [Int]] = [:]
        for (slot, value) in cases {
            if slotsOf[value] == nil { order.append(value) }
            slotsOf[value, default: []].append(slot)
        }
        guard !order.isEmpty else { return .constant(0, fractionalBits: fractionalBits) }
        let terms = order.map { value -> String in
            let on = or(slotsOf[value]!.map { slot($0) }, width: 1, prefix: "\(prefix)_on", builder: builder)
            return "({\(width){\(slotsOf[value]!.count == 1 ? on : "(" + on + ")")}} & \(value))"
        }
        return builder.wire(prefix, width: width, fractionalBits: fractionalBits, or(terms, width: width, prefix: "\(prefix)_part", builder: builder))
    }

    /// `parts` ORed: an expression of at most 32 of them, the rest gathered first in wires of 32 (named `prefix_k`).
    func or(_ parts: [String], width: Int, prefix: String, builder: DatapathBuilder) -> String {
        let chunk = 32
        var level = parts
        while level.count > chunk {
            level = stride(from: 0, to: level.count, by: chunk).map { start in
                let name = builder.fresh(prefix)
                builder.declareWire(name, width: width)
                builder.assign(name, level[start..<min(start + chunk, level.count)].joined(separator: " | "))
                return name
            }
        }
        return level.joined(separator: " | ")
    }

    func assemble(_ builder: DatapathBuilder, outputs: [Signal]) -> VerilogModule {
        let inWidth = zip(layer.inputSizes, layer.inputPrecisions).reduce(0) { $0 + $1.0 * $1.1.width }
        let outWidth = layer.layer.outputSize * result.width
        var module = VerilogModule(
            name: moduleName,
            comment: "Block '\(name)' (\(layer.layer.kindName)): \(slots) slot(s), II \(block.initiationInterval), "
                + "stages \(block.stageSummary)\n"
                + "Input " + zip(layer.inputSizes, layer.inputPrecisions).map { "\($0) x \($1)" }.joined(separator: " + ") + ", output \(layer.layer.outputSize) x \(result). "
                + "Generated by Pipewright; handshake per docs/timing.md.",
            ports: [
                VerilogPort(.input, "clk"), VerilogPort(.input, "rst"),
                VerilogPort(.input, "in_valid"), VerilogPort(.output, "in_ready"),
                VerilogPort(.input, "in_data", width: inWidth),
                VerilogPort(.output, "out_valid"), VerilogPort(.input, "out_ready"),
                VerilogPort(.output, "out_data", width: outWidth),
            ])
        let ii = block.initiationInterval
        let cooldownWidth = ii > 1 ? Verilog.signedWidth(of: Int128(ii - 1)) - 1 : 0
        module.declarations.append(VerilogDeclaration(.reg, "valid_q", width: slots, comment: "bit k-1: token in slot k"))
        if ii > 1 {
            module.declarations.append(VerilogDeclaration(.reg, "cooldown", width: cooldownWidth, comment: "enabled cycles until the next accept"))
        }
        module.declarations.append(VerilogDeclaration(.wire, "en", width: 1, comment: "stall-all enable"))
        module.declarations.append(VerilogDeclaration(.wire, "accept", width: 1))
        let last = slot(slots)
        module.assigns.append(VerilogAssign("en", "~(\(last) & ~out_ready)"))
        module.assigns.append(VerilogAssign("in_ready", ii > 1 ? "en & (cooldown == \(Verilog.literal(0, width: cooldownWidth)))" : "en"))
        module.assigns.append(VerilogAssign("accept", "in_valid & in_ready"))
        module.assigns.append(VerilogAssign("out_valid", last))
        let outBits = outputs.reversed().map { builder.extend($0, to: result.width) }
        module.assigns.append(VerilogAssign("out_data", outBits.count == 1 ? outBits[0] : "{" + outBits.joined(separator: ", ") + "}"))

        module.declarations += builder.declarations
        module.roms = builder.roms
        module.assigns += builder.assigns
        var unused = ["in_data"] + builder.partiallyUsed
        unused.removeAll { $0.isEmpty }
        module.declarations.append(VerilogDeclaration(.wire, "unused_ok", width: 1, comment: "bits that are deliberately not read"))
        module.assigns.append(VerilogAssign("unused_ok", "&{1'b0, " + unused.joined(separator: ", ") + "}"))

        // Handshake state.
        let shiftIn = slots == 1 ? "accept" : "{valid_q[\(slots - 2):0], accept}"
        var enabled: [VerilogStatement] = [.nonblocking(target: "valid_q", expression: shiftIn)]
        var reset: [VerilogStatement] = [.nonblocking(target: "valid_q", expression: Verilog.literal(0, width: slots))]
        if ii > 1 {
            let zero = Verilog.literal(0, width: cooldownWidth)
            enabled.append(.nonblocking(target: "cooldown", expression:
                "accept ? \(Verilog.literal(Int128(ii - 1), width: cooldownWidth)) : "
                + "((cooldown != \(zero)) ? cooldown - \(Verilog.literal(1, width: cooldownWidth)) : \(zero))"))
            reset.append(.nonblocking(target: "cooldown", expression: zero))
        }
        module.alwaysBlocks.append(VerilogAlways(statements: [
            .conditional(condition: "rst", then: reset, otherwise: [.conditional(condition: "en", then: enabled, otherwise: [])]),
        ]))
        // Datapath registers: no reset, enabled by en.
        if !builder.registers.isEmpty {
            let statements: [VerilogStatement] = builder.registers.map { register in
                let assignment = VerilogStatement.nonblocking(target: register.target, expression: register.expression)
                if let condition = register.condition { return .conditional(condition: condition, then: [assignment], otherwise: []) }
                return assignment
            }
            module.alwaysBlocks.append(VerilogAlways(statements: [.conditional(condition: "en", then: statements, otherwise: [])]))
        }
        return module
    }

    // MARK: - Inputs

    /// Element `i` of a packed vector port or reg, as a two's complement signal.
    func element(_ vector: String, _ i: Int, precision: Precision, builder: DatapathBuilder, prefix: String) -> Signal {
        let w = precision.width
        let slice = "\(vector)[\((i + 1) * w - 1):\(i * w)]"
        if precision.isSigned {
            return builder.wire(prefix, width: w, fractionalBits: precision.fractionalBits, slice)
        }
        return builder.wire(prefix, width: w + 1, fractionalBits: precision.fractionalBits, "{1'b0, \(slice)}")
    }

    func checkSteps(_ expected: [StepOperation]) throws(RTLError) {
        let found = block.steps.map(\.operation)
        guard found == expected else {
            throw .scheduleMismatch(layer: name, field: "steps",
                reason: "expected steps \(expected.map(\.description)) for a \(layer.layer.kindName) block, found \(found.map(\.description))")
        }
        guard let final = block.steps.last, final.registersAfter >= 1 else {
            throw .scheduleMismatch(layer: name, field: "steps", reason: "the last step must be followed by the output register")
        }
        guard block.steps.allSatisfy({ $0.registersAfter >= 0 }) else {
            throw .scheduleMismatch(layer: name, field: "steps", reason: "negative register count")
        }
        let expectedSlots = block.slotsFromSteps
        guard block.latencyCycles == expectedSlots else {
            throw .scheduleMismatch(layer: name, field: "latencyCycles",
                reason: "\(block.latencyCycles) slots, but the steps give (partitions − 1)·period + (groups − 1) + registers = \(expectedSlots)")
        }
    }

    /// Registers every signal of every lane `count` times.
    func register(_ lanes: [[Signal]], count: Int, builder: DatapathBuilder) -> [[Signal]] {
        guard count > 0 else { return lanes }
        return lanes.map { lane in lane.map { builder.registers($0, count: count, prefix: "q") } }
    }

    /// One level of a balanced pairwise adder tree in every lane.
    func addLevel(_ lanes: [[Signal]], width: Int?, builder: DatapathBuilder) -> [[Signal]] {
        lanes.map { terms in
            var next: [Signal] = []
            var index = 0
            while index < terms.count {
                if index + 1 < terms.count {
                    next.append(builder.add(terms[index], terms[index + 1], width: width))
                } else {
                    next.append(terms[index])
                }
                index += 2
            }
            return next
        }
    }

    /// Final sum of a lane (0 when the lane has no terms).
    func laneSum(_ terms: [Signal], fractionalBits: Int) throws(RTLError) -> Signal {
        guard terms.count <= 1 else {
            throw .scheduleMismatch(layer: name, field: "steps", reason: "the adder tree needs more levels than the schedule lists")
        }
        return terms.first ?? .constant(0, fractionalBits: fractionalBits)
    }
}

/// One operation in a block's pipeline, in data-flow order.
public enum StepOperation: Sendable, Equatable, CustomStringConvertible {
    /// Select the operands of a shared multiplier by phase (reuse factor > 1).
    case operandSelect
    /// Multiply (weights × inputs, α × input, or squares).
    case multiply
    /// One level of the balanced adder tree (1-based).
    case addLevel(Int)
    /// Add a group's partial sum into the accumulator register (reuse factor > 1).
    case accumulate
    /// Compare and select (ReLU, LeakyReLU).
    case select
    /// Cast to the result precision (rounding / saturation logic when the mode needs it).
    case cast
    /// A lookup table's index from the input: scale, truncate toward zero, clamp to the table.
    case index
    /// Read a lookup table (exp or inverse for a softmax, the function's table for a lookup activation).
    case lookup
    /// One level of a balanced compare-and-select (max) tree (1-based).
    case maxLevel(Int)
    /// Softmax: x_max − x_i, cast to inp_norm_t.
    case normalize
    /// Average pooling: the window sum divided by its constant pixel count, toward zero.
    case divide

    public var description: String {
        switch self {
        case .operandSelect: return "mux"
        case .multiply: return "mul"
        case let .addLevel(level): return "add\(level)"
        case .accumulate: return "acc"
        case .select: return "sel"
        case .cast: return "cast"
        case .index: return "idx"
        case .lookup: return "rom"
        case let .maxLevel(level): return "max\(level)"
        case .normalize: return "norm"
        case .divide: return "div"
        }
    }
}

/// An operation placed in the pipeline: its delay and how many registers follow it.
public struct PipelineStep: Sendable, Equatable {
    public var operation: StepOperation
    public var delayNs: Double
    /// 0: the next step is chained in the same cycle; n ≥ 1: n registers follow (n > 1 for an operation
    /// longer than one cycle, e.g. a multiply at a short clock period).
    public var registersAfter: Int

    public init(operation: StepOperation, delayNs: Double, registersAfter: Int) {
        self.operation = operation
        self.delayNs = delayNs
        self.registersAfter = registersAfter
    }
}

/// A layer lowered to a pipelined hardware block.
///
/// Timing contract shared by the simulator and the RTL (docs/timing.md):
/// - the block accepts a token in cycle t when `in_valid && in_ready`; `in_ready` is high when the block
///   is not stalled and at least `initiationInterval` enabled cycles have passed since the last accept;
/// - with no stall, the result is offered (`out_valid`) from cycle t + `latencyCycles` on;
/// - when `out_valid && !out_ready`, the whole block stalls (every register holds).
public struct BlockSchedule: Sendable, Equatable {
    public var layerIndex: Int
    public var layerName: String
    public var kind: String
    /// Reuse factor the configuration asked for.
    public var requestedReuseFactor: Int
    /// Reuse factor used (differs only when the Resource strategy snapped it).
    public var reuseFactor: Int
    public var strategy: Strategy
    /// Cycles between accepted tokens.
    public var initiationInterval: Int
    /// Cycles from accept to result (number of pipeline slots).
    public var latencyCycles: Int
    /// The operations of one group (one phase of a shared multiplier array) in order, then the cast.
    public var steps: [PipelineStep]
    /// Dense: groups = reuse factor; inputs per output handled in each group.
    public var groups: Int
    public var termsPerGroup: Int
    /// A convolution's partition loop (hls4ml's n_partitions = output pixels / ParallelizationFactor): the block's
    /// datapath computes the outputs of one partition (`outputs / partitions` lanes) and runs once per partition,
    /// partition q's groups entering the operand select in cycles q·`partitionPeriod` … q·`partitionPeriod` + groups − 1.
    /// 1 for every other block.
    public var partitions = 1
    /// Cycles between the starts of two partitions (the groups when the loop is pipelined; more when each partition
    /// drains before the next starts).
    public var partitionPeriod = 1
    /// Longest single-stage logic path (ns), for reporting slack.
    public var criticalPathNs: Double
    public var multipliers: Int
    public var dsps: Int
    public var adders: Int
    /// Bits held in pipeline registers (estimate of flip-flops).
    public var registerBits: Int
    /// What the scheduler changed or assumed, for the report.
    public var notes: [String]
    /// Bits of lookup-table ROM (table activations, softmax), for the resource report.
    public var tableBits = 0
    /// Products by constants that the RTL writes but `multipliers` does not count (HLS makes them shifts and adders,
    /// or shares a repeated (input, weight) product): for the RTL size estimate.
    public var constantMultiplies = 0
    /// Dense at RF > 1 under the Latency strategy: which product runs on which multiplier in which cycle, and every
    /// addition's cycle (then `steps` is empty and `groups` is 1).
    public var products: ProductSchedule?
    /// io_stream over images: the block's core (what `steps` and the counts above describe) and how it walks the pixel
    /// stream (`StreamBlock`); nil for a block that reads and writes one element per inference.
    public var stream: StreamBlock?

    public init(layerIndex: Int, layerName: String, kind: String, requestedReuseFactor: Int, reuseFactor: Int,
                strategy: Strategy, initiationInterval: Int, latencyCycles: Int, steps: [PipelineStep],
                groups: Int, termsPerGroup: Int, criticalPathNs: Double, multipliers: Int, dsps: Int,
                adders: Int, registerBits: Int, notes: [String]) {
        self.layerIndex = layerIndex
        self.layerName = layerName
        self.kind = kind
        self.requestedReuseFactor = requestedReuseFactor
        self.reuseFactor = reuseFactor
        self.strategy = strategy
        self.initiationInterval = initiationInterval
        self.latencyCycles = latencyCycles
        self.steps = steps
        self.groups = groups
        self.termsPerGroup = termsPerGroup
        self.criticalPathNs = criticalPathNs
        self.multipliers = multipliers
        self.dsps = dsps
        self.adders = adders
        self.registerBits = registerBits
        self.notes = notes
    }

    /// Counts only `real` of the block's products as multipliers (DSPs in proportion): the others are by constants with
    /// at most two signed digits or repeat an (`operand`, weight) pair, which HLS builds as shifts and adders or shares
    /// (`ProductSchedule.needsMultiplier`); `constantMultiplies` keeps them for the RTL size estimate.
    mutating func keepRealMultiplications(_ real: Int, operand: String) {
        let perMultiplier = multipliers > 0 ? dsps / multipliers : 0
        constantMultiplies = multipliers - real
        if constantMultiplies > 0 {
            notes.append("\(constantMultiplies) of \(multipliers) products are by ±2^a or ±2^a ± 2^b or repeat an (\(operand), weight) "
                         + "pair: shifts, adders or shared, no multiplier")
        }
        multipliers = real
        dsps = real * perMultiplier
    }

    /// Slots the steps, the groups and the partitions give: (partitions − 1)·period + (groups − 1) + registers.
    public var slotsFromSteps: Int {
        (partitions - 1) * partitionPeriod + (groups - 1) + steps.reduce(0) { $0 + $1.registersAfter }
    }

    /// Registers from the operand select up to (not including) the accumulate step: the slot offset at
    /// which group p reaches the accumulator is `p + registersBeforeAccumulate`.
    public var registersBeforeAccumulate: Int {
        var total = 0
        for step in steps {
            if step.operation == .accumulate { return total }
            total += step.registersAfter
        }
        return total
    }

    /// A compact picture of the stages, e.g. `[mul] [add1 add2] [add3 cast]`, or of a list schedule,
    /// e.g. `list: 13 mul × 10 cycles, 26 sums`.
    public var stageSummary: String {
        if let products {
            let issue = products.sharedMultipliers > 0
                ? "\(products.sharedMultipliers) shared mul × \(products.issueCycles) cycles"
                : "\(products.realMultiplications) mul"
            let loop = partitions > 1 ? "\(partitions) pixels, one every \(partitionPeriod) cycles: " : ""
            return loop + "list: \(issue), \(products.sums.count) sums"
        }
        var stages: [String] = []
        var current: [String] = []
        for step in steps {
            current.append(step.operation.description)
            if step.registersAfter > 0 {
                stages.append("[" + current.joined(separator: " ") + "]")
                for _ in 1..<max(step.registersAfter, 1) { stages.append("[…]") }
                current = []
            }
        }
        var prefix = groups > 1 ? "\(groups)× " : ""
        if partitions > 1 {
            prefix = "\(partitions) partitions, one every " + (partitionPeriod == 1 ? "cycle" : "\(partitionPeriod) cycles") + ": " + prefix
        }
        return prefix + stages.joined(separator: " ")
    }
}

/// The schedule of a whole design: its blocks and the channels, FIFOs and forks that join them.
public struct DesignSchedule: Sendable, Equatable {
    public var designName: String
    public var options: ScheduleOptions
    public var blocks: [BlockSchedule]
    public var graph: DataflowGraph

    public init(designName: String, options: ScheduleOptions, blocks: [BlockSchedule], graph: DataflowGraph) {
        self.designName = designName
        self.options = options
        self.blocks = blocks
        self.graph = graph
    }

    /// A chain of `blocks` joined by wires (channel k feeds block k; the widths are placeholders), for timing-only use.
    public init(designName: String, options: ScheduleOptions, blocks: [BlockSchedule]) {
        var channels: [ChannelSchedule] = []
        var cycle = 0, cycles: [Int] = []
        for k in 0...blocks.count {
            let name = k == 0 ? "in" : (k == blocks.count ? "out" : blocks[k - 1].layerName)
            channels.append(ChannelSchedule(index: k, name: name, producer: k == 0 ? .source : .block(k - 1),
                                            consumer: k == blocks.count ? .sink : .block(k), consumerPort: 0,
                                            tensor: k - 1, elements: 1, precision: .fixed(1, 1)))
            cycles.append(cycle)
            if k < blocks.count { cycle += blocks[k].latencyCycles }
        }
        let graph = DataflowGraph(channels: channels, fifos: [], forks: [], blockInputs: blocks.indices.map { [$0] },
                                  blockOutputs: blocks.indices.map { $0 + 1 }, firstTokenCycles: cycles,
                                  outputChannels: [blocks.count], outputCycle: cycle)
        self.init(designName: designName, options: options, blocks: blocks, graph: graph)
    }

    /// Latency with no stalls: the cycle the first token reaches the design output (in a chain, the sum of
    /// block latencies; in a graph, the longest path, with one cycle per delay line on it).
    public var latencyCycles: Int { graph.outputCycle }
    /// Steady-state II: the largest block II, or more where a FIFO is too shallow to carry one token per block II.
    public var initiationInterval: Int { max(blocks.map(\.cyclesPerInference).max() ?? 1, graph.fifoInitiationInterval) }
    public var multipliers: Int { blocks.reduce(0) { $0 + $1.multipliers } }
    public var dsps: Int { blocks.reduce(0) { $0 + $1.dsps } }
}

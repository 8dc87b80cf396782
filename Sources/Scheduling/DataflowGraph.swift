import FixedPoint
import NetworkIR

/// A node of the scheduled dataflow graph: the design input (source), the design output (sink), a block
/// (one layer), a FIFO (a delay line or a stream buffer) or an eager fork (one tensor to several readers).
public enum GraphNode: Sendable, Hashable {
    case source
    case sink
    case block(Int)
    case fifo(Int)
    case fork(Int)
}

/// One valid/ready/data channel between two nodes (docs/timing.md, "Channels"). Channel 0 is the design
/// input; in a chain, channel k is the output of block k − 1 and the last channel is the design output.
public struct ChannelSchedule: Sendable, Equatable {
    public var index: Int
    /// Signal prefix in the top module (`<name>_valid`, `_ready`, `_data`): `in`, `out`, the producing layer's
    /// name, `<producer>_to_<consumer>` after a fork, `<edge>_dl` after a delay line.
    public var name: String
    public var producer: GraphNode
    public var consumer: GraphNode
    /// Which input of the consuming block this channel feeds (0 for other consumers).
    public var consumerPort: Int
    /// The tensor it carries: −1 for the design input, else the index of the layer that computes it.
    public var tensor: Int
    /// Values per transfer (in io_stream over an image: one pixel's channels).
    public var elements: Int
    public var precision: Precision
    /// Transfers per inference: 1, or in io_stream the pixels of an image tensor.
    public var tokens = 1

    /// Width of the packed data vector.
    public var width: Int { elements * precision.width }
}

/// Why a FIFO is there.
public enum FIFOPurpose: String, Sendable, Equatable {
    /// Holds a tensor on the short branch of a join until the long branch catches up; the schedule derives its depth.
    case delayLine = "delay line"
    /// An io_stream channel between two DATAFLOW processes (hls4ml's `hls::stream`), hls4ml's default depth
    /// unless the design sets one.
    case stream = "stream"
}

/// A FIFO between two channels: `in_ready = count < depth`, `out_valid = count > 0`; a token pushed in cycle t
/// can leave in cycle t + 1 (docs/timing.md).
public struct FIFOSchedule: Sendable, Equatable {
    public var name: String
    public var depth: Int
    /// The depth the schedule derived before any override (a stream's hls4ml default, or a delay line's
    /// ⌊Δ / II⌋ + 1).
    public var derivedDepth: Int
    /// Cycles from a token's push to the cycle its reader takes it when nothing stalls (Δ, at least 1).
    public var residenceCycles: Int
    public var purpose: FIFOPurpose
    public var inputChannel: Int
    public var outputChannel: Int
    public var elements: Int
    public var precision: Precision
    /// Transfers per inference through it (the pixels of an image in io_stream, else 1).
    public var tokens = 1

    /// Bits of the occupancy counter (0 … depth), in the RTL's FIFO and the simulator's VCD alike.
    public var countWidth: Int { max(1, Int.bitWidth - depth.leadingZeroBitCount) }

    /// Bits of storage (depth × tensor width).
    public var storageBits: Int { depth * elements * precision.width }
}

/// An eager fork: each output takes the token once (`taken` flag per output); the input is released when
/// every output has taken it.
public struct ForkSchedule: Sendable, Equatable {
    public var name: String
    public var inputChannel: Int
    public var outputChannels: [Int]
}

/// The channel a block reads (its first input; all of a join's inputs transfer in the same cycle) and the one
/// it writes: a block's latency for a token is the difference of their transfer cycles.
public struct BlockChannels: Sendable, Equatable {
    public var input: Int
    public var output: Int

    public init(input: Int, output: Int) {
        self.input = input
        self.output = output
    }
}

/// The channels, FIFOs and forks that join the blocks of a design, and where each block reads and writes.
public struct DataflowGraph: Sendable, Equatable {
    public var channels: [ChannelSchedule]
    public var fifos: [FIFOSchedule]
    public var forks: [ForkSchedule]
    /// `blockInputs[b][port]`: the channel feeding input `port` of block b.
    public var blockInputs: [[Int]]
    /// `blockOutputs[b]`: the channel leaving block b.
    public var blockOutputs: [Int]
    /// Cycle at which the first token is offered on each channel when nothing stalls (its input accepted in cycle 0).
    public var firstTokenCycles: [Int]
    /// The channels the design output is made of, in the network's output order: one, named `out`, for a design
    /// with one output; with several, the sink joins them (all transfer in the same cycle, like a join's inputs)
    /// into the `out` port, first output in the low bits.
    public var outputChannels: [Int]
    /// io_stream with outputs of different lengths (an image and a score): each output is a port of its own, as hls4ml
    /// writes one stream per output (`out` for the first, `out1`, `out2`, … for the others), each taking an element when
    /// the sink is ready; no join, no delay line.
    public var separateOutputs = false
    /// Cycle at which the first result reaches the design output when nothing stalls (the design latency); with pixel
    /// streams, the cycle the last element of the first inference does (`replay`).
    public var outputCycle: Int
    /// With pixel streams: each block's last write − first read for one inference when nothing waits (`replay`);
    /// empty otherwise (a block's latency is then its D).
    public var streamLatencies: [Int] = []

    /// Each block's first input channel and its output channel.
    public var blockChannels: [BlockChannels] {
        blockOutputs.indices.map { BlockChannels(input: blockInputs[$0].first ?? 0, output: blockOutputs[$0]) }
    }

    /// The channel the design reads from (always 0).
    public var inputChannel: Int { 0 }
    /// True when the design output joins several channels.
    public var hasSeveralOutputs: Bool { outputChannels.count > 1 }

    /// The smallest interval the FIFOs allow: a slot is busy from its push to the edge after its pop (Δ + 1
    /// cycles) and a full FIFO refuses a push even in the cycle it pops, so d slots carry one token per
    /// ⌈(Δ + 1) / d⌉ cycles.
    /// (Pixel streams are left to the simulation: their elements do not each wait Δ.)
    public var fifoInitiationInterval: Int {
        fifos.filter { $0.tokens == 1 }.map { ($0.residenceCycles + 1 + $0.depth - 1) / $0.depth }.max() ?? 1
    }

    /// True when the design is a plain chain of blocks joined by wires.
    public var isChain: Bool { fifos.isEmpty && forks.isEmpty && blockInputs.allSatisfy { $0.count == 1 } }

    /// Nodes in an order where every node comes after the nodes that feed it (source first, sink last).
    public var topologicalOrder: [GraphNode] {
        var order: [GraphNode] = [.source]
        var placed: Set<GraphNode> = [.source]
        var pending = channels.map(\.consumer)
        var progress = true
        while progress && !pending.isEmpty {
            progress = false
            for node in pending where !placed.contains(node) {
                let feeds = channels.filter { $0.consumer == node }.map(\.producer)
                if feeds.allSatisfy(placed.contains) {
                    order.append(node)
                    placed.insert(node)
                    progress = true
                }
            }
            pending.removeAll(where: placed.contains)
        }
        return order
    }

    /// Builds the graph of a validated network: one channel per tensor edge, a fork where a tensor has several
    /// readers, and a delay line on every join input that arrives earlier than the block's latest input.
    /// Delay-line depth = ⌊(latest − arrival) / II⌋ + 1 for the design II, so that the short branch never
    /// blocks the fork in steady state (`in_ready` does not see a same-cycle pop, hence the + 1).
    ///
    /// In io_stream every tensor a block computes reaches the blocks that read it through a FIFO (a stream) of
    /// hls4ml's default depth, height × width of the tensor (an image's pixels; `streamDepth`, 1 unless set, for a
    /// vector); on a join's short branch that FIFO also serves as the delay line and gets the larger of the two depths.
    /// A channel of an image carries one pixel per transfer (`tokens` transfers per inference).
    static func build(network: Network, blocks: [BlockSchedule], depthOverrides: [String: Int],
                      stream: Bool = false, streamDepth: Int = 1) throws(ScheduleError) -> DataflowGraph {
        let count = network.layers.count
        let interval = max(1, blocks.map(\.initiationInterval).max() ?? 1)
        var graph = DataflowGraph(channels: [], fifos: [], forks: [], blockInputs: Array(repeating: [], count: count),
                                  blockOutputs: Array(repeating: -1, count: count), firstTokenCycles: [],
                                  outputChannels: [], outputCycle: 0)
        let sources = network.layers.indices.map { network.sources(ofLayerAt: $0) }
        // Readers of each tensor in layer order: (layer, port); the output tensors go to the sink (layer −1), port
        // p for output p.
        var readers: [Int: [(layer: Int, port: Int)]] = [:]
        for (layer, inputs) in sources.enumerated() {
            for (port, tensor) in inputs.enumerated() { readers[tensor, default: []].append((layer, port)) }
        }
        let outputs = network.outputTensors
        let severalOutputs = outputs.count > 1
        for (port, tensor) in outputs.enumerated() { readers[tensor, default: []].append((-1, port)) }
        // Pending edges into each block port (the sink's under index `count`): (channel carrying the tensor there,
        // cycle it arrives).
        var arrivals: [Int: [Int: (channel: Int, cycle: Int)]] = [:]

        func tokens(_ tensor: Int) -> Int { stream ? Scheduler.streamTokens(of: network.shape(ofTensor: tensor)) : 1 }
        func addChannel(_ name: String, _ producer: GraphNode, _ consumer: GraphNode, port: Int, tensor: Int, cycle: Int) -> Int {
            let index = graph.channels.count
            let count = tokens(tensor)
            var channel = ChannelSchedule(index: index, name: name, producer: producer, consumer: consumer,
                                          consumerPort: port, tensor: tensor, elements: network.size(ofTensor: tensor) / count,
                                          precision: network.precision(ofTensor: tensor))
            channel.tokens = count
            graph.channels.append(channel)
            graph.firstTokenCycles.append(cycle)
            return index
        }
        func layerName(_ tensor: Int) -> String { tensor < 0 ? "in" : network.layers[tensor].name }
        func consumerNode(_ reader: (layer: Int, port: Int)) -> GraphNode { reader.layer < 0 ? .sink : .block(reader.layer) }
        func arrivalKey(_ reader: (layer: Int, port: Int)) -> Int { reader.layer < 0 ? count : reader.layer }

        /// Emits the channels that carry `tensor` (ready at `cycle`) from `producer` to all of its readers.
        func emit(tensor: Int, from producer: GraphNode, at cycle: Int) {
            let list = readers[tensor] ?? []
            if list.count == 1 {
                let reader = list[0]
                let name = reader.layer < 0 && !severalOutputs ? "out" : layerName(tensor)
                let channel = addChannel(name, producer, consumerNode(reader), port: reader.port, tensor: tensor, cycle: cycle)
                if tensor >= 0 { graph.blockOutputs[tensor] = channel }
                arrivals[arrivalKey(reader), default: [:]][reader.port] = (channel, cycle)
                return
            }
            let fork = graph.forks.count
            let input = addChannel(layerName(tensor), producer, .fork(fork), port: 0, tensor: tensor, cycle: cycle)
            if tensor >= 0 { graph.blockOutputs[tensor] = input }
            graph.forks.append(ForkSchedule(name: "\(layerName(tensor))_fork", inputChannel: input, outputChannels: []))
            for reader in list {
                let name = "\(layerName(tensor))_to_" + (reader.layer < 0 ? "out" : network.layers[reader.layer].name)
                    + (list.filter { $0.layer == reader.layer }.count > 1 ? "_\(reader.port)" : "")
                let channel = addChannel(name, .fork(fork), consumerNode(reader), port: reader.port, tensor: tensor, cycle: cycle)
                graph.forks[fork].outputChannels.append(channel)
                arrivals[arrivalKey(reader), default: [:]][reader.port] = (channel, cycle)
            }
        }

        /// Ends `arrival`'s channel in a FIFO named `name` and returns the channel that leaves it towards `consumer`
        /// (`port` of it); the token can leave one cycle after it arrives and stays `residence` cycles when nothing
        /// stalls. `layer` names the reader in an error.
        func insertFIFO(on arrival: (channel: Int, cycle: Int), name: String, derived: Int, purpose: FIFOPurpose, residence: Int,
                        consumer: GraphNode, port: Int, layer: String) throws(ScheduleError) -> Int {
            let edge = graph.channels[arrival.channel]
            let fifoIndex = graph.fifos.count
            let depth = depthOverrides[name] ?? derived
            guard depth >= 1 else {
                throw .unsupported(layer: layer, field: "FIFODepth", reason: "\(name) needs a depth of at least 1, got \(depth)")
            }
            graph.channels[arrival.channel].consumer = .fifo(fifoIndex)
            graph.channels[arrival.channel].consumerPort = 0
            let output = addChannel(name, .fifo(fifoIndex), consumer, port: port, tensor: edge.tensor, cycle: arrival.cycle + 1)
            var fifo = FIFOSchedule(name: name, depth: depth, derivedDepth: derived, residenceCycles: residence,
                                    purpose: purpose, inputChannel: arrival.channel, outputChannel: output,
                                    elements: edge.elements, precision: edge.precision)
            fifo.tokens = edge.tokens
            graph.channels[output].tokens = edge.tokens
            graph.fifos.append(fifo)
            return output
        }

        emit(tensor: -1, from: .source, at: 0)
        for b in 0..<count {
            let ports = arrivals[b] ?? [:]
            // A stream FIFO on every edge that carries a block's result; it adds one cycle.
            func streamed(_ arrival: (channel: Int, cycle: Int)) -> Bool { stream && graph.channels[arrival.channel].tensor >= 0 }
            let start = ports.values.map { $0.cycle + (streamed($0) ? 1 : 0) }.max() ?? 0
            var inputs: [Int] = []
            for port in 0..<sources[b].count {
                guard let arrival = ports[port] else { continue }
                let isStream = streamed(arrival)
                guard arrival.cycle < start || isStream else { inputs.append(arrival.channel); continue }
                // The edge's channel now ends in a FIFO; a new channel leaves it.
                let delay = (start - arrival.cycle) / interval + 1
                let purpose: FIFOPurpose = isStream && arrival.cycle + 1 == start ? .stream : .delayLine
                let name = "\(graph.channels[arrival.channel].name)_" + (isStream ? "fifo" : "dl")
                let pixels = graph.channels[arrival.channel].tokens
                let depth = pixels > 1 ? pixels : streamDepth
                let derived = purpose == .stream ? depth : max(delay, isStream ? depth : 1)
                inputs.append(try insertFIFO(on: arrival, name: name, derived: derived, purpose: purpose, residence: start - arrival.cycle,
                                             consumer: .block(b), port: port, layer: network.layers[b].name))
            }
            graph.blockInputs[b] = inputs
            emit(tensor: b, from: .block(b), at: start + blocks[b].latencyCycles)
        }
        // The sink joins the outputs: an output that is ready earlier than the latest waits in a delay line (the
        // design output is a port, so io_stream adds no stream FIFO here).
        let sinkPorts = arrivals[count] ?? [:]
        graph.outputCycle = sinkPorts.values.map(\.cycle).max() ?? 0
        graph.separateOutputs = stream && Set(sinkPorts.values.map { graph.channels[$0.channel].tokens }).count > 1
        for port in 0..<outputs.count {
            guard let arrival = sinkPorts[port] else { continue }
            guard arrival.cycle < graph.outputCycle && !graph.separateOutputs else { graph.outputChannels.append(arrival.channel); continue }
            let residence = graph.outputCycle - arrival.cycle
            graph.outputChannels.append(try insertFIFO(on: arrival, name: "\(graph.channels[arrival.channel].name)_dl",
                                                       derived: residence / interval + 1, purpose: .delayLine, residence: residence,
                                                       consumer: .sink, port: port, layer: network.name))
        }
        // Pixel streams, or walks over one-pixel images (a 'same' convolution still walks its padding).
        if graph.channels.contains(where: { $0.tokens > 1 }) || blocks.contains(where: { $0.stream != nil }) {
            let replay = graph.replay(blocks: blocks)
            graph.outputCycle = (graph.outputChannels.map { replay.offered[$0].last ?? 0 }.max() ?? 0) - graph.firstInputTransfer(replay)
            graph.streamLatencies = replay.latencies
            // A delay line of a pixel stream holds the short branch's elements until the join reads them: as many as
            // pile up when inferences follow each other every design II (fewer would hold the fork that also feeds the
            // long branch: with less than one inference's worth, a deadlock, since the long branch needs more of the
            // inference before the join can read; with less than that, a longer II).
            let interval = max(blocks.map(\.cyclesPerInference).max() ?? 1, 1)
            let overlapping = graph.outputCycle / interval + 2
            func repeated(_ cycles: [Int]) -> [Int] { (0..<overlapping).flatMap { n in cycles.map { $0 + n * interval } } }
            for f in graph.fifos.indices where graph.fifos[f].tokens > 1 && graph.fifos[f].purpose == .delayLine {
                let fifo = graph.fifos[f]
                let needed = Self.depthNeverFull(arrivals: repeated(replay.offered[fifo.inputChannel]),
                                                 departures: repeated(replay.taken[fifo.outputChannel]))
                guard needed > fifo.derivedDepth else { continue }
                graph.fifos[f].derivedDepth = needed
                if depthOverrides[fifo.name] == nil { graph.fifos[f].depth = needed }
            }
        }
        for name in depthOverrides.keys where !graph.fifos.contains(where: { $0.name == name }) {
            throw .unsupported(layer: network.name, field: "FIFODepth",
                reason: "no FIFO is named '\(name)' (" + (graph.fifos.isEmpty ? "the design has no FIFOs in this IOType"
                    : "FIFOs: " + graph.fifos.map(\.name).joined(separator: ", ")) + ")")
        }
        var names = Set<String>()
        for channel in graph.channels {
            guard names.insert(channel.name).inserted else {
                throw .unsupported(layer: channel.name, field: "name", reason: "two channels of the design would be named '\(channel.name)'; rename a layer")
            }
        }
        if graph.separateOutputs {
            // The extra output ports are `out1`, `out2`, …: no channel may take their names.
            for k in 1..<graph.outputChannels.count where graph.channels.contains(where: { $0.name == "out\(k)" }) {
                throw .unsupported(layer: "out\(k)", field: "name",
                    reason: "the design's output \(k) leaves on the port 'out\(k)' (io_stream outputs of different lengths); rename the layer")
            }
        }
        for node in graph.fifos.map(\.name) + graph.forks.map(\.name) where network.layers.contains(where: { $0.name == node }) {
            throw .unsupported(layer: node, field: "name", reason: "a layer name clashes with the generated FIFO or fork '\(node)'; rename the layer")
        }
        return graph
    }
}

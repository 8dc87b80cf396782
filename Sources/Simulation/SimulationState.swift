import Scheduling

/// The simulator's state between two clock edges, advanced one cycle at a time by `step()`; `CycleSimulator.run`
/// is a loop over it. Everything lives in flat arrays built once, so a step allocates nothing.
///
/// One step follows docs/timing.md: valid and the offered token of every channel from the registered state
/// (forward through forks), ready backwards from the sink (a block's ready needs its output taken and, for a
/// join, every other input valid), the transfers (`valid && ready`), then the clock edge.
public struct SimulationState: Sendable {
    enum Node: Sendable {
        case source, sink, block(Int), fifo(Int), fork(Int)
    }

    let schedule: DesignSchedule
    let tokens: Int
    let pattern: [Bool]
    let limit: Int
    /// Nodes in topological order.
    let order: [Node]
    // Blocks: each block's slots live in a ring inside one flat array: slot k (1-based) of block b is
    // storage[base[b] + (head[b] + k - 1) % depth[b]]; −1 marks an empty slot.
    let depth: [Int]
    let interval: [Int]
    let base: [Int]
    let blockInputs: [[Int]]
    let blockOutput: [Int]
    var storage: [Int]
    var head: [Int]
    var cooldown: [Int]
    var occupancy: [Int]
    var enable: [Bool]
    // FIFOs: a ring of token ids each.
    let fifoDepth: [Int]
    let fifoBase: [Int]
    let fifoInput: [Int]
    let fifoOutput: [Int]
    var fifoRing: [Int]
    var fifoHead: [Int]
    var fifoCount: [Int]
    // Forks: one `taken` flag per output.
    let forkInput: [Int]
    let forkOutputs: [[Int]]
    var taken: [[Bool]]
    // Channels in the current cycle.
    let outputChannel: Int
    var valid: [Bool]
    var ready: [Bool]
    var offered: [Int]
    var transfers: [[Int]]

    /// The cycle that the next `step()` simulates.
    public private(set) var cycle = 0
    public private(set) var delivered = 0
    var nextToken = 0
    var idleCycles = 0
    var blockStatistics: [BlockStatistics]
    var fifoStatistics: [FIFOStatistics]
    var recorder: WaveformRecorder?

    init(schedule: DesignSchedule, tokens: Int, options: SimulationOptions) {
        self.schedule = schedule
        self.tokens = tokens
        pattern = options.outReadyPattern
        let graph = schedule.graph
        let blocks = schedule.blocks
        order = graph.topologicalOrder.map { node in
            switch node {
            case .source: return .source
            case .sink: return .sink
            case let .block(b): return .block(b)
            case let .fifo(f): return .fifo(f)
            case let .fork(k): return .fork(k)
            }
        }
        depth = blocks.map { max($0.latencyCycles, 1) }
        interval = blocks.map(\.initiationInterval)
        var offsets = [Int](repeating: 0, count: blocks.count)
        for b in blocks.indices.dropFirst() { offsets[b] = offsets[b - 1] + depth[b - 1] }
        base = offsets
        blockInputs = graph.blockInputs
        blockOutput = graph.blockOutputs
        storage = [Int](repeating: -1, count: depth.reduce(0, +))
        head = [Int](repeating: 0, count: blocks.count)
        cooldown = [Int](repeating: 0, count: blocks.count)
        occupancy = [Int](repeating: 0, count: blocks.count)
        enable = [Bool](repeating: false, count: blocks.count)
        fifoDepth = graph.fifos.map(\.depth)
        var fifoOffsets = [Int](repeating: 0, count: graph.fifos.count)
        for f in graph.fifos.indices.dropFirst() { fifoOffsets[f] = fifoOffsets[f - 1] + graph.fifos[f - 1].depth }
        fifoBase = fifoOffsets
        fifoInput = graph.fifos.map(\.inputChannel)
        fifoOutput = graph.fifos.map(\.outputChannel)
        fifoRing = [Int](repeating: -1, count: graph.fifos.reduce(0) { $0 + $1.depth })
        fifoHead = [Int](repeating: 0, count: graph.fifos.count)
        fifoCount = [Int](repeating: 0, count: graph.fifos.count)
        forkInput = graph.forks.map(\.inputChannel)
        forkOutputs = graph.forks.map(\.outputChannels)
        taken = graph.forks.map { [Bool](repeating: false, count: $0.outputChannels.count) }
        outputChannel = graph.outputChannel
        let channels = graph.channels.count
        valid = [Bool](repeating: false, count: channels)
        ready = [Bool](repeating: false, count: channels)
        offered = [Int](repeating: -1, count: channels)
        transfers = [[Int]](repeating: [], count: channels)
        for index in transfers.indices { transfers[index].reserveCapacity(tokens) }
        blockStatistics = blocks.map { BlockStatistics(layerName: $0.layerName, stallCycles: 0, acceptedTokens: 0, maxOccupancy: 0) }
        fifoStatistics = graph.fifos.map { FIFOStatistics(name: $0.name, depth: $0.depth, highWaterMark: 0, fullCycles: 0, emptyCycles: 0, pushes: 0) }
        let work = depth.reduce(0, +) + interval.reduce(0, +) + fifoDepth.reduce(0, +) + 1
        limit = options.maxCycles ?? (tokens + 1) * work * (pattern.count + 1) + 1_000
        recorder = options.recordWaveform ? WaveformRecorder(channelCount: channels) : nil
    }

    /// True when every token has left the design.
    public var finished: Bool { delivered >= tokens }

    @inline(__always) func lastSlot(_ b: Int) -> Int { base[b] + (head[b] + depth[b] - 1) % depth[b] }

    /// Occupancy of every FIFO, by index in the schedule's graph.
    public var fifoOccupancy: [Int] { fifoCount }
    /// Tokens inside every block.
    public var blockOccupancy: [Int] { occupancy }

    /// Advances one clock cycle.
    public mutating func step() throws(SimulationError) {
        if cycle >= limit { throw .cycleLimit(limit: limit, pendingTokens: tokens - delivered) }
        // Valid and the offered token, forward from the registered state.
        for node in order {
            switch node {
            case .source:
                offered[0] = nextToken < tokens ? nextToken : -1
                valid[0] = nextToken < tokens
            case let .block(b):
                let token = storage[lastSlot(b)]
                offered[blockOutput[b]] = token
                valid[blockOutput[b]] = token >= 0
            case let .fifo(f):
                let out = fifoOutput[f]
                offered[out] = fifoCount[f] > 0 ? fifoRing[fifoBase[f] + fifoHead[f]] : -1
                valid[out] = fifoCount[f] > 0
            case let .fork(k):
                let input = forkInput[k]
                for (e, out) in forkOutputs[k].enumerated() {
                    valid[out] = valid[input] && !taken[k][e]
                    offered[out] = offered[input]
                }
            case .sink:
                break
            }
        }
        // Ready, backwards from the sink.
        for node in order.reversed() {
            switch node {
            case .sink:
                ready[outputChannel] = pattern[cycle % pattern.count]
            case let .block(b):
                let out = blockOutput[b]
                enable[b] = !(valid[out] && !ready[out])
                let open = enable[b] && cooldown[b] == 0
                let inputs = blockInputs[b]
                for (port, channel) in inputs.enumerated() {
                    var others = true
                    for (other, feed) in inputs.enumerated() where other != port && !valid[feed] { others = false }
                    ready[channel] = open && others
                }
            case let .fifo(f):
                ready[fifoInput[f]] = fifoCount[f] < fifoDepth[f]
            case let .fork(k):
                var all = true
                for (e, out) in forkOutputs[k].enumerated() where !(taken[k][e] || ready[out]) { all = false }
                ready[forkInput[k]] = all
            case .source:
                break
            }
        }
        recorder?.record(valid: valid, ready: ready, offered: offered, fifoCounts: fifoCount)
        // Transfers.
        var moved = false
        for channel in valid.indices where valid[channel] && ready[channel] {
            transfers[channel].append(cycle)
            moved = true
        }
        // Clock edge.
        for node in order {
            switch node {
            case .source:
                if valid[0] && ready[0] { nextToken += 1 }
            case .sink:
                if valid[outputChannel] && ready[outputChannel] { delivered += 1 }
            case let .block(b):
                guard enable[b] else {
                    blockStatistics[b].stallCycles += 1
                    continue
                }
                let first = blockInputs[b][0]
                let accepted = valid[first] && ready[first] ? offered[first] : -1
                let leaving = storage[lastSlot(b)] >= 0 ? 1 : 0
                if occupancy[b] > 0 { moved = true }
                head[b] = (head[b] + depth[b] - 1) % depth[b]      // shift: old slot D becomes slot 1
                storage[base[b] + head[b]] = accepted
                occupancy[b] -= leaving
                if accepted >= 0 {
                    blockStatistics[b].acceptedTokens += 1
                    occupancy[b] += 1
                    cooldown[b] = interval[b] - 1
                } else if cooldown[b] > 0 {
                    cooldown[b] -= 1
                    moved = true
                }
                blockStatistics[b].maxOccupancy = max(blockStatistics[b].maxOccupancy, occupancy[b])
            case let .fifo(f):
                if fifoCount[f] == fifoDepth[f] { fifoStatistics[f].fullCycles += 1 }
                if fifoCount[f] == 0 { fifoStatistics[f].emptyCycles += 1 }
                let (input, out) = (fifoInput[f], fifoOutput[f])
                if valid[out] && ready[out] {
                    fifoHead[f] = (fifoHead[f] + 1) % fifoDepth[f]
                    fifoCount[f] -= 1
                }
                if valid[input] && ready[input] {
                    fifoRing[fifoBase[f] + (fifoHead[f] + fifoCount[f]) % fifoDepth[f]] = offered[input]
                    fifoCount[f] += 1
                    fifoStatistics[f].pushes += 1
                }
                fifoStatistics[f].highWaterMark = max(fifoStatistics[f].highWaterMark, fifoCount[f])
            case let .fork(k):
                let input = forkInput[k]
                let released = valid[input] && ready[input]
                for (e, out) in forkOutputs[k].enumerated() {
                    taken[k][e] = released ? false : (taken[k][e] || (valid[out] && ready[out]))
                }
            }
        }
        if moved { idleCycles = 0 } else {
            idleCycles += 1
            if idleCycles >= pattern.count {
                throw .deadlock(cycle: cycle, pendingTokens: tokens - delivered, state: describeWaits())
            }
        }
        cycle += 1
    }

    /// Which blocks hold tokens, which FIFOs are full or empty, and which channels offer a token nobody takes.
    func describeWaits() -> String {
        let graph = schedule.graph
        var parts: [String] = []
        for (b, block) in schedule.blocks.enumerated() where occupancy[b] > 0 {
            parts.append("\(block.layerName): \(occupancy[b]) held" + (enable[b] ? "" : ", stalled"))
        }
        for (f, fifo) in graph.fifos.enumerated() {
            parts.append("FIFO \(fifo.name): \(fifoCount[f])/\(fifo.depth)")
        }
        for channel in graph.channels where valid[channel.index] && !ready[channel.index] {
            parts.append("\(channel.name) waits for its reader")
        }
        return parts.joined(separator: ", ")
    }

    /// The result so far.
    func result() -> SimulationResult {
        let graph = schedule.graph
        return SimulationResult(transferCycles: transfers, outputs: [], cycles: cycle, blocks: blockStatistics, fifos: fifoStatistics,
                                waveform: recorder?.waveform(cycles: cycle),
                                blockChannels: schedule.blocks.indices.map { (graph.blockInputs[$0].first ?? 0, graph.blockOutputs[$0]) })
    }
}

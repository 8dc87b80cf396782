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
    /// Inferences, and the elements the design input offers and the design output delivers for them.
    let tokens: Int
    let inputElements: Int
    /// Elements each design output delivers in the run (`outputTargets[e]` for `outputChannels[e]`).
    let outputTargets: [Int]
    /// Each output is a port of its own (io_stream outputs of different lengths), not a join.
    let separateOutputs: Bool
    let pattern: [Bool]
    let recordTransfers: Bool
    let limit: Int
    /// Nodes in topological order.
    let order: [Node]
    // Blocks: each block's slots live in a ring inside one flat array: slot k (1-based) of block b is
    // storage[base[b] + (head[b] + k - 1) % depth[b]]; −1 marks an empty slot.
    let depth: [Int]
    let interval: [Int]
    let base: [Int]
    /// Block b's input channels are `inputChannels[inputStart[b] ..< inputStart[b + 1]]` (flat: no nested arrays
    /// in the hot loop).
    let inputStart: [Int]
    let inputChannels: [Int]
    let blockOutput: [Int]
    var storage: [Int]
    var head: [Int]
    var cooldown: [Int]
    var occupancy: [Int]
    var enable: [Bool]
    // Walks (io_stream over images, `PixelWalk`): block b's iteration k reads when `walkPops[walkBase[b] + k]` and
    // starts its core when `walkPushes[…]`; `walkLength[b]` is 0 for a block without one (a vector in, a vector out).
    let walkBase: [Int]
    let walkLength: [Int]
    let walkPops: [Bool]
    let walkPushes: [Bool]
    let passInterval: [Int]
    /// The cycles a walk's last iteration takes (0: as the others).
    let lastInterval: [Int]
    var iteration: [Int]
    /// The id of the next element block b writes (a walk's elements are numbered per output channel).
    var written: [Int]
    // FIFOs: a ring of token ids each.
    let fifoDepth: [Int]
    let fifoBase: [Int]
    let fifoInput: [Int]
    let fifoOutput: [Int]
    var fifoRing: [Int]
    var fifoHead: [Int]
    var fifoCount: [Int]
    // Forks: fork k's outputs are `forkChannels[forkStart[k] ..< forkStart[k + 1]]`, each with its `taken` flag
    // at the same index.
    let forkInput: [Int]
    let forkStart: [Int]
    let forkChannels: [Int]
    var taken: [Bool]
    // Channels in the current cycle.
    /// The channels the sink joins (one for a single output), or, with `separateOutputs`, takes each on its own port.
    let outputChannels: [Int]
    var valid: [Bool]
    var ready: [Bool]
    var offered: [Int]
    var transfers: [[Int]]

    /// Index of the current cycle in the sink's out_ready pattern.
    var patternIndex = 0
    /// The cycle that the next `step()` simulates.
    public private(set) var cycle = 0
    /// Elements delivered on each design output, and the outputs that have delivered all of theirs.
    var delivered: [Int]
    var finishedOutputs = 0
    var nextToken = 0
    var idleCycles = 0
    var blockStatistics: [BlockStatistics]
    var fifoStatistics: [FIFOStatistics]
    var recorder: WaveformRecorder?

    init(schedule: DesignSchedule, tokens: Int, options: SimulationOptions) {
        self.schedule = schedule
        self.tokens = tokens
        pattern = options.outReadyPattern
        recordTransfers = options.recordTransfers
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
        inputElements = tokens * graph.channels[graph.inputChannel].tokens
        outputTargets = graph.outputChannels.map { tokens * graph.channels[$0].tokens }
        separateOutputs = graph.separateOutputs
        delivered = graph.outputChannels.map { _ in 0 }
        finishedOutputs = outputTargets.filter { $0 == 0 }.count
        depth = blocks.map { max($0.latencyCycles, 1) }
        let walks = blocks.map { $0.stream?.walk }
        walkLength = walks.map { $0?.iterations ?? 0 }
        walkBase = walkLength.reduce(into: [0]) { $0.append($0.last! + $1) }
        walkPops = walks.flatMap { $0?.pops ?? [] }
        walkPushes = walks.flatMap { $0?.pushes ?? [] }
        passInterval = walks.map { $0?.passInterval ?? 1 }
        lastInterval = walks.map { $0?.lastInterval ?? 0 }
        iteration = [Int](repeating: 0, count: blocks.count)
        written = [Int](repeating: 0, count: blocks.count)
        interval = blocks.map(\.iterationInterval)
        var offsets = [Int](repeating: 0, count: blocks.count)
        for b in blocks.indices.dropFirst() { offsets[b] = offsets[b - 1] + depth[b - 1] }
        base = offsets
        inputStart = graph.blockInputs.reduce(into: [0]) { $0.append($0.last! + $1.count) }
        inputChannels = graph.blockInputs.flatMap { $0 }
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
        forkStart = graph.forks.reduce(into: [0]) { $0.append($0.last! + $1.outputChannels.count) }
        forkChannels = graph.forks.flatMap(\.outputChannels)
        taken = [Bool](repeating: false, count: forkChannels.count)
        outputChannels = graph.outputChannels
        let channels = graph.channels.count
        valid = [Bool](repeating: false, count: channels)
        ready = [Bool](repeating: false, count: channels)
        offered = [Int](repeating: -1, count: channels)
        transfers = [[Int]](repeating: [], count: channels)
        if recordTransfers {
            for index in transfers.indices { transfers[index].reserveCapacity(tokens * graph.channels[index].tokens) }
        }
        blockStatistics = blocks.map { BlockStatistics(layerName: $0.layerName, stallCycles: 0, acceptedTokens: 0, maxOccupancy: 0) }
        fifoStatistics = graph.fifos.map { FIFOStatistics(name: $0.name, depth: $0.depth, highWaterMark: 0, fullCycles: 0, emptyCycles: 0, pushes: 0) }
        let work = depth.reduce(0, +) + interval.reduce(0, +) + fifoDepth.reduce(0, +) + 1
        let walkCycles = blocks.map(\.cyclesPerInference).reduce(0, +)
        limit = options.maxCycles ?? (tokens + 1) * (work + walkCycles) * (pattern.count + 1) + 1_000
        recorder = options.recordWaveform ? WaveformRecorder(channelCount: channels) : nil
    }

    /// True when every token has left the design.
    public var finished: Bool { finishedOutputs >= outputTargets.count }

    /// Elements the design outputs have still to deliver.
    var pending: Int { zip(outputTargets, delivered).reduce(0) { $0 + max($1.0 - $1.1, 0) } }

    /// Occupancy of every FIFO, by index in the schedule's graph.
    public var fifoOccupancy: [Int] { fifoCount }
    /// Tokens inside every block.
    public var blockOccupancy: [Int] { occupancy }

    /// Moves an array out of the state, leaving an empty one.
    @inline(__always) static func take<T: RangeReplaceableCollection>(_ array: inout T) -> T {
        var moved = T()
        swap(&moved, &array)
        return moved
    }

    /// Advances one clock cycle.
    public mutating func step() throws(SimulationError) {
        try advance(cycles: 1)
    }

    /// Advances `cycles` clock cycles, or fewer when every token has left. The state the loop touches every cycle
    /// is copied into plain buffers for the duration (and back afterwards, also when it throws), so that the hot
    /// loop does no reference counting, uniqueness or bounds checks (indices come from the schedule's graph).
    public mutating func advance(cycles: Int) throws(SimulationError) {
        let valid = Cells(self.valid)
        let ready = Cells(self.ready)
        let offered = Cells(self.offered)
        let storage = Cells(self.storage)
        let head = Cells(self.head)
        let cooldown = Cells(self.cooldown)
        let occupancy = Cells(self.occupancy)
        let enable = Cells(self.enable)
        let iteration = Cells(self.iteration)
        let written = Cells(self.written)
        let taken = Cells(self.taken)
        let fifoRing = Cells(self.fifoRing)
        let fifoHead = Cells(self.fifoHead)
        let fifoCount = Cells(self.fifoCount)
        var transfers = Self.take(&self.transfers)
        let blockStatistics = Cells(self.blockStatistics)
        let fifoStatistics = Cells(self.fifoStatistics)
        // The sink's channels, read every cycle: locals, so the loop touches no array of `self`.
        let sinkChannels = Cells(self.outputChannels)
        let singleOutput = sinkChannels.count == 1 || separateOutputs
        let recording = recordTransfers
        defer {
            self.valid = valid.release()
            self.ready = ready.release()
            self.offered = offered.release()
            self.storage = storage.release()
            self.head = head.release()
            self.cooldown = cooldown.release()
            self.occupancy = occupancy.release()
            self.enable = enable.release()
            self.iteration = iteration.release()
            self.written = written.release()
            self.taken = taken.release()
            self.fifoRing = fifoRing.release()
            self.fifoHead = fifoHead.release()
            self.fifoCount = fifoCount.release()
            swap(&transfers, &self.transfers)
            self.blockStatistics = blockStatistics.release()
            self.fifoStatistics = fifoStatistics.release()
            _ = sinkChannels.release()
        }
        var remaining = cycles
        while remaining > 0 && !finished {
            remaining -= 1
            if cycle >= limit { throw .cycleLimit(limit: limit, pendingTokens: pending) }
            // Valid and the offered token, forward from the registered state.
            for node in order {
                switch node {
                case .source:
                    offered[0] = nextToken < inputElements ? nextToken : -1
                    valid[0] = nextToken < inputElements
                case let .block(b):
                    let token = storage[base[b] + (head[b] == 0 ? depth[b] - 1 : head[b] - 1)]
                    offered[blockOutput[b]] = token
                    valid[blockOutput[b]] = token >= 0
                case let .fifo(f):
                    let out = fifoOutput[f]
                    offered[out] = fifoCount[f] > 0 ? fifoRing[fifoBase[f] + fifoHead[f]] : -1
                    valid[out] = fifoCount[f] > 0
                case let .fork(k):
                    let input = forkInput[k]
                    for e in forkStart[k]..<forkStart[k + 1] {
                        let out = forkChannels[e]
                        valid[out] = valid[input] && !taken[e]
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
                    if singleOutput {
                        for e in 0..<sinkChannels.count { ready[sinkChannels[e]] = pattern[patternIndex] }
                    } else {
                        // A join: each output is taken when the sink is ready and every other output is valid.
                        for e in 0..<sinkChannels.count {
                            var others = true
                            for o in 0..<sinkChannels.count where o != e && !valid[sinkChannels[o]] { others = false }
                            ready[sinkChannels[e]] = pattern[patternIndex] && others
                        }
                    }
                case let .block(b):
                    let out = blockOutput[b]
                    enable[b] = !(valid[out] && !ready[out])
                    var open = enable[b] && cooldown[b] == 0
                    if walkLength[b] > 0 && !walkPops[walkBase[b] + iteration[b]] { open = false }   // this iteration reads nothing
                    let (first, end) = (inputStart[b], inputStart[b + 1])
                    if end - first == 1 {
                        ready[inputChannels[first]] = open
                    } else {
                        for port in first..<end {
                            var others = true
                            for other in first..<end where other != port && !valid[inputChannels[other]] { others = false }
                            ready[inputChannels[port]] = open && others
                        }
                    }
                case let .fifo(f):
                    ready[fifoInput[f]] = fifoCount[f] < fifoDepth[f]
                case let .fork(k):
                    var all = true
                    for e in forkStart[k]..<forkStart[k + 1] where !(taken[e] || ready[forkChannels[e]]) { all = false }
                    ready[forkInput[k]] = all
                case .source:
                    break
                }
            }
            if recorder != nil {
                recorder!.record(valid: valid.array, ready: ready.array, offered: offered.array, fifoCounts: fifoCount.array,
                                 outReady: pattern[patternIndex])
            }
            // Transfers.
            var moved = false
            for channel in 0..<valid.count where valid[channel] && ready[channel] {
                if recording { transfers[channel].append(cycle) }
                moved = true
            }
            // Clock edge.
            for node in order {
                switch node {
                case .source:
                    if valid[0] && ready[0] { nextToken += 1 }
                case .sink:
                    for e in 0..<sinkChannels.count where valid[sinkChannels[e]] && ready[sinkChannels[e]] {
                        delivered[e] += 1
                        if delivered[e] == outputTargets[e] { finishedOutputs += 1 }
                    }
                case let .block(b):
                    guard enable[b] else {
                        blockStatistics[b].stallCycles += 1
                        continue
                    }
                    let first = inputChannels[inputStart[b]]
                    let read = valid[first] && ready[first]
                    var accepted = read ? offered[first] : -1
                    var started = read, computes = read, last = false
                    if walkLength[b] > 0 {
                        // A walk's iteration starts when it may and, if it reads, when it reads; it enters the pipeline
                        // only when it computes, as the next element the block writes.
                        let at = walkBase[b] + iteration[b]
                        if !walkPops[at] { started = cooldown[b] == 0 }
                        computes = started && walkPushes[at]
                        accepted = computes ? written[b] : -1
                        if computes { written[b] += 1 }
                        last = iteration[b] + 1 == walkLength[b] && lastInterval[b] > 0
                        if started { iteration[b] = iteration[b] + 1 == walkLength[b] ? 0 : iteration[b] + 1 }
                    }
                    let leaving = storage[base[b] + (head[b] == 0 ? depth[b] - 1 : head[b] - 1)] >= 0 ? 1 : 0
                    if occupancy[b] > 0 { moved = true }
                    head[b] = head[b] == 0 ? depth[b] - 1 : head[b] - 1      // shift: old slot D becomes slot 1
                    storage[base[b] + head[b]] = accepted
                    occupancy[b] -= leaving
                    if started {
                        moved = true
                        if read { blockStatistics[b].acceptedTokens += 1 }
                        if computes { occupancy[b] += 1 }
                        cooldown[b] = (last ? lastInterval[b] : computes ? interval[b] : passInterval[b]) - 1
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
                        fifoHead[f] = fifoHead[f] + 1 == fifoDepth[f] ? 0 : fifoHead[f] + 1
                        fifoCount[f] -= 1
                    }
                    if valid[input] && ready[input] {
                        let tail = fifoHead[f] + fifoCount[f]
                        fifoRing[fifoBase[f] + (tail >= fifoDepth[f] ? tail - fifoDepth[f] : tail)] = offered[input]
                        fifoCount[f] += 1
                        fifoStatistics[f].pushes += 1
                    }
                    fifoStatistics[f].highWaterMark = max(fifoStatistics[f].highWaterMark, fifoCount[f])
                case let .fork(k):
                    let input = forkInput[k]
                    let released = valid[input] && ready[input]
                    for e in forkStart[k]..<forkStart[k + 1] {
                        let out = forkChannels[e]
                        taken[e] = released ? false : (taken[e] || (valid[out] && ready[out]))
                    }
                }
            }
            if moved { idleCycles = 0 } else {
                idleCycles += 1
                if idleCycles >= pattern.count {
                    throw .deadlock(cycle: cycle, pendingTokens: pending,
                                    state: describeWaits(occupancy: occupancy.array, enable: enable.array, fifoCount: fifoCount.array,
                                                         valid: valid.array, ready: ready.array))
                }
            }
            cycle += 1
            patternIndex = patternIndex + 1 == pattern.count ? 0 : patternIndex + 1
        }
    }

    /// Which blocks hold tokens, which FIFOs are full or empty, and which channels offer a token nobody takes.
    func describeWaits(occupancy: [Int], enable: [Bool], fifoCount: [Int], valid: [Bool], ready: [Bool]) -> String {
        let graph = schedule.graph
        var parts: [String] = []
        for (b, block) in schedule.blocks.enumerated() where occupancy[b] > 0 {
            parts.append("\(block.layerName): \(occupancy[b]) held" + (enable[b] ? "" : ", stalled"))
        }
        for (f, fifo) in graph.fifos.enumerated() {
            parts.append("FIFO \(fifo.name): \(fifoCount[f])/\(fifo.depth)"
                         + (fifo.depth < fifo.derivedDepth ? " (overridden below the \(fifo.derivedDepth) the schedule derived)" : ""))
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
                                blockChannels: graph.blockChannels, channelTokens: graph.channels.map(\.tokens), outputChannels: graph.outputChannels)
    }
}

/// A fixed-size buffer for the simulator's hot loop: a copy of an array in memory the loop owns, read and
/// written in place without reference counting, uniqueness or bounds checks. `release()` turns it back into an
/// array and frees it; every index used is one the schedule's graph produced for these sizes.
struct Cells<Element> {
    let base: UnsafeMutablePointer<Element>
    let count: Int

    init(_ array: [Element]) {
        count = array.count
        base = UnsafeMutablePointer<Element>.allocate(capacity: max(count, 1))
        array.withUnsafeBufferPointer { source in
            if let address = source.baseAddress { base.initialize(from: address, count: count) }
        }
    }

    subscript(index: Int) -> Element {
        unsafeAddress {
            assert(index >= 0 && index < count, "index \(index) outside 0..<\(count)")
            return UnsafePointer(base + index)
        }
        nonmutating unsafeMutableAddress {
            assert(index >= 0 && index < count, "index \(index) outside 0..<\(count)")
            return base + index
        }
    }

    /// A copy of the contents.
    var array: [Element] { Array(UnsafeBufferPointer(start: base, count: count)) }

    /// The contents as an array; the buffer is freed.
    func release() -> [Element] {
        let contents = array
        base.deinitialize(count: count)
        base.deallocate()
        return contents
    }
}

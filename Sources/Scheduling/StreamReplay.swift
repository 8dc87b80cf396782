/// The predicted timing of one inference through a design with pixel streams, when no FIFO is full: the schedule's
/// design latency in io_stream over images. The simulator then measures it with the real FIFO depths and the sink's
/// pattern; the two agree when the FIFOs hold what one inference piles up in them (tests check it on every shipped
/// CNN).
extension DataflowGraph {
    /// The cycles of one inference's elements: `offered[channel][k]` when element k is first offered, `taken[channel][k]`
    /// when it is taken (a block reads it; a FIFO, the design output or a fork's last reader takes it), and each block's
    /// last write − first read.
    ///
    /// A block runs its iterations in order (`StreamBlock`, `PixelWalk`): an iteration starts when the previous one's
    /// interval has passed and, if it reads, when its element is offered on every input; an element it writes is
    /// offered D cycles after it starts. A FIFO offers an element one cycle after it arrives. The design input and a
    /// fork offer element k + 1 from the cycle after element k was taken by all their readers (an eager fork holds its
    /// input until then); since that depends on the readers, the replay repeats until nothing moves.
    func replay(blocks: [BlockSchedule]) -> (offered: [[Int]], taken: [[Int]], latencies: [Int]) {
        var released = [[Int]](repeating: [], count: channels.count)
        var result: (offered: [[Int]], taken: [[Int]], latencies: [Int]) = ([], [], [])
        for _ in 0..<64 {
            result = pass(blocks: blocks, released: released)
            let next = channels.indices.map { takenByAll($0, result) }
            if next == released { break }
            released = next
        }
        return result
    }

    /// When element k of `channel` has been taken by everything it reaches through forks.
    private func takenByAll(_ channel: Int, _ replay: (offered: [[Int]], taken: [[Int]], latencies: [Int])) -> [Int] {
        if case let .fork(f) = channels[channel].consumer {
            let outputs = forks[f].outputChannels.map { takenByAll($0, replay) }
            return replay.offered[channel].indices.map { k in outputs.map { k < $0.count ? $0[k] : 0 }.max() ?? 0 }
        }
        if case .block = channels[channel].consumer { return replay.taken[channel] }
        return replay.offered[channel]
    }

    private func pass(blocks: [BlockSchedule], released: [[Int]]) -> (offered: [[Int]], taken: [[Int]], latencies: [Int]) {
        var latencies = [Int](repeating: 0, count: blocks.count)
        var taken = [[Int]](repeating: [], count: channels.count)
        var offered = [[Int]](repeating: [], count: channels.count)
        /// Element k cannot be offered before element k − 1 was released.
        func chained(_ cycles: [Int], after channel: Int) -> [Int] {
            let before = released[channel]
            return cycles.indices.map { k in k > 0 && k - 1 < before.count ? max(cycles[k], before[k - 1] + 1) : cycles[k] }
        }
        offered[inputChannel] = chained([Int](repeating: 0, count: channels[inputChannel].tokens), after: inputChannel)
        for node in topologicalOrder {
            switch node {
            case .source, .sink:
                break
            case let .fifo(f):
                offered[fifos[f].outputChannel] = offered[fifos[f].inputChannel].map { $0 + 1 }
            case let .fork(k):
                let input = forks[k].inputChannel
                for channel in forks[k].outputChannels { offered[channel] = chained(offered[input], after: input) }
            case let .block(b):
                let block = blocks[b], inputs = blockInputs[b]
                let tokens = inputs.map { offered[$0].count }.min() ?? 0
                let walk = block.stream?.walk
                let pops = walk?.pops ?? [Bool](repeating: true, count: tokens)
                let pushes = walk?.pushes ?? pops
                var next = 0, read = 0, written: [Int] = [], firstRead: Int?
                for k in pops.indices {
                    var start = next
                    if pops[k] {
                        guard read < tokens else { break }
                        for channel in inputs { start = max(start, offered[channel][read]) }
                        for channel in inputs { taken[channel].append(start) }
                        read += 1
                        if firstRead == nil { firstRead = start }
                    }
                    if pushes[k] { written.append(start + block.latencyCycles) }
                    next = start + (walk?.interval(k, computeInterval: block.iterationInterval) ?? block.initiationInterval)
                }
                offered[blockOutputs[b]] = written
                latencies[b] = (written.last ?? 0) - (firstRead ?? 0)
            }
        }
        return (offered, taken, latencies)
    }

    /// The depth a FIFO needs so that it never refuses an element in `replay`: when element j arrives, the elements
    /// that arrived before it and have not left by the edge before (a full FIFO refuses a push even in the cycle it
    /// pops), plus one.
    static func depthNeverFull(arrivals: [Int], departures: [Int]) -> Int {
        var needed = 1, left = 0
        for (j, arrival) in arrivals.enumerated() {
            while left < departures.count && departures[left] + 1 <= arrival { left += 1 }
            needed = max(needed, j - min(left, j) + 1)
        }
        return needed
    }

    /// The cycle element 0 of the design input is taken (the inference's first transfer) in `replay`.
    func firstInputTransfer(_ replay: (offered: [[Int]], taken: [[Int]], latencies: [Int])) -> Int {
        takenByAll(inputChannel, replay).first ?? 0
    }
}

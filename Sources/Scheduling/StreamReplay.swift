/// The predicted timing of one inference through a design with pixel streams, when nothing waits for room: the
/// schedule's design latency in io_stream over images (the simulator then measures it with the real FIFO depths and
/// the sink's pattern, and the two agree when the FIFOs hold an image, hls4ml's default; tests check it).
extension DataflowGraph {
    /// `cycles[channel][k]`: the cycle element k of one inference is first offered on each channel, the design input
    /// offering every element from cycle 0. A block runs its iterations in order (`StreamBlock`, `PixelWalk`): an
    /// iteration starts when the previous one's interval has passed and, if it reads, when its element is offered on
    /// every input; an element it writes is offered D cycles after it starts. A FIFO offers an element one cycle after
    /// it arrives; a fork offers it on every output at once.
    /// `latencies[b]`: block b's last write − its first read.
    func replay(blocks: [BlockSchedule]) -> (offered: [[Int]], latencies: [Int]) {
        var latencies = [Int](repeating: 0, count: blocks.count)
        var offered = [[Int]](repeating: [], count: channels.count)
        offered[inputChannel] = [Int](repeating: 0, count: channels[inputChannel].tokens)
        for node in topologicalOrder {
            switch node {
            case .source, .sink:
                break
            case let .fifo(f):
                offered[fifos[f].outputChannel] = offered[fifos[f].inputChannel].map { $0 + 1 }
            case let .fork(k):
                for channel in forks[k].outputChannels { offered[channel] = offered[forks[k].inputChannel] }
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
                        read += 1
                        if firstRead == nil { firstRead = start }
                    }
                    if pushes[k] { written.append(start + block.latencyCycles) }
                    next = start + (pushes[k] ? block.initiationInterval : walk?.passInterval ?? block.initiationInterval)
                }
                offered[blockOutputs[b]] = written
                latencies[b] = (written.last ?? 0) - (firstRead ?? 0)
            }
        }
        return (offered, latencies)
    }
}

import FixedPoint
import NetworkIR
import Scheduling

/// Generates synthesizable Verilog-2005 for a scheduled network, as a pipeline of typed stages:
/// `DesignSchedule` → `VerilogModule` values (`BlockGenerator`, top-level wiring) → text (`VerilogRenderer`).
public enum RTLGenerator {
    /// The largest Verilog (estimated) that `generate` writes unless asked for more: Verilator needs minutes for a
    /// few MB, and a 4096 × 4096 Dense at RF 1 would be about 5 GB.
    public static let defaultMaximumMegabytes = 256

    /// Bytes of Verilog a block takes, estimated from its operators (measured on flow_vt and dnn_ae: about 160
    /// bytes per multiplier, constant product or adder, the operand multiplexers of shared multipliers, and the ROM lines of tables).
    public static func estimatedBytes(of block: BlockSchedule) -> Int {
        let operations = block.multipliers + block.constantMultiplies + block.adders
        let phases = block.groups * block.partitions
        let multiplexed = phases > 1 ? block.multipliers * phases : 0
        return 160 * operations + 40 * multiplexed + 2 * block.tableBits + 2000
    }

    /// Refuses a design whose estimated Verilog exceeds `maximumMegabytes`, naming its largest block.
    public static func checkSize(schedule: DesignSchedule, maximumMegabytes: Int) throws(RTLError) {
        let sizes = schedule.blocks.map(estimatedBytes(of:))
        let total = sizes.reduce(0, +)
        guard total > maximumMegabytes * 1_000_000, let largest = sizes.indices.max(by: { sizes[$0] < sizes[$1] }) else { return }
        let block = schedule.blocks[largest]
        throw .tooLarge(layer: block.layerName, layerMegabytes: sizes[largest] / 1_000_000, totalMegabytes: total / 1_000_000,
                        limitMegabytes: maximumMegabytes, operations: block.multipliers + block.adders)
    }

    /// The RTL of `network` with the pipeline registers, latencies and IIs of `schedule`, and its channels,
    /// forks and FIFOs exactly as the schedule's graph lays them out.
    public static func generate(network: Network, schedule: DesignSchedule,
                                maximumMegabytes: Int = RTLGenerator.defaultMaximumMegabytes,
                                traceInternals: Bool = false) throws(RTLError) -> RTLDesign {
        try checkSize(schedule: schedule, maximumMegabytes: maximumMegabytes)
        let top = network.name
        try checkName(top, layer: "network", field: "name")
        guard schedule.blocks.count == network.layers.count, !network.layers.isEmpty else {
            throw .scheduleMismatch(layer: network.name, field: "blocks",
                reason: "\(schedule.blocks.count) blocks for \(network.layers.count) layers")
        }
        let graph = schedule.graph
        let evaluator: FixedPointEvaluator
        do { evaluator = try FixedPointEvaluator(network: network) } catch { throw .invalidNetwork(error) }
        var modules: [VerilogModule] = []
        var blockModules: [[String]] = []
        for (index, layer) in network.layers.enumerated() {
            let block = schedule.blocks[index]
            try checkName(layer.name, layer: layer.name, field: "name")
            guard block.layerName == layer.name else {
                throw .scheduleMismatch(layer: layer.name, field: "layerName", reason: "block \(index) is '\(block.layerName)'")
            }
            guard block.latencyCycles >= 1, block.initiationInterval >= 1 else {
                throw .scheduleMismatch(layer: layer.name, field: "latencyCycles", reason: "a block needs at least one slot and II ≥ 1")
            }
            if block.groups == 1 && block.partitions == 1 && block.initiationInterval != 1 && block.products == nil {
                throw .unsupported(layer: layer.name, field: "initiationInterval",
                    reason: "II \(block.initiationInterval) without reuse groups is not implemented")
            }
            // io_stream over images: the block is its core (one iteration's computation, `<block>_core`) behind its walk.
            let blockName = "\(top)_\(layer.name)"
            var compiled = evaluator.layers[index]
            if let stream = block.stream {
                do {
                    compiled = try CompiledLayer(layer: stream.core, inputPrecisions: compiled.inputPrecisions, inputSizes: stream.coreInputSizes)
                } catch { throw .invalidNetwork(error) }
            }
            let name = block.stream == nil ? blockName : blockName + "_core"
            var module = try BlockGenerator(layer: compiled, block: block, moduleName: name).generate()
            module.traceDeclarations = traceInternals
            modules.append(module)
            blockModules.append(block.stream == nil ? [name] : [name, blockName])
            if let walk = block.stream?.walk {
                // A merge's inputs arrive joined: its pixel is all of them, first input lowest.
                let pixelWidth = graph.blockInputs[index].reduce(0) { $0 + graph.channels[$1].width }
                var wrapper = StreamModules.walk(name: blockName, core: name, walk: walk, pixelWidth: pixelWidth,
                                                 coreInputWidth: compiled.inputSizes[0] * compiled.inputPrecisions[0].width,
                                                 outputWidth: compiled.layer.outputSize * compiled.layer.precision.result.width,
                                                 computeInterval: block.iterationInterval)
                wrapper.traceDeclarations = traceInternals
                modules.append(wrapper)
            }
        }
        for fork in graph.forks {
            try checkName(fork.name, layer: fork.name, field: "name")
            modules.append(StreamModules.fork(name: "\(top)_\(fork.name)", outputs: fork.outputChannels.count))
        }
        for fifo in graph.fifos {
            try checkName(fifo.name, layer: fifo.name, field: "name")
            modules.append(StreamModules.fifo(name: "\(top)_\(fifo.name)", width: fifo.elements * fifo.precision.width, depth: fifo.depth,
                                              countBits: fifo.countWidth))
        }
        var channels: [RTLChannel] = []
        for channel in graph.channels {
            guard HardwareName.isIdentifier(channel.name), !HardwareName.keywords.contains(channel.name) else {
                throw .invalidName(layer: channel.name, field: "channel", name: channel.name)
            }
            var rtlChannel = RTLChannel(index: channel.index, prefix: channel.name,
                                        producer: channel.tensor < 0 ? nil : network.layers[channel.tensor].name,
                                        elements: channel.elements, precision: channel.precision)
            rtlChannel.tokens = channel.tokens
            channels.append(rtlChannel)
        }
        let instances = network.layers.map { "u_\($0.name)" }
        let topModule = makeTop(name: top, network: network, graph: graph, channels: channels)
        let all = [topModule] + modules
        var design = RTLDesign(topModule: top, modules: all,
                         files: all.map { RTLFile(name: "\($0.name).v", text: VerilogRenderer.render($0)) },
                         channels: channels, instanceNames: instances, clockPeriodNs: schedule.options.clockPeriodNs,
                         latencyCycles: schedule.latencyCycles, initiationInterval: schedule.initiationInterval,
                         blockOutputChannels: graph.blockOutputs, fifoInstances: graph.fifos.map { "u_\($0.name)" },
                         fifoCountWidths: graph.fifos.map(\.countWidth), outputChannels: graph.outputChannels)
        design.separateOutputs = graph.separateOutputs
        design.blockModules = blockModules
        return design
    }

    static func checkName(_ name: String, layer: String, field: String) throws(RTLError) {
        guard HardwareName.problem(with: name) == nil else {
            throw .invalidName(layer: layer, field: field, name: name)
        }
    }

    /// The top module: blocks, forks and FIFOs wired by the graph's channels (a join's inputs meet in
    /// `<layer>__in_*`; several design outputs meet in the `out_*` ports the same way), plus
    /// `dbg_valid`/`dbg_ready` (bit k = channel k).
    static func makeTop(name: String, network: Network, graph: DataflowGraph, channels: [RTLChannel]) -> VerilogModule {
        let input = channels[graph.inputChannel]
        let outputs = graph.outputChannels.map { channels[$0] }
        // The `out` port: the one output channel itself, or the join of several.
        let port = outputs.count == 1 ? outputs[0] : RTLChannel(index: -1, prefix: "out", producer: nil, elements: 0, precision: .fixed(1, 1))
        let separate = graph.separateOutputs
        let outputWidth = separate ? outputs[0].width : outputs.reduce(0) { $0 + $1.width }
        var module = VerilogModule(
            name: name,
            comment: (graph.isChain
                ? "Design '\(name)': \(network.layers.count) block(s). Channel k of dbg_valid/dbg_ready: 0 = input, k = output of block k-1, \(network.layers.count) = output.\n"
                : "Design '\(name)': \(network.layers.count) block(s), \(graph.forks.count) fork(s), \(graph.fifos.count) FIFO(s). "
                    + "Bit k of dbg_valid/dbg_ready is channel k:\n" + channels.map { "  \($0.index): \($0.prefix)" }.joined(separator: "\n") + "\n")
                + "Generated by Pipewright; timing contract in docs/timing.md.",
            ports: [
                VerilogPort(.input, "clk"), VerilogPort(.input, "rst"),
                VerilogPort(.input, input.validSignal), VerilogPort(.output, input.readySignal),
                VerilogPort(.input, input.dataSignal, width: input.width),
                VerilogPort(.output, port.validSignal), VerilogPort(.input, port.readySignal),
                VerilogPort(.output, port.dataSignal, width: outputWidth),
                VerilogPort(.output, "dbg_valid", width: channels.count), VerilogPort(.output, "dbg_ready", width: channels.count),
            ])
        if separate {
            // One port per output (io_stream outputs of different lengths): `out` is the first, `out<k>` the others.
            for (k, output) in outputs.enumerated().dropFirst() {
                module.ports += [VerilogPort(.output, "out\(k)_valid"), VerilogPort(.input, "out\(k)_ready"),
                                 VerilogPort(.output, "out\(k)_data", width: output.width)]
            }
        }
        for channel in channels where channel.index != graph.inputChannel && (outputs.count > 1 || channel.index != port.index) {
            module.declarations.append(VerilogDeclaration(.wire, channel.validSignal, width: 1))
            module.declarations.append(VerilogDeclaration(.wire, channel.readySignal, width: 1))
            module.declarations.append(VerilogDeclaration(.wire, channel.dataSignal, width: channel.width,
                                                          comment: "\(channel.elements) x \(channel.precision)"))
        }
        func handshake(_ channel: RTLChannel, in inPrefix: Bool) -> [VerilogInstance.PortConnection] {
            let side = inPrefix ? "in" : "out"
            return [.init("\(side)_valid", channel.validSignal), .init("\(side)_ready", channel.readySignal), .init("\(side)_data", channel.dataSignal)]
        }
        /// The join of `inputs` into the handshake `prefix`_valid/_ready/_data (docs/timing.md, "Join"): valid when
        /// all are, each input's ready = the join's ready and'ed with the others' valid, data packed first-lowest.
        func joinInputs(_ inputs: [RTLChannel], into prefix: String) {
            module.assigns.append(VerilogAssign("\(prefix)_valid", inputs.map(\.validSignal).joined(separator: " & ")))
            for (port, channel) in inputs.enumerated() {
                let others = inputs.enumerated().filter { $0.offset != port }.map(\.element.validSignal)
                module.assigns.append(VerilogAssign(channel.readySignal, (["\(prefix)_ready"] + others).joined(separator: " & ")))
            }
            module.assigns.append(VerilogAssign("\(prefix)_data", "{" + inputs.reversed().map(\.dataSignal).joined(separator: ", ") + "}"))
        }
        for (index, layer) in network.layers.enumerated() {
            let inputs = graph.blockInputs[index].map { channels[$0] }
            var connections: [VerilogInstance.PortConnection] = [.init("clk", "clk"), .init("rst", "rst")]
            if inputs.count == 1 {
                connections += handshake(inputs[0], in: true)
            } else {
                let join = "\(layer.name)__in"
                module.declarations.append(VerilogDeclaration(.wire, "\(join)_valid", width: 1, comment: "join of \(inputs.count) inputs"))
                module.declarations.append(VerilogDeclaration(.wire, "\(join)_ready", width: 1))
                module.declarations.append(VerilogDeclaration(.wire, "\(join)_data", width: inputs.reduce(0) { $0 + $1.width }))
                joinInputs(inputs, into: join)
                connections += [.init("in_valid", "\(join)_valid"), .init("in_ready", "\(join)_ready"), .init("in_data", "\(join)_data")]
            }
            connections += handshake(channels[graph.blockOutputs[index]], in: false)
            module.instances.append(VerilogInstance(module: "\(name)_\(layer.name)", name: "u_\(layer.name)", connections: connections))
        }
        for fork in graph.forks {
            let source = channels[fork.inputChannel]
            let outputs = fork.outputChannels.map { channels[$0] }
            for channel in outputs { module.assigns.append(VerilogAssign(channel.dataSignal, source.dataSignal)) }
            module.instances.append(VerilogInstance(module: "\(name)_\(fork.name)", name: "u_\(fork.name)", connections: [
                .init("clk", "clk"), .init("rst", "rst"),
                .init("in_valid", source.validSignal), .init("in_ready", source.readySignal),
                .init("out_valid", "{" + outputs.reversed().map(\.validSignal).joined(separator: ", ") + "}"),
                .init("out_ready", "{" + outputs.reversed().map(\.readySignal).joined(separator: ", ") + "}"),
            ]))
        }
        for fifo in graph.fifos {
            module.instances.append(VerilogInstance(module: "\(name)_\(fifo.name)", name: "u_\(fifo.name)", connections:
                [.init("clk", "clk"), .init("rst", "rst")] + handshake(channels[fifo.inputChannel], in: true)
                    + handshake(channels[fifo.outputChannel], in: false)))
        }
        if separate {
            for (k, output) in outputs.enumerated() {
                let prefix = k == 0 ? "out" : "out\(k)"
                module.assigns += [VerilogAssign("\(prefix)_valid", output.validSignal), VerilogAssign(output.readySignal, "\(prefix)_ready"),
                                   VerilogAssign("\(prefix)_data", output.dataSignal)]
            }
        } else if outputs.count > 1 {
            // The design output joins its tensors: all transfer in the same cycle (docs/timing.md, "Join").
            joinInputs(outputs, into: port.prefix)
        }
        module.assigns.append(VerilogAssign("dbg_valid", "{" + channels.reversed().map(\.validSignal).joined(separator: ", ") + "}"))
        module.assigns.append(VerilogAssign("dbg_ready", "{" + channels.reversed().map(\.readySignal).joined(separator: ", ") + "}"))
        return module
    }
}

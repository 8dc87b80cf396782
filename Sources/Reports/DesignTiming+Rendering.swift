import Foundation

extension OutputTiming {
    /// `48 pixels of ` for a stream of several transfers per inference, else empty.
    var transfersText: String { transfers > 1 ? "\(transfers) pixels of " : "" }
}

extension DesignTiming {
    static func number(_ value: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", value) }

    var headline: String {
        "\(design): \(ioType), clock \(Self.number(clockPeriodNs, 2)) ns (uncertainty \(Self.number(clockUncertaintyNs, 3)) ns), device \(device)"
            + (outputs.count > 1 && Set(outputs.map(\.port)).count > 1
                ? "\noutputs (each on its own port, as hls4ml streams them): "
                    + outputs.map { "\($0.port): \($0.layer) (\($0.transfersText)\($0.elements) × \($0.precision))" }.joined(separator: ", ")
                : outputs.count > 1 ? "\noutputs (together, side by side in out_data): "
                    + outputs.map { "\($0.layer) (\($0.transfersText)\($0.elements) × \($0.precision))" }.joined(separator: ", ") : "")
    }

    /// The per-layer table of the schedule (`simulate`), with the simulator's measured latency.
    public func scheduleTable() -> String {
        var table = TextTable(header: ["layer", "kind", "RF", "II", "latency", "ns", "sim", "stalls", "mult", "DSP", "stages"])
        for layer in layers {
            let rf = layer.requestedReuseFactor == layer.reuseFactor ? "\(layer.reuseFactor)" : "\(layer.requestedReuseFactor)→\(layer.reuseFactor)"
            table.add([layer.layer, layer.kind, rf, "\(layer.initiationInterval)", "\(layer.latencyCycles)",
                       Self.number(layer.latencyNs), layer.simulatedLatencyCycles.map(String.init) ?? "-",
                       layer.stallCycles.map(String.init) ?? "-", "\(layer.multipliers)", "\(layer.dsps)", layer.stages])
        }
        table.rule()
        table.add(["design", "", "", "\(initiationInterval)", "\(latencyCycles)", Self.number(latencyNs),
                   simulatedLatencyCycles.map(String.init) ?? "-", "", "\(multipliers)", "\(dsps)", ""])
        var text = headline + "\n\n" + table.render(leftAligned: [0, 1, 10])
        text += "\nlatency \(latencyCycles) cycles = \(Self.number(latencyNs)) ns, II \(initiationInterval) cycles = \(Self.number(initiationIntervalNs)) ns"
        text += String(format: ", throughput %.2f M inferences/s\n", throughputPerSecond / 1e6)
        if let line = measuredIntervalLine { text += line + "\n" }
        text += fifoTable()
        for layer in layers { for note in layer.notes { text += "note: \(layer.layer): \(note)\n" } }
        return text
    }

    /// When the simulation took inferences at another interval than the schedule's II (a FIFO or delay line set
    /// shallower than the depth the schedule derives holds the pipeline, or a sink that is not always ready): the
    /// measured II and the FIFOs that filled (those set shallower than derived when there are such).
    var measuredIntervalLine: String? {
        guard let measured = simulatedInitiationInterval, measured != initiationInterval else { return nil }
        // The FIFOs set shallower than derived that filled; if none, every one that filled.
        let full = fifos.filter { ($0.fullCycles ?? 0) > 0 }
        let shallow = full.filter { $0.depth < $0.derivedDepth }
        let filled = (shallow.isEmpty ? full : shallow).map { fifo in
            "\(fifo.fifo) (depth \(fifo.depth)\(fifo.depth == fifo.derivedDepth ? "" : ", derived \(fifo.derivedDepth)"), "
                + "full \(fifo.fullCycles ?? 0) cycles)"
        }
        return "measured: II \(measured) cycles = \(Self.number(Double(measured) * clockPeriodNs)) ns in the simulation, not the "
            + "schedule's \(initiationInterval)" + (filled.isEmpty ? "; no FIFO filled (a sink that is not always ready sets the pace)"
                                                     : "; FIFOs that filled: " + filled.joined(separator: ", "))
    }

    /// The FIFOs with their depth, width, storage and (simulated) high-water mark; empty without FIFOs.
    public func fifoTable() -> String {
        guard !fifos.isEmpty else { return "" }
        var table = TextTable(header: ["FIFO", "purpose", "depth", "bits", "storage", "high-water", "full cycles"])
        for fifo in fifos {
            let depth = fifo.depth == fifo.derivedDepth ? "\(fifo.depth)" : "\(fifo.depth) (derived \(fifo.derivedDepth))"
            table.add([fifo.fifo, fifo.purpose, depth, "\(fifo.widthBits)", fifo.storage,
                       fifo.highWaterMark.map(String.init) ?? "-", fifo.fullCycles.map(String.init) ?? "-"])
        }
        return "\n" + table.render(leftAligned: [0, 1, 4])
    }

    /// Simulator and RTL side by side (`verify`).
    public func crossCheckTable() -> String {
        var table = TextTable(header: ["layer", "kind", "RF", "II", "latency sim", "latency RTL", "ns", "stages"])
        for layer in layers {
            table.add([layer.layer, layer.kind, "\(layer.reuseFactor)", "\(layer.initiationInterval)",
                       layer.simulatedLatencyCycles.map(String.init) ?? "-", layer.rtlLatencyCycles.map(String.init) ?? "-",
                       Self.number(layer.latencyNs), layer.stages])
        }
        table.rule()
        table.add(["design", "", "", "sim \(simulatedInitiationInterval.map(String.init) ?? "-") / RTL \(rtlInitiationInterval.map(String.init) ?? "-")",
                   simulatedLatencyCycles.map(String.init) ?? "-", rtlLatencyCycles.map(String.init) ?? "-", Self.number(latencyNs), ""])
        var text = headline + "\n\n" + table.render(leftAligned: [0, 1, 7])
        if let line = measuredIntervalLine { text += line + " (schedule: latency \(latencyCycles), II \(initiationInterval))\n" }
        if let tokens, let comparedTransfers, let comparedOutputBits {
            text += "\ncompared \(tokens) inferences: \(comparedTransfers) channel transfers (every block boundary, fork output, FIFO push and pop), \(comparedOutputBits) output bits\n"
        }
        if let mismatches {
            text += mismatches == 0 ? "MATCH\n" : "MISMATCH (\(mismatches) differences); first: \(firstMismatch ?? "")\n"
        }
        return text
    }

    /// One CSV row per layer plus a `design` row.
    /// One row per layer (the design's totals are in `designCSV()`).
    public func csv() -> String {
        var text = "design,layer,kind,strategy,reuse_factor,ii_cycles,latency_cycles,latency_ns,clock_ns,multipliers,dsps,adders,register_bits,critical_path_ns,sim_latency_cycles,rtl_latency_cycles,stall_cycles\n"
        func optional(_ value: Int?) -> String { value.map(String.init) ?? "" }
        for layer in layers {
            text += "\(design),\(layer.layer),\(layer.kind),\(layer.strategy),\(layer.reuseFactor),\(layer.initiationInterval),\(layer.latencyCycles),"
            text += "\(Self.number(layer.latencyNs, 3)),\(JSONText.number(clockPeriodNs)),\(layer.multipliers),\(layer.dsps),\(layer.adders),\(layer.registerBits),"
            text += "\(Self.number(layer.criticalPathNs, 3)),\(optional(layer.simulatedLatencyCycles)),\(optional(layer.rtlLatencyCycles)),"
            text += "\(optional(layer.stallCycles))\n"
        }
        return text
    }

    /// The design's totals as a one-row CSV (`simulate --design-csv`), apart from the layer rows of `csv()`
    /// so that each file is one table with one meaning per column.
    public func designCSV() -> String {
        func optional(_ value: Int?) -> String { value.map(String.init) ?? "" }
        var text = "design,io_type,device,clock_ns,clock_uncertainty_ns,ii_cycles,ii_ns,latency_cycles,latency_ns,multipliers,dsps,sim_latency_cycles,rtl_latency_cycles\n"
        text += "\(design),\(ioType),\(device),\(JSONText.number(clockPeriodNs)),\(JSONText.number(clockUncertaintyNs)),\(initiationInterval),"
        text += "\(JSONText.number(initiationIntervalNs)),\(latencyCycles),\(JSONText.number(latencyNs)),\(multipliers),\(dsps),"
        text += "\(optional(simulatedLatencyCycles)),\(optional(rtlLatencyCycles))\n"
        return text
    }
}

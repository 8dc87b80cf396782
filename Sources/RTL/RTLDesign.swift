import FixedPoint
import Foundation
import Support

/// One generated Verilog file.
public struct RTLFile: Sendable, Equatable {
    /// File name, `<module>.v`.
    public var name: String
    public var text: String

    public init(name: String, text: String) {
        self.name = name
        self.text = text
    }
}

/// One valid/ready/data channel of the design (docs/timing.md): channel 0 is the design input, channel k
/// the output of block k−1, the last one the design output.
public struct RTLChannel: Sendable, Equatable {
    public var index: Int
    /// Signal prefix in the top module: `in`, `<layerName>` or `out` (`<prefix>_valid`, `_ready`, `_data`).
    public var prefix: String
    /// The layer that produces it (nil for the design input).
    public var producer: String?
    public var elements: Int
    public var precision: Precision
    /// Transfers per inference (an image's pixels in io_stream, else 1).
    public var tokens = 1

    public var validSignal: String { "\(prefix)_valid" }
    public var readySignal: String { "\(prefix)_ready" }
    public var dataSignal: String { "\(prefix)_data" }
    /// Width of the packed data vector.
    public var width: Int { elements * precision.width }
}

/// The generated RTL of a design: the syntax model, the rendered files and the channel map.
public struct RTLDesign: Sendable, Equatable {
    /// Name of the top module (= the network's name).
    public var topModule: String
    /// The top module first, then one module per block in pipeline order.
    public var modules: [VerilogModule]
    /// Rendered files, in the same order as `modules`.
    public var files: [RTLFile]
    public var channels: [RTLChannel]
    /// Instance name of each block in the top module (`u_<layerName>`), in pipeline order.
    public var instanceNames: [String]
    /// The clock period the schedule was made for (ns), used to time VCD dumps.
    public var clockPeriodNs: Double
    /// Cycles from an input transfer to its output transfer with no stall (Σ latencyCycles).
    public var latencyCycles: Int
    /// Steady-state initiation interval of the design.
    public var initiationInterval: Int
    /// `blockOutputChannels[b]`: the channel leaving block b.
    public var blockOutputChannels: [Int]
    /// Instance names of the FIFOs (`u_<fifo>`).
    public var fifoInstances: [String]
    /// Width of each FIFO's `count` register.
    public var fifoCountWidths: [Int]
    /// The channels whose data form `out_data`, first lowest: the channel `out` itself, or the outputs the top
    /// module joins when the design has several.
    public var outputChannels: [Int]
    /// `blockModules[b]`: the names of block b's modules (one, or in io_stream over images its walk and its core).
    public var blockModules: [[String]] = []
    /// Each output has a port of its own (`out`, `out1`, …) instead of one joined `out` (io_stream outputs of
    /// different lengths).
    public var separateOutputs = false

    public init(topModule: String, modules: [VerilogModule], files: [RTLFile], channels: [RTLChannel], instanceNames: [String],
                clockPeriodNs: Double, latencyCycles: Int, initiationInterval: Int, blockOutputChannels: [Int]? = nil,
                fifoInstances: [String] = [], fifoCountWidths: [Int] = [], outputChannels: [Int]? = nil) {
        self.topModule = topModule
        self.modules = modules
        self.files = files
        self.channels = channels
        self.instanceNames = instanceNames
        self.clockPeriodNs = clockPeriodNs
        self.latencyCycles = latencyCycles
        self.initiationInterval = initiationInterval
        self.blockOutputChannels = blockOutputChannels ?? instanceNames.indices.map { $0 + 1 }
        self.fifoInstances = fifoInstances
        self.fifoCountWidths = fifoCountWidths
        self.outputChannels = outputChannels ?? [channels.count - 1]
    }

    /// How many elements of each tensor the save file shows as numbers.
    static let elementsShown = 4

    public var inputChannel: RTLChannel { channels[0] }
    /// The channels of `out_data`, first (lowest bits) first.
    public var outputs: [RTLChannel] { outputChannels.map { channels[$0] } }
    /// Width of `out_data`.
    public var outputWidth: Int { outputs.reduce(0) { $0 + $1.width } }

    /// A GTKWave save file that opens `dumpfile` with one group for the top-level handshake and one per
    /// block (see TOOLCHAIN.md for the format). With `cycles` (run length including the 2 reset cycles),
    /// the view is zoomed to show the whole run.
    public func gtkwaveSaveFile(dumpfile: String, cycles: Int? = nil) -> String {
        var lines = ["[dumpfile] \"\(dumpfile)\"", "[size] 1600 1000"]
        if let cycles, cycles > 0 {
            // GTKWave shows 2^(−zoom) × about 5 time units across this 1600-pixel window (measured under
            // Xvfb with GTKWave 3.3.118); leave 5 % to spare.
            let picoseconds = Double(cycles) * clockPeriodNs * 1000
            let zoom = -log2(max(picoseconds * 1.05 / 5, 1))
            lines.append("[timestart] 0")
            lines.append("*" + String(format: "%.6f", zoom) + " -1" + String(repeating: " -1", count: 26))
        }
        func trace(_ scope: String, _ signal: String, width: Int) {
            lines.append(width == 1 ? "@28" : "@22")
            lines.append("TOP.\(scope).\(signal)" + (width == 1 ? "" : "[\(width - 1):0]"))
        }
        func group(_ name: String, _ body: () -> Void) {
            lines += ["@800200", "-\(name)"]
            body()
            lines += ["@1000200", "-\(name)"]
        }
        /// The first elements of a packed tensor as numbers: each a vector combined from its bits, shown as
        /// signed (or unsigned) decimal raw values, under a comment that says how to read them.
        /// `offset`: the channel's lowest bit within `signal`, `total` the width of `signal`.
        func elements(_ scope: String, _ signal: String, channel: RTLChannel, label: String, offset: Int = 0, total: Int? = nil) {
            let p = channel.precision, w = p.width
            let shown = min(channel.elements, Self.elementsShown)
            lines.append("@200")
            lines.append("-\(label): raw \(p) (value = raw / 2^\(p.fractionalBits)), elements 0..\(shown - 1) of \(channel.elements)")
            for e in 0..<shown {
                lines.append(p.isSigned ? "@424" : "@24")
                // `(k)NAME[W-1:0]` is bit k of the vector counted from its MSB (GTKWave's save-file syntax).
                let total = total ?? channel.width
                let bits = stride(from: offset + (e + 1) * w - 1, through: offset + e * w, by: -1).map { "(\(total - 1 - $0))TOP.\(scope).\(signal)[\(total - 1):0]" }
                lines.append("#{\(label)[\(e)]} " + bits.joined(separator: " "))
            }
        }
        group(topModule) {
            for signal in ["clk", "rst", "in_valid", "in_ready", "out_valid", "out_ready"] { trace(topModule, signal, width: 1) }
            trace(topModule, "out_data", width: outputWidth)
            var offset = 0
            for output in outputs {
                elements(topModule, "out_data", channel: output, label: outputs.count == 1 ? "out" : "out \(output.producer ?? output.prefix)",
                         offset: offset, total: outputWidth)
                offset += output.width
            }
        }
        for (index, instance) in instanceNames.enumerated() {
            group(instance) {
                for signal in ["in_valid", "in_ready", "out_valid", "out_ready"] { trace("\(topModule).\(instance)", signal, width: 1) }
                trace("\(topModule).\(instance)", "out_data", width: channels[blockOutputChannels[index]].width)
                elements("\(topModule).\(instance)", "out_data", channel: channels[blockOutputChannels[index]],
                         label: String(instance.dropFirst(2)))
            }
        }
        for (instance, countWidth) in zip(fifoInstances, fifoCountWidths) {
            group(instance) {
                for signal in ["in_valid", "in_ready", "out_valid", "out_ready"] { trace("\(topModule).\(instance)", signal, width: 1) }
                lines.append("@24")
                lines.append("TOP.\(topModule).\(instance).count" + (countWidth == 1 ? "" : "[\(countWidth - 1):0]"))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes every Verilog file, the files `alongside` (the harness) and `<top>.gtkw` (dump file `<top>.vcd`, or
    /// `.fst`, in the same directory) into `directory`, creating it if needed. Files whose content is unchanged
    /// are not rewritten. Returns true when any Verilog or `alongside` file was written (the save file does not
    /// count: build caches). A failure removes what this call added (see `writeFiles`).
    @discardableResult
    public func write(to directory: URL, waveform: WaveformFormat = .vcd,
                      alongside extra: [(name: String, text: String)] = []) throws -> Bool {
        let dumpfile = directory.appendingPathComponent("\(topModule).\(waveform.fileExtension)").path
        let saveFile = (name: "\(topModule).gtkw", text: gtkwaveSaveFile(dumpfile: dumpfile))
        return try RTLDesign.writeFiles(files.map { ($0.name, $0.text) } + extra, uncounted: [saveFile], to: directory)
    }

    /// Writes every Verilog file into `directory`, creating it if needed; files whose content is unchanged
    /// are not rewritten. Returns true when any file was written (for build caches).
    @discardableResult
    public func writeVerilog(to directory: URL) throws -> Bool {
        try RTLDesign.writeFiles(files.map { ($0.name, $0.text) }, to: directory)
    }

    /// Writes `counted` and then `uncounted` files into `directory` (each whole, unchanged ones left alone) and
    /// returns true when a `counted` one was written. On a failure the files this call added, and the folder
    /// when this call made it, are removed again: no half design (a file it replaced keeps its new content).
    static func writeFiles(_ counted: [(name: String, text: String)], uncounted: [(name: String, text: String)] = [],
                           to directory: URL) throws -> Bool {
        var changed = false, created: [URL] = []
        let newFolder = !FileManager.default.fileExists(atPath: directory.path)
        do {
            for (index, file) in (counted + uncounted).enumerated() {
                let url = directory.appendingPathComponent(file.name)
                let existed = FileManager.default.fileExists(atPath: url.path)
                if try RTLDesign.writeIfChanged(file.text, to: url) {
                    if index < counted.count { changed = true }
                    if !existed { created.append(url) }
                }
            }
        } catch {
            for url in created { try? FileManager.default.removeItem(at: url) }
            if newFolder, (try? FileManager.default.contentsOfDirectory(atPath: directory.path))?.isEmpty == true {
                try? FileManager.default.removeItem(at: directory)
            }
            throw error
        }
        return changed
    }

    /// Writes `text` (whole or not at all, creating the folder; a failure is an `OutputFileError` in words)
    /// unless the file already holds exactly these bytes; returns true when it wrote.
    @discardableResult
    public static func writeIfChanged(_ text: String, to url: URL) throws -> Bool {
        if let existing = try? Data(contentsOf: url), existing == Data(text.utf8) { return false }
        try OutputFile.write(text, to: url)
        return true
    }
}

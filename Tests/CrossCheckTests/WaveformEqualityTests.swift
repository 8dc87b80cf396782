import Foundation
import Testing
import Design
import Simulation
import RTL
import Toolchain
@testable import CrossCheck

/// The simulator's VCD equals the Verilator VCD on every signal both trace (issue #10): every handshake and FIFO
/// count at every time step, reset included, until the edge after the last result (the run is over there and
/// the harness drives nothing more); every data bus whenever its channel is valid (outside that, the RTL's buses
/// carry whatever the datapath holds and the simulator writes `x`).
struct WaveformEqualityTests {
    /// name → [(time, value)] from a VCD (values with leading zeros dropped).
    static func changes(_ text: String) -> [String: [(Int, String)]] {
        var names: [String: [String]] = [:], scope: [String] = [], result: [String: [(Int, String)]] = [:], time = 0
        var header = true
        for raw in text.split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            let parts = line.split(separator: " ")
            if header {
                if line.hasPrefix("$scope") { scope.append(String(parts[2])) }
                if line.hasPrefix("$upscope") { scope.removeLast() }
                if line.hasPrefix("$var") { names[String(parts[3]), default: []].append((scope + [String(parts[4])]).joined(separator: ".")) }
                if line.hasPrefix("$enddefinitions") { header = false }
                continue
            }
            if line.hasPrefix("#") { time = Int(line.dropFirst())!; continue }
            let (value, code) = line.hasPrefix("b") ? (String(parts[0].dropFirst()), String(parts[1])) : (String(line.prefix(1)), String(line.dropFirst()))
            let trimmed = value.drop { $0 == "0" }
            for name in names[code] ?? [] {
                var list = result[name, default: []]
                let v = trimmed.isEmpty ? "0" : String(trimmed)
                if let last = list.last, last.0 == time { list[list.count - 1] = (time, v) } else if list.last?.1 != v { list.append((time, v)) }
                result[name] = list
            }
        }
        return result
    }

    static func value(_ list: [(Int, String)], at time: Int) -> String? { list.last { $0.0 <= time }?.1 }

    @Test(.enabled(if: verilatorAvailable, "verilator is not on PATH"),
          arguments: [("dnn_vae_encoder", "io_parallel"), ("flow_vt", "io_stream"), ("cnn_ae", "io_stream")])
    func simulatorVCDEqualsRTLVCD(_ design: String, _ io: String) throws {
        let loaded = try DesignLoader.load(repositoryRoot.appendingPathComponent("Designs/\(design).yml"))
            .applying(reuseFactor: 2, ioType: io == "io_stream" ? .stream : .parallel)
        let inputs = InputVectors.random(count: 10, size: loaded.network.inputSize, seed: 21)
        let pattern = SimulationOptions.pattern("1101")!
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pipewright-vcd-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try Verification.run(network: loaded.network, options: loaded.options, inputs: inputs, outReadyPattern: pattern,
                                       buildDirectory: crossCheckDirectory("\(design)-\(io)-vcd"), optimization: testBuild, waveformDirectory: folder)
        #expect(run.comparison.matches)
        let simulated = try Pipeline.simulate(network: loaded.network, options: loaded.options, inputs: inputs,
                                              simulation: SimulationOptions(outReadyPattern: pattern, recordWaveform: true))
        let simulator = Self.changes(VCDWriter(network: simulated.network, schedule: simulated.schedule).render(try #require(simulated.result.waveform)))
        let rtl = Self.changes(try String(contentsOf: folder.appendingPathComponent("\(loaded.network.name).vcd"), encoding: .utf8))
        let shared = Set(simulator.keys).intersection(rtl.keys)
        #expect(shared.count == simulator.count, "every simulator signal is in the RTL trace: missing \(Set(simulator.keys).subtracting(rtl.keys).sorted())")
        let period = Int((loaded.options.clockPeriodNs * 1000).rounded())
        // The harness's last time stamp closes the run; the rising edge half a period before it ends it.
        let end = (run.trace.cycles + 2) * period - period / 2
        #expect(end > 0)
        var dataSamples = 0
        for name in shared.sorted() {
            if name.hasSuffix("data") {
                // Sampled every quarter period while the channel (the block port's own valid) is valid.
                let valid = String(name.dropLast(4)) + "valid"
                guard let validChanges = rtl[valid] else { continue }
                for time in stride(from: 0, to: end, by: period / 4) where Self.value(validChanges, at: time) == "1" {
                    dataSamples += 1
                    #expect(Self.value(simulator[name]!, at: time) == Self.value(rtl[name]!, at: time), "\(name) at \(time) ps")
                }
            } else {
                let a = simulator[name]!.filter { $0.0 < end }, b = rtl[name]!.filter { $0.0 < end }
                #expect(a.map(\.0) == b.map(\.0) && a.map(\.1) == b.map(\.1), "\(name): simulator \(a.prefix(6)) … RTL \(b.prefix(6)) …")
            }
        }
        #expect(dataSamples > 100)
    }

    /// GTKWave's `fst2vcd`, installed with GTKWave (`make deps-view`, which `make test` tries).
    static let fst2vcd = ProcessRunner.find("fst2vcd")

    /// The two runs below, made once: the two FST tests run in parallel and must not build into the same folders
    /// at the same time.
    static let fstAndVCD = Result { try fstAndVCDRuns() }

    /// `verify --fst`: the same run traced as FST and as VCD. Returns both files' bytes.
    static func fstAndVCDRuns() throws -> (fst: Data, vcd: Data) {
        let loaded = try DesignLoader.load(repositoryRoot.appendingPathComponent("Designs/dnn_vae_encoder.yml"))
            .applying(reuseFactor: 2, ioType: .parallel)
        let inputs = InputVectors.random(count: 12, size: loaded.network.inputSize, seed: 5)
        let pattern = SimulationOptions.pattern("1101")!
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pipewright-fst-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        var files: [WaveformFormat: Data] = [:]
        for format in WaveformFormat.allCases {
            let waves = folder.appendingPathComponent(format.rawValue)
            let run = try Verification.run(network: loaded.network, options: loaded.options, inputs: inputs, outReadyPattern: pattern,
                                           buildDirectory: crossCheckDirectory("heads-rf2-\(format.rawValue)"), optimization: testBuild, waveformDirectory: waves,
                                           waveformFormat: format)
            guard run.comparison.matches else { throw WaveformTestError.mismatch(format.rawValue) }
            let file = waves.appendingPathComponent("\(loaded.network.name).\(format.fileExtension)")
            guard run.waveform == file, let gtkwURL = run.gtkw,
                  try String(contentsOf: gtkwURL, encoding: .utf8).hasPrefix("[dumpfile] \"\(file.path)\"") else {
                throw WaveformTestError.wrongFiles(format.rawValue)
            }
            files[format] = try Data(contentsOf: file)
        }
        guard let fst = files[.fst], let vcd = files[.vcd] else { throw WaveformTestError.wrongFiles("both") }
        return (fst, vcd)
    }

    @Test(.enabled(if: verilatorAvailable, "verilator is not on PATH"))
    func fstIsWrittenAndSmaller() throws {
        let (fst, vcd) = try Self.fstAndVCD.get()
        // An FST file opens with its header block: type 0 (FST_BL_HDR), then the section length 329 (big-endian).
        #expect(Array(fst.prefix(9)) == [0, 0, 0, 0, 0, 0, 0, 1, 0x49])
        #expect(fst.count * 3 < vcd.count, "FST \(fst.count) B against VCD \(vcd.count) B")
    }

    @Test(.enabled(if: verilatorAvailable, "verilator is not on PATH"),
          .enabled(if: fst2vcd != nil, "fst2vcd is not on PATH (GTKWave; make deps-view installs it)"))
    func fstHoldsTheVCDsChanges() throws {
        let (fst, vcd) = try Self.fstAndVCD.get()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pipewright-\(UUID().uuidString).fst")
        defer { try? FileManager.default.removeItem(at: file) }
        try fst.write(to: file)
        let converted = try ProcessRunner.run(try #require(Self.fst2vcd), arguments: [file.path], directory: FileManager.default.temporaryDirectory)
        #expect(converted.status == 0)
        let fromFST = Self.changes(converted.output), fromVCD = Self.changes(String(decoding: vcd, as: UTF8.self))
        #expect(fromFST.count == fromVCD.count && fromFST.count > 50)
        for (name, changes) in fromVCD {
            let other = fromFST[name] ?? []
            #expect(other.map(\.0) == changes.map(\.0) && other.map(\.1) == changes.map(\.1), "\(name)")
        }
    }
}

/// Why the shared FST/VCD runs failed (a `Result` cannot hold the test's expectations).
enum WaveformTestError: Error {
    /// The simulator and the RTL did not match in the run traced in this format.
    case mismatch(String)
    /// The run did not write the waveform, or its .gtkw does not open it.
    case wrongFiles(String)
}

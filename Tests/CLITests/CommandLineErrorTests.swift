import Foundation
import Testing

/// Runs the built `pipewright` executable (beside the test bundle) and checks what a user sees.
struct CommandLineErrorTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var executable: URL {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 where !FileManager.default.fileExists(atPath: directory.appendingPathComponent("pipewright").path) {
            directory = directory.deletingLastPathComponent()
        }
        return directory.appendingPathComponent("pipewright")
    }

    struct Outcome {
        let status: Int32
        let output: String
        /// `.exit` for a normal exit; `.uncaughtSignal` for a trap (then `status` is the signal number).
        var reason: Process.TerminationReason = .exit
        /// True when the run did not end within its `timeout` and was killed.
        var hung = false
    }

    /// Verilator on PATH (CI installs it through make test).
    static let verilatorInstalled: Bool = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let found = path.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/verilator") }
        if !found { print("SKIP: verilator is not on PATH; the import-then-verify test needs it") }
        return found
    }()

    /// Runs the built executable (or `program`, e.g. a wrapper that runs it); `environment` sets (or, with nil,
    /// removes) variables of the tests' own. A run still going after `timeout` seconds is killed and reported as
    /// `hung` (a test of a hang then fails instead of hanging the suite).
    static func run(_ arguments: [String], path: String? = nil, in directory: URL = root,
                    environment changes: [String: String?] = [:], executable program: URL? = nil,
                    timeout: Double? = nil) throws -> Outcome {
        let process = Process()
        process.executableURL = program ?? executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        if let path { environment["PATH"] = path }
        for (name, value) in changes { environment[name] = value }
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let done = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in done.signal() }
        try process.run()
        final class Box: @unchecked Sendable { var data = Data() }
        let box = Box()
        let reader = Thread { box.data = pipe.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let hung = done.wait(timeout: timeout.map { .now() + $0 } ?? .distantFuture) == .timedOut
        if hung {
            kill(process.processIdentifier, SIGKILL)
            done.wait()
        }
        while !reader.isFinished { usleep(1000) }
        return Outcome(status: process.terminationStatus, output: String(decoding: box.data, as: UTF8.self),
                       reason: process.terminationReason, hung: hung)
    }

    static func scratch(_ name: String, _ text: String) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pipewright-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    static let good = """
        name: tiny
        input: {size: 4, precision: "ap_fixed<16,6>"}
        config: {ClockPeriod: 5, Model: {Precision: {default: "ap_fixed<16,6>", accum: auto}}}
        layers:
          - {name: fc1, class: Dense, units: 2, kernel: {random: {seed: 1, scale: 0.5}}}
          - {name: act, class: ReLU}
        """

    /// (file text, words the single error line must contain)
    static let badDesigns: [(String, [String])] = [
        ("name: tiny\nlayers: [ {name: fc1\n", ["bad.yml", "line"]),                                              // malformed YAML
        (good.replacingOccurrences(of: "class: ReLU", with: "class: Softplus"), ["bad.yml", "act", "Softplus"]),   // unknown layer
        (good.replacingOccurrences(of: "{random: {seed: 1, scale: 0.5}}", with: "[1, 2, 3]"), ["bad.yml", "fc1", "kernel"]),  // shape mismatch
        (good.replacingOccurrences(of: "precision: \"ap_fixed<16,6>\"}", with: "precision: \"ap_fixed<16>\"}"), ["bad.yml", "precision", "ap_fixed<16>"]),
    ]

    @Test(arguments: 0..<4)
    func badDesignFileFailsWithOneClearError(_ index: Int) throws {
        let (text, words) = Self.badDesigns[index]
        let file = try Self.scratch("bad.yml", text)
        let csv = file.deletingLastPathComponent().appendingPathComponent("out.csv")
        let outcome = try Self.run(["simulate", file.path, "--csv", csv.path])
        #expect(outcome.status != 0)
        let errors = outcome.output.split(separator: "\n").filter { $0.hasPrefix("Error:") }
        #expect(errors.count == 1, "output: \(outcome.output)")
        for word in words { #expect(outcome.output.contains(word), "'\(word)' missing in: \(outcome.output)") }
        #expect(!FileManager.default.fileExists(atPath: csv.path), "no partial output file")
    }

    @Test func impossibleReuseFactorNamesFileLayerAndField() throws {
        let file = try Self.scratch("tiny.yml", Self.good)
        for rf in ["0", "9"] {     // 9 > n_in × n_out = 8
            let outcome = try Self.run(["simulate", file.path, "--reuse-factor", rf])
            #expect(outcome.status != 0)
            #expect(outcome.output.contains("tiny.yml") && outcome.output.contains("fc1") && outcome.output.contains("ReuseFactor"),
                    "\(outcome.output)")
        }
    }

    @Test func missingVerilatorIsAClearError() throws {
        let file = try Self.scratch("tiny.yml", Self.good)
        let empty = file.deletingLastPathComponent().appendingPathComponent("empty-bin")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let outcome = try Self.run(["verify", file.path, "--no-waveforms", "--build-dir", empty.appendingPathComponent("b").path], path: empty.path)
        #expect(outcome.status != 0)
        #expect(outcome.output.contains("verilator not found on PATH"), "\(outcome.output)")
        #expect(outcome.output.contains("tiny.yml"))
    }

    @Test func goodDesignSimulatesAndWritesReports() throws {
        let file = try Self.scratch("tiny.yml", Self.good)
        let csv = file.deletingLastPathComponent().appendingPathComponent("out.csv")
        let outcome = try Self.run(["simulate", file.path, "--count", "3", "--csv", csv.path])
        #expect(outcome.status == 0, "\(outcome.output)")
        #expect(outcome.output.contains("latency"))
        let rows = try String(contentsOf: csv, encoding: .utf8).split(separator: "\n")
        #expect(rows.count == 3)   // header, fc1, act (the design row is in --design-csv)
    }
}

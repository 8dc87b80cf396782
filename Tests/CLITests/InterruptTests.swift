import Foundation
import Testing

/// Ctrl-C through the executable (issue #10): `verify` interrupted during its Verilator build exits with
/// 128 + SIGINT, leaves no Verilator process of its build behind and no partial file in its output folders.
struct InterruptTests {
    @Test(.enabled(if: CommandLineErrorTests.verilatorInstalled, "verilator is not on PATH"))
    func interruptedVerifyCleansUp() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pipewright-interrupt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let build = folder.appendingPathComponent("build"), waves = folder.appendingPathComponent("waves")
        // A clock no other run uses, so that the Verilator build is not a cache hit and is still running at the signal.
        let clock = String(format: "%.4f", 4 + Double(UInt16.random(in: 0...9999)) / 10000)
        let process = Process()
        process.executableURL = CommandLineErrorTests.executable
        process.arguments = ["verify", "Designs/flow_vt.yml", "--clock-period", clock, "--build-dir", build.path,
                             "--waveforms", waves.path, "--json", folder.appendingPathComponent("report.json").path]
        process.currentDirectoryURL = CommandLineErrorTests.root
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait until Verilator runs (its obj_dir appears), then interrupt.
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: build.appendingPathComponent("obj_dir").path) && Date() < deadline && process.isRunning {
            usleep(50_000)
        }
        usleep(100_000)   // Verilator itself is running now (it made obj_dir); make and g++ come later
        try #require(process.isRunning, "verify finished before it could be interrupted")
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 128 + SIGINT)
        // No process still works in the build folder (make, the C++ compiler, the harness).
        usleep(300_000)
        let survivors = try Self.processes(mentioning: build.path)
        #expect(survivors.isEmpty, "still running: \(survivors)")
        let left = (FileManager.default.enumerator(atPath: folder.path)?.allObjects as? [String] ?? []).filter { $0.contains(".partial") }
        #expect(left.isEmpty, "partial files left: \(left)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("report.json").path))
    }

    /// Command lines of running processes that mention `text` (from /proc).
    static func processes(mentioning text: String) throws -> [String] {
        let own = ProcessInfo.processInfo.processIdentifier
        return try FileManager.default.contentsOfDirectory(atPath: "/proc").compactMap { entry in
            guard let pid = Int32(entry), pid != own,
                  let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { return nil }
            let line = String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
            return line.contains(text) ? "\(pid): \(line)" : nil
        }
    }
}

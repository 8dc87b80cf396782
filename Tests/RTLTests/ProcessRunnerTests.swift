import Foundation
@testable import Toolchain
import Support
import Testing

/// Children get a timeout, are ended with their process group, and a killed child is an error.
@Suite struct ProcessRunnerTests {
    /// True while `pid` is a live process (a zombie waiting to be reaped is dead).
    static func alive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
        // The state follows the parenthesised command name: "pid (comm) S …".
        guard let close = stat.range(of: ") ", options: .backwards) else { return false }
        return stat[close.upperBound...].first != "Z"
    }

    static func scratch() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pipewright-process-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test func childBeyondItsTimeoutIsEndedWithItsGroupAndReported() throws {
        let directory = try Self.scratch()
        // The shell starts a grandchild (as make starts compilers) and waits for it.
        let script = "sleep 300 & echo $! > grandchild.pid; wait"
        let start = Date()
        #expect {
            _ = try ProcessRunner.run(URL(fileURLWithPath: "/bin/sh"), arguments: ["-c", script], directory: directory, timeout: 1)
        } throws: { error in
            guard case let ProcessRunnerError.timedOut(command, seconds, _) = error else { return false }
            return command == "sh" && seconds == 1 && "\(error)".contains("did not finish within 1 s")
        }
        let elapsed = Date().timeIntervalSince(start)
        #expect(elapsed < 10, "the run must end soon after the timeout, took \(elapsed) s")
        let text = try String(contentsOf: directory.appendingPathComponent("grandchild.pid"), encoding: .utf8)
        let grandchild = try #require(Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)))
        var stillAlive = Self.alive(grandchild)
        for _ in 0..<20 where stillAlive {
            usleep(100_000)
            stillAlive = Self.alive(grandchild)
        }
        #expect(!stillAlive, "the grandchild sleep \(grandchild) survived the timeout")
    }

    @Test func childKilledBySignalIsAnError() throws {
        #expect {
            _ = try ProcessRunner.run(URL(fileURLWithPath: "/bin/sh"), arguments: ["-c", "echo started; kill -9 $$"],
                                      directory: try Self.scratch(), timeout: 60)
        } throws: { error in
            guard case let ProcessRunnerError.killed(_, signal, tail) = error else { return false }
            return signal == 9 && tail.contains("started") && "\(error)".contains("killed by signal 9")
        }
    }

    @Test func childWithinItsTimeoutReturnsItsOutput() throws {
        let result = try ProcessRunner.run(URL(fileURLWithPath: "/bin/sh"), arguments: ["-c", "echo out; echo err >&2; exit 3"],
                                           directory: try Self.scratch(), timeout: 60)
        #expect(result.status == 3)
        #expect(result.output.contains("out") && result.output.contains("err"))
    }

    @Test func registeredPartialFilesAreRemovedOnCleanUp() throws {
        let file = try Self.scratch().appendingPathComponent(".report.csv.partial")
        try Data("x".utf8).write(to: file)
        let token = Interruption.addPartialFile(file.path)
        Interruption.removePartialFiles()   // not cleanUp(): that would also end other tests' Verilator builds
        Interruption.removePartialFile(token)
        #expect(!FileManager.default.fileExists(atPath: file.path))
    }
}

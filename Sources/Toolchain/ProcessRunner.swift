import Foundation
import Support
#if canImport(Glibc)
import Glibc
#endif

/// A child process that did not finish normally.
public enum ProcessRunnerError: Error, Sendable, CustomStringConvertible {
    case timedOut(command: String, seconds: Double, outputTail: String)
    case killed(command: String, signal: Int32, outputTail: String)
    case cannotStart(command: String, reason: String)

    public var description: String {
        switch self {
        case let .timedOut(command, seconds, tail):
            return "\(command) did not finish within \(String(format: "%g", seconds)) s and was ended (with its child processes)"
                + (tail.isEmpty ? "" : "; last output:\n\(tail)")
        case let .killed(command, signal, tail):
            return "\(command) was killed by signal \(signal)\(signal == SIGKILL ? " (SIGKILL: out of memory, or ended by another program)" : "")"
                + (tail.isEmpty ? "" : "; last output:\n\(tail)")
        case let .cannotStart(command, reason):
            return "cannot start \(command): \(reason)"
        }
    }
}

/// Runs external programs — Verilator here, Yosys in CrossCheck (Foundation.Process does not search PATH,
/// so executables are resolved here). Every child runs in its own process group, registered with
/// `Interruption` so that SIGINT/SIGTERM of Pipewright end it, and gets a timeout.
public enum ProcessRunner {
    /// Timeout of a child when none is given: generous, a large Verilator build takes minutes.
    public static let defaultTimeout: Double = 3 * 3600

    /// The executable `name` on PATH, or nil.
    public static func find(_ name: String) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }

    /// Runs to completion; stdout and stderr are merged and read to the end on another thread (a chatty
    /// compiler would otherwise fill the pipe and hang). A child still running after `timeout` seconds is
    /// ended with its process group (SIGTERM, then SIGKILL) and reported as `timedOut`; a child killed by a
    /// signal is reported as `killed`. `progress` names the step for a progress line (elapsed time) on stderr
    /// when stderr is a terminal.
    public static func run(_ executable: URL, arguments: [String], directory: URL,
                           environment extra: [String: String] = [:], timeout: Double = defaultTimeout,
                           progress: String? = nil) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        for (key, value) in extra { environment[key] = value }
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        let command = executable.lastPathComponent
        do { try process.run() } catch {
            throw ProcessRunnerError.cannotStart(command: executable.path, reason: FileProblem.describe(error, path: executable.path))
        }
        let pid = process.processIdentifier
        Interruption.addChild(pid)
        defer { Interruption.removeChild(pid) }
        // Close the parent's copy of the write end, so that EOF arrives when the children close theirs.
        try? pipe.fileHandleForWriting.close()
        let output = OutputCollector()
        let reader = Thread {
            output.append(pipe.fileHandleForReading.readDataToEndOfFile())
            output.finished.signal()
        }
        reader.start()
        let line = progress.flatMap { ProgressLine(label: $0) }
        let start = Date()
        var timedOut = false
        while exited.wait(timeout: .now() + .milliseconds(500)) == .timedOut {
            line?.update(elapsed: Date().timeIntervalSince(start))
            if Date().timeIntervalSince(start) > timeout {
                timedOut = true
                Interruption.kill(group: pid, signal: SIGTERM)
                if exited.wait(timeout: .now() + .seconds(2)) == .timedOut {
                    Interruption.kill(group: pid, signal: SIGKILL)
                    exited.wait()
                }
                break
            }
        }
        // Grandchildren left in the group (make's compilers) must not outlive the child.
        if timedOut || process.terminationReason == .uncaughtSignal { Interruption.kill(group: pid, signal: SIGKILL) }
        line?.finish(elapsed: Date().timeIntervalSince(start))
        // A grandchild outside the group could hold the pipe open: do not wait for it forever.
        _ = output.finished.wait(timeout: .now() + .seconds(5))
        let text = output.text
        if timedOut { throw ProcessRunnerError.timedOut(command: command, seconds: timeout, outputTail: tail(text, lines: 10)) }
        if process.terminationReason == .uncaughtSignal {
            throw ProcessRunnerError.killed(command: command, signal: process.terminationStatus, outputTail: tail(text, lines: 10))
        }
        return (process.terminationStatus, text)
    }

    /// The last `lines` lines of a tool's output, for error messages.
    public static func tail(_ text: String, lines: Int = 40) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }
}

/// The merged output of a child, filled by the reader thread.
private final class OutputCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    let finished = DispatchSemaphore(value: 0)
    func append(_ more: Data) { lock.withLock { data.append(more) } }
    var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
}

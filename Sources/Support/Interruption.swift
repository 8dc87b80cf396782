import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What must not outlive Pipewright: child process groups (Verilator, the Verilated harness, Yosys) and
/// partial output files. `installSignalHandlers()` makes SIGINT and SIGTERM end every registered child
/// group and remove every registered partial file before exiting with 128 + the signal number.
public enum Interruption {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var children: Set<Int32> = []
    nonisolated(unsafe) private static var partialFiles: [UUID: String] = [:]
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []
    nonisolated(unsafe) private static var received: Int32 = 0

    /// The signal being handled (0 when none): work that fails because its children were just ended must not
    /// report that as an error of its own.
    public static var signalReceived: Int32 { lock.withLock { received } }

    /// When a signal is being handled, waits for its handler to finish the process (it exits with 128 + the
    /// signal); returns at once otherwise.
    public static func waitIfInterrupted() {
        guard signalReceived != 0 else { return }
        while true { Thread.sleep(forTimeInterval: 1) }
    }

    /// Registers a running child whose process group (or the child alone) is ended on interruption.
    public static func addChild(_ pid: Int32) { lock.withLock { _ = children.insert(pid) } }
    public static func removeChild(_ pid: Int32) { lock.withLock { _ = children.remove(pid) } }

    /// Registers a file being written; it is removed on interruption until `removePartialFile` is called.
    public static func addPartialFile(_ path: String) -> UUID {
        let token = UUID()
        lock.withLock {
            partialFiles[token] = path
            if let slot = (0..<signalSafeCapacity).first(where: { signalSafePaths[$0] == nil }) {
                signalSafePaths[slot] = strdup(path)
                signalSafeSlots[token] = slot
            }
        }
        return token
    }
    public static func removePartialFile(_ token: UUID) {
        lock.withLock {
            _ = partialFiles.removeValue(forKey: token)
            if let slot = signalSafeSlots.removeValue(forKey: token) {
                let copy = signalSafePaths[slot]
                signalSafePaths[slot] = nil
                free(copy)
            }
        }
    }

    /// The partial files again, as C strings in a fixed table, for a handler of a synchronous signal (a crash
    /// inside a library), which may neither lock nor allocate.
    private static let signalSafeCapacity = 64
    nonisolated(unsafe) private static let signalSafePaths: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> = {
        let table = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: signalSafeCapacity)
        table.initialize(repeating: nil, count: signalSafeCapacity)
        return table
    }()
    nonisolated(unsafe) private static var signalSafeSlots: [UUID: Int] = [:]

    /// Creates the table `removePartialFilesFromSignalHandler` reads: call before installing a handler that
    /// uses it (a lazy global created inside a signal handler would allocate there).
    public static func prepareSignalSafeTable() { _ = signalSafePaths }

    /// Unlinks the registered partial files without locking or allocating: for signal handlers only.
    public static func removePartialFilesFromSignalHandler() {
        for slot in 0..<signalSafeCapacity {
            if let path = signalSafePaths[slot] { unlink(path) }
        }
    }

    /// Sends `signal` to the process group of `pid` when the child leads its own group, else to the child.
    public static func kill(group pid: Int32, signal: Int32) {
        if getpgid(pid) == pid { _ = Glibc_kill(-pid, signal) } else { _ = Glibc_kill(pid, signal) }
    }

    /// Ends every registered child group and removes every registered partial file.
    public static func cleanUp() {
        removePartialFiles()
        endChildren()
    }

    /// Removes every registered partial file.
    public static func removePartialFiles() {
        let files = lock.withLock { Array(partialFiles.values) }
        for path in files { unlink(path) }
    }

    /// Ends every registered child group (SIGTERM, then SIGKILL). Only for the way out: in a process that goes
    /// on (a test run), it would end other work's children too.
    public static func endChildren() {
        let pids = lock.withLock { children }
        for pid in pids { kill(group: pid, signal: SIGTERM) }
        if !pids.isEmpty {
            usleep(200_000)
            for pid in pids { kill(group: pid, signal: SIGKILL) }
        }
    }

    /// Installs the SIGINT/SIGTERM handlers (once).
    public static func installSignalHandlers() {
        lock.withLock {
            guard sources.isEmpty else { return }
            for number in [SIGINT, SIGTERM] {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler {
                    lock.withLock { received = number }
                    cleanUp()
                    let name = number == SIGINT ? "interrupted" : "terminated"
                    FileHandle.standardError.write(Data("pipewright: \(name); child processes ended, partial files removed\n".utf8))
                    exit(128 + number)
                }
                source.resume()
                sources.append(source)
            }
        }
    }
}

@inline(__always) private func Glibc_kill(_ pid: Int32, _ signal: Int32) -> Int32 {
    #if canImport(Glibc)
    return Glibc.kill(pid, signal)
    #else
    return Darwin.kill(pid, signal)
    #endif
}

import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes output files whole or not at all: the text goes to a temporary file beside the target, which is
/// then moved into place, so a failure never leaves a half-written file.
public enum OutputFile {
    public static func write(_ text: String, to url: URL) throws {
        let partial = try PartialFile(for: url)
        do { try Data(text.utf8).write(to: partial.temporary) } catch {
            partial.discard()
            throw OutputFileError(path: url.path, reason: FileProblem.describe(error, path: partial.temporary.path))
        }
        try partial.commit()
    }

    /// Creates the folder `target` goes in (and its parents); the error names `target`.
    public static func createFolder(of target: URL) throws(OutputFileError) {
        let directory = target.deletingLastPathComponent()
        do { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
            throw OutputFileError(path: target.path, reason: "cannot create the folder \(directory.path): \(FileProblem.describe(error, path: directory.path))")
        }
    }
}

/// An output file while it is written: a temporary file beside its target, registered with `Interruption` (removed
/// on SIGINT/SIGTERM and after a crash), moved into place by `commit()` or removed by `discard()` (or when
/// released unfinished). Shared by every writer of output files (text files, HDF5 results).
public final class PartialFile {
    public let target: URL
    public let temporary: URL
    private let token: UUID
    private var finished = false

    /// Checks that `target` can be a file and creates its folder.
    public init(for target: URL) throws(OutputFileError) {
        if FileProblem.isDirectory(target.path) { throw OutputFileError(path: target.path, reason: "it is a folder; give a file name") }
        try OutputFile.createFolder(of: target)
        // Unique per write: two threads of one process may write the same file (build caches in tests).
        let unique = UUID().uuidString.prefix(8)
        self.target = target
        temporary = target.deletingLastPathComponent()
            .appendingPathComponent(".\(target.lastPathComponent).partial-\(ProcessInfo.processInfo.processIdentifier)-\(unique)")
        token = Interruption.addPartialFile(temporary.path)
    }

    deinit { if !finished { discard() } }

    /// Moves the temporary file onto the target with rename(2), which replaces it atomically: the target is never
    /// missing, never half written. On failure the temporary file is removed.
    public func commit() throws(OutputFileError) {
        guard rename(temporary.path, target.path) == 0 else {
            let error = NSError(domain: NSPOSIXErrorDomain, code: Int(errno))
            discard()
            throw OutputFileError(path: target.path, reason: FileProblem.describe(error, path: temporary.path))
        }
        finish()
    }

    /// Removes the temporary file (a failed write).
    public func discard() {
        unlink(temporary.path)
        finish()
    }

    private func finish() {
        guard !finished else { return }
        finished = true
        Interruption.removePartialFile(token)
    }
}

/// An output file could not be written.
public struct OutputFileError: Error, CustomStringConvertible {
    public var path: String
    public var reason: String
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
    public var description: String { "\(path): cannot write: \(reason)" }
}

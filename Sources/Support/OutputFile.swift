import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes output files whole or not at all: the text goes to a temporary file beside the target, which is
/// then moved into place, so a failure never leaves a half-written file.
public enum OutputFile {
    public static func write(_ text: String, to url: URL) throws {
        let directory = url.deletingLastPathComponent()
        if FileProblem.isDirectory(url.path) {
            throw OutputFileError(path: url.path, reason: "it is a folder; give a file name")
        }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw OutputFileError(path: url.path, reason: "cannot create the folder \(directory.path): \(FileProblem.describe(error, path: directory.path))")
        }
        // Unique per write: two threads of one process may write the same file (build caches in tests).
        let unique = UUID().uuidString.prefix(8)
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).partial-\(ProcessInfo.processInfo.processIdentifier)-\(unique)")
        let token = Interruption.addPartialFile(temporary.path)
        defer { Interruption.removePartialFile(token) }
        do {
            try Data(text.utf8).write(to: temporary)
            // rename(2) replaces the target atomically: it is never missing, never half written.
            guard rename(temporary.path, url.path) == 0 else {
                throw NSError(domain: NSPOSIXErrorDomain, code: Int(errno))
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw OutputFileError(path: url.path, reason: FileProblem.describe(error, path: temporary.path))
        }
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

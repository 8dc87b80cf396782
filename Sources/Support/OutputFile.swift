import Foundation

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
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).partial-\(ProcessInfo.processInfo.processIdentifier)")
        let token = Interruption.addPartialFile(temporary.path)
        defer { Interruption.removePartialFile(token) }
        do {
            try Data(text.utf8).write(to: temporary)
            if FileManager.default.fileExists(atPath: url.path) { try FileManager.default.removeItem(at: url) }
            try FileManager.default.moveItem(at: temporary, to: url)
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

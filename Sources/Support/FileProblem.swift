import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Plain-words descriptions of file-system failures: Foundation's own messages read
/// "The operation could not be completed. (NSCocoaErrorDomain error 256.)" on Linux.
public enum FileProblem {
    /// What went wrong with `path`, in words (no error domain, no code), e.g. "the disk is full".
    public static func describe(_ error: any Error, path: String? = nil) -> String {
        let nsError = error as NSError
        if let code = posixCode(of: nsError) {
            if code == ENOENT || code == ENOTDIR, let path, let file = fileAmongParents(of: path) { return "\(file) is a file, not a folder" }
            return describe(errno: code, path: path)
        }
        switch nsError.code {
        case NSFileNoSuchFileError, NSFileReadNoSuchFileError: return "no such file or folder"
        case NSFileReadNoPermissionError: return "permission denied (not readable)"
        case NSFileWriteNoPermissionError: return "permission denied (not writable)"
        case NSFileWriteOutOfSpaceError: return "the disk is full (no space left on the device)"
        case NSFileWriteVolumeReadOnlyError: return "the file system is read-only"
        case NSFileWriteFileExistsError:
            if let path, FileManager.default.fileExists(atPath: path), !isDirectory(path) { return "\(path) is a file, not a folder" }
            return "it already exists"
        case NSFileReadInapplicableStringEncodingError, NSFileReadCorruptFileError: return "the file is not UTF-8 text"
        default: break
        }
        if let path, isDirectory(path) { return "it is a folder, not a file" }
        if let path, let file = fileAmongParents(of: path) { return "\(file) is a file, not a folder" }
        if let path, !FileManager.default.fileExists(atPath: path) { return "no such file or folder" }
        let text = nsError.localizedDescription
        return text.contains("NSCocoaErrorDomain") || text.isEmpty ? "the operation failed (error \(nsError.code))" : text
    }

    /// `strerror`-like words for the errno values a user can cause.
    public static func describe(errno code: Int32, path: String? = nil) -> String {
        switch code {
        case ENOENT: return "no such file or folder"
        case EACCES, EPERM: return "permission denied"
        case ENOSPC: return "the disk is full (no space left on the device)"
        case EDQUOT: return "the disk quota is exceeded"
        case EROFS: return "the file system is read-only"
        case EISDIR: return "it is a folder, not a file"
        case ENOTDIR: return "a part of the path is a file, not a folder"
        case ENAMETOOLONG: return "the path is too long"
        case EEXIST: return "it already exists"
        default: return String(cString: strerror(code))
        }
    }

    /// Bytes an unprivileged writer can still use on the file system of `path`, or nil when unknown.
    public static func availableBytes(at path: String) -> UInt64? {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { return nil }
        return UInt64(info.f_bavail) * UInt64(info.f_frsize)
    }

    /// True when `path` names an existing folder.
    public static func isDirectory(_ path: String) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && directory.boolValue
    }

    /// The nearest existing ancestor of `path` when it is a file (so `path` can never be created).
    public static func fileAmongParents(of path: String) -> String? {
        var url = URL(fileURLWithPath: path).deletingLastPathComponent()
        while url.path != "/" && !url.path.isEmpty {
            if FileManager.default.fileExists(atPath: url.path) { return isDirectory(url.path) ? nil : url.path }
            url = url.deletingLastPathComponent()
        }
        return nil
    }

    private static func posixCode(of error: NSError) -> Int32? {
        if error.domain == NSPOSIXErrorDomain { return Int32(error.code) }
        if let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return Int32(underlying.code)
        }
        return nil
    }
}

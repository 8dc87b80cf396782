// HDF5Library: how HDF5File enters libhdf5 — one global lock, no automatic error printing, the error stack
// summarised into the thrown error — and the path and type-name helpers it shares with its extensions.

import CHDF5
import Foundation
import Support

// MARK: - Serialisation and error stack

/// Serialises all libhdf5 calls. Recursive so that a handle released while the lock is held (an
/// object deinitialised inside a locked region) cannot deadlock.
let libraryLock = NSRecursiveLock()

/// Runs `body` holding the library lock, with automatic error printing off and a clean error stack.
/// `file` names the file in the error line should libhdf5 crash inside `body` (see `HDF5CrashGuard`).
func withLibrary<T>(_ file: String, _ body: () throws(HDF5Error) -> T) throws(HDF5Error) -> T {
    libraryLock.lock()
    defer { libraryLock.unlock() }
    HDF5CrashGuard.arm(file: file)
    defer { HDF5CrashGuard.disarm() }
    prepareThread()
    return try body()
}

/// As `withLibrary`, for bodies that cannot fail.
func withLibrary<T>(_ file: String, _ body: () -> T) -> T {
    libraryLock.lock()
    defer { libraryLock.unlock() }
    HDF5CrashGuard.arm(file: file)
    defer { HDF5CrashGuard.disarm() }
    prepareThread()
    return body()
}

/// HDF5's automatic error printing and its error stack are per thread in a thread-safe build, so
/// both are reset on whatever thread is about to call the library.
func prepareThread() {
    _ = libraryTermination
    _ = H5Eset_auto2(chdf5_E_DEFAULT(), nil, nil)
    _ = H5Eclear2(chdf5_E_DEFAULT())
}

/// libhdf5's exit handler closes every file still open, and crashes (SIGSEGV in `H5F__close_cb`) on a file
/// whose flush failed, e.g. on a full disk: it is turned off before the first call. Pipewright closes its
/// files itself and checks that.
let libraryTermination: Void = { _ = H5dont_atexit() }()

/// libhdf5 opens its files without close-on-exec: a child started while one is open (a Verilator build, a
/// test's subprocess) inherits the descriptor and with it the file's lock (flock), and the file then stays locked
/// after Pipewright closed it ("cannot open …: Resource temporarily unavailable" for the next reader). The
/// descriptor is marked close-on-exec right after opening.
func keepFromChildren(_ fileID: hid_t) {
    var handle: UnsafeMutableRawPointer?
    guard H5Fget_vfd_handle(fileID, chdf5_P_DEFAULT(), &handle) >= 0, let handle else { return }
    let descriptor = handle.load(as: Int32.self)
    let flags = fcntl(descriptor, F_GETFD)
    if flags >= 0 { _ = fcntl(descriptor, F_SETFD, flags | FD_CLOEXEC) }
}

/// libhdf5 locks every file it opens (flock): a file another handle or program has open for writing cannot be
/// opened until that one closes it.
let fileLockedReason = "the file is locked: another program (or another open handle) has it open for writing"
    + " (HDF5 locks open files; close it there, or set HDF5_USE_FILE_LOCKING=FALSE)"

final class MessageCollector {
    var messages: [String] = []
}

/// One line summarising the calling thread's HDF5 error stack (outermost call first), then clears it.
/// Must run right after the failing call, before any other HDF5 call resets the stack.
func errorStackSummary() -> String {
    let collector = MessageCollector()
    let status = withExtendedLifetime(collector) {
        H5Ewalk2(
            chdf5_E_DEFAULT(), H5E_WALK_DOWNWARD,
            { _, entry, clientData in
                guard let entry, let clientData else { return 0 }
                let collector = Unmanaged<MessageCollector>.fromOpaque(clientData).takeUnretainedValue()
                let function = entry.pointee.func_name.map { String(cString: $0) } ?? ""
                let text = entry.pointee.desc.map { String(cString: $0) } ?? ""
                let message = function.isEmpty ? text : "\(function): \(text)"
                if !text.isEmpty, !collector.messages.contains(message) {
                    collector.messages.append(message)
                }
                return 0
            },
            Unmanaged.passUnretained(collector).toOpaque())
    }
    _ = H5Eclear2(chdf5_E_DEFAULT())
    // A failed system call (full disk, read-only folder, permissions) is said in words, as for other files.
    for message in collector.messages {
        guard let range = message.range(of: "errno = ") else { continue }
        if let code = Int32(message[range.upperBound...].prefix { $0.isNumber }), code > 0 {
            return code == EAGAIN || code == EWOULDBLOCK ? fileLockedReason : FileProblem.describe(errno: code)
        }
    }
    if status < 0 || collector.messages.isEmpty {
        return "libhdf5 reported an error without details"
    }
    // Keep the outermost call (what failed) and the two innermost frames (why); the frames in
    // between only restate the failure on its way up.
    let messages = collector.messages
    if messages.count > 3 {
        return ([messages[0], "…"] + messages.suffix(2)).joined(separator: "; ")
    }
    return messages.joined(separator: "; ")
}

final class NameCollector {
    var names: [String] = []
}

// MARK: - Paths and type names

/// The components of an object path; leading, trailing and repeated slashes are ignored.
func pathComponents(_ path: String) -> [String] {
    path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
}

/// The absolute form of an object path, e.g. `model_weights//dense/` → `/model_weights/dense`.
func absolutePath(_ path: String) -> String {
    "/" + pathComponents(path).joined(separator: "/")
}

func attributeLabel(_ name: String, of objectPath: String) -> String {
    "\(objectPath)@\(name)"
}

func describe(_ type: H5O_type_t) -> String {
    switch type {
    case H5O_TYPE_GROUP: return "a group"
    case H5O_TYPE_DATASET: return "a dataset"
    case H5O_TYPE_NAMED_DATATYPE: return "a named datatype"
    default: return "an object of unknown type"
    }
}

func describe(_ typeClass: H5T_class_t) -> String {
    switch typeClass {
    case H5T_INTEGER: return "integer"
    case H5T_FLOAT: return "floating point"
    case H5T_STRING: return "string"
    case H5T_COMPOUND: return "compound"
    case H5T_ENUM: return "enum"
    case H5T_VLEN: return "variable-length sequence"
    case H5T_ARRAY: return "array"
    case H5T_BITFIELD: return "bitfield"
    case H5T_OPAQUE: return "opaque"
    case H5T_REFERENCE: return "reference"
    case H5T_TIME: return "time"
    default: return "unknown type"
    }
}

func isNumeric(_ typeClass: H5T_class_t) -> Bool {
    typeClass == H5T_INTEGER || typeClass == H5T_FLOAT
}

// HDF5File: an open HDF5 file. This is the only Swift file that calls libhdf5 (module CHDF5).
//
// Every call runs under one global lock, with HDF5's automatic error printing switched off for the
// calling thread and the thread's error stack cleared first; a failing call's error stack is
// summarised (H5Ewalk2) into the `reason` of the `HDF5Error` thrown.

import CHDF5
import Support
import Foundation

// MARK: - Serialisation and error stack

/// Serialises all libhdf5 calls. Recursive so that a handle released while the lock is held (an
/// object deinitialised inside a locked region) cannot deadlock.
private let libraryLock = NSRecursiveLock()

/// Runs `body` holding the library lock, with automatic error printing off and a clean error stack.
/// `file` names the file in the error line should libhdf5 crash inside `body` (see `HDF5CrashGuard`).
private func withLibrary<T>(_ file: String, _ body: () throws(HDF5Error) -> T) throws(HDF5Error) -> T {
    libraryLock.lock()
    defer { libraryLock.unlock() }
    HDF5CrashGuard.arm(file: file)
    defer { HDF5CrashGuard.disarm() }
    prepareThread()
    return try body()
}

/// As `withLibrary`, for bodies that cannot fail.
private func withLibrary<T>(_ file: String, _ body: () -> T) -> T {
    libraryLock.lock()
    defer { libraryLock.unlock() }
    HDF5CrashGuard.arm(file: file)
    defer { HDF5CrashGuard.disarm() }
    prepareThread()
    return body()
}

/// HDF5's automatic error printing and its error stack are per thread in a thread-safe build, so
/// both are reset on whatever thread is about to call the library.
private func prepareThread() {
    _ = libraryTermination
    _ = H5Eset_auto2(chdf5_E_DEFAULT(), nil, nil)
    _ = H5Eclear2(chdf5_E_DEFAULT())
}

/// libhdf5's exit handler closes every file still open, and crashes (SIGSEGV in `H5F__close_cb`) on a file
/// whose flush failed, e.g. on a full disk: it is turned off before the first call. Pipewright closes its
/// files itself and checks that.
private let libraryTermination: Void = { _ = H5dont_atexit() }()

/// libhdf5 opens its files without close-on-exec: a child started while one is open (a Verilator build, a
/// test's subprocess) inherits the descriptor and with it the file's lock (flock), and the file then stays locked
/// after Pipewright closed it ("cannot open …: Resource temporarily unavailable" for the next reader). The
/// descriptor is marked close-on-exec right after opening.
private func keepFromChildren(_ fileID: hid_t) {
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

private final class MessageCollector {
    var messages: [String] = []
}

/// One line summarising the calling thread's HDF5 error stack (outermost call first), then clears it.
/// Must run right after the failing call, before any other HDF5 call resets the stack.
private func errorStackSummary() -> String {
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

private final class NameCollector {
    var names: [String] = []
}

// MARK: - Paths and type names

/// The components of an object path; leading, trailing and repeated slashes are ignored.
private func pathComponents(_ path: String) -> [String] {
    path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
}

/// The absolute form of an object path, e.g. `model_weights//dense/` → `/model_weights/dense`.
private func absolutePath(_ path: String) -> String {
    "/" + pathComponents(path).joined(separator: "/")
}

private func attributeLabel(_ name: String, of objectPath: String) -> String {
    "\(objectPath)@\(name)"
}

private func describe(_ type: H5O_type_t) -> String {
    switch type {
    case H5O_TYPE_GROUP: return "a group"
    case H5O_TYPE_DATASET: return "a dataset"
    case H5O_TYPE_NAMED_DATATYPE: return "a named datatype"
    default: return "an object of unknown type"
    }
}

private func describe(_ typeClass: H5T_class_t) -> String {
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

private func isNumeric(_ typeClass: H5T_class_t) -> Bool {
    typeClass == H5T_INTEGER || typeClass == H5T_FLOAT
}

// MARK: - HDF5File

/// An open HDF5 file: read groups, datasets and attributes, or write datasets and attributes.
///
/// Object paths are absolute (`/model_weights/dense1`); a missing leading slash is tolerated.
/// All methods are safe to call from several threads: libhdf5 is entered under one global lock.
/// The file handle is closed when the object is released.
public final class HDF5File: @unchecked Sendable {
    /// The file system path the file was opened or created with.
    public let path: String
    private let fileID: hid_t

    /// True once `close()` has run.
    private var closed = false

    private init(path: String, fileID: hid_t) {
        self.path = path
        self.fileID = fileID
    }

    deinit {
        let fileID = fileID
        if !closed { withLibrary(self.path) { _ = H5Fclose(fileID) } }
    }

    /// Writes everything the library still buffers (raw data of open datasets, metadata) and fails when the
    /// file system refuses it: a full disk shows here, not in the writes before.
    public func flush() throws(HDF5Error) {
        let fileID = fileID, path = path
        try withLibrary(self.path) { () throws(HDF5Error) in
            guard H5Fflush(fileID, H5F_SCOPE_GLOBAL) >= 0 else { throw .writeFailed(file: path, object: "/", reason: errorStackSummary()) }
        }
    }

    /// Closes the file, checking that it closed (deinit closes unchecked). Every dataset of it must be
    /// released first.
    public func close() throws(HDF5Error) {
        guard !closed else { return }
        closed = true
        let fileID = fileID, path = path
        try withLibrary(self.path) { () throws(HDF5Error) in
            guard H5Fclose(fileID) >= 0 else { throw .writeFailed(file: path, object: "/", reason: errorStackSummary()) }
        }
    }

    // MARK: Opening and creating

    /// Opens an existing HDF5 file read-only.
    ///
    /// Throws ``HDF5Error/cannotOpen(file:reason:)`` when the file is missing, truncated or not HDF5.
    public static func open(_ url: URL) throws(HDF5Error) -> HDF5File {
        let path = url.path
        guard FileManager.default.fileExists(atPath: path) else {
            throw .cannotOpen(file: path, reason: "no such file")
        }
        // A lock is often held for a moment only (a writer closing it, a process just ending): try for 2 s.
        var attempt = 0
        while true {
            do {
                let fileID = try withLibrary(path) { () throws(HDF5Error) -> hid_t in
                    let fileID = H5Fopen(path, chdf5_F_ACC_RDONLY(), chdf5_P_DEFAULT())
                    guard fileID >= 0 else { throw .cannotOpen(file: path, reason: errorStackSummary()) }
                    keepFromChildren(fileID)
                    return fileID
                }
                return HDF5File(path: path, fileID: fileID)
            } catch {
                guard case .cannotOpen(_, fileLockedReason) = error, attempt < 20 else { throw error }
                attempt += 1
                usleep(100_000)
            }
        }
    }

    /// Creates a new HDF5 file for writing, truncating any existing file at `url`.
    ///
    /// Groups created through this object remember link creation order, so ``children(of:)`` lists
    /// them in the order they were written.
    public static func create(_ url: URL) throws(HDF5Error) -> HDF5File {
        let path = url.path
        let fileID = try withLibrary(path) { () throws(HDF5Error) -> hid_t in
            let creation = H5Pcreate(chdf5_P_FILE_CREATE())
            defer { _ = H5Pclose(creation) }
            _ = H5Pset_link_creation_order(creation, chdf5_P_CRT_ORDER_TRACKED() | chdf5_P_CRT_ORDER_INDEXED())
            let fileID = H5Fcreate(path, chdf5_F_ACC_TRUNC(), creation, chdf5_P_DEFAULT())
            guard fileID >= 0 else { throw .writeFailed(file: path, object: "/", reason: errorStackSummary()) }
            keepFromChildren(fileID)
            return fileID
        }
        return HDF5File(path: path, fileID: fileID)
    }

    // MARK: Structure

    /// Whether an object exists at `objectPath`. Each link along the path is checked in turn, so a
    /// missing intermediate group gives `false` rather than an error. Never throws.
    public func exists(_ objectPath: String) -> Bool {
        withLibrary(self.path) { existsLocked(objectPath) }
    }

    /// Whether `objectPath` names a group.
    public func isGroup(_ objectPath: String) -> Bool {
        withLibrary(self.path) { objectTypeLocked(objectPath) == H5O_TYPE_GROUP }
    }

    /// Whether `objectPath` names a dataset.
    public func isDataset(_ objectPath: String) -> Bool {
        withLibrary(self.path) { objectTypeLocked(objectPath) == H5O_TYPE_DATASET }
    }

    /// The names of the links in a group: in creation order when the group tracks and indexes it
    /// (groups written by ``create(_:)`` files), otherwise in name order (h5py's default).
    public func children(of groupPath: String) throws(HDF5Error) -> [String] {
        try withLibrary(self.path) { () throws(HDF5Error) -> [String] in
            let object = absolutePath(groupPath)
            try requireType(H5O_TYPE_GROUP, at: object, expected: "a group")
            let group = H5Gopen2(fileID, object, chdf5_P_DEFAULT())
            guard group >= 0 else { throw .readFailed(file: path, object: object, reason: errorStackSummary()) }
            defer { _ = H5Gclose(group) }

            var orderFlags: UInt32 = 0
            let creation = H5Gget_create_plist(group)
            if creation >= 0 {
                _ = H5Pget_link_creation_order(creation, &orderFlags)
                _ = H5Pclose(creation)
            }
            let index = orderFlags & chdf5_P_CRT_ORDER_INDEXED() != 0 ? H5_INDEX_CRT_ORDER : H5_INDEX_NAME

            let collector = NameCollector()
            var position: hsize_t = 0
            let status = withExtendedLifetime(collector) {
                H5Literate(
                    group, index, H5_ITER_INC, &position,
                    { _, name, _, clientData in
                        guard let name, let clientData else { return -1 }
                        Unmanaged<NameCollector>.fromOpaque(clientData).takeUnretainedValue()
                            .names.append(String(cString: name))
                        return 0
                    },
                    Unmanaged.passUnretained(collector).toOpaque())
            }
            guard status >= 0 else { throw .readFailed(file: path, object: object, reason: errorStackSummary()) }
            return collector.names
        }
    }

    // MARK: Attributes

    /// The names of the attributes attached to an object, in name order.
    public func attributeNames(of objectPath: String) throws(HDF5Error) -> [String] {
        try withLibrary(self.path) { () throws(HDF5Error) -> [String] in
            let object = absolutePath(objectPath)
            guard existsLocked(object) else { throw .notFound(file: path, object: object) }
            let collector = NameCollector()
            var position: hsize_t = 0
            let status = withExtendedLifetime(collector) {
                H5Aiterate_by_name(
                    fileID, object, H5_INDEX_NAME, H5_ITER_INC, &position,
                    { _, name, _, clientData in
                        guard let name, let clientData else { return -1 }
                        Unmanaged<NameCollector>.fromOpaque(clientData).takeUnretainedValue()
                            .names.append(String(cString: name))
                        return 0
                    },
                    Unmanaged.passUnretained(collector).toOpaque(), chdf5_P_DEFAULT())
            }
            guard status >= 0 else { throw .readFailed(file: path, object: object, reason: errorStackSummary()) }
            return collector.names
        }
    }

    /// Whether the object at `objectPath` exists and has an attribute `name`. Never throws.
    public func hasAttribute(_ name: String, of objectPath: String) -> Bool {
        withLibrary(self.path) {
            let object = absolutePath(objectPath)
            return existsLocked(object) && H5Aexists_by_name(fileID, object, name, chdf5_P_DEFAULT()) > 0
        }
    }

    /// Reads a string attribute holding one string: scalar or a one-element array, variable- or
    /// fixed-length (trailing NULs removed), ASCII or UTF-8.
    public func stringAttribute(_ name: String, of objectPath: String = "/") throws(HDF5Error) -> String {
        let object = absolutePath(objectPath)
        let strings = try stringArrayAttribute(name, of: object)
        guard strings.count == 1 else {
            throw .wrongType(
                file: path, object: attributeLabel(name, of: object), expected: "a single string",
                found: "\(strings.count) strings")
        }
        return strings[0]
    }

    /// Reads a string attribute of any shape as a flat row-major list: fixed-length strings (cut at
    /// the first NUL, trailing spaces removed for space-padded types) or variable-length strings.
    /// An attribute with no elements gives `[]` whatever its element type.
    public func stringArrayAttribute(_ name: String, of objectPath: String) throws(HDF5Error) -> [String] {
        try withAttribute(name, of: objectPath) { (attribute, fileType, space, count, label) throws(HDF5Error) -> [String] in
            // An empty list has no meaningful element type: Keras 2 (through numpy) stores an empty
            // `weight_names` as an empty float64 array.
            guard count > 0 else { return [] }
            let typeClass = H5Tget_class(fileType)
            guard typeClass == H5T_STRING else {
                throw .wrongType(file: path, object: label, expected: "a string attribute", found: describe(typeClass))
            }
            if H5Tis_variable_str(fileType) > 0 {
                return try readVariableLengthStrings(attribute, fileType: fileType, space: space, count: count, label: label)
            }
            return try readFixedLengthStrings(attribute, fileType: fileType, count: count, label: label)
        }
    }

    /// Reads a numeric (integer or floating-point) attribute of any shape as row-major doubles.
    public func numericAttribute(_ name: String, of objectPath: String) throws(HDF5Error) -> [Double] {
        try withAttribute(name, of: objectPath) { (attribute, fileType, _, count, label) throws(HDF5Error) -> [Double] in
            let typeClass = H5Tget_class(fileType)
            guard isNumeric(typeClass) else {
                throw .wrongType(file: path, object: label, expected: "a numeric attribute", found: describe(typeClass))
            }
            guard count > 0 else { return [] }
            var values = [Double](repeating: 0, count: count)
            let status = values.withUnsafeMutableBytes { H5Aread(attribute, chdf5_T_NATIVE_DOUBLE(), $0.baseAddress) }
            guard status >= 0 else { throw .readFailed(file: path, object: label, reason: errorStackSummary()) }
            return values
        }
    }

    /// Opens attribute `name` of `objectPath` under the library lock and hands `body` its handle, file type,
    /// dataspace, element count and error label; all three handles are closed afterwards.
    private func withAttribute<T>(
        _ name: String, of objectPath: String,
        _ body: (_ attribute: hid_t, _ fileType: hid_t, _ space: hid_t, _ count: Int, _ label: String) throws(HDF5Error) -> T
    ) throws(HDF5Error) -> T {
        try withLibrary(self.path) { () throws(HDF5Error) -> T in
            let object = absolutePath(objectPath)
            let label = attributeLabel(name, of: object)
            let attribute = try openAttributeLocked(name, of: object)
            defer { _ = H5Aclose(attribute) }
            let fileType = H5Aget_type(attribute)
            guard fileType >= 0 else { throw .readFailed(file: path, object: label, reason: errorStackSummary()) }
            defer { _ = H5Tclose(fileType) }
            let space = H5Aget_space(attribute)
            guard space >= 0 else { throw .readFailed(file: path, object: label, reason: errorStackSummary()) }
            defer { _ = H5Sclose(space) }
            return try body(attribute, fileType, space, Int(H5Sget_simple_extent_npoints(space)), label)
        }
    }

    /// Writes (or replaces) a scalar variable-length UTF-8 string attribute.
    public func writeStringAttribute(_ name: String, value: String, of objectPath: String = "/") throws(HDF5Error) {
        try withLibrary(self.path) { () throws(HDF5Error) in
            let object = absolutePath(objectPath)
            let label = attributeLabel(name, of: object)
            let stringType = H5Tcopy(chdf5_T_C_S1())
            guard stringType >= 0 else { throw .writeFailed(file: path, object: label, reason: errorStackSummary()) }
            defer { _ = H5Tclose(stringType) }
            guard H5Tset_size(stringType, chdf5_T_VARIABLE()) >= 0,
                  H5Tset_cset(stringType, H5T_CSET_UTF8) >= 0 else {
                throw .writeFailed(file: path, object: label, reason: errorStackSummary())
            }
            let attribute = try createScalarAttributeLocked(name, of: object, type: stringType)
            defer { _ = H5Aclose(attribute) }
            let status = value.withCString { characters in
                var pointer: UnsafePointer<CChar>? = characters
                return withUnsafePointer(to: &pointer) { H5Awrite(attribute, stringType, $0) }
            }
            guard status >= 0 else { throw .writeFailed(file: path, object: label, reason: errorStackSummary()) }
        }
    }

    /// Writes (or replaces) a scalar float64 attribute.
    public func writeNumericAttribute(_ name: String, value: Double, of objectPath: String = "/") throws(HDF5Error) {
        try withLibrary(self.path) { () throws(HDF5Error) in
            let object = absolutePath(objectPath)
            let label = attributeLabel(name, of: object)
            let attribute = try createScalarAttributeLocked(name, of: object, type: chdf5_T_IEEE_F64LE())
            defer { _ = H5Aclose(attribute) }
            var scalar = value
            let status = H5Awrite(attribute, chdf5_T_NATIVE_DOUBLE(), &scalar)
            guard status >= 0 else { throw .writeFailed(file: path, object: label, reason: errorStackSummary()) }
        }
    }

    // MARK: Datasets

    /// The dimensions of a dataset (`[]` for a scalar dataset).
    public func shape(ofDataset path: String) throws(HDF5Error) -> [Int] {
        try withLibrary(self.path) { () throws(HDF5Error) -> [Int] in
            let object = absolutePath(path)
            let dataset = try openDatasetLocked(object)
            defer { _ = H5Dclose(dataset) }
            let space = H5Dget_space(dataset)
            guard space >= 0 else { throw .readFailed(file: self.path, object: object, reason: errorStackSummary()) }
            defer { _ = H5Sclose(space) }
            return try dimensionsLocked(of: space, object: object)
        }
    }

    /// Reads a whole numeric dataset of any rank as row-major doubles. Float32/64 and 8- to 64-bit
    /// signed and unsigned integers are converted by libhdf5.
    public func readDoubles(_ path: String) throws(HDF5Error) -> (shape: [Int], values: [Double]) {
        try readWhole(path, memoryType: chdf5_T_NATIVE_DOUBLE(), zero: Double(0))
    }

    /// Reads a whole numeric dataset of any rank as row-major floats (exact for float32 datasets).
    public func readFloats(_ path: String) throws(HDF5Error) -> (shape: [Int], values: [Float]) {
        try readWhole(path, memoryType: chdf5_T_NATIVE_FLOAT(), zero: Float(0))
    }

    /// Reads a whole numeric dataset of any rank as row-major 64-bit integers: exact for integer datasets
    /// of up to 64 bits (signed) — unlike ``readDoubles(_:)``, which rounds beyond 2^53. libhdf5 converts
    /// floating-point datasets (fractions truncated, out-of-range values clipped).
    public func readInt64s(_ path: String) throws(HDF5Error) -> (shape: [Int], values: [Int64]) {
        try readWhole(path, memoryType: chdf5_T_NATIVE_INT64(), zero: Int64(0))
    }

    /// Reads the rows `rows` of the first dimension of a numeric dataset (all other dimensions whole),
    /// row-major, without reading the rest of the file — for streaming large datasets.
    public func readDoubles(_ path: String, rows: Range<Int>) throws(HDF5Error) -> [Double] {
        try withLibrary(self.path) { () throws(HDF5Error) -> [Double] in
            let object = absolutePath(path)
            let dataset = try openDatasetLocked(object)
            defer { _ = H5Dclose(dataset) }
            try requireNumericLocked(dataset, object: object)
            let fileSpace = H5Dget_space(dataset)
            guard fileSpace >= 0 else { throw .readFailed(file: self.path, object: object, reason: errorStackSummary()) }
            defer { _ = H5Sclose(fileSpace) }
            let shape = try dimensionsLocked(of: fileSpace, object: object)
            guard !shape.isEmpty else { throw .wrongRank(file: self.path, object: object, expected: 1, found: 0) }
            guard rows.lowerBound >= 0, rows.upperBound <= shape[0] else {
                throw .readFailed(
                    file: self.path, object: object,
                    reason: "rows \(rows.lowerBound)..<\(rows.upperBound) are outside 0..<\(shape[0])")
            }
            let rowLength = shape.dropFirst().reduce(1, *)
            let count = rows.count * rowLength
            guard count > 0 else { return [] }

            var start = [hsize_t](repeating: 0, count: shape.count)
            start[0] = hsize_t(rows.lowerBound)
            var extent = shape.map { hsize_t($0) }
            extent[0] = hsize_t(rows.count)
            guard H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, start, nil, extent, nil) >= 0 else {
                throw .readFailed(file: self.path, object: object, reason: errorStackSummary())
            }
            let memorySpace = H5Screate_simple(Int32(shape.count), extent, nil)
            guard memorySpace >= 0 else { throw .readFailed(file: self.path, object: object, reason: errorStackSummary()) }
            defer { _ = H5Sclose(memorySpace) }
            var values = [Double](repeating: 0, count: count)
            let status = values.withUnsafeMutableBytes {
                H5Dread(dataset, chdf5_T_NATIVE_DOUBLE(), memorySpace, fileSpace, chdf5_P_DEFAULT(), $0.baseAddress)
            }
            guard status >= 0 else { throw .readFailed(file: self.path, object: object, reason: errorStackSummary()) }
            return values
        }
    }

    /// Writes a float64 dataset (row-major `values`, `values.count` = product of `shape`; `[]` for a
    /// scalar). Missing intermediate groups are created; an existing dataset at `path` is replaced.
    public func writeDoubles(_ path: String, shape: [Int], values: [Double]) throws(HDF5Error) {
        try writeWhole(path, shape: shape, values: values, fileType: chdf5_T_IEEE_F64LE(), memoryType: chdf5_T_NATIVE_DOUBLE())
    }

    /// Writes a float32 dataset; otherwise as ``writeDoubles(_:shape:values:)``.
    public func writeFloats(_ path: String, shape: [Int], values: [Float]) throws(HDF5Error) {
        try writeWhole(path, shape: shape, values: values, fileType: chdf5_T_IEEE_F32LE(), memoryType: chdf5_T_NATIVE_FLOAT())
    }

    /// Writes a signed 64-bit integer dataset (little-endian int64); otherwise as ``writeDoubles(_:shape:values:)``.
    public func writeInt64s(_ path: String, shape: [Int], values: [Int64]) throws(HDF5Error) {
        try writeWhole(path, shape: shape, values: values, fileType: chdf5_T_STD_I64LE(), memoryType: chdf5_T_NATIVE_INT64())
    }

    /// Creates a chunked dataset of `element` values (float64 or int64) of shape `[0, columns]` whose first
    /// dimension is unlimited; rows are added with ``HDF5AppendableDataset/append(_:)`` or
    /// ``HDF5AppendableDataset/append(integers:)``. Missing intermediate groups are created; an existing
    /// dataset at `path` is replaced.
    public func createAppendableDataset(_ path: String, columns: Int, chunkRows: Int = 1024,
                                        element: HDF5AppendableDataset.Element = .float64) throws(HDF5Error) -> HDF5AppendableDataset {
        let object = absolutePath(path)
        guard columns > 0, chunkRows > 0 else {
            throw .writeFailed(
                file: self.path, object: object,
                reason: "columns (\(columns)) and chunkRows (\(chunkRows)) must be positive")
        }
        let datasetID = try withLibrary(self.path) { () throws(HDF5Error) -> hid_t in
            try prepareDatasetPathLocked(object)
            let current: [hsize_t] = [0, hsize_t(columns)]
            let maximum: [hsize_t] = [chdf5_S_UNLIMITED(), hsize_t(columns)]
            let chunk: [hsize_t] = [hsize_t(chunkRows), hsize_t(columns)]
            let space = H5Screate_simple(2, current, maximum)
            guard space >= 0 else { throw .writeFailed(file: self.path, object: object, reason: errorStackSummary()) }
            defer { _ = H5Sclose(space) }
            let creation = H5Pcreate(chdf5_P_DATASET_CREATE())
            guard creation >= 0 else { throw .writeFailed(file: self.path, object: object, reason: errorStackSummary()) }
            defer { _ = H5Pclose(creation) }
            guard H5Pset_chunk(creation, 2, chunk) >= 0 else {
                throw .writeFailed(file: self.path, object: object, reason: errorStackSummary())
            }
            let fileType = element == .int64 ? chdf5_T_STD_I64LE() : chdf5_T_IEEE_F64LE()
            let dataset = H5Dcreate2(fileID, object, fileType, space, chdf5_P_DEFAULT(), creation, chdf5_P_DEFAULT())
            guard dataset >= 0 else { throw .writeFailed(file: self.path, object: object, reason: errorStackSummary()) }
            return dataset
        }
        return HDF5AppendableDataset(file: self, path: object, datasetID: datasetID, columns: columns, element: element)
    }

    // MARK: Support for HDF5AppendableDataset

    /// Grows an appendable dataset by `values.count / columns` rows and writes them (`Double` or `Int64`
    /// values, converted by libhdf5 to the dataset's type).
    func appendRows<Element: HDF5AppendableValue>(to datasetID: Int64, path object: String, existingRows: Int, columns: Int,
                                                  values: [Element]) throws(HDF5Error) {
        try withLibrary(self.path) { () throws(HDF5Error) in
            let addedRows = values.count / columns
            let grown: [hsize_t] = [hsize_t(existingRows + addedRows), hsize_t(columns)]
            guard H5Dset_extent(datasetID, grown) >= 0 else {
                throw .writeFailed(file: path, object: object, reason: errorStackSummary())
            }
            do throws(HDF5Error) {
                let fileSpace = H5Dget_space(datasetID)
                guard fileSpace >= 0 else { throw HDF5Error.writeFailed(file: path, object: object, reason: errorStackSummary()) }
                defer { _ = H5Sclose(fileSpace) }
                let start: [hsize_t] = [hsize_t(existingRows), 0]
                let extent: [hsize_t] = [hsize_t(addedRows), hsize_t(columns)]
                guard H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, start, nil, extent, nil) >= 0 else {
                    throw HDF5Error.writeFailed(file: path, object: object, reason: errorStackSummary())
                }
                let memorySpace = H5Screate_simple(2, extent, nil)
                guard memorySpace >= 0 else { throw HDF5Error.writeFailed(file: path, object: object, reason: errorStackSummary()) }
                defer { _ = H5Sclose(memorySpace) }
                let status = values.withUnsafeBytes {
                    H5Dwrite(datasetID, Element.nativeType, memorySpace, fileSpace, chdf5_P_DEFAULT(), $0.baseAddress)
                }
                guard status >= 0 else { throw HDF5Error.writeFailed(file: path, object: object, reason: errorStackSummary()) }
            } catch {
                // Shrink back so `rows` keeps describing the dataset.
                let original: [hsize_t] = [hsize_t(existingRows), hsize_t(columns)]
                _ = H5Dset_extent(datasetID, original)
                throw error
            }
        }
    }

    /// Closes a dataset handle owned by an `HDF5AppendableDataset`.
    func closeDataset(_ datasetID: Int64) {
        withLibrary(self.path) { _ = H5Dclose(datasetID) }
    }

    // MARK: - Helpers (call only with the library lock held)

    private func existsLocked(_ objectPath: String) -> Bool {
        var prefix = ""
        for component in pathComponents(objectPath) {
            prefix += "/" + component
            guard H5Lexists(fileID, prefix, chdf5_P_DEFAULT()) > 0 else {
                _ = H5Eclear2(chdf5_E_DEFAULT())
                return false
            }
        }
        // The last link may be a dangling soft or external link.
        let resolves = H5Oexists_by_name(fileID, absolutePath(objectPath), chdf5_P_DEFAULT()) > 0
        _ = H5Eclear2(chdf5_E_DEFAULT())
        return resolves
    }

    private func objectTypeLocked(_ objectPath: String) -> H5O_type_t? {
        guard existsLocked(objectPath) else { return nil }
        var info = H5O_info_t()
        guard H5Oget_info_by_name2(fileID, absolutePath(objectPath), &info, UInt32(H5O_INFO_BASIC), chdf5_P_DEFAULT()) >= 0 else {
            _ = H5Eclear2(chdf5_E_DEFAULT())
            return nil
        }
        return info.type
    }

    /// Throws `notFound` or `wrongType` unless an object of `type` is at `object`.
    private func requireType(_ type: H5O_type_t, at object: String, expected: String) throws(HDF5Error) {
        guard let found = objectTypeLocked(object) else { throw .notFound(file: path, object: object) }
        guard found == type else { throw .wrongType(file: path, object: object, expected: expected, found: describe(found)) }
    }

    private func openDatasetLocked(_ object: String) throws(HDF5Error) -> hid_t {
        try requireType(H5O_TYPE_DATASET, at: object, expected: "a dataset")
        let dataset = H5Dopen2(fileID, object, chdf5_P_DEFAULT())
        guard dataset >= 0 else { throw .readFailed(file: path, object: object, reason: errorStackSummary()) }
        return dataset
    }

    private func requireNumericLocked(_ dataset: hid_t, object: String) throws(HDF5Error) {
        let fileType = H5Dget_type(dataset)
        guard fileType >= 0 else { throw .readFailed(file: path, object: object, reason: errorStackSummary()) }
        defer { _ = H5Tclose(fileType) }
        let typeClass = H5Tget_class(fileType)
        guard isNumeric(typeClass) else {
            throw .wrongType(file: path, object: object, expected: "a numeric dataset", found: "a \(describe(typeClass)) dataset")
        }
    }

    private func dimensionsLocked(of space: hid_t, object: String) throws(HDF5Error) -> [Int] {
        let rank = H5Sget_simple_extent_ndims(space)
        guard rank >= 0 else { throw .readFailed(file: path, object: object, reason: errorStackSummary()) }
        var dimensions = [hsize_t](repeating: 0, count: Int(rank))
        guard rank == 0 || H5Sget_simple_extent_dims(space, &dimensions, nil) >= 0 else {
            throw .readFailed(file: path, object: object, reason: errorStackSummary())
        }
        return dimensions.map { Int($0) }
    }

    private func readWhole<Element>(_ path: String, memoryType: hid_t, zero: Element) throws(HDF5Error) -> (shape: [Int], values: [Element]) {
        try withLibrary(self.path) { () throws(HDF5Error) -> (shape: [Int], values: [Element]) in
            let object = absolutePath(path)
            let dataset = try openDatasetLocked(object)
            defer { _ = H5Dclose(dataset) }
            try requireNumericLocked(dataset, object: object)
            let space = H5Dget_space(dataset)
            guard space >= 0 else { throw .readFailed(file: self.path, object: object, reason: errorStackSummary()) }
            defer { _ = H5Sclose(space) }
            let shape = try dimensionsLocked(of: space, object: object)
            let count = shape.reduce(1, *)
            var values = [Element](repeating: zero, count: count)
            if count > 0 {
                let status = values.withUnsafeMutableBytes {
                    H5Dread(dataset, memoryType, chdf5_S_ALL(), chdf5_S_ALL(), chdf5_P_DEFAULT(), $0.baseAddress)
                }
                guard status >= 0 else { throw .readFailed(file: self.path, object: object, reason: errorStackSummary()) }
            }
            return (shape, values)
        }
    }

    private func writeWhole<Element>(_ path: String, shape: [Int], values: [Element], fileType: hid_t, memoryType: hid_t) throws(HDF5Error) {
        let object = absolutePath(path)
        guard shape.allSatisfy({ $0 >= 0 }), shape.reduce(1, *) == values.count else {
            throw .writeFailed(
                file: self.path, object: object,
                reason: "\(values.count) values do not fill shape \(shape)")
        }
        try withLibrary(self.path) { () throws(HDF5Error) in
            try prepareDatasetPathLocked(object)
            let dimensions = shape.map { hsize_t($0) }
            let space = shape.isEmpty ? H5Screate(H5S_SCALAR) : H5Screate_simple(Int32(shape.count), dimensions, nil)
            guard space >= 0 else { throw .writeFailed(file: self.path, object: object, reason: errorStackSummary()) }
            defer { _ = H5Sclose(space) }
            let dataset = H5Dcreate2(fileID, object, fileType, space, chdf5_P_DEFAULT(), chdf5_P_DEFAULT(), chdf5_P_DEFAULT())
            guard dataset >= 0 else { throw .writeFailed(file: self.path, object: object, reason: errorStackSummary()) }
            defer { _ = H5Dclose(dataset) }
            guard !values.isEmpty else { return }
            let status = values.withUnsafeBytes {
                H5Dwrite(dataset, memoryType, chdf5_S_ALL(), chdf5_S_ALL(), chdf5_P_DEFAULT(), $0.baseAddress)
            }
            guard status >= 0 else { throw .writeFailed(file: self.path, object: object, reason: errorStackSummary()) }
        }
    }

    /// Makes `object` ready to be created as a dataset: creates missing parent groups (tracking link
    /// creation order) and removes an existing dataset of that name.
    private func prepareDatasetPathLocked(_ object: String) throws(HDF5Error) {
        let components = pathComponents(object)
        guard !components.isEmpty else {
            throw .writeFailed(file: path, object: object, reason: "the root group cannot be a dataset")
        }
        var prefix = ""
        for component in components.dropLast() {
            prefix += "/" + component
            let present = H5Lexists(fileID, prefix, chdf5_P_DEFAULT())
            if present > 0 {
                try requireType(H5O_TYPE_GROUP, at: prefix, expected: "a group")
                continue
            }
            guard present == 0 else { throw .writeFailed(file: path, object: prefix, reason: errorStackSummary()) }
            let creation = H5Pcreate(chdf5_P_GROUP_CREATE())
            guard creation >= 0 else { throw .writeFailed(file: path, object: prefix, reason: errorStackSummary()) }
            defer { _ = H5Pclose(creation) }
            _ = H5Pset_link_creation_order(creation, chdf5_P_CRT_ORDER_TRACKED() | chdf5_P_CRT_ORDER_INDEXED())
            let group = H5Gcreate2(fileID, prefix, chdf5_P_DEFAULT(), creation, chdf5_P_DEFAULT())
            guard group >= 0 else { throw .writeFailed(file: path, object: prefix, reason: errorStackSummary()) }
            _ = H5Gclose(group)
        }
        if let existing = objectTypeLocked(object) {
            guard existing == H5O_TYPE_DATASET else {
                throw .wrongType(file: path, object: object, expected: "a dataset", found: describe(existing))
            }
            guard H5Ldelete(fileID, object, chdf5_P_DEFAULT()) >= 0 else {
                throw .writeFailed(file: path, object: object, reason: errorStackSummary())
            }
        }
    }

    private func openAttributeLocked(_ name: String, of object: String) throws(HDF5Error) -> hid_t {
        guard existsLocked(object) else { throw .notFound(file: path, object: object) }
        let label = attributeLabel(name, of: object)
        guard H5Aexists_by_name(fileID, object, name, chdf5_P_DEFAULT()) > 0 else {
            _ = H5Eclear2(chdf5_E_DEFAULT())
            throw .notFound(file: path, object: label)
        }
        let attribute = H5Aopen_by_name(fileID, object, name, chdf5_P_DEFAULT(), chdf5_P_DEFAULT())
        guard attribute >= 0 else { throw .readFailed(file: path, object: label, reason: errorStackSummary()) }
        return attribute
    }

    /// Creates a scalar attribute, first deleting any attribute of the same name.
    private func createScalarAttributeLocked(_ name: String, of object: String, type: hid_t) throws(HDF5Error) -> hid_t {
        guard existsLocked(object) else { throw .notFound(file: path, object: object) }
        let label = attributeLabel(name, of: object)
        if H5Aexists_by_name(fileID, object, name, chdf5_P_DEFAULT()) > 0 {
            guard H5Adelete_by_name(fileID, object, name, chdf5_P_DEFAULT()) >= 0 else {
                throw .writeFailed(file: path, object: label, reason: errorStackSummary())
            }
        }
        let space = H5Screate(H5S_SCALAR)
        guard space >= 0 else { throw .writeFailed(file: path, object: label, reason: errorStackSummary()) }
        defer { _ = H5Sclose(space) }
        let attribute = H5Acreate_by_name(
            fileID, object, name, type, space, chdf5_P_DEFAULT(), chdf5_P_DEFAULT(), chdf5_P_DEFAULT())
        guard attribute >= 0 else { throw .writeFailed(file: path, object: label, reason: errorStackSummary()) }
        return attribute
    }

    /// Variable-length strings: read with a C-string memory type of the file's character set, then
    /// hand the library's buffers back (H5Dvlen_reclaim; 1.10 has no H5Treclaim).
    private func readVariableLengthStrings(_ attribute: hid_t, fileType: hid_t, space: hid_t, count: Int, label: String) throws(HDF5Error) -> [String] {
        let memoryType = H5Tcopy(chdf5_T_C_S1())
        guard memoryType >= 0 else { throw .readFailed(file: path, object: label, reason: errorStackSummary()) }
        defer { _ = H5Tclose(memoryType) }
        guard H5Tset_size(memoryType, chdf5_T_VARIABLE()) >= 0,
              H5Tset_cset(memoryType, H5Tget_cset(fileType)) >= 0 else {
            throw .readFailed(file: path, object: label, reason: errorStackSummary())
        }
        var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
        let status = pointers.withUnsafeMutableBufferPointer { H5Aread(attribute, memoryType, $0.baseAddress) }
        guard status >= 0 else { throw .readFailed(file: path, object: label, reason: errorStackSummary()) }
        let strings = pointers.map { pointer in pointer.map { String(cString: $0) } ?? "" }
        _ = pointers.withUnsafeMutableBufferPointer {
            H5Dvlen_reclaim(memoryType, space, chdf5_P_DEFAULT(), $0.baseAddress)
        }
        return strings
    }

    /// Fixed-length strings: read with the file's own type, cut each at its first NUL.
    private func readFixedLengthStrings(_ attribute: hid_t, fileType: hid_t, count: Int, label: String) throws(HDF5Error) -> [String] {
        let size = H5Tget_size(fileType)
        guard size > 0 else { throw .readFailed(file: path, object: label, reason: errorStackSummary()) }
        let spacePadded = H5Tget_strpad(fileType) == H5T_STR_SPACEPAD
        let memoryType = H5Tcopy(fileType)
        guard memoryType >= 0 else { throw .readFailed(file: path, object: label, reason: errorStackSummary()) }
        defer { _ = H5Tclose(memoryType) }
        var bytes = [UInt8](repeating: 0, count: count * size)
        let status = bytes.withUnsafeMutableBytes { H5Aread(attribute, memoryType, $0.baseAddress) }
        guard status >= 0 else { throw .readFailed(file: path, object: label, reason: errorStackSummary()) }
        return (0..<count).map { index in
            var text = bytes[(index * size)..<((index + 1) * size)]
            if let end = text.firstIndex(of: 0) { text = text[..<end] }
            if spacePadded {
                while let last = text.last, last == UInt8(ascii: " ") { text = text.dropLast() }
            }
            return String(decoding: text, as: UTF8.self)
        }
    }
}

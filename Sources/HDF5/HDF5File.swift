// HDF5File: an open HDF5 file. This file, its extensions HDF5File+Attributes.swift and HDF5File+Datasets.swift,
// and HDF5Library.swift are the only Swift code that calls libhdf5 (module CHDF5); the helpers are internal to
// the module for them, and every call into the library goes through `withLibrary` (HDF5Library.swift).
//
// Every call runs under one global lock, with HDF5's automatic error printing switched off for the
// calling thread and the thread's error stack cleared first; a failing call's error stack is
// summarised (H5Ewalk2) into the `reason` of the `HDF5Error` thrown.

import CHDF5
import Support
import Foundation

// MARK: - HDF5File

/// An open HDF5 file: read groups, datasets and attributes, or write datasets and attributes.
///
/// Object paths are absolute (`/model_weights/dense1`); a missing leading slash is tolerated.
/// All methods are safe to call from several threads: libhdf5 is entered under one global lock.
/// The file handle is closed when the object is released.
public final class HDF5File: @unchecked Sendable {
    /// The file system path the file was opened or created with.
    public let path: String
    let fileID: hid_t

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

    // MARK: - Helpers (call only with the library lock held)

    func existsLocked(_ objectPath: String) -> Bool {
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

    func objectTypeLocked(_ objectPath: String) -> H5O_type_t? {
        guard existsLocked(objectPath) else { return nil }
        var info = H5O_info_t()
        guard H5Oget_info_by_name2(fileID, absolutePath(objectPath), &info, UInt32(H5O_INFO_BASIC), chdf5_P_DEFAULT()) >= 0 else {
            _ = H5Eclear2(chdf5_E_DEFAULT())
            return nil
        }
        return info.type
    }

    /// Throws `notFound` or `wrongType` unless an object of `type` is at `object`.
    func requireType(_ type: H5O_type_t, at object: String, expected: String) throws(HDF5Error) {
        guard let found = objectTypeLocked(object) else { throw .notFound(file: path, object: object) }
        guard found == type else { throw .wrongType(file: path, object: object, expected: expected, found: describe(found)) }
    }

    func openDatasetLocked(_ object: String) throws(HDF5Error) -> hid_t {
        try requireType(H5O_TYPE_DATASET, at: object, expected: "a dataset")
        let dataset = H5Dopen2(fileID, object, chdf5_P_DEFAULT())
        guard dataset >= 0 else { throw .readFailed(file: path, object: object, reason: errorStackSummary()) }
        return dataset
    }

    func requireNumericLocked(_ dataset: hid_t, object: String) throws(HDF5Error) {
        let fileType = H5Dget_type(dataset)
        guard fileType >= 0 else { throw .readFailed(file: path, object: object, reason: errorStackSummary()) }
        defer { _ = H5Tclose(fileType) }
        let typeClass = H5Tget_class(fileType)
        guard isNumeric(typeClass) else {
            throw .wrongType(file: path, object: object, expected: "a numeric dataset", found: "a \(describe(typeClass)) dataset")
        }
    }

    func dimensionsLocked(of space: hid_t, object: String) throws(HDF5Error) -> [Int] {
        let rank = H5Sget_simple_extent_ndims(space)
        guard rank >= 0 else { throw .readFailed(file: path, object: object, reason: errorStackSummary()) }
        var dimensions = [hsize_t](repeating: 0, count: Int(rank))
        guard rank == 0 || H5Sget_simple_extent_dims(space, &dimensions, nil) >= 0 else {
            throw .readFailed(file: path, object: object, reason: errorStackSummary())
        }
        return dimensions.map { Int($0) }
    }

    func readWhole<Element>(_ path: String, memoryType: hid_t, zero: Element) throws(HDF5Error) -> (shape: [Int], values: [Element]) {
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

    func writeWhole<Element>(_ path: String, shape: [Int], values: [Element], fileType: hid_t, memoryType: hid_t) throws(HDF5Error) {
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
    func prepareDatasetPathLocked(_ object: String) throws(HDF5Error) {
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

    func openAttributeLocked(_ name: String, of object: String) throws(HDF5Error) -> hid_t {
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
    func createScalarAttributeLocked(_ name: String, of object: String, type: hid_t) throws(HDF5Error) -> hid_t {
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
    func readVariableLengthStrings(_ attribute: hid_t, fileType: hid_t, space: hid_t, count: Int, label: String) throws(HDF5Error) -> [String] {
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
    func readFixedLengthStrings(_ attribute: hid_t, fileType: hid_t, count: Int, label: String) throws(HDF5Error) -> [String] {
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

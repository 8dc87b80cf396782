// HDF5File+Attributes: reading and writing attributes (see HDF5File.swift for the locking rules).

import CHDF5
import Foundation
import Support

extension HDF5File {
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
}

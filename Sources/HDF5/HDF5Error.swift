// HDF5Error: what can go wrong reading or writing an HDF5 file, with the file and object named.

/// A failure reading or writing an HDF5 file.
///
/// Every case names the file and, where there is one, the object path inside it. Attributes are
/// named `objectPath@attributeName` (for example `/model_weights@layer_names`). `reason` texts
/// summarise libhdf5's own error stack.
public enum HDF5Error: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file is missing, unreadable, truncated or not an HDF5 file.
    case cannotOpen(file: String, reason: String)
    /// No object (or attribute) exists at `object`.
    case notFound(file: String, object: String)
    /// The object exists but is not what the caller asked for (a group read as a dataset, a string
    /// read as numbers, ...).
    case wrongType(file: String, object: String, expected: String, found: String)
    /// The object has a different number of dimensions than required.
    case wrongRank(file: String, object: String, expected: Int, found: Int)
    /// libhdf5 failed while reading the object.
    case readFailed(file: String, object: String, reason: String)
    /// libhdf5 failed while creating or writing the object.
    case writeFailed(file: String, object: String, reason: String)

    /// The file the error is about.
    public var file: String {
        switch self {
        case .cannotOpen(let file, _), .notFound(let file, _), .wrongType(let file, _, _, _),
             .wrongRank(let file, _, _, _), .readFailed(let file, _, _), .writeFailed(let file, _, _):
            return file
        }
    }

    /// One sentence naming the file and the object, e.g.
    /// `model.h5: object '/model_weights/dense1' not found`.
    public var description: String {
        switch self {
        case .cannotOpen(let file, let reason):
            return "\(file): cannot open as an HDF5 file (\(reason))"
        case .notFound(let file, let object):
            return "\(file): object '\(object)' not found"
        case .wrongType(let file, let object, let expected, let found):
            return "\(file): object '\(object)' is \(found), expected \(expected)"
        case .wrongRank(let file, let object, let expected, let found):
            return "\(file): object '\(object)' has rank \(found), expected rank \(expected)"
        case .readFailed(let file, let object, let reason):
            return "\(file): reading object '\(object)' failed (\(reason))"
        case .writeFailed(let file, "/", let reason):
            return "\(file): cannot write: \(reason)"
        case .writeFailed(let file, let object, let reason):
            return "\(file): writing object '\(object)' failed (\(reason))"
        }
    }
}

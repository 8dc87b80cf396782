// HDF5AppendableDataset: a float64 or int64 dataset of shape [rows, columns] that grows along its first
// dimension, for streaming results into a file batch by batch. The libhdf5 calls it needs live in
// HDF5File+Datasets.swift.
import CHDF5

/// A chunked float64 or int64 dataset of shape `[rows, columns]` whose first dimension is unlimited.
///
/// Made by ``HDF5File/createAppendableDataset(_:columns:chunkRows:element:)``; rows are added with
/// ``append(_:)`` (float64) or ``append(integers:)`` (int64). Keeps its file open while it lives and closes
/// the dataset handle when released.
public final class HDF5AppendableDataset {
    /// The type stored in the file.
    public enum Element: String, Sendable, Equatable {
        /// IEEE 754 double, little-endian.
        case float64
        /// Two's complement signed 64-bit integer, little-endian: exact for every `Int64`.
        case int64
    }

    /// The file holding the dataset (kept alive by this object).
    public let file: HDF5File
    /// The dataset's absolute path inside the file.
    public let path: String
    /// Values per row (the fixed second dimension).
    public let columns: Int
    /// The type stored in the file.
    public let element: Element
    /// Rows written so far (the current first dimension).
    public private(set) var rows: Int = 0

    let datasetID: Int64

    init(file: HDF5File, path: String, datasetID: Int64, columns: Int, element: Element) {
        self.file = file
        self.path = path
        self.datasetID = datasetID
        self.columns = columns
        self.element = element
    }

    deinit {
        file.closeDataset(datasetID)
    }

    /// Appends whole rows of doubles, row-major: `values.count` must be a multiple of ``columns``; the
    /// dataset must be float64.
    public func append(_ values: [Double]) throws(HDF5Error) {
        try appendValues(values)
    }

    /// Appends whole rows of 64-bit integers, row-major: `values.count` must be a multiple of ``columns``;
    /// the dataset must be int64 (so that no value is rounded).
    public func append(integers values: [Int64]) throws(HDF5Error) {
        try appendValues(values)
    }

    private func appendValues<Value: HDF5AppendableValue>(_ values: [Value]) throws(HDF5Error) {
        guard Value.element == element else {
            throw .writeFailed(file: file.path, object: path,
                               reason: "\(Value.element.rawValue) values cannot be appended to a \(element.rawValue) dataset")
        }
        guard values.count % columns == 0 else {
            throw .writeFailed(
                file: file.path, object: path,
                reason: "\(values.count) values are not a whole number of rows of \(columns) columns")
        }
        guard !values.isEmpty else { return }
        try file.appendRows(to: datasetID, path: path, existingRows: rows, columns: columns, values: values)
        rows += values.count / columns
    }
}

/// A value type an appendable dataset stores: its element type and libhdf5's native memory type for it.
protocol HDF5AppendableValue {
    static var element: HDF5AppendableDataset.Element { get }
    static var nativeType: hid_t { get }
}

extension Double: HDF5AppendableValue {
    static var element: HDF5AppendableDataset.Element { .float64 }
    static var nativeType: hid_t { chdf5_T_NATIVE_DOUBLE() }
}

extension Int64: HDF5AppendableValue {
    static var element: HDF5AppendableDataset.Element { .int64 }
    static var nativeType: hid_t { chdf5_T_NATIVE_INT64() }
}

// HDF5AppendableDataset: a float64 dataset of shape [rows, columns] that grows along its first
// dimension, for streaming results into a file batch by batch. The libhdf5 calls it needs live in
// HDF5File.swift.

/// A chunked float64 dataset of shape `[rows, columns]` whose first dimension is unlimited.
///
/// Made by ``HDF5File/createAppendableDataset(_:columns:chunkRows:)``. Keeps its file open while it
/// lives and closes the dataset handle when released.
public final class HDF5AppendableDataset {
    /// The file holding the dataset (kept alive by this object).
    public let file: HDF5File
    /// The dataset's absolute path inside the file.
    public let path: String
    /// Values per row (the fixed second dimension).
    public let columns: Int
    /// Rows written so far (the current first dimension).
    public private(set) var rows: Int = 0

    let datasetID: Int64

    init(file: HDF5File, path: String, datasetID: Int64, columns: Int) {
        self.file = file
        self.path = path
        self.datasetID = datasetID
        self.columns = columns
    }

    deinit {
        file.closeDataset(datasetID)
    }

    /// Appends whole rows, row-major: `values.count` must be a multiple of ``columns``.
    public func append(_ values: [Double]) throws(HDF5Error) {
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

// HDF5File+Datasets: reading and writing datasets, and appending rows (see HDF5File.swift for the locking rules).

import CHDF5
import Foundation
import Support

extension HDF5File {
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
}

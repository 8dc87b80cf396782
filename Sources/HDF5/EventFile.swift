import Foundation
import Support

/// Reads events (one row per event) from a numeric dataset of rank ≥ 2 in chunks, so that files with
/// millions of events are never loaded at once. Trailing dimensions are flattened row-major.
public struct HDF5EventReader {
    public let file: HDF5File
    public let dataset: String
    /// Number of events (the first dimension).
    public let count: Int
    /// Values per event (product of the other dimensions).
    public let features: Int

    /// Opens `url` and checks that `dataset` holds `expectedFeatures` values per event.
    public init(url: URL, dataset: String, expectedFeatures: Int? = nil) throws(HDF5Error) {
        file = try HDF5File.open(url)
        self.dataset = dataset.hasPrefix("/") ? dataset : "/" + dataset
        guard file.isDataset(self.dataset) else {
            throw file.exists(self.dataset)
                ? .wrongType(file: file.path, object: self.dataset, expected: "dataset", found: "group")
                : .notFound(file: file.path, object: self.dataset)
        }
        let shape = try file.shape(ofDataset: self.dataset)
        guard shape.count >= 2 else {
            throw .wrongRank(file: file.path, object: self.dataset, expected: 2, found: shape.count)
        }
        count = shape[0]
        features = shape.dropFirst().reduce(1, *)
        if let expectedFeatures, expectedFeatures != features {
            throw .wrongType(file: file.path, object: self.dataset, expected: "\(expectedFeatures) values per event",
                             found: "\(features) values per event (shape \(shape.map(String.init).joined(separator: "×")))")
        }
    }

    /// Every dataset in the file (depth first, absolute paths), with its shape: what `--inputs FILE.h5` offers.
    public static func datasets(in url: URL) throws(HDF5Error) -> [(path: String, shape: [Int])] {
        let file = try HDF5File.open(url)
        var found: [(path: String, shape: [Int])] = []
        func visit(_ group: String) throws(HDF5Error) {
            for name in try file.children(of: group) {
                let path = group == "/" ? "/" + name : group + "/" + name
                if file.isDataset(path) { found.append((path, try file.shape(ofDataset: path))) } else if file.isGroup(path) { try visit(path) }
            }
        }
        try visit("/")
        return found
    }

    /// The events holding a NaN or an infinity: how many, and the index of the first (read in chunks).
    public func nonFiniteEvents(chunk: Int = 65_536) throws(HDF5Error) -> (count: Int, first: Int?) {
        var count = 0
        var first: Int?
        var start = 0
        while start < self.count {
            let rows = try read(start..<min(start + chunk, self.count))
            for (offset, row) in rows.enumerated() where !row.allSatisfy(\.isFinite) {
                count += 1
                if first == nil { first = start + offset }
            }
            start += chunk
        }
        return (count, first)
    }

    /// Events `rows` (clamped to the file) as one vector each.
    public func read(_ rows: Range<Int>) throws(HDF5Error) -> [[Double]] {
        let clamped = rows.clamped(to: 0..<count)
        guard !clamped.isEmpty else { return [] }
        let flat = try file.readDoubles(dataset, rows: clamped)
        return (0..<clamped.count).map { Array(flat[($0 * features)..<(($0 + 1) * features)]) }
    }
}

/// Writes result rows into a new HDF5 file, appending chunk by chunk. The file is written under a temporary
/// name and moved into place by `finish()`, so a failed run leaves no partial output file.
public final class HDF5ResultWriter {
    public let url: URL
    /// The temporary file written, registered with `Interruption` (removed on SIGINT/SIGTERM).
    private let partial: PartialFile
    private var file: HDF5File?
    private var datasets: [String: HDF5AppendableDataset] = [:]

    public init(url: URL) throws(HDF5Error) {
        self.url = url
        do { partial = try PartialFile(for: url) } catch { throw .writeFailed(file: url.path, object: "/", reason: error.reason) }
        do { file = try HDF5File.create(partial.temporary) } catch {
            partial.discard()
            throw Self.aboutTheTarget(error, url: url)
        }
    }

    /// Appends rows of `columns` doubles to the float64 dataset `name` (created on first use).
    public func append(_ name: String, columns: Int, rows: [[Double]]) throws(HDF5Error) {
        try dataset(name, columns: columns, element: .float64).append(rows.flatMap { $0 })
    }

    /// Appends rows of `columns` 64-bit integers to the int64 dataset `name` (created on first use), exactly.
    public func append(_ name: String, columns: Int, integerRows rows: [[Int64]]) throws(HDF5Error) {
        try dataset(name, columns: columns, element: .int64).append(integers: rows.flatMap { $0 })
    }

    private func dataset(_ name: String, columns: Int, element: HDF5AppendableDataset.Element) throws(HDF5Error) -> HDF5AppendableDataset {
        guard let file else { throw .writeFailed(file: url.path, object: name, reason: "the writer is finished") }
        if let existing = datasets[name] { return existing }
        let created = try file.createAppendableDataset(name, columns: columns, element: element)
        datasets[name] = created
        return created
    }

    /// Sets a string attribute on the root group.
    public func setAttribute(_ name: String, _ value: String) throws(HDF5Error) {
        try file?.writeStringAttribute(name, value: value)
    }

    /// The error of the temporary file, told about the file the user named.
    private static func aboutTheTarget(_ error: HDF5Error, url: URL) -> HDF5Error {
        guard case let .writeFailed(_, object, reason) = error else { return error }
        return .writeFailed(file: url.path, object: object, reason: reason)
    }

    /// Flushes and closes the file, checking both (a full disk shows here), and moves it to `url`. On failure
    /// the temporary file is removed and nothing is left at `url`.
    public func finish() throws(HDF5Error) {
        guard let open = file else { throw .writeFailed(file: url.path, object: "/", reason: "the writer is finished") }
        file = nil
        do {
            try open.flush()
            datasets = [:]
            try open.close()
        } catch {
            datasets = [:]
            partial.discard()
            throw Self.aboutTheTarget(error, url: url)
        }
        do { try partial.commit() } catch { throw .writeFailed(file: url.path, object: "/", reason: error.reason) }
    }
}

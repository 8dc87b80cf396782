import Foundation
import HDF5
import KerasImport

/// Paths of the shared fixtures and the package's Profiles folder.
enum Fixtures {
    static let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let root = package.deletingLastPathComponent().appendingPathComponent("shared/fixtures")
    static let profiles = package.appendingPathComponent("Profiles")

    static func keras(_ name: String) -> URL { root.appendingPathComponent("keras/\(name).h5") }
    static func hls4mlJSON(_ name: String) -> URL { root.appendingPathComponent("hls4ml/\(name)_io_parallel.json") }

    /// Vectors of a model: hls4ml/NAME_vectors.h5, or keras/NAME_vectors.h5 for the Keras 2 models.
    static func vectors(_ name: String) -> URL {
        name.hasSuffix("_k2") ? root.appendingPathComponent("keras/\(name)_vectors.h5")
            : root.appendingPathComponent("hls4ml/\(name)_vectors.h5")
    }

    static func options(compatible: Bool = true) -> KerasImportOptions {
        KerasImportOptions(hls4mlCompatible: compatible, profileSearchPaths: [profiles])
    }

    /// Rows of a 2-D dataset as float32 values widened to double.
    static func rows(_ file: HDF5File, _ dataset: String) throws -> [[Double]] {
        let (shape, values) = try file.readFloats(dataset)
        let columns = shape[1]
        return (0..<shape[0]).map { row in values[(row * columns)..<((row + 1) * columns)].map(Double.init) }
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("keras-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

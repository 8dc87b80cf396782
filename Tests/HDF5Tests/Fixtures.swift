// Locations of the shared reference fixtures and scratch files for the HDF5 tests.

import Foundation

enum Fixtures {
    /// /work/main/../shared/fixtures, found from this file's path.
    static let directory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // HDF5Tests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // package root
        .deletingLastPathComponent()
        .appendingPathComponent("shared/fixtures", isDirectory: true)

    static func url(_ relativePath: String) -> URL {
        directory.appendingPathComponent(relativePath)
    }

    static let encoderVectors = url("hls4ml/dnn_vae_encoder_vectors.h5")
    static let encoderKeras3 = url("keras/dnn_vae_encoder.h5")
    static let encoderKeras2 = url("keras/dnn_vae_encoder_k2.h5")

    /// A fresh path in a per-test temporary directory.
    static func temporaryFile(_ name: String) throws -> URL {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("HDF5Tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent(name)
    }
}

import Foundation
@testable import Design

/// Paths into the repository and a scratch folder per test, for design files written on the fly.
enum TestSupport {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let designs = repository.appendingPathComponent("Designs")
    static let profiles = repository.appendingPathComponent("Profiles")

    /// A fresh temporary folder.
    static func scratchFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("pipewright-design-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes `yaml` (and extra files) into a fresh folder and loads it with the repository's profiles.
    static func load(_ yaml: String, files: [String: String] = [:],
                     name: String = "design.yml") throws -> LoadedDesign {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for (fileName, text) in files {
            try text.write(to: folder.appendingPathComponent(fileName), atomically: true, encoding: .utf8)
        }
        let url = folder.appendingPathComponent(name)
        try yaml.write(to: url, atomically: true, encoding: .utf8)
        return try DesignLoader.load(url, profileSearchPaths: [profiles])
    }

    /// Loads `yaml` and returns the `DesignError` it must throw.
    static func error(_ yaml: String, files: [String: String] = [:]) throws -> DesignError? {
        do {
            _ = try load(yaml, files: files)
            return nil
        } catch let error as DesignError {
            return error
        }
    }

    /// A small valid design: 4 inputs → Dense 3 (ReLU) → Dense 2 → SquaredNorm.
    static let small = """
        name: small_net
        device: xcvu9p-2
        input: { size: 4, precision: "ap_fixed<10,4>" }
        config:
          ClockPeriod: 4
          Model:
            Precision: { default: "ap_fixed<16,6>", accum: auto }
            ReuseFactor: 1
          LayerName:
            fc2: { ReuseFactor: 2, Strategy: Resource }
        layers:
          - name: fc1
            class: Dense
            units: 3
            activation: relu
            kernel: [[1, 2, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12]]
            bias: [0.5, -0.5, 0.25]
          - name: fc2
            class: Dense
            units: 2
            kernel: {random: {seed: 7, scale: 0.5}}
          - name: score
            class: SquaredNorm
        """
}

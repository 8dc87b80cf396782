import Foundation
import Testing
import FixedPoint
import NetworkIR
@testable import RTL
import Scheduling

/// The generated Verilog of a small design is committed under Golden/ and compared line by line, so that
/// any change of the generator shows up as a reviewable diff. After an intended change, regenerate with
/// `PIPEWRIGHT_UPDATE_GOLDEN=1 swift test --filter GoldenVerilogTests` and review `git diff`.
struct GoldenVerilogTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    /// Dense 3 → 2 (one zero weight) → ReLU, 8-bit input, rounding and saturating result.
    static func network() -> Network {
        let weights = [0.5, -0.25, 0.125, 0, 1.0, -1.5]
        let dense = Layer(name: "fc", operation: .dense(DenseParameters(outputSize: 2, weights: weights, biases: [0.25, -0.5])),
                          inputSize: 3, precision: LayerPrecision(result: .fixed(8, 3, .round, .saturate), weight: .fixed(6, 2),
                                                                  bias: .fixed(6, 2), accumulator: .fixed(16, 6)))
        let relu = Layer(name: "act", operation: .relu, inputSize: 2, precision: LayerPrecision(result: .ufixed(6, 2)))
        return Network(name: "golden", inputSize: 3, inputPrecision: .fixed(8, 3), layers: [dense, relu])
    }

    @Test(arguments: [1, 2])
    func generatedVerilogMatchesTheCommittedGolden(reuseFactor: Int) throws {
        let design = try RTLGenerator.generate(network: Self.network(), schedule: try schedule(Self.network(), clockNs: 5, reuseFactor: reuseFactor))
        let folder = Self.directory.appendingPathComponent("rf\(reuseFactor)")
        if ProcessInfo.processInfo.environment["PIPEWRIGHT_UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for file in design.files { try file.text.write(to: folder.appendingPathComponent(file.name), atomically: true, encoding: .utf8) }
        }
        let committed = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".v") }.sorted()
        #expect(committed == design.files.map(\.name).sorted())
        for file in design.files {
            let golden = try String(contentsOf: folder.appendingPathComponent(file.name), encoding: .utf8)
            let expected = golden.split(separator: "\n", omittingEmptySubsequences: false)
            let actual = file.text.split(separator: "\n", omittingEmptySubsequences: false)
            if let line = zip(expected, actual).enumerated().first(where: { $0.element.0 != $0.element.1 }) {
                Issue.record("\(file.name):\(line.offset + 1) differs from Golden/rf\(reuseFactor): expected '\(line.element.0)', generated '\(line.element.1)'")
            } else {
                #expect(expected.count == actual.count, "\(file.name): \(expected.count) golden lines, \(actual.count) generated")
            }
        }
    }
}

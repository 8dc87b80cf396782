import Foundation
import HDF5
import Testing

/// Text and HDF5 inputs follow one rule, and common file shapes are accepted.
struct InputFileTests {
    /// The tiny design takes 4 inputs.
    static func simulate(inputs: String, extra: [String] = []) throws -> CommandLineErrorTests.Outcome {
        let design = try CommandLineErrorTests.scratch("tiny.yml", CommandLineErrorTests.good)
        return try CommandLineErrorTests.run(["simulate", design.path, "--inputs", inputs] + extra)
    }

    static func textFile(_ text: String, name: String = "inputs.csv") throws -> URL {
        try CommandLineErrorTests.scratch(name, text)
    }

    @Test func crlfLinesAndACSVHeaderAreAccepted() throws {
        let file = try Self.textFile("x0,x1,x2,x3\r\n0.5,1,-1,2\r\n0.25,0,0,1\r\n\r\n1,1,1,1\r\n")
        let outcome = try Self.simulate(inputs: file.path)
        #expect(outcome.status == 0, "\(outcome.output)")
        #expect(outcome.output.contains("simulated 3 inferences"))
    }

    @Test func onlyOneHeaderLineIsSkipped() throws {
        let file = try Self.textFile("x0,x1,x2,x3\nunits,a,b,c\n1,2,3,4\n")
        let outcome = try Self.simulate(inputs: file.path)
        #expect(outcome.status == 1)
        #expect(outcome.output.contains("inputs.csv:2: 'units' is not a number"), "\(outcome.output)")
    }

    @Test func nonFiniteTextValuesAreCountedWithTheFirstEvent() throws {
        // Events 0..3; events 1 and 3 hold nan / -inf (lines 3 and 5 after the header).
        let file = try Self.textFile("a b c d\n1 2 3 4\n1 nan 3 4\n1 2 3 4\n-inf 2 3 4\n")
        let outcome = try Self.simulate(inputs: file.path)
        #expect(outcome.status == 1)
        #expect(outcome.output.contains("2 events hold NaN or infinite values, the first is event 1 (line 3)"), "\(outcome.output)")
    }

    static func hdf5(_ values: [Double], rows: Int) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pipewright-inputs-\(UUID().uuidString).h5")
        let file = try HDF5File.create(url)
        try file.writeDoubles("x", shape: [rows, 4], values: values)
        try file.writeDoubles("y", shape: [rows, 1], values: Array(repeating: 0, count: rows))
        return url
    }

    @Test func nonFiniteHDF5ValuesFollowTheSameRule() throws {
        // 5 events; event 2 has +inf, event 4 has NaN: no silent 0 or saturation.
        var values = Array(repeating: 0.5, count: 20)
        values[2 * 4 + 1] = .infinity
        values[4 * 4 + 3] = .nan
        let url = try Self.hdf5(values, rows: 5)
        defer { try? FileManager.default.removeItem(at: url) }
        let out = url.deletingLastPathComponent().appendingPathComponent("out-\(UUID().uuidString).h5")
        let outcome = try Self.simulate(inputs: "\(url.path):x", extra: ["--outputs", out.path])
        #expect(outcome.status == 1)
        #expect(outcome.output.contains("\(url.lastPathComponent):/x: 2 events hold NaN or infinite values, the first is event 2"),
                "\(outcome.output)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test func hdf5WithoutADatasetListsTheDatasets() throws {
        let url = try Self.hdf5(Array(repeating: 0.5, count: 8), rows: 2)
        defer { try? FileManager.default.removeItem(at: url) }
        let outcome = try Self.simulate(inputs: url.path)
        #expect(outcome.status != 0)
        #expect(outcome.output.contains("\(url.path):DATASET") && outcome.output.contains("/x (2×4)") && outcome.output.contains("/y (2×1)"),
                "\(outcome.output)")
    }

    @Test func kerasModelPassedAsADesignPointsToImport() throws {
        let url = try Self.hdf5(Array(repeating: 0.5, count: 4), rows: 1)
        let model = url.deletingLastPathComponent().appendingPathComponent("model-\(UUID().uuidString).h5")
        try FileManager.default.moveItem(at: url, to: model)
        defer { try? FileManager.default.removeItem(at: model) }
        let outcome = try CommandLineErrorTests.run(["simulate", model.path])
        #expect(outcome.status != 0)
        #expect(outcome.output.contains("pipewright import \(model.path)"), "\(outcome.output)")
        #expect(outcome.output.split(separator: "\n").filter { $0.hasPrefix("Error") }.count == 1)
    }
}

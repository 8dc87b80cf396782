// Writing a file with every writer, reopening it and comparing exactly.

import Foundation
import HDF5
import Testing

@Suite("Write, reopen, compare")
struct HDF5RoundTripTests {
    /// Deterministic values with fractional parts that float64 holds exactly and float32 rounds.
    private static func values(_ count: Int, scale: Double) -> [Double] {
        (0..<count).map { index in (Double(index) - Double(count) / 2) * scale + 1.0 / 3.0 }
    }

    @Test("datasets of rank 1–3, attributes and an appendable dataset survive a round trip")
    func roundTrip() throws {
        let url = try Fixtures.temporaryFile("round_trip.h5")
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }

        let rank1 = Self.values(7, scale: 0.5)
        let rank2 = Self.values(3 * 4, scale: 1.25)
        let rank3 = Self.values(2 * 3 * 5, scale: -0.125)
        let floats1 = Self.values(5, scale: 0.1).map { Float($0) }
        let floats2 = Self.values(4 * 2, scale: 3.7).map { Float($0) }
        let floats3 = Self.values(2 * 2 * 3, scale: -1.9).map { Float($0) }
        let batches: [[Double]] = [Self.values(3 * 4, scale: 1), Self.values(1 * 4, scale: 2), Self.values(5 * 4, scale: 3)]
        let unicode = "Grüße — µ ✓ {\"layers\": []}"

        do {
            let file = try HDF5File.create(url)
            try file.writeDoubles("/doubles/rank1", shape: [7], values: rank1)
            try file.writeDoubles("/doubles/rank2", shape: [3, 4], values: rank2)
            try file.writeDoubles("/doubles/nested/deeper/rank3", shape: [2, 3, 5], values: rank3)
            try file.writeFloats("floats/rank1", shape: [5], values: floats1)
            try file.writeFloats("/floats/rank2", shape: [4, 2], values: floats2)
            try file.writeFloats("/floats/rank3", shape: [2, 2, 3], values: floats3)
            try file.writeStringAttribute("title", value: unicode)
            try file.writeStringAttribute("title", value: unicode)  // replacing is allowed
            try file.writeStringAttribute("unit", value: "GeV", of: "/doubles/rank2")
            try file.writeNumericAttribute("clock_period_ns", value: 5.25)
            try file.writeNumericAttribute("scale", value: -0.1, of: "/floats")

            let stream = try file.createAppendableDataset("/stream/outputs", columns: 4, chunkRows: 2)
            #expect(stream.rows == 0)
            for batch in batches { try stream.append(batch) }
            #expect(stream.rows == 9)
            #expect(throws: HDF5Error.self) { try stream.append([1, 2, 3]) }
            #expect(stream.rows == 9)
        }

        let file = try HDF5File.open(url)
        #expect(try file.readDoubles("/doubles/rank1") == ([7], rank1))
        #expect(try file.readDoubles("/doubles/rank2") == ([3, 4], rank2))
        #expect(try file.readDoubles("/doubles/nested/deeper/rank3") == ([2, 3, 5], rank3))
        #expect(try file.readFloats("/floats/rank1") == ([5], floats1))
        #expect(try file.readFloats("/floats/rank2") == ([4, 2], floats2))
        #expect(try file.readFloats("/floats/rank3") == ([2, 2, 3], floats3))
        #expect(try file.readDoubles("/floats/rank3").values == floats3.map { Double($0) })
        #expect(try file.readDoubles("/doubles/nested/deeper/rank3", rows: 1..<2) == Array(rank3[15...]))

        #expect(try file.stringAttribute("title") == unicode)
        #expect(try file.stringArrayAttribute("title", of: "/") == [unicode])
        #expect(try file.stringAttribute("unit", of: "/doubles/rank2") == "GeV")
        #expect(try file.numericAttribute("clock_period_ns", of: "/") == [5.25])
        #expect(try file.numericAttribute("scale", of: "floats") == [-0.1])
        #expect(try file.attributeNames(of: "/") == ["clock_period_ns", "title"])

        #expect(try file.readDoubles("/stream/outputs") == ([9, 4], batches.flatMap { $0 }))
        #expect(try file.readDoubles("/stream/outputs", rows: 3..<4) == batches[1])

        // Groups written by HDF5File.create list their links in creation order.
        #expect(try file.children(of: "/") == ["doubles", "floats", "stream"])
        #expect(try file.children(of: "/doubles") == ["rank1", "rank2", "nested"])
    }

    @Test("int64 datasets hold every Int64 exactly, beyond 2^53")
    func int64Datasets() throws {
        let url = try Fixtures.temporaryFile("int64.h5")
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        // 2^53 + 1 and 2^62 + 1 are not doubles; the extremes of Int64 too (Int64.max rounds up to 2^63).
        let values: [Int64] = [9_007_199_254_740_993, -9_007_199_254_740_993, 4_611_686_018_427_387_905, .max, .min, 0, -1, 1]
        do {
            let writer = try HDF5ResultWriter(url: url)
            try writer.append("raw", columns: 4, integerRows: [Array(values[0..<4])])
            try writer.append("raw", columns: 4, integerRows: [Array(values[4..<8])])
            // An int64 dataset takes no doubles (and a float64 one no integers).
            #expect(throws: HDF5Error.self) { try writer.append("raw", columns: 4, rows: [[1, 2, 3, 4]]) }
            try writer.append("real", columns: 1, rows: [[0.5]])
            #expect(throws: HDF5Error.self) { try writer.append("real", columns: 1, integerRows: [[1]]) }
            try writer.finish()
        }
        let file = try HDF5File.open(url)
        #expect(try file.readInt64s("raw") == ([2, 4], values))
        // Read as doubles, the same dataset loses the low bits: 2^53 + 1 → 2^53, 2^62 + 1 → 2^62.
        let doubles = try file.readDoubles("raw").values
        #expect(doubles[0] == 0x1p53 && doubles[1] == -0x1p53 && doubles[2] == 0x1p62)
        #expect(try file.readDoubles("real") == ([1, 1], [0.5]))

        let wholeURL = url.deletingLastPathComponent().appendingPathComponent("whole.h5")
        try HDF5File.create(wholeURL).writeInt64s("/whole", shape: [2, 2], values: [.min, .max, 9_007_199_254_740_993, -3])
        #expect(try HDF5File.open(wholeURL).readInt64s("/whole") == ([2, 2], [.min, .max, 9_007_199_254_740_993, -3]))
    }

    @Test("a shape that the values do not fill is rejected")
    func shapeMismatch() throws {
        let url = try Fixtures.temporaryFile("mismatch.h5")
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let file = try HDF5File.create(url)
        #expect(throws: HDF5Error.self) { try file.writeDoubles("/a", shape: [2, 3], values: [1, 2, 3]) }
        #expect(!file.exists("/a"))
        try file.writeDoubles("/scalar", shape: [], values: [42])
        #expect(try file.readDoubles("/scalar") == ([], [42]))
    }

    @Test("writing to a read-only file is a writeFailed error")
    func readOnly() throws {
        let file = try HDF5File.open(Fixtures.encoderVectors)
        #expect(throws: HDF5Error.self) { try file.writeDoubles("/new", shape: [1], values: [1]) }
        do {
            try file.writeNumericAttribute("n", value: 1)
            Issue.record("writing an attribute to a read-only file succeeded")
        } catch {
            guard case .writeFailed(let fileName, let object, let reason) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(fileName == Fixtures.encoderVectors.path)
            #expect(object == "/@n")
            #expect(!reason.isEmpty)
        }
    }
}

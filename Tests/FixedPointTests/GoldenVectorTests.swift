import Foundation
import Testing
@testable import FixedPoint

/// The repository's `../shared/fixtures` folder (beside the project checkout).
let sharedFixtures = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("shared/fixtures")

/// Golden vectors produced by the Xilinx `ap_types` headers (see ../shared/fixtures/README.md).
struct GoldenVectorTests {
    static func rows(_ op: String) throws -> [[Substring]] {
        let text = try String(contentsOf: sharedFixtures.appendingPathComponent("ap_fixed/vectors.csv"), encoding: .utf8)
        return text.split(separator: "\n").map { $0.split(separator: ",") }.filter { $0.first.map(String.init) == op }
    }

    @Test func castsMatchXilinxLibrary() throws {
        let rows = try Self.rows("cast")
        #expect(rows.count == 9600)
        var failures: [String] = []
        for row in rows {
            let source = Precision.fixed(Int(row[1])!, Int(row[2])!)
            let quantization = QuantizationMode(rawValue: String(row[8]))!
            let overflow = OverflowMode(rawValue: String(row[9]))!
            let destination = Precision(width: Int(row[5])!, integerBits: Int(row[6])!, isSigned: row[7] == "1",
                                        quantization: quantization, overflow: overflow)
            let got = destination.cast(Int64(row[4])!, from: source)
            if got != Int64(row[10])! { failures.append(row.joined(separator: ",") + " got \(got)") }
        }
        #expect(failures.isEmpty, "\(failures.count) mismatches, first: \(failures.prefix(5))")
    }

    @Test func productsMatchXilinxLibrary() throws {
        let rows = try Self.rows("mul")
        #expect(rows.count == 1000)
        for row in rows {
            let a = Precision.fixed(Int(row[1])!, Int(row[2])!), b = Precision.fixed(Int(row[4])!, Int(row[5])!)
            let type = Precision.product(a, b)
            #expect(type.width == Int(row[7])! && type.integerBits == Int(row[8])!)
            #expect(Int128(Int64(row[3])!) * Int128(Int64(row[6])!) == Int128(String(row[9]))!)
        }
    }
}

import Foundation
import Reports
import Testing

/// JSON numbers: 12 significant digits, shortest form; integers and strings untouched.
@Suite struct JSONTextTests {
    static let cases: [(Double, String)] = [
        (1.24 + 2.48, "3.72"),                   // 3.7199999999999998 in binary
        (0.1 + 0.2, "0.3"),                      // 0.30000000000000004
        (7 * 3.33, "23.31"),                     // 23.310000000000002
        (1e9 / 3.33, "300300300.3"),             // 300300300.3003003: 12 digits are 300300300.300
        (0.625, "0.625"),
        (5.0, "5"),
        (-2.5, "-2.5"),
        (4.999999999999999, "5"),                // rounds to a whole number
        (1e-7, "1e-07"),
        (-0.0, "0"),
        (1e20, "1e+20"),
        (123456789.123456789, "123456789.123"),  // 12 significant digits
    ]

    @Test(arguments: cases)
    func number(value: Double, expected: String) {
        #expect(JSONText.number(value) == expected)
    }

    @Test func normalizingKeepsStringsAndIntegers() {
        let json = #"{"a" : 3.7199999999999998, "s" : "3.7199999999999998 \" 0.30000000000000004", "n" : -12, "big" : 9007199254740993, "e" : 2.4000000000000004E+2, "list" : [0.1, 1e-3]}"#
        let expected = #"{"a" : 3.72, "s" : "3.7199999999999998 \" 0.30000000000000004", "n" : -12, "big" : 9007199254740993, "e" : 240, "list" : [0.1, 0.001]}"#
        #expect(JSONText.normalizingNumbers(json) == expected)
    }

    @Test func encodeAndSerializeAgree() throws {
        struct Point: Encodable { let criticalPathNs: Double; let latencyCycles: Int; let note: String }
        let encoded = try JSONText.encode(Point(criticalPathNs: 1.24 + 2.48, latencyCycles: 14, note: "2.4000000000000004"))
        #expect(encoded == "{\n  \"criticalPathNs\" : 3.72,\n  \"latencyCycles\" : 14,\n  \"note\" : \"2.4000000000000004\"\n}\n")
        let serialized = try JSONText.serialize(["criticalPathNs": 1.24 + 2.48, "latencyCycles": 14, "note": "2.4000000000000004"] as [String: Any])
        #expect(serialized.contains("3.72") && !serialized.contains("3.719") && serialized.contains("\"2.4000000000000004\"")
                && serialized.hasSuffix("}\n"), "\(serialized)")
    }
}

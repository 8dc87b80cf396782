import Foundation

/// The one way every command writes JSON: pretty-printed with sorted keys, ending in a newline, and every
/// non-integer number rounded to 12 significant digits, then written in its shortest form (`3.72`, not the
/// `3.7199999999999998` that 1.24 + 2.48 gives in binary; `23.31` for 7 × 3.33). Times in ns, rates and
/// ratios carry far fewer meaningful digits than 12, and a double's rounding noise (about 1e-16 relative per
/// operation) stays far below the 12th digit. Integers (counts, cycles, bits) are written exactly, as given.
public enum JSONText {
    /// Significant decimal digits kept of a non-integer number.
    public static let significantDigits = 12

    /// `value` as pretty-printed, key-sorted JSON with normalized numbers.
    public static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return normalizingNumbers(String(decoding: try encoder.encode(value), as: UTF8.self)) + "\n"
    }

    /// A `JSONSerialization` object (dictionaries, arrays, strings, numbers) as pretty-printed, key-sorted
    /// JSON with normalized numbers.
    public static func serialize(_ object: Any) throws -> String {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        return normalizingNumbers(String(decoding: data, as: UTF8.self)) + "\n"
    }

    /// A JSON number for `value`: rounded to `significantDigits` significant digits, then the shortest
    /// decimal that reads back as that double; a whole number below 2^53 without a fraction (`5`, not `5.0`).
    /// `value` must be finite (JSON has no NaN or infinity).
    public static func number(_ value: Double) -> String {
        let rounded = Double(String(format: "%.\(significantDigits)g", value)) ?? value
        if rounded == rounded.rounded(), rounded.magnitude < 0x1p53 {
            return rounded == 0 ? "0" : String(Int64(rounded))
        }
        return "\(rounded)"   // Swift's shortest round-trip form: 3.72, 1e-07, 1e+20 (all valid JSON)
    }

    /// `json` with every number token that has a fraction or an exponent rewritten by `number(_:)`; string
    /// contents (which may contain digits) and integer tokens are copied unchanged.
    public static func normalizingNumbers(_ json: String) -> String {
        let bytes = Array(json.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        var inString = false
        while index < bytes.count {
            let byte = bytes[index]
            if inString {
                output.append(byte)
                if byte == UInt8(ascii: "\\"), index + 1 < bytes.count {
                    output.append(bytes[index + 1])
                    index += 2
                    continue
                }
                if byte == UInt8(ascii: "\"") { inString = false }
                index += 1
            } else if byte == UInt8(ascii: "\"") {
                inString = true
                output.append(byte)
                index += 1
            } else if byte == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                var end = index + 1
                while end < bytes.count, isNumberByte(bytes[end]) { end += 1 }
                let token = bytes[index..<end]
                let isInteger = !token.contains { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
                if !isInteger, let value = Double(String(decoding: token, as: UTF8.self)), value.isFinite {
                    output.append(contentsOf: number(value).utf8)
                } else {
                    output.append(contentsOf: token)
                }
                index = end
            } else {
                output.append(byte)
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func isNumberByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e")
            || byte == UInt8(ascii: "E") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-")
    }
}

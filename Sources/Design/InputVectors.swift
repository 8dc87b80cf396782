import Foundation

/// Input vectors for simulation and verification: deterministic random ones, or read from a text file.
public enum InputVectors {
    /// `count` vectors of `size` standard-normal values (Box–Muller over SplitMix64), like the
    /// standard-scaled physics features trigger networks take. The same seed gives the same vectors.
    public static func random(count: Int, size: Int, seed: UInt64) -> [[Double]] {
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { _ in
            (0..<size).map { _ in
                let u1 = max(generator.nextUnit(), 0x1p-53), u2 = generator.nextUnit()
                return (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2)
            }
        }
    }

    /// Reads a text file with one vector per line; values separated by commas and/or white space;
    /// blank lines and lines starting with `#` are skipped.
    public static func read(_ url: URL, expectedSize: Int) throws(InputFileError) -> [[Double]] {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw .unreadable(file: url.path, reason: error.localizedDescription)
        }
        var vectors: [[Double]] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let fields = trimmed.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" })
            var vector: [Double] = []
            for field in fields {
                guard let value = Double(field), value.isFinite else {
                    throw .badValue(file: url.path, line: index + 1, text: String(field))
                }
                vector.append(value)
            }
            guard vector.count == expectedSize else {
                throw .wrongSize(file: url.path, line: index + 1, expected: expectedSize, found: vector.count)
            }
            vectors.append(vector)
        }
        guard !vectors.isEmpty else { throw .empty(file: url.path) }
        return vectors
    }
}

/// A problem with an input-vector file.
public enum InputFileError: Error, Equatable, Sendable, CustomStringConvertible {
    case unreadable(file: String, reason: String)
    case badValue(file: String, line: Int, text: String)
    case wrongSize(file: String, line: Int, expected: Int, found: Int)
    case empty(file: String)

    public var description: String {
        switch self {
        case let .unreadable(file, reason): return "\(file): cannot read the input vectors: \(reason)"
        case let .badValue(file, line, text): return "\(file):\(line): '\(text)' is not a finite number"
        case let .wrongSize(file, line, expected, found):
            return "\(file):\(line): the vector has \(found) values, the design's input takes \(expected)"
        case let .empty(file): return "\(file): no input vectors in the file"
        }
    }
}

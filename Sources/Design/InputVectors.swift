import Foundation
import Support

/// Input vectors for simulation and verification: deterministic random ones, or read from a text file.
public enum InputVectors {
    /// `count` vectors of `size` standard-normal values (Box–Muller over SplitMix64), like the
    /// standard-scaled physics features trigger networks take. The same seed gives the same vectors.
    public static func random(count: Int, size: Int, seed: UInt64) -> [[Double]] {
        random(range: 0..<count, size: size, seed: seed)
    }

    /// Vectors `range` of the sequence `random(count:size:seed:)` makes, without making the ones before: each
    /// value takes two draws, and SplitMix64's state after n draws is seed + n·γ, so the generator starts there.
    public static func random(range: Range<Int>, size: Int, seed: UInt64) -> [[Double]] {
        let skipped = UInt64(truncatingIfNeeded: 2 &* size &* range.lowerBound)
        var generator = SplitMix64(seed: seed &+ skipped &* 0x9E37_79B9_7F4A_7C15)
        return range.map { _ in
            (0..<size).map { _ in
                let u1 = max(generator.nextUnit(), 0x1p-53), u2 = generator.nextUnit()
                return (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2)
            }
        }
    }

    /// Reads a text file with one vector per line; values separated by commas and/or white space;
    /// blank lines and lines starting with `#` are skipped, and so is a header line (the first other line when
    /// none of its fields is a number, e.g. a CSV header). LF and CRLF line ends are both accepted.
    /// NaN and infinities are rejected like in HDF5 inputs: the error counts the affected events and names the first.
    public static func read(_ url: URL, expectedSize: Int) throws(InputFileError) -> [[Double]] {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw .unreadable(file: url.path, reason: FileProblem.describe(error, path: url.path))
        }
        var vectors: [[Double]] = []
        var sawContent = false
        var nonFinite = 0
        var firstNonFinite: (event: Int, line: Int)?
        // "\r\n" is one Character, which `isNewline` matches like "\n".
        for (index, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let fields = trimmed.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" })
            defer { sawContent = true }
            if !sawContent && !fields.contains(where: { Double($0) != nil }) { continue }   // header
            var vector: [Double] = []
            for field in fields {
                guard let value = Double(field) else {
                    throw .badValue(file: url.path, line: index + 1, text: String(field))
                }
                vector.append(value)
            }
            guard vector.count == expectedSize else {
                throw .wrongSize(file: url.path, line: index + 1, expected: expectedSize, found: vector.count)
            }
            if !vector.allSatisfy(\.isFinite) {
                nonFinite += 1
                if firstNonFinite == nil { firstNonFinite = (vectors.count, index + 1) }
            }
            vectors.append(vector)
        }
        if let first = firstNonFinite {
            throw .nonFinite(source: url.path, events: nonFinite, firstEvent: first.event, line: first.line)
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
    /// Events holding NaN or an infinity (text or HDF5 input; `line` only for text files). Event indices count
    /// from 0 in file order.
    case nonFinite(source: String, events: Int, firstEvent: Int, line: Int?)

    public var description: String {
        switch self {
        case let .unreadable(file, reason): return "\(file): cannot read the input vectors: \(reason)"
        case let .badValue(file, line, text): return "\(file):\(line): '\(text)' is not a number"
        case let .wrongSize(file, line, expected, found):
            return "\(file):\(line): the vector has \(found) values, the design's input takes \(expected)"
        case let .empty(file): return "\(file): no input vectors in the file"
        case let .nonFinite(source, events, first, line):
            return "\(source): \(events) event\(events == 1 ? "" : "s") hold NaN or infinite values, the first is event \(first)"
                + (line.map { " (line \($0))" } ?? "") + "; the fixed-point inputs have no such values: remove or replace them"
        }
    }
}

import Foundation
import Support
import Yams

/// Reads one parameter array of a layer (a Dense kernel or bias, a BatchNorm γ, β, mean, …) in any of the
/// forms a design allows:
/// - a constant number, repeated;
/// - an inline list (flat, or for a kernel a list of `rows` rows of `columns` numbers);
/// - `{file: path}`: numbers separated by whitespace or commas, `#` starts a comment, path relative to the
///   design file, row-major `[i][j]` for a kernel (hls4ml's `weights/*.txt` files read as they are);
/// - `{random: {seed:, scale:, offset:, sparsity:}}`: SplitMix64 seeded by `seed`, uniform in
///   [offset − scale, offset + scale]; then, if `sparsity` > 0, round(sparsity·n) entries chosen by a
///   Fisher–Yates shuffle drawn from the same generator are set to zero.
enum ParameterValues {
    static func read(_ cursor: YAMLCursor, count: Int, rows: Int? = nil, directory: URL) throws(DesignError) -> [Double] {
        guard count <= YAMLCursor.sizeLimit else {
            throw cursor.invalid("at most \(YAMLCursor.sizeLimit) values per array (this layer needs \(count))")
        }
        if cursor.isScalar {
            return Array(repeating: try cursor.double(), count: count)
        }
        if cursor.isSequence {
            return try inline(cursor, count: count, rows: rows)
        }
        let mapping = try cursor.mapping(known: ["file", "random"])
        if let file = mapping.optional("file") {
            guard !mapping.has("random") else {
                throw cursor.invalid("either {file: …} or {random: …}, not both")
            }
            return try fromFile(file, count: count, directory: directory)
        }
        if let random = mapping.optional("random") {
            return try self.random(random, count: count)
        }
        throw cursor.invalid("a number, a list of numbers, {file: path} or {random: {seed:, scale:}}")
    }

    private static func inline(_ cursor: YAMLCursor, count: Int, rows: Int?) throws(DesignError) -> [Double] {
        let elements = try cursor.sequence()
        let nested = elements.contains { $0.isSequence }
        guard nested else {
            guard elements.count == count else {
                throw .shapeMismatch(cursor.location, expected: count, found: elements.count)
            }
            var values: [Double] = []
            values.reserveCapacity(count)
            for element in elements { values.append(try element.double()) }
            return values
        }
        guard let rows, rows > 0 else { throw cursor.invalid("a flat list of \(count) numbers") }
        guard elements.count == rows else {
            throw .shapeMismatch(cursor.location, expected: rows, found: elements.count)
        }
        let columns = count / rows
        var values: [Double] = []
        values.reserveCapacity(count)
        for row in elements {
            let entries = try row.sequence()
            guard entries.count == columns else {
                throw .shapeMismatch(row.location, expected: columns, found: entries.count)
            }
            for entry in entries { values.append(try entry.double()) }
        }
        return values
    }

    private static func fromFile(_ cursor: YAMLCursor, count: Int, directory: URL) throws(DesignError) -> [Double] {
        let path = try cursor.string()
        let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : directory.appendingPathComponent(path)
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw .unreadableParameterFile(cursor.location, path: url.path, reason: FileProblem.describe(error, path: url.path))
        }
        var values: [Double] = []
        values.reserveCapacity(count)
        for (lineIndex, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let content = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            for token in content.split(whereSeparator: { $0 == "," || $0.isWhitespace }) {
                guard let value = YAMLCursor.number(String(token)) else {
                    throw .unreadableParameterFile(cursor.location, path: url.path,
                        reason: "line \(lineIndex + 1): '\(token)' is not a finite number")
                }
                values.append(value)
            }
        }
        guard values.count == count else {
            throw .shapeMismatch(cursor.location, expected: count, found: values.count)
        }
        return values
    }

    private static func random(_ cursor: YAMLCursor, count: Int) throws(DesignError) -> [Double] {
        let mapping = try cursor.mapping(known: ["seed", "scale", "offset", "sparsity"])
        let seedCursor = try mapping.required("seed")
        guard let seed = UInt64(try seedCursor.string().trimmingCharacters(in: .whitespaces)) else {
            throw seedCursor.invalid("a non-negative integer seed")
        }
        let scale = try mapping.optional("scale")?.double() ?? 1
        guard scale >= 0 else { throw mapping.optional("scale")?.invalid("a scale ≥ 0") ?? cursor.invalid("a scale ≥ 0") }
        let offset = try mapping.optional("offset")?.double() ?? 0
        var sparsity = 0.0
        if let sparsityCursor = mapping.optional("sparsity") {
            sparsity = try sparsityCursor.double()
            guard (0...1).contains(sparsity) else { throw sparsityCursor.invalid("a fraction in [0, 1]") }
        }
        var generator = SplitMix64(seed: seed)
        var values = (0..<count).map { _ in generator.nextUniform(center: offset, halfWidth: scale) }
        let zeros = Int((sparsity * Double(count)).rounded())
        if zeros > 0 {
            var indices = Array(0..<count)
            for position in stride(from: count - 1, to: 0, by: -1) {
                indices.swapAt(position, generator.nextIndex(below: position + 1))
            }
            for index in indices.prefix(zeros) { values[index] = 0 }
        }
        return values
    }
}

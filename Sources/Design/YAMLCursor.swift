import Foundation
import FixedPoint
import Yams

/// A YAML node together with where it sits (file, layer, field path), so that every value read from a design
/// can throw a `DesignError` that names its place. Numbers are parsed from the scalar text, not by YAML's
/// type resolution, so `08` is eight and a quoted `"5"` is five.
struct YAMLCursor {
    let node: Node
    let file: String
    let layer: String?
    let field: String?

    init(node: Node, file: String, layer: String? = nil, field: String? = nil) {
        self.node = node
        self.file = file
        self.layer = layer
        self.field = field
    }

    var location: DesignLocation {
        DesignLocation(file: file, line: node.mark?.line, layer: layer, field: field)
    }

    /// A cursor on a child node, with the field path extended by `key`.
    func child(_ node: Node, key: String) -> YAMLCursor {
        YAMLCursor(node: node, file: file, layer: layer, field: field.map { "\($0).\(key)" } ?? key)
    }

    /// The same node, seen as belonging to `layer` with a fresh field path.
    func inLayer(_ layer: String) -> YAMLCursor {
        YAMLCursor(node: node, file: file, layer: layer, field: nil)
    }

    /// A short rendering of the node for error messages.
    var excerpt: String {
        switch node {
        case let .scalar(scalar): return scalar.string
        case .mapping: return "{…} (a mapping)"
        case .sequence: return "[…] (a list)"
        case .alias: return "*alias"
        }
    }

    var isNull: Bool {
        if case let .scalar(scalar) = node, scalar.style == .plain || scalar.style == .any {
            return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
        }
        return false
    }

    var isMapping: Bool { node.mapping != nil }
    var isSequence: Bool { node.sequence != nil }
    var isScalar: Bool { node.scalar != nil }

    func invalid(_ expected: String) -> DesignError {
        .invalidValue(location, value: excerpt, expected: expected)
    }

    // MARK: Scalars

    func string() throws(DesignError) -> String {
        guard case let .scalar(scalar) = node else { throw invalid("a text value") }
        return scalar.string
    }

    func double() throws(DesignError) -> Double {
        guard case let .scalar(scalar) = node,
              let value = YAMLCursor.number(scalar.string) else { throw invalid("a number") }
        return value
    }

    func positiveInteger() throws(DesignError) -> Int {
        guard case let .scalar(scalar) = node,
              let value = Int(scalar.string.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "_", with: "")),
              value > 0 else { throw invalid("a positive integer") }
        guard value <= YAMLCursor.sizeLimit else { throw invalid("a positive integer up to \(YAMLCursor.sizeLimit)") }
        return value
    }

    func bool() throws(DesignError) -> Bool {
        guard case let .scalar(scalar) = node else { throw invalid("true or false") }
        switch scalar.string.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw invalid("true or false")
        }
    }

    /// A precision string, or `auto`.
    func precisionSetting() throws(DesignError) -> PrecisionSetting {
        let text = try string()
        if text.trimmingCharacters(in: .whitespaces).lowercased() == "auto" { return .auto }
        let precision: Precision
        // `Precision(parsing:)` validates the width and the integer bits (±Precision.integerBitsLimit), which
        // keeps the integer-bit arithmetic of `auto` far from overflow.
        do { precision = try Precision(parsing: text) } catch { throw .invalidPrecision(location, error) }
        return .fixed(precision)
    }

    /// The largest number of values one parameter array or one layer dimension may have.
    static let sizeLimit = 1 << 24

    /// Parses a finite decimal number, allowing `_` separators and YAML's `.inf`/`.nan` spellings to fail.
    static func number(_ text: String) -> Double? {
        let cleaned = text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "_", with: "")
        guard let value = Double(cleaned), value.isFinite else { return nil }
        return value
    }

    // MARK: Collections

    func sequence() throws(DesignError) -> [YAMLCursor] {
        guard let sequence = node.sequence else { throw invalid("a list") }
        return sequence.enumerated().map { index, element in
            YAMLCursor(node: element, file: file, layer: layer, field: "\(field ?? "")[\(index)]")
        }
    }

    /// The node as a mapping whose keys must all be in `known`.
    func mapping(known: [String]) throws(DesignError) -> YAMLMapping {
        guard let mapping = node.mapping else { throw invalid("a mapping of \(known.joined(separator: ", "))") }
        var entries: [(key: String, value: YAMLCursor)] = []
        for (keyNode, valueNode) in mapping {
            let key = keyNode.string ?? ""
            let cursor = child(valueNode, key: key)
            guard known.contains(key) else {
                throw .unknownField(YAMLCursor(node: keyNode, file: file, layer: layer, field: cursor.field).location,
                                    known: known)
            }
            entries.append((key, cursor))
        }
        return YAMLMapping(cursor: self, entries: entries)
    }

    /// The node as a mapping with arbitrary keys (such as layer names), in file order.
    func openMapping() throws(DesignError) -> [(key: String, value: YAMLCursor)] {
        guard let mapping = node.mapping else { throw invalid("a mapping") }
        return mapping.map { keyNode, valueNode in
            (keyNode.string ?? "", child(valueNode, key: keyNode.string ?? ""))
        }
    }
}

/// A mapping read through a `YAMLCursor`; a key holding `null` counts as absent.
struct YAMLMapping {
    let cursor: YAMLCursor
    let entries: [(key: String, value: YAMLCursor)]

    func optional(_ key: String) -> YAMLCursor? {
        guard let value = entries.first(where: { $0.key == key })?.value, !value.isNull else { return nil }
        return value
    }

    func required(_ key: String) throws(DesignError) -> YAMLCursor {
        guard let value = optional(key) else {
            var location = cursor.location
            location.field = cursor.field.map { "\($0).\(key)" } ?? key
            throw .missingField(location)
        }
        return value
    }

    func has(_ key: String) -> Bool { optional(key) != nil }

    /// An invalid value of `key`: its own node when the mapping has it, otherwise the value it stands for when
    /// absent (`value`, e.g. a default or the tensor a layer reads), located at the mapping with the field named.
    func invalid(_ key: String, absentValue value: String, expected: String) -> DesignError {
        if let cursor = optional(key) { return cursor.invalid(expected) }
        var location = cursor.location
        location.field = cursor.field.map { "\($0).\(key)" } ?? key
        return .invalidValue(location, value: value, expected: expected)
    }
}

/// A precision as written in a design: a concrete type or `auto`.
enum PrecisionSetting: Equatable {
    case fixed(Precision)
    case auto
}

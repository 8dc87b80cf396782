import Foundation

/// A minimal XML element tree: enough for the csynth XML reports (elements, text, attributes ignored,
/// comments and processing instructions skipped, the five predefined entities and numeric references).
struct XMLElement: Sendable, Equatable {
    var name: String
    var text: String = ""
    var children: [XMLElement] = []

    /// The first child named `name`.
    func child(_ name: String) -> XMLElement? { children.first { $0.name == name } }

    /// The trimmed text of the first descendant reached by `path` (child names).
    func value(_ path: String...) -> String? {
        var element: XMLElement? = self
        for name in path { element = element?.child(name) }
        return element.map { $0.text.trimmingCharacters(in: .whitespacesAndNewlines) }
    }
}

/// A reason the XML could not be read, with the line where it was found.
struct XMLSyntaxError: Error, Sendable, Equatable {
    var line: Int
    var reason: String
}

/// Parses an XML document into its root element.
enum XMLTreeParser {
    static func parse(_ text: String) throws(XMLSyntaxError) -> XMLElement {
        let bytes = Array(text.utf8)
        var index = 0
        var line = 1
        var stack: [XMLElement] = []
        var root: XMLElement?

        func fail(_ reason: String) -> XMLSyntaxError { XMLSyntaxError(line: line, reason: reason) }
        func advance(to end: Int) {
            while index < end { if bytes[index] == UInt8(ascii: "\n") { line += 1 }; index += 1 }
        }
        func matches(_ needle: [UInt8], at position: Int) -> Bool {
            guard position + needle.count <= bytes.count else { return false }
            for offset in needle.indices where bytes[position + offset] != needle[offset] { return false }
            return true
        }
        func find(_ pattern: String, from start: Int) -> Int? {
            let needle = Array(pattern.utf8)
            var position = start
            while position + needle.count <= bytes.count {
                if matches(needle, at: position) { return position }
                position += 1
            }
            return nil
        }

        while index < bytes.count {
            if bytes[index] != UInt8(ascii: "<") {
                var end = index
                while end < bytes.count, bytes[end] != UInt8(ascii: "<") { end += 1 }
                let raw = String(decoding: bytes[index..<end], as: UTF8.self)
                if stack.isEmpty {
                    guard raw.allSatisfy(\.isWhitespace) else { throw fail("text outside the root element") }
                } else {
                    stack[stack.count - 1].text += try decodeEntities(raw, line: line)
                }
                advance(to: end)
                continue
            }
            if let prefix = ["<?", "<!--", "<!"].first(where: { matches(Array($0.utf8), at: index) }) {
                let close = prefix == "<?" ? "?>" : (prefix == "<!--" ? "-->" : ">")
                guard let end = find(close, from: index + prefix.count) else { throw fail("'\(prefix)' not closed (truncated?)") }
                advance(to: end + close.utf8.count)
                continue
            }
            guard let end = find(">", from: index) else { throw fail("tag not closed (truncated?)") }
            var tag = String(decoding: bytes[index + 1..<end], as: UTF8.self)
            // A name ends at white space; a '<' inside a tag means a '>' went missing (a cut or damaged file).
            if tag.contains("<") {
                throw fail("tag <\(tag.prefix { !$0.isWhitespace && $0 != "<" })…> not closed before the next '<' (damaged file?)")
            }
            advance(to: end + 1)
            if tag.hasPrefix("/") {
                let name = tag.dropFirst().trimmingCharacters(in: .whitespacesAndNewlines)
                guard let open = stack.popLast() else { throw fail("closing tag </\(name)> without an opening tag") }
                guard open.name == name else { throw fail("closing tag </\(name)> does not match <\(open.name)>") }
                if stack.isEmpty { root = open } else { stack[stack.count - 1].children.append(open) }
                continue
            }
            let selfClosing = tag.hasSuffix("/")
            if selfClosing { tag.removeLast() }
            let name = String(tag.prefix { !$0.isWhitespace })
            guard !name.isEmpty else { throw fail("empty tag name") }
            guard root == nil || !stack.isEmpty else { throw fail("a second root element <\(name)>") }
            let element = XMLElement(name: name)
            if selfClosing {
                if stack.isEmpty { root = element } else { stack[stack.count - 1].children.append(element) }
            } else {
                stack.append(element)
            }
        }
        if let open = stack.last { throw fail("element <\(open.name)> not closed (truncated?)") }
        guard let root else { throw fail("no root element") }
        return root
    }

    static func decodeEntities(_ raw: String, line: Int) throws(XMLSyntaxError) -> String {
        guard raw.contains("&") else { return raw }
        var result = ""
        var rest = Substring(raw)
        while let amp = rest.firstIndex(of: "&") {
            result += rest[..<amp]
            guard let semicolon = rest[amp...].firstIndex(of: ";") else { throw XMLSyntaxError(line: line, reason: "'&' without ';'") }
            let entity = rest[rest.index(after: amp)..<semicolon]
            switch entity {
            case "lt": result += "<"
            case "gt": result += ">"
            case "amp": result += "&"
            case "quot": result += "\""
            case "apos": result += "'"
            default:
                let scalar: UInt32? = entity.hasPrefix("#x") ? UInt32(entity.dropFirst(2), radix: 16)
                    : (entity.hasPrefix("#") ? UInt32(entity.dropFirst()) : nil)
                guard let scalar, let character = Unicode.Scalar(scalar) else {
                    throw XMLSyntaxError(line: line, reason: "unknown entity '&\(entity);'")
                }
                result.unicodeScalars.append(character)
            }
            rest = rest[rest.index(after: semicolon)...]
        }
        return result + rest
    }
}

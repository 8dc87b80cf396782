/// Edits the `config:` block of a design file's text in place, keeping every comment and every other line:
/// used by `fifo-size` to write the sized depths (and the IOType they were sized for) into a copy of the design.
public enum DesignFileEditor {
    /// The text with `config.FIFODepth` set to `depths` (replacing any earlier `FIFODepth`) and, when given,
    /// `config.IOType` set to `ioType`. A file without `config:` gets one; nil when `config` is an inline
    /// `{…}` mapping, which this line editor does not rewrite.
    public static func settingConfig(_ text: String, fifoDepths depths: [String: Int], ioType: String? = nil) -> String? {
        var lines = text.components(separatedBy: "\n")
        let entry = "  FIFODepth: { " + depths.keys.sorted().map { "\($0): \(depths[$0]!)" }.joined(separator: ", ") + " }"
        guard let config = lines.firstIndex(where: { $0.hasPrefix("config:") }) else {
            var added = ["config:"]
            if let ioType { added.append("  IOType: \(ioType)") }
            added.append(entry)
            let layers = lines.firstIndex { $0.hasPrefix("layers:") } ?? lines.count
            lines.insert(contentsOf: added, at: layers)
            return lines.joined(separator: "\n")
        }
        if lines[config].trimmingCharacters(in: .whitespaces) != "config:" { return nil }
        // The config block: the lines after `config:` that are indented, blank or comments.
        var end = config + 1
        while end < lines.count, lines[end].isEmpty || lines[end].hasPrefix(" ") || lines[end].hasPrefix("#") { end += 1 }
        func indentation(_ line: String) -> Int { line.prefix { $0 == " " }.count }
        /// Removes the child `key` (and its nested lines) from the config block.
        func remove(_ key: String) {
            var index = config + 1
            while index < end {
                let trimmed = lines[index].drop { $0 == " " }
                if indentation(lines[index]) == 2 && trimmed.hasPrefix(key + ":") {
                    var stop = index + 1
                    while stop < end, !lines[stop].trimmingCharacters(in: .whitespaces).isEmpty, indentation(lines[stop]) > 2 { stop += 1 }
                    lines.removeSubrange(index..<stop)
                    end -= stop - index
                } else {
                    index += 1
                }
            }
        }
        remove("FIFODepth")
        var insert = [entry]
        if let ioType {
            remove("IOType")
            insert.insert("  IOType: \(ioType)", at: 0)
        }
        if lines[config].trimmingCharacters(in: .whitespaces) != "config:" { return nil }
        lines.insert(contentsOf: insert, at: config + 1)
        return lines.joined(separator: "\n")
    }
}

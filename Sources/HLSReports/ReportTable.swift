/// A `+---+` / `|…|` table of a text report: its header rows and data rows, cells trimmed.
struct ReportTable: Sendable, Equatable {
    var headerRows: [[Substring]]
    /// Data rows in order, including the rows after a rule (a "Total" row, a second body).
    var rows: [[Substring]]
    /// The first cell of every data row untrimmed (its leading spaces give a tree depth).
    var rawFirstCells: [Substring] = []
    /// The line index after the table.
    var endLine: Int

    /// The header labels, one per column: the header rows' cells joined per column where every header row
    /// has the same number of cells, else the last header row's cells (a label spanning two columns).
    var labels: [String] {
        guard let last = headerRows.last else { return [] }
        if headerRows.allSatisfy({ $0.count == last.count }) {
            return last.indices.map { column in
                headerRows.map { String($0[column]) }.filter { !$0.isEmpty }.joined(separator: " ")
            }
        }
        return last.map(String.init)
    }

    /// Reads the table that starts at the first non-blank line at or after `start` (before `end`); nil when
    /// that line says `N/A` (an empty detail table). `name` is used in errors.
    static func read(_ lines: [Substring], from start: Int, to end: Int, name: String, file: String) throws(HLSReportError) -> ReportTable? {
        var index = start
        while index < end, lines[index].allSatisfy(\.isWhitespace) { index += 1 }
        guard index < end else { throw .sectionNotFound(file: file, section: name) }
        let first = lines[index].trimmingWhitespace()
        if first == "N/A" { return nil }
        guard isRule(first) else {
            throw .malformedTable(file: file, table: name, row: nil, reason: "expected a '+---+' rule, found '\(first.prefix(40))'")
        }
        var groups: [[[Substring]]] = [[]]
        var rawFirst: [Substring] = []
        var closed = false
        var dataRow = 0
        index += 1
        while index < end {
            let line = lines[index].trimmingWhitespace()
            if isRule(line) {
                groups.append([])
                closed = true
                index += 1
                continue
            }
            guard line.hasPrefix("|") else { break }
            closed = false
            if groups.count > 1 { dataRow += 1 }
            guard line.count >= 2, line.hasSuffix("|") else {
                throw .malformedTable(file: file, table: name, row: groups.count > 1 ? dataRow : nil,
                                      reason: "the row is cut short (no closing '|')")
            }
            let raw = line.dropFirst().dropLast().split(separator: "|", omittingEmptySubsequences: false)
            let cells = raw.map { $0.trimmingWhitespace() }
            if groups.count > 1 { rawFirst.append(raw.first ?? "") }
            groups[groups.count - 1].append(cells)
            index += 1
        }
        guard closed else {
            throw .malformedTable(file: file, table: name, row: nil, reason: "the table ends without its closing '+---+' rule (truncated?)")
        }
        groups.removeLast()   // the empty group after the closing rule
        guard let header = groups.first, !header.isEmpty else {
            throw .malformedTable(file: file, table: name, row: nil, reason: "no header row")
        }
        return ReportTable(headerRows: header, rows: groups.dropFirst().flatMap { $0 }, rawFirstCells: rawFirst, endLine: index)
    }

    static func isRule(_ line: Substring) -> Bool {
        line.count >= 2 && line.first == "+" && line.last == "+" && line.allSatisfy { $0 == "+" || $0 == "-" }
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces, tabs and line ends.
    func trimmingWhitespace() -> Substring {
        let text = Substring(self)
        guard let first = text.firstIndex(where: { !$0.isWhitespace }) else { return "" }
        let last = text.lastIndex(where: { !$0.isWhitespace })!
        return text[first...last]
    }
}

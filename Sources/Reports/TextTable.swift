/// A plain aligned text table (first column left-aligned, the rest right-aligned).
public struct TextTable: Sendable {
    public var header: [String]
    public var rows: [[String]] = []
    /// Indices of rows after which a rule is drawn.
    public var rulesAfter: Set<Int> = []

    public init(header: [String]) { self.header = header }

    public mutating func add(_ row: [String]) { rows.append(row) }
    public mutating func rule() { rulesAfter.insert(rows.count - 1) }

    public func render(leftAligned: Set<Int> = [0]) -> String {
        let all = [header] + rows
        let columns = all.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: columns)
        for row in all { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) } }
        func line(_ row: [String]) -> String {
            row.enumerated().map { index, cell in
                let pad = String(repeating: " ", count: widths[index] - cell.count)
                return leftAligned.contains(index) ? cell + pad : pad + cell
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        let ruleLine = String(repeating: "-", count: widths.reduce(0, +) + 2 * max(columns - 1, 0))
        var text = line(header) + "\n" + ruleLine + "\n"
        for (index, row) in rows.enumerated() {
            text += line(row) + "\n"
            if rulesAfter.contains(index) { text += ruleLine + "\n" }
        }
        return text
    }
}

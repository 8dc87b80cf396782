/// A report that cannot be read, with the file and the part of it at fault.
public enum HLSReportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file has none of the headers of a C-synthesis report.
    case notAReport(file: String, reason: String)
    /// A section the figures come from is missing (or the file ends before it).
    case sectionNotFound(file: String, section: String)
    /// A table is malformed: too few columns, a value that is not a number, no closing rule.
    case malformedTable(file: String, table: String, row: Int?, reason: String)
    /// A value the report must give is missing or unreadable.
    case badValue(file: String, section: String, field: String, reason: String)
    /// The XML could not be parsed.
    case malformedXML(file: String, line: Int, reason: String)
    /// A folder holds no report that can be read.
    case noReport(folder: String, found: [String])
    /// A file or folder could not be read.
    case unreadable(path: String, reason: String)

    public var description: String {
        switch self {
        case let .notAReport(file, reason):
            return "\(file): not a Vivado/Vitis HLS C-synthesis report: \(reason)"
        case let .sectionNotFound(file, section):
            return "\(file): section '\(section)' not found (truncated report?)"
        case let .malformedTable(file, table, row, reason):
            return "\(file): \(table) table\(row.map { " row \($0)" } ?? ""): \(reason)"
        case let .badValue(file, section, field, reason):
            return "\(file): section '\(section)': \(field): \(reason)"
        case let .malformedXML(file, line, reason):
            return "\(file): line \(line): malformed XML: \(reason)"
        case let .noReport(folder, found):
            let listing = found.isEmpty ? "the folder is empty" : "found: " + found.prefix(12).joined(separator: ", ") + (found.count > 12 ? ", …" : "")
            return "\(folder): no C-synthesis report here (myproject_csynth.rpt, <top>_csynth.rpt or .xml, csynth.rpt); \(listing)"
        case let .unreadable(path, reason):
            return "\(path): cannot read: \(reason)"
        }
    }
}

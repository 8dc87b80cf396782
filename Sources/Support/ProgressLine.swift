import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A one-line "what is running, for how long" indicator for long steps (Verilator and Yosys builds), on
/// stderr and only when stderr is a terminal: nothing at all is written otherwise, so logs and pipes stay clean.
public final class ProgressLine: @unchecked Sendable {
    private let label: String
    private let write: (String) -> Void
    private var shown = false

    /// nil when `isTerminal` is false (by default: when stderr is not a terminal).
    public init?(label: String, isTerminal: Bool = ProgressLine.stderrIsTerminal,
                 write: @escaping (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        guard isTerminal else { return nil }
        self.label = label
        self.write = write
    }

    /// True when stderr is a terminal.
    public static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// Rewrites the line with the elapsed whole seconds (from the first second on: quick steps show nothing).
    public func update(elapsed: Double) {
        guard elapsed >= 1 else { return }
        shown = true
        write("\r\u{1B}[K\(label) … \(Int(elapsed)) s")
    }

    /// Replaces the line with "label: N.N s" when it was shown at all.
    public func finish(elapsed: Double) {
        guard shown else { return }
        write("\r\u{1B}[K\(label): \(String(format: "%.1f", elapsed)) s\n")
    }
}

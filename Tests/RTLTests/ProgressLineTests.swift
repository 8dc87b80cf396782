import Foundation
@testable import Toolchain
import Support
import Testing

/// Long steps show what runs and for how long, on a terminal only.
@Suite struct ProgressLineTests {
    final class Sink: @unchecked Sendable {
        var text = ""
    }

    @Test func terminalGetsLabelAndElapsedSeconds() throws {
        let sink = Sink()
        let line = try #require(ProgressLine(label: "building Vtop with Verilator", isTerminal: true) { sink.text += $0 })
        line.update(elapsed: 0.5)
        #expect(sink.text.isEmpty, "nothing before the first second")
        line.update(elapsed: 12.7)
        #expect(sink.text.hasSuffix("building Vtop with Verilator … 12 s"))
        line.finish(elapsed: 13.04)
        #expect(sink.text.hasSuffix("building Vtop with Verilator: 13.0 s\n"))
    }

    @Test func nothingWhenNotATerminal() {
        #expect(ProgressLine(label: "x", isTerminal: false) { _ in Issue.record("wrote to a non-terminal") } == nil)
    }

    @Test(.enabled(if: !ProgressLine.stderrIsTerminal, "the tests' stderr is a terminal"))
    func childOutputIsUnchangedByAProgressLabelWhenStderrIsNotATerminal() throws {
        let result = try ProcessRunner.run(URL(fileURLWithPath: "/bin/sh"), arguments: ["-c", "sleep 1.2; echo done"],
                                           directory: FileManager.default.temporaryDirectory, timeout: 60, progress: "sleeping")
        #expect(result.output == "done\n")
    }
}

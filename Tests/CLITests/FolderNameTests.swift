import Foundation
import Testing

/// Any folder a user can create works: the name here holds a space, a double quote and a dollar sign,
/// which GNU make (under Verilator's --build) and sh split or expand.
struct FolderNameTests {
    static let awkwardName = "pipewright run \"quoted\" $HOME"

    @Test(.enabled(if: CommandLineErrorTests.verilatorInstalled, "verilator is not on PATH"))
    func verifyBuildsAndRunsInAFolderWithSpaceQuoteAndDollar() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("pipewright-folder-\(UUID().uuidString)")
        let folder = base.appendingPathComponent(Self.awkwardName)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("Designs"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: CommandLineErrorTests.root.appendingPathComponent("Profiles"),
                                         to: folder.appendingPathComponent("Profiles"))
        try CommandLineErrorTests.good.write(to: folder.appendingPathComponent("Designs/tiny.yml"), atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: base) }
        let outcome = try CommandLineErrorTests.run(["verify", "Designs/tiny.yml", "--count", "5", "--json", "report.json"], in: folder)
        #expect(outcome.status == 0, "\(outcome.output)")
        #expect(outcome.reason == .exit)
        // The build, the binary, the waveform and the report are all inside the awkward folder.
        let built = folder.appendingPathComponent("build/verify/tiny-rf1-5ns/obj_dir")
        let binaries = (try? FileManager.default.contentsOfDirectory(atPath: built.path)) ?? []
        #expect(binaries.contains { $0.hasPrefix("V") && FileManager.default.isExecutableFile(atPath: built.appendingPathComponent($0).path) })
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("Waveforms/tiny.vcd").path))
        let report = try String(contentsOf: folder.appendingPathComponent("report.json"), encoding: .utf8)
        #expect(report.contains("\"mismatches\" : 0,"))
        #expect(report.contains("\"comparedOutputBits\" : 160,"), "5 inferences × 2 outputs × 16 bits (ap_fixed<16,6>)")
        #expect(outcome.output.contains("MATCH"))
    }
}

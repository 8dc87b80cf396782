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

/// Sweep exit status and simulate's two CSV files.
struct OutputFormatTests {
    @Test func sweepWhereEveryPointFailsExitsNonZero() throws {
        let file = try CommandLineErrorTests.scratch("tiny.yml", CommandLineErrorTests.good)
        let csv = file.deletingLastPathComponent().appendingPathComponent("sweep.csv")
        // fc1 has 4 × 2 = 8 multiplications: reuse factor 1000 exceeds it at every clock period.
        let outcome = try CommandLineErrorTests.run(["sweep", file.path, "--reuse-factors", "1000", "--clock-periods", "5", "10",
                                                     "--csv", csv.path])
        #expect(outcome.status == 1, "\(outcome.output)")
        #expect(outcome.output.contains("all 2 sweep points failed"))
        let rows = try String(contentsOf: csv, encoding: .utf8).split(separator: "\n")
        #expect(rows.count == 3)
        #expect(rows.dropFirst().allSatisfy { $0.hasPrefix("tiny,1000,") && $0.contains(",,,,,,") })
    }

    @Test func sweepWithSomeFailedPointsSaysHowMany() throws {
        let file = try CommandLineErrorTests.scratch("tiny.yml", CommandLineErrorTests.good)
        let outcome = try CommandLineErrorTests.run(["sweep", file.path, "--reuse-factors", "1", "1000", "--clock-periods", "5"])
        #expect(outcome.status == 0, "\(outcome.output)")
        #expect(outcome.output.contains("1 of 2 sweep points failed"))
    }

    @Test func simulateWritesLayersAndTheDesignToSeparateCSVFiles() throws {
        let file = try CommandLineErrorTests.scratch("tiny.yml", CommandLineErrorTests.good)
        let layers = file.deletingLastPathComponent().appendingPathComponent("layers.csv")
        let totals = file.deletingLastPathComponent().appendingPathComponent("design.csv")
        let outcome = try CommandLineErrorTests.run(["simulate", file.path, "--count", "3", "--csv", layers.path, "--design-csv", totals.path])
        #expect(outcome.status == 0, "\(outcome.output)")
        let layerRows = try String(contentsOf: layers, encoding: .utf8).split(separator: "\n")
        #expect(layerRows.count == 3)   // header, fc1, act: no design row among the layers
        #expect(layerRows.dropFirst().map { $0.split(separator: ",")[1] } == ["fc1", "act"])
        let designRows = try String(contentsOf: totals, encoding: .utf8).split(separator: "\n")
        #expect(designRows.count == 2)
        #expect(designRows[0].hasPrefix("design,io_type,device,clock_ns,"))
        #expect(designRows[1].hasPrefix("tiny,io_parallel,xcvu9p-2,5,0.625,1,5,"))   // 5 ns clock, 12.5 % uncertainty, II 1
    }
}

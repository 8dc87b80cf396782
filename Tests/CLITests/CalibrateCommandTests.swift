import Design
import Foundation
import Scheduling
import Testing

/// `pipewright calibrate` as a user runs it: the calibration designs against the reports in `../shared/hls_reports`.
@Suite struct CalibrateCommandTests {
    static let root = CommandLineErrorTests.root
    static let designs = root.appendingPathComponent("Designs/calibration")
    static let reports = root.appendingPathComponent("../shared/hls_reports").standardizedFileURL

    static func scratchDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pipewright-calibrate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// The 11 fabric designs (one pass, to keep the debug build quick): 8 fitted, every third by name held out.
    @Test func fitsTheFabricProfileAndWritesIt() throws {
        let directory = try Self.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("fitted.yml")
        let outcome = try CommandLineErrorTests.run(["calibrate", Self.designs.path, "--reports", Self.reports.path,
                                                     "--device", "xc7z007s-2-fabric", "--passes", "1", "-o", output.path])
        #expect(outcome.status == 0, "\(outcome.output)")
        #expect(outcome.output.contains("calibrate xc7z007s-2-fabric → xc7z007s-2-fabric-fitted: 8 design/report pairs fitted, 3 held out"),
                "\(outcome.output)")
        for line in ["fitted      start", "fitted     fitted", "held out    start", "held out   fitted", "dspMultiplyNs", "dspOutputNs", "wrote \(output.path)",
                     "note: 12 design(s) on other devices left out (xc7z007s-2)"] {
            #expect(outcome.output.contains(line), "missing '\(line)' in \(outcome.output)")
        }
        let profile = try DeviceProfileLoader.load(from: output)
        #expect(profile.name == "xc7z007s-2-fabric-fitted")
        #expect(profile.source.hasPrefix("Fitted by `pipewright calibrate` from profile xc7z007s-2-fabric to 8 design/report pairs"))
        #expect(profile.dspInputWidths == [25, 18] && profile.lutMultiplierMaxNarrowWidth == 18)
    }

    @Test func unusableInputIsOneClearErrorAndNoFile() throws {
        let directory = try Self.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("fitted.yml")
        // A folder without designs.
        var outcome = try CommandLineErrorTests.run(["calibrate", directory.path, "-o", output.path])
        #expect(outcome.status == 1 && outcome.output.contains("no design files"), "\(outcome.output)")
        // Designs on two devices and no --device.
        outcome = try CommandLineErrorTests.run(["calibrate", Self.designs.path, "--reports", Self.reports.path, "-o", output.path])
        #expect(outcome.status == 1 && outcome.output.contains("several devices (xc7z007s-2, xc7z007s-2-fabric)"), "\(outcome.output)")
        // No report for any design.
        outcome = try CommandLineErrorTests.run(["calibrate", Self.designs.path, "--reports", directory.path, "--device", "xc7z007s-2", "-o", output.path])
        #expect(outcome.status == 1 && outcome.output.contains("0 design(s) on device xc7z007s-2 with a matching report"), "\(outcome.output)")
        // A folder that does not exist; a negative hold-out.
        outcome = try CommandLineErrorTests.run(["calibrate", directory.appendingPathComponent("missing").path])
        #expect(outcome.status == 1 && outcome.output.contains("not a readable folder of design files"), "\(outcome.output)")
        outcome = try CommandLineErrorTests.run(["calibrate", Self.designs.path, "--holdout-every", "-1"])
        #expect(outcome.status == 64 && outcome.output.contains("--holdout-every must be 0 or more"), "\(outcome.output)")
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }
}

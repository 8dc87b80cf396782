import ArgumentParser
import Design
import Foundation
import Support
import HLSReports
import Reports
import Scheduling

struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Fit a device profile's delays to HLS reports of designs built on that part; report the error on held-out designs.",
        discussion: """
        DESIGNS is a folder of design files (*.yml); the report of X.yml is --reports/X (a report folder or file, \
        as for hls-report). Every layer matched to a report instance (as in compare) counts: the fit changes the \
        profile's delays one at a time to lower the summed |D − (L + 1)| over the fitted designs (D: Pipewright's \
        block latency, L: the instance latency), and every --holdout-every-th design (by name) is held out of the \
        fit and only measured. The designs must name the profile's device (--device, default: the one they all \
        name). -o writes the fitted profile (a Profiles/*.yml file whose source states the fit).

        EXAMPLES:
          pipewright calibrate Designs/calibration --reports ../shared/hls_reports --device xc7z007s-2 -o Profiles/xc7z007s-2-fitted.yml
          pipewright calibrate my_designs --reports my_reports --holdout-every 4
        """)

    @Argument(help: ArgumentHelp("A folder of design files, one per synthesized design.", valueName: "designs"))
    var designs: String

    @Option(help: ArgumentHelp("The folder holding each design's report as <design name without .yml> (default: the designs folder).", valueName: "dir"))
    var reports: String?

    @Option(help: ArgumentHelp("The device profile to fit: only designs naming it are used.", valueName: "name"))
    var device: String?

    @Option(name: .customLong("holdout-every"), parsing: .unconditional, help: ArgumentHelp("Hold every Nth design (by name) out of the fit; 0: fit all.", valueName: "n"))
    var holdoutEvery: Int = 3

    @Option(parsing: .unconditional, help: "At most passes × 11 fitting steps, one per delay (each tries every delay at 10 factors and keeps the best change).")
    var passes: Int = 4

    @Option(name: [.customShort("o"), .customLong("output")], help: ArgumentHelp("Write the fitted profile to this YAML file.", valueName: "file"))
    var output: String?

    @Option(help: ArgumentHelp("The fitted profile's name (default: <device>-fitted).", valueName: "name"))
    var name: String?

    @Option(name: .customLong("profiles"), help: ArgumentHelp(profilesHelp, valueName: "dir"))
    var profiles: [String] = []

    func validate() throws {
        guard holdoutEvery >= 0 else { throw ValidationError("--holdout-every must be 0 or more, got \(holdoutEvery)") }
        guard (1...20).contains(passes) else { throw ValidationError("--passes must lie in 1...20, got \(passes)") }
    }

    func run() throws {
        let folder = URL(fileURLWithPath: designs)
        let files: [URL]
        do {
            files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
                .filter { $0.pathExtension == "yml" || $0.pathExtension == "yaml" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
        } catch {
            throw CalibrationInputError(message: "\(designs): not a readable folder of design files")
        }
        let searchPaths = profiles.map { URL(fileURLWithPath: $0) }
        var loaded: [(name: String, design: LoadedDesign)] = []
        for file in files {
            loaded.append((file.deletingPathExtension().lastPathComponent, try DesignLoader.load(file, profileSearchPaths: searchPaths)))
        }
        let devices = Set(loaded.map(\.design.options.device.name))
        guard let target = device ?? (devices.count == 1 ? devices.first : nil) else {
            throw CalibrationInputError(message: devices.isEmpty ? "\(designs): no design files (*.yml)"
                : "\(designs): the designs name several devices (\(devices.sorted().joined(separator: ", "))); choose one with --device")
        }
        var notes: [String] = [], samples: [ProfileFit.Sample] = []
        var start: DeviceProfile?
        let reportFolder = URL(fileURLWithPath: reports ?? designs)
        let others = loaded.filter { $0.design.options.device.name != target }
        if !others.isEmpty {
            notes.append("\(others.count) design(s) on other devices left out (\(Set(others.map(\.design.options.device.name)).sorted().joined(separator: ", ")))")
        }
        for (name, design) in loaded {
            guard design.options.device.name == target else { continue }
            start = start ?? design.options.device
            let path = reportFolder.appendingPathComponent(name).path
            guard FileManager.default.fileExists(atPath: path) else {
                notes.append("\(name): no report at \(path); skipped")
                continue
            }
            let report = try HLSReportLoader.load(path)
            if let sample = ProfileCalibration.sample(name: name, network: design.network, options: design.options, report: report) {
                samples.append(sample)
            } else {
                notes.append("\(name): no layer matches an instance of \(path); skipped")
            }
        }
        guard let start, samples.count >= 2 else {
            throw CalibrationInputError(message: "\(designs): \(samples.count) design(s) on device \(target) with a matching report; at least 2 are needed")
        }
        let calibration = ProfileCalibration(start: start, samples: samples, holdOutEvery: holdoutEvery, passes: passes,
                                             name: name, notes: notes)
        if let output { try OutputFile.write(DeviceProfileLoader.yaml(calibration.fitted), to: URL(fileURLWithPath: output)) }
        print(calibration.render(), terminator: "")
        if let output { print("wrote \(output)") }
    }
}

/// The designs and reports given to calibrate cannot be used.
struct CalibrationInputError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
